#!/usr/bin/env bash
# Builds tools/nearcore-diff (its own workspace: nearcore's published crates stay out of the
# crates users link) and runs it on the bundled calls listed below, printing a line per call
# with the number of differences against nearcore's runner (protocol 88).
#   scripts/nearcore-diff.sh            build, then run the list (a difference is reported, not
#                                       fatal, until the parity issue is done; a crash or bad
#                                       input fails)
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
contracts=target/test-contracts/wasm32-unknown-unknown/release
calls=(
    "sdk_status.wasm set_status {\"message\":\"hello\"}"
    "sdk_status.wasm get_status {\"account_id\":\"alice.near\"}"
    "raw_nostd.wasm increment -"
    "raw_nostd.wasm noop -"
)
for call in "${calls[@]}"; do
    read -r wasm method input <<<"$call"
    [[ "$input" == "-" ]] && input=""
    status=0
    report=$("$tool" --wasm-file "$contracts/$wasm" --method-name "$method" --input "$input") || status=$?
    if [[ $status -gt 1 ]]; then
        echo "nearcore-diff failed on $wasm $method (exit $status)" >&2
        exit 1
    fi
    count=$(grep -c '"field"' <<<"$report" || true)
    echo "nearcore-diff: $wasm $method: $count differences"
done
