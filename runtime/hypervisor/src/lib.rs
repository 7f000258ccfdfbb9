//! The RFC-003 hypervisor ("Cross Language Account/Module Execution Model"): accounts whose
//! handlers live in different virtual machines send each other messages through it.
//!
//! - [`types`]: addresses, message names, volatility, tokens, error codes;
//! - [`vm`]: the [`vm::VirtualMachine`] and [`vm::AccountHandler`] traits, the [`vm::Host`]
//!   handlers call back into (the RFC's `invoke`), authorization middleware, address
//!   generators;
//! - [`native`]: the native Rust VM;
//! - [`hypervisor`]: the registry of VMs and the rules (gas, depth, middleware, addresses,
//!   state handler);
//! - [`session`]: messages from outside against a state root, committed into a new root;
//! - `exec`: frames, context and state tokens, volatility and gas checks, nested state;
//! - `lifecycle`: create, destroy, migrate, force_migrate, get_handler_id (plugged into `exec`);
//! - `modules`: loading, routing by name, pre/post handlers;
//!
//! Imports point one way: `session` → `lifecycle` → `exec` → `hypervisor` / `modules` →
//! `state` / `vm` / `types`.
//! - [`state`]: the hypervisor's own trie in near-store, with nested transactions;
//! - [`packet`]: the 64 KiB packet layout.
//!
//! docs/rfc-003.md states every rule and maps it to the RFC's text.

mod exec;
pub mod hypervisor;
mod lifecycle;
mod modules;
pub mod native;
pub mod packet;
pub mod session;
pub mod state;
pub mod types;
pub mod vm;

pub use hypervisor::{Hypervisor, HypervisorConfig};
pub use lifecycle::names;
pub use modules::MODULE_CONFIG_KEY;
pub use native::NativeVm;
pub use session::{CallOutcome, NodeFault, Session};
pub use state::{AccountRecord, ModuleRecord};
pub use types::{Address, ErrorCode, MessageName, Token, Volatility};
pub use vm::{
    AccountHandler, CodeSource, HandlerMetadata, Host, Invoke, MessageMetadata, MessageRequest, ResolvedHandler,
    VirtualMachine,
};
