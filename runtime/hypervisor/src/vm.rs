//! What a virtual machine and its handlers implement, and what the hypervisor gives them back.
//!
//! A [`VirtualMachine`] has a machine id, lists the module handlers it can run, and resolves a
//! handler id to an [`AccountHandler`] with its [`HandlerMetadata`]. A handler receives a
//! [`MessageRequest`] and a [`Host`]: the `invoke` callback to send messages to other accounts
//! and the state and gas functions, all checked by the hypervisor.

use crate::types::{Address, ErrorCode, MessageName, Token, Volatility};
use std::sync::Arc;

/// A message as a handler receives it (the RFC's message request), borrowed from the
/// hypervisor for the length of the call: handing it over copies nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageRequest<'a> {
    /// The receiving account (its own address).
    pub address: &'a Address,
    /// Who sends it: `None` for queries and `pure` messages, and for readonly messages called
    /// without a caller.
    pub caller: Option<&'a Address>,
    /// The message name.
    pub name: &'a MessageName,
    /// The message data.
    pub data: &'a [u8],
    /// Grants access to the account's state (all zeroes for `pure` messages: no access).
    pub state_token: Token,
    /// Identifies this call; pass it to [`Host::invoke`] to send messages as this account.
    pub context_token: Token,
    /// Gas this call may use.
    pub gas_limit: u64,
}

/// A message a handler sends through [`Host::invoke`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoke {
    /// The receiving account; `None` for module messages (routed by name).
    pub receiver: Option<Address>,
    /// The account to act as; `None` acts as the sending account itself. Acting as another
    /// account needs an [`AuthorizationMiddleware`] to allow it.
    pub caller: Option<Address>,
    /// The message name.
    pub name: MessageName,
    /// The message data.
    pub data: Vec<u8>,
    /// The context token of the call that sends it.
    pub context_token: Token,
    /// Gas for the call, capped at the sender's remaining gas.
    pub gas_limit: u64,
}

/// What the hypervisor offers a running handler.
pub trait Host {
    /// Sends a message and returns its response.
    ///
    /// # Errors
    /// The callee's error code, or the hypervisor's (unauthorized, volatility, not found, out
    /// of gas, call stack overflow, encoding). The callee's state changes are rolled back.
    ///
    /// # Cost
    /// `GasConfig::invoke_base` to the sender, plus the gas the callee uses.
    fn invoke(&mut self, invoke: Invoke) -> Result<Vec<u8>, ErrorCode>;

    /// Reads `key` of the state `state_token` grants.
    ///
    /// # Errors
    /// `VolatilityViolation` from a `pure` message, `UnauthorizedCaller` for a foreign token,
    /// `OutOfGas`, `Fatal` when the storage fails.
    ///
    /// # Cost
    /// `state_read_base + state_byte × (key + value length)`.
    fn state_get(&mut self, state_token: &Token, key: &[u8]) -> Result<Option<Vec<u8>>, ErrorCode>;

    /// Writes `key` of the state `state_token` grants.
    ///
    /// # Errors
    /// As [`Host::state_get`], and `VolatilityViolation` from a readonly message.
    ///
    /// # Cost
    /// `state_write_base + state_byte × (key + value length)`.
    fn state_set(&mut self, state_token: &Token, key: &[u8], value: &[u8]) -> Result<(), ErrorCode>;

    /// Removes `key` of the state `state_token` grants.
    ///
    /// # Errors
    /// As [`Host::state_set`].
    ///
    /// # Cost
    /// `state_write_base + state_byte × key length`.
    fn state_remove(&mut self, state_token: &Token, key: &[u8]) -> Result<(), ErrorCode>;

    /// Gas this call has left.
    fn gas_left(&self) -> u64;

    /// Charges gas for the handler's own work.
    ///
    /// # Errors
    /// `OutOfGas` when it exceeds the call's limit (the call then fails whatever it returns).
    fn consume_gas(&mut self, gas: u64) -> Result<(), ErrorCode>;
}

