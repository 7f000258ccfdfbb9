//! The hypervisor: the VMs it runs handlers in, the rules' configuration (gas, call depth,
//! authorization middleware, address algorithm, state handler), loaded modules and their
//! routes, and [`Session`]s that run messages against a state root.

use crate::exec::{Exec, ModuleRecord};
use crate::state::{NestedState, account_key, module_key, state_prefix};
use crate::types::{Address, ErrorCode, MessageName, Volatility};
use crate::vm::{AddressGenerator, AuthorizationMiddleware, Invoke, ResolvedHandler, VirtualMachine};
use near_primitives::types::StateRoot;
use near_store::{StorageError, Store, TrieUpdate};
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

/// A node fault: the storage failed. Never a handler's doing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("storage fault: {0}")]
pub struct NodeFault(#[from] pub StorageError);

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

    /// The handler a handler id names.
    ///
    /// # Errors
    /// `HandlerNotFound`.
    pub fn resolve(&self, handler_id: &str) -> Result<ResolvedHandler, ErrorCode> {
        let (machine, _) = handler_id.split_once(':').ok_or(ErrorCode::HandlerNotFound)?;
        let index = if machine == "module" { self.modules.get(handler_id) } else { self.machines.get(machine) };
        let vm = index.and_then(|&i| self.vms.get(i)).ok_or(ErrorCode::HandlerNotFound)?;
        vm.resolve(handler_id).ok_or(ErrorCode::HandlerNotFound)
    }

    /// A session over the state at `root` (`StateRoot::default()`: empty).
    pub fn session(&self, root: StateRoot) -> Session<'_> {
        let state = NestedState::new(TrieUpdate::new(self.store.trie(root)));
        Session { exec: Exec::new(self, state) }
    }
}

/// What an external call returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallOutcome {
    /// The response or the error code.
    pub result: Result<Vec<u8>, ErrorCode>,
    /// Gas used, the callees' included.
    pub gas_used: u64,
}

/// Messages run against one state, committed together into a new root.
pub struct Session<'h> {
    exec: Exec<'h>,
}

/// An external message: who signed it, whom it acts as, what it sends.
struct ExternalMessage<'a> {
    signer: Option<&'a Address>,
    act_as: Option<&'a Address>,
    receiver: Option<&'a Address>,
    name: &'a MessageName,
    data: &'a [u8],
    gas_limit: u64,
}

