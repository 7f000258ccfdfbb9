//! NEP-481 through the runtime: deploy/remove actions, storage apart from contract data,
//! the near-sdk "OS" parent serving the no_std "app" submodule.

use crate::id;
use integration_tests::{FinalStatus, GenesisAccount, NEAR, TestEnv};
use near_primitives::action::{Action, DeploySubmoduleAction, RemoveSubmoduleAction};
use near_primitives::errors::{
    ActionErrorKind, ActionsValidationError, CompilationError, InvalidTxError, PrepareError, TxExecutionError,
};
use near_primitives::trie_key::{SubmoduleCodeInfo, TrieKey};
use serde_json::json;

fn env() -> TestEnv {
    TestEnv::builder()
        .account(GenesisAccount::new(id("alice.near"), 100 * NEAR))
        .account(GenesisAccount::new(id("os.near"), 100 * NEAR).with_code(near_test_contracts::sdk_app_os().to_vec()))
        .build()
        .unwrap()
}

fn deploy(key: &[u8], code: &[u8]) -> Action {
    Action::DeploySubmodule(DeploySubmoduleAction { key: key.to_vec(), code: code.to_vec() })
}

fn action_error(status: &FinalStatus) -> &ActionErrorKind {
    match status {
        FinalStatus::Failure(TxExecutionError::ActionError(error)) => &error.kind,
        other => panic!("expected an action error, got {other:?}"),
    }
}

fn run_app(env: &mut TestEnv, key: &str) -> integration_tests::TxResult {
    env.call(&id("alice.near"), &id("os.near"), "run_app")
        .args_json(json!({"key": key}))
        .gas(300_000_000_000_000)
        .transact()
        .unwrap()
}

#[test]
fn deploy_by_transaction_then_the_os_serves_the_app() {
    let mut env = env();
    let app = near_test_contracts::submodule_nostd();
    let before = env.view_account(&id("os.near")).unwrap().unwrap().storage_usage;
    let deployed = env.transact(&id("os.near"), &id("os.near"), vec![deploy(b"app", app)]).unwrap();
    assert!(deployed.is_success(), "{:?}", deployed.status);
    let after = env.view_account(&id("os.near")).unwrap().unwrap().storage_usage;
    let code_record = 3 + app.len() as u64 + 40;
    let info_record = 3 + 40 + 40;
    assert_eq!(after - before, code_record + info_record, "key + value + the per-record overhead, for both records");

    let first = run_app(&mut env, "app");
    assert_eq!(first.json::<String>().unwrap(), "done 1", "{:?}", first.status);
    assert_eq!(first.logs(), vec!["counter is 1"]);
    let second = run_app(&mut env, "app");
    assert_eq!(second.json::<String>().unwrap(), "done 2");
    // The code is not contract data: storage_* (and state views) cannot see it.
    let keys: Vec<Vec<u8>> = env.view_state(&id("os.near"), b"").unwrap().into_iter().map(|(k, _)| k).collect();
    assert!(keys.contains(&b"counter".to_vec()));
    assert!(!keys.iter().any(|k| k == b"app"));
}

#[test]
fn only_the_account_itself_may_deploy_or_remove() {
    let mut env = env();
    let result = env
        .transact(&id("alice.near"), &id("os.near"), vec![deploy(b"app", near_test_contracts::submodule_nostd())])
        .unwrap();
    assert!(matches!(action_error(&result.status), ActionErrorKind::ActorNoPermission { .. }));
    let remove = Action::RemoveSubmodule(RemoveSubmoduleAction { key: b"app".to_vec() });
    let result = env.transact(&id("alice.near"), &id("os.near"), vec![remove]).unwrap();
    assert!(matches!(action_error(&result.status), ActionErrorKind::ActorNoPermission { .. }));
}

