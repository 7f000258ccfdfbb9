//! The hypervisor's registry and rules: the VMs it runs handlers in (module handlers unique
//! across them), gas costs, the call-depth limit, the authorization middleware, the address
//! algorithm and the state handler. Messages run in a [`crate::session::Session`].

use crate::state::NestedState;
use crate::types::{Address, ErrorCode};
use crate::vm::{AddressGenerator, AuthorizationMiddleware, CodeSource, ResolvedHandler, VirtualMachine};
use near_store::Store;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Arc;

/// Gas the hypervisor charges, on top of what handlers charge themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GasConfig {
    /// Every message sent (to the sender).
    pub invoke_base: u64,
    /// Every state read.
    pub state_read_base: u64,
    /// Every state write or removal.
    pub state_write_base: u64,
    /// Per byte of key and value read or written.
    pub state_byte: u64,
    /// Creating, destroying or migrating an account (on top of `invoke_base`).
    pub lifecycle_base: u64,
}

impl Default for GasConfig {
    fn default() -> Self {
        GasConfig {
            invoke_base: 1_000,
            state_read_base: 500,
            state_write_base: 2_000,
            state_byte: 10,
            lifecycle_base: 10_000,
        }
    }
}

/// The hypervisor's rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HypervisorConfig {
    /// Frames a call stack may hold (the external caller's included); deeper calls fail with
    /// `CallStackOverflow`.
    pub max_call_depth: usize,
    /// Gas costs.
    pub gas: GasConfig,
}

impl Default for HypervisorConfig {
    fn default() -> Self {
        HypervisorConfig { max_call_depth: 64, gas: GasConfig::default() }
    }
}

/// The default address algorithm. Accounts of a handler listed in `key_handlers` (public-key
/// accounts) get `sha256("key" ‖ init_data)[..20]`, predictable from the key alone; all others
/// `sha256("account" ‖ creator ‖ nonce LE)[..20]`, unique per creator and creation.
#[derive(Debug, Clone, Default)]
pub struct DefaultAddressGenerator {
    /// Handler ids whose accounts are addressed by their init data (a public key).
    pub key_handlers: Vec<String>,
}

impl AddressGenerator for DefaultAddressGenerator {
    fn address(&self, creator: &Address, handler_id: &str, init_data: &[u8], nonce: u64) -> Result<Address, ErrorCode> {
        let mut hasher = Sha256::new();
        if self.key_handlers.iter().any(|h| h == handler_id) {
            hasher.update(b"key");
            hasher.update(init_data);
        } else {
            hasher.update(b"account");
            hasher.update(creator.as_bytes());
            hasher.update(nonce.to_le_bytes());
        }
        Address::new(hasher.finalize()[..20].to_vec())
    }
}

/// Creates, migrates and destroys account state.
pub trait StateHandler: Send + Sync {
    /// A new account's state, with its handler's state config.
    ///
    /// # Errors
    /// Any code; the create fails.
    fn create(&self, state: &mut NestedState, address: &Address, config: &[u8]) -> Result<(), ErrorCode>;
    /// The account moves to a handler with another state config.
    ///
    /// # Errors
    /// Any code; the migration fails.
    fn migrate(&self, state: &mut NestedState, address: &Address, old: &[u8], new: &[u8]) -> Result<(), ErrorCode>;
    /// The account's state goes away.
    ///
    /// # Errors
    /// `Fatal` when the storage fails.
    fn destroy(&self, state: &mut NestedState, address: &Address) -> Result<(), ErrorCode>;
}

/// Key-value state: nothing to set up or migrate; destroying removes every key.
#[derive(Debug, Clone, Copy, Default)]
pub struct KvStateHandler;

impl StateHandler for KvStateHandler {
    fn create(&self, _: &mut NestedState, _: &Address, _: &[u8]) -> Result<(), ErrorCode> {
        Ok(())
    }
    fn migrate(&self, _: &mut NestedState, _: &Address, _: &[u8], _: &[u8]) -> Result<(), ErrorCode> {
        Ok(())
    }
    fn destroy(&self, state: &mut NestedState, address: &Address) -> Result<(), ErrorCode> {
        state.remove_prefix(&crate::state::state_prefix(address.as_bytes())).map_err(|_| ErrorCode::Fatal)
    }
}

