//! Gas keys (nearcore's, protocol 85) applied by the runtime: adding one with its nonces,
//! funding it (anyone may), withdrawing (only the account), deleting it (its balance burnt up to
//! 1 NEAR), deleting an account with gas keys, validation, and the transactions a gas key signs
//! (V1 with a nonce index: gas from the key, refunds to it, deposits from the account).

use crate::{action_error, alice_and_bob, id};
use integration_tests::{FinalStatus, NEAR, TestEnv, TxResult};
use near_primitives::account::{AccessKey, AccessKeyPermission, FunctionCallPermission, GasKeyInfo};
use near_primitives::action::{
    Action, AddKeyAction, DeleteAccountAction, DeleteKeyAction, TransferToGasKeyAction, WithdrawFromGasKeyAction,
};
use near_primitives::crypto::{PublicKey, SecretKey};
use near_primitives::errors::{ActionErrorKind, ActionsValidationError, InvalidTxError, TxExecutionError};
use near_primitives::trie_key::access_key_prefix;
use near_primitives::types::AccountId;
use near_store::utils::get_gas_key_nonce;

const NONCES: u16 = 4;

fn gas_key(num_nonces: u16) -> AccessKey {
    AccessKey { nonce: 0, permission: AccessKeyPermission::GasKeyFullAccess(GasKeyInfo { balance: 0, num_nonces }) }
}

fn add_key(public_key: PublicKey, access_key: AccessKey) -> Action {
    Action::AddKey(Box::new(AddKeyAction { public_key, access_key }))
}

fn fund(public_key: PublicKey, deposit: u128) -> Action {
    Action::TransferToGasKey(Box::new(TransferToGasKeyAction { public_key, deposit }))
}

fn withdraw(public_key: PublicKey, amount: u128) -> Action {
    Action::WithdrawFromGasKey(Box::new(WithdrawFromGasKeyAction { public_key, amount }))
}

fn transact(env: &mut TestEnv, signer: &str, receiver: &str, actions: Vec<Action>) -> TxResult {
    env.transact(&id(signer), &id(receiver), actions).expect("the chain runs")
}

fn balance_of(env: &TestEnv, account: &str, key: &PublicKey) -> Option<u128> {
    let access_key = env.access_key(&id(account), key).expect("storage")?;
    access_key.gas_key_info().map(|info| info.balance)
}

/// Storage bytes of `account`'s records under the access-key prefix whose key continues with
/// `key`'s bytes (its access key and nonces): each record's own key bytes, value bytes and the
/// per-record overhead, as stored.
fn stored_bytes(env: &TestEnv, account: &AccountId, key: &PublicKey) -> u64 {
    let prefix = [access_key_prefix(account), borsh::to_vec(key).unwrap()].concat();
    let extra = env.config().fees.storage_usage_config.num_extra_bytes_record;
    let trie = env.trie();
    let records: Vec<_> = trie.iter_prefix(&prefix).unwrap().map(|entry| entry.unwrap()).collect();
    records.iter().map(|(k, v)| (k.len() - access_key_prefix(account).len() + v.len()) as u64 + extra).sum()
}

/// alice adds a gas key with [`NONCES`] nonces and funds it with `funds`.
fn with_gas_key(funds: u128) -> (TestEnv, SecretKey) {
    let mut env = alice_and_bob();
    let secret = SecretKey::from_seed("alice.near/gas");
    let actions = vec![add_key(secret.public_key(), gas_key(NONCES)), fund(secret.public_key(), funds)];
    let result = transact(&mut env, "alice.near", "alice.near", actions);
    assert!(result.is_success(), "{:?}", result.status);
    (env, secret)
}

fn invalid(status: &FinalStatus) -> &InvalidTxError {
    match status {
        FinalStatus::Failure(TxExecutionError::InvalidTxError(error)) => error,
        other => panic!("expected an invalid transaction, got {other:?}"),
    }
}