/// Code that handles an account's messages.
pub trait AccountHandler: Send + Sync {
    /// Handles one message.
    ///
    /// # Errors
    /// Any shared or handler error code; a system code (below 128) is reported as `Other`.
    fn handle(&self, request: &MessageRequest<'_>, host: &mut dyn Host) -> Result<Vec<u8>, ErrorCode>;
}

/// One message a handler handles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageMetadata {
    /// The name.
    pub name: MessageName,
    /// What it may do.
    pub volatility: Volatility,
    /// Extra bytes, not interpreted by the hypervisor.
    pub extra: Vec<u8>,
}

/// What a handler declares about itself.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HandlerMetadata {
    /// The messages it handles.
    pub messages: Vec<MessageMetadata>,
    /// Bytes for the state handler, opaque to the hypervisor.
    pub state_config: Vec<u8>,
    /// Extra bytes, not interpreted by the hypervisor.
    pub extra: Vec<u8>,
}

impl HandlerMetadata {
    /// The metadata of message `name`, if handled.
    pub fn message(&self, name: &MessageName) -> Option<&MessageMetadata> {
        self.messages.iter().find(|m| &m.name == name)
    }
}

/// A handler resolved from its id: the code and its metadata.
#[derive(Clone)]
pub struct ResolvedHandler {
    /// The code.
    pub handler: Arc<dyn AccountHandler>,
    /// Its metadata.
    pub metadata: Arc<HandlerMetadata>,
}

/// A coding environment that runs account handlers.
pub trait VirtualMachine: Send + Sync {
    /// The machine id (the part before `:` of its account handler ids).
    fn machine_id(&self) -> &str;

    /// The module handler ids (`module:<config name>`) it can run; unique across VMs.
    fn module_handlers(&self) -> Vec<String>;

    /// The handler for a handler id (`<machine id>:<id>` or one of its module handler ids).
    /// A VM that keeps code in the hypervisor's state (stored by `module:store_code`) reads it
    /// from `code`.
    ///
    /// # Errors
    /// `InvalidHandler` for stored code that no longer loads; `Fatal` when the state fails.
    fn resolve(&self, handler_id: &str, code: &mut dyn CodeSource) -> Result<Option<ResolvedHandler>, ErrorCode>;

    /// Checks `code` sent to `module:store_code` for this VM and returns the machine handler
    /// id it will be stored under (the part after `<machine id>:`). VMs without stored code
    /// refuse all code (the default).
    ///
    /// # Errors
    /// `InvalidHandler` for code this VM cannot run.
    ///
    /// # Cost
    /// The hypervisor charges `lifecycle_base` and `state_byte` per code byte before calling it.
    fn accept_code(&self, code: &[u8]) -> Result<String, ErrorCode> {
        let _ = code;
        Err(ErrorCode::InvalidHandler)
    }
}

/// The code stored for handler ids, as a VM reads it while resolving one.
pub trait CodeSource {
    /// The code stored for `handler_id`, if any.
    ///
    /// # Errors
    /// `Fatal` when the state fails.
    fn code(&mut self, handler_id: &str) -> Result<Option<Vec<u8>>, ErrorCode>;
}

/// No stored code (for resolving outside a session).
pub struct NoCode;

impl CodeSource for NoCode {
    fn code(&mut self, _: &str) -> Result<Option<Vec<u8>>, ErrorCode> {
        Ok(None)
    }
}

/// Decides whether a real caller may act as another account for one request.
pub trait AuthorizationMiddleware: Send + Sync {
    /// Whether `real_caller` may send `invoke` as `invoke.caller`.
    fn authorize(&self, real_caller: &Address, invoke: &Invoke) -> bool;
}

/// Derives the address of a new account.
pub trait AddressGenerator: Send + Sync {
    /// The address for an account `creator` creates with `handler_id` and `init_data`, as its
    /// `nonce`-th creation (counted per creator).
    ///
    /// # Errors
    /// `Encoding` when no valid address can be derived.
    fn address(&self, creator: &Address, handler_id: &str, init_data: &[u8], nonce: u64) -> Result<Address, ErrorCode>;
}
