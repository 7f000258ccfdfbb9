//! Random modules (wasm-smith, restricted to protocol 88's features, importing nearcore `env`
//! functions) through preparation and every exported function, on Winch and on Cranelift:
//! never a panic or a node fault, gas never above the prepaid amount, and both compilers give
//! the same outcome and gas. `FUZZ_ITERATIONS` sets how many modules (CI: the default; longer
//! runs: `scripts/fuzz.sh`); `FUZZ_SEED` the first seed; `FUZZ_DUMP_DIR` a directory to write
//! every generated module to (for `scripts/nearcore-diff-smith.sh`).

use crate::context;
use arbitrary::Unstructured;
use near_parameters::RuntimeConfig;
use near_vm_runner::ContractRunner;
use near_vm_runner::engine::Compiler;
use near_vm_runner::logic::mocks::MockedExternal;
use rand::{RngCore, SeedableRng};
use std::collections::BTreeMap;

/// The `env` functions generated modules may import (nearcore's signatures).
const ENV: &str = r#"(module
    (import "env" "input" (func (param i64)))
    (import "env" "register_len" (func (param i64) (result i64)))
    (import "env" "read_register" (func (param i64 i64)))
    (import "env" "write_register" (func (param i64 i64 i64)))
    (import "env" "value_return" (func (param i64 i64)))
    (import "env" "log_utf8" (func (param i64 i64)))
    (import "env" "panic" (func))
    (import "env" "panic_utf8" (func (param i64 i64)))
    (import "env" "abort" (func (param i32 i32 i32 i32)))
    (import "env" "used_gas" (func (result i64)))
    (import "env" "prepaid_gas" (func (result i64)))
    (import "env" "sha256" (func (param i64 i64 i64)))
    (import "env" "storage_write" (func (param i64 i64 i64 i64 i64) (result i64)))
    (import "env" "storage_read" (func (param i64 i64 i64) (result i64)))
    (import "env" "storage_remove" (func (param i64 i64 i64) (result i64)))
    (import "env" "storage_has_key" (func (param i64 i64) (result i64)))
    (import "env" "promise_batch_create" (func (param i64 i64) (result i64)))
    (import "env" "promise_batch_action_transfer" (func (param i64 i64)))
    (import "env" "promise_return" (func (param i64)))
    (import "env" "promise_results_count" (func (result i64)))
    (import "env" "promise_yield_create" (func (param i64 i64 i64 i64 i64 i64 i64) (result i64)))
    (import "env" "promise_yield_resume" (func (param i64 i64 i64 i64) (result i32)))
)"#;

/// The generator's settings. Reference types only for one seed in four: wasmparser counts
/// `funcref`/`externref` values as GC types, which protocol 88 (like nearcore, `gc_types:
/// false`) rejects, so most such modules stop at preparation.
/// The methods every generated module exports (so calls reach execution).
const EXPORTS: &str = r#"(module (func (export "main")) (func (export "other")) (func (export "third")))"#;

fn config(reference_types: bool) -> wasm_smith::Config {
    wasm_smith::Config {
        reference_types_enabled: reference_types,
        available_imports: Some(wat::parse_str(ENV).unwrap()),
        exports: Some(wat::parse_str(EXPORTS).unwrap()),
        allow_start_export: true,
        multi_value_enabled: false,
        simd_enabled: false,
        relaxed_simd_enabled: false,
        threads_enabled: false,
        tail_call_enabled: false,
        exceptions_enabled: false,
        gc_enabled: false,
        memory64_enabled: false,
        custom_page_sizes_enabled: false,
        wide_arithmetic_enabled: false,
        extended_const_enabled: false,
        max_memories: 1,
        max_tables: 1,
        max_memory32_bytes: 64 << 20,
        max_table_elements: 1_000,
        max_funcs: 20,
        max_instructions: 200,
        ..wasm_smith::Config::default()
    }
}

/// Exported function names of `code`.
fn exports(code: &[u8]) -> Vec<String> {
    let mut names = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(code) {
        if let Ok(wasmparser::Payload::ExportSection(reader)) = payload {
            for export in reader.into_iter().flatten() {
                if export.kind == wasmparser::ExternalKind::Func {
                    names.push(export.name.to_string());
                }
            }
        }
    }
    names
}

/// The error's variant path, without its fields: `CompilationError::PrepareError::Memory`.
pub(crate) fn kind_of(debug: &str) -> String {
    debug
        .split(['(', '{', ')', '}'])
        .map(str::trim)
        .take_while(|part| !part.is_empty() && part.chars().all(|c| c.is_alphanumeric() || c == '_'))
        .collect::<Vec<_>>()
        .join("::")
}

pub(crate) fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[test]
fn random_modules_never_crash_stay_within_gas_and_agree_across_compilers() {
    let iterations = env_u64("FUZZ_ITERATIONS", 120);
    let first_seed = env_u64("FUZZ_SEED", 0);
    let winch = ContractRunner::new(Compiler::Winch).unwrap();
    let cranelift = ContractRunner::new(Compiler::Cranelift).unwrap();
    let runtime_config = RuntimeConfig::mainnet();
    let prepaid = 1_000_000_000_000;
    let mut outcomes: BTreeMap<String, u64> = BTreeMap::new();
    let mut calls = 0u64;
    for seed in first_seed..first_seed + iterations {
        let mut bytes = vec![0u8; 8192];
        rand::rngs::StdRng::seed_from_u64(seed).fill_bytes(&mut bytes);
        let Ok(module) = wasm_smith::Module::new(config(seed % 4 == 0), &mut Unstructured::new(&bytes)) else {
            continue;
        };
        let code = module.to_bytes();
        if let Ok(dir) = std::env::var("FUZZ_DUMP_DIR") {
            // For the differential run against nearcore (scripts/nearcore-diff-smith.sh).
            std::fs::write(std::path::Path::new(&dir).join(format!("smith_{seed:05}.wasm")), &code).unwrap();
        }
        for method in exports(&code).into_iter().take(4) {
            let mut context = context();
            context.prepaid_gas = prepaid;
            let run = |runner: &ContractRunner| {
                let ext = Box::new(MockedExternal::default());
                let (outcome, _) = runner
                    .run(&code, &method, ext, context.clone(), &runtime_config)
                    .unwrap_or_else(|fault| panic!("seed {seed}, `{method}`: a node fault: {fault:?}"));
                outcome
            };
            let (on_winch, on_cranelift) = (run(&winch), run(&cranelift));
            assert!(on_winch.burnt_gas <= prepaid && on_winch.used_gas <= prepaid, "seed {seed}: gas above prepaid");
            assert_eq!(on_winch, on_cranelift, "seed {seed}, `{method}`: Winch and Cranelift disagree");
            let kind = match &on_winch.aborted {
                None => "ok".to_string(),
                Some(error) => kind_of(&format!("{error:?}")),
            };
            *outcomes.entry(kind).or_default() += 1;
            calls += 1;
        }
    }
    eprintln!("fuzz: {iterations} seeds from {first_seed}, {calls} calls on both compilers: {outcomes:?}");
    assert!(calls > iterations / 2, "the generator produced too few callable modules");
}
