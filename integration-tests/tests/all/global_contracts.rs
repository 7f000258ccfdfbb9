//! Global contracts (deploy by hash or by account, use, redeploy) and deterministic state init
//! through the runtime: balances, storage usage, outcomes and the code accounts then run.

use crate::{alice_and_bob as env, id};
use integration_tests::{FinalStatus, GenesisAccount, NEAR, TestEnv, TxResult};
use near_primitives::account::AccountContract;
use near_primitives::action::{
    Action, DeployGlobalContractAction, DeterministicStateInitAction, FunctionCallAction, UseGlobalContractAction,
};
use near_primitives::deterministic_account_id::{DeterministicAccountStateInit, DeterministicAccountStateInitV1};
use near_primitives::errors::{ActionErrorKind, ActionsValidationError, InvalidTxError, TxExecutionError};
use near_primitives::global_contract::{GlobalContractDeployMode, GlobalContractIdentifier};
use near_primitives::hash::hash;
use near_primitives::types::AccountId;

fn counter() -> Vec<u8> {
    near_test_contracts::raw_nostd().to_vec()
}

fn deploy_global(env: &mut TestEnv, account: &AccountId, code: Vec<u8>, mode: GlobalContractDeployMode) -> TxResult {
    let action = Action::DeployGlobalContract(DeployGlobalContractAction { code, deploy_mode: mode });
    let result = env.transact(account, account, vec![action]).unwrap();
    // The distribution is applied when its receipt arrives, the next block.
    env.produce_block(&[]).unwrap();
    result
}

fn use_global(env: &mut TestEnv, account: &AccountId, identifier: GlobalContractIdentifier) -> TxResult {
    let action = Action::UseGlobalContract(Box::new(UseGlobalContractAction { contract_identifier: identifier }));
    env.transact(account, account, vec![action]).unwrap()
}

fn action_error(result: &TxResult) -> &ActionErrorKind {
    crate::action_error(&result.status)
}

fn increment(env: &mut TestEnv, account: &AccountId) -> u64 {
    let result = env.call(&id("alice.near"), account, "increment").transact().unwrap();
    match result.status {
        FinalStatus::SuccessValue(value) => u64::from_le_bytes(value.try_into().expect("8 bytes")),
        other => panic!("increment failed: {other:?}"),
    }
}

#[test]
fn deploy_by_hash_burns_storage_and_others_run_it() {
    let mut env = env();
    let code = counter();
    let before = env.balance(&id("alice.near")).unwrap();
    let deployed = deploy_global(&mut env, &id("alice.near"), code.clone(), GlobalContractDeployMode::CodeHash);
    assert!(deployed.is_success(), "{:?}", deployed.status);
    let storage = env.config().fees.storage_usage_config.global_contract_storage_amount_per_byte * code.len() as u128;
    assert!(deployed.receipts[0].outcome.tokens_burnt > storage, "the outcome counts the burnt storage");
    assert_eq!(env.balance(&id("alice.near")).unwrap(), before - deployed.total_tokens_burnt());

    let used = use_global(&mut env, &id("bob.near"), GlobalContractIdentifier::CodeHash(hash(&code)));
    assert!(used.is_success(), "{:?}", used.status);
    let bob = env.view_account(&id("bob.near")).unwrap().unwrap();
    assert_eq!(bob.contract, AccountContract::Global(hash(&code)));
    assert_eq!(increment(&mut env, &id("bob.near")), 1);
    assert_eq!(increment(&mut env, &id("bob.near")), 2);
    // Deploying its own code replaces the global one and its 32 charged bytes.
    let usage = env.view_account(&id("bob.near")).unwrap().unwrap().storage_usage;
    assert!(env.deploy(&id("bob.near"), code.clone()).unwrap().is_success());
    let bob = env.view_account(&id("bob.near")).unwrap().unwrap();
    assert_eq!(bob.storage_usage, usage - 32 + code.len() as u64);
    assert_eq!(bob.contract, AccountContract::Local(hash(&code)));
}

