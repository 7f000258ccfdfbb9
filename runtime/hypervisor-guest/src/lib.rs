//! Write RFC-003 wasm account handlers in plain Rust: `no_std` (with `alloc`), for
//! wasm32-unknown-unknown, on near-hypervisor-wasm's ABI (docs/rfc-003.md).
//!
//! A handler is a `cdylib` that calls [`handler!`] with its messages and a function
//! `fn(&Request) -> Result<Vec<u8>, u16>`; the macro exports `hv_packet`, `hv_metadata` and
//! `hv_handle`. On wasm32 the crate also provides the allocator (a bump allocator over a 64 KiB
//! arena in the module's initial memory, then growing memory: every call starts from the
//! memory setup left, so nothing needs freeing) and the panic handler (a trap: the call
//! fails and its state changes are rolled back).
#![no_std]

extern crate alloc;

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::cell::UnsafeCell;

/// Bytes in a packet.
pub const PACKET_SIZE: usize = 65_536;
const DATA_OFFSET: usize = 1024;
const DATA_CAPACITY: usize = PACKET_SIZE - DATA_OFFSET;
mod offsets {
    pub const ADDRESS: usize = 0;
    pub const CALLER: usize = 64;
    pub const NAME: usize = 128;
    pub const STATE_TOKEN: usize = 256;
    pub const CONTEXT_TOKEN: usize = 288;
    pub const GAS_LIMIT: usize = 320;
    pub const DATA_LEN: usize = 336;
    pub const RESPONSE_LEN: usize = 340;
    pub const ERROR_CODE: usize = 344;
    pub const FLAGS: usize = 346;
    pub const REQUEST_BUFFER: usize = 352;
    pub const REQUEST_BUFFER_LEN: usize = 368;
    pub const RESPONSE_BUFFER_LEN: usize = 376;
}

/// What a message may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Volatility {
    /// May write state and call anything.
    Volatile = 0,
    /// Reads state, calls readonly and pure messages.
    Readonly = 1,
    /// No state, calls pure messages only.
    Pure = 2,
}

/// Error codes the hypervisor defines (`ErrorCode::code`); handler codes are `256 + n`.
pub mod codes {
    /// A handler-defined error `n`.
    pub const fn handler(n: u8) -> u16 {
        256 + n as u16
    }
    /// `Encoding`.
    pub const ENCODING: u16 = 130;
    /// `Other`.
    pub const OTHER: u16 = 128;
}

#[repr(C, align(65536))]
struct Packet(UnsafeCell<[u8; PACKET_SIZE]>);

// SAFETY: a wasm handler instance is single-threaded.
unsafe impl Sync for Packet {}

/// The packet requests arrive in (`hv_packet`); the host writes it before `hv_handle` and
/// never during the call, so a [`Request`] borrows from it.
static PACKET: Packet = Packet(UnsafeCell::new([0; PACKET_SIZE]));

/// The packet outgoing messages are written into and their responses come back in.
static OUTGOING: Packet = Packet(UnsafeCell::new([0; PACKET_SIZE]));

fn incoming() -> &'static [u8; PACKET_SIZE] {
    // SAFETY: single-threaded instance; the host writes this packet only between calls.
    unsafe { &*PACKET.0.get() }
}

fn outgoing() -> &'static mut [u8; PACKET_SIZE] {
    // SAFETY: single-threaded instance; the references never outlive one library call.
    unsafe { &mut *OUTGOING.0.get() }
}

#[link(wasm_import_module = "hypervisor")]
extern "C" {
    #[link_name = "invoke"]
    fn hv_invoke(packet: *mut u8) -> u32;
    #[link_name = "state_read"]
    fn hv_state_read(token: *const u8, key: *const u8, key_len: u32, out: *mut u8, out_cap: u32) -> i64;
    #[link_name = "state_set"]
    fn hv_state_set(token: *const u8, key: *const u8, key_len: u32, value: *const u8, value_len: u32) -> u32;
    #[link_name = "state_remove"]
    fn hv_state_remove(token: *const u8, key: *const u8, key_len: u32) -> u32;
    #[link_name = "read_return"]
    fn hv_read_return(ptr: *mut u8);
    #[link_name = "respond"]
    fn hv_respond(ptr: *const u8, len: u32);
    #[link_name = "gas_left"]
    fn hv_gas_left() -> u64;
}

