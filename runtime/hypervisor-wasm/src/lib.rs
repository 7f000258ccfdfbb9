//! RFC-003's wasm VM: account handlers written in wasm, run by [`near_hypervisor`] next to
//! native ones, on near-vm-runner's engine layer with the same preparation (features, limits),
//! finite-wasm gas and stack instrumentation and gas parameters as NEAR contracts.
//!
//! - [`abi`]: the handler ABI: what a handler module exports and imports (docs/rfc-003.md has
//!   it byte by byte);
//! - [`vm`]: [`WasmVm`], the `VirtualMachine` with machine id `wasm`: code stored with
//!   `module:store_code` is validated, compiled once and cached by its hash (`wasm:<sha256>`);
//! - `instance`: a compiled handler: its metadata, and each call on a reused or a fresh
//!   instance;
//! - `setup`: one instance set up (instantiation, start, `hv_packet`) and one call run on it:
//!   the request written into the handler's packet page, `hv_handle`, the response and gas back;
//! - [`reuse`]: instances reused between calls, put back exactly as setup left them (memory
//!   granules the call wrote, globals), so reuse changes no result and no gas;
//! - `imports`: the `hypervisor` imports, reaching the hypervisor's `Host` through a scoped
//!   thread-local for the length of the call.

pub mod abi;
pub mod call_spec;
mod imports;
mod instance;
pub mod reuse;
mod setup;
pub mod vm;

pub use vm::WasmVm;

/// The functions a handler may import from module `hypervisor` (the import table's names).
pub use imports::IMPORT_TABLE as IMPORTS;
