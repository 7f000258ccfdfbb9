//! The runner: compilation errors, linking, method resolution, pending imports, gas limits.

use crate::{context, run_code, run_wat};
use near_parameters::{ExtCosts, RuntimeConfig};
use near_primitives::errors::{CompilationError, FunctionCallError, HostError, MethodResolveError, PrepareError};
use near_vm_runner::ContractRunner;
use near_vm_runner::engine::Compiler;
use near_vm_runner::imports::IMPLEMENTED_IMPORTS;
use near_vm_runner::logic::mocks::MockedExternal;

#[test]
fn invalid_code_is_a_compilation_error_that_burns_nothing() {
    let ran = run_code(b"\0asm garbage", "f", Box::new(MockedExternal::default()), context());
    assert_eq!(
        ran.outcome.aborted,
        Some(FunctionCallError::CompilationError(CompilationError::PrepareError(PrepareError::Deserialization)))
    );
    assert_eq!(ran.outcome.burnt_gas, 0);
    // Cached: the same answer again.
    let again = run_code(b"\0asm garbage", "f", Box::new(MockedExternal::default()), context());
    assert_eq!(again.outcome.aborted, ran.outcome.aborted);
}

#[test]
fn unknown_imports_are_link_errors_with_nearcores_text() {
    let ran = run_wat(r#"(module (import "env" "no_such_function" (func)) (func (export "f")))"#, "f");
    let Some(FunctionCallError::LinkError { msg }) = &ran.outcome.aborted else { panic!("{:?}", ran.outcome.aborted) };
    assert_eq!(msg, "unknown or invalid import");
    // As on nearcore, loading was charged before linking failed.
    assert!(ran.outcome.burnt_gas > 0);
    let wrong_type = run_wat(r#"(module (import "env" "block_index" (func (param i32))) (func (export "f")))"#, "f");
    assert!(matches!(wrong_type.outcome.aborted, Some(FunctionCallError::LinkError { .. })));
}

/// Found by the fuzz target: a start function that traps came back as a `LinkError` carrying
/// wasmtime's backtrace text, which differs between Winch and Cranelift (an outcome must not
/// depend on the compiler). The trap is reported as itself.
#[test]
fn a_trapping_start_function_reports_the_trap_the_same_on_both_compilers() {
    let code = wat::parse_str(
        r#"(module (memory 1) (func $boom (drop (i32.load (i32.const 100000000)))) (start $boom) (func (export "f")))"#,
    )
    .unwrap();
    let mut outcomes = Vec::new();
    for compiler in [Compiler::Winch, Compiler::Cranelift] {
        let runner = ContractRunner::new(compiler).unwrap();
        let ext = Box::new(MockedExternal::default());
        let (outcome, _) = runner.run(&code, "f", ext, context(), &RuntimeConfig::mainnet()).unwrap();
        assert_eq!(
            outcome.aborted,
            Some(FunctionCallError::WasmTrap(near_primitives::errors::WasmTrap::MemoryOutOfBounds))
        );
        outcomes.push(outcome);
    }
    assert_eq!(outcomes[0], outcomes[1]);
}

#[test]
fn the_import_table_has_no_duplicates() {
    let mut names: Vec<&str> = IMPLEMENTED_IMPORTS.to_vec();
    let count = names.len();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), count);
}