#[test]
fn a_forbidden_import_is_rejected_at_deploy() {
    let mut env = env();
    let result =
        env.transact(&id("os.near"), &id("os.near"), vec![deploy(b"bad", near_test_contracts::raw_nostd())]).unwrap();
    match action_error(&result.status) {
        ActionErrorKind::SubmoduleCodeInvalid {
            error: CompilationError::PrepareError(PrepareError::ForbiddenImport { name }),
            ..
        } => {
            assert!(!name.is_empty());
        }
        other => panic!("{other:?}"),
    }
    assert!(env.view_account(&id("os.near")).unwrap().unwrap().storage_usage > 0);
    let missing = run_app(&mut env, "bad");
    assert!(format!("{:?}", missing.status).contains("status 200"), "{:?}", missing.status);
}

#[test]
fn key_length_is_validated_with_the_transaction() {
    let mut env = env();
    let key = vec![b'k'; 65];
    let result = env
        .transact(&id("os.near"), &id("os.near"), vec![deploy(&key, near_test_contracts::submodule_nostd())])
        .unwrap();
    assert!(matches!(
        result.status,
        FinalStatus::Failure(TxExecutionError::InvalidTxError(InvalidTxError::ActionsValidation(
            ActionsValidationError::SubmoduleKeyLengthInvalid { length: 65, limit: 64 }
        )))
    ));
}

#[test]
fn remove_replace_and_delete_account() {
    let mut env = env();
    let app = near_test_contracts::submodule_nostd();
    let base = env.view_account(&id("os.near")).unwrap().unwrap().storage_usage;
    assert!(env.transact(&id("os.near"), &id("os.near"), vec![deploy(b"app", app)]).unwrap().is_success());
    // Deploying over a key replaces it (storage counted once): the code record and the
    // 40-byte code-info record, each with the 40-byte record overhead.
    assert!(env.transact(&id("os.near"), &id("os.near"), vec![deploy(b"app", app)]).unwrap().is_success());
    let expected = base + (3 + app.len() as u64 + 40) + (3 + 40 + 40);
    assert_eq!(env.view_account(&id("os.near")).unwrap().unwrap().storage_usage, expected);
    let info_key = TrieKey::SubmoduleCodeInfo { account_id: id("os.near"), key: b"app".to_vec() };
    let info = env.trie().get(&info_key.to_vec()).unwrap().expect("deploy stores the code info");
    assert_eq!(SubmoduleCodeInfo::from_bytes(&info), Some(SubmoduleCodeInfo::of(app)));
    let remove = || Action::RemoveSubmodule(RemoveSubmoduleAction { key: b"app".to_vec() });
    assert!(env.transact(&id("os.near"), &id("os.near"), vec![remove()]).unwrap().is_success());
    assert_eq!(env.view_account(&id("os.near")).unwrap().unwrap().storage_usage, base);
    let again = env.transact(&id("os.near"), &id("os.near"), vec![remove()]).unwrap();
    assert!(matches!(action_error(&again.status), ActionErrorKind::SubmoduleDoesNotExist { .. }));

    assert!(env.transact(&id("os.near"), &id("os.near"), vec![deploy(b"app", app)]).unwrap().is_success());
    assert!(env.delete_account(&id("os.near"), &id("alice.near")).unwrap().is_success());
    let key = TrieKey::SubmoduleCode { account_id: id("os.near"), key: b"app".to_vec() };
    assert_eq!(env.trie().get(&key.to_vec()).unwrap(), None, "DeleteAccount removes the account's submodules");
    assert_eq!(env.trie().get(&info_key.to_vec()).unwrap(), None, "and their code infos");
}

#[test]
fn an_abandoned_submodule_does_not_harm_the_parent() {
    let mut env = env();
    assert!(
        env.transact(&id("os.near"), &id("os.near"), vec![deploy(b"app", near_test_contracts::submodule_nostd())])
            .unwrap()
            .is_success()
    );
    let result = env
        .call(&id("alice.near"), &id("os.near"), "start_and_abandon")
        .args_json(json!({"key": "app"}))
        .transact()
        .unwrap();
    assert_eq!(result.json::<u64>().unwrap(), 1, "yielded, then dropped with the execution");
    assert_eq!(run_app(&mut env, "app").json::<String>().unwrap(), "done 1");
}