#[test]
fn adding_a_gas_key_stores_its_nonces_and_pays_storage_for_every_record() {
    let mut env = alice_and_bob();
    env.produce_blocks(3).unwrap();
    let secret = SecretKey::from_seed("alice.near/gas");
    let before = env.view_account(&id("alice.near")).unwrap().unwrap().storage_usage;
    let result = transact(&mut env, "alice.near", "alice.near", vec![add_key(secret.public_key(), gas_key(NONCES))]);
    assert!(result.is_success(), "{:?}", result.status);
    let key = env.access_key(&id("alice.near"), &secret.public_key()).unwrap().unwrap();
    assert_eq!(key, gas_key(NONCES), "stored with nonce 0 and no balance");
    let fresh = (env.height() - 1) * 1_000_000;
    let trie = env.trie();
    let update = near_store::TrieUpdate::new(trie);
    for index in 0..NONCES {
        let nonce = get_gas_key_nonce(&update, &id("alice.near"), &secret.public_key(), index).unwrap();
        let in_fresh_range = |n: u64| n > 0 && n <= fresh && n.is_multiple_of(1_000_000);
        assert!(nonce.is_some_and(in_fresh_range), "nonce {index}: {nonce:?} (the fresh range, as a new key's)");
    }
    assert_eq!(get_gas_key_nonce(&update, &id("alice.near"), &secret.public_key(), NONCES).unwrap(), None);
    let after = env.view_account(&id("alice.near")).unwrap().unwrap().storage_usage;
    assert_eq!(after - before, stored_bytes(&env, &id("alice.near"), &secret.public_key()));
}

#[test]
fn anyone_funds_a_gas_key_only_the_account_withdraws() {
    let (mut env, secret) = with_gas_key(NEAR);
    let key = secret.public_key();
    let result = transact(&mut env, "bob.near", "alice.near", vec![fund(key.clone(), 2 * NEAR)]);
    assert!(result.is_success(), "{:?}", result.status);
    assert_eq!(balance_of(&env, "alice.near", &key), Some(3 * NEAR));

    let stolen = transact(&mut env, "bob.near", "alice.near", vec![withdraw(key.clone(), NEAR)]);
    let denied = ActionErrorKind::ActorNoPermission { account_id: id("alice.near"), actor_id: id("bob.near") };
    assert_eq!(action_error(&stolen.status), &denied);

    let alice_before = env.balance(&id("alice.near")).unwrap();
    let result = transact(&mut env, "alice.near", "alice.near", vec![withdraw(key.clone(), 2 * NEAR)]);
    assert!(result.is_success(), "{:?}", result.status);
    assert_eq!(balance_of(&env, "alice.near", &key), Some(NEAR));
    let gained = env.balance(&id("alice.near")).unwrap() - alice_before;
    assert!(gained > 2 * NEAR - NEAR / 100 && gained < 2 * NEAR, "2 NEAR back, less the gas: {gained}");

    let too_much = transact(&mut env, "alice.near", "alice.near", vec![withdraw(key.clone(), 5 * NEAR)]);
    let short = ActionErrorKind::InsufficientGasKeyBalance {
        account_id: id("alice.near"),
        public_key: Box::new(key.clone()),
        balance: NEAR,
        required: 5 * NEAR,
    };
    assert_eq!(action_error(&too_much.status), &short);
}

#[test]
fn funding_or_withdrawing_a_key_that_is_not_a_gas_key_fails() {
    let mut env = alice_and_bob();
    let full_access = integration_tests::signer_key(&id("alice.near")).public_key();
    let missing = SecretKey::from_seed("nobody").public_key();
    for (key, action) in [
        (full_access.clone(), fund(full_access.clone(), NEAR)),
        (missing.clone(), fund(missing.clone(), NEAR)),
        (full_access.clone(), withdraw(full_access.clone(), 1)),
    ] {
        let before = env.balance(&id("bob.near")).unwrap();
        let result = transact(&mut env, "alice.near", "alice.near", vec![action]);
        let expected = ActionErrorKind::GasKeyDoesNotExist { account_id: id("alice.near"), public_key: Box::new(key) };
        assert_eq!(action_error(&result.status), &expected);
        assert_eq!(env.balance(&id("bob.near")).unwrap(), before);
    }
}

