//! Accounts a transfer creates (NEAR-implicit, ETH-implicit, deterministic, universal) and
//! universal accounts (protocol 88): the state init from another account or self-signed, what an
//! uninitialized account accepts, and validation.

use crate::{action_error, alice_and_bob as env, id};
use integration_tests::{FinalStatus, NEAR, TestEnv, TxResult};
use near_parameters::ActionCosts;
use near_primitives::account::AccountContract;
use near_primitives::action::{Action, FunctionCallAction, TransferAction, UniversalStateInitAction};
use near_primitives::crypto::{KeyHandle, PublicKey, SecretKey};
use near_primitives::errors::{ActionErrorKind, ActionsValidationError, InvalidTxError, TxExecutionError};
use near_primitives::trie_key::TrieKey;
use near_primitives::types::AccountId;
use near_primitives::universal_state_init::{UniversalStateInit, UniversalStateInitV1, universal_account_id};
use node_runtime::actions::eth_wallet_global_contract_hash;
use node_runtime::verifier::initial_nonce_value;

fn owner() -> SecretKey {
    SecretKey::from_seed("universal-owner")
}

/// The canonical bytes of a key-only state init with `keys` and `data`, and the id they derive.
fn state_init(keys: &[KeyHandle], data: &[(&[u8], &[u8])]) -> (Vec<u8>, AccountId) {
    let init = UniversalStateInit::V1(UniversalStateInitV1 {
        code: None,
        data: data.iter().map(|(k, v)| (k.to_vec(), v.to_vec())).collect(),
        access_keys: keys.iter().cloned().collect(),
    });
    let bytes = borsh::to_vec(&init).unwrap();
    let id = universal_account_id(&bytes);
    (bytes, id)
}

fn init_action(state_init: &[u8], deposit: u128) -> Action {
    Action::UniversalStateInit(Box::new(UniversalStateInitAction { state_init: state_init.to_vec(), deposit }))
}

fn transfer(deposit: u128) -> Action {
    Action::Transfer(TransferAction { deposit })
}

fn call(method_name: &str) -> Action {
    Action::FunctionCall(Box::new(FunctionCallAction {
        method_name: method_name.into(),
        args: vec![],
        gas: 10_000_000_000_000,
        deposit: 0,
    }))
}

fn invalid(result: &TxResult) -> &InvalidTxError {
    match &result.status {
        FinalStatus::Failure(TxExecutionError::InvalidTxError(error)) => error,
        other => panic!("expected an invalid transaction, got {other:?}"),
    }
}

fn send(env: &mut TestEnv, receiver: &AccountId, actions: Vec<Action>) -> TxResult {
    env.transact(&id("alice.near"), receiver, actions).unwrap()
}

#[test]
fn a_transfer_creates_the_implicit_account_it_is_sent_to() {
    let mut env = env();
    let key = SecretKey::from_seed("implicit");
    let PublicKey::ED25519(bytes) = key.public_key() else { unreachable!() };
    let near_implicit = id(&hex::encode(bytes));
    let created = send(&mut env, &near_implicit, vec![transfer(NEAR)]);
    assert!(created.is_success());
    // The conversion burns what creating the account adds to a transfer's send fees.
    let named = send(&mut env, &id("bob.near"), vec![transfer(NEAR)]);
    let fees = &env.config().fees;
    let extra = fees.fee(ActionCosts::create_account).send_fee(false)
        + fees.fee(ActionCosts::add_full_access_key).send_fee(false);
    assert_eq!(created.transaction.outcome.gas_burnt, named.transaction.outcome.gas_burnt + extra);
    let account = env.view_account(&near_implicit).unwrap().expect("created");
    // The account record, the key's handle (33 bytes), its record (9) and the overhead (40).
    assert_eq!((account.amount, account.storage_usage), (NEAR, 100 + 33 + 9 + 40));
    let own_key = env.access_key(&near_implicit, &key.public_key()).unwrap().expect("the key its id is");
    assert!(own_key.nonce > 0, "a fresh nonce range");
    let back = env.sign_with_key(&key, &near_implicit, &id("bob.near"), vec![transfer(1)]).unwrap();
    assert!(env.execute(back, 10).unwrap().is_success(), "the key signs for it");

    let eth = id(&format!("0x{}", "ab".repeat(20)));
    assert!(send(&mut env, &eth, vec![transfer(NEAR)]).is_success());
    let account = env.view_account(&eth).unwrap().expect("created");
    assert_eq!(account.contract, AccountContract::Global(eth_wallet_global_contract_hash("test")));
    assert_eq!(account.storage_usage, 100 + 32);
    // The wallet contract is not deployed on this chain: calling the account fails as for an
    // account without code.
    let called = send(&mut env, &eth, vec![call("rlp_execute")]);
    assert!(
        matches!(action_error(&called.status), ActionErrorKind::FunctionCallError(error) if error.to_string().contains("cannot find contract code")),
        "{:?}",
        called.status
    );

    let deterministic = id(&format!("0s{}", "cd".repeat(20)));
    assert!(send(&mut env, &deterministic, vec![transfer(NEAR)]).is_success());
    let account = env.view_account(&deterministic).unwrap().expect("created");
    assert_eq!((account.contract, account.storage_usage), (AccountContract::None, 100));

    // Only alone in its receipt; a named account is never created.
    let other = id(&format!("0s{}", "ef".repeat(20)));
    let batched = send(&mut env, &other, vec![transfer(1), transfer(1)]);
    assert_eq!(action_error(&batched.status), &ActionErrorKind::AccountDoesNotExist { account_id: other });
    let named = send(&mut env, &id("nobody.near"), vec![transfer(1)]);
    assert!(matches!(action_error(&named.status), ActionErrorKind::AccountDoesNotExist { .. }));
}

