#!/usr/bin/env bash
# This runner against nearcore's published near-vm-runner 0.38 (Wasmtime, protocol 88), side by
# side in one run on the same machine: for each call below, `nearcore-diff --bench` times it
# alternately on both runners from the same state (compiled modules cached on both sides) and
# prints a Markdown row: medians, the ratio (here / nearcore; below 1 is faster here) and the
# first, compiling call of each side. Usage: scripts/nearcore-bench.sh [ROUNDS] (default 300).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-300}"
bash scripts/setup.sh >/dev/null
cargo build --release --locked -p near-test-contracts >/dev/null
export CARGO_TARGET_DIR="$PWD/target/nearcore-diff"
cargo build --release --locked --manifest-path tools/nearcore-diff/Cargo.toml
tool="$CARGO_TARGET_DIR/release/nearcore-diff"
contracts=target/test-contracts/wasm32-unknown-unknown/release
# contract | method | input | init method (- for none)
calls=(
    'sdk_status.wasm|get_status|{"account_id":"carol.near"}|new'
    'sdk_status.wasm|set_status|{"message":"hello"}|new'
    'sdk_status.wasm|burn|{"rounds":1}|new'
    'sdk_status.wasm|fail|{}|new'
    'raw_nostd.wasm|spin|1000|-'
    'raw_nostd.wasm|spin|100000|-'
    'raw_nostd.wasm|increment|-|-'
    'raw_nostd.wasm|fail|-|-'
)
echo "| contract | call | here (µs) | nearcore (µs) | ratio | first call here / nearcore (ms) |"
echo "|---|---|---|---|---|---|"
for call in "${calls[@]}"; do
    IFS='|' read -r wasm method input init <<<"$call"
    args=(--wasm-file "$contracts/$wasm" --method-name "$method" --bench "$rounds")
    [[ "$input" != "-" ]] && args+=(--input "$input")
    [[ "$init" != "-" ]] && args+=(--init-method "$init" --init-input '{}')
    report=$("$tool" "${args[@]}")
    python3 - "$wasm" "$method $input" "$report" <<'PY'
import json, sys
wasm, call, report = sys.argv[1], sys.argv[2].replace(" -", ""), json.loads(sys.argv[3])
first = report["first_call_ms"]
print(f"| {wasm} | `{call}` | {report['ours_us']} | {report['nearcore_us']} | {report['ratio']} | {first['ours']} / {first['nearcore']} |")
PY
done
