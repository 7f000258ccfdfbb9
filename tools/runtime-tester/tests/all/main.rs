//! The scenario runner: bundled scenarios, determinism, RocksDB against memory, bad input.

mod fuzz;
mod kill;

use near_store::Store;
use runtime_tester::{BlockReport, RunOptions, load, run};
use std::path::{Path, PathBuf};

fn scenario(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name)
}

fn run_with(name: &str, store: Store) -> Vec<BlockReport> {
    // The bundled scenarios reference the built test contract.
    assert!(runtime_tester::bundled_contracts().iter().all(|code| !code.is_empty()));
    let parsed = load(&scenario(name)).unwrap();
    run(&parsed, RunOptions { store, max_trailing_blocks: None, resume: false }, |_| {}).unwrap()
}

fn roots(reports: &[BlockReport]) -> Vec<String> {
    reports.iter().map(|r| r.state_root.clone()).collect()
}

#[test]
fn status_scenario_runs_to_completion() {
    let reports = run_with("status.json", Store::memory());
    // Every item, plus trailing blocks until no receipt is pending.
    assert!(reports.len() > 5);
    let last = reports.last().unwrap();
    assert_eq!(last.outgoing_receipts, 0);
    let views = &reports[3].views;
    assert_eq!(views[0]["result"]["utf8"], "\"hello\"");
    assert_eq!(views[1]["result"]["utf8"], "1");
    let all: Vec<_> = reports.iter().flat_map(|r| r.outcomes.iter()).collect();
    assert!(all.iter().any(|o| o["status"]["SuccessValue"]["utf8"] == "\"status: from bob\""));
    assert!(all.iter().any(|o| {
        o["status"]["Failure"]["ActionError"]["kind"]["FunctionCallError"]["ExecutionError"]
            .as_str()
            .is_some_and(|m| m.starts_with("Smart contract panicked"))
    }));
}

#[test]
fn same_scenario_same_roots_and_rocksdb_matches_memory() {
    let first = roots(&run_with("status.json", Store::memory()));
    let second = roots(&run_with("status.json", Store::memory()));
    assert_eq!(first, second);
    let dir = tempfile::tempdir().unwrap();
    let on_disk = roots(&run_with("status.json", Store::rocksdb(dir.path()).unwrap()));
    assert_eq!(first, on_disk);
}

#[test]
fn accounts_scenario() {
    let reports = run_with("accounts.json", Store::memory());
    let all: Vec<_> = reports.iter().flat_map(|r| r.outcomes.iter()).collect();
    let failures: Vec<_> =
        all.iter().map(|o| &o["status"]["Failure"]["ActionError"]["kind"]).filter(|k| !k.is_null()).collect();
    // The short top-level account fails; so do the gas refunds that arrive after app.alice.near
    // deleted itself (its gas was bought at the minimum purchase price, NEP-642, and the
    // surplus comes back to a deleted account: burnt, as nearcore burns it).
    let (refunds, others): (Vec<_>, Vec<_>) =
        failures.into_iter().partition(|kind| kind["AccountDoesNotExist"]["account_id"] == "app.alice.near");
    assert_eq!(others.len(), 1, "only the short top-level account fails: {others:?}");
    assert!(others[0].get("CreateAccountOnlyByRegistrar").is_some());
    assert!(!refunds.is_empty());
}

#[test]
fn yield_scenario_resumes_and_times_out() {
    let reports = run_with("yield_resume.json", Store::memory());
    let values: Vec<String> = reports
        .iter()
        .flat_map(|r| r.outcomes.iter())
        .filter_map(|o| o["status"]["SuccessValue"]["utf8"].as_str().map(str::to_string))
        .collect();
    assert!(values.contains(&"\"tx-1 signed: sig-1\"".to_string()), "{values:?}");
    let failures: Vec<String> = reports
        .iter()
        .flat_map(|r| r.outcomes.iter())
        .filter_map(|o| {
            o["status"]["Failure"]["ActionError"]["kind"]["FunctionCallError"]["ExecutionError"]
                .as_str()
                .map(str::to_string)
        })
        .collect();
    assert!(failures.iter().any(|f| f.contains("request 1 timed out")), "{failures:?}");
    // Every yield ended: the runner stopped once nothing was pending.
    assert!(reports.last().unwrap().outgoing_receipts == 0);
}