#[test]
fn deleting_a_gas_key_burns_up_to_one_near_and_frees_its_records() {
    let (mut env, secret) = with_gas_key(2 * NEAR);
    let key = secret.public_key();
    let delete = || Action::DeleteKey(Box::new(DeleteKeyAction { public_key: key.clone() }));
    let refused = transact(&mut env, "alice.near", "alice.near", vec![delete()]);
    let too_high = ActionErrorKind::GasKeyBalanceTooHigh {
        account_id: id("alice.near"),
        public_key: Some(Box::new(key.clone())),
        balance: 2 * NEAR,
    };
    assert_eq!(action_error(&refused.status), &too_high);

    let storage_with_key = env.view_account(&id("alice.near")).unwrap().unwrap().storage_usage;
    let key_bytes = stored_bytes(&env, &id("alice.near"), &key);
    let result = transact(&mut env, "alice.near", "alice.near", vec![withdraw(key.clone(), NEAR + 1), delete()]);
    assert!(result.is_success(), "{:?}", result.status);
    let burnt_gas_value: u128 = result.receipts.iter().map(|r| u128::from(r.outcome.gas_burnt)).sum::<u128>()
        * env.apply_state(env.height()).gas_price;
    let burnt: u128 = result.receipts.iter().map(|r| r.outcome.tokens_burnt).sum();
    assert_eq!(burnt - burnt_gas_value, NEAR - 1, "the key's remaining balance is burnt");
    assert_eq!(env.access_key(&id("alice.near"), &key).unwrap(), None);
    assert_eq!(stored_bytes(&env, &id("alice.near"), &key), 0, "the nonces are gone with the key");
    let storage = env.view_account(&id("alice.near")).unwrap().unwrap().storage_usage;
    assert_eq!(storage_with_key - storage, key_bytes);
}

#[test]
fn deleting_an_account_burns_its_gas_keys_up_to_one_near() {
    let (mut env, secret) = with_gas_key(2 * NEAR);
    let delete = || Action::DeleteAccount(DeleteAccountAction { beneficiary_id: id("bob.near") });
    let refused = transact(&mut env, "alice.near", "alice.near", vec![delete()]);
    let too_high =
        ActionErrorKind::GasKeyBalanceTooHigh { account_id: id("alice.near"), public_key: None, balance: 2 * NEAR };
    assert_eq!(action_error(&refused.status), &too_high);

    let result = transact(&mut env, "alice.near", "alice.near", vec![withdraw(secret.public_key(), 3 * NEAR / 2)]);
    assert!(result.is_success(), "{:?}", result.status);
    let bob_before = env.balance(&id("bob.near")).unwrap();
    let alice_balance = env.balance(&id("alice.near")).unwrap();
    let result = transact(&mut env, "alice.near", "alice.near", vec![delete()]);
    assert!(result.is_success(), "{:?}", result.status);
    assert_eq!(env.view_account(&id("alice.near")).unwrap(), None);
    assert_eq!(stored_bytes(&env, &id("alice.near"), &secret.public_key()), 0);
    let received = env.balance(&id("bob.near")).unwrap() - bob_before;
    assert!(received < alice_balance && received > alice_balance - NEAR / 100, "alice's balance less the gas");
}

#[test]
fn gas_keys_are_validated_when_added() {
    let mut env = alice_and_bob();
    let key = SecretKey::from_seed("alice.near/gas").public_key();
    let with_info = |balance, num_nonces| AccessKey {
        nonce: 0,
        permission: AccessKeyPermission::GasKeyFullAccess(GasKeyInfo { balance, num_nonces }),
    };
    let function_call = AccessKey {
        nonce: 0,
        permission: AccessKeyPermission::GasKeyFunctionCall(
            GasKeyInfo { balance: 0, num_nonces: 1 },
            FunctionCallPermission { allowance: Some(NEAR), receiver_id: "bob.near".into(), method_names: vec![] },
        ),
    };
    let limit = AccessKeyPermission::MAX_NONCES_FOR_GAS_KEY;
    let cases = [
        (with_info(0, 0), ActionsValidationError::GasKeyInvalidNumNonces { requested_nonces: 0, limit }),
        (
            with_info(0, limit + 1),
            ActionsValidationError::GasKeyInvalidNumNonces { requested_nonces: limit + 1, limit },
        ),
        (with_info(5, 1), ActionsValidationError::AddGasKeyWithNonZeroBalance { balance: 5 }),
        (function_call, ActionsValidationError::GasKeyFunctionCallAllowanceNotAllowed),
    ];
    for (access_key, expected) in cases {
        let result = transact(&mut env, "alice.near", "alice.near", vec![add_key(key.clone(), access_key)]);
        assert_eq!(invalid(&result.status), &InvalidTxError::ActionsValidation(expected));
    }
    let result = transact(&mut env, "alice.near", "alice.near", vec![add_key(key, with_info(0, limit))]);
    assert!(result.is_success(), "the most nonces allowed: {:?}", result.status);
}