fn u32_at(bytes: &[u8], offset: usize) -> usize {
    let mut value = [0; 4];
    value.copy_from_slice(&bytes[offset..offset + 4]);
    u32::from_le_bytes(value) as usize
}

fn u64_at(bytes: &[u8], offset: usize) -> u64 {
    let mut value = [0; 8];
    value.copy_from_slice(&bytes[offset..offset + 8]);
    u64::from_le_bytes(value)
}

fn slot(bytes: &[u8], offset: usize) -> &[u8] {
    let len = bytes[offset] as usize;
    &bytes[offset + 1..offset + 1 + len]
}

fn put_slot(bytes: &mut [u8], offset: usize, size: usize, value: &[u8]) {
    bytes[offset] = value.len() as u8;
    bytes[offset + 1..offset + 1 + value.len()].copy_from_slice(value);
    bytes[offset + 1 + value.len()..offset + size].fill(0);
}

fn take_returned(len: usize) -> Vec<u8> {
    let mut out = vec![0; len];
    // SAFETY: `out` has room for the `len` bytes the host returned.
    unsafe { hv_read_return(out.as_mut_ptr()) };
    out
}

/// The request being handled, borrowed from the packet it arrived in.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// The account's own address.
    pub address: &'a [u8],
    /// The caller, if any.
    pub caller: Option<&'a [u8]>,
    /// The message name.
    pub name: &'a str,
    /// The message data.
    pub data: &'a [u8],
    /// Grants access to the account's state.
    pub state_token: [u8; 32],
    /// Pass it to [`Request::invoke`].
    pub context_token: [u8; 32],
    /// Gas this call may use.
    pub gas_limit: u64,
}

impl Request<'static> {
    /// Reads the request from the packet (and an external buffer for large data, fetched once
    /// and kept for the rest of the call).
    pub fn read() -> Request<'static> {
        let bytes = incoming();
        let data: &'static [u8] = if bytes[offsets::FLAGS] & 1 != 0 {
            let fetched = take_returned(u64_at(bytes, offsets::REQUEST_BUFFER_LEN) as usize);
            alloc::boxed::Box::leak(fetched.into_boxed_slice())
        } else {
            let len = u32_at(bytes, offsets::DATA_LEN).min(DATA_CAPACITY);
            &bytes[DATA_OFFSET..DATA_OFFSET + len]
        };
        let caller = slot(bytes, offsets::CALLER);
        let mut state_token = [0; 32];
        state_token.copy_from_slice(&bytes[offsets::STATE_TOKEN..offsets::STATE_TOKEN + 32]);
        let mut context_token = [0; 32];
        context_token.copy_from_slice(&bytes[offsets::CONTEXT_TOKEN..offsets::CONTEXT_TOKEN + 32]);
        Request {
            address: slot(bytes, offsets::ADDRESS),
            caller: if caller.is_empty() { None } else { Some(caller) },
            name: core::str::from_utf8(slot(bytes, offsets::NAME)).unwrap_or_default(),
            data,
            state_token,
            context_token,
            gas_limit: u64_at(bytes, offsets::GAS_LIMIT),
        }
    }
}

