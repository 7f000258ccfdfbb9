//! Running a method of a contract: prepare and compile (cached), charge loading, link,
//! instantiate, call, and build the outcome.

use crate::cache::{CacheStats, ModuleCache};
use crate::engine::{
    CallError, Compiler, PoolLimits, WasmEngine, bind_gas_global, bounded, call_method, link_instrumentation,
    sync_gas_in,
};
use crate::imports::link_env;
use crate::logic::{External, VMContext, VMLogic, VMOutcome};
use crate::prepare::{
    CONTRACT_MEMORY_EXPORT, CONTRACT_START_EXPORT, ImportPolicy, Metering, prepare_submodule, prepare_with_metering,
};
use crate::submodule::{ChildModule, SubmoduleLoader};
use near_parameters::Config;
use near_parameters::{ExtCosts, RuntimeConfig};
use near_primitives::account::AccountContract;

/// The code an account runs: what kind of contract it is, its sha256 (which keys the module
/// cache; it must be the hash of `code`) and the bytes.
#[derive(Clone, Copy)]
pub struct AccountCode<'a> {
    /// The account's contract (its own code, or a global contract by hash or by account).
    pub contract: &'a AccountContract,
    /// sha256 of `code`.
    pub hash: CryptoHash,
    /// The wasm.
    pub code: &'a [u8],
}
use near_primitives::errors::{CompilationError, FunctionCallError, MethodResolveError};
use near_primitives::hash::CryptoHash;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use wasmtime::{InstancePre, Linker, Module, Store};

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

/// The instance pool contracts run in: 64 instances alive at once (the runtime runs one
/// contract at a time; the rest is for runners shared between threads), memories up to 1 GiB
/// (protocol 88 allows 128 MiB: `max_memory_pages` 2048), 64 KiB kept resident between calls,
/// wasmtime's static bounds (no explicit bounds checks in compiled code). NEP-481 children run
/// on an engine and pool of their own ([`CHILD_POOL`]).
pub const CONTRACT_POOL: PoolLimits = PoolLimits {
    instances: 64,
    max_memory_bytes: 1 << 30,
    keep_resident_bytes: 64 << 10,
    static_bounds: true,
    memories_per_instance: 1,
};

/// The pool NEP-481 children run in (instances, memories and fiber stacks): a parent call has
/// at most `max_live_submodules` (8) children alive, a finished child gives its slot back at
/// once, so 128 slots serve 16 parent calls running at the same time on one runner (the runtime
/// runs one). Exhausting it is a node fault, never a status a contract sees.
pub const CHILD_POOL: PoolLimits = PoolLimits {
    instances: 128,
    max_memory_bytes: 1 << 30,
    keep_resident_bytes: 64 << 10,
    static_bounds: true,
    memories_per_instance: 1,
};