#[test]
fn method_resolution_and_loading_cost() {
    let ran = run_wat(r#"(module (func (export "f")))"#, "absent");
    assert_eq!(ran.outcome.aborted, Some(FunctionCallError::MethodResolveError(MethodResolveError::MethodNotFound)));
    let code = wat::parse_str(r#"(module (func (export "f")))"#).unwrap();
    let ran = run_code(&code, "f", Box::new(MockedExternal::default()), context());
    let costs = &RuntimeConfig::mainnet().wasm_config.ext_costs;
    let loading = costs.gas_cost(ExtCosts::contract_loading_base)
        + code.len() as u64 * costs.gas_cost(ExtCosts::contract_loading_bytes);
    assert_eq!(ran.outcome.burnt_gas, loading + ran.outcome.profile.wasm);
}

#[test]
fn prepaid_gas_bounds_the_call() {
    let mut small = context();
    small.prepaid_gas = 5_000_000_000;
    let code = wat::parse_str(r#"(module (func (export "f") (loop $l (br $l))))"#).unwrap();
    let ran = run_code(&code, "f", Box::new(MockedExternal::default()), small);
    assert_eq!(ran.outcome.aborted, Some(FunctionCallError::HostError(HostError::GasExceeded)));
    assert_eq!(ran.outcome.burnt_gas, 5_000_000_000);
}

#[test]
fn compiled_contracts_persist_on_disk_and_bad_entries_are_recompiled() {
    use near_vm_runner::ContractRunner;
    use near_vm_runner::engine::Compiler;
    let dir = tempfile::tempdir().unwrap();
    let config = RuntimeConfig::mainnet();
    let code = wat::parse_str(r#"(module (func (export "f")))"#).unwrap();
    let run = |runner: &ContractRunner, code: &[u8]| {
        runner.run(code, "f", Box::new(MockedExternal::default()), context(), &config).unwrap().0
    };
    let first = ContractRunner::with_cache(Compiler::Winch, Some(dir.path().to_path_buf())).unwrap();
    assert_eq!(run(&first, &code).aborted, None);
    run(&first, &code);
    run(&first, b"bad");
    let stats = first.cache_stats();
    assert_eq!((stats.compilations, stats.memory_hits, stats.disk_hits), (2, 1, 0));

    // A new process (runner) finds both the module and the cached compilation error on disk.
    let second = ContractRunner::with_cache(Compiler::Winch, Some(dir.path().to_path_buf())).unwrap();
    assert_eq!(run(&second, &code).aborted, None);
    assert!(matches!(run(&second, b"bad").aborted, Some(FunctionCallError::CompilationError(_))));
    assert_eq!(second.cache_stats().disk_hits, 2);
    assert_eq!(second.cache_stats().compilations, 0);

    // Another compiler has another key; corrupt entries are ignored and recompiled.
    let cranelift = ContractRunner::with_cache(Compiler::Cranelift, Some(dir.path().to_path_buf())).unwrap();
    run(&cranelift, &code);
    assert_eq!(cranelift.cache_stats().compilations, 1);
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        std::fs::write(entry.unwrap().path(), b"\0garbage").unwrap();
    }
    let third = ContractRunner::with_cache(Compiler::Winch, Some(dir.path().to_path_buf())).unwrap();
    assert_eq!(run(&third, &code).aborted, None);
    assert_eq!(third.cache_stats().compilations, 1);
}

/// An External whose storage fails: a node fault, which must not become a contract outcome.
struct BrokenExternal;

impl near_vm_runner::logic::External for BrokenExternal {
    fn storage_set(&mut self, _: &[u8], _: &[u8]) -> Result<Option<Vec<u8>>, near_vm_runner::logic::ExternalFault> {
        Err(near_vm_runner::logic::ExternalFault("disk on fire".into()))
    }
    fn storage_get(&self, _: &[u8]) -> Result<Option<Vec<u8>>, near_vm_runner::logic::ExternalFault> {
        Err(near_vm_runner::logic::ExternalFault("disk on fire".into()))
    }
    fn storage_remove(&mut self, _: &[u8]) -> Result<Option<Vec<u8>>, near_vm_runner::logic::ExternalFault> {
        Err(near_vm_runner::logic::ExternalFault("disk on fire".into()))
    }
    fn submit_yield_resume(
        &mut self,
        _: &near_primitives::hash::CryptoHash,
    ) -> Result<bool, near_vm_runner::logic::ExternalFault> {
        Err(near_vm_runner::logic::ExternalFault("disk on fire".into()))
    }
    fn yield_data_id(
        &self,
        _: &near_primitives::hash::CryptoHash,
    ) -> Result<Option<near_primitives::hash::CryptoHash>, near_vm_runner::logic::ExternalFault> {
        Err(near_vm_runner::logic::ExternalFault("disk on fire".into()))
    }
    fn register_yield_id(
        &mut self,
        _: &near_primitives::hash::CryptoHash,
        _: &near_primitives::hash::CryptoHash,
    ) -> Result<(), near_vm_runner::logic::ExternalFault> {
        Err(near_vm_runner::logic::ExternalFault("disk on fire".into()))
    }
    fn generate_data_id(&mut self) -> near_primitives::hash::CryptoHash {
        near_primitives::hash::CryptoHash::default()
    }
    fn validator_stake(
        &self,
        _: &near_primitives::AccountId,
    ) -> Result<Option<u128>, near_vm_runner::logic::ExternalFault> {
        Ok(None)
    }
    fn validator_total_stake(&self) -> Result<u128, near_vm_runner::logic::ExternalFault> {
        Ok(0)
    }
    fn chain_id(&self) -> String {
        "test".to_string()
    }
}

#[test]
fn node_faults_are_runner_errors_never_outcomes() {
    let code = wat::parse_str(
        r#"(module (import "env" "storage_has_key" (func $has (param i64 i64) (result i64)))
             (memory 1) (func (export "f") (drop (call $has (i64.const 1) (i64.const 0)))))"#,
    )
    .unwrap();
    let result = crate::runner().run(&code, "f", Box::new(BrokenExternal), context(), &RuntimeConfig::mainnet());
    assert_eq!(result.err(), Some(near_vm_runner::VMRunnerError::ExternalFault("disk on fire".into())));
}

#[test]
fn a_changed_config_is_a_new_cache_key() {
    use near_vm_runner::ContractRunner;
    use near_vm_runner::engine::Compiler;
    let runner = ContractRunner::new(Compiler::Winch).unwrap();
    let code = wat::parse_str(r#"(module (func (export "f")))"#).unwrap();
    let mut config = RuntimeConfig::mainnet();
    let run = |config: &RuntimeConfig| {
        runner.run(&code, "f", Box::new(MockedExternal::default()), context(), config).unwrap()
    };
    run(&config);
    run(&config);
    assert_eq!((runner.cache_stats().compilations, runner.cache_stats().memory_hits), (1, 1));
    std::sync::Arc::make_mut(&mut config.wasm_config).regular_op_cost += 1;
    run(&config);
    assert_eq!(runner.cache_stats().compilations, 2, "another op cost must not reuse the old artifact");
}