impl Request<'_> {
    /// Sends `name` with `data` to `receiver` (`None`: a `module:` message routed by name) as
    /// this account, with at most `gas_limit` gas.
    ///
    /// # Errors
    /// The error code the call ended with.
    pub fn invoke(&self, receiver: Option<&[u8]>, name: &str, data: &[u8], gas_limit: u64) -> Result<Vec<u8>, u16> {
        self.invoke_as(receiver, None, name, data, gas_limit)
    }

    /// As [`Request::invoke`], acting as `caller` (allowed only by an authorization middleware).
    ///
    /// # Errors
    /// The error code the call ended with.
    pub fn invoke_as(
        &self,
        receiver: Option<&[u8]>,
        caller: Option<&[u8]>,
        name: &str,
        data: &[u8],
        gas_limit: u64,
    ) -> Result<Vec<u8>, u16> {
        // The outgoing packet: every field the host reads is written (the rest is the host's).
        let bytes = outgoing();
        put_slot(bytes, offsets::ADDRESS, 64, receiver.unwrap_or(&[]));
        put_slot(bytes, offsets::CALLER, 64, caller.unwrap_or(&[]));
        put_slot(bytes, offsets::NAME, 128, name.as_bytes());
        bytes[offsets::CONTEXT_TOKEN..offsets::CONTEXT_TOKEN + 32].copy_from_slice(&self.context_token);
        bytes[offsets::GAS_LIMIT..offsets::GAS_LIMIT + 8].copy_from_slice(&gas_limit.to_le_bytes());
        let inline = data.len() <= DATA_CAPACITY;
        if inline {
            bytes[offsets::FLAGS] = 0;
            bytes[offsets::DATA_LEN..offsets::DATA_LEN + 4].copy_from_slice(&(data.len() as u32).to_le_bytes());
            bytes[DATA_OFFSET..DATA_OFFSET + data.len()].copy_from_slice(data);
        } else {
            bytes[offsets::FLAGS] = 1;
            bytes[offsets::DATA_LEN..offsets::DATA_LEN + 4].fill(0);
            let ptr = data.as_ptr() as usize as u64;
            bytes[offsets::REQUEST_BUFFER..offsets::REQUEST_BUFFER + 8].copy_from_slice(&ptr.to_le_bytes());
            let len = data.len() as u64;
            bytes[offsets::REQUEST_BUFFER_LEN..offsets::REQUEST_BUFFER_LEN + 8].copy_from_slice(&len.to_le_bytes());
        }
        // SAFETY: the packet is ours and 64 KiB long; external data stays alive during the call.
        let code = unsafe { hv_invoke(bytes.as_mut_ptr()) };
        let bytes = outgoing();
        if code != 0 {
            return Err(code as u16);
        }
        debug_assert_eq!(u32_at(bytes, offsets::ERROR_CODE) & 0xffff, 0);
        if bytes[offsets::FLAGS] & 2 != 0 {
            return Ok(take_returned(u64_at(bytes, offsets::RESPONSE_BUFFER_LEN) as usize));
        }
        let start = DATA_OFFSET + if inline { data.len() } else { 0 };
        let len = u32_at(bytes, offsets::RESPONSE_LEN);
        Ok(bytes[start..start + len].to_vec())
    }

    /// Reads `key` of this account's state.
    ///
    /// # Errors
    /// The error code (e.g. a `pure` message has no state).
    pub fn state_get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, u16> {
        // Values up to this many bytes arrive with the read (no `read_return`).
        const SMALL: usize = 128;
        let mut small = [0u8; SMALL];
        // SAFETY: pointers to live buffers of the given lengths.
        let len = unsafe {
            hv_state_read(self.state_token.as_ptr(), key.as_ptr(), key.len() as u32, small.as_mut_ptr(), SMALL as u32)
        };
        match len {
            -1 => Ok(None),
            len if len >= 0 && len as usize <= SMALL => Ok(Some(small[..len as usize].to_vec())),
            len if len >= 0 => Ok(Some(take_returned(len as usize))),
            code => Err((-1 - code) as u16),
        }
    }

    /// Writes `key` of this account's state.
    ///
    /// # Errors
    /// The error code (e.g. a readonly message cannot write).
    pub fn state_set(&self, key: &[u8], value: &[u8]) -> Result<(), u16> {
        // SAFETY: pointers to live buffers of the given lengths.
        let code = unsafe {
            hv_state_set(self.state_token.as_ptr(), key.as_ptr(), key.len() as u32, value.as_ptr(), value.len() as u32)
        };
        if code == 0 {
            Ok(())
        } else {
            Err(code as u16)
        }
    }

    /// Removes `key` of this account's state.
    ///
    /// # Errors
    /// As [`Request::state_set`].
    pub fn state_remove(&self, key: &[u8]) -> Result<(), u16> {
        // SAFETY: pointers to live buffers of the given lengths.
        let code = unsafe { hv_state_remove(self.state_token.as_ptr(), key.as_ptr(), key.len() as u32) };
        if code == 0 {
            Ok(())
        } else {
            Err(code as u16)
        }
    }
}

/// Gas this call has left.
pub fn gas_left() -> u64 {
    // SAFETY: no arguments.
    unsafe { hv_gas_left() }
}

