//! The standalone runner as a user runs it: flags in, one JSON object out.

use serde_json::Value;
use std::path::Path;
use std::process::Command;

const CONTRACT: &str = r#"(module
  (import "env" "input" (func $input (param i64)))
  (import "env" "value_return" (func $value_return (param i64 i64)))
  (import "env" "log_utf8" (func $log (param i64 i64)))
  (import "env" "storage_write" (func $write (param i64 i64 i64 i64 i64) (result i64)))
  (import "env" "current_account_id" (func $me (param i64)))
  (memory 1)
  (data (i32.const 0) "greeting")
  (func (export "echo")
    (call $input (i64.const 0))
    (drop (call $write (i64.const 8) (i64.const 0) (i64.const -1) (i64.const 0) (i64.const 1)))
    (call $log (i64.const 8) (i64.const 0))
    (call $value_return (i64.const -1) (i64.const 0)))
  (func (export "whoami") (call $me (i64.const 0)) (call $value_return (i64.const -1) (i64.const 0)))
  (func (export "trap") unreachable))"#;

fn run(dir: &Path, args: &[&str]) -> (i32, Value, String) {
    let wasm = dir.join("contract.wasm");
    std::fs::write(&wasm, wat::parse_str(CONTRACT).unwrap()).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_near-vm-runner-standalone"))
        .arg("--wasm-file")
        .arg(&wasm)
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    let json = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (output.status.code().unwrap_or(-1), json, String::from_utf8_lossy(&output.stderr).to_string())
}

#[test]
fn runs_a_method_and_prints_outcome_state_and_timings() {
    let dir = tempfile::tempdir().unwrap();
    let (code, json, stderr) = run(dir.path(), &["--method-name", "echo", "--input", "hello"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(json["error"], Value::Null);
    assert_eq!(json["outcome"]["return_data"]["utf8"], "hello");
    assert_eq!(json["outcome"]["return_data"]["base64"], "aGVsbG8=");
    assert_eq!(json["outcome"]["logs"][0], "greeting");
    assert!(json["outcome"]["burnt_gas"].as_u64().unwrap() > 0);
    assert!(json["outcome"]["profile"]["WASM_INSTRUCTION"].as_u64().unwrap() > 0);
    assert_eq!(json["state"]["Z3JlZXRpbmc="]["utf8"], "hello", "key `greeting` was written");
    assert!(json["timings"]["total_us"].is_u64());
}

#[test]
fn context_file_uses_nearcore_field_names_and_both_compilers_agree() {
    let dir = tempfile::tempdir().unwrap();
    let context = dir.path().join("ctx.json");
    std::fs::write(&context, r#"{"current_account_id": "contract.near", "block_index": 5, "input": [104, 105]}"#)
        .unwrap();
    let ctx = context.to_str().unwrap();
    let (code, winch, stderr) = run(dir.path(), &["--method-name", "whoami", "--context-file", ctx]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(winch["outcome"]["return_data"]["utf8"], "contract.near");
    let (_, cranelift, _) =
        run(dir.path(), &["--method-name", "whoami", "--context-file", ctx, "--vm-config", "cranelift"]);
    assert_eq!(winch["outcome"]["burnt_gas"], cranelift["outcome"]["burnt_gas"]);
}

#[test]
fn state_file_seeds_storage() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    std::fs::write(&state, r#"{"Z3JlZXRpbmc=": "b2xk"}"#).unwrap();
    let (code, json, stderr) =
        run(dir.path(), &["--method-name", "echo", "--input", "new", "--state-file", state.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(json["state"]["Z3JlZXRpbmc="]["utf8"], "new");
}

#[test]
fn a_trapping_contract_is_a_result_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let (code, json, _) = run(dir.path(), &["--method-name", "trap"]);
    assert_eq!(code, 0);
    assert_eq!(json["error"]["WasmTrap"], "Unreachable");
    assert_eq!(json["state"], serde_json::json!({}));
}

#[test]
fn bad_input_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("absent.json");
    let (code, _, stderr) = run(dir.path(), &["--method-name", "echo", "--context-file", missing.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("absent.json"), "{stderr}");
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"current_account_id": "NOT VALID"}"#).unwrap();
    let (code, _, stderr) = run(dir.path(), &["--method-name", "echo", "--context-file", bad.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("context"), "{stderr}");
}

/// Runs the near-sdk contract with `state` (key -> base64 value) and returns the output.
fn run_sdk(dir: &Path, method: &str, input: &str, state: &serde_json::Map<String, Value>) -> Value {
    let wasm = dir.join("sdk.wasm");
    std::fs::write(&wasm, near_test_contracts::sdk_status()).unwrap();
    let state_file = dir.join("state.json");
    std::fs::write(&state_file, Value::Object(state.clone()).to_string()).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_near-vm-runner-standalone"))
        .args(["--method-name", method, "--input", input, "--wasm-file"])
        .arg(&wasm)
        .arg("--state-file")
        .arg(&state_file)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

fn apply_changes(state: &mut serde_json::Map<String, Value>, output: &Value) {
    for (key, value) in output["state"].as_object().unwrap() {
        match value {
            Value::Null => state.remove(key),
            value => state.insert(key.clone(), value["base64"].clone()),
        };
    }
}

#[test]
fn near_sdk_contract_through_the_standalone_runner() {
    let dir = tempfile::tempdir().unwrap();
    let mut state = serde_json::Map::new();
    let init = run_sdk(dir.path(), "new", "{}", &state);
    assert_eq!(init["error"], Value::Null, "{init}");
    apply_changes(&mut state, &init);
    let set = run_sdk(dir.path(), "set_status", r#"{"message":"hi there"}"#, &state);
    assert_eq!(set["error"], Value::Null, "{set}");
    assert_eq!(set["outcome"]["logs"][0], "carol.near set status to hi there");
    apply_changes(&mut state, &set);
    let get = run_sdk(dir.path(), "get_status", r#"{"account_id":"carol.near"}"#, &state);
    assert_eq!(get["outcome"]["return_data"]["utf8"], "\"hi there\"");
}