impl Session<'_> {
    fn send_external(
        &mut self,
        message: ExternalMessage<'_>,
        volatility: Volatility,
    ) -> Result<CallOutcome, NodeFault> {
        let invoke = Invoke {
            receiver: message.receiver.cloned(),
            caller: message.act_as.cloned(),
            name: message.name.clone(),
            data: message.data.to_vec(),
            context_token: [0; 32],
            gas_limit: message.gas_limit,
        };
        let (result, gas_used) = self.exec.external(message.signer.cloned(), volatility, invoke);
        self.finish_call(result, gas_used)
    }

    fn finish_call(&mut self, result: Result<Vec<u8>, ErrorCode>, gas_used: u64) -> Result<CallOutcome, NodeFault> {
        if let Some(fault) = self.exec.fault.take() {
            return Err(NodeFault(fault));
        }
        Ok(CallOutcome { result, gas_used })
    }

    /// Sends a message as `caller` (authenticated by whoever submitted it): to `receiver`, or
    /// routed by name for a module message (`receiver` `None`).
    ///
    /// # Errors
    /// Node faults only; the message's own failure is in the outcome.
    pub fn execute(
        &mut self,
        caller: &Address,
        receiver: Option<&Address>,
        name: &MessageName,
        data: &[u8],
        gas_limit: u64,
    ) -> Result<CallOutcome, NodeFault> {
        let message = ExternalMessage { signer: Some(caller), act_as: None, receiver, name, data, gas_limit };
        self.send_external(message, Volatility::Volatile)
    }

    /// Sends a message from `signer` acting as `act_as`: allowed only if the authorization
    /// middleware allows it for this message (a delegated execution).
    ///
    /// # Errors
    /// Node faults only; a refusal is `UnauthorizedCaller` in the outcome.
    pub fn execute_as(
        &mut self,
        signer: &Address,
        act_as: &Address,
        receiver: Option<&Address>,
        name: &MessageName,
        data: &[u8],
        gas_limit: u64,
    ) -> Result<CallOutcome, NodeFault> {
        let message = ExternalMessage { signer: Some(signer), act_as: Some(act_as), receiver, name, data, gas_limit };
        self.send_external(message, Volatility::Volatile)
    }

    /// Sends a query (no caller, readonly): only readonly and pure messages run.
    ///
    /// # Errors
    /// Node faults only.
    pub fn query(
        &mut self,
        receiver: Option<&Address>,
        name: &MessageName,
        data: &[u8],
        gas_limit: u64,
    ) -> Result<CallOutcome, NodeFault> {
        let message = ExternalMessage { signer: None, act_as: None, receiver, name, data, gas_limit };
        self.send_external(message, Volatility::Readonly)
    }

    /// Creates an account as `creator`: `module:create` with its handler and init data.
    ///
    /// # Errors
    /// Node faults only; the create's own failure is in the outcome.
    pub fn create(
        &mut self,
        creator: &Address,
        handler_id: &str,
        init_data: &[u8],
        gas_limit: u64,
    ) -> Result<CallOutcome, NodeFault> {
        let data = borsh::to_vec(&(handler_id.to_string(), init_data.to_vec())).unwrap_or_default();
        self.execute(creator, None, &crate::lifecycle::names::create(), &data, gas_limit)
    }

    /// Loads a module: `name` (1..=59 characters of a message name) runs `handler_id`
    /// (`module:<config name>`) with `config` at address `mod:<name>` (the module reads `config`
    /// from its own state under [`MODULE_CONFIG_KEY`]). Its `module:` messages
    /// are routed to it by name; its `module:pre:X` / `module:post:X` messages run around every
    /// message `X` (or `module:X`), ordered by module name.
    ///
    /// # Errors
    /// `Ok(Err(code))`: `Encoding` for a bad name, `AccountExists` when loaded already,
    /// `HandlerNotFound`, `InvalidHandler` for a handler that is not a module handler or a
    /// module message another module routes. `Err`: a node fault.
    pub fn load_module(
        &mut self,
        name: &str,
        handler_id: &str,
        config: &[u8],
    ) -> Result<Result<Address, ErrorCode>, NodeFault> {
        let result = load_module(&mut self.exec, name, handler_id, config);
        self.exec.hooks.clear();
        self.exec.handlers.clear();
        if let Some(fault) = self.exec.fault.take() {
            return Err(NodeFault(fault));
        }
        Ok(result)
    }

    /// The handler id of the account at `address`, if any.
    ///
    /// # Errors
    /// Node faults.
    pub fn handler_id(&mut self, address: &Address) -> Result<Option<String>, NodeFault> {
        let record = self.exec.state.get(&account_key(address.as_bytes()))?;
        Ok(record.and_then(|bytes| borsh::from_slice::<crate::exec::AccountRecord>(&bytes).ok()).map(|r| r.handler_id))
    }

    /// Commits everything into the store and returns the new root.
    ///
    /// # Errors
    /// Node faults.
    pub fn finish(self) -> Result<StateRoot, NodeFault> {
        Ok(self.exec.state.finish(&self.exec.hv.store)?)
    }
}

/// The state key under which a module finds its configuration bytes (in its own state).
pub const MODULE_CONFIG_KEY: &[u8] = b"config";

/// The trie key routing a module message to its module's address.
pub(crate) fn route_key(message: &str) -> Vec<u8> {
    [&[4u8][..], message.as_bytes()].concat()
}

