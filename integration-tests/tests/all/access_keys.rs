use crate::{env_with_contracts, id};
use integration_tests::{FinalStatus, NEAR, TestEnv, signer_key};
use near_primitives::account::{AccessKey, AccessKeyPermission, FunctionCallPermission};
use near_primitives::action::{Action, AddKeyAction, DeleteKeyAction, FunctionCallAction, TransferAction};
use near_primitives::crypto::SecretKey;
use near_primitives::errors::{InvalidAccessKeyError, InvalidTxError, TxExecutionError};

fn call(method: &str, deposit: u128) -> Action {
    Action::FunctionCall(Box::new(FunctionCallAction {
        method_name: method.into(),
        args: br#"{"message":"hello"}"#.to_vec(),
        gas: 30_000_000_000_000,
        deposit,
    }))
}

fn invalid(status: &FinalStatus) -> &InvalidTxError {
    match status {
        FinalStatus::Failure(TxExecutionError::InvalidTxError(error)) => error,
        other => panic!("expected an invalid transaction, got {other:?}"),
    }
}

fn key_error(status: &FinalStatus) -> &InvalidAccessKeyError {
    match invalid(status) {
        InvalidTxError::InvalidAccessKeyError(error) => error,
        other => panic!("expected an access-key error, got {other:?}"),
    }
}

/// alice adds a function-call key for status.near's `set_status` with a 1 NEAR allowance.
fn with_function_call_key() -> (TestEnv, SecretKey) {
    with_function_call_key_allowance(NEAR)
}

fn with_function_call_key_allowance(allowance: u128) -> (TestEnv, SecretKey) {
    let mut env = env_with_contracts();
    let secret = SecretKey::from_seed("alice.near/limited");
    let access_key = AccessKey {
        nonce: 0,
        permission: AccessKeyPermission::FunctionCall(FunctionCallPermission {
            allowance: Some(allowance),
            receiver_id: "status.near".into(),
            method_names: vec!["set_status".into()],
        }),
    };
    let add = Action::AddKey(Box::new(AddKeyAction { public_key: secret.public_key(), access_key }));
    let result = env.transact(&id("alice.near"), &id("alice.near"), vec![add]).unwrap();
    assert!(result.is_success(), "{:?}", result.status);
    (env, secret)
}

fn send(env: &mut TestEnv, secret: &SecretKey, receiver: &str, actions: Vec<Action>) -> integration_tests::TxResult {
    let tx = env.sign_with_key(secret, &id("alice.near"), &id(receiver), actions).unwrap();
    env.execute(tx, 20).unwrap()
}

#[test]
fn function_call_key_can_call_its_method_and_spends_allowance() {
    let (mut env, secret) = with_function_call_key();
    let result = send(&mut env, &secret, "status.near", vec![call("set_status", 0)]);
    assert!(result.is_success(), "{:?}", result.status);
    let key = env.access_key(&id("alice.near"), &secret.public_key()).unwrap().unwrap();
    let AccessKeyPermission::FunctionCall(permission) = key.permission else { panic!("still a function-call key") };
    assert!(permission.allowance.unwrap() < NEAR);
    let status: Option<String> =
        env.view_json(&id("status.near"), "get_status", serde_json::json!({"account_id": "alice.near"})).unwrap();
    assert_eq!(status.as_deref(), Some("hello"));
}

#[test]
fn a_gas_refund_restores_the_allowance_it_was_paid_from() {
    let (mut env, secret) = with_function_call_key();
    let balance_before = env.balance(&id("alice.near")).unwrap();
    let result = send(&mut env, &secret, "status.near", vec![call("set_status", 0)]);
    assert!(result.is_success(), "{:?}", result.status);
    env.produce_blocks(3).unwrap();
    let key = env.access_key(&id("alice.near"), &secret.public_key()).unwrap().unwrap();
    let AccessKeyPermission::FunctionCall(permission) = key.permission else { panic!("still a function-call key") };
    let spent = balance_before - env.balance(&id("alice.near")).unwrap();
    // The transaction took its whole cost from both; the unspent gas came back to both.
    assert_eq!(NEAR - permission.allowance.unwrap(), spent);
    let attached = 30_000_000_000_000 * env.apply_state(env.height()).gas_price;
    assert!(spent > 0 && spent < attached, "most of the 30 Tgas attached came back: {spent}");
}

#[test]
fn function_call_key_rules() {
    let (mut env, secret) = with_function_call_key();
    let wrong_receiver = send(&mut env, &secret, "other.near", vec![call("set_status", 0)]);
    assert!(matches!(key_error(&wrong_receiver.status), InvalidAccessKeyError::ReceiverMismatch { .. }));
    let wrong_method = send(&mut env, &secret, "status.near", vec![call("fail", 0)]);
    assert!(matches!(key_error(&wrong_method.status), InvalidAccessKeyError::MethodNameMismatch { .. }));
    let deposit = send(&mut env, &secret, "status.near", vec![call("set_status", 1)]);
    assert_eq!(key_error(&deposit.status), &InvalidAccessKeyError::DepositWithFunctionCall);
    let transfer = send(&mut env, &secret, "status.near", vec![Action::Transfer(TransferAction { deposit: 1 })]);
    assert_eq!(key_error(&transfer.status), &InvalidAccessKeyError::RequiresFullAccess);
    let two = send(&mut env, &secret, "status.near", vec![call("set_status", 0), call("set_status", 0)]);
    assert_eq!(key_error(&two.status), &InvalidAccessKeyError::RequiresFullAccess);
}

