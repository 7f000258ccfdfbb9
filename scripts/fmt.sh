#!/usr/bin/env bash
# Formats the workspace, the test contracts and tools/nearcore-diff (their own workspaces) with
# rustfmt.toml.
# `scripts/fmt.sh --check` changes nothing and fails on any difference.
set -euo pipefail
cd "$(dirname "$0")/.."

check=()
if [ "${1:-}" = "--check" ]; then check=(--check); fi

cargo fmt --all -- "${check[@]}"
for manifest in test-contracts/contracts/*/Cargo.toml tools/nearcore-diff/Cargo.toml; do
    cargo fmt --manifest-path "$manifest" -- "${check[@]}"
done