/// The VMs and rules.
pub struct Hypervisor {
    vms: Vec<Arc<dyn VirtualMachine>>,
    machines: HashMap<String, usize>,
    modules: HashMap<String, usize>,
    pub(crate) middleware: Option<Arc<dyn AuthorizationMiddleware>>,
    pub(crate) addresses: Arc<dyn AddressGenerator>,
    pub(crate) state_handler: Arc<dyn StateHandler>,
    pub(crate) config: HypervisorConfig,
    store: Store,
}

impl Hypervisor {
    /// A hypervisor over `store` with no VMs, the default rules, no middleware.
    pub fn new(store: Store) -> Hypervisor {
        Hypervisor {
            vms: Vec::new(),
            machines: HashMap::new(),
            modules: HashMap::new(),
            middleware: None,
            addresses: Arc::new(DefaultAddressGenerator::default()),
            state_handler: Arc::new(KvStateHandler),
            config: HypervisorConfig::default(),
            store,
        }
    }

    /// Adds a VM.
    ///
    /// # Errors
    /// `InvalidHandler` when its machine id is taken, empty, `module`, or contains `:`, or
    /// when one of its module handlers is another VM's.
    pub fn add_vm(&mut self, vm: Arc<dyn VirtualMachine>) -> Result<(), ErrorCode> {
        let id = vm.machine_id().to_string();
        if id.is_empty() || id == "module" || id.contains(':') || self.machines.contains_key(&id) {
            return Err(ErrorCode::InvalidHandler);
        }
        let module_handlers = vm.module_handlers();
        if module_handlers.iter().any(|h| !h.starts_with("module:") || self.modules.contains_key(h)) {
            return Err(ErrorCode::InvalidHandler);
        }
        let index = self.vms.len();
        self.vms.push(vm);
        self.machines.insert(id, index);
        for handler in module_handlers {
            self.modules.insert(handler, index);
        }
        Ok(())
    }

    /// Sets the authorization middleware (default: none, only the real caller may call).
    pub fn set_middleware(&mut self, middleware: Arc<dyn AuthorizationMiddleware>) {
        self.middleware = Some(middleware);
    }

    /// Sets the address algorithm.
    pub fn set_address_generator(&mut self, generator: Arc<dyn AddressGenerator>) {
        self.addresses = generator;
    }

    /// Sets the state handler.
    pub fn set_state_handler(&mut self, handler: Arc<dyn StateHandler>) {
        self.state_handler = handler;
    }

    /// The rules, to change.
    pub fn config_mut(&mut self) -> &mut HypervisorConfig {
        &mut self.config
    }

    /// The handler a handler id names, its code (for VMs that store code) read from `code`.
    ///
    /// # Errors
    /// `HandlerNotFound`; the VM's errors.
    pub fn resolve(&self, handler_id: &str, code: &mut dyn CodeSource) -> Result<ResolvedHandler, ErrorCode> {
        let (machine, _) = handler_id.split_once(':').ok_or(ErrorCode::HandlerNotFound)?;
        let index = if machine == "module" { self.modules.get(handler_id) } else { self.machines.get(machine) };
        let vm = index.and_then(|&i| self.vms.get(i)).ok_or(ErrorCode::HandlerNotFound)?;
        vm.resolve(handler_id, code)?.ok_or(ErrorCode::HandlerNotFound)
    }

    /// The VM whose machine id is `machine_id`.
    ///
    /// # Errors
    /// `HandlerNotFound`.
    pub fn vm(&self, machine_id: &str) -> Result<&Arc<dyn VirtualMachine>, ErrorCode> {
        let index = self.machines.get(machine_id).ok_or(ErrorCode::HandlerNotFound)?;
        self.vms.get(*index).ok_or(ErrorCode::HandlerNotFound)
    }

    /// The store the hypervisor's trie lives in.
    pub fn store(&self) -> &Store {
        &self.store
    }
}
