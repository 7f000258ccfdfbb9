#!/usr/bin/env bash
# Builds tools/nearcore-diff (its own workspace: nearcore's published crates stay out of the
# crates users link) and runs its corpus mode against nearcore's runner (protocol 88): one JSON
# line per call that differs, then a summary (contracts, methods, calls, identical).
#   scripts/nearcore-diff.sh            build, then run the corpora: the test contracts (fails on
#                                       any difference not listed, with its reason, in
#                                       known-differences.json), the WAT fixtures and generated
#                                       modules (both fail on any difference;
#                                       NEARCORE_DIFF_SMITH=N for a longer run)
#   scripts/nearcore-diff.sh -- ARGS    build, then run the tool once with ARGS
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="$PWD/target/nearcore-diff"
cargo build --release --locked --manifest-path tools/nearcore-diff/Cargo.toml
tool="$CARGO_TARGET_DIR/release/nearcore-diff"
if [[ "${1:-}" == "--" ]]; then
    shift
    exec "$tool" "$@"
fi
# The corpus: every export of every test contract, on both runners; a difference not explained
# in tools/nearcore-diff/known-differences.json (or an explained one no longer seen) fails.
corpus=target/test-contracts/wasm32-unknown-unknown/release
if ! compgen -G "$corpus/*.wasm" >/dev/null; then
    # The test contracts are built from source by near-test-contracts' build script.
    CARGO_TARGET_DIR="$PWD/target" cargo build --locked -p near-test-contracts >/dev/null
fi
"$tool" --corpus "$corpus" --known tools/nearcore-diff/known-differences.json
# Parameters: every action fee, host-function cost and VM limit by name against nearcore's
# resolved protocol-88 table; no difference is allowed (NEP-481's own are listed as ours only).
"$tool" --parameters
# Wire formats: borsh of actions, transactions, receipts, accounts and the trie keys both have,
# against nearcore's near-primitives 0.38; no difference is allowed.
"$tool" --layouts
# WAT fixtures: host functions and wasm at their edges (tools/nearcore-diff/fixtures); no
# difference is allowed.
"$tool" --corpus tools/nearcore-diff/fixtures
# Generated modules: wasm-smith with protocol 88's features importing nearcore's env functions
# (near-vm-runner's fuzz test writes them out), seeds from NEARCORE_DIFF_SMITH_SEED (default 0),
# NEARCORE_DIFF_SMITH modules (default 200); no difference is allowed.
smith="$(mktemp -d -t nearcore-diff-smith.XXXXXX)"
trap 'rm -rf "$smith"' EXIT
FUZZ_DUMP_DIR="$smith" FUZZ_ITERATIONS="${NEARCORE_DIFF_SMITH:-200}" FUZZ_SEED="${NEARCORE_DIFF_SMITH_SEED:-0}" \
    CARGO_TARGET_DIR="$PWD/target" cargo test --locked -q -p near-vm-runner --test all fuzz::random_modules >/dev/null
"$tool" --corpus "$smith"
