//! The wasm handler ABI.
//!
//! A handler module exports its `memory` and:
//! - `hv_packet() -> i32`: the address of its 64 KiB packet, 64 KiB-aligned (one wasm page);
//! - `hv_metadata()`: responds (with `respond`) with its borsh [`WireMetadata`];
//! - `hv_handle() -> i32`: handles the request the hypervisor wrote into the packet (layout:
//!   `near_hypervisor::packet`); returns 0 after responding with `respond`, or an error code
//!   (`ErrorCode::code`: handler codes are `256 + n`).
//!
//! It may import only these functions from module `hypervisor` ([`crate::IMPORTS`]; pointers
//! are i32 offsets into its memory; lengths in bytes):
//! - `invoke(packet: i32) -> i32`: sends the message written in the packet at `packet` (an
//!   empty address slot routes a `module:` message by name; an empty caller slot sends as the
//!   account itself; the context token must be the one received). Data larger than the packet's
//!   data area: flag bit 0, the data's address in the external-request-buffer field and its
//!   length in the external-request-length field. The response is written after the request
//!   data with its length, error code and gas used; a response that does not fit sets flag
//!   bit 1 and its length, and is fetched with `read_return`. Returns the error code (0: ok).
//! - `state_get(token: i32, key: i32, key_len: i32) -> i64`: the value's length (fetch it with
//!   `read_return`), -1 when absent, or `-1 - code` on error;
//! - `state_read(token: i32, key: i32, key_len: i32, out: i32, out_cap: i32) -> i64`: as
//!   `state_get`, and a value of at most `out_cap` bytes is copied to `out` at once (a larger
//!   one is fetched with `read_return`);
//! - `state_set(token: i32, key: i32, key_len: i32, value: i32, value_len: i32) -> i32` and
//!   `state_remove(token: i32, key: i32, key_len: i32) -> i32`: 0 or the error code;
//! - `read_return(ptr: i32)`: copies the last returned bytes (an external request's data, an
//!   external response, a state value) to `ptr`;
//! - `respond(ptr: i32, len: i32)`: sets the call's response;
//! - `gas_left() -> i64`: gas the call has left.
//!
//! Imports are closed during setup (instantiation, a start function, `hv_packet`): a call to
//! one traps, so setup leaves every instance in the same state and burns the same gas. Every
//! call starts from that state (a reused instance is put back to it). Out-of-bounds pointers
//! trap. Every trap (and running out of gas or stack) fails the call:
//! its state changes are rolled back by the hypervisor and its caller gets an error code.

/// The machine id.
pub const MACHINE_ID: &str = "wasm";

/// The import module.
pub const IMPORT_MODULE: &str = "hypervisor";

/// Export: the packet's address.
pub const EXPORT_PACKET: &str = "hv_packet";
/// Export: responds with the metadata.
pub const EXPORT_METADATA: &str = "hv_metadata";
/// Export: handles the request in the packet.
pub const EXPORT_HANDLE: &str = "hv_handle";

/// Gas a handler's `hv_metadata` may burn (run once per code, by the node).
pub const METADATA_GAS: u64 = 10_000_000_000_000;

/// A handler's metadata as `hv_metadata` responds with it (borsh).
#[derive(Debug, Clone, PartialEq, Eq, Default, borsh::BorshSerialize, borsh::BorshDeserialize)]
pub struct WireMetadata {
    /// `(name, volatility, extra)`: volatility 0 volatile, 1 readonly, 2 pure.
    pub messages: Vec<(String, u8, Vec<u8>)>,
    /// Bytes for the state handler.
    pub state_config: Vec<u8>,
    /// Extra bytes.
    pub extra: Vec<u8>,
}