#[test]
fn a_transaction_signed_with_a_gas_key_needs_a_nonce_index() {
    let (mut env, secret) = with_gas_key(NEAR);
    let transfer = Action::Transfer(near_primitives::action::TransferAction { deposit: 1 });
    let tx = env.sign_with_key(&secret, &id("alice.near"), &id("bob.near"), vec![transfer]).unwrap();
    let result = env.execute(tx, 5).unwrap();
    assert_eq!(
        invalid(&result.status),
        &InvalidTxError::InvalidNonceIndex { tx_nonce_index: None, num_nonces: NONCES }
    );
    assert_eq!(balance_of(&env, "alice.near", &secret.public_key()), Some(NEAR), "nothing charged");
}

#[test]
fn a_contract_adds_and_funds_gas_keys() {
    let mut env = alice_and_bob();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tools/nearcore-diff/fixtures/gas_keys.wat");
    assert!(env.deploy(&id("alice.near"), wat::parse_file(path).unwrap()).unwrap().is_success());
    let added = env.call(&id("bob.near"), &id("alice.near"), "add_full_access_gas_key").transact().unwrap();
    assert!(added.is_success(), "{:?}", added.status);
    // The fixture's key: an ed25519 key of 32 bytes 0x07.
    let key: PublicKey = borsh::from_slice(&[[0u8].as_slice(), &[7u8; 32]].concat()).unwrap();
    let stored = env.access_key(&id("alice.near"), &key).unwrap().unwrap();
    assert_eq!(stored.gas_key_info(), Some(&GasKeyInfo { balance: 0, num_nonces: 16 }));
    let funded = env.call(&id("bob.near"), &id("alice.near"), "fund_gas_key_on_self").transact().unwrap();
    assert!(funded.is_success(), "{:?}", funded.status);
    assert_eq!(balance_of(&env, "alice.near", &key), Some(1000));
    // A function-call gas key with an allowance is refused when its receipt is validated.
    let refused = env.call(&id("bob.near"), &id("alice.near"), "add_function_call_gas_key").transact().unwrap();
    let expected =
        ActionErrorKind::NewReceiptValidationError(near_primitives::errors::ReceiptValidationError::ActionsValidation(
            ActionsValidationError::GasKeyFunctionCallAllowanceNotAllowed,
        ));
    assert_eq!(action_error(&refused.status), &expected);
}

/// Sends a V1 transaction signed by alice's gas key `secret` at `index`.
fn send_with_gas_key(
    env: &mut TestEnv,
    secret: &SecretKey,
    index: u16,
    receiver: &str,
    actions: Vec<Action>,
) -> TxResult {
    let tx = env.sign_with_gas_key(secret, index, &id("alice.near"), &id(receiver), actions).unwrap();
    env.execute(tx, 10).unwrap()
}

fn transfer(deposit: u128) -> Action {
    Action::Transfer(near_primitives::action::TransferAction { deposit })
}

#[test]
fn a_gas_key_pays_the_gas_and_gets_the_refund_the_account_pays_the_deposit() {
    let (mut env, secret) = with_gas_key(NEAR);
    let alice_before = env.balance(&id("alice.near")).unwrap();
    let bob_before = env.balance(&id("bob.near")).unwrap();
    let result = send_with_gas_key(&mut env, &secret, 2, "bob.near", vec![transfer(5)]);
    assert!(result.is_success(), "{:?}", result.status);
    env.produce_blocks(3).unwrap();
    assert_eq!(env.balance(&id("bob.near")).unwrap() - bob_before, 5);
    assert_eq!(alice_before - env.balance(&id("alice.near")).unwrap(), 5, "the account paid the deposit only");
    // The key paid all the gas and got back what was not burnt: it is down by exactly the
    // gas the outcomes burnt.
    let gas_price = env.apply_state(env.height()).gas_price;
    let outcomes = std::iter::once(&result.transaction).chain(&result.receipts);
    let burnt: u128 = outcomes.map(|o| u128::from(o.outcome.gas_burnt) * gas_price).sum();
    assert_eq!(NEAR - balance_of(&env, "alice.near", &secret.public_key()).unwrap(), burnt);
    let update = near_store::TrieUpdate::new(env.trie());
    let used = get_gas_key_nonce(&update, &id("alice.near"), &secret.public_key(), 2).unwrap();
    let untouched = get_gas_key_nonce(&update, &id("alice.near"), &secret.public_key(), 1).unwrap();
    assert_eq!(used, untouched.map(|n| n + 1), "only the nonce at index 2 advanced (strict: by one)");
}

