//! Runs NEAR contracts, laid out like nearcore's `near-vm-runner`.
//!
//! Present so far:
//! - [`prepare`]: validation against the accepted feature set and `LimitConfig`, memory
//!   normalisation to the host's `env.memory`, and `finite-wasm` gas and stack instrumentation;
//! - [`logic::GasCounter`]: burnt/used gas with nearcore's limit semantics and a gas profile.
//!
//! The wasmtime engine layer (with async fibers for NEP-481 submodules), the host-function ABI
//! (`VMLogic`) and the compiled-module cache build on these (see docs/engine.md).

pub mod logic;
pub mod prepare;

pub use prepare::{PreparedContract, prepare_contract};
