//! NEP-481 benchmark, the compiled side: the three workloads of `bench-interp`'s interpreter
//! written as a `no_std` submodule. Its first `callback` asks the parent for the job
//! (`<workload><n>`: `a` arithmetic loop, `h` hash chain, `s` storage writes, `n` in decimal);
//! the hash chain yields every 32-byte digest for the parent to hash (the parent has the host's
//! `sha256`), the storage workload yields every 16-byte key/value for the parent to write.
#![no_std]

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

extern "C" {
    fn callback(len: u64, ptr: u64);
    fn get_input_size() -> u64;
    fn get_input(ptr: u64);
    fn return_value(len: u64, ptr: u64);
}

/// Yields `bytes` and reads the parent's answer into `answer`; its length.
fn ask(bytes: &[u8], answer: &mut [u8; 64]) -> usize {
    unsafe {
        callback(bytes.len() as u64, bytes.as_ptr() as u64);
        let len = get_input_size() as usize;
        if len > answer.len() {
            core::arch::wasm32::unreachable()
        }
        get_input(answer.as_mut_ptr() as u64);
        len
    }
}

fn decimal(digits: &[u8]) -> u64 {
    digits.iter().fold(0u64, |n, d| n.wrapping_mul(10).wrapping_add(u64::from(d.wrapping_sub(b'0'))))
}

#[export_name = "main"]
pub extern "C" fn submodule_main() {
    let mut answer = [0u8; 64];
    let len = ask(b"job?", &mut answer);
    if len == 0 {
        core::arch::wasm32::unreachable()
    }
    let n = decimal(&answer[1..len]);
    let result: u64 = match answer[0] {
        b'a' => {
            let mut x: u64 = 1;
            let mut i = n;
            while i != 0 {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                i -= 1;
            }
            x
        }
        b'h' => {
            let mut digest = [0u8; 32];
            for _ in 0..n {
                let mut reply = [0u8; 64];
                if ask(&digest, &mut reply) != 32 {
                    core::arch::wasm32::unreachable()
                }
                digest.copy_from_slice(&reply[..32]);
            }
            u64::from_le_bytes([digest[0], digest[1], digest[2], digest[3], digest[4], digest[5], digest[6], digest[7]])
        }
        b's' => {
            let mut i = n;
            while i != 0 {
                let mut entry = [0u8; 16];
                entry[..8].copy_from_slice(&i.to_le_bytes());
                entry[8..].copy_from_slice(&i.wrapping_mul(31).to_le_bytes());
                ask(&entry, &mut answer);
                i -= 1;
            }
            n
        }
        _ => core::arch::wasm32::unreachable(),
    };
    let out = result.to_le_bytes();
    unsafe { return_value(8, out.as_ptr() as u64) };
}
