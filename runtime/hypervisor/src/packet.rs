//! The 64 KiB message packet: the fixed wire form of a message request and its response, for
//! VMs that exchange messages through memory (the wasm VM maps it onto one 64 KiB page of a
//! handler's memory). Native handlers receive the decoded [`MessageRequest`] directly.
//!
//! A packet is 65,536 bytes, allocated 64 KiB-aligned ([`Packet::new`]). Layout, all integers
//! little-endian:
//!
//! | offset | bytes | field |
//! |---|---|---|
//! | 0 | 64 | receiving address slot (length byte, up to 63 bytes) |
//! | 64 | 64 | caller address slot (length 0: no caller) |
//! | 128 | 128 | message name slot (length byte, up to 127 characters) |
//! | 256 | 32 | state token |
//! | 288 | 32 | context token |
//! | 320 | 8 | gas limit |
//! | 328 | 8 | gas used (written with the response) |
//! | 336 | 4 | request data length |
//! | 340 | 4 | response length (written with the response) |
//! | 344 | 2 | error code (0: success; written with the response) |
//! | 346 | 1 | flags: bit 0 = request data is in an external buffer, bit 1 = response is |
//! | 347 | 5 | reserved, zero |
//! | 352 | 8 | external request buffer id (when flag bit 0) |
//! | 360 | 8 | external response buffer id (when flag bit 1) |
//! | 368 | 8 | external request data length (when flag bit 0) |
//! | 376 | 8 | external response length (when flag bit 1) |
//! | 384 | 640 | reserved, zero |
//! | 1024 | 64,512 | data area: request data from offset 1024, the response after it |
//!
//! The data area holds 63 KiB (more than the RFC's 56 KiB minimum) shared by the request data
//! and the response. Data that does not fit goes in an external buffer the hypervisor keeps,
//! referenced by id (the RFC allows referenced buffers); the in-packet length then stays 0.

use crate::types::{ADDRESS_SLOT, Address, ErrorCode, MessageName, NAME_SLOT};
use crate::vm::MessageRequest;

/// Bytes in a packet.
pub const PACKET_SIZE: usize = 65_536;
/// Where the data area starts.
pub const DATA_OFFSET: usize = 1024;
/// Bytes of the data area (request and response together).
pub const DATA_CAPACITY: usize = PACKET_SIZE - DATA_OFFSET;

/// Offsets of the header fields.
pub mod offsets {
    /// Receiving address slot.
    pub const ADDRESS: usize = 0;
    /// Caller address slot.
    pub const CALLER: usize = 64;
    /// Message name slot.
    pub const NAME: usize = 128;
    /// State token.
    pub const STATE_TOKEN: usize = 256;
    /// Context token.
    pub const CONTEXT_TOKEN: usize = 288;
    /// Gas limit.
    pub const GAS_LIMIT: usize = 320;
    /// Gas used.
    pub const GAS_USED: usize = 328;
    /// Request data length.
    pub const DATA_LEN: usize = 336;
    /// Response length.
    pub const RESPONSE_LEN: usize = 340;
    /// Error code.
    pub const ERROR_CODE: usize = 344;
    /// Flags.
    pub const FLAGS: usize = 346;
    /// External request buffer id.
    pub const REQUEST_BUFFER: usize = 352;
    /// External response buffer id.
    pub const RESPONSE_BUFFER: usize = 360;
    /// External request data length.
    pub const REQUEST_BUFFER_LEN: usize = 368;
    /// External response length.
    pub const RESPONSE_BUFFER_LEN: usize = 376;
}

/// The bytes of a packet, wherever they live (a [`Packet`], or a 64 KiB page of a handler's
/// memory).
pub type PacketBytes = [u8; PACKET_SIZE];

/// Flag bit: the request data is in an external buffer.
pub const FLAG_EXTERNAL_REQUEST: u8 = 1;
/// Flag bit: the response is in an external buffer.
pub const FLAG_EXTERNAL_RESPONSE: u8 = 2;

#[repr(C, align(65536))]
struct Aligned([u8; PACKET_SIZE]);

/// A 64 KiB, 64 KiB-aligned packet.
pub struct Packet(Box<Aligned>);

