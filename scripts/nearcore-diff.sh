#!/usr/bin/env bash
# Builds tools/nearcore-diff (its own workspace: nearcore's published crates stay out of the
# crates users link) and runs its corpus mode against nearcore's runner (protocol 88): one JSON
# line per call that differs, then a summary (contracts, methods, calls, identical).
#   scripts/nearcore-diff.sh            build, then run the corpus (fails on any difference not
#                                       listed, with its reason, in known-differences.json)
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
