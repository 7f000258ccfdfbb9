//! NEP-519 end to end: every edge case of docs/nep-519.md through the harness.

use crate::id;
use integration_tests::{FinalStatus, GenesisAccount, NEAR, TestEnv, TxResult};
use near_primitives::action::{Action, FunctionCallAction};
use near_primitives::errors::{ActionErrorKind, FunctionCallError, TxExecutionError};
use near_primitives::hash::CryptoHash;
use near_primitives::transaction::{ExecutionStatus, SignedTransaction};
use serde_json::json;

const GAS: u64 = 300_000_000_000_000;
const TIMEOUT: u64 = near_parameters::config::TEST_CONFIG_YIELD_TIMEOUT_LENGTH;

fn env_with(builder: integration_tests::TestEnvBuilder) -> TestEnv {
    let code = near_test_contracts::yield_nostd().to_vec();
    builder
        .account(GenesisAccount::new(id("alice.near"), 100 * NEAR))
        .account(GenesisAccount::new(id("yielder.near"), 100 * NEAR).with_code(code.clone()))
        .account(GenesisAccount::new(id("other.near"), 100 * NEAR).with_code(code))
        .build()
        .unwrap()
}

fn env() -> TestEnv {
    env_with(TestEnv::builder())
}

fn call(method: &str, args: Vec<u8>) -> Action {
    Action::FunctionCall(Box::new(FunctionCallAction { method_name: method.into(), args, gas: GAS, deposit: 0 }))
}

fn tx(env: &mut TestEnv, receiver: &str, actions: Vec<Action>) -> SignedTransaction {
    env.sign(&id("alice.near"), &id(receiver), actions).unwrap()
}

/// Submits in one block and runs one more so the receipt executes; returns the hash.
fn submit(env: &mut TestEnv, receiver: &str, actions: Vec<Action>) -> CryptoHash {
    let signed = tx(env, receiver, actions);
    let hash = signed.get_hash();
    env.produce_block(&[signed]).unwrap();
    env.produce_block(&[]).unwrap();
    hash
}

fn result(env: &TestEnv, hash: &CryptoHash) -> TxResult {
    env.tx_result(hash).expect("the transaction was included")
}

/// The value of the first receipt (the called method), whatever its promise returned.
fn first_value(env: &TestEnv, hash: &CryptoHash) -> Vec<u8> {
    let result = result(env, hash);
    match &result.receipts.first().expect("the receipt ran").outcome.status {
        ExecutionStatus::SuccessValue(value) => value.clone(),
        other => panic!("expected a value, got {other:?}"),
    }
}

fn resume_args(data_id: &[u8], payload: &[u8]) -> Vec<u8> {
    [&[u8::try_from(data_id.len()).expect("ids are short")][..], data_id, payload].concat()
}

fn create_yield(env: &mut TestEnv, receiver: &str) -> (CryptoHash, Vec<u8>) {
    let hash = submit(env, receiver, vec![call("call_yield_create_return_data_id", vec![])]);
    let data_id = first_value(env, &hash);
    assert_eq!(data_id.len(), 32);
    (hash, data_id)
}

fn status(env: &TestEnv, contract: &str) -> String {
    String::from_utf8(env.view(&id(contract), "read_status", &[]).unwrap().result).unwrap()
}

fn run_until_idle(env: &mut TestEnv) {
    for _ in 0..3 * TIMEOUT {
        if !env.has_pending_work().unwrap() {
            return;
        }
        env.produce_block(&[]).unwrap();
    }
}

