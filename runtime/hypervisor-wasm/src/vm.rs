//! [`WasmVm`]: the `wasm` virtual machine.

use crate::abi::{EXPORT_HANDLE, EXPORT_METADATA, EXPORT_PACKET, IMPORT_MODULE, MACHINE_ID};
use crate::imports;
use crate::instance::{Compiled, WasmHandler};
use crate::reuse::Idle;
use crate::setup::Setup;
use near_hypervisor::vm::CodeSource;
use near_hypervisor::{ErrorCode, HandlerMetadata, ResolvedHandler, VirtualMachine};
use near_parameters::{Config, RuntimeConfig};
use near_vm_runner::engine::{Compiler, PoolLimits, WasmEngine, link_instrumentation};
use near_vm_runner::prepare::{ImportPolicy, MemoryPolicy, exports_function, prepare_with_policy, track_writes};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex};
use wasmparser::ValType;

/// What preparation allows a handler: the `hypervisor` import table's functions, and the
/// module's own memory (so modules are pre-linked once and instantiated per call).
pub const POLICY: ImportPolicy<'static> =
    ImportPolicy { module: IMPORT_MODULE, functions: Some(imports::IMPORT_TABLE), memory: MemoryPolicy::Own };

/// Instances alive at once across all sessions using one VM: nested calls hold one each (the
/// hypervisor's default depth limit is 64). Past it, instantiation fails with `Fatal`.
pub const POOLED_INSTANCES: u32 = 1024;

/// The start of each handler memory kept resident between instances (see `PoolLimits`).
pub const KEEP_RESIDENT_BYTES: usize = 256 * 1024;

/// Idle instances kept for reuse across all handlers of one VM (each holds a pool slot; the
/// rest of the pool stays for busy ones).
pub const IDLE_INSTANCES: usize = POOLED_INSTANCES as usize / 4;

/// Runs account handlers written in wasm. Handler ids are `wasm:<hex sha256 of the code>`;
/// code is stored with `module:store_code` (`("wasm", code)`), validated like a contract plus
/// the handler ABI ([`crate::abi`]), and compiled once per process. Module handlers
/// (`module:<config name>`) are given when the VM is made ([`WasmVm::with_module`]).
pub struct WasmVm {
    engine: WasmEngine,
    config: Arc<Config>,
    /// Compiled handlers by handler id (content-addressed: an id always names the same code).
    compiled: Mutex<HashMap<String, ResolvedHandler>>,
    /// Module handlers (`module:<config name>`), given when the VM is made.
    modules: HashMap<String, ResolvedHandler>,
    /// Whether calls reuse idle instances (`crate::reuse`) instead of making fresh ones.
    reuse: bool,
    /// Idle instances the VM may still keep.
    idle_budget: Arc<AtomicUsize>,
}

impl WasmVm {
    /// A VM with protocol 88's mainnet wasm configuration (limits, gas) and `compiler`.
    ///
    /// # Errors
    /// When the engine cannot be created (a node fault), as text.
    pub fn new(compiler: Compiler) -> Result<WasmVm, String> {
        Self::with_config(compiler, RuntimeConfig::mainnet().wasm_config.clone())
    }

    /// A VM with the given wasm configuration.
    ///
    /// # Errors
    /// As [`WasmVm::new`].
    pub fn with_config(compiler: Compiler, config: Arc<Config>) -> Result<WasmVm, String> {
        let max_memory_bytes = usize::try_from(config.limit_config.max_memory_pages).unwrap_or(usize::MAX) * 65_536;
        let engine = WasmEngine::pooled(
            compiler,
            PoolLimits {
                instances: POOLED_INSTANCES,
                max_memory_bytes,
                keep_resident_bytes: KEEP_RESIDENT_BYTES,
                static_bounds: false,
                memories_per_instance: 2,
            },
        )?;
        Ok(WasmVm {
            engine,
            config,
            compiled: Mutex::new(HashMap::new()),
            modules: HashMap::new(),
            reuse: true,
            idle_budget: Arc::new(AtomicUsize::new(IDLE_INSTANCES)),
        })
    }

    /// Every call gets a fresh instance instead of a reused one: slower, the same results and
    /// gas to the unit (the reference reuse is tested against). Applies to code loaded after
    /// it: call it before [`WasmVm::with_module`].
    pub fn fresh_instances(mut self) -> WasmVm {
        self.reuse = false;
        self
    }

