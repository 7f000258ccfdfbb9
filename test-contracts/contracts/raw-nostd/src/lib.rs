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
    fn p256_verify(sig_len: u64, sig_ptr: u64, msg_len: u64, msg_ptr: u64, pk_len: u64, pk_ptr: u64) -> u64;
    fn chain_id(register_id: u64);
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

/// RFC 6979 A.2.5's P-256 key (compressed) and its signature over the prehash 32 × 0x07.
const P256_KEY: [u8; 33] = hex(b"0360fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6");
const P256_SIG: [u8; 64] = hex(
    b"11371917ab11ccca08ec7444d8a05dac6c253b19cf163cfb75b408cdd2134ffb502537c7cad66661d4105005fe17a29b5e27ff23a81f9236a548b2eda6861d64",
);

const fn nibble(c: u8) -> u8 {
    if c <= b'9' {
        c - b'0'
    } else {
        c - b'a' + 10
    }
}

/// `N` bytes from `2 × N` lowercase hex digits.
const fn hex<const N: usize>(text: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    let mut i = 0;
    while i < N {
        out[i] = nibble(text[2 * i]) << 4 | nibble(text[2 * i + 1]);
        i += 1;
    }
    out
}

fn p256(sig: &[u8], msg: &[u8], key: &[u8]) {
    let result = unsafe {
        p256_verify(
            sig.len() as u64,
            sig.as_ptr() as u64,
            msg.len() as u64,
            msg.as_ptr() as u64,
            key.len() as u64,
            key.as_ptr() as u64,
        )
    };
    unsafe { value_return(8, result.to_le_bytes().as_ptr() as u64) };
}

/// `p256_verify` of RFC 6979's vector: 1.
#[no_mangle]
pub extern "C" fn p256_valid() {
    p256(&P256_SIG, &[7u8; 32], &P256_KEY);
}

/// The same signature over another prehash: 0.
#[no_mangle]
pub extern "C" fn p256_tampered() {
    p256(&P256_SIG, &[8u8; 32], &P256_KEY);
}

/// A 63-byte signature: the host error "invalid signature length".
#[no_mangle]
pub extern "C" fn p256_short_signature() {
    p256(&P256_SIG[..63], &[7u8; 32], &P256_KEY);
}

/// A 32-byte key: the host error "invalid public key length", after the message is charged.
#[no_mangle]
pub extern "C" fn p256_short_key() {
    p256(&P256_SIG, &[7u8; 32], &P256_KEY[..32]);
}

/// An all-zero signature (r = s = 0): 0, before the message and key are read.
#[no_mangle]
pub extern "C" fn p256_zero_signature() {
    p256(&[0u8; 64], &[7u8; 32], &P256_KEY);
}

/// Returns the chain id.
#[no_mangle]
pub extern "C" fn get_chain_id() {
    unsafe {
        chain_id(0);
        value_return(u64::MAX, 0);
    }
}