#[test]
fn by_account_users_run_whatever_the_owner_deploys_last() {
    let mut env = env();
    let owner = id("alice.near");
    assert!(deploy_global(&mut env, &owner, counter(), GlobalContractDeployMode::AccountId).is_success());
    let used = use_global(&mut env, &id("bob.near"), GlobalContractIdentifier::AccountId(owner.clone()));
    assert!(used.is_success(), "{:?}", used.status);
    assert_eq!(increment(&mut env, &id("bob.near")), 1);
    // The owner replaces the code (sdk-status has no `increment`): bob runs the new code.
    let status = near_test_contracts::sdk_status().to_vec();
    assert!(deploy_global(&mut env, &owner, status, GlobalContractDeployMode::AccountId).is_success());
    let after = env.call(&id("alice.near"), &id("bob.near"), "increment").transact().unwrap();
    assert!(after.is_failure(), "the new code has no `increment`");
}

#[test]
fn using_or_paying_for_what_is_not_there_fails() {
    let mut env = env();
    let missing = GlobalContractIdentifier::CodeHash(hash(b"never deployed"));
    let used = use_global(&mut env, &id("bob.near"), missing.clone());
    assert_eq!(action_error(&used), &ActionErrorKind::GlobalContractDoesNotExist { identifier: missing });
    // 0.0001 NEAR per byte: 1.5 MB of code costs 150 NEAR, more than alice has.
    let code = vec![0u8; 1_500_000];
    let deployed = deploy_global(&mut env, &id("alice.near"), code, GlobalContractDeployMode::CodeHash);
    assert!(matches!(action_error(&deployed), ActionErrorKind::LackBalanceForState { .. }));
}

fn state_init(code: GlobalContractIdentifier) -> DeterministicAccountStateInit {
    let data = [(b"counter".to_vec(), 41u64.to_le_bytes().to_vec())].into();
    DeterministicAccountStateInit::V1(DeterministicAccountStateInitV1 { code, data })
}

#[test]
fn state_init_creates_the_derived_account_with_its_data() {
    let mut env = env();
    let code = counter();
    assert!(deploy_global(&mut env, &id("bob.near"), code.clone(), GlobalContractDeployMode::CodeHash).is_success());
    let init = state_init(GlobalContractIdentifier::CodeHash(hash(&code)));
    let account_id = init.account_id();
    assert!(account_id.as_str().starts_with("0s") && account_id.len() == 42);
    let action = Action::DeterministicStateInit(Box::new(DeterministicStateInitAction {
        state_init: init.clone(),
        deposit: NEAR,
    }));
    let before = env.balance(&id("alice.near")).unwrap();
    let created = env.transact(&id("alice.near"), &account_id, vec![action.clone()]).unwrap();
    assert!(created.is_success(), "{:?}", created.status);
    let account = env.view_account(&account_id).unwrap().unwrap();
    assert_eq!(account.contract, AccountContract::Global(hash(&code)));
    // Within the zero-balance allowance: the whole deposit comes back.
    assert_eq!(account.amount, 0);
    assert_eq!(env.balance(&id("alice.near")).unwrap(), before - created.total_tokens_burnt());
    assert_eq!(increment(&mut env, &account_id), 42, "the contract reads the entry the state init wrote");
    // Again, on the existing account: nothing changes but the deposit goes back.
    let again = env.transact(&id("alice.near"), &account_id, vec![action]).unwrap();
    assert!(again.is_success(), "{:?}", again.status);
    assert_eq!(increment(&mut env, &account_id), 43);
}