/// A request read back from a packet, owning what it read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadRequest {
    /// The receiving account.
    pub address: Address,
    /// The caller, if any.
    pub caller: Option<Address>,
    /// The message name.
    pub name: MessageName,
    /// The data, inline or by external buffer id.
    pub data: PacketData,
    /// The state token.
    pub state_token: [u8; 32],
    /// The context token.
    pub context_token: [u8; 32],
    /// The gas limit.
    pub gas_limit: u64,
}

impl ReadRequest {
    /// As a message request (external data reads as empty: fetch the buffer by id).
    pub fn as_request(&self) -> MessageRequest<'_> {
        let data = match &self.data {
            PacketData::Inline(bytes) => bytes.as_slice(),
            PacketData::External(_) => &[],
        };
        MessageRequest {
            address: &self.address,
            caller: self.caller.as_ref(),
            name: &self.name,
            data,
            state_token: self.state_token,
            context_token: self.context_token,
            gas_limit: self.gas_limit,
        }
    }
}

/// Where the request data is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PacketData {
    /// In the data area.
    Inline(Vec<u8>),
    /// In external buffer `id`.
    External(u64),
}

impl Default for Packet {
    fn default() -> Self {
        Packet::new()
    }
}

impl Packet {
    /// A zeroed packet.
    pub fn new() -> Packet {
        Packet(Box::new(Aligned([0; PACKET_SIZE])))
    }

    /// The bytes.
    pub fn bytes(&self) -> &[u8; PACKET_SIZE] {
        &self.0.0
    }

    /// The bytes, writable.
    pub fn bytes_mut(&mut self) -> &mut [u8; PACKET_SIZE] {
        &mut self.0.0
    }

    /// Writes a request (the header and the data, or the id and length of the external buffer
    /// holding it when it does not fit). Clears the response fields.
    pub fn write_request(&mut self, request: &MessageRequest<'_>, external: Option<u64>) {
        write_request(&mut self.0.0, request, external);
    }

    /// Reads the request back (the data, or the external buffer id).
    ///
    /// # Errors
    /// `Encoding` for a malformed slot or a length past the data area.
    pub fn read_request(&self) -> Result<ReadRequest, ErrorCode> {
        read_request(&self.0.0)
    }

    /// Writes a response after the request data: the bytes if they fit, else the id of the
    /// external buffer holding them (and their length); the error code (0 for success) and the
    /// gas used.
    pub fn write_response(&mut self, result: &Result<Vec<u8>, ErrorCode>, gas_used: u64, external: Option<u64>) {
        write_response(&mut self.0.0, result, gas_used, external);
    }

    /// Whether `len` response bytes fit after the request data.
    pub fn response_fits(&self, len: usize) -> bool {
        len <= DATA_CAPACITY - u32_at(&self.0.0, offsets::DATA_LEN).min(DATA_CAPACITY)
    }
}

fn put(bytes: &mut PacketBytes, offset: usize, value: &[u8]) {
    bytes[offset..offset + value.len()].copy_from_slice(value);
}

/// The u64 at `offset`.
pub fn u64_at(bytes: &PacketBytes, offset: usize) -> u64 {
    let mut value = [0u8; 8];
    value.copy_from_slice(&bytes[offset..offset + 8]);
    u64::from_le_bytes(value)
}

/// The u32 at `offset`, as a length.
pub fn u32_at(bytes: &PacketBytes, offset: usize) -> usize {
    let mut value = [0u8; 4];
    value.copy_from_slice(&bytes[offset..offset + 4]);
    u32::from_le_bytes(value) as usize
}

/// Writes a request (the header and the data, or the id and length of the external buffer
/// holding it when it does not fit). Clears the response fields.
pub fn write_request(bytes: &mut PacketBytes, request: &MessageRequest<'_>, external: Option<u64>) {
    bytes[..DATA_OFFSET].fill(0);
    put(bytes, offsets::ADDRESS, &request.address.to_slot());
    if let Some(caller) = request.caller {
        put(bytes, offsets::CALLER, &caller.to_slot());
    }
    put(bytes, offsets::NAME, &request.name.to_slot());
    put(bytes, offsets::STATE_TOKEN, &request.state_token);
    put(bytes, offsets::CONTEXT_TOKEN, &request.context_token);
    put(bytes, offsets::GAS_LIMIT, &request.gas_limit.to_le_bytes());
    match external {
        Some(id) => {
            bytes[offsets::FLAGS] = FLAG_EXTERNAL_REQUEST;
            put(bytes, offsets::REQUEST_BUFFER, &id.to_le_bytes());
            put(bytes, offsets::REQUEST_BUFFER_LEN, &(request.data.len() as u64).to_le_bytes());
        }
        None => {
            let len = request.data.len().min(DATA_CAPACITY);
            put(bytes, offsets::DATA_LEN, &u32::try_from(len).unwrap_or(u32::MAX).to_le_bytes());
            put(bytes, DATA_OFFSET, &request.data[..len]);
        }
    }
}