/// Sets the call's response.
pub fn respond(data: &[u8]) {
    // SAFETY: a live buffer of the given length.
    unsafe { hv_respond(data.as_ptr(), data.len() as u32) }
}

/// The packet's address (the `hv_packet` export).
pub fn packet_address() -> i32 {
    PACKET.0.get() as usize as i32
}

/// Responds with the metadata (the `hv_metadata` export).
pub fn respond_metadata(messages: &[(&str, Volatility)]) {
    let messages: Vec<(String, u8, Vec<u8>)> =
        messages.iter().map(|(name, volatility)| (String::from(*name), *volatility as u8, Vec::new())).collect();
    let wire = (messages, Vec::<u8>::new(), Vec::<u8>::new());
    respond(&borsh::to_vec(&wire).unwrap_or_default());
}

/// Runs `handle` on the request and responds (the `hv_handle` export).
pub fn dispatch(handle: fn(&Request<'_>) -> Result<Vec<u8>, u16>) -> i32 {
    match handle(&Request::read()) {
        Ok(response) => {
            respond(&response);
            0
        }
        Err(code) => i32::from(code),
    }
}

/// Exports a handler: its messages with their volatility, and the function handling them.
#[macro_export]
macro_rules! handler {
    (messages: [$(($name:expr, $volatility:expr)),* $(,)?], handle: $handle:path $(,)?) => {
        #[no_mangle]
        pub extern "C" fn hv_packet() -> i32 {
            $crate::packet_address()
        }
        #[no_mangle]
        pub extern "C" fn hv_metadata() {
            $crate::respond_metadata(&[$(($name, $volatility)),*]);
        }
        #[no_mangle]
        pub extern "C" fn hv_handle() -> i32 {
            $crate::dispatch($handle)
        }
    };
}

#[cfg(target_arch = "wasm32")]
mod runtime {
    use core::alloc::{GlobalAlloc, Layout};
    use core::cell::{Cell, UnsafeCell};

    /// Bytes of the arena the allocator serves first: part of the module's initial memory, so
    /// a call that allocates less never grows memory (a call that grows memory cannot have its
    /// instance reused).
    const ARENA_SIZE: usize = 64 * 1024;

    #[repr(C, align(16))]
    struct Arena(UnsafeCell<[u8; ARENA_SIZE]>);

    // SAFETY: a wasm handler instance is single-threaded.
    unsafe impl Sync for Arena {}

    static ARENA: Arena = Arena(UnsafeCell::new([0; ARENA_SIZE]));

    /// Hands out memory upwards, from the arena and then from the heap base, growing memory
    /// as needed; never frees (each call starts from the memory setup left).
    struct Bump(Cell<usize>);

    // SAFETY: a wasm handler instance is single-threaded.
    unsafe impl Sync for Bump {}

    extern "C" {
        static __heap_base: u8;
    }

    fn align(address: usize, layout: Layout) -> Option<(usize, usize)> {
        let start = address.checked_add(layout.align() - 1)? & !(layout.align() - 1);
        Some((start, start.checked_add(layout.size())?))
    }

    // SAFETY: returns aligned, non-overlapping blocks inside memory, or null.
    unsafe impl GlobalAlloc for Bump {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            let arena = ARENA.0.get() as usize;
            let mut next = self.0.get();
            if next == 0 {
                next = arena;
            }
            let Some((mut start, mut end)) = align(next, layout) else { return core::ptr::null_mut() };
            if next < arena + ARENA_SIZE && end > arena + ARENA_SIZE {
                // The arena is used up: continue past the heap base.
                let heap = core::ptr::addr_of!(__heap_base) as usize;
                let Some(block) = align(heap, layout) else { return core::ptr::null_mut() };
                (start, end) = block;
            }
            let size = core::arch::wasm32::memory_size(0) * 65_536;
            if end > size {
                let pages = (end - size).div_ceil(65_536);
                if core::arch::wasm32::memory_grow(0, pages) == usize::MAX {
                    return core::ptr::null_mut();
                }
            }
            self.0.set(end);
            start as *mut u8
        }

        unsafe fn dealloc(&self, _: *mut u8, _: Layout) {}
    }

    #[global_allocator]
    static ALLOCATOR: Bump = Bump(Cell::new(0));

    #[panic_handler]
    fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
        core::arch::wasm32::unreachable()
    }
}
