//! NEP-519 host functions against the mock External: results, records, charges and errors.

use crate::{context, module, run_code, run_wat};
use near_parameters::{ActionCosts, RuntimeConfig};
use near_primitives::errors::{FunctionCallError, HostError};
use near_primitives::hash::CryptoHash;
use near_vm_runner::logic::mocks::MockedExternal;
use near_vm_runner::logic::{ReturnData, ViewConfig};

const IMPORTS: &str = r#"
  (import "env" "promise_yield_create" (func $create (param i64 i64 i64 i64 i64 i64 i64) (result i64)))
  (import "env" "promise_yield_resume" (func $resume (param i64 i64 i64 i64) (result i32)))
  (import "env" "promise_yield_create_with_id" (func $create_id (param i64 i64 i64 i64 i64 i64 i64 i64 i64) (result i64)))
  (import "env" "read_register" (func $read (param i64 i64)))
  (import "env" "value_return" (func $ret (param i64 i64)))
"#;

/// `cb` at 0, arguments `xyz` at 8, a zero amount at 32, a data id written at 100, a
/// payload at 200.
fn contract(body: &str) -> String {
    module(
        IMPORTS,
        &format!(
            r#"(data (i32.const 0) "cb") (data (i32.const 8) "xyz") (data (i32.const 200) "payload")
               (func (export "f") {body})"#
        ),
    )
}

const CREATE: &str = "(call $create (i64.const 2) (i64.const 0) (i64.const 3) (i64.const 8) (i64.const 5000) (i64.const 1) (i64.const 0))";

fn host_error(error: &Option<FunctionCallError>) -> HostError {
    match error {
        Some(FunctionCallError::HostError(host)) => host.clone(),
        other => panic!("expected a host error, got {other:?}"),
    }
}

#[test]
fn create_records_a_yield_and_returns_the_data_id() {
    let ran = run_wat(
        &contract(&format!(
            "(drop {CREATE}) (call $read (i64.const 0) (i64.const 100)) (call $ret (i64.const 32) (i64.const 100))"
        )),
        "f",
    );
    let data_id = crate::returned(&ran);
    let mut outcome = ran.outcome;
    outcome.distribute_unused_gas(context().prepaid_gas); // as the runtime does after the call
    let receipts = &outcome.action_receipts;
    assert_eq!(receipts.len(), 1);
    assert!(receipts[0].is_promise_yield);
    assert_eq!(receipts[0].receiver_id, context().current_account_id);
    assert_eq!(receipts[0].input_data_ids, vec![CryptoHash(data_id.try_into().unwrap())]);
    // Reserved (used, not burnt): the attached gas and the execution halves of the receipt
    // and of the function call, per nearcore's charging for a yield.
    let fees = RuntimeConfig::mainnet().fees;
    let reserved = 5000
        + fees.fee(ActionCosts::new_action_receipt).exec_fee()
        + fees.fee(ActionCosts::function_call_base).exec_fee()
        + 5 * fees.fee(ActionCosts::function_call_byte).exec_fee();
    // The weight-1 callback also takes all unused gas.
    let unused = context().prepaid_gas - outcome.used_gas;
    assert_eq!(unused, 0, "gas_weight 1 distributes the rest to the callback");
    let call_gas = match &receipts[0].actions[0] {
        near_primitives::action::Action::FunctionCall(call) => call.gas,
        other => panic!("{other:?}"),
    };
    assert_eq!(outcome.used_gas - outcome.burnt_gas, reserved - 5000 + call_gas);
}

#[test]
fn create_with_an_empty_method_name_fails() {
    let ran = run_wat(
        &contract(
            "(drop (call $create (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0)))",
        ),
        "f",
    );
    assert_eq!(host_error(&ran.outcome.aborted), HostError::EmptyMethodName);
}

fn resume_call(id_len: u64, payload_len: u64) -> String {
    format!(
        "(i32.store8 (i32.const 300) (call $resume (i64.const {id_len}) (i64.const 100) (i64.const {payload_len}) (i64.const 200))) (call $ret (i64.const 1) (i64.const 300))"
    )
}

