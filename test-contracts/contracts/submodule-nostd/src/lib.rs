//! A `no_std` NEP-481 submodule: an "app" that asks its parent (the "OS") for everything it
//! needs. Requests it yields: `R key` (read), `W key=value` (write), `L text` (log). It
//! counts its runs in the parent's storage: reads `counter`, writes it plus one, logs it,
//! and returns `done <n>`.
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

/// Sends `request` to the parent; returns the answer's length (in `answer`).
fn ask(request: &[u8], answer: &mut [u8; 256]) -> usize {
    unsafe {
        callback(request.len() as u64, request.as_ptr() as u64);
        let len = get_input_size() as usize;
        if len > answer.len() {
            core::arch::wasm32::unreachable()
        }
        get_input(answer.as_mut_ptr() as u64);
        len
    }
}

fn write_decimal(mut n: u64, out: &mut [u8]) -> usize {
    let mut digits = [0u8; 20];
    let mut count = 0;
    loop {
        digits[count] = b'0' + (n % 10) as u8;
        count += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for i in 0..count {
        out[i] = digits[count - 1 - i];
    }
    count
}

#[export_name = "main"]
pub extern "C" fn submodule_main() {
    let mut answer = [0u8; 256];
    let len = ask(b"R counter", &mut answer);
    let mut current = 0u64;
    for &digit in &answer[..len] {
        if digit.is_ascii_digit() {
            current = current * 10 + u64::from(digit - b'0');
        }
    }
    let next = current + 1;
    let mut request = [0u8; 64];
    request[..10].copy_from_slice(b"W counter=");
    let n = write_decimal(next, &mut request[10..]);
    ask(&request[..10 + n], &mut answer);
    let mut log = [0u8; 64];
    log[..13].copy_from_slice(b"L counter is ");
    let n = write_decimal(next, &mut log[13..]);
    ask(&log[..13 + n], &mut answer);
    let mut done = [0u8; 32];
    done[..5].copy_from_slice(b"done ");
    let n = write_decimal(next, &mut done[5..]);
    unsafe { return_value((5 + n) as u64, done.as_ptr() as u64) };
}
