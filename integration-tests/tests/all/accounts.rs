use crate::{action_error, alice_and_bob as env, id};
use integration_tests::NEAR;
use near_primitives::errors::ActionErrorKind;

#[test]
fn transfer_moves_the_amount_and_burns_nearcores_fees() {
    let mut env = env();
    let before = env.balance(&id("alice.near")).unwrap();
    let result = env.transfer(&id("alice.near"), &id("bob.near"), NEAR).unwrap();
    assert!(result.is_success());
    // action_receipt_creation + action_transfer, send half at conversion, exec half at execution.
    assert_eq!(result.transaction.outcome.gas_burnt, 223_182_562_500);
    assert_eq!(result.receipts[0].outcome.gas_burnt, 223_182_562_500);
    assert_eq!(result.total_tokens_burnt(), 2 * 223_182_562_500 * 100_000_000);
    assert_eq!(env.balance(&id("alice.near")).unwrap(), before - NEAR - result.total_tokens_burnt());
    assert_eq!(env.balance(&id("bob.near")).unwrap(), 101 * NEAR);
}

#[test]
fn create_sub_account_then_delete_it_to_a_beneficiary() {
    let mut env = env();
    let sub = id("sub.alice.near");
    let created = env.create_account(&id("alice.near"), &sub, 10 * NEAR).unwrap();
    assert!(created.is_success(), "{:?}", created.status);
    let account = env.view_account(&sub).unwrap().unwrap();
    assert_eq!(account.amount, 10 * NEAR);
    // 100 bytes of account + 33 (key) + 9 (borsh full-access key) + 40 record overhead.
    assert_eq!(account.storage_usage, 182);

    let bob_before = env.balance(&id("bob.near")).unwrap();
    let deleted = env.delete_account(&sub, &id("bob.near")).unwrap();
    assert!(deleted.is_success(), "{:?}", deleted.status);
    assert!(env.view_account(&sub).unwrap().is_none());
    let bob_after = env.balance(&id("bob.near")).unwrap();
    // The balance left after paying for the delete transaction went to bob.
    assert_eq!(bob_after - bob_before, 10 * NEAR - deleted.total_tokens_burnt());
}

#[test]
fn creating_an_existing_account_fails_and_refunds() {
    let mut env = env();
    let before = env.balance(&id("alice.near")).unwrap();
    let result = env.create_account(&id("alice.near"), &id("bob.near"), NEAR).unwrap();
    assert!(matches!(action_error(&result.status), ActionErrorKind::AccountAlreadyExists { .. }));
    // The transfer in the failed receipt came back: only fees were spent.
    assert_eq!(env.balance(&id("alice.near")).unwrap(), before - result.total_tokens_burnt());
}

#[test]
fn account_naming_rules() {
    let mut env = env();
    let short = env.create_account(&id("alice.near"), &id("short"), NEAR).unwrap();
    assert!(matches!(action_error(&short.status), ActionErrorKind::CreateAccountOnlyByRegistrar { .. }));
    let foreign = env.create_account(&id("alice.near"), &id("x.bob.near"), NEAR).unwrap();
    assert!(matches!(action_error(&foreign.status), ActionErrorKind::CreateAccountNotAllowed { .. }));
}

#[test]
fn actions_on_a_missing_account_fail() {
    let mut env = env();
    let result = env.transfer(&id("alice.near"), &id("nobody.near"), NEAR).unwrap();
    assert!(matches!(action_error(&result.status), ActionErrorKind::AccountDoesNotExist { .. }));
    assert!(env.view_account(&id("nobody.near")).unwrap().is_none());
}

#[test]
fn only_the_account_itself_may_deploy_or_delete() {
    let mut env = env();
    let result = env
        .transact(
            &id("alice.near"),
            &id("bob.near"),
            vec![near_primitives::action::Action::DeployContract(near_primitives::action::DeployContractAction {
                code: near_test_contracts::raw_nostd().to_vec(),
            })],
        )
        .unwrap();
    assert!(matches!(action_error(&result.status), ActionErrorKind::ActorNoPermission { .. }));
}

#[test]
fn deploy_counts_code_in_storage_usage() {
    let mut env = env();
    let before = env.view_account(&id("alice.near")).unwrap().unwrap().storage_usage;
    let code = near_test_contracts::raw_nostd().to_vec();
    assert!(env.deploy(&id("alice.near"), code.clone()).unwrap().is_success());
    let account = env.view_account(&id("alice.near")).unwrap().unwrap();
    assert_eq!(account.storage_usage, before + code.len() as u64);
    assert_eq!(account.contract, near_primitives::account::AccountContract::Local(near_primitives::hash::hash(&code)));
}

#[test]
fn deploying_counts_the_compute_protocol_84_sets_apart_from_gas() {
    let mut env = env();
    let code = near_test_contracts::raw_nostd();
    let fees = &near_parameters::RuntimeConfig::mainnet().fees;
    let (base, byte) = (
        fees.fee(near_parameters::ActionCosts::deploy_contract_base),
        fees.fee(near_parameters::ActionCosts::deploy_contract_byte),
    );
    let result = env.deploy(&id("alice.near"), code.to_vec()).unwrap();
    assert!(result.is_success(), "{:?}", result.status);
    let outcome = &result.receipts[0].outcome;
    let bytes = code.len() as u64;
    let gas_exec = base.execution + byte.execution * bytes;
    let compute_exec = base.execution_compute + byte.execution_compute * bytes;
    assert!(compute_exec > gas_exec, "deployment computes more than its gas");
    assert_eq!(outcome.compute_usage, Some(outcome.gas_burnt - gas_exec + compute_exec));
}
