//! Runner benchmarks: a plain host call, an empty method call on a cached module, preparing +
//! compiling the ~98 KB near-sdk test contract with each compiler, and inline gas metering
//! against the host-call reference on loops and near-sdk calls. Results: docs/benchmarks.md.
#![allow(missing_docs, reason = "criterion_group! generates undocumented functions")]

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use near_parameters::RuntimeConfig;
use near_primitives::crypto::SecretKey;
use near_vm_runner::ContractRunner;
use near_vm_runner::engine::{Compiler, WasmEngine};
use near_vm_runner::logic::VMContext;
use near_vm_runner::logic::mocks::MockedExternal;
use near_vm_runner::prepare::Metering;
use near_vm_runner::prepare_contract;
use std::hint::black_box;

const HOST_CALLS: u64 = 10_000;

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

fn host_calls_module() -> Vec<u8> {
    wat::parse_str(format!(
        r#"(module (import "env" "block_index" (func $bi (result i64)))
             (func (export "calls") (local $i i64)
               (loop $l (drop (call $bi))
                 (local.set $i (i64.add (local.get $i) (i64.const 1)))
                 (br_if $l (i64.lt_u (local.get $i) (i64.const {HOST_CALLS})))))
             (func (export "empty")))"#
    ))
    .unwrap()
}

fn bench_calls(c: &mut Criterion) {
    let config = RuntimeConfig::mainnet();
    let code = host_calls_module();
    let mut group = c.benchmark_group("runner");
    for (name, compiler) in [("winch", Compiler::Winch), ("cranelift", Compiler::Cranelift)] {
        let runner = ContractRunner::new(compiler).unwrap();
        let run = |method: &str| {
            let (outcome, _) =
                runner.run(&code, method, Box::new(MockedExternal::default()), context(), &config).unwrap();
            assert_eq!(outcome.aborted, None);
            outcome
        };
        run("empty");
        group.throughput(Throughput::Elements(1));
        group.bench_function(BenchmarkId::new("empty_method_cached", name), |b| b.iter(|| black_box(run("empty"))));
        group.throughput(Throughput::Elements(HOST_CALLS));
        group.bench_function(BenchmarkId::new("host_call_block_index", name), |b| b.iter(|| black_box(run("calls"))));
    }
    group.finish();
}

fn bench_compile(c: &mut Criterion) {
    let config = RuntimeConfig::mainnet();
    let code = near_test_contracts::sdk_status();
    let mut group = c.benchmark_group("compile_sdk_contract");
    group.sample_size(10);
    group
        .bench_function("prepare_only", |b| b.iter(|| black_box(prepare_contract(code, &config.wasm_config).unwrap())));
    for (name, compiler) in [("winch", Compiler::Winch), ("cranelift", Compiler::Cranelift)] {
        let engine = WasmEngine::new(compiler).unwrap();
        group.bench_function(BenchmarkId::new("prepare_and_compile", name), |b| {
            b.iter(|| {
                let prepared = prepare_contract(code, &config.wasm_config).unwrap();
                black_box(engine.compile(&prepared.code).unwrap())
            })
        });
    }
    group.finish();
}

fn loops_module() -> Vec<u8> {
    let looped = |name: &str, n: u64| {
        format!(
            r#"(func (export "{name}") (local $i i64)
                 (loop $l (local.set $i (i64.add (local.get $i) (i64.const 1)))
                   (br_if $l (i64.lt_u (local.get $i) (i64.const {n})))))"#
        )
    };
    wat::parse_str(format!("(module {} {})", looped("loop_1e3", 1_000), looped("loop_1e5", 100_000))).unwrap()
}

/// The same calls metered inline and with a host call per gas point (the reference), in one run.
fn bench_metering(c: &mut Criterion) {
    let config = RuntimeConfig::mainnet();
    let loops = loops_module();
    let sdk = near_test_contracts::sdk_status();
    let mut group = c.benchmark_group("metering");
    for (compiler_name, compiler) in [("winch", Compiler::Winch), ("cranelift", Compiler::Cranelift)] {
        for (metering_name, metering) in [("inline", Metering::Inline), ("host_calls", Metering::HostCalls)] {
            let runner = ContractRunner::new(compiler).unwrap().with_metering(metering);
            let run_on = |state: &MockedExternal, code: &[u8], method: &str, input: &str| {
                let mut context = context();
                context.input = input.as_bytes().to_vec();
                runner.run(code, method, Box::new(state.clone()), context, &config).unwrap()
            };
            let run =
                |code: &[u8], method: &str, input: &str| run_on(&MockedExternal::default(), code, method, input).0;
            let id = |call: &str| BenchmarkId::new(call, format!("{compiler_name}/{metering_name}"));
            for method in ["loop_1e3", "loop_1e5"] {
                assert_eq!(run(&loops, method, "").aborted, None);
                group.bench_function(id(method), |b| b.iter(|| black_box(run(&loops, method, ""))));
            }
            let (outcome, ext) = run_on(&MockedExternal::default(), sdk, "new", "{}");
            assert_eq!(outcome.aborted, None);
            let any: Box<dyn std::any::Any> = ext;
            let initialized = *any.downcast::<MockedExternal>().unwrap();
            for (method, input) in [("hash", r#"{"text":"abc"}"#), ("set_status", r#"{"message":"hello"}"#)] {
                assert_eq!(run_on(&initialized, sdk, method, input).0.aborted, None);
                let call = format!("sdk_{method}");
                group.bench_function(id(&call), |b| b.iter(|| black_box(run_on(&initialized, sdk, method, input).0)));
            }
        }
    }
    group.finish();
}

criterion_group!(benches, bench_calls, bench_compile, bench_metering);
criterion_main!(benches);