    /// Adds a module handler `module:<config_name>` running `code` (modules are known when the
    /// VM is added to the hypervisor, which checks their ids are unique across VMs).
    ///
    /// # Errors
    /// The code is not a valid handler, or the name is empty or taken.
    pub fn with_module(mut self, config_name: &str, code: &[u8]) -> Result<WasmVm, String> {
        let handler_id = format!("module:{config_name}");
        if config_name.is_empty() || self.modules.contains_key(&handler_id) {
            return Err(format!("module handler `{handler_id}`: empty or taken"));
        }
        let resolved = self.load(code).map_err(|e| format!("module handler `{handler_id}`: {e}"))?;
        self.modules.insert(handler_id, resolved);
        Ok(self)
    }

    /// The handler id `code` is stored under.
    pub fn handler_id(code: &[u8]) -> String {
        format!("{MACHINE_ID}:{}", hex::encode(Sha256::digest(code)))
    }

    /// Prepares, checks and compiles `code`, and reads its metadata.
    fn load(&self, code: &[u8]) -> Result<ResolvedHandler, ErrorCode> {
        let invalid = |_| ErrorCode::InvalidHandler;
        let code_len = code.len();
        let prepared = prepare_with_policy(code, &self.config, &POLICY).map_err(invalid)?;
        let exports =
            [(EXPORT_PACKET, &[ValType::I32][..]), (EXPORT_HANDLE, &[ValType::I32][..]), (EXPORT_METADATA, &[])];
        for (name, results) in exports {
            if !exports_function(code, name, &[], results).map_err(invalid)? {
                return Err(ErrorCode::InvalidHandler);
            }
        }
        let max_memory_bytes = u64::from(self.config.limit_config.max_memory_pages) * 65_536;
        let tracked = if self.reuse {
            track_writes(&prepared.code, max_memory_bytes, EXPORT_HANDLE).map_err(invalid)?
        } else {
            None
        };
        let (code, map_len) = match &tracked {
            Some(tracked) => (&tracked.code, Some(tracked.map_len)),
            None => (&prepared.code, None),
        };
        let module = self.engine.compile(code).map_err(|_| ErrorCode::InvalidHandler)?;
        let mut linker = wasmtime::Linker::new(self.engine.inner());
        link_instrumentation(&mut linker).map_err(|_| ErrorCode::Fatal)?;
        imports::link(&mut linker).map_err(|_| ErrorCode::Fatal)?;
        let pre = linker.instantiate_pre(&module).map_err(|_| ErrorCode::InvalidHandler)?;
        let mut compiled = Compiled {
            setup: Setup { engine: self.engine.inner().clone(), pre, config: self.config.clone() },
            code_len: code_len as u64,
            reuse: None,
            idle: Idle::new(self.idle_budget.clone()),
        };
        let metadata: HandlerMetadata = compiled.metadata(map_len)?;
        Ok(ResolvedHandler { handler: Arc::new(WasmHandler(Arc::new(compiled))), metadata: Arc::new(metadata) })
    }

    fn cached(&self, handler_id: &str) -> Option<ResolvedHandler> {
        self.compiled.lock().ok()?.get(handler_id).cloned()
    }

    fn cache(&self, handler_id: String, resolved: ResolvedHandler) {
        if let Ok(mut compiled) = self.compiled.lock() {
            compiled.insert(handler_id, resolved);
        }
    }
}

impl VirtualMachine for WasmVm {
    fn machine_id(&self) -> &str {
        MACHINE_ID
    }

    fn module_handlers(&self) -> Vec<String> {
        self.modules.keys().cloned().collect()
    }

    fn resolve(&self, handler_id: &str, code: &mut dyn CodeSource) -> Result<Option<ResolvedHandler>, ErrorCode> {
        if let Some(module) = self.modules.get(handler_id) {
            return Ok(Some(module.clone()));
        }
        if let Some(resolved) = self.cached(handler_id) {
            return Ok(Some(resolved));
        }
        let Some(code) = code.code(handler_id)? else { return Ok(None) };
        if Self::handler_id(&code) != handler_id {
            return Ok(None);
        }
        let resolved = self.load(&code)?;
        self.cache(handler_id.to_string(), resolved.clone());
        Ok(Some(resolved))
    }

    fn accept_code(&self, code: &[u8]) -> Result<String, ErrorCode> {
        let handler_id = Self::handler_id(code);
        if self.cached(&handler_id).is_none() {
            let resolved = self.load(code)?;
            self.cache(handler_id.clone(), resolved);
        }
        Ok(handler_id[MACHINE_ID.len() + 1..].to_string())
    }
}