fn host_error(result: &TxResult) -> String {
    match &result.status {
        FinalStatus::Failure(TxExecutionError::ActionError(error)) => match &error.kind {
            ActionErrorKind::FunctionCallError(FunctionCallError::ExecutionError(message)) => message.clone(),
            other => panic!("expected an execution error, got {other:?}"),
        },
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[test]
fn create_then_resume_delivers_the_payload() {
    let mut env = env();
    let (create, data_id) = create_yield(&mut env, "yielder.near");
    assert!(!result(&env, &create).complete, "the callback waits");
    let resume = submit(&mut env, "yielder.near", vec![call("call_yield_resume", resume_args(&data_id, b"hello"))]);
    assert_eq!(first_value(&env, &resume), vec![1]);
    run_until_idle(&mut env);
    assert_eq!(status(&env, "yielder.near"), "Resumed hello");
    let create = result(&env, &create);
    assert!(create.complete);
    let callback = create
        .receipts
        .iter()
        .find(|r| r.outcome.executor_id.as_str() == "yielder.near" && r.id != create.receipts[0].id)
        .unwrap();
    assert_eq!(callback.outcome.status, ExecutionStatus::SuccessValue(b"Resumed hello".to_vec()));
}

#[test]
fn create_and_resume_in_one_call() {
    let mut env = env();
    let result = env
        .call(&id("alice.near"), &id("yielder.near"), "call_yield_create_and_resume")
        .args(vec![7; 16])
        .gas(GAS)
        .transact()
        .unwrap();
    assert_eq!(result.value(), Some(&[16u8][..]), "{:?}", result.status);
}

#[test]
fn resume_without_a_yield_or_with_an_unknown_id_returns_zero() {
    let mut env = env();
    let unknown = submit(&mut env, "yielder.near", vec![call("call_yield_resume", resume_args(&[9; 32], b"x"))]);
    assert_eq!(first_value(&env, &unknown), vec![0]);
}

#[test]
fn resume_with_a_malformed_id_fails() {
    let mut env = env();
    let malformed = env
        .call(&id("alice.near"), &id("yielder.near"), "call_yield_resume")
        .args(resume_args(&[9; 31], b"x"))
        .transact()
        .unwrap();
    assert!(host_error(&malformed) == "yield resumption token is malformed", "{:?}", malformed.status);
}

#[test]
fn double_resume_delivers_only_the_first_payload() {
    let mut env = env();
    let (_, data_id) = create_yield(&mut env, "yielder.near");
    let first = tx(&mut env, "yielder.near", vec![call("call_yield_resume", resume_args(&data_id, b"first"))]);
    let second = tx(&mut env, "yielder.near", vec![call("call_yield_resume", resume_args(&data_id, b"second"))]);
    let hashes = [first.get_hash(), second.get_hash()];
    env.produce_block(&[first, second]).unwrap();
    run_until_idle(&mut env);
    // Both are accepted while the yield is pending; only the first payload arrives.
    assert_eq!(first_value(&env, &hashes[0]), vec![1]);
    assert_eq!(first_value(&env, &hashes[1]), vec![1]);
    assert_eq!(status(&env, "yielder.near"), "Resumed first");
    // Once consumed, the yield is gone.
    let late = submit(&mut env, "yielder.near", vec![call("call_yield_resume", resume_args(&data_id, b"late"))]);
    assert_eq!(first_value(&env, &late), vec![0]);
}

#[test]
fn timeout_gives_the_callback_a_failed_result() {
    let mut env = env();
    let (create, _) = create_yield(&mut env, "yielder.near");
    let created_at = env.height();
    while status(&env, "yielder.near").is_empty() {
        env.produce_block(&[]).unwrap();
        assert!(env.height() <= created_at + TIMEOUT + 2, "the timeout fires");
    }
    // Created at `created_at`, expires at `created_at + 10`: the timeout is emitted at the
    // end of that chunk and the callback runs in the next.
    assert_eq!(env.height(), created_at + TIMEOUT + 1);
    assert_eq!(status(&env, "yielder.near"), "Timeout ");
    // The callback's gas refund arrives one block later.
    env.produce_block(&[]).unwrap();
    assert!(result(&env, &create).complete);
}

fn resume_at(offset_from_expiry: i64) -> String {
    let mut env = env();
    let (_, data_id) = create_yield(&mut env, "yielder.near");
    let expires_at = env.height() + TIMEOUT;
    // The resume transaction's receipt runs one block after the transaction.
    let run_at = (expires_at as i64 + offset_from_expiry) as u64;
    while env.height() + 2 < run_at {
        env.produce_block(&[]).unwrap();
    }
    let resume = tx(&mut env, "yielder.near", vec![call("call_yield_resume", resume_args(&data_id, b"late"))]);
    env.produce_block(&[resume]).unwrap();
    run_until_idle(&mut env);
    status(&env, "yielder.near")
}

#[test]
fn resume_just_before_the_timeout_wins() {
    assert_eq!(resume_at(-1), "Resumed late");
}

#[test]
fn resume_in_the_chunk_of_the_timeout_wins() {
    // The resume runs among the chunk's receipts, the timeout pass after them: the payload
    // is sent first and the timeout's copy finds the status `ResumeInitiated` and is dropped.
    assert_eq!(resume_at(0), "Resumed late");
}

#[test]
fn resume_after_the_timeout_was_delivered_returns_zero() {
    let mut env = env();
    let (_, data_id) = create_yield(&mut env, "yielder.near");
    run_until_idle(&mut env);
    assert_eq!(status(&env, "yielder.near"), "Timeout ");
    let late = submit(&mut env, "yielder.near", vec![call("call_yield_resume", resume_args(&data_id, b"late"))]);
    assert_eq!(first_value(&env, &late), vec![0]);
}

#[test]
fn timeout_under_congestion_still_fires() {
    // A chunk limit that one burn-heavy receipt exhausts: receipts queue up in the delayed
    // queue and the timeout pass waits for compute, but every yield still times out.
    let mut env = env_with(TestEnv::builder().gas_limit(20_000_000_000_000));
    let (create, _) = create_yield(&mut env, "yielder.near");
    let mut busy = Vec::new();
    for _ in 0..30 {
        busy.push(tx(&mut env, "other.near", vec![call("call_yield_create_return_data_id", vec![])]));
    }
    env.produce_block(&busy).unwrap();
    let mut saw_delayed = false;
    for _ in 0..200 {
        let block = env.produce_block(&[]).unwrap();
        saw_delayed |= block.delayed_receipts > 0;
        if !env.has_pending_work().unwrap() && result(&env, &create).complete {
            break;
        }
    }
    assert!(saw_delayed);
    assert_eq!(status(&env, "yielder.near"), "Timeout ");
    run_until_idle(&mut env);
    assert_eq!(status(&env, "other.near"), "Timeout ");
}

#[test]
fn yield_and_resume_transactions_in_the_same_block() {
    let mut env = env();
    // The yield stores its data id; the resume reads it from storage. Both receipts run in the
    // same chunk, the yield first: the resume sees it pending.
    let create = tx(&mut env, "yielder.near", vec![call("call_yield_create_return_promise", b"same".to_vec())]);
    let resume =
        tx(&mut env, "yielder.near", vec![call("call_yield_resume_read_data_id_from_storage", b"same".to_vec())]);
    let hashes = [create.get_hash(), resume.get_hash()];
    env.produce_block(&[create, resume]).unwrap();
    run_until_idle(&mut env);
    assert_eq!(result(&env, &hashes[1]).value(), Some(&[1u8][..]));
    assert_eq!(result(&env, &hashes[0]).value(), Some(&[4u8][..]));
}

#[test]
fn yield_then_resume_as_two_actions_of_one_transaction() {
    let mut env = env();
    let actions = vec![
        call("call_yield_create_return_promise", b"pair".to_vec()),
        call("call_yield_resume_read_data_id_from_storage", b"pair".to_vec()),
    ];
    let hash = submit(&mut env, "yielder.near", actions);
    run_until_idle(&mut env);
    let result = result(&env, &hash);
    assert!(result.is_success(), "{:?}", result.status);
    assert_eq!(result.value(), Some(&[1u8][..]), "the last action's value: the resume was accepted");
    let callback_ran = result.receipts.iter().any(|r| r.outcome.status == ExecutionStatus::SuccessValue(vec![4]));
    assert!(callback_ran);
}

#[test]
fn a_failing_middle_action_leaves_no_yield() {
    let mut env = env();
    let actions = vec![
        call("call_yield_create_return_promise", b"gone".to_vec()),
        call("no_such_method", vec![]),
        call("call_yield_resume_read_data_id_from_storage", b"gone".to_vec()),
    ];
    let hash = submit(&mut env, "yielder.near", actions);
    run_until_idle(&mut env);
    let result = result(&env, &hash);
    assert!(result.is_failure());
    assert!(result.complete, "no yield is left waiting");
    assert!(env.view_state(&id("yielder.near"), &42u64.to_le_bytes()).unwrap().is_empty());
    // Nothing times out later either.
    env.produce_blocks(TIMEOUT + 2).unwrap();
    assert_eq!(status(&env, "yielder.near"), "");
}

#[test]
fn resume_from_another_account_returns_zero() {
    let mut env = env();
    let (_, data_id) = create_yield(&mut env, "yielder.near");
    let foreign = submit(&mut env, "other.near", vec![call("call_yield_resume", resume_args(&data_id, b"x"))]);
    assert_eq!(first_value(&env, &foreign), vec![0]);
    run_until_idle(&mut env);
    assert_eq!(status(&env, "yielder.near"), "Timeout ");
}

#[test]
fn payload_limits_and_empty_payload() {
    let limit = usize::try_from(near_parameters::RuntimeConfig::test().wasm_config.limit_config.max_yield_payload_size)
        .unwrap();
    let mut env = env();
    let (_, at_limit) = create_yield(&mut env, "yielder.near");
    let accepted =
        submit(&mut env, "yielder.near", vec![call("call_yield_resume", resume_args(&at_limit, &vec![b'a'; limit]))]);
    assert_eq!(first_value(&env, &accepted), vec![1]);
    run_until_idle(&mut env);
    assert_eq!(status(&env, "yielder.near").len(), 8 + limit);

    let (_, over) = create_yield(&mut env, "yielder.near");
    let rejected = env
        .call(&id("alice.near"), &id("yielder.near"), "call_yield_resume")
        .args(resume_args(&over, &vec![b'a'; limit + 1]))
        .transact()
        .unwrap();
    assert!(host_error(&rejected).starts_with("Yield resume payload is"), "{:?}", rejected.status);

    let (empty_hash, empty) = create_yield(&mut env, "yielder.near");
    let accepted = submit(&mut env, "yielder.near", vec![call("call_yield_resume", resume_args(&empty, b""))]);
    assert_eq!(first_value(&env, &accepted), vec![1]);
    run_until_idle(&mut env);
    let callback = result(&env, &empty_hash).receipts.into_iter().map(|r| r.outcome.status).collect::<Vec<_>>();
    assert!(callback.contains(&ExecutionStatus::SuccessValue(b"Resumed ".to_vec())), "{callback:?}");
}

#[test]
fn one_call_resumes_many_pending_yields() {
    let mut env = env();
    let create = submit(&mut env, "yielder.near", vec![call("call_yield_create_many", vec![20])]);
    let ids = first_value(&env, &create);
    assert_eq!(ids.len(), 20 * 32);
    let args = [&[3u8][..], b"fan", &ids].concat();
    let resume = submit(&mut env, "yielder.near", vec![call("call_yield_resume_many", args)]);
    assert_eq!(first_value(&env, &resume), 20u64.to_le_bytes().to_vec());
    run_until_idle(&mut env);
    let created = result(&env, &create);
    let callbacks = created
        .receipts
        .iter()
        .filter(|r| r.outcome.status == ExecutionStatus::SuccessValue(b"Resumed fan".to_vec()))
        .count();
    assert_eq!(callbacks, 20);
}

#[test]
fn a_promise_chained_after_a_yield_sees_its_result() {
    let mut env = env();
    let create = submit(&mut env, "yielder.near", vec![call("call_yield_then_chain", b"c".to_vec())]);
    let resume =
        submit(&mut env, "yielder.near", vec![call("call_yield_resume_read_data_id_from_storage", b"c".to_vec())]);
    assert_eq!(first_value(&env, &resume), vec![1]);
    run_until_idle(&mut env);
    assert_eq!(result(&env, &create).value(), Some(&b"chained \x01"[..]));
}

#[test]
fn a_timeout_callback_may_return_a_new_promise() {
    let mut env = env();
    let create = submit(&mut env, "yielder.near", vec![call("call_yield_create_callback_promise", vec![])]);
    run_until_idle(&mut env);
    let result = result(&env, &create);
    assert!(result.complete);
    assert_eq!(result.value(), Some(&b"noop"[..]));
}

#[test]
fn with_id_variants() {
    let mut env = env();
    let yield_id = [5u8; 32];
    let create = submit(&mut env, "yielder.near", vec![call("call_yield_create_with_id", yield_id.to_vec())]);
    assert_eq!(first_value(&env, &create), 0u64.to_le_bytes().to_vec());
    // The id is taken while pending.
    let duplicate = submit(&mut env, "yielder.near", vec![call("call_yield_create_with_id", yield_id.to_vec())]);
    assert_eq!(first_value(&env, &duplicate), u64::MAX.to_le_bytes().to_vec());
    // A data-id resume cannot address it by its yield id.
    let wrong_kind = submit(&mut env, "yielder.near", vec![call("call_yield_resume", resume_args(&yield_id, b"x"))]);
    assert_eq!(first_value(&env, &wrong_kind), vec![0]);
    let resume = submit(
        &mut env,
        "yielder.near",
        vec![call("call_yield_resume_with_yield_id", [&yield_id[..], b"by id"].concat())],
    );
    assert_eq!(first_value(&env, &resume), vec![1]);
    run_until_idle(&mut env);
    assert_eq!(status(&env, "yielder.near"), "Resumed by id");
    // Consumed: the id is free again, and resuming it now finds nothing.
    let again =
        submit(&mut env, "yielder.near", vec![call("call_yield_resume_with_yield_id", [&yield_id[..], b"x"].concat())]);
    assert_eq!(first_value(&env, &again), vec![0]);

    let twice = submit(&mut env, "yielder.near", vec![call("call_yield_create_with_id_twice", [6u8; 32].to_vec())]);
    assert_eq!(first_value(&env, &twice), u64::MAX.to_le_bytes().to_vec(), "duplicate in the same call");
    let malformed = env
        .call(&id("alice.near"), &id("yielder.near"), "call_yield_create_with_id")
        .args(vec![1; 31])
        .transact()
        .unwrap();
    assert!(host_error(&malformed) == "yield id is malformed");
}

#[test]
fn chain_signatures_style_sdk_contract() {
    let mut env = TestEnv::builder()
        .account(GenesisAccount::new(id("alice.near"), 100 * NEAR))
        .account(GenesisAccount::new(id("responder.near"), 100 * NEAR))
        .account(
            GenesisAccount::new(id("signer.near"), 100 * NEAR).with_code(near_test_contracts::sdk_signer().to_vec()),
        )
        .build()
        .unwrap();
    let init = env
        .call(&id("signer.near"), &id("signer.near"), "new")
        .args_json(json!({"responder": "responder.near"}))
        .transact()
        .unwrap();
    assert!(init.is_success(), "{:?}", init.status);

    // Answered: the caller gets the signature.
    let sign =
        env.call(&id("alice.near"), &id("signer.near"), "sign").args_json(json!({"payload": "tx-1"})).into_action();
    let signed = env.sign(&id("alice.near"), &id("signer.near"), vec![sign]).unwrap();
    let sign_hash = signed.get_hash();
    env.produce_block(&[signed]).unwrap();
    env.produce_block(&[]).unwrap();
    assert!(env.view_json::<bool>(&id("signer.near"), "is_pending", json!({"request_id": 0})).unwrap());
    let stranger = env
        .call(&id("alice.near"), &id("signer.near"), "respond")
        .args_json(json!({"request_id": 0, "signature": "forged"}))
        .transact()
        .unwrap();
    assert!(stranger.is_failure(), "only the responder may respond");
    let respond = env
        .call(&id("responder.near"), &id("signer.near"), "respond")
        .args_json(json!({"request_id": 0, "signature": "sig-1"}))
        .transact()
        .unwrap();
    assert!(respond.json::<bool>().unwrap());
    run_until_idle(&mut env);
    let answered = result(&env, &sign_hash);
    assert_eq!(answered.json::<String>().unwrap(), "tx-1 signed: sig-1");
    assert!(answered.logs().contains(&"sign request 0: tx-1"));

    // Unanswered: the caller gets a timeout error.
    let unanswered = env
        .call(&id("alice.near"), &id("signer.near"), "sign")
        .args_json(json!({"payload": "tx-2"}))
        .transact()
        .unwrap();
    assert!(host_error(&unanswered).contains("request 1 timed out"), "{:?}", unanswered.status);
    // A late answer finds the yield gone.
    let late = env
        .call(&id("responder.near"), &id("signer.near"), "respond")
        .args_json(json!({"request_id": 1, "signature": "late"}))
        .transact()
        .unwrap();
    assert!(!late.json::<bool>().unwrap());
}