#[test]
fn the_mainnet_wallet_hash_is_nearcores() {
    let hash = eth_wallet_global_contract_hash("mainnet");
    assert_eq!(&hash.as_bytes()[..4], &[0x1d, 0xaa, 0x83, 0x5c]);
    assert_eq!(&hash.as_bytes()[28..], &[0xca, 0xd7, 0xce, 0xb5]);
}

#[test]
fn a_funded_universal_account_is_uninitialized_until_its_state_init() {
    let mut env = env();
    let (bytes, universal) = state_init(&[(&owner().public_key()).into()], &[]);
    // Batched transfers create a universal account too.
    assert!(send(&mut env, &universal, vec![transfer(NEAR), transfer(NEAR)]).is_success());
    let account = env.view_account(&universal).unwrap().expect("created");
    assert!(!account.is_initialized());
    assert_eq!((account.amount, account.storage_usage), (2 * NEAR, 100));
    assert!(account.bootstrap_nonce.unwrap() >= initial_nonce_value(1));
    let call = call("main");
    let called = send(&mut env, &universal, vec![call]);
    assert_eq!(action_error(&called.status), &ActionErrorKind::AccountNotInitialized { account_id: universal.clone() });
    // Its state init from anyone installs the committed key; a repeat refunds its deposit.
    assert!(send(&mut env, &universal, vec![init_action(&bytes, 0)]).is_success());
    let account = env.view_account(&universal).unwrap().unwrap();
    assert!(account.is_initialized());
    assert_eq!(account.storage_usage, 100 + 33 + 9 + 40);
    assert!(env.access_key(&universal, &owner().public_key()).unwrap().is_some());
    let before = env.balance(&universal).unwrap();
    assert!(send(&mut env, &universal, vec![init_action(&bytes, 5 * NEAR)]).is_success());
    assert_eq!(env.balance(&universal).unwrap(), before, "the repeated state init's deposit went back");
}

/// alice.near and bob.near, and a universal account committing to `owner()` with `data`, funded
/// with 1 NEAR by a transfer (so uninitialized); its state init's bytes and its id.
fn funded_universal(data: &[(&[u8], &[u8])]) -> (TestEnv, Vec<u8>, AccountId) {
    let mut env = env();
    let (bytes, universal) = state_init(&[(&owner().public_key()).into()], data);
    assert!(send(&mut env, &universal, vec![transfer(NEAR)]).is_success());
    (env, bytes, universal)
}

#[test]
fn a_self_signed_state_init_bootstraps_the_account_once() {
    let (mut env, bytes, universal) = funded_universal(&[(b"greeting", b"hello")]);
    let stranger = SecretKey::from_seed("stranger");
    let not_committed = env.sign_bootstrap(&stranger, &universal, vec![init_action(&bytes, 0)]).unwrap();
    let refused = env.execute(not_committed, 10).unwrap();
    assert!(matches!(invalid(&refused), InvalidTxError::InvalidAccessKeyError(_)), "{:?}", refused.status);

    let bootstrap = env.sign_bootstrap(&owner(), &universal, vec![init_action(&bytes, 0)]).unwrap();
    let result = env.execute(bootstrap.clone(), 10).unwrap();
    assert!(result.is_success(), "{:?}", result.status);
    let account = env.view_account(&universal).unwrap().unwrap();
    assert!(account.is_initialized() && account.amount < NEAR, "it paid for its own transaction");
    assert_eq!(env.view_state(&universal, b"greeting").unwrap()[0].1, b"hello".to_vec());
    let key = env.access_key(&universal, &owner().public_key()).unwrap().expect("installed");
    assert!(key.nonce >= bootstrap.transaction.nonce, "the key starts above the bootstrap nonce");
    let replayed = env.execute(bootstrap, 10).unwrap();
    assert!(matches!(invalid(&replayed), InvalidTxError::InvalidNonce { .. }), "{:?}", replayed.status);
    let spend = env.sign_with_key(&owner(), &universal, &id("bob.near"), vec![transfer(1)]).unwrap();
    assert!(env.execute(spend, 10).unwrap().is_success(), "the installed key signs");
}

