use crate::{env_with_contracts, id};
use integration_tests::{FinalStatus, GenesisAccount, NEAR, TestEnv};
use near_primitives::errors::{ActionErrorKind, FunctionCallError, ReceiptValidationError, TxExecutionError};
use near_primitives::transaction::ExecutionStatus;
use serde_json::json;

#[test]
fn cross_contract_call_with_callback_success() {
    let mut env = env_with_contracts();
    let set =
        env.call(&id("alice.near"), &id("other.near"), "set_status").args_json(json!({"message": "busy"})).transact();
    assert!(set.unwrap().is_success());
    let result = env
        .call(&id("alice.near"), &id("status.near"), "ask_status")
        .args_json(json!({"target": "other.near", "account_id": "alice.near"}))
        .transact()
        .unwrap();
    assert_eq!(result.json::<String>().unwrap(), "status: busy");
    // The call, the remote get_status, the callback, and gas refunds.
    let executors: Vec<&str> = result.receipts.iter().map(|r| r.outcome.executor_id.as_str()).collect();
    assert!(executors.starts_with(&["status.near", "other.near", "status.near"]), "{executors:?}");
    assert!(result.receipt_failures().is_empty());
}

#[test]
fn cross_contract_call_with_callback_failure() {
    let mut env = env_with_contracts();
    let result = env
        .call(&id("alice.near"), &id("status.near"), "call_and_report")
        .args_json(json!({"target": "other.near", "method": "fail", "args": "{}"}))
        .transact()
        .unwrap();
    assert_eq!(result.json::<String>().unwrap(), "failed");
    let failures = result.receipt_failures();
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].outcome.executor_id.as_str(), "other.near");
    let ExecutionStatus::Failure(TxExecutionError::ActionError(error)) = &failures[0].outcome.status else {
        panic!("a failure")
    };
    assert!(
        matches!(&error.kind, ActionErrorKind::FunctionCallError(FunctionCallError::ExecutionError(msg)) if msg.contains("requested failure"))
    );
    assert!(result.logs().is_empty());
}

#[test]
fn callback_sees_the_returned_value() {
    let mut env = env_with_contracts();
    let result = env
        .call(&id("alice.near"), &id("status.near"), "call_and_report")
        .args_json(json!({"target": "other.near", "method": "hash", "args": "{\"text\":\"abc\"}"}))
        .transact()
        .unwrap();
    assert_eq!(
        result.json::<String>().unwrap(),
        "ok: \"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\""
    );
}

#[test]
fn unused_gas_is_refunded() {
    let mut env = env_with_contracts();
    let before = env.balance(&id("alice.near")).unwrap();
    let result = env
        .call(&id("alice.near"), &id("status.near"), "set_status")
        .args_json(json!({"message": "x"}))
        .gas(300_000_000_000_000)
        .transact()
        .unwrap();
    assert!(result.is_success());
    // Only burnt gas is paid: the rest of the 300 Tgas came back in a refund receipt.
    assert_eq!(env.balance(&id("alice.near")).unwrap(), before - result.total_tokens_burnt());
    assert!(result.total_gas_burnt() < 20_000_000_000_000);
    let refund = result.receipts.iter().find(|r| r.outcome.executor_id.as_str() == "alice.near");
    assert_eq!(refund.map(|r| r.outcome.gas_burnt), Some(0), "the refund receipt is free");
}

#[test]
fn deposit_is_refunded_when_the_call_fails() {
    let mut env = env_with_contracts();
    let alice_before = env.balance(&id("alice.near")).unwrap();
    let contract_before = env.view_account(&id("status.near")).unwrap().unwrap();
    let result = env.call(&id("alice.near"), &id("status.near"), "deposit_then_fail").deposit(NEAR).transact().unwrap();
    assert!(result.is_failure());
    assert_eq!(env.balance(&id("alice.near")).unwrap(), alice_before - result.total_tokens_burnt());
    // The failed receipt left no state change on the contract.
    assert_eq!(env.view_account(&id("status.near")).unwrap().unwrap(), contract_before);
    assert_eq!(env.view_json::<u64>(&id("status.near"), "calls", json!({})).unwrap(), 0);
}

#[test]
fn chain_of_promises_runs_in_order() {
    let mut env = env_with_contracts();
    let result = env
        .call(&id("alice.near"), &id("status.near"), "chain")
        .args_json(json!({"targets": ["other.near", "third.near"], "message": "chained"}))
        .transact()
        .unwrap();
    assert!(result.is_success(), "{:?}", result.status);
    for target in ["other.near", "third.near"] {
        let status: Option<String> =
            env.view_json(&id(target), "get_status", json!({"account_id": "status.near"})).unwrap();
        assert_eq!(status.as_deref(), Some("chained"));
    }
    let logs = result.logs();
    assert_eq!(logs, vec!["status.near set status to chained"; 2]);
    let order: Vec<&str> =
        result.receipts.iter().map(|r| r.outcome.executor_id.as_str()).filter(|e| *e != "alice.near").collect();
    let other = order.iter().position(|e| *e == "other.near").unwrap();
    let third = order.iter().position(|e| *e == "third.near").unwrap();
    assert!(other < third, "{order:?}");
}