#[test]
fn allowance_bounds_the_cost() {
    let (mut env, secret) = with_function_call_key_allowance(1_000);
    let result = send(&mut env, &secret, "status.near", vec![call("set_status", 0)]);
    assert!(matches!(key_error(&result.status), InvalidAccessKeyError::NotEnoughAllowance { allowance: 1_000, .. }));
}

#[test]
fn nonces_signatures_and_unknown_keys() {
    let mut env = env_with_contracts();
    let transfer = || vec![Action::Transfer(TransferAction { deposit: 1 })];
    let tx = env.sign(&id("alice.near"), &id("bob.near"), transfer()).unwrap();
    assert!(env.execute(tx.clone(), 5).unwrap().is_success());
    let replay = env.execute(tx.clone(), 5).unwrap();
    assert!(matches!(invalid(&replay.status), InvalidTxError::InvalidNonce { .. }));

    let mut forged = env.sign(&id("alice.near"), &id("bob.near"), transfer()).unwrap();
    forged.transaction.actions = vec![Action::Transfer(TransferAction { deposit: 50 * NEAR })];
    assert_eq!(invalid(&env.execute(forged, 5).unwrap().status), &InvalidTxError::InvalidSignature);

    let stranger = SecretKey::from_seed("nobody");
    let unknown_key = env.sign_with_key(&stranger, &id("alice.near"), &id("bob.near"), transfer()).unwrap();
    assert!(matches!(
        invalid(&env.execute(unknown_key, 5).unwrap().status),
        InvalidTxError::InvalidAccessKeyError(InvalidAccessKeyError::AccessKeyNotFound { .. })
    ));

    let ghost = env.sign(&id("ghost.near"), &id("bob.near"), transfer()).unwrap();
    assert!(matches!(invalid(&env.execute(ghost, 5).unwrap().status), InvalidTxError::SignerDoesNotExist { .. }));

    let broke = env
        .sign(&id("alice.near"), &id("bob.near"), vec![Action::Transfer(TransferAction { deposit: 1_000 * NEAR })])
        .unwrap();
    assert!(matches!(invalid(&env.execute(broke, 5).unwrap().status), InvalidTxError::NotEnoughBalance { .. }));
}

#[test]
fn invalid_transactions_change_nothing() {
    let mut env = env_with_contracts();
    let root = env.state_root();
    let ghost =
        env.sign(&id("ghost.near"), &id("bob.near"), vec![Action::Transfer(TransferAction { deposit: 1 })]).unwrap();
    let block = env.produce_block(&[ghost]).unwrap();
    assert_eq!(block.outcomes.len(), 1);
    assert_eq!(block.state_root, root);
}

#[test]
fn deleted_key_can_no_longer_sign() {
    let (mut env, secret) = with_function_call_key();
    let delete = Action::DeleteKey(Box::new(DeleteKeyAction { public_key: secret.public_key() }));
    assert!(env.transact(&id("alice.near"), &id("alice.near"), vec![delete.clone()]).unwrap().is_success());
    let result = send(&mut env, &secret, "status.near", vec![call("set_status", 0)]);
    assert!(matches!(key_error(&result.status), InvalidAccessKeyError::AccessKeyNotFound { .. }));
    // Deleting it again is an action error, with fees only.
    let again = env.transact(&id("alice.near"), &id("alice.near"), vec![delete]).unwrap();
    assert!(again.is_failure());
    assert!(env.access_key(&id("alice.near"), &signer_key(&id("alice.near")).public_key()).unwrap().is_some());
}

/// An ML-DSA-65 key (protocol 85) is stored by its 33-byte handle, signs transactions, and a
/// transaction it signs burns the signature's verification cost on top at conversion.
#[test]
fn an_ml_dsa_65_key_is_stored_by_its_handle_and_signs() {
    let mut env = crate::alice_and_bob();
    let (alice, bob) = (id("alice.near"), id("bob.near"));
    let pq = SecretKey::ml_dsa_65_from_seed("alice's post-quantum key");
    let before = env.view_account(&alice).unwrap().unwrap().storage_usage;
    let add =
        Action::AddKey(Box::new(AddKeyAction { public_key: pq.public_key(), access_key: AccessKey::full_access() }));
    assert!(env.transact(&alice, &alice, vec![add]).unwrap().is_success());
    let after = env.view_account(&alice).unwrap().unwrap().storage_usage;
    assert_eq!(after - before, 33 + 9 + 40, "the handle, the record and the overhead");

    let transfer = || vec![Action::Transfer(TransferAction { deposit: NEAR })];
    let classic = env.sign(&alice, &bob, transfer()).unwrap();
    let classic = env.execute(classic, 10).unwrap();
    let signed = env.sign_with_key(&pq, &alice, &bob, transfer()).unwrap();
    let post_quantum = env.execute(signed.clone(), 10).unwrap();
    assert!(post_quantum.is_success(), "{:?}", post_quantum.status);
    let verification = env.config().fees.ml_dsa_65_verification_cost.gas;
    assert_eq!(post_quantum.transaction.outcome.gas_burnt, classic.transaction.outcome.gas_burnt + verification);

    // A signature that does not verify is refused before anything is charged.
    let mut forged = env.sign_with_key(&pq, &alice, &bob, transfer()).unwrap();
    forged.signature = signed.signature.clone();
    let refused = env.execute(forged, 10).unwrap();
    assert_eq!(invalid(&refused.status), &InvalidTxError::InvalidSignature);
}