#[test]
fn submodule_scenario_deploys_and_runs_the_app() {
    let reports = run_with("submodules.json", Store::memory());
    let all: Vec<_> = reports.iter().flat_map(|r| r.outcomes.iter()).collect();
    let values: Vec<&str> = all.iter().filter_map(|o| o["status"]["SuccessValue"]["utf8"].as_str()).collect();
    assert!(values.contains(&"\"done 1\"") && values.contains(&"\"done 2\""), "{values:?}");
    assert!(all.iter().any(|o| o["logs"][0] == "counter is 2"));
    let failure = all
        .iter()
        .find_map(|o| o["status"]["Failure"]["ActionError"]["kind"]["FunctionCallError"]["ExecutionError"].as_str());
    assert!(failure.is_some_and(|f| f.contains("status 200")), "{failure:?}");
}

#[test]
fn global_contract_scenario_runs_the_shared_code_on_both_accounts() {
    let reports = run_with("global_contracts.json", Store::memory());
    let all: Vec<_> = reports.iter().flat_map(|r| r.outcomes.iter()).collect();
    let counters: Vec<_> = all
        .iter()
        .filter(|o| o["status"]["SuccessValue"]["base64"] == "AQAAAAAAAAA=")
        .map(|o| &o["executor_id"])
        .collect();
    assert_eq!(counters, ["bob.near", "carol.near"], "each account's first increment returns 1");
    assert!(all.iter().all(|o| o["status"].get("Failure").is_none()), "nothing fails");
    let view = &reports.iter().flat_map(|r| r.views.iter()).next().expect("the view ran")["result"];
    assert!(view.get("base64").is_some(), "a view call runs the global code: {view}");
}

#[test]
fn gas_key_scenario_funds_signs_withdraws_and_deletes() {
    let reports = run_with("gas_keys.json", Store::memory());
    let all: Vec<_> = reports.iter().flat_map(|r| r.outcomes.iter()).collect();
    assert!(all.iter().all(|o| o["status"].get("Failure").is_none()), "nothing fails");
    // Deleting the key burns what it still holds: 1 + 0.5 NEAR funded, 0.75 withdrawn, less gas.
    let burnt: Vec<u128> = all.iter().map(|o| o["tokens_burnt"].as_str().unwrap().parse().unwrap()).collect();
    let most = burnt.iter().copied().max().unwrap();
    assert!(most > 7 * 10u128.pow(23) && most < 75 * 10u128.pow(22), "the key's balance is burnt: {most}");
}

#[test]
fn universal_scenario_funds_bootstraps_relays_and_refunds_a_repeat() {
    let reports = run_with("universal_accounts.json", Store::memory());
    let all: Vec<_> = reports.iter().flat_map(|r| r.outcomes.iter()).collect();
    assert!(all.iter().all(|o| o["status"].get("Failure").is_none()), "nothing fails: {all:?}");
    // The self-signed state init is a transaction of the universal account itself, and both
    // universal accounts then sign transfers to bob.near with their committed keys.
    let signed_by_universal = all
        .iter()
        .filter(|o| {
            o["executor_id"].as_str().is_some_and(|id| id.starts_with("0u")) && o["gas_burnt"].as_u64() > Some(0)
        })
        .count();
    assert!(signed_by_universal >= 3, "{all:?}");
    let on_disk = tempfile::tempdir().unwrap();
    let disk = roots(&run_with("universal_accounts.json", Store::rocksdb(on_disk.path()).unwrap()));
    assert_eq!(roots(&reports), disk, "memory and RocksDB agree");
}

