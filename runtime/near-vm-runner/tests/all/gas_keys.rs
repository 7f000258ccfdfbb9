//! Gas keys: the actions recorded and the errors, on the WAT fixture nearcore-diff compares with
//! nearcore (which checks the gas).

use crate::run_fixture;
use near_primitives::account::{AccessKeyPermission, GasKeyInfo};
use near_primitives::action::Action;
use near_primitives::errors::{FunctionCallError, HostError};

const FIXTURE: &str = "gas_keys.wat";

#[test]
fn gas_keys_are_added_and_funded_as_nearcore_records_them() {
    let funded = run_fixture(FIXTURE, "fund_gas_key_on_self");
    assert_eq!(funded.outcome.aborted, None);
    assert!(matches!(&funded.outcome.action_receipts[0].actions[0], Action::TransferToGasKey(t) if t.deposit == 1000));
    let added = run_fixture(FIXTURE, "add_function_call_gas_key");
    let Action::AddKey(add) = &added.outcome.action_receipts[0].actions[0] else { panic!("no AddKey") };
    assert_eq!(add.access_key.nonce, 0);
    let AccessKeyPermission::GasKeyFunctionCall(info, permission) = &add.access_key.permission else {
        panic!("not a function-call gas key")
    };
    assert_eq!(info, &GasKeyInfo { balance: 0, num_nonces: 4 });
    assert_eq!(permission.method_names, vec!["m1".to_string(), "m2".to_string()]);
    assert_eq!(permission.allowance, Some(1000));
    let full = run_fixture(FIXTURE, "add_full_access_gas_key_to_bob_many_nonces");
    let Action::AddKey(add) = &full.outcome.action_receipts[0].actions[0] else { panic!("no AddKey") };
    assert_eq!(
        add.access_key.permission,
        AccessKeyPermission::GasKeyFullAccess(GasKeyInfo { balance: 0, num_nonces: 1024 })
    );
}

#[test]
fn bad_input_fails_after_nearcores_charges() {
    let aborted = |method| run_fixture(FIXTURE, method).outcome;
    let host = |e| Some(FunctionCallError::HostError(e));
    for method in ["fund_bad_key", "add_gas_key_bad_key", "add_function_call_gas_key_bad_key"] {
        let outcome = aborted(method);
        assert_eq!(outcome.aborted, host(HostError::InvalidPublicKey), "{method}");
        assert!(outcome.profile.actions.iter().any(|&gas| gas > 0), "{method}: the fees were charged first");
    }
    assert_eq!(aborted("add_gas_key_too_many_nonces").aborted, host(HostError::IntegerOverflow));
    assert_eq!(aborted("fund_over_balance").aborted, host(HostError::BalanceExceeded));
    assert_eq!(aborted("add_function_call_gas_key_empty_name").aborted, host(HostError::EmptyMethodName));
    assert_eq!(aborted("gas_key_on_joint_promise").aborted, host(HostError::CannotAppendActionToJointPromise));
}
