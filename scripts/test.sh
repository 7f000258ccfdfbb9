#!/usr/bin/env bash
# Every gate and every test, as CI runs them: setup, format, lints, the whole test suite, and
# the differential run against nearcore's published runner (tools/nearcore-diff).
# Prints how long each stage took. Usage: scripts/test.sh [extra args for `cargo test`]
set -euo pipefail
cd "$(dirname "$0")/.."

stage() {
    local name="$1"
    shift
    local start=$SECONDS
    echo "== ${name}: $*"
    "$@"
    echo "== ${name} took $((SECONDS - start)) s"
}

stage setup bash scripts/setup.sh
stage fmt scripts/fmt.sh --check
stage clippy cargo clippy --workspace --all-targets --locked -- -D warnings
stage test cargo test --workspace --locked "$@"
stage nearcore-diff bash scripts/nearcore-diff.sh
echo "== all stages passed in ${SECONDS} s"
