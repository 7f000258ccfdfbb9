#!/usr/bin/env bash
# Runs the fuzz targets for longer than CI does.
#   scripts/fuzz.sh [ITERATIONS] [FIRST_SEED]
# ITERATIONS random modules per target (default 5000), seeds from FIRST_SEED (default: a seed
# derived from the time, printed so a failure can be replayed with the same arguments).
# Targets (docs/reliability.md): near-vm-runner `fuzz` (wasm-smith modules through preparation
# and every export, on Winch and Cranelift), `fuzz_submodules` (a random parent driving random
# NEP-481 children against a model of the rules; ITERATIONS parent calls on one runner) and
# `fuzz_host_calls` (random host-call sequences, 2 x ITERATIONS, inline metering against the
# host-call reference); near-hypervisor-wasm `fuzz` (random cross-VM call sequences;
# PROPTEST_CASES scales it); integration-tests `fuzz` (random and byte-mutated transactions and
# forged receipts, block by block under the balance checker); runtime-tester `fuzz` (mutated
# scenario files).
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
FUZZ_ITERATIONS="$iterations" FUZZ_SEED="$seed" \
    cargo test --release -p integration-tests --test all fuzz -- --nocapture
FUZZ_ITERATIONS="$iterations" FUZZ_SEED="$seed" \
    cargo test --release -p runtime-tester --test all fuzz -- --nocapture
