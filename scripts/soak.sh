#!/usr/bin/env bash
# The soak run (docs/reliability.md): 10,000 blocks of mixed traffic (transfers, near-sdk calls
# and cross-contract promises, NEP-519 requests answered or timed out, NEP-481 submodules
# deployed, run, abandoned, removed), the balance checker on every chunk, the chain drained at
# the end. Runs it twice in memory and once on RocksDB, checks the three final roots are equal,
# writes target/soak/*.jsonl and the plot docs/soak.svg (blocks per second and resident memory).
# Usage: scripts/soak.sh [BLOCKS] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >&2
blocks="${1:-10000}"
seed="${2:-1}"
cargo build --release --locked -p integration-tests --example soak >&2
out=target/soak
rm -rf "$out" && mkdir -p "$out"
soak() { target/release/examples/soak --blocks "$blocks" --seed "$seed" --store "$1" > "$out/$2.jsonl"; }
soak memory memory-1
soak memory memory-2
soak "rocksdb:$out/db" rocksdb
python3 scripts/soak_plot.py "$out" docs/soak.svg
