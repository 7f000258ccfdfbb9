//! Promises and actions: receipts recorded, fees charged as nearcore, errors.

use crate::{context, module, run_code, run_wat};
use near_parameters::{ActionCosts, RuntimeConfig};
use near_primitives::action::Action;
use near_primitives::errors::{FunctionCallError, HostError};
use near_test_contracts::sdk_status;
use near_vm_runner::logic::mocks::MockedExternal;
use near_vm_runner::logic::{PromiseResult, ReturnData, ViewConfig};

const IMPORTS: &str = r#"
  (import "env" "promise_batch_create" (func $create (param i64 i64) (result i64)))
  (import "env" "promise_batch_then" (func $then (param i64 i64 i64) (result i64)))
  (import "env" "promise_and" (func $and (param i64 i64) (result i64)))
  (import "env" "promise_batch_action_transfer" (func $transfer (param i64 i64)))
  (import "env" "promise_batch_action_function_call_weight" (func $call (param i64 i64 i64 i64 i64 i64 i64 i64)))
  (import "env" "promise_batch_action_create_account" (func $create_account (param i64)))
  (import "env" "promise_return" (func $return (param i64)))
"#;

fn contract(body: &str) -> String {
    module(
        IMPORTS,
        &format!(
            r#"(data (i32.const 0) "bob.near")
               (data (i32.const 16) "alice.near")
               (data (i32.const 32) "\05")
               (data (i32.const 64) "method")
               (func (export "f") {body})"#
        ),
    )
}

#[test]
fn transfer_receipt_charges_send_fee_burnt_and_exec_fee_used() {
    let ran = run_wat(&contract("(call $transfer (call $create (i64.const 8) (i64.const 0)) (i64.const 32))"), "f");
    assert_eq!(ran.outcome.aborted, None);
    let receipts = &ran.outcome.action_receipts;
    assert_eq!(receipts.len(), 1);
    assert_eq!(receipts[0].receiver_id.as_str(), "bob.near");
    assert!(matches!(&receipts[0].actions[0], Action::Transfer(t) if t.deposit == 5));
    // The account sees its balance with the attached deposit (7) already credited, as nearcore.
    assert_eq!(ran.outcome.balance, 100 + 7 - 5, "deposit left the balance");
    let fees = RuntimeConfig::mainnet().fees;
    let receipt_fee = fees.fee(ActionCosts::new_action_receipt);
    let transfer_fee = fees.fee(ActionCosts::transfer);
    let reserved = receipt_fee.exec_fee() + transfer_fee.exec_fee();
    assert_eq!(ran.outcome.used_gas - ran.outcome.burnt_gas, reserved);
    assert_eq!(
        ran.outcome.profile.actions[ActionCosts::new_action_receipt as usize],
        receipt_fee.send_fee(false),
        "bob.near is not the current account"
    );
}

#[test]
fn then_links_data_ids_and_and_joins() {
    let body = r#"
      (i64.store (i32.const 200) (call $create (i64.const 8) (i64.const 0)))
      (i64.store (i32.const 208) (call $create (i64.const 10) (i64.const 16)))
      (call $return (call $then (call $and (i64.const 200) (i64.const 2)) (i64.const 10) (i64.const 16)))"#;
    let ran = run_wat(&contract(body), "f");
    assert_eq!(ran.outcome.aborted, None);
    let receipts = &ran.outcome.action_receipts;
    assert_eq!(receipts.len(), 3);
    assert_eq!(receipts[2].input_data_ids.len(), 2);
    assert_eq!(receipts[0].output_data_receivers[0].data_id, receipts[2].input_data_ids[0]);
    assert_eq!(receipts[1].output_data_receivers[0].data_id, receipts[2].input_data_ids[1]);
    assert_eq!(ran.outcome.return_data, ReturnData::ReceiptIndex(2));
}

#[test]
fn unused_gas_is_distributed_by_weight() {
    let body = r#"
      (call $call (call $create (i64.const 8) (i64.const 0)) (i64.const 6) (i64.const 64) (i64.const 0) (i64.const 0)
        (i64.const 48) (i64.const 1000) (i64.const 1))"#;
    let mut outcome = run_wat(&contract(body), "f").outcome;
    assert_eq!(outcome.aborted, None);
    // The runner leaves the unused gas undistributed, as nearcore's does; the runtime then
    // distributes it.
    assert!(outcome.used_gas < context().prepaid_gas);
    let Action::FunctionCall(call) = &outcome.action_receipts[0].actions[0] else { panic!() };
    assert_eq!(call.gas, 1000);
    outcome.distribute_unused_gas(context().prepaid_gas);
    assert_eq!(outcome.used_gas, context().prepaid_gas, "all prepaid gas is used after distribution");
    let Action::FunctionCall(call) = &outcome.action_receipts[0].actions[0] else { panic!() };
    assert!(call.gas > 1000);
}

