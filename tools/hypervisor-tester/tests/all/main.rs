//! The bundled scenarios (results, determinism, RocksDB against memory), bad scenario files
//! (errors with the JSON path, never a panic) and the command line.

use hypervisor_tester::{RunError, load, run};
use near_store::Store;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn scenario(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name)
}

fn run_with(name: &str, store: Store) -> Vec<Value> {
    assert!(hypervisor_tester::bundled_handlers().len() == 3, "the wasm handlers are built");
    run(&load(&scenario(name)).unwrap(), store, |_| {}).unwrap()
}

fn messages(reports: &[Value], block: usize) -> Vec<Value> {
    reports[block]["messages"].as_array().unwrap().clone()
}

fn u64_of(message: &Value) -> u64 {
    message["ok"]["u64"].as_u64().unwrap_or_else(|| panic!("no u64 in {message}"))
}

fn error_code(message: &Value) -> u64 {
    message["error"]["code"].as_u64().unwrap_or_else(|| panic!("no error in {message}"))
}

fn utf8(message: &Value) -> &str {
    message["ok"]["utf8"].as_str().unwrap_or_else(|| panic!("no text in {message}"))
}

#[test]
fn counter_in_wasm() {
    let reports = run_with("counter_wasm.json", Store::memory());
    assert!(reports[0]["setup"]["code"]["counter"].as_str().unwrap().starts_with("wasm:"));
    let first = messages(&reports, 0);
    assert_eq!(u64_of(&first[3]), 3);
    let second = messages(&reports, 1);
    assert_eq!(error_code(&second[3]), 257, "underflow is handler error 1");
    assert_eq!(error_code(&second[4]), 131, "1,000 gas is not enough");
    assert_eq!(second[4]["gas_used"], 1000);
    assert_eq!(u64_of(&second[5]), 0);
}

#[test]
fn bank_module_native_with_wasm_clients() {
    let reports = run_with("bank_wasm_clients.json", Store::memory());
    let first = messages(&reports, 0);
    assert_eq!((utf8(&first[4]), utf8(&first[5])), ("70", "30"), "a wasm client sent 30 through the module");
    let second = messages(&reports, 1);
    assert_eq!(error_code(&second[0]), 257, "only the admin mints");
    assert_eq!(error_code(&second[1]), 257, "a wasm client cannot mint either");
    assert_eq!(error_code(&second[2]), 258, "30 is not 31");
    assert_eq!((utf8(&second[3]), utf8(&second[4])), ("100", "30"), "failed messages changed nothing");
    assert_eq!(reports[0]["state_root"], reports[1]["state_root"]);
}

#[test]
fn nested_calls_across_vms() {
    let reports = run_with("cross_vm.json", Store::memory());
    let calls = messages(&reports, 1);
    let counts: Vec<u64> = calls[..4].iter().map(u64_of).collect();
    assert_eq!(counts, [1, 11, 2, 3], "native→wasm, wasm→native, wasm→wasm, wasm→native→wasm");
    assert_eq!(calls[4]["ok"]["base64"], "AYMA", "out of gas (131) caught by the wasm caller");
    assert_eq!((u64_of(&calls[5]), u64_of(&calls[6])), (3, 11));
}

#[test]
fn migration_wasm_to_native_and_back() {
    let reports = run_with("migration.json", Store::memory());
    let wasm_id = reports[0]["setup"]["code"]["counter"].as_str().unwrap().to_string();
    assert_eq!(utf8(&messages(&reports, 0)[2]), wasm_id);
    let second = messages(&reports, 1);
    assert_eq!(error_code(&second[0]), 4, "only the account migrates itself");
    assert_eq!(utf8(&second[2]), "native:counter");
    assert_eq!(u64_of(&second[3]), 43, "the native handler keeps the wasm handler's state");
    let third = messages(&reports, 2);
    assert_eq!(utf8(&third[1]), wasm_id);
    assert_eq!(u64_of(&third[2]), 43);
}

#[test]
fn vesting_self_destructs() {
    let reports = run_with("vesting.json", Store::memory());
    let unlock = messages(&reports, 1);
    assert_eq!(error_code(&unlock[0]), 4, "only the beneficiary unlocks");
    assert_eq!((utf8(&unlock[1]), utf8(&unlock[2])), ("100", "100"));
    assert_eq!(error_code(&unlock[3]), 2, "the account is gone");
    // The same account written in wasm (hv_vesting).
    let wasm = messages(&reports, 2);
    assert_eq!(error_code(&wasm[2]), 4, "only the beneficiary unlocks");
    assert_eq!((utf8(&wasm[3]), utf8(&wasm[4])), ("50", "150"));
    assert_eq!(error_code(&wasm[5]), 2, "the wasm account is gone too");
}