/// The trie key of a hook: `05 ‖ kind ‖ hooked name ‖ 00 ‖ module name` (so a prefix scan
/// yields hooks ordered by module name).
fn hook_key(kind: u8, hooked: &str, module: &str) -> Vec<u8> {
    [&[5u8, kind][..], hooked.as_bytes(), &[0], module.as_bytes()].concat()
}

const PRE: u8 = 0;
const POST: u8 = 1;

/// The pre and post handlers of a message: (module address, handler message name).
#[derive(Debug, Default)]
pub(crate) struct Hooks {
    pub(crate) pre: Vec<(Address, MessageName)>,
    pub(crate) post: Vec<(Address, MessageName)>,
}

/// The name hooks are registered under: the message name without `module:`.
fn hooked_name(name: &MessageName) -> Option<&str> {
    let bare = name.as_str().strip_prefix("module:").unwrap_or(name.as_str());
    (!bare.starts_with("pre:") && !bare.starts_with("post:")).then_some(bare)
}

pub(crate) fn hooks_for(state: &mut NestedState, name: &MessageName) -> Result<Hooks, StorageError> {
    let mut hooks = Hooks::default();
    let Some(bare) = hooked_name(name) else { return Ok(hooks) };
    for (kind, list, prefix) in [(PRE, &mut hooks.pre, "module:pre:"), (POST, &mut hooks.post, "module:post:")] {
        let scan = [&[5u8, kind][..], bare.as_bytes(), &[0]].concat();
        for (_, value) in state.scan_prefix(&scan)? {
            let address = borsh::from_slice::<Vec<u8>>(&value).ok().and_then(|a| Address::new(a).ok());
            let (Some(address), Ok(message)) = (address, MessageName::new(format!("{prefix}{bare}"))) else {
                continue;
            };
            list.push((address, message));
        }
    }
    Ok(hooks)
}

fn load_module(exec: &mut Exec<'_>, name: &str, handler_id: &str, config: &[u8]) -> Result<Address, ErrorCode> {
    if name.is_empty() || name.len() > 59 || MessageName::new(name.to_string()).is_err() {
        return Err(ErrorCode::Encoding);
    }
    if !handler_id.starts_with("module:") {
        return Err(ErrorCode::InvalidHandler);
    }
    let resolved = exec.hv.resolve(handler_id)?;
    if exec.read::<ModuleRecord>(&module_key(name))?.is_some() {
        return Err(ErrorCode::AccountExists);
    }
    let address = Address::new(format!("mod:{name}").into_bytes())?;
    let mut routes = Vec::new();
    for message in &resolved.metadata.messages {
        let text = message.name.as_str();
        if let Some(hooked) = text.strip_prefix("module:pre:") {
            routes.push(hook_key(PRE, hooked, name));
        } else if let Some(hooked) = text.strip_prefix("module:post:") {
            routes.push(hook_key(POST, hooked, name));
        } else if message.name.is_module_message() {
            if exec.read::<Vec<u8>>(&route_key(text))?.is_some() {
                return Err(ErrorCode::InvalidHandler);
            }
            routes.push(route_key(text));
        }
    }
    let record = ModuleRecord { handler_id: handler_id.to_string(), address: address.clone(), config: config.to_vec() };
    let account = crate::exec::AccountRecord { handler_id: handler_id.to_string() };
    exec.state.set(module_key(name), borsh::to_vec(&record).map_err(|_| ErrorCode::Encoding)?);
    exec.state.set(account_key(address.as_bytes()), borsh::to_vec(&account).map_err(|_| ErrorCode::Encoding)?);
    for key in routes {
        exec.state.set(key, borsh::to_vec(&address.as_bytes().to_vec()).map_err(|_| ErrorCode::Encoding)?);
    }
    exec.state.set([state_prefix(address.as_bytes()), MODULE_CONFIG_KEY.to_vec()].concat(), config.to_vec());
    Ok(address)
}