#[test]
fn a_failed_bootstrap_still_uses_its_nonce() {
    let (mut env, bytes, universal) = funded_universal(&[(b"k", b"v")]);
    let before = env.view_account(&universal).unwrap().unwrap().bootstrap_nonce.unwrap();
    // The state init, then an action an account without a contract fails.
    let call = call("main");
    let failing = env.sign_bootstrap(&owner(), &universal, vec![init_action(&bytes, 0), call]).unwrap();
    let result = env.execute(failing.clone(), 10).unwrap();
    assert!(matches!(result.status, FinalStatus::Failure(TxExecutionError::ActionError(_))), "{:?}", result.status);
    let account = env.view_account(&universal).unwrap().unwrap();
    assert!(!account.is_initialized(), "the failed receipt installed nothing");
    assert_eq!(account.bootstrap_nonce, Some(before + 1), "but the nonce is used");
    let replayed = env.execute(failing, 10).unwrap();
    assert!(matches!(invalid(&replayed), InvalidTxError::InvalidNonce { .. }), "{:?}", replayed.status);
}

#[test]
fn validation_refuses_misdirected_non_canonical_and_too_many_keys() {
    let mut env = env();
    let (bytes, universal) = state_init(&[KeyHandle::MlDsa65Hash([7; 32])], &[(b"a", b"1"), (b"b", b"2")]);
    let misdirected = send(&mut env, &id("bob.near"), vec![init_action(&bytes, 0)]);
    let expected = ActionsValidationError::InvalidUniversalStateInitReceiver {
        receiver_id: id("bob.near"),
        derived_id: universal.clone(),
    };
    assert_eq!(invalid(&misdirected), &InvalidTxError::ActionsValidation(expected));
    // The same entries unsorted: well-formed borsh, but not the canonical encoding.
    let mut unsorted = bytes.clone();
    let start = 1 + 1 + 4;
    unsorted[start..start + 20].rotate_left(10);
    let unsorted_id = universal_account_id(&unsorted);
    let refused = send(&mut env, &unsorted_id, vec![init_action(&unsorted, 0)]);
    let expected = InvalidTxError::ActionsValidation(ActionsValidationError::MalformedUniversalStateInit);
    assert_eq!(invalid(&refused), &expected);
    let keys: Vec<KeyHandle> = (0..=512u16)
        .map(|i| {
            let mut key = [0; 32];
            key[..2].copy_from_slice(&i.to_le_bytes());
            KeyHandle::Ed25519(key)
        })
        .collect();
    let (many, many_id) = state_init(&keys, &[]);
    let result = send(&mut env, &many_id, vec![init_action(&many, 0), init_action(&many, 0)]);
    let expected = ActionsValidationError::TotalNumberOfStateInitKeysExceeded { number_of_keys: 1026, limit: 1024 };
    assert_eq!(invalid(&result), &InvalidTxError::ActionsValidation(expected));
    // An ML-DSA-65 key is installed by its handle.
    assert!(send(&mut env, &universal, vec![transfer(NEAR), init_action(&bytes, 0)]).is_success());
    let handle_key = TrieKey::AccessKey { account_id: universal.clone(), key_handle: KeyHandle::MlDsa65Hash([7; 32]) };
    let update = near_store::TrieUpdate::new(env.trie());
    assert!(update.get(&handle_key).unwrap().is_some(), "the key's record, under its handle");
}

#[test]
fn an_ml_dsa_65_key_bootstraps_the_universal_account_it_commits_to() {
    let mut env = env();
    let pq = SecretKey::ml_dsa_65_from_seed("universal post-quantum");
    let (bytes, universal) = state_init(&[(&pq.public_key()).into()], &[]);
    assert!(send(&mut env, &universal, vec![transfer(NEAR)]).is_success());
    let bootstrap = env.sign_bootstrap(&pq, &universal, vec![init_action(&bytes, 0)]).unwrap();
    let result = env.execute(bootstrap, 10).unwrap();
    assert!(result.is_success(), "{:?}", result.status);
    let verification = env.config().fees.ml_dsa_65_verification_cost.gas;
    assert!(result.transaction.outcome.gas_burnt > verification, "the signature's verification is burnt");
    assert!(env.access_key(&universal, &pq.public_key()).unwrap().is_some(), "installed by its handle");
    let spend = env.sign_with_key(&pq, &universal, &id("bob.near"), vec![transfer(1)]).unwrap();
    assert!(env.execute(spend, 10).unwrap().is_success());
}