#[test]
fn state_init_must_go_to_its_derived_id() {
    let mut env = env();
    let init = state_init(GlobalContractIdentifier::AccountId(id("bob.near")));
    let derived_id = init.account_id();
    let action =
        Action::DeterministicStateInit(Box::new(DeterministicStateInitAction { state_init: init, deposit: 0 }));
    let wrong = env.transact(&id("alice.near"), &id("bob.near"), vec![action]).unwrap();
    let expected =
        ActionsValidationError::InvalidDeterministicStateInitReceiver { receiver_id: id("bob.near"), derived_id };
    assert_eq!(
        wrong.status,
        FinalStatus::Failure(TxExecutionError::InvalidTxError(InvalidTxError::ActionsValidation(expected)))
    );
    // A call is still possible after all this (nothing half-applied).
    let call = Action::FunctionCall(Box::new(FunctionCallAction {
        method_name: "x".into(),
        args: vec![],
        gas: 1,
        deposit: 0,
    }));
    assert!(env.transact(&id("alice.near"), &id("bob.near"), vec![call]).unwrap().is_failure());
}

#[test]
fn current_contract_code_tells_how_the_account_gets_its_code() {
    let mut env = env();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tools/nearcore-diff/fixtures/accounts_and_code.wat");
    let code = wat::parse_file(path).unwrap();
    let owner = id("alice.near");
    assert!(deploy_global(&mut env, &owner, code.clone(), GlobalContractDeployMode::AccountId).is_success());
    assert!(deploy_global(&mut env, &owner, code.clone(), GlobalContractDeployMode::CodeHash).is_success());
    let used = use_global(&mut env, &id("bob.near"), GlobalContractIdentifier::AccountId(owner.clone()));
    assert!(used.is_success(), "{:?}", used.status);
    let kind = env.call(&owner, &id("bob.near"), "current_contract_code_kind").transact().unwrap();
    assert_eq!(kind.status, FinalStatus::SuccessValue(3u64.to_le_bytes().to_vec()));
    let named = env.call(&owner, &id("bob.near"), "current_contract_code_hash").transact().unwrap();
    assert_eq!(named.status, FinalStatus::SuccessValue(b"alice.near".to_vec()));
    assert!(env.deploy(&owner, code.clone()).unwrap().is_success());
    let kind = env.call(&owner, &owner, "current_contract_code_kind").transact().unwrap();
    assert_eq!(kind.status, FinalStatus::SuccessValue(1u64.to_le_bytes().to_vec()));
    let used = use_global(&mut env, &owner, GlobalContractIdentifier::CodeHash(hash(&code)));
    assert!(used.is_success(), "{:?}", used.status);
    let kind = env.call(&owner, &owner, "current_contract_code_kind").transact().unwrap();
    assert_eq!(kind.status, FinalStatus::SuccessValue(2u64.to_le_bytes().to_vec()));
}

#[test]
fn a_zero_balance_contract_may_attach_one_yocto_which_is_minted() {
    // bob runs the actions fixture as a global contract: its record stays within the
    // zero-balance allowance, so it may give away its whole balance during a call.
    let mut env = env();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tools/nearcore-diff/fixtures/actions.wat");
    let code = wat::parse_file(path).unwrap();
    assert!(deploy_global(&mut env, &id("alice.near"), code.clone(), GlobalContractDeployMode::CodeHash).is_success());
    assert!(use_global(&mut env, &id("bob.near"), GlobalContractIdentifier::CodeHash(hash(&code))).is_success());
    let call = env.call(&id("alice.near"), &id("bob.near"), "one_yocto_on_zero_balance").into_action();
    let transaction = env.sign(&id("alice.near"), &id("bob.near"), vec![call]).unwrap();
    let hash = transaction.get_hash();
    let mut subsidized = 0;
    let mut block = env.produce_block(&[transaction]).unwrap();
    for _ in 0..10 {
        subsidized += block.stats.balance.subsidized;
        block = env.produce_block(&[]).unwrap();
    }
    let result = env.tx_result(&hash).unwrap();
    assert!(
        result.complete
            && result.receipts[0].outcome.status
                != near_primitives::transaction::ExecutionStatus::SuccessValue(vec![1])
    );
    assert_eq!(subsidized, 2, "two calls of 1 yoctoNEAR each, minted; the balance checker agreed every block");
}

