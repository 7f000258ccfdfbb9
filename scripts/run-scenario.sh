#!/usr/bin/env bash
# The main job: the scenario runner on a scenario, state in an embedded RocksDB.
# Usage: scripts/run-scenario.sh [SCENARIO.json] [extra runtime-tester flags]
# Default scenario: tools/runtime-tester/scenarios/status.json; the database goes to a fresh
# temporary directory unless --store is given.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh >&2

scenario="${1:-tools/runtime-tester/scenarios/status.json}"
shift || true
store=()
if [[ " $* " != *" --store "* && " $* " != *" --store="* ]]; then
    db="$(mktemp -d -t near-scenario-db.XXXXXX)"
    echo "scenario: ${scenario}, RocksDB at ${db}" >&2
    store=(--store "rocksdb:${db}")
fi
# The dev profile: dependencies at opt-level 1 (Cargo.toml), so this shares most of its build
# with scripts/test.sh and compiles in a fraction of a release build's time.
exec cargo run --locked -p runtime-tester -- run "$scenario" "${store[@]}" "$@"
