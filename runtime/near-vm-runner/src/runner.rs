//! Running a method of a contract: prepare and compile (cached), charge loading, link,
//! instantiate, call, and build the outcome.

use crate::cache::{CacheStats, ModuleCache};
use crate::engine::{CallError, Compiler, WasmEngine, bounded, call_method, link_instrumentation};
use crate::imports::link_env;
use crate::logic::{External, VMContext, VMLogic, VMOutcome};
use crate::prepare::{prepare_contract, prepare_submodule};
use crate::submodule::SubmoduleLoader;
use near_parameters::Config;
use near_parameters::{ExtCosts, RuntimeConfig};
use near_primitives::errors::{CompilationError, FunctionCallError};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use wasmtime::{Linker, Module, Store};

/// A fault of the node during a run (never recorded as a contract outcome).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VMRunnerError {
    /// The chain state behind `External` failed.
    #[error("external fault: {0}")]
    ExternalFault(String),
    /// The engine failed in a way no contract can cause.
    #[error("engine fault: {0}")]
    EngineFault(String),
}

/// Runs contracts on one engine with an in-memory compiled-module cache.
pub struct ContractRunner {
    engine: WasmEngine,
    cache: Arc<ModuleCache>,
    /// The last VM config seen and its hash. Holding the `Arc` keeps its address from being
    /// reused, so `Arc::ptr_eq` identifies the same config.
    config_hash: Mutex<Option<(Arc<Config>, [u8; 32])>>,
}

impl ContractRunner {
    /// A runner with the given compiler.
    ///
    /// # Errors
    /// When the engine cannot be configured on this machine.
    pub fn new(compiler: Compiler) -> Result<ContractRunner, VMRunnerError> {
        ContractRunner::with_cache(compiler, None)
    }

    /// A runner that also keeps compiled contracts on disk under `cache_dir`.
    ///
    /// # Errors
    /// When the engine cannot be configured on this machine.
    pub fn with_cache(compiler: Compiler, cache_dir: Option<PathBuf>) -> Result<ContractRunner, VMRunnerError> {
        let engine = WasmEngine::new(compiler).map_err(VMRunnerError::EngineFault)?;
        Ok(ContractRunner { engine, cache: Arc::new(ModuleCache::new(cache_dir)), config_hash: Mutex::new(None) })
    }

    /// Cache hits and compilations so far.
    pub fn cache_stats(&self) -> CacheStats {
        self.cache.stats()
    }

    fn module(&self, code: &[u8], config: &RuntimeConfig) -> Result<Module, CompilationError> {
        let key = ModuleCache::key(&self.engine, code, self.vm_config_hash(&config.wasm_config));
        self.cache.get_or_compile(&self.engine, key, || self.compile(code, config))
    }

    /// The VM config's hash, serialized and hashed once per config rather than once per call.
    fn vm_config_hash(&self, config: &Arc<Config>) -> [u8; 32] {
        let mut memo = self.config_hash.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((seen, hash)) = memo.as_ref()
            && Arc::ptr_eq(seen, config)
        {
            return *hash;
        }
        let hash = config.non_crypto_hash();
        *memo = Some((config.clone(), hash));
        hash
    }

    /// Validates a NEP-481 submodule (submodule import set, `main` export), compiles it and
    /// caches the result, as `DeploySubmodule` does.
    ///
    /// # Errors
    /// Why the code is not an acceptable submodule.
    pub fn precompile_submodule(&self, code: &[u8], config: &RuntimeConfig) -> Result<(), CompilationError> {
        self.submodule_loader(config).load(code).map(drop)
    }

    fn submodule_loader(&self, config: &RuntimeConfig) -> RunnerSubmoduleLoader {
        let mut namespaced = self.vm_config_hash(&config.wasm_config);
        namespaced[0] ^= 0x5b; // a key space of its own: the same bytes prepare differently
        RunnerSubmoduleLoader {
            engine: self.engine.clone(),
            cache: self.cache.clone(),
            config: config.wasm_config.clone(),
            config_hash: namespaced,
        }
    }

    fn compile_prepared(&self, prepared: &[u8]) -> Result<Module, CompilationError> {
        compile_prepared(&self.engine, prepared)
    }

    fn compile(&self, code: &[u8], config: &RuntimeConfig) -> Result<Module, CompilationError> {
        prepare_contract(code, &config.wasm_config)
            .map_err(CompilationError::PrepareError)
            .and_then(|prepared| self.compile_prepared(&prepared.code))
    }

