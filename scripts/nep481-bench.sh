#!/usr/bin/env bash
# NEP-481's case in numbers: the same workloads run by an interpreter inside a contract and as a
# compiled submodule (test-contracts/contracts/bench-interp and bench-child), for growing sizes,
# through the scenario runner (gas: the receipt's gas burnt) and timed (wall time of the whole
# scenario block, one call per block). Writes the scenario to target/nep481-bench.json, prints a
# Markdown table and writes an SVG plot to docs/nep481-bench.svg.
# Usage: scripts/nep481-bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >&2
cargo build --locked -p near-test-contracts -p runtime-tester >&2
scenario=target/nep481-bench.json
python3 scripts/nep481_bench.py scenario > "$scenario"
db="$(mktemp -d -t nep481-bench.XXXXXX)"
target/debug/runtime-tester run "$scenario" --store "rocksdb:${db}" --format json > target/nep481-bench.out
rm -rf "$db"
python3 scripts/nep481_bench.py report target/nep481-bench.out docs/nep481-bench.svg
