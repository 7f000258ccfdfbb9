//! The RFC-003 hypervisor ("Cross Language Account/Module Execution Model"): accounts whose
//! handlers live in different virtual machines send each other messages through it.
//!
//! - [`types`]: addresses, message names, volatility, tokens, error codes;
//! - [`vm`]: the [`vm::VirtualMachine`] and [`vm::AccountHandler`] traits, the [`vm::Host`]
//!   handlers call back into (the RFC's `invoke`), authorization middleware, address
//!   generators;
//! - [`native`]: the native Rust VM;
//! - [`hypervisor`]: VMs, rules, modules and [`hypervisor::Session`]s over a state root;
//! - `exec`: frames, context and state tokens, volatility and gas checks, nested state;
//! - `lifecycle`: create, destroy, migrate, force_migrate, get_handler_id;
//! - [`state`]: the hypervisor's own trie in near-store, with nested transactions;
//! - [`packet`]: the 64 KiB packet layout.
//!
//! docs/rfc-003.md states every rule and maps it to the RFC's text.

mod exec;
pub mod hypervisor;
mod lifecycle;
pub mod native;
pub mod packet;
pub mod state;
pub mod types;
pub mod vm;

pub use exec::{AccountRecord, ModuleRecord};
pub use hypervisor::{CallOutcome, Hypervisor, HypervisorConfig, NodeFault, Session};
pub use lifecycle::names;
pub use native::NativeVm;
pub use types::{Address, ErrorCode, MessageName, Token, Volatility};
pub use vm::{AccountHandler, HandlerMetadata, Host, Invoke, MessageMetadata, MessageRequest, VirtualMachine};