    /// Runs `method` of `code`. The returned outcome carries the contract's error, if any; the
    /// `External` is handed back so the caller can commit or discard its changes.
    ///
    /// # Errors
    /// Only node faults ([`VMRunnerError`]).
    pub fn run(
        &self,
        code: &[u8],
        method: &str,
        ext: Box<dyn External>,
        context: VMContext,
        config: &RuntimeConfig,
    ) -> Result<(VMOutcome, Box<dyn External>), VMRunnerError> {
        let mut logic = VMLogic::new(context, config.wasm_config.clone(), config.fees.clone(), ext);
        if config.wasm_config.submodule_host_functions {
            logic.submodule_loader = Some(Arc::new(self.submodule_loader(config)));
        }
        let module = match self.module(code, config) {
            Ok(module) => module,
            Err(error) => {
                let outcome = logic.outcome(Some(FunctionCallError::CompilationError(error)));
                return Ok((outcome, logic.into_external()));
            }
        };
        let loading = logic_pay_loading(&mut logic, code.len() as u64);
        if let Err(error) = loading {
            let outcome = logic.outcome(Some(FunctionCallError::HostError(error)));
            return Ok((outcome, logic.into_external()));
        }
        let mut store = Store::new(self.engine.inner(), logic);
        let aborted = self.instantiate_and_call(&mut store, &module, method, config)?;
        let mut logic = store.into_data();
        if aborted.is_none() {
            logic.distribute_unused_gas();
        }
        let outcome = logic.outcome(aborted);
        Ok((outcome, logic.into_external()))
    }

    fn instantiate_and_call(
        &self,
        store: &mut Store<VMLogic>,
        module: &Module,
        method: &str,
        config: &RuntimeConfig,
    ) -> Result<Option<FunctionCallError>, VMRunnerError> {
        let engine_fault = |e: wasmtime::Error| VMRunnerError::EngineFault(e.to_string());
        let mut linker = Linker::new(self.engine.inner());
        link_instrumentation(&mut linker).map_err(engine_fault)?;
        link_env(&mut linker, &config.wasm_config).map_err(engine_fault)?;
        let memory = crate::engine::link_memory(&mut linker, store, &config.wasm_config).map_err(engine_fault)?;
        store.data_mut().memory = Some(memory);
        let instance = match linker.instantiate(&mut *store, module) {
            Ok(instance) => instance,
            Err(error) => return instantiation_failure(&error),
        };
        match call_method(store, &instance, method) {
            Ok(()) => Ok(None),
            Err(CallError::Guest(error)) => Ok(Some(error)),
            Err(CallError::Node(fault)) => Err(VMRunnerError::ExternalFault(fault)),
        }
    }
}

/// Why instantiation failed, as an outcome: a trap or host error in the start function is
/// reported as itself (its text from wasmtime carries an engine-dependent backtrace, which must
/// never reach an outcome); anything else is a `LinkError`; a node fault stays a node fault.
fn instantiation_failure(error: &wasmtime::Error) -> Result<Option<FunctionCallError>, VMRunnerError> {
    if let Some(fault) = error.downcast_ref::<crate::engine::RunnerFault>() {
        return Err(VMRunnerError::ExternalFault(fault.0.clone()));
    }
    if error.downcast_ref::<wasmtime::Trap>().is_some() || error.downcast_ref::<crate::engine::HostTrap>().is_some() {
        return Ok(Some(crate::engine::trap_to_error(error)));
    }
    Ok(Some(FunctionCallError::LinkError { msg: bounded(&format!("{error:#}")) }))
}

fn logic_pay_loading(logic: &mut VMLogic, code_len: u64) -> Result<(), near_primitives::errors::HostError> {
    logic.gas_counter.pay_base(ExtCosts::contract_loading_base)?;
    logic.gas_counter.pay_per(ExtCosts::contract_loading_bytes, code_len)
}

fn compile_prepared(engine: &WasmEngine, prepared: &[u8]) -> Result<Module, CompilationError> {
    engine.compile(prepared).map_err(|e| match e {
        FunctionCallError::CompilationError(c) => c,
        other => CompilationError::WasmerCompileError { msg: bounded(&other.to_string()) },
    })
}

/// Loads submodules for a parent's `start_submodule`: prepared with the submodule rules,
/// compiled once per code and config, cached with the contracts.
struct RunnerSubmoduleLoader {
    engine: WasmEngine,
    cache: Arc<ModuleCache>,
    config: Arc<Config>,
    config_hash: [u8; 32],
}

impl SubmoduleLoader for RunnerSubmoduleLoader {
    fn engine(&self) -> &WasmEngine {
        &self.engine
    }

    fn load(&self, code: &[u8]) -> Result<Module, CompilationError> {
        let key = ModuleCache::key(&self.engine, code, self.config_hash);
        self.cache.get_or_compile(&self.engine, key, || {
            let prepared = prepare_submodule(code, &self.config).map_err(CompilationError::PrepareError)?;
            compile_prepared(&self.engine, &prepared.code)
        })
    }
}
