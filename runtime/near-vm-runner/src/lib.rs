//! Runs NEAR contracts, laid out like nearcore's `near-vm-runner`.
//!
//! - [`prepare`]: validation against the accepted feature set and `LimitConfig`, memory
//!   normalisation to the host's `env.memory`, and `finite-wasm` gas and stack instrumentation;
//! - [`engine`]: the wasmtime 48 layer (Winch by default, Cranelift selectable) with
//!   deterministic settings, the instrumentation's `internal` imports over any host state that
//!   implements [`engine::InstrumentationHost`], the host `env.memory`, method resolution and
//!   trap mapping to `FunctionCallError`; it knows nothing of `VMLogic`;
//! - [`logic`]: `VMLogic` (context, registers, [`logic::GasCounter`], receipts, the host
//!   functions by area, NEP-519 yield and NEP-481 submodule functions included) and the
//!   `External` trait the runtime implements;
//! - [`imports`]: the one import table linking `env` functions to `VMLogic` methods;
//! - [`cache`]: compiled modules in memory and on disk, keyed by code, config, compiler,
//!   engine and the preparation fingerprint;
//! - [`runner`]: [`ContractRunner`], one call from code to `VMOutcome`;
//! - [`submodule`]: NEP-481 children on wasmtime async fibers (see docs/engine.md and
//!   docs/nep-481.md).

pub mod cache;
pub mod engine;
pub mod imports;
pub mod logic;
pub mod prepare;
pub mod runner;
pub mod submodule;

pub use prepare::{PreparedContract, prepare_contract};
pub use runner::{AccountCode, ContractRunner, VMRunnerError};
