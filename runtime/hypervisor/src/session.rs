//! Sessions: messages run against one state root, from outside (a signer, a signer acting as
//! another through the middleware, a query, a module load), committed together into a new root.

use crate::exec::Exec;
use crate::hypervisor::Hypervisor;
use crate::lifecycle::{Lifecycle, names};
use crate::modules;
use crate::state::{AccountRecord, NestedState, account_key};
use crate::types::{Address, ErrorCode, MessageName, Volatility};
use crate::vm::Invoke;
use near_primitives::types::StateRoot;
use near_store::{StorageError, TrieUpdate};

/// A node fault: the storage failed. Never a handler's doing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("storage fault: {0}")]
pub struct NodeFault(#[from] pub StorageError);

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

impl<'h> Session<'h> {
    /// A session of `hypervisor` over the state at `root` (`StateRoot::default()`: empty).
    pub fn new(hypervisor: &'h Hypervisor, root: StateRoot) -> Session<'h> {
        let state = NestedState::new(TrieUpdate::new(hypervisor.store().trie(root)));
        Session { exec: Exec::new(hypervisor, state, &Lifecycle) }
    }
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
        self.execute(creator, None, &names::create(), &data, gas_limit)
    }

    /// Loads a module: `name` (1..=59 characters of a message name) runs `handler_id`
    /// (`module:<config name>`) with `config` at address `mod:<name>` (the module reads `config`
    /// from its own state under [`crate::MODULE_CONFIG_KEY`]). Its `module:` messages
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
        self.exec.hooks.clear();
        self.exec.no_hooks = None;
        self.exec.handlers.clear();
        if !modules::valid_module_name(name) {
            return Ok(Err(ErrorCode::Encoding));
        }
        if !handler_id.starts_with("module:") {
            return Ok(Err(ErrorCode::InvalidHandler));
        }
        let hv = self.exec.hv;
        let resolved = match hv.resolve(handler_id, &mut self.exec) {
            Ok(resolved) => resolved,
            Err(code) => return Ok(Err(code)),
        };
        Ok(modules::load(&mut self.exec.state, name, handler_id, &resolved.metadata, config)?)
    }

    /// The handler id of the account at `address`, if any.
    ///
    /// # Errors
    /// Node faults.
    pub fn handler_id(&mut self, address: &Address) -> Result<Option<String>, NodeFault> {
        let record = self.exec.state.get(&account_key(address.as_bytes()))?;
        Ok(record.and_then(|bytes| borsh::from_slice::<AccountRecord>(&bytes).ok()).map(|r| r.handler_id))
    }

    /// Commits everything into the store and returns the new root.
    ///
    /// # Errors
    /// Node faults.
    pub fn finish(self) -> Result<StateRoot, NodeFault> {
        Ok(self.exec.state.finish(self.exec.hv.store())?)
    }
}