/// Reads the request back (the data, or the external buffer id).
///
/// # Errors
/// `Encoding` for a malformed slot or a length past the data area.
pub fn read_request(bytes: &PacketBytes) -> Result<ReadRequest, ErrorCode> {
    let slot = |offset: usize| -> [u8; ADDRESS_SLOT] {
        let mut s = [0u8; ADDRESS_SLOT];
        s.copy_from_slice(&bytes[offset..offset + ADDRESS_SLOT]);
        s
    };
    let address = Address::from_slot(&slot(offsets::ADDRESS))?.ok_or(ErrorCode::Encoding)?;
    let caller = Address::from_slot(&slot(offsets::CALLER))?;
    let mut name = [0u8; NAME_SLOT];
    name.copy_from_slice(&bytes[offsets::NAME..offsets::NAME + NAME_SLOT]);
    let mut state_token = [0u8; 32];
    state_token.copy_from_slice(&bytes[offsets::STATE_TOKEN..offsets::STATE_TOKEN + 32]);
    let mut context_token = [0u8; 32];
    context_token.copy_from_slice(&bytes[offsets::CONTEXT_TOKEN..offsets::CONTEXT_TOKEN + 32]);
    let data = if bytes[offsets::FLAGS] & FLAG_EXTERNAL_REQUEST != 0 {
        PacketData::External(u64_at(bytes, offsets::REQUEST_BUFFER))
    } else {
        let len = u32_at(bytes, offsets::DATA_LEN);
        let bytes = bytes.get(DATA_OFFSET..DATA_OFFSET + len).ok_or(ErrorCode::Encoding)?;
        PacketData::Inline(bytes.to_vec())
    };
    Ok(ReadRequest {
        address,
        caller,
        name: MessageName::from_slot(&name)?,
        data,
        state_token,
        context_token,
        gas_limit: u64_at(bytes, offsets::GAS_LIMIT),
    })
}

/// Writes a response after the request data: the bytes if they fit, else the id of the
/// external buffer holding them and their length; the error code (0 for success) and the gas used.
pub fn write_response(
    bytes: &mut PacketBytes,
    result: &Result<Vec<u8>, ErrorCode>,
    gas_used: u64,
    external: Option<u64>,
) {
    // The length may come from untrusted memory: bounded, never an overflow.
    let request_len = u32_at(bytes, offsets::DATA_LEN).min(DATA_CAPACITY);
    put(bytes, offsets::GAS_USED, &gas_used.to_le_bytes());
    match result {
        Ok(response) => {
            put(bytes, offsets::ERROR_CODE, &0u16.to_le_bytes());
            match external {
                Some(id) => {
                    bytes[offsets::FLAGS] |= FLAG_EXTERNAL_RESPONSE;
                    put(bytes, offsets::RESPONSE_BUFFER, &id.to_le_bytes());
                    put(bytes, offsets::RESPONSE_BUFFER_LEN, &(response.len() as u64).to_le_bytes());
                    put(bytes, offsets::RESPONSE_LEN, &0u32.to_le_bytes());
                }
                None => {
                    let len = response.len().min(DATA_CAPACITY - request_len);
                    put(bytes, offsets::RESPONSE_LEN, &u32::try_from(len).unwrap_or(u32::MAX).to_le_bytes());
                    put(bytes, DATA_OFFSET + request_len, &response[..len]);
                }
            }
        }
        Err(code) => {
            put(bytes, offsets::ERROR_CODE, &code.code().to_le_bytes());
            put(bytes, offsets::RESPONSE_LEN, &0u32.to_le_bytes());
        }
    }
}