#[test]
fn runs_are_deterministic_and_rocksdb_matches_memory() {
    for name in ["counter_wasm.json", "bank_wasm_clients.json", "cross_vm.json", "migration.json", "vesting.json"] {
        let memory = run_with(name, Store::memory());
        assert_eq!(memory, run_with(name, Store::memory()), "{name}: two runs");
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(memory, run_with(name, Store::rocksdb(dir.path()).unwrap()), "{name}: RocksDB");
    }
}

fn parse_error(text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.json");
    std::fs::write(&file, text).unwrap();
    load(&file).unwrap_err()
}

#[test]
fn bad_scenarios_name_the_json_path() {
    let cases = [
        (r#"{"blocks": [], "extra": 1}"#, "$.extra: unknown field"),
        (r#"{}"#, "$.blocks: missing"),
        (
            r#"{"blocks": [{"messages": [{"send": {"caller": "a", "message": "m", "gas": -1}}]}]}"#,
            "$.blocks[0].messages[0].send.gas: expected a non-negative integer",
        ),
        (
            r#"{"blocks": [{"messages": [{"send": {"caller": "a", "message": "m", "colour": 1}}]}]}"#,
            "$.blocks[0].messages[0].send.colour: unknown field",
        ),
        (
            r#"{"blocks": [{"messages": [{"send": {"caller": "a", "message": "m", "data_base64": "!!"}}]}]}"#,
            "$.blocks[0].messages[0].send.data_base64: invalid base64",
        ),
        (
            r#"{"blocks": [{"messages": [{"send": {"caller": "", "message": "m"}}]}]}"#,
            "$.blocks[0].messages[0].send.caller: an address is 1 to 63 bytes",
        ),
        (r#"{"blocks": [{"messages": [{"fly": {}}]}]}"#, "$.blocks[0].messages[0].fly: unknown field"),
        (r#"{"code": [{"name": "x", "file": "missing.wasm"}], "blocks": []}"#, "$.code[0].file: cannot read"),
        ("not json", "$: invalid JSON"),
    ];
    for (text, expected) in cases {
        let error = parse_error(text);
        assert!(error.contains(expected), "{text}: got `{error}`, expected `{expected}`");
    }
}

#[test]
fn run_errors_name_the_message() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("alias.json");
    let text = r#"{"blocks": [{"messages": [{"send": {"caller": "a", "receiver": "@nobody", "message": "m"}}]}]}"#;
    std::fs::write(&file, text).unwrap();
    match run(&load(&file).unwrap(), Store::memory(), |_| {}) {
        Err(RunError::Scenario(error)) => {
            assert_eq!(error.to_string(), "$.blocks[0].messages[0].send: unknown alias `@nobody`")
        }
        other => panic!("expected a scenario error, got {other:?}"),
    }
    let garbage = dir.path().join("garbage.json");
    std::fs::write(&garbage, r#"{"code": [{"name": "x", "file": "alias.json"}], "blocks": [{"messages": []}]}"#)
        .unwrap();
    match run(&load(&garbage).unwrap(), Store::memory(), |_| {}) {
        Err(RunError::Scenario(error)) => assert!(error.to_string().starts_with("$.code[0]: the wasm VM refused")),
        other => panic!("expected a scenario error, got {other:?}"),
    }
}

#[test]
fn the_command_line_prints_a_json_line_per_block_and_exits_2_on_bad_input() {
    let exe = env!("CARGO_BIN_EXE_hypervisor-tester");
    let dir = tempfile::tempdir().unwrap();
    let store = format!("rocksdb:{}", dir.path().join("db").display());
    let out = std::process::Command::new(exe)
        .args(["run", scenario("counter_wasm.json").to_str().unwrap(), "--store", &store])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines, run_with("counter_wasm.json", Store::memory()));
    let text = std::process::Command::new(exe)
        .args(["run", scenario("vesting.json").to_str().unwrap(), "--format", "text"])
        .output()
        .unwrap();
    assert!(String::from_utf8(text.stdout).unwrap().contains("error 2 (account not found)"));
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"blocks": 3}"#).unwrap();
    let out = std::process::Command::new(exe).args(["run", bad.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr).unwrap().contains("$.blocks: expected an array"));
    let out = std::process::Command::new(exe).args(["run", bad.to_str().unwrap(), "--store", "tape"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}
