//! The call spec the test handlers' callers forward (`hv_caller`, the native twins, and
//! `hypervisor-tester`'s `native:caller` and `data_call`): `len(receiver) ‖ receiver ‖
//! len(name) ‖ name ‖ gas (u64 LE) ‖ payload`, an empty receiver meaning a `module:` message
//! routed by name. A convention of those handlers, not part of the ABI.

use near_hypervisor::{Address, MessageName};

/// Encodes a call spec; `None` when the receiver or the name is longer than 255 bytes.
pub fn encode(receiver: Option<&Address>, name: &str, gas: u64, payload: &[u8]) -> Option<Vec<u8>> {
    let receiver = receiver.map_or(&[][..], Address::as_bytes);
    let mut out = vec![u8::try_from(receiver.len()).ok()?];
    out.extend_from_slice(receiver);
    out.push(u8::try_from(name.len()).ok()?);
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(&gas.to_le_bytes());
    out.extend_from_slice(payload);
    Some(out)
}

/// Decodes a call spec into `(receiver, name, gas, payload)`; `None` when malformed.
pub fn decode(data: &[u8]) -> Option<(Option<Address>, MessageName, u64, Vec<u8>)> {
    let receiver_len = usize::from(*data.first()?);
    let receiver = data.get(1..1 + receiver_len)?;
    let rest = data.get(1 + receiver_len..)?;
    let name_len = usize::from(*rest.first()?);
    let name = std::str::from_utf8(rest.get(1..1 + name_len)?).ok()?;
    let rest = rest.get(1 + name_len..)?;
    let gas = u64::from_le_bytes(rest.get(..8)?.try_into().ok()?);
    let receiver = if receiver.is_empty() { None } else { Some(Address::new(receiver.to_vec()).ok()?) };
    Some((receiver, MessageName::new(name).ok()?, gas, rest.get(8..)?.to_vec()))
}
