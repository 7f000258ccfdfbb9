//! NEP-481 benchmarks: a parent-driven yield+resume round trip, starting a cached submodule,
//! and the gas charged per round trip. Results: docs/benchmarks.md.
#![allow(missing_docs, reason = "criterion_group! generates undocumented functions")]

use criterion::{Criterion, criterion_group, criterion_main};
use near_parameters::RuntimeConfig;
use near_primitives::crypto::SecretKey;
use near_vm_runner::ContractRunner;
use near_vm_runner::engine::Compiler;
use near_vm_runner::logic::mocks::MockedExternal;
use near_vm_runner::logic::{VMContext, VMOutcome};

const ROUND_TRIPS: u64 = 1_000;

/// The call's context, built once: deriving the signer key is not part of what is measured.
fn context() -> VMContext {
    static CONTEXT: std::sync::OnceLock<VMContext> = std::sync::OnceLock::new();
    CONTEXT.get_or_init(build_context).clone()
}

fn build_context() -> VMContext {
    VMContext {
        current_account_id: "alice.near".parse().unwrap(),
        signer_account_id: "bob.near".parse().unwrap(),
        signer_account_pk: SecretKey::from_seed("bob.near").public_key(),
        predecessor_account_id: "bob.near".parse().unwrap(),
        refund_to_account_id: None,
        input: vec![],
        promise_results: vec![],
        block_height: 1,
        block_timestamp: 1,
        epoch_height: 1,
        account_balance: 1,
        account_locked_balance: 0,
        storage_usage: 100,
        attached_deposit: 0,
        prepaid_gas: 300_000_000_000_000,
        random_seed: vec![],
        view_config: None,
        output_data_receivers: vec![],
    }
}

/// Yields 8 bytes forever.
const CHILD: &str = r#"(module
  (import "env" "callback" (func $cb (param i64 i64)))
  (memory 1)
  (func (export "main") (loop $l (call $cb (i64.const 8) (i64.const 0)) (br $l))))"#;

/// `start`: starts the child; `trips`: starts it and resumes it `ROUND_TRIPS` times with 8
/// bytes; `empty`: nothing.
fn parent() -> Vec<u8> {
    wat::parse_str(format!(
        r#"(module
  (import "env" "start_submodule" (func $start (param i64 i64 i64 i64) (result i64)))
  (import "env" "resume_submodule" (func $resume (param i64 i64 i64 i64 i64) (result i64)))
  (memory 1)
  (data (i32.const 0) "k")
  (func (export "empty"))
  (func (export "start") (drop (call $start (i64.const 1) (i64.const 0) (i64.const 100000000000000) (i64.const 0))))
  (func (export "trips") (local $i i64)
    (drop (call $start (i64.const 1) (i64.const 0) (i64.const 100000000000000) (i64.const 0)))
    (loop $l
      (drop (call $resume (i64.const 1) (i64.const 0) (i64.const 8) (i64.const 16) (i64.const 0)))
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br_if $l (i64.lt_u (local.get $i) (i64.const {ROUND_TRIPS}))))))"#
    ))
    .unwrap()
}

fn bench_submodules(c: &mut Criterion) {
    let config = RuntimeConfig::mainnet();
    let runner = ContractRunner::new(Compiler::Winch).unwrap();
    let code = parent();
    let run = |method: &str| -> VMOutcome {
        let mut ext = MockedExternal::default();
        ext.submodules.insert(b"k".to_vec(), wat::parse_str(CHILD).unwrap());
        let (outcome, _) = runner.run(&code, method, Box::new(ext), context(), &config).unwrap();
        assert_eq!(outcome.aborted, None);
        outcome
    };
    let started = run("start");
    let tripped = run("trips");
    eprintln!(
        "gas: start (cached) {} ; per round trip (8 bytes each way) {}",
        started.burnt_gas - run("empty").burnt_gas,
        (tripped.burnt_gas - started.burnt_gas) / ROUND_TRIPS
    );
    let mut group = c.benchmark_group("submodules");
    group.sample_size(20);
    group.bench_function("empty_call", |b| b.iter(|| run("empty")));
    group.bench_function("start_cached_child", |b| b.iter(|| run("start")));
    group.bench_function("start_and_1000_round_trips", |b| b.iter(|| run("trips")));
    group.finish();
}

criterion_group!(benches, bench_submodules);
criterion_main!(benches);
