#!/usr/bin/env bash
# Runs the fuzz targets for longer than CI does.
#   scripts/fuzz.sh [ITERATIONS] [FIRST_SEED]
# ITERATIONS random modules per target (default 5000), seeds from FIRST_SEED (default: a seed
# derived from the time, printed so a failure can be replayed with the same arguments).
# Targets: near-vm-runner `fuzz` (wasm-smith modules through preparation and every export, on
# Winch and Cranelift: no panic, no node fault, gas within prepaid, identical outcomes) and
# near-hypervisor-wasm `fuzz` (random cross-VM call sequences: no crash, no state leaked from a
# failed call, same root on memory and RocksDB; PROPTEST_CASES scales it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
iterations="${1:-5000}"
seed="${2:-$(( $(date +%s) % 1000000 * 1000 ))}"
echo "fuzz: $iterations modules from seed $seed"
FUZZ_ITERATIONS="$iterations" FUZZ_SEED="$seed" \
    cargo test --release -p near-vm-runner --test all fuzz -- --nocapture
PROPTEST_CASES="$(( iterations / 50 + 12 ))" \
    cargo test --release -p near-hypervisor-wasm --test all fuzz -- --nocapture