/// Runs contracts on one engine with an in-memory compiled-module cache.
pub struct ContractRunner {
    engine: WasmEngine,
    /// The engine NEP-481 children run on ([`CHILD_POOL`]).
    child_engine: WasmEngine,
    /// Compiled children pre-linked against the child imports (by compiled-module cache key).
    child_linked: Arc<Mutex<HashMap<CryptoHash, ChildModule>>>,
    cache: Arc<ModuleCache>,
    /// The last VM config seen and its hash. Holding the `Arc` keeps its address from being
    /// reused, so `Arc::ptr_eq` identifies the same config.
    config_hash: Mutex<Option<(Arc<Config>, [u8; 32])>>,
    /// The `env` and instrumentation imports, linked once per VM config (by its hash).
    linkers: Mutex<HashMap<[u8; 32], Linker<VMLogic>>>,
    /// Compiled contracts pre-linked against them (by compiled-module cache key): a call only
    /// instantiates.
    linked: Mutex<HashMap<CryptoHash, InstancePre<VMLogic>>>,
    /// How contracts and their submodules are metered (inline unless a test or benchmark asks
    /// for the host-call reference).
    metering: Metering,
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
        ContractRunner::with_pools(compiler, cache_dir, CONTRACT_POOL, CHILD_POOL)
    }

    /// A runner with instance pools other than [`CONTRACT_POOL`] and [`CHILD_POOL`]: fewer
    /// slots reserve less address space (the parameter estimator runs under valgrind, which
    /// cannot map the default pools); the compiled code is the same as long as `static_bounds`
    /// is.
    ///
    /// # Errors
    /// When the engine cannot be configured on this machine, or the pools cannot be reserved.
    pub fn with_pools(
        compiler: Compiler,
        cache_dir: Option<PathBuf>,
        contract_pool: PoolLimits,
        child_pool: PoolLimits,
    ) -> Result<ContractRunner, VMRunnerError> {
        let engine = WasmEngine::pooled(compiler, contract_pool).map_err(VMRunnerError::EngineFault)?;
        let child_engine = WasmEngine::pooled(compiler, child_pool).map_err(VMRunnerError::EngineFault)?;
        Ok(ContractRunner {
            engine,
            child_engine,
            child_linked: Arc::new(Mutex::new(HashMap::new())),
            cache: Arc::new(ModuleCache::new(cache_dir)),
            config_hash: Mutex::new(None),
            linkers: Mutex::new(HashMap::new()),
            linked: Mutex::new(HashMap::new()),
            metering: Metering::Inline,
        })
    }

    /// This runner, metering as `metering` says (compiled modules are cached per metering).
    /// [`Metering::HostCalls`] is the reference the inline metering is tested and benchmarked
    /// against: the same gas, a host call per gas point.
    pub fn with_metering(mut self, metering: Metering) -> ContractRunner {
        self.metering = metering;
        self
    }

    /// Cache hits and compilations so far.
    pub fn cache_stats(&self) -> CacheStats {
        self.cache.stats()
    }

    fn module(
        &self,
        code_hash: CryptoHash,
        code: &[u8],
        config: &RuntimeConfig,
    ) -> Result<(CryptoHash, Module), CompilationError> {
        let key = ModuleCache::key_of_hash(&self.engine, code_hash, self.module_key_hash(&config.wasm_config));
        self.cache.get_or_compile(&self.engine, key, || self.compile(code, config)).map(|module| (key, module))
    }

    /// `module` pre-linked against the imports of `config` (cached by `key`).
    ///
    /// # Errors
    /// `Ok(Err(LinkError))` for an import the table does not have (or with another type);
    /// `Err` when the imports cannot be defined (a node fault).
    fn pre_linked(
        &self,
        key: CryptoHash,
        module: &Module,
        config: &RuntimeConfig,
    ) -> Result<Result<InstancePre<VMLogic>, FunctionCallError>, VMRunnerError> {
        if let Some(pre) = self.linked.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
            return Ok(Ok(pre.clone()));
        }
        let config_hash = self.vm_config_hash(&config.wasm_config);
        let mut linkers = self.linkers.lock().unwrap_or_else(|p| p.into_inner());
        let linker = match linkers.entry(config_hash) {
            std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
            std::collections::hash_map::Entry::Vacant(entry) => {
                let engine_fault = |e: wasmtime::Error| VMRunnerError::EngineFault(e.to_string());
                let mut linker = Linker::new(self.engine.inner());
                link_instrumentation(&mut linker).map_err(engine_fault)?;
                link_env(&mut linker, &config.wasm_config, self.metering).map_err(engine_fault)?;
                entry.insert(linker)
            }
        };
        let pre = match linker.instantiate_pre(module) {
            Ok(pre) => pre,
            Err(error) => return Ok(Err(link_error(&error))),
        };
        drop(linkers);
        self.linked.lock().unwrap_or_else(|p| p.into_inner()).insert(key, pre.clone());
        Ok(Ok(pre))
    }

    /// What, beside the code, identifies a compiled contract: the VM config and the metering.
    fn module_key_hash(&self, config: &Arc<Config>) -> [u8; 32] {
        let mut hash = self.vm_config_hash(config);
        if self.metering == Metering::HostCalls {
            hash[1] ^= 0x4d; // a key space of its own: the same bytes prepare differently
        }
        hash
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
    /// caches the result under `code_hash` (its sha256, which the caller stores with it), as
    /// `DeploySubmodule` does.
    ///
    /// # Errors
    /// Why the code is not an acceptable submodule.
    pub fn precompile_submodule(
        &self,
        code: &[u8],
        code_hash: CryptoHash,
        config: &RuntimeConfig,
    ) -> Result<(), CompilationError> {
        self.submodule_loader(config).load(code_hash, &mut || Some(code.to_vec())).map(drop)
    }

    fn submodule_loader(&self, config: &RuntimeConfig) -> RunnerSubmoduleLoader {
        let mut namespaced = self.module_key_hash(&config.wasm_config);
        namespaced[0] ^= 0x5b; // a key space of its own: the same bytes prepare differently
        RunnerSubmoduleLoader {
            metering: self.metering,
            engine: self.child_engine.clone(),
            linked: self.child_linked.clone(),
            cache: self.cache.clone(),
            config: config.wasm_config.clone(),
            config_hash: namespaced,
        }
    }

    fn compile_prepared(&self, prepared: &[u8]) -> Result<Module, CompilationError> {
        compile_prepared(&self.engine, prepared)
    }

    fn compile(&self, code: &[u8], config: &RuntimeConfig) -> Result<Module, CompilationError> {
        prepare_with_metering(code, &config.wasm_config, &ImportPolicy::CONTRACT, self.metering)
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
        self.run_with_code_hash(CryptoHash::hash_bytes(code), code, method, ext, context, config)
    }

    /// As [`ContractRunner::run`], for a caller that knows the code's hash (an account's
    /// `code_hash`), which keys the compiled-module cache: no hashing of the code per call.
    /// `code_hash` must be `sha256(code)`; with another, the call may run another contract's
    /// cached module. The code is the account's own (`current_contract_code` reports 1).
    ///
    /// # Errors
    /// As [`ContractRunner::run`].
    pub fn run_with_code_hash(
        &self,
        code_hash: CryptoHash,
        code: &[u8],
        method: &str,
        ext: Box<dyn External>,
        context: VMContext,
        config: &RuntimeConfig,
    ) -> Result<(VMOutcome, Box<dyn External>), VMRunnerError> {
        let contract = AccountContract::Local(code_hash);
        self.run_account_contract(
            AccountCode { contract: &contract, hash: code_hash, code },
            method,
            ext,
            context,
            config,
        )
    }

    /// As [`ContractRunner::run_with_code_hash`], for an account whose contract is `code.contract`
    /// (its own code or a global contract, which `current_contract_code` reports).
    ///
    /// # Errors
    /// As [`ContractRunner::run`].
    pub fn run_account_contract(
        &self,
        code: AccountCode<'_>,
        method: &str,
        ext: Box<dyn External>,
        context: VMContext,
        config: &RuntimeConfig,
    ) -> Result<(VMOutcome, Box<dyn External>), VMRunnerError> {
        let AccountCode { contract, hash: code_hash, code } = code;
        let mut logic = VMLogic::new(context, config.wasm_config.clone(), config.fees.clone(), ext);
        logic.account_contract = contract.clone();
        if config.wasm_config.submodule_host_functions {
            logic.submodule_loader = Some(Arc::new(self.submodule_loader(config)));
        }
        if method.is_empty() {
            let outcome =
                logic.outcome(Some(FunctionCallError::MethodResolveError(MethodResolveError::MethodEmptyName)));
            return Ok((outcome, logic.into_external()));
        }
        let (key, module) = match self.module(code_hash, code, config) {
            Ok(found) => found,
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
        let pre = match self.pre_linked(key, &module, config)? {
            Ok(pre) => pre,
            Err(error) => {
                let outcome = logic.outcome(Some(error));
                return Ok((outcome, logic.into_external()));
            }
        };
        // As nearcore (protocol 88): a method that cannot be called costs nothing, not even the
        // loading just charged.
        if let Some(error) = method_resolve_error(&module, method) {
            let outcome = logic.nop_outcome(FunctionCallError::MethodResolveError(error));
            return Ok((outcome, logic.into_external()));
        }
        let mut store = Store::new(self.engine.inner(), logic);
        let aborted = instantiate_and_call(&mut store, &pre, method)?;
        let logic = store.into_data();
        let outcome = logic.outcome(aborted);
        Ok((outcome, logic.into_external()))
    }
}

/// Instantiates a pre-linked contract, hands its memory and gas global to the host, runs its
/// start function (moved to an export by preparation), calls `method`, and burns on the host
/// the gas the module burnt since its last host call.
fn instantiate_and_call(
    store: &mut Store<VMLogic>,
    pre: &InstancePre<VMLogic>,
    method: &str,
) -> Result<Option<FunctionCallError>, VMRunnerError> {
    let instance = match pre.instantiate(&mut *store) {
        Ok(instance) => instance,
        Err(error) => return instantiation_failure(&error),
    };
    bind_gas_global(store, &instance).map_err(|e| VMRunnerError::EngineFault(e.to_string()))?;
    let aborted = start_and_call(store, &instance, method)?;
    match sync_gas_in(&mut *store) {
        Err(error) if aborted.is_none() => Ok(Some(FunctionCallError::HostError(error))),
        _ => Ok(aborted),
    }
}

/// Runs the moved start function, then `method`.
fn start_and_call(
    store: &mut Store<VMLogic>,
    instance: &wasmtime::Instance,
    method: &str,
) -> Result<Option<FunctionCallError>, VMRunnerError> {
    let instance = *instance;
    let memory = instance
        .get_memory(&mut *store, CONTRACT_MEMORY_EXPORT)
        .ok_or_else(|| VMRunnerError::EngineFault("a prepared contract exports no memory".into()))?;
    store.data_mut().memory = Some(memory);
    let outcome = |result: Result<(), CallError>| match result {
        Ok(()) => Ok(None),
        Err(CallError::Guest(error)) => Ok(Some(error)),
        Err(CallError::Node(fault)) => Err(VMRunnerError::ExternalFault(fault)),
    };
    if instance.get_func(&mut *store, CONTRACT_START_EXPORT).is_some() {
        let started = outcome(call_method(store, &instance, CONTRACT_START_EXPORT))?;
        if started.is_some() {
            return Ok(started);
        }
    }
    // `method` was resolved before loading (`method_resolve_error`, which also refuses the
    // reserved NUL-prefixed names).
    outcome(call_method(store, &instance, method))
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

/// A contract that does not link, with nearcore's text: a fixed one for an import the table does
/// not have, wasmtime's for anything else (an import of another type).
fn link_error(error: &wasmtime::Error) -> FunctionCallError {
    let msg = if error.is::<wasmtime::UnknownImportError>() {
        "unknown or invalid import".to_string()
    } else {
        bounded(&error.to_string())
    };
    FunctionCallError::LinkError { msg }
}

/// Why `method` of a compiled contract cannot be called: not an export of type `[] -> []`, or
/// one of the names preparation reserves.
fn method_resolve_error(module: &Module, method: &str) -> Option<MethodResolveError> {
    if method.starts_with('\u{0}') {
        return Some(MethodResolveError::MethodNotFound);
    }
    match module.get_export(method) {
        Some(wasmtime::ExternType::Func(ty)) if ty.params().len() == 0 && ty.results().len() == 0 => None,
        Some(wasmtime::ExternType::Func(_)) => Some(MethodResolveError::MethodInvalidSignature),
        _ => Some(MethodResolveError::MethodNotFound),
    }
}

fn logic_pay_loading(logic: &mut VMLogic, code_len: u64) -> Result<(), near_primitives::errors::HostError> {
    logic.gas_counter.pay_base(ExtCosts::contract_loading_base)?;
    logic.gas_counter.pay_per(ExtCosts::contract_loading_bytes, code_len)?;
    Ok(())
}

fn compile_prepared(engine: &WasmEngine, prepared: &[u8]) -> Result<Module, CompilationError> {
    engine.compile(prepared).map_err(|e| match e {
        FunctionCallError::CompilationError(c) => c,
        other => CompilationError::WasmerCompileError { msg: bounded(&other.to_string()) },
    })
}

/// Loads submodules for a parent's `start_submodule`: prepared with the submodule rules,
/// compiled once per code and config, cached with the contracts, linked once.
struct RunnerSubmoduleLoader {
    metering: Metering,
    engine: WasmEngine,
    linked: Arc<Mutex<HashMap<CryptoHash, ChildModule>>>,
    cache: Arc<ModuleCache>,
    config: Arc<Config>,
    config_hash: [u8; 32],
}

impl SubmoduleLoader for RunnerSubmoduleLoader {
    fn load(
        &self,
        code_hash: CryptoHash,
        code: &mut dyn FnMut() -> Option<Vec<u8>>,
    ) -> Result<ChildModule, CompilationError> {
        let key = ModuleCache::key_of_hash(&self.engine, code_hash, self.config_hash);
        if let Some(child) = self.linked.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
            return Ok(child.clone());
        }
        let module = self.cache.get_or_compile(&self.engine, key, || {
            let code = code().ok_or_else(|| CompilationError::WasmerCompileError {
                msg: "submodule code missing from state".into(),
            })?;
            let prepared =
                prepare_submodule(&code, &self.config, self.metering).map_err(CompilationError::PrepareError)?;
            compile_prepared(&self.engine, &prepared.code)
        })?;
        let child = ChildModule::link(&module, self.metering)
            .map_err(|e| CompilationError::WasmerCompileError { msg: bounded(&format!("{e:#}")) })?;
        self.linked.lock().unwrap_or_else(|p| p.into_inner()).insert(key, child.clone());
        Ok(child)
    }
}
