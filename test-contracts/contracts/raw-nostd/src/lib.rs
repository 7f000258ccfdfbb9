//! A `no_std` test contract that calls NEAR host functions directly, without near-sdk.
#![no_std]

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

#[allow(dead_code)]
extern "C" {
    fn input(register_id: u64);
    fn register_len(register_id: u64) -> u64;
    fn read_register(register_id: u64, ptr: u64);
    fn value_return(value_len: u64, value_ptr: u64);
    fn log_utf8(len: u64, ptr: u64);
    fn sha256(value_len: u64, value_ptr: u64, register_id: u64);
    fn storage_write(key_len: u64, key_ptr: u64, value_len: u64, value_ptr: u64, register_id: u64) -> u64;
    fn storage_read(key_len: u64, key_ptr: u64, register_id: u64) -> u64;
    fn block_index() -> u64;
    fn panic_utf8(len: u64, ptr: u64);
}

const KEY: &[u8] = b"counter";

/// Returns sha256 of the input.
#[no_mangle]
pub extern "C" fn hash_input() {
    unsafe {
        input(0);
        sha256(u64::MAX, 0, 1);
        value_return(u64::MAX, 1);
    }
}

/// Increments a u64 counter in storage and returns the new value (LE bytes).
#[no_mangle]
pub extern "C" fn increment() {
    let mut buf = [0u8; 8];
    unsafe {
        if storage_read(KEY.len() as u64, KEY.as_ptr() as u64, 0) == 1 && register_len(0) == 8 {
            read_register(0, buf.as_mut_ptr() as u64);
        }
        let next = (u64::from_le_bytes(buf) + 1).to_le_bytes();
        storage_write(KEY.len() as u64, KEY.as_ptr() as u64, 8, next.as_ptr() as u64, 0);
        let message = b"incremented";
        log_utf8(message.len() as u64, message.as_ptr() as u64);
        value_return(8, next.as_ptr() as u64);
    }
}

/// A loop of `input[0]` xorshift rounds; returns the final state (for exact-gas checks).
#[no_mangle]
pub extern "C" fn xorshift() {
    let mut buf = [0u8; 1];
    unsafe {
        input(0);
        if register_len(0) >= 1 {
            read_register(0, buf.as_mut_ptr() as u64);
        }
        let mut state = block_index() | 1;
        let mut i = 0;
        while i < buf[0] {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            i += 1;
        }
        let out = state.to_le_bytes();
        value_return(8, out.as_ptr() as u64);
    }
}

/// Recurses until the deterministic stack limit stops it.
/// `n` xorshift rounds, `n` given as decimal digits in the input (a compute-only loop, for
/// benchmarks); returns the state.
#[no_mangle]
pub extern "C" fn spin() {
    let mut digits = [0u8; 20];
    let mut n: u64 = 0;
    unsafe {
        input(0);
        let len = register_len(0);
        if len <= 20 {
            read_register(0, digits.as_mut_ptr() as u64);
            for &d in &digits[..len as usize] {
                n = n.wrapping_mul(10).wrapping_add(u64::from(d.wrapping_sub(b'0')));
            }
        }
        let mut state = block_index() | 1;
        let mut i = 0;
        while i < n {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            i += 1;
        }
        let out = state.to_le_bytes();
        value_return(8, out.as_ptr() as u64);
    }
}

#[no_mangle]
pub extern "C" fn recurse() {
    fn go(n: u64) -> u64 {
        if n == u64::MAX {
            return 0;
        }
        core::hint::black_box(go(core::hint::black_box(n + 1))) + 1
    }
    let out = go(0).to_le_bytes();
    unsafe { value_return(8, out.as_ptr() as u64) }
}

/// Panics with a UTF-8 message through the host.
#[no_mangle]
pub extern "C" fn fail() {
    let message = b"raw failure";
    unsafe { panic_utf8(message.len() as u64, message.as_ptr() as u64) }
}