fn run_with_pending(body: &str, pending: &[CryptoHash]) -> crate::Ran {
    let mut ext = MockedExternal::default();
    ext.pending_yields.extend(pending.iter().copied());
    run_code(&wat::parse_str(contract(body)).unwrap(), "f", Box::new(ext), context())
}

#[test]
fn resume_of_an_unknown_id_returns_zero_and_of_a_pending_one_returns_one() {
    let unknown = run_with_pending(&resume_call(32, 7), &[]);
    assert_eq!(crate::returned(&unknown), vec![0]);
    assert!(unknown.outcome.yield_resumes.is_empty());
    // Memory at 100 is zeros: the pending id is 32 zero bytes.
    let pending = run_with_pending(&resume_call(32, 7), &[CryptoHash([0; 32])]);
    assert_eq!(crate::returned(&pending), vec![1]);
    assert_eq!(pending.outcome.yield_resumes.len(), 1);
    assert!(pending.outcome.yield_resumes[0].to_pending_yield);
    assert_eq!(pending.outcome.yield_resumes[0].payload, b"payload");
}

#[test]
fn resume_input_errors() {
    assert_eq!(host_error(&run_with_pending(&resume_call(31, 7), &[]).outcome.aborted), HostError::DataIdMalformed);
    let limit = RuntimeConfig::mainnet().wasm_config.limit_config.max_yield_payload_size;
    assert_eq!(
        host_error(&run_with_pending(&resume_call(32, limit + 1), &[]).outcome.aborted),
        HostError::YieldPayloadLength { length: limit + 1, limit }
    );
    // A register-mode length is charged before reading: the per-byte cost overflows.
    assert_eq!(
        host_error(&run_with_pending(&resume_call(32, u64::MAX), &[]).outcome.aborted),
        HostError::IntegerOverflow
    );
}

#[test]
fn create_and_resume_in_one_call_resolves_the_yield_locally() {
    let body = format!("(drop {CREATE}) (call $read (i64.const 0) (i64.const 100)) {}", resume_call(32, 7));
    let ran = run_wat(&contract(&body), "f");
    assert_eq!(crate::returned(&ran), vec![1]);
    assert!(!ran.outcome.action_receipts[0].is_promise_yield, "now a plain receipt waiting for data");
    assert_eq!(ran.outcome.yield_resumes.len(), 1);
    assert!(!ran.outcome.yield_resumes[0].to_pending_yield);
}

#[test]
fn yields_are_prohibited_in_view_calls_with_nearcores_names() {
    let mut view = context();
    view.view_config = Some(ViewConfig { max_gas_burnt: 300_000_000_000_000 });
    let create = run_code(
        &wat::parse_str(contract(&format!("(drop {CREATE})"))).unwrap(),
        "f",
        Box::new(MockedExternal::default()),
        view.clone(),
    );
    assert_eq!(
        host_error(&create.outcome.aborted),
        HostError::ProhibitedInView { method_name: "promise_yield_create".into() }
    );
    let resume = run_code(
        &wat::parse_str(contract(&resume_call(32, 7))).unwrap(),
        "f",
        Box::new(MockedExternal::default()),
        view,
    );
    assert_eq!(
        host_error(&resume.outcome.aborted),
        HostError::ProhibitedInView { method_name: "promise_submit_data".into() }
    );
}

#[test]
fn with_id_duplicates_return_the_sentinel_and_malformed_ids_fail() {
    let create_id = |id_len: u64| {
        format!(
            "(call $create_id (i64.const 2) (i64.const 0) (i64.const 3) (i64.const 8) (i64.const 32) (i64.const 0) (i64.const 1) (i64.const {id_len}) (i64.const 100))"
        )
    };
    let twice = format!(
        "(drop {}) (i64.store (i32.const 300) {}) (call $ret (i64.const 8) (i64.const 300))",
        create_id(32),
        create_id(32)
    );
    let ran = run_wat(&contract(&twice), "f");
    assert_eq!(crate::returned(&ran), u64::MAX.to_le_bytes().to_vec());
    assert_eq!(ran.outcome.action_receipts.len(), 1);
    let malformed = run_wat(&contract(&format!("(drop {})", create_id(31))), "f");
    assert_eq!(host_error(&malformed.outcome.aborted), HostError::YieldIdMalformed);
    assert!(matches!(malformed.outcome.return_data, ReturnData::None));
}