fn write(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("scenario.json");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn bad_scenarios_name_the_path_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("{", "-"),
        (r#"{"blocks": []}"#, "$: missing field `genesis`"),
        (
            r#"{"genesis": {"accounts": [{"account_id": "A!", "balance": "1"}]}, "blocks": []}"#,
            "$.genesis.accounts[0].account_id: invalid account id",
        ),
        (
            r#"{"genesis": {"accounts": [{"account_id": "a.near", "balance": "lots"}]}, "blocks": []}"#,
            "$.genesis.accounts[0].balance",
        ),
        (
            r#"{"genesis": {"accounts": []}, "blocks": [{"transactions": [{"signer_id": "a.near", "receiver_id": "b.near", "actions": [{"FunctionCall": {"method_name": "m", "gas": "x"}}]}]}]}"#,
            "$.blocks[0].transactions[0].actions[0].FunctionCall.gas: expected an integer",
        ),
        (
            r#"{"genesis": {"accounts": []}, "blocks": [{"transactions": [{"signer_id": "a.near", "receiver_id": "universal:nope", "actions": []}]}]}"#,
            "$.blocks[0].transactions[0].receiver_id: `universal:nope` names no state init declared in `state_inits`",
        ),
        (
            r#"{"genesis": {"accounts": []}, "state_inits": {"w": {"keys": []}}, "blocks": []}"#,
            "$.state_inits.w.keys: unknown field `keys`",
        ),
        (
            r#"{"genesis": {"accounts": []}, "blocks": [{"transactions": [{"signer_id": "a.near", "receiver_id": "b.near", "actions": [{"UniversalStateInit": {"state_init": "w"}}]}]}]}"#,
            "$.blocks[0].transactions[0].actions[0].UniversalStateInit.state_init: `w` names no state init",
        ),
        (
            r#"{"genesis": {"accounts": []}, "blocks": [{"transactions": [{"signer_id": "a.near", "receiver_id": "b.near", "actions": [{"Fly": {}}]}]}]}"#,
            "$.blocks[0].transactions[0].actions[0]: unknown action `Fly`",
        ),
        (
            r#"{"genesis": {"accounts": [{"account_id": "a.near", "balance": "1", "code_file": "missing.wasm"}]}, "blocks": []}"#,
            "$.genesis.accounts[0].code_file: cannot read",
        ),
        (r#"{"genesis": {"accounts": []}, "blocks": [{}]}"#, "$.blocks[0]: expected `transactions`"),
        (
            r#"{"genesis": {"accounts": []}, "blocks": [{"transactions": [{"signer_id": "a.near", "receiver_id": "a.near", "actions": [{"UseGlobalContract": {"account_id": "b.near", "code_hash": "11111111111111111111111111111111"}}]}]}]}"#,
            "$.blocks[0].transactions[0].actions[0].UseGlobalContract: expected exactly one of",
        ),
        (
            r#"{"genesis": {"accounts": []}, "blocks": [{"transactions": [{"signer_id": "a.near", "receiver_id": "a.near", "actions": [{"DeployGlobalContract": {"code_file": "x.wat", "deploy_mode": "Hash"}}]}]}]}"#,
            "DeployGlobalContract.code_file: cannot read",
        ),
        // Found by the scenario fuzz target: this ran for days.
        (
            r#"{"genesis": {"accounts": []}, "blocks": [{"empty_blocks": 1000000000000000000}]}"#,
            "$.blocks[0]: `empty_blocks` is 1000000000000000000, more than the 1000000",
        ),
        (r#"{"genesis": {"accounts": []}, "blocks": [], "gas_limt": 1}"#, "$.gas_limt: unknown field `gas_limt`"),
        (
            r#"{"genesis": {"accounts": []}, "blocks": [{"views": [{"account_id": "a.near", "method_name": "m", "args": {}}]}]}"#,
            "$.blocks[0].views[0].args: unknown field",
        ),
        (
            r#"{"genesis": {"accounts": []}, "blocks": [{"transactions": [{"signer_id": "a.near", "receiver_id": "b.near", "actions": [{"Transfer": {"deposit": "1", "gas": 1}}]}]}]}"#,
            "$.blocks[0].transactions[0].actions[0].Transfer.gas: unknown field",
        ),
        (
            r#"{"genesis": {"accounts": []}, "blocks": [{"transactions": [{"signer_id": "a.near", "receiver_id": "b.near", "actions": [{"FunctionCall": {"method_name": "m", "args_json": {}, "args_base64": ""}}]}]}]}"#,
            "FunctionCall: give `args_json` or `args_base64`, not both",
        ),
        (
            r#"{"genesis": {"accounts": []}, "blocks": [{"views": [{"account_id": "a.near", "method_name": "m", "args_json": {"x": "${nope}"}}]}]}"#,
            "$.blocks[0].views[0]: `${nope}` names no capture declared in an earlier block",
        ),
        (
            r#"{"genesis": {"accounts": []}, "blocks": [{"views": [{"account_id": "a.near", "method_name": "m", "capture": "x"}, {"account_id": "a.near", "method_name": "m", "capture": "x"}]}]}"#,
            "$.blocks[0].views[1].capture: capture `x` is already declared at $.blocks[0].views[0]",
        ),
        (
            r#"{"genesis": {"accounts": []}, "blocks": [{"views": [{"account_id": "a.near", "method_name": "m", "capture": "x"}]}, {"views": [{"account_id": "a.near", "method_name": "m", "args_base64": ["AA==", "${x"]}]}]}"#,
            "$.blocks[1].views[0].args_base64: part 1: bad base64",
        ),
    ];
    for (text, expected) in cases {
        let path = write(dir.path(), text);
        let error = load(&path).unwrap_err().to_string();
        assert!(error.starts_with(&path.display().to_string()), "{error}");
        assert!(error.contains(expected), "{text}\n  gave: {error}\n  expected: {expected}");
    }
}

#[test]
fn cli_prints_one_json_line_per_block_and_rejects_bad_stores() {
    let binary = env!("CARGO_BIN_EXE_runtime-tester");
    let output =
        std::process::Command::new(binary).args(["run", scenario("accounts.json").to_str().unwrap()]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).unwrap();
    for line in stdout.lines() {
        let block: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(block["height"].as_u64().is_some() && block["state_root"].as_str().is_some());
    }
    let text = std::process::Command::new(binary)
        .args(["run", scenario("accounts.json").to_str().unwrap(), "--format", "text"])
        .output()
        .unwrap();
    assert!(String::from_utf8(text.stdout).unwrap().starts_with("#1 root "));
    let bad = std::process::Command::new(binary)
        .args(["run", scenario("accounts.json").to_str().unwrap(), "--store", "floppy"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--store"));
}

#[test]
fn captures_carry_a_yield_id_and_a_view_result_into_later_blocks() {
    let reports = run_with("captures.json", Store::memory());
    let captured: Vec<_> = reports.iter().flat_map(|r| r.captures.iter()).collect();
    let data_id = captured.iter().find(|(name, _)| *name == "data_id").expect("data_id captured").1;
    assert_eq!(data_id["base64"].as_str().map(str::len), Some(44), "a 32-byte data id: {data_id}");
    let greeting = captured.iter().find(|(name, _)| *name == "greeting").expect("greeting captured").1;
    assert_eq!(greeting["utf8"], "\"hello\"");
    let values: Vec<&str> = reports
        .iter()
        .flat_map(|r| r.outcomes.iter())
        .filter_map(|o| o["status"]["SuccessValue"]["utf8"].as_str())
        .collect();
    assert!(values.contains(&"Resumed hi"), "the captured id resumed the yield: {values:?}");
    let last_views = &reports[2].views;
    assert_eq!(last_views[0]["result"]["utf8"], "\"hello again\"");
    assert!(last_views[1]["result"]["utf8"].as_str().is_some_and(|h| h.len() > 2), "{}", last_views[1]);
}

fn run_text(dir: &Path, text: &str) -> Result<Vec<BlockReport>, runtime_tester::RunError> {
    let parsed = load(&write(dir, text)).unwrap();
    run(&parsed, RunOptions { store: Store::memory(), max_trailing_blocks: None, resume: false }, |_| {})
}

#[test]
fn a_capture_used_before_its_receipt_ran_is_a_scenario_error() {
    let dir = tempfile::tempdir().unwrap();
    let code = near_test_contracts::sdk_status();
    std::fs::write(dir.path().join("status.wasm"), code).unwrap();
    // bob.near -> status.near is not local: its receipt runs a block after the transaction.
    let scenario = |between: &str| {
        format!(
            r#"{{"genesis": {{"accounts": [{{"account_id": "bob.near", "balance": "10 NEAR"}},
                {{"account_id": "status.near", "balance": "10 NEAR", "code_file": "status.wasm"}}]}},
              "blocks": [
                {{"transactions": [{{"signer_id": "status.near", "receiver_id": "status.near",
                                    "actions": [{{"FunctionCall": {{"method_name": "new", "args_json": {{}}}}}}]}},
                                   {{"signer_id": "bob.near", "receiver_id": "status.near", "capture": "calls",
                                    "actions": [{{"FunctionCall": {{"method_name": "calls"}}}}]}}]}},
                {between}
                {{"transactions": [{{"signer_id": "bob.near", "receiver_id": "status.near",
                    "actions": [{{"FunctionCall": {{"method_name": "set_status", "args_json": {{"message": "${{calls}}"}}}}}}]}}]}}]}}"#
        )
    };
    let Err(runtime_tester::RunError::Scenario(error)) = run_text(dir.path(), &scenario("")) else {
        panic!("expected a scenario error")
    };
    assert_eq!(error.path, "$.blocks[1].transactions[0].actions[0].FunctionCall");
    assert!(error.problem.contains("has no value yet"), "{error}");
    // One empty block later the value is there.
    let reports = run_text(dir.path(), &scenario(r#"{"empty_blocks": 1},"#)).unwrap();
    assert!(reports.iter().any(|r| r.captures.contains_key("calls")));
}