#[test]
fn gas_key_transactions_are_checked_before_anything_is_charged() {
    let (mut env, secret) = with_gas_key(NEAR);
    let out_of_range = send_with_gas_key(&mut env, &secret, 9, "bob.near", vec![transfer(1)]);
    assert_eq!(
        invalid(&out_of_range.status),
        &InvalidTxError::InvalidNonceIndex { tx_nonce_index: Some(9), num_nonces: NONCES }
    );
    let regular = integration_tests::signer_key(&id("alice.near"));
    let not_a_gas_key = send_with_gas_key(&mut env, &regular, 0, "bob.near", vec![transfer(1)]);
    assert_eq!(
        invalid(&not_a_gas_key.status),
        &InvalidTxError::InvalidNonceIndex { tx_nonce_index: Some(0), num_nonces: 0 }
    );
    let replay = env.sign_with_gas_key(&secret, 0, &id("alice.near"), &id("bob.near"), vec![transfer(1)]).unwrap();
    assert!(env.execute(replay.clone(), 10).unwrap().is_success());
    let again = env.execute(replay, 10).unwrap();
    assert!(matches!(invalid(&again.status), InvalidTxError::InvalidNonce { .. }), "{:?}", again.status);
    // Too much gas for the key: 300 Tgas attached to a call.
    let call = Action::FunctionCall(Box::new(near_primitives::action::FunctionCallAction {
        method_name: "m".into(),
        args: vec![],
        gas: 300_000_000_000_000,
        deposit: 0,
    }));
    let (mut poor_env, poor_key) = with_gas_key(1_000);
    let poor = send_with_gas_key(&mut poor_env, &poor_key, 0, "bob.near", vec![call]);
    assert!(matches!(invalid(&poor.status), InvalidTxError::NotEnoughGasKeyBalance { balance: 1_000, .. }));
    assert_eq!(balance_of(&poor_env, "alice.near", &poor_key.public_key()), Some(1_000), "nothing charged");
}

#[test]
fn when_the_account_cannot_pay_the_deposit_the_gas_key_still_pays_the_conversion() {
    let (mut env, secret) = with_gas_key(NEAR);
    let alice_balance = env.balance(&id("alice.near")).unwrap();
    let result = send_with_gas_key(&mut env, &secret, 1, "bob.near", vec![transfer(alice_balance + 1)]);
    let InvalidTxError::NotEnoughBalanceForDeposit { balance, cost, reason, .. } = invalid(&result.status) else {
        panic!("expected a deposit failure, got {:?}", result.status);
    };
    assert_eq!((*balance, *cost), (alice_balance, alice_balance + 1));
    assert_eq!(*reason, near_primitives::errors::DepositCostFailureReason::NotEnoughBalance);
    assert!(result.receipts.is_empty() && result.transaction.outcome.receipt_ids.is_empty(), "no receipt");
    let burnt = result.transaction.outcome.tokens_burnt;
    assert!(
        burnt > 0
            && burnt == u128::from(result.transaction.outcome.gas_burnt) * env.apply_state(env.height()).gas_price
    );
    assert_eq!(balance_of(&env, "alice.near", &secret.public_key()), Some(NEAR - burnt));
    assert_eq!(env.balance(&id("alice.near")).unwrap(), alice_balance, "the account paid nothing");
    // The nonce at index 1 was used; the next one follows it (strict mode).
    let next = send_with_gas_key(&mut env, &secret, 1, "bob.near", vec![transfer(1)]);
    assert!(next.is_success(), "the next nonce works: {:?}", next.status);
}

#[test]
fn a_function_call_gas_key_signs_only_its_calls() {
    let mut env = alice_and_bob();
    let secret = SecretKey::from_seed("alice.near/gas-fc");
    let key = AccessKey {
        nonce: 0,
        permission: AccessKeyPermission::GasKeyFunctionCall(
            GasKeyInfo { balance: 0, num_nonces: 1 },
            FunctionCallPermission { allowance: None, receiver_id: "bob.near".into(), method_names: vec!["m".into()] },
        ),
    };
    let actions = vec![add_key(secret.public_key(), key), fund(secret.public_key(), NEAR)];
    assert!(transact(&mut env, "alice.near", "alice.near", actions).is_success());
    let result = send_with_gas_key(&mut env, &secret, 0, "bob.near", vec![transfer(1)]);
    let expected =
        InvalidTxError::InvalidAccessKeyError(near_primitives::errors::InvalidAccessKeyError::RequiresFullAccess);
    assert_eq!(invalid(&result.status), &expected);
}
