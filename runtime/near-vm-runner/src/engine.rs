//! The wasmtime engine layer: engine configuration, compilation, and running a prepared module
//! with the instrumentation's `internal` imports and the host's `env.memory`.
//!
//! Nothing NEAR-specific beyond the instrumentation contract lives here: the host state only has
//! to implement [`InstrumentationHost`] (burn gas, say how much may still burn, keep the gas
//! global; [`metering`] keeps the module's inline gas and the host in step), and callers add their
//! own host functions to the `Linker` (`crate::imports` for contracts, `crate::submodule` for
//! NEP-481 children). The engine layer imports nothing from `logic`.

pub mod fiber;
pub mod import_table;
mod metering;
mod traps;

use near_parameters::Config;
use near_primitives::errors::{FunctionCallError, HostError, MethodResolveError};
use wasmtime::{Linker, Memory, MemoryType, Module, Store};

pub use metering::{
    InstrumentationHost, MeteringState, bind_gas_global, gas_after_setup, gas_from_wasm, gas_to_wasm,
    link_instrumentation, sync_gas_in, sync_gas_out,
};
pub use traps::trap_to_error;

/// Which wasmtime compiler to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Compiler {
    /// Winch: single-pass, linear compile time (the default on x86_64).
    #[default]
    Winch,
    /// Cranelift: optimising, slower to compile, faster code.
    Cranelift,
}

/// Bytes of native stack a wasm call may use. finite-wasm's deterministic limit
/// (`max_stack_height`) always triggers first; this is the engine's own backstop.
pub const MAX_NATIVE_WASM_STACK: usize = 1024 * 1024;

/// Bytes of each async fiber stack a NEP-481 submodule runs on: well above the wasm stack
/// backstop ([`MAX_NATIVE_WASM_STACK`]), leaving room for host code on the fiber. Must equal
/// `LimitConfig::submodule_fiber_stack_size` (tested): the engine is shared by all configs.
pub const SUBMODULE_FIBER_STACK_SIZE: usize = 2 * 1024 * 1024;

/// How many instances (each with one memory and one table) a pooled engine holds at once, and
/// how large a memory may grow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolLimits {
    /// Instances alive at the same time (nested calls each hold one).
    pub instances: u32,
    /// Bytes a memory may grow to.
    pub max_memory_bytes: usize,
    /// Bytes at the start of each memory kept mapped between instances and zeroed with a
    /// memset instead of being returned to the kernel (which costs a page fault per page
    /// touched by the next instance).
    pub keep_resident_bytes: usize,
    /// Keep wasmtime's default 4 GiB reservation and guard per slot, so compiled code needs no
    /// explicit bounds checks (fast code, large virtual reservations: for few instances).
    pub static_bounds: bool,
    /// Memories one instance may have (2 for modules with a write map,
    /// `crate::prepare::track_writes`); the pool holds `instances ×` this many.
    pub memories_per_instance: u32,
}

/// A configured wasmtime engine.
#[derive(Clone)]
pub struct WasmEngine {
    engine: wasmtime::Engine,
    compiler: Compiler,
    compatibility_hash: u64,
}

impl WasmEngine {
    /// An engine with deterministic settings: NaN canonicalisation on, only the accepted wasm
    /// features on, no parallel compilation.
    ///
    /// # Errors
    /// When wasmtime rejects the configuration (e.g. Winch on an unsupported target): a node
    /// fault, reported as text.
    pub fn new(compiler: Compiler) -> Result<WasmEngine, String> {
        Self::build(compiler, None)
    }

    /// As [`WasmEngine::new`], with instances, memories and tables taken from a pool set up
    /// once (wasmtime's pooling allocator): instantiation reuses slots instead of mapping and
    /// unmapping memory per call, and a slot's memory is reset copy-on-write. For hosts that
    /// instantiate per call with modules that own their memory.
    ///
    /// # Errors
    /// As [`WasmEngine::new`], and when the pool cannot be reserved.
    pub fn pooled(compiler: Compiler, pool: PoolLimits) -> Result<WasmEngine, String> {
        Self::build(compiler, Some(pool))
    }