#[test]
fn a_near_sdk_factory_deploys_a_global_contract_and_creates_a_deterministic_account() {
    let factory = id("factory.near");
    let mut env = TestEnv::builder()
        .account(GenesisAccount::new(id("alice.near"), 100 * NEAR))
        .account(GenesisAccount::new(factory.clone(), 100 * NEAR).with_code(near_test_contracts::sdk_global().to_vec()))
        .account(GenesisAccount::new(id("refund.near"), NEAR))
        .build()
        .unwrap();
    let mut call = |method: &str| {
        let result = env.call(&id("alice.near"), &factory, method).transact().unwrap();
        assert!(result.is_success(), "{method}: {:?}", result.status);
    };
    call("deploy_global_by_account");
    call("create_deterministic");
    let derived: AccountId = env.view_json(&factory, "deterministic_id", serde_json::json!({})).unwrap();
    let account = env.view_account(&derived).unwrap().expect("the deterministic account exists");
    assert_eq!(account.contract, AccountContract::GlobalByAccount(factory.clone()));
    let owner = env.view_state(&derived, b"owner").unwrap();
    assert_eq!(owner[0].1, b"factory.near".to_vec(), "the state init's entry");
    // Universal accounts: the node decodes the state init near-sdk encodes (and refuses
    // garbage) and creates the account it derives, with the signer's key and the global contract.
    // (A call, not a view: the state init holds the signer's key, which views may not read.)
    let asked = env.call(&id("alice.near"), &factory, "universal_id").transact().unwrap();
    let FinalStatus::SuccessValue(universal) = asked.status else { panic!("universal_id: {:?}", asked.status) };
    let universal: AccountId = serde_json::from_slice(&universal).unwrap();
    assert!(universal.as_str().starts_with("0u") && universal.len() == 54, "{universal}");
    let garbage: String = env.view_json(&factory, "universal_id_of_garbage", serde_json::json!({})).unwrap();
    assert_eq!(garbage, "Malformed");
    let created = env.call(&id("alice.near"), &factory, "create_universal").transact().unwrap();
    assert!(created.is_success(), "{:?}", created.status);
    let account = env.view_account(&universal).unwrap().expect("the universal account exists");
    assert!(account.is_initialized());
    assert_eq!(account.contract, AccountContract::GlobalByAccount(factory.clone()));
    let alice_key = integration_tests::signer_key(&id("alice.near")).public_key();
    assert!(env.access_key(&universal, &alice_key).unwrap().is_some(), "the state init's key");
    let refund_before = env.balance(&id("refund.near")).unwrap();
    env.call(&id("alice.near"), &factory, "transfer_with_refund_to").transact().unwrap();
    assert_eq!(env.balance(&id("refund.near")).unwrap(), refund_before + 1, "the failed transfer's yocto");
}

#[test]
fn the_node_decodes_universal_state_inits_and_refuses_one_sent_elsewhere() {
    let mut env = env();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tools/nearcore-diff/fixtures/universal_accounts.wat");
    assert!(env.deploy(&id("alice.near"), wat::parse_file(path).unwrap()).unwrap().is_success());
    let mut run = |method: &str| env.call(&id("bob.near"), &id("alice.near"), method).transact().unwrap();
    let FinalStatus::SuccessValue(valid) = run("id_of_empty_state_init").status else {
        panic!("a canonical state init")
    };
    assert_eq!(&valid[..8], &0u64.to_le_bytes());
    let empty = [0u8; 10];
    let expected = near_primitives::universal_state_init::universal_account_id(&empty);
    assert_eq!(&valid[8..], expected.as_bytes());
    let status = run("id_of_other_bytes").status;
    assert_eq!(status, FinalStatus::SuccessValue(1u64.to_le_bytes().to_vec()), "not a state init: status 1");
    // The fixture sends the state init to bob.near, not to the id it derives.
    let created = run("create_universal_account");
    let misdirected =
        ActionsValidationError::InvalidUniversalStateInitReceiver { receiver_id: id("bob.near"), derived_id: expected };
    let expected = ActionErrorKind::NewReceiptValidationError(
        near_primitives::errors::ReceiptValidationError::ActionsValidation(misdirected),
    );
    assert_eq!(action_error(&created), &expected);
}
