//! Global contracts and deterministic state init: the actions recorded and the errors, on the
//! WAT fixture nearcore-diff compares with nearcore (which checks the gas).

use crate::{module, run_fixture, run_wat};
use near_primitives::action::Action;
use near_primitives::errors::{FunctionCallError, HostError};
use near_primitives::global_contract::{GlobalContractDeployMode, GlobalContractIdentifier};
use near_primitives::universal_state_init::{StateInitCounts, StateInitError};
use near_vm_runner::logic::mocks::MockedExternal;

const FIXTURE: &str = "global_contracts.wat";

fn host_error(method: &str) -> Option<FunctionCallError> {
    run_fixture(FIXTURE, method).outcome.aborted
}

#[test]
fn deploy_and_use_record_their_actions() {
    let ran = run_fixture(FIXTURE, "global_contract_receipt");
    assert_eq!(ran.outcome.aborted, None);
    let actions = &ran.outcome.action_receipts[0].actions;
    assert!(matches!(&actions[0], Action::DeployGlobalContract(d)
        if d.deploy_mode == GlobalContractDeployMode::AccountId && d.code == b"\0asm\x01\0\0\0"));
    assert!(matches!(&actions[1], Action::UseGlobalContract(u)
        if u.contract_identifier == GlobalContractIdentifier::AccountId("alice.near".parse().unwrap())));
    assert!(matches!(&actions[2], Action::Transfer(t) if t.deposit == 1000));
    let hash = run_fixture(FIXTURE, "use_global_hash_from_register");
    let Action::UseGlobalContract(used) = &hash.outcome.action_receipts[0].actions[0] else { panic!("not a use") };
    let expected: Vec<u8> = (1..=32).collect();
    assert_eq!(
        used.contract_identifier,
        GlobalContractIdentifier::CodeHash(near_primitives::hash::CryptoHash(expected.try_into().unwrap()))
    );
}

#[test]
fn state_init_collects_its_entries_and_takes_the_deposit() {
    let ran = run_fixture(FIXTURE, "state_init_by_hash_with_entries");
    assert_eq!(ran.outcome.aborted, None);
    let Action::DeterministicStateInit(init) = &ran.outcome.action_receipts[0].actions[0] else {
        panic!("no state init")
    };
    assert_eq!(init.deposit, 1000);
    let entries: Vec<_> = init.state_init.data().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    assert_eq!(entries, vec![(b"k".to_vec(), vec![]), (b"k1".to_vec(), b"v1".to_vec())]);
    let without_deposit = run_fixture(FIXTURE, "use_global_by_hash").outcome.balance;
    assert_eq!(ran.outcome.balance, without_deposit - 1000);
    // After a transfer the state init is the receipt's second action, and entries find it.
    let after = run_fixture(FIXTURE, "state_init_by_account_after_other_actions");
    let Action::DeterministicStateInit(init) = &after.outcome.action_receipts[0].actions[1] else {
        panic!("no state init")
    };
    assert_eq!(init.state_init.data().get(b"v1".as_slice()), Some(&b"v1".to_vec()));
}

#[test]
fn bad_input_gets_nearcores_errors() {
    let host = |e| Some(FunctionCallError::HostError(e));
    assert_eq!(host_error("state_init_duplicate_key"), host(HostError::DataEntryAlreadyExists));
    assert_eq!(host_error("use_global_hash_malformed"), host(HostError::ContractCodeHashMalformed));
    assert_eq!(host_error("state_init_hash_malformed"), host(HostError::ContractCodeHashMalformed));
    assert_eq!(host_error("use_global_bad_account"), host(HostError::InvalidAccountId));
    assert_eq!(host_error("use_global_on_joint_promise"), host(HostError::CannotAppendActionToJointPromise));
    assert_eq!(host_error("state_init_deposit_over_balance"), host(HostError::BalanceExceeded));
    assert_eq!(
        host_error("deploy_global_too_large"),
        host(HostError::ContractSizeExceeded { size: 4_194_305, limit: 4_194_304 })
    );
}

#[test]
fn an_entry_for_an_action_that_is_not_a_state_init_is_an_invalid_action_index() {
    let imports = r#"
      (import "env" "promise_batch_create" (func $batch (param i64 i64) (result i64)))
      (import "env" "promise_batch_action_transfer" (func $transfer (param i64 i64)))
      (import "env" "set_state_init_data_entry" (func $entry (param i64 i64 i64 i64 i64 i64)))"#;
    let body = r#"(data (i32.const 0) "bob.near")
      (func (export "f") (local $p i64)
        (local.set $p (call $batch (i64.const 8) (i64.const 0)))
        (call $transfer (local.get $p) (i64.const 32))
        (call $entry (local.get $p) (i64.const 0) (i64.const 1) (i64.const 0) (i64.const 1) (i64.const 0)))"#;
    let ran = run_wat(&module(imports, body), "f");
    let expected = HostError::InvalidActionIndex { receipt_index: 0, action_index: 0 };
    assert_eq!(ran.outcome.aborted, Some(FunctionCallError::HostError(expected)));
}

/// `universal_accounts.wat` against a mocked state that answers `check_state_init` with
/// `error` and counts `counts` entries and keys (nearcore's mock answers valid, 0 and 0).
fn run_universal(method: &str, error: Option<StateInitError>, counts: StateInitCounts) -> crate::Ran {
    let path = format!("{}/../../tools/nearcore-diff/fixtures/universal_accounts.wat", env!("CARGO_MANIFEST_DIR"));
    let code = wat::parse_file(&path).unwrap();
    let ext = MockedExternal { state_init_error: error, state_init_counts: counts, ..Default::default() };
    let context = near_vm_runner::logic::VMContext { account_balance: 10u128.pow(25), ..crate::context() };
    crate::run_code(&code, method, Box::new(ext), context)
}

#[test]
fn a_state_init_the_node_refuses_has_no_id_but_its_status() {
    let valid = run_universal("id_of_other_bytes", None, StateInitCounts::default());
    let returned = crate::returned(&valid);
    assert_eq!(&returned[..8], &0u64.to_le_bytes());
    assert_eq!(
        &returned[8..],
        near_primitives::universal_state_init::universal_account_id(b"not a state init").as_bytes()
    );
    for (error, status) in [(StateInitError::Malformed, 1u64), (StateInitError::NonCanonical, 2)] {
        let refused = run_universal("id_of_other_bytes", Some(error), StateInitCounts::default());
        assert_eq!(crate::returned(&refused), status.to_le_bytes(), "the register stays empty: only the status");
    }
}

#[test]
fn a_universal_state_init_is_charged_for_the_entries_and_keys_the_node_counts() {
    let counts = StateInitCounts { num_entries: 3, num_keys: 2 };
    let plain = run_universal("create_universal_account", None, StateInitCounts::default()).outcome;
    let counted = run_universal("create_universal_account", None, counts).outcome;
    let fees = near_parameters::RuntimeConfig::mainnet().fees;
    let fee = |cost| fees.fee(cost).send_fee(false) + fees.fee(cost).exec_fee();
    let extra = 3 * fee(near_parameters::ActionCosts::universal_state_init_entry)
        + 2 * fee(near_parameters::ActionCosts::add_full_access_key);
    assert_eq!(counted.used_gas, plain.used_gas + extra);
    let Action::UniversalStateInit(init) = &counted.action_receipts[0].actions[0] else { panic!("no state init") };
    assert_eq!((init.state_init.len(), init.deposit), (10, 1000));
}