#[test]
fn promise_errors() {
    let joint = contract(
        r#"(i64.store (i32.const 200) (call $create (i64.const 8) (i64.const 0)))
           (call $create_account (call $and (i64.const 200) (i64.const 1)))"#,
    );
    assert_eq!(
        run_wat(&joint, "f").outcome.aborted,
        Some(FunctionCallError::HostError(HostError::CannotAppendActionToJointPromise))
    );
    let bad_index = contract("(call $create_account (i64.const 7))");
    assert_eq!(
        run_wat(&bad_index, "f").outcome.aborted,
        Some(FunctionCallError::HostError(HostError::InvalidPromiseIndex { promise_idx: 7 }))
    );
    let bad_account = contract("(drop (call $create (i64.const 3) (i64.const 32)))");
    assert!(matches!(
        run_wat(&bad_account, "f").outcome.aborted,
        Some(FunctionCallError::HostError(HostError::InvalidAccountId | HostError::BadUTF8))
    ));
    let too_much = contract(
        r#"(i64.store (i32.const 32) (i64.const 1000)) (call $transfer (call $create (i64.const 8) (i64.const 0)) (i64.const 32))"#,
    );
    assert_eq!(run_wat(&too_much, "f").outcome.aborted, Some(FunctionCallError::HostError(HostError::BalanceExceeded)));
    let mut view = context();
    view.view_config = Some(ViewConfig { max_gas_burnt: 300_000_000_000_000 });
    let code = wat::parse_str(contract("(drop (call $create (i64.const 8) (i64.const 0)))")).unwrap();
    let ran = run_code(&code, "f", Box::new(MockedExternal::default()), view);
    assert_eq!(
        ran.outcome.aborted,
        Some(FunctionCallError::HostError(HostError::ProhibitedInView { method_name: "promise_batch_create".into() }))
    );
}

#[test]
fn near_sdk_promise_with_callback() {
    let mut ctx = context();
    ctx.attached_deposit = 0;
    ctx.input = br#"{"target":"bob.near","account_id":"carol.near"}"#.to_vec();
    let ran = run_code(sdk_status(), "new", Box::new(MockedExternal::default()), {
        let mut c = ctx.clone();
        c.input = b"{}".to_vec();
        c
    });
    let ran = run_code(sdk_status(), "ask_status", ran.ext, ctx.clone());
    assert_eq!(ran.outcome.aborted, None, "{:?}", ran.outcome.aborted);
    let receipts = &ran.outcome.action_receipts;
    assert_eq!(receipts.len(), 2);
    assert_eq!(receipts[0].receiver_id.as_str(), "bob.near");
    assert_eq!(receipts[1].receiver_id.as_str(), "alice.near");
    assert_eq!(receipts[1].input_data_ids, vec![receipts[0].output_data_receivers[0].data_id]);
    let Action::FunctionCall(callback) = &receipts[1].actions[0] else { panic!() };
    assert_eq!(callback.method_name, "on_status");
    assert_eq!(ran.outcome.return_data, ReturnData::ReceiptIndex(1));

    // The callback, as the runtime would run it with the first call's result.
    let mut callback_ctx = ctx.clone();
    callback_ctx.predecessor_account_id = "alice.near".parse().unwrap();
    callback_ctx.input = callback.args.clone();
    callback_ctx.promise_results = vec![PromiseResult::Successful(br#""hello""#.to_vec())];
    let ran = run_code(sdk_status(), "on_status", ran.ext, callback_ctx.clone());
    assert_eq!(crate::returned(&ran), br#""status: hello""#);
    callback_ctx.promise_results = vec![PromiseResult::Failed];
    let ran = run_code(sdk_status(), "on_status", ran.ext, callback_ctx);
    assert_eq!(crate::returned(&ran), br#""call failed""#);
}

#[test]
fn actions_fixture_records_every_action_in_order() {
    let ran = crate::run_fixture("actions.wat", "create_account_and_deploy");
    assert_eq!(ran.outcome.aborted, None);
    let receipt = &ran.outcome.action_receipts[0];
    assert_eq!(receipt.receiver_id.as_str(), "new.alice.near");
    assert!(matches!(&receipt.actions[0], Action::CreateAccount(_)));
    assert!(matches!(&receipt.actions[1], Action::Transfer(t) if t.deposit == 1000));
    assert!(matches!(&receipt.actions[2], Action::AddKey(add) if add.access_key.nonce == 0));
    assert!(matches!(&receipt.actions[3], Action::DeployContract(d) if d.code == b"\0asm\x01\0\0\0"));
}

#[test]
fn a_key_that_does_not_decode_fails_after_the_actions_fees() {
    let fees = RuntimeConfig::mainnet().fees;
    let cases = [
        ("bad_key_full_access", ActionCosts::add_full_access_key, true),
        ("bad_key_delete", ActionCosts::delete_key, true),
        ("bad_key_stake", ActionCosts::stake, false),
    ];
    for (method, cost, sir) in cases {
        let ran = crate::run_fixture("actions.wat", method);
        assert_eq!(ran.outcome.aborted, Some(FunctionCallError::HostError(HostError::InvalidPublicKey)), "{method}");
        let send = fees.fee(cost).send_fee(sir);
        assert_eq!(ran.outcome.profile.actions[cost as usize], send, "{method}: the fee was charged");
        assert!(ran.outcome.action_receipts.is_empty(), "{method}: a failed call leaves no receipts");
    }
}

#[test]
fn refund_to_is_recorded_on_the_receipt_and_refused_where_nearcore_refuses_it() {
    let set = crate::run_fixture("actions.wat", "refund_to_set");
    assert_eq!(set.outcome.aborted, None);
    assert_eq!(set.outcome.action_receipts[0].refund_to, Some("new.alice.near".parse().unwrap()));
    let error = |method| crate::run_fixture("actions.wat", method).outcome.aborted;
    let host = |e| Some(FunctionCallError::HostError(e));
    assert_eq!(error("refund_to_on_joint_promise"), host(HostError::CannotSetRefundToOnJointPromise));
    assert_eq!(error("refund_to_bad_account"), host(HostError::InvalidAccountId));
    assert_eq!(error("refund_to_unknown_promise"), host(HostError::InvalidPromiseIndex { promise_idx: 7 }));
}
