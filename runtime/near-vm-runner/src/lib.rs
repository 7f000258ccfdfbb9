//! Runs NEAR contracts, laid out like nearcore's `near-vm-runner`.
//!
//! Present so far:
//! - [`prepare`]: validation against the accepted feature set and `LimitConfig`, memory
//!   normalisation to the host's `env.memory`, and `finite-wasm` gas and stack instrumentation;
//! - [`logic::GasCounter`]: burnt/used gas with nearcore's limit semantics and a gas profile;
//! - [`engine`]: wasmtime 48 (Winch by default, Cranelift selectable) with deterministic
//!   settings, the instrumentation's `internal` imports, the host `env.memory`, method
//!   resolution and trap mapping to `FunctionCallError`.
//!
//! The host-function ABI (`VMLogic`), the compiled-module cache and the async-fiber child
//! instances for NEP-481 build on these (see docs/engine.md).

pub mod cache;
pub mod engine;
pub mod imports;
pub mod logic;
pub mod prepare;
pub mod runner;
pub mod submodule;

pub use prepare::{PreparedContract, prepare_contract};
pub use runner::{ContractRunner, VMRunnerError};