#[test]
fn promise_and_joins_two_results() {
    let mut env = env_with_contracts();
    for (contract, times) in [("other.near", 2), ("third.near", 3)] {
        for n in 0..times {
            let message = format!("m{n}");
            assert!(
                env.call(&id("bob.near"), &id(contract), "set_status")
                    .args_json(json!({"message": message}))
                    .transact()
                    .unwrap()
                    .is_success()
            );
        }
    }
    let result = env
        .call(&id("alice.near"), &id("status.near"), "join_two")
        .args_json(json!({"first": "other.near", "second": "third.near"}))
        .transact()
        .unwrap();
    assert_eq!(result.json::<String>().unwrap(), "sum: 5");

    let missing = env
        .call(&id("alice.near"), &id("status.near"), "join_two")
        .args_json(json!({"first": "other.near", "second": "missing.near"}))
        .transact()
        .unwrap();
    assert_eq!(missing.json::<String>().unwrap(), "second failed");
}

#[test]
fn view_calls_cannot_change_state() {
    let env = env_with_contracts();
    let error = env.view(&id("status.near"), "set_status", br#"{"message":"x"}"#).unwrap_err();
    assert!(error.to_string().contains("is not allowed in view calls"), "{error}");
}

/// `max_receipt_size`: a receipt of 4 MiB of arguments (the most `max_arguments_length` allows)
/// plus its envelope is over the 4 MiB limit; the call fails with nearcore's error.
#[test]
fn a_new_receipt_over_max_receipt_size_fails_the_call() {
    let mut env = env_with_contracts();
    let code = wat::parse_str(
        r#"(module
          (import "env" "promise_batch_create" (func $create (param i64 i64) (result i64)))
          (import "env" "promise_batch_action_function_call"
            (func $call (param i64 i64 i64 i64 i64 i64 i64)))
          (memory 80)
          (data (i32.const 0) "bob.near")
          (data (i32.const 16) "m")
          (func (export "big")
            (call $call (call $create (i64.const 8) (i64.const 0))
              (i64.const 1) (i64.const 16) (i64.const 4194304) (i64.const 64) (i64.const 32) (i64.const 0))))"#,
    )
    .unwrap();
    assert!(env.deploy(&id("alice.near"), code).unwrap().is_success());
    let result = env.call(&id("bob.near"), &id("alice.near"), "big").gas(300_000_000_000_000).transact().unwrap();
    let FinalStatus::Failure(TxExecutionError::ActionError(error)) = &result.status else {
        panic!("expected a failure, got {:?}", result.status)
    };
    let ActionErrorKind::NewReceiptValidationError(ReceiptValidationError::ReceiptSizeExceeded { size, limit }) =
        &error.kind
    else {
        panic!("expected ReceiptSizeExceeded, got {:?}", error.kind)
    };
    assert_eq!(*limit, 4_194_304);
    assert!(*size > *limit);
}

/// A contract that sends a failing transfer and a call to bob, each with `refund_to` carol.
const REFUNDER: &str = r#"(module
  (import "env" "promise_batch_create" (func $batch (param i64 i64) (result i64)))
  (import "env" "promise_batch_action_transfer" (func $transfer (param i64 i64)))
  (import "env" "promise_batch_action_function_call" (func $call (param i64 i64 i64 i64 i64 i64 i64)))
  (import "env" "promise_set_refund_to" (func $refund_to (param i64 i64 i64)))
  (memory 1)
  (data (i32.const 0) "missing.near")
  (data (i32.const 16) "carol.near")
  (data (i32.const 32) "\e8\03")
  (data (i32.const 64) "bob.near")
  (data (i32.const 80) "refund_to_account_id")
  (func (export "transfer_to_nobody") (local $p i64)
    (local.set $p (call $batch (i64.const 12) (i64.const 0)))
    (call $transfer (local.get $p) (i64.const 32))
    (call $refund_to (local.get $p) (i64.const 10) (i64.const 16)))
  (func (export "ask_bob") (local $p i64)
    (local.set $p (call $batch (i64.const 8) (i64.const 64)))
    (call $call (local.get $p) (i64.const 20) (i64.const 80) (i64.const 0) (i64.const 0) (i64.const 48) (i64.const 10000000000000))
    (call $refund_to (local.get $p) (i64.const 10) (i64.const 16))))"#;

#[test]
fn refund_to_receives_a_failed_receipts_deposit_and_the_callee_sees_it() {
    let mut env = TestEnv::builder()
        .account(GenesisAccount::new(id("alice.near"), 100 * NEAR).with_code(wat::parse_str(REFUNDER).unwrap()))
        .account(GenesisAccount::new(id("bob.near"), 100 * NEAR))
        .account(GenesisAccount::new(id("carol.near"), 100 * NEAR))
        .build()
        .unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tools/nearcore-diff/fixtures/accounts_and_code.wat");
    assert!(env.deploy(&id("bob.near"), wat::parse_file(path).unwrap()).unwrap().is_success());
    let carol = env.balance(&id("carol.near")).unwrap();
    let sent = env.call(&id("bob.near"), &id("alice.near"), "transfer_to_nobody").transact().unwrap();
    assert!(sent.receipts.iter().any(|r| matches!(r.outcome.status, ExecutionStatus::Failure(_))));
    assert_eq!(env.balance(&id("carol.near")).unwrap(), carol + 1000, "the deposit went to refund_to");
    let asked = env.call(&id("bob.near"), &id("alice.near"), "ask_bob").transact().unwrap();
    let answer = asked.receipts.iter().find_map(|r| match &r.outcome.status {
        ExecutionStatus::SuccessValue(v) if !v.is_empty() => Some(v.clone()),
        _ => None,
    });
    assert_eq!(answer, Some(b"carol.near".to_vec()), "refund_to_account_id in the callee");
}
