use crate::{action_error, alice_and_bob as env, id};
use integration_tests::NEAR;
use near_primitives::action::{Action, DeleteAccountAction};
use near_primitives::errors::ActionErrorKind;
use near_primitives::transaction::ExecutionStatus;

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
    let delete = Action::DeleteAccount(DeleteAccountAction { beneficiary_id: id("bob.near") });
    let tx = env.sign(&sub, &sub, vec![delete]).unwrap();
    let gas_price = env.apply_state(env.height()).gas_price;
    let cost = node_runtime::config::tx_cost(env.config(), &tx.transaction, gas_price).unwrap();
    let deleted = env.execute(tx, 10).unwrap();
    assert!(deleted.is_success(), "{:?}", deleted.status);
    assert!(env.view_account(&sub).unwrap().is_none());
    let bob_after = env.balance(&id("bob.near")).unwrap();
    // The balance left after paying for the delete transaction went to bob. The gas was bought
    // at the minimum purchase price, above the burn price: the surplus refund goes to the
    // deleted account and is burnt (as nearcore burns a refund that cannot be applied).
    assert!(cost.receipt_gas_price > gas_price, "NEP-642: bought above the burn price");
    assert_eq!(bob_after - bob_before, 10 * NEAR - cost.total_cost);
    let refund = deleted.receipts.last().expect("the gas refund");
    assert!(
        matches!(refund.outcome.status, ExecutionStatus::Failure(_)),
        "the refund to the deleted account fails: {:?}",
        refund.outcome.status
    );
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

#[test]
fn creating_an_account_forfeits_the_gas_price_surplus_up_to_the_account_creation_charge() {
    // NEP-642 (protocol 85): the receipt's gas was bought at the minimum purchase price and
    // burns at the (lower) block price; the surplus comes back, less what creating an account
    // should still cost beyond its burnt `create_account` fee.
    let mut env = env();
    let before = env.balance(&id("alice.near")).unwrap();
    let created = env.create_account(&id("alice.near"), &id("sub.alice.near"), NEAR).unwrap();
    assert!(created.is_success(), "{:?}", created.status);
    let config = env.config().clone();
    let burn = env.apply_state(env.height()).gas_price;
    let purchase = config.fees.min_gas_purchase_price;
    let receipt = &created.receipts[0].outcome;
    let create_fee = config.fees.fee(near_parameters::ActionCosts::create_account).exec_fee();
    let owed = config.fees.account_creation_charge - u128::from(create_fee) * burn;
    let surplus = u128::from(receipt.gas_burnt) * (purchase - burn);
    assert_eq!(receipt.tokens_burnt, u128::from(receipt.gas_burnt) * burn + owed.min(surplus));
    env.produce_blocks(2).unwrap();
    // Nothing else left alice: the deposit and what was burnt.
    assert_eq!(env.balance(&id("alice.near")).unwrap(), before - NEAR - created.total_tokens_burnt());
}

#[test]
fn a_refund_penalty_keeps_its_share_of_the_unused_gas() {
    // NEP-536's penalty is 0 at protocol 88; with 10% (at least 1 Tgas) the gas refund of a call
    // that leaves most of its 300 Tgas unused shrinks by exactly that share, burnt.
    let mut config = near_parameters::RuntimeConfig::mainnet();
    let fees = std::sync::Arc::make_mut(&mut config.fees);
    fees.gas_refund_penalty = near_parameters::config::Ratio { numerator: 10, denominator: 100 };
    fees.min_gas_refund_penalty = 1_000_000_000_000;
    let run = |config: near_parameters::RuntimeConfig| {
        let mut env = integration_tests::TestEnv::builder()
            .config(config)
            .account(integration_tests::GenesisAccount::new(id("alice.near"), 100 * NEAR))
            .account(integration_tests::GenesisAccount::new(id("bob.near"), 100 * NEAR))
            .build()
            .unwrap();
        let before = env.balance(&id("alice.near")).unwrap();
        let call = Action::FunctionCall(Box::new(near_primitives::action::FunctionCallAction {
            method_name: "missing".into(),
            args: vec![],
            gas: 300_000_000_000_000,
            deposit: 0,
        }));
        let result = env.transact(&id("alice.near"), &id("bob.near"), vec![call]).unwrap();
        env.produce_blocks(3).unwrap();
        (before - env.balance(&id("alice.near")).unwrap(), result)
    };
    let (spent_without, plain) = run(near_parameters::RuntimeConfig::mainnet());
    let (spent_with, penalized) = run(config.clone());
    // Same gas burnt either way; the difference is the penalty on the unused gas, at the burn price.
    assert_eq!(plain.receipts[0].outcome.gas_burnt, penalized.receipts[0].outcome.gas_burnt);
    let receipt_gas = penalized.receipts[0].outcome.gas_burnt;
    let call = Action::FunctionCall(Box::new(near_primitives::action::FunctionCallAction {
        method_name: "missing".into(),
        args: vec![],
        gas: 300_000_000_000_000,
        deposit: 0,
    }));
    let exec_fees = node_runtime::config::exec_fee(&config, &call, &id("bob.near")).unwrap()
        + config.fees.fee(near_parameters::ActionCosts::new_action_receipt).exec_fee();
    let unused = 300_000_000_000_000 + exec_fees - receipt_gas;
    let burn_price = 100_000_000u128;
    let expected = u128::from(config.fees.gas_penalty_for_gas_refund(unused)) * burn_price;
    assert_eq!(spent_with - spent_without, expected);
    assert!(expected > 0);
}
