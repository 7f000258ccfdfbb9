//! Helpers shared by the handlers in `examples/`.
#![no_std]

extern crate alloc;

use alloc::vec::Vec;

/// A u64 from little-endian bytes (0 when absent or short).
pub fn u64_of(bytes: Option<&[u8]>) -> u64 {
    match bytes {
        Some(b) if b.len() >= 8 => {
            let mut v = [0; 8];
            v.copy_from_slice(&b[..8]);
            u64::from_le_bytes(v)
        }
        _ => 0,
    }
}

/// A call spec `len(receiver) ‖ receiver ‖ len(name) ‖ name ‖ gas (u64 LE) ‖ payload` parsed
/// as `(receiver (None when empty), name, gas, payload)`.
pub fn parse_call(data: &[u8]) -> Option<(Option<&[u8]>, &str, u64, &[u8])> {
    let receiver_len = *data.first()? as usize;
    let receiver = data.get(1..1 + receiver_len)?;
    let rest = &data[1 + receiver_len..];
    let name_len = *rest.first()? as usize;
    let name = core::str::from_utf8(rest.get(1..1 + name_len)?).ok()?;
    let rest = &rest[1 + name_len..];
    let gas = u64_of(rest.get(..8));
    let payload = rest.get(8..)?;
    Some(((!receiver.is_empty()).then_some(receiver), name, gas, payload))
}

/// Builds a call spec (see [`parse_call`]).
pub fn call_spec(receiver: &[u8], name: &str, gas: u64, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    out.push(receiver.len() as u8);
    out.extend_from_slice(receiver);
    out.push(name.len() as u8);
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(&gas.to_le_bytes());
    out.extend_from_slice(payload);
    out
}