    fn build(compiler: Compiler, pool: Option<PoolLimits>) -> Result<WasmEngine, String> {
        let mut config = wasmtime::Config::new();
        config.strategy(match compiler {
            Compiler::Winch => wasmtime::Strategy::Winch,
            Compiler::Cranelift => wasmtime::Strategy::Cranelift,
        });
        config.cranelift_nan_canonicalization(true);
        // Guests cannot use multi-value (preparation validates them without it); inline-metered
        // modules import host functions returning their result and the gas left
        // (`crate::prepare`), which needs it.
        config.wasm_multi_value(true);
        config.wasm_simd(false);
        config.wasm_relaxed_simd(false);
        config.wasm_bulk_memory(true);
        // Guests cannot have a second memory (preparation validates them without it); a write
        // map (`crate::prepare::track_writes`) is one, so only engines pooling two memories per
        // instance enable it.
        config.wasm_multi_memory(pool.is_some_and(|pool| pool.memories_per_instance > 1));
        config.max_wasm_stack(MAX_NATIVE_WASM_STACK);
        // As nearcore's runner: no unwind tables, address maps or backtrace details in compiled
        // code (traps are classified by their code, never by a backtrace): smaller code, faster
        // compiles and loads.
        config.native_unwind_info(false);
        config.generate_address_map(false);
        config.wasm_backtrace_details(wasmtime::WasmBacktraceDetails::Disable);
        config.memory_init_cow(true);
        config.async_stack_size(SUBMODULE_FIBER_STACK_SIZE);
        if let Some(pool) = pool {
            let mut pooling = wasmtime::PoolingAllocationConfig::new();
            pooling
                .total_core_instances(pool.instances)
                .total_memories(pool.instances.saturating_mul(pool.memories_per_instance.max(1)))
                .max_memories_per_module(pool.memories_per_instance.max(1))
                .total_tables(pool.instances)
                .total_stacks(pool.instances)
                .max_memory_size(pool.max_memory_bytes)
                .linear_memory_keep_resident(pool.keep_resident_bytes);
            config.allocation_strategy(wasmtime::InstanceAllocationStrategy::Pooling(pooling));
            if !pool.static_bounds {
                // Each slot reserves only what a memory may grow to (bounds checked explicitly).
                config.memory_reservation(pool.max_memory_bytes as u64);
                config.memory_guard_size(0);
                config.memory_reservation_for_growth(0);
            }
        }
        let engine = wasmtime::Engine::new(&config).map_err(|e| format!("wasmtime engine: {e}"))?;
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        std::hash::Hash::hash(&engine.precompile_compatibility_hash(), &mut hasher);
        let compatibility_hash = std::hash::Hasher::finish(&hasher);
        Ok(WasmEngine { engine, compiler, compatibility_hash })
    }

    /// Hash of everything that makes a serialized module loadable by this engine (wasmtime
    /// version, target, settings), computed once; part of the compiled-contract cache key.
    pub fn compatibility_hash(&self) -> u64 {
        self.compatibility_hash
    }

    /// The compiler in use.
    pub fn compiler(&self) -> Compiler {
        self.compiler
    }

    /// The wasmtime engine.
    pub fn inner(&self) -> &wasmtime::Engine {
        &self.engine
    }

    /// Compiles a prepared module.
    ///
    /// # Errors
    /// `CompilationError::WasmerCompileError` with wasmtime's message, bounded.
    pub fn compile(&self, prepared: &[u8]) -> Result<Module, FunctionCallError> {
        Module::new(&self.engine, prepared).map_err(|e| {
            FunctionCallError::CompilationError(near_primitives::errors::CompilationError::WasmerCompileError {
                msg: bounded(&e.to_string()),
            })
        })
    }
}

/// Error messages stored in outcomes are bounded.
pub(crate) fn bounded(text: &str) -> String {
    const LIMIT: usize = 512;
    if text.len() <= LIMIT {
        return text.to_string();
    }
    let mut end = LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// A host-function error travelling through wasmtime's error type.
#[derive(Debug)]
pub struct HostTrap(pub HostError);

impl std::fmt::Display for HostTrap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "host error: {}", self.0)
    }
}

impl std::error::Error for HostTrap {}

/// A node fault raised by a host function (e.g. the chain state failed), travelling through
/// wasmtime's error type. Never recorded as a contract outcome.
#[derive(Debug)]
pub struct RunnerFault(pub String);

impl std::fmt::Display for RunnerFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "runner fault: {}", self.0)
    }
}

impl std::error::Error for RunnerFault {}

/// How a call failed: by the contract's fault (recorded) or the node's (not recorded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// The contract's fault.
    Guest(FunctionCallError),
    /// The node's fault.
    Node(String),
}

/// Creates the host memory the prepared module imports as `env.memory` and defines it.
///
/// # Errors
/// When the memory cannot be allocated (a node fault).
pub fn link_memory<T: 'static>(
    linker: &mut Linker<T>,
    store: &mut Store<T>,
    config: &Config,
) -> wasmtime::Result<Memory> {
    let limits = &config.limit_config;
    let memory = Memory::new(&mut *store, MemoryType::new(limits.initial_memory_pages, Some(limits.max_memory_pages)))?;
    linker.define(&*store, "env", "memory", memory)?;
    Ok(memory)
}

/// Calls the export `method` of type `[] -> []`.
///
/// # Errors
/// `CallError::Guest` with `MethodResolveError` when the export is missing or has another type,
/// or with the trap or host error the call ended with; `CallError::Node` when a host function
/// raised a [`RunnerFault`].
pub fn call_method<T>(store: &mut Store<T>, instance: &wasmtime::Instance, method: &str) -> Result<(), CallError> {
    let resolve = |error| CallError::Guest(FunctionCallError::MethodResolveError(error));
    if method.is_empty() {
        return Err(resolve(MethodResolveError::MethodEmptyName));
    }
    let Some(export) = instance.get_func(&mut *store, method) else {
        return Err(resolve(MethodResolveError::MethodNotFound));
    };
    let typed = export.typed::<(), ()>(&*store).map_err(|_| resolve(MethodResolveError::MethodInvalidSignature))?;
    typed.call(&mut *store, ()).map_err(|error| match error.downcast_ref::<RunnerFault>() {
        Some(fault) => CallError::Node(fault.0.clone()),
        None if error.downcast_ref::<import_table::NoMemory>().is_some() => CallError::Node(error.to_string()),
        None => CallError::Guest(trap_to_error(&error)),
    })
}

#[cfg(test)]
mod tests;
