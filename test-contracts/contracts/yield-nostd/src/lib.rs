//! A `no_std` NEP-519 test contract: creates and resumes yields through the host functions
//! directly, so tests control every byte (ids, payload sizes, malformed input).
//!
//! Conventions: a data id or yield id is 32 bytes; `u8`/`u64` results are returned as raw
//! bytes (`u64` little-endian).
#![no_std]

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

extern "C" {
    fn input(register_id: u64);
    fn register_len(register_id: u64) -> u64;
    fn read_register(register_id: u64, ptr: u64);
    fn value_return(value_len: u64, value_ptr: u64);
    fn storage_write(key_len: u64, key_ptr: u64, value_len: u64, value_ptr: u64, register_id: u64) -> u64;
    fn storage_read(key_len: u64, key_ptr: u64, register_id: u64) -> u64;
    fn current_account_id(register_id: u64);
    fn promise_results_count() -> u64;
    fn promise_result(result_idx: u64, register_id: u64) -> u64;
    fn promise_return(promise_idx: u64);
    fn promise_then(
        promise_index: u64,
        account_id_len: u64,
        account_id_ptr: u64,
        method_name_len: u64,
        method_name_ptr: u64,
        arguments_len: u64,
        arguments_ptr: u64,
        amount_ptr: u64,
        gas: u64,
    ) -> u64;
    fn promise_create(
        account_id_len: u64,
        account_id_ptr: u64,
        method_name_len: u64,
        method_name_ptr: u64,
        arguments_len: u64,
        arguments_ptr: u64,
        amount_ptr: u64,
        gas: u64,
    ) -> u64;
    fn promise_yield_create(
        method_name_len: u64,
        method_name_ptr: u64,
        arguments_len: u64,
        arguments_ptr: u64,
        gas: u64,
        gas_weight: u64,
        register_id: u64,
    ) -> u64;
    fn promise_yield_resume(data_id_len: u64, data_id_ptr: u64, payload_len: u64, payload_ptr: u64) -> u32;
    fn promise_yield_create_with_id(
        method_name_len: u64,
        method_name_ptr: u64,
        arguments_len: u64,
        arguments_ptr: u64,
        amount_ptr: u64,
        gas: u64,
        gas_weight: u64,
        yield_id_len: u64,
        yield_id_ptr: u64,
    ) -> u64;
    fn promise_yield_resume_with_yield_id(
        yield_id_len: u64,
        yield_id_ptr: u64,
        payload_len: u64,
        payload_ptr: u64,
    ) -> u32;
}

const DATA_ID_KEY: &[u8] = &42u64.to_le_bytes();
const STATUS_KEY: &[u8] = &123u64.to_le_bytes();
const MAX_INPUT: usize = 8192;

/// The call's input in a fixed buffer; returns its length.
fn read_input(buf: &mut [u8; MAX_INPUT]) -> usize {
    unsafe {
        input(0);
        let len = register_len(0) as usize;
        if len > MAX_INPUT {
            core::arch::wasm32::unreachable()
        }
        read_register(0, buf.as_mut_ptr() as u64);
        len
    }
}

fn ret(bytes: &[u8]) {
    unsafe { value_return(bytes.len() as u64, bytes.as_ptr() as u64) }
}

fn yield_to(method: &[u8], args: &[u8]) -> (u64, [u8; 32]) {
    let mut data_id = [0u8; 32];
    unsafe {
        let index = promise_yield_create(
            method.len() as u64,
            method.as_ptr() as u64,
            args.len() as u64,
            args.as_ptr() as u64,
            0,
            1,
            1,
        );
        if register_len(1) != 32 {
            core::arch::wasm32::unreachable()
        }
        read_register(1, data_id.as_mut_ptr() as u64);
        (index, data_id)
    }
}

fn resume(data_id: &[u8], payload: &[u8]) -> u32 {
    unsafe {
        promise_yield_resume(
            data_id.len() as u64,
            data_id.as_ptr() as u64,
            payload.len() as u64,
            payload.as_ptr() as u64,
        )
    }
}

/// Yields to `check_promise_result_return_value` (its arguments: the input), remembers the
/// data id in storage and returns the yield as this call's result.
#[no_mangle]
pub extern "C" fn call_yield_create_return_promise() {
    let mut buf = [0u8; MAX_INPUT];
    let len = read_input(&mut buf);
    let (index, data_id) = yield_to(b"check_promise_result_return_value", &buf[..len]);
    unsafe {
        storage_write(DATA_ID_KEY.len() as u64, DATA_ID_KEY.as_ptr() as u64, 32, data_id.as_ptr() as u64, 2);
        promise_return(index);
    }
}

/// Yields to `check_promise_result_write_status` and returns the data id.
#[no_mangle]
pub extern "C" fn call_yield_create_return_data_id() {
    let mut buf = [0u8; MAX_INPUT];
    let len = read_input(&mut buf);
    let (_, data_id) = yield_to(b"check_promise_result_write_status", &buf[..len]);
    ret(&data_id);
}

/// Creates `input[0]` yields (to `check_promise_result_write_status`) and returns their data
/// ids, concatenated.
#[no_mangle]
pub extern "C" fn call_yield_create_many() {
    let mut buf = [0u8; MAX_INPUT];
    read_input(&mut buf);
    let count = usize::from(buf[0]).min(MAX_INPUT / 32);
    let mut ids = [0u8; MAX_INPUT];
    for i in 0..count {
        let (_, data_id) = yield_to(b"check_promise_result_write_status", b"");
        ids[i * 32..(i + 1) * 32].copy_from_slice(&data_id);
    }
    ret(&ids[..count * 32]);
}

/// Input: `id_len: u8 ‖ data_id (id_len bytes) ‖ payload`. Resumes; returns the result byte.
#[no_mangle]
pub extern "C" fn call_yield_resume() {
    let mut buf = [0u8; MAX_INPUT];
    let len = read_input(&mut buf);
    let id_len = usize::from(buf[0]);
    let result = resume(&buf[1..1 + id_len], &buf[1 + id_len..len]);
    ret(&[result as u8]);
}

/// Input: the payload. Resumes the yield whose data id `call_yield_create_return_promise`
/// stored; returns the result byte.
#[no_mangle]
pub extern "C" fn call_yield_resume_read_data_id_from_storage() {
    let mut buf = [0u8; MAX_INPUT];
    let len = read_input(&mut buf);
    let mut data_id = [0u8; 32];
    unsafe {
        if storage_read(DATA_ID_KEY.len() as u64, DATA_ID_KEY.as_ptr() as u64, 3) != 1 {
            core::arch::wasm32::unreachable()
        }
        read_register(3, data_id.as_mut_ptr() as u64);
    }
    ret(&[resume(&data_id, &buf[..len]) as u8]);
}

/// Input: a payload, then concatenated data ids (`payload_len: u8 ‖ payload ‖ ids`). Resumes
/// every id; returns how many were accepted (u64 LE).
#[no_mangle]
pub extern "C" fn call_yield_resume_many() {
    let mut buf = [0u8; MAX_INPUT];
    let len = read_input(&mut buf);
    let payload_len = usize::from(buf[0]);
    let payload = &buf[1..1 + payload_len];
    let mut accepted = 0u64;
    let mut offset = 1 + payload_len;
    while offset + 32 <= len {
        accepted += u64::from(resume(&buf[offset..offset + 32], payload));
        offset += 32;
    }
    ret(&accepted.to_le_bytes());
}

/// Creates a yield and resumes it with the input in the same call; returns the yield.
#[no_mangle]
pub extern "C" fn call_yield_create_and_resume() {
    let mut buf = [0u8; MAX_INPUT];
    let len = read_input(&mut buf);
    let (index, data_id) = yield_to(b"check_promise_result_return_value", &buf[..len]);
    if resume(&data_id, &buf[..len]) != 1 {
        core::arch::wasm32::unreachable()
    }
    unsafe { promise_return(index) }
}

/// Creates a yield and chains `check_chained` after it with `promise_then`; returns the chain.
#[no_mangle]
pub extern "C" fn call_yield_then_chain() {
    let mut buf = [0u8; MAX_INPUT];
    let len = read_input(&mut buf);
    let (index, data_id) = yield_to(b"check_promise_result_return_value", &buf[..len]);
    unsafe {
        storage_write(DATA_ID_KEY.len() as u64, DATA_ID_KEY.as_ptr() as u64, 32, data_id.as_ptr() as u64, 2);
        current_account_id(4);
        let mut me = [0u8; 64];
        let me_len = register_len(4);
        read_register(4, me.as_mut_ptr() as u64);
        let method = b"check_chained";
        let zero = 0u128.to_le_bytes();
        let chained = promise_then(
            index,
            me_len,
            me.as_ptr() as u64,
            method.len() as u64,
            method.as_ptr() as u64,
            0,
            0,
            zero.as_ptr() as u64,
            10_000_000_000_000,
        );
        promise_return(chained);
    }
}

/// Yields to `callback_new_promise`, which on timeout returns a new promise.
#[no_mangle]
pub extern "C" fn call_yield_create_callback_promise() {
    let (index, data_id) = yield_to(b"callback_new_promise", b"");
    unsafe {
        storage_write(DATA_ID_KEY.len() as u64, DATA_ID_KEY.as_ptr() as u64, 32, data_id.as_ptr() as u64, 2);
        promise_return(index);
    }
}

/// Input: a 32-byte yield id (or another length, to test the error). Creates a yield with
/// that id to `check_promise_result_write_status`; returns the promise index (u64 LE;
/// `u64::MAX` if the id is taken).
#[no_mangle]
pub extern "C" fn call_yield_create_with_id() {
    let mut buf = [0u8; MAX_INPUT];
    let len = read_input(&mut buf);
    ret(&create_with_id(&buf[..len]).to_le_bytes());
}

/// As `call_yield_create_with_id`, twice with the same id in one call; returns the second
/// result.
#[no_mangle]
pub extern "C" fn call_yield_create_with_id_twice() {
    let mut buf = [0u8; MAX_INPUT];
    let len = read_input(&mut buf);
    create_with_id(&buf[..len]);
    ret(&create_with_id(&buf[..len]).to_le_bytes());
}

fn create_with_id(yield_id: &[u8]) -> u64 {
    let method = b"check_promise_result_write_status";
    let zero = 0u128.to_le_bytes();
    unsafe {
        promise_yield_create_with_id(
            method.len() as u64,
            method.as_ptr() as u64,
            0,
            0,
            zero.as_ptr() as u64,
            0,
            1,
            yield_id.len() as u64,
            yield_id.as_ptr() as u64,
        )
    }
}

/// Input: `yield_id (32 bytes) ‖ payload`. Returns the result byte.
#[no_mangle]
pub extern "C" fn call_yield_resume_with_yield_id() {
    let mut buf = [0u8; MAX_INPUT];
    let len = read_input(&mut buf);
    let result = unsafe {
        promise_yield_resume_with_yield_id(32, buf.as_ptr() as u64, (len - 32) as u64, buf[32..].as_ptr() as u64)
    };
    ret(&[result as u8]);
}

fn single_result() -> Option<([u8; MAX_INPUT], usize)> {
    unsafe {
        if promise_results_count() != 1 {
            core::arch::wasm32::unreachable()
        }
        match promise_result(0, 5) {
            1 => {
                let mut payload = [0u8; MAX_INPUT];
                let len = register_len(5) as usize;
                read_register(5, payload.as_mut_ptr() as u64);
                Some((payload, len))
            }
            2 => None,
            _ => core::arch::wasm32::unreachable(),
        }
    }
}

/// Callback: on resume, the payload must equal this call's arguments; returns
/// `[payload length]` (`[0]` after a timeout).
#[no_mangle]
pub extern "C" fn check_promise_result_return_value() {
    let mut args = [0u8; MAX_INPUT];
    let args_len = read_input(&mut args);
    match single_result() {
        Some((payload, len)) => {
            if payload[..len] != args[..args_len] {
                core::arch::wasm32::unreachable()
            }
            ret(&[len as u8]);
        }
        None => ret(&[0]),
    }
}

/// Callback: writes and returns `Resumed <payload>` or `Timeout ` (under key 123).
#[no_mangle]
pub extern "C" fn check_promise_result_write_status() {
    let mut status = [0u8; MAX_INPUT];
    let len = match single_result() {
        Some((payload, len)) => {
            status[..8].copy_from_slice(b"Resumed ");
            status[8..8 + len.min(MAX_INPUT - 8)].copy_from_slice(&payload[..len.min(MAX_INPUT - 8)]);
            8 + len.min(MAX_INPUT - 8)
        }
        None => {
            status[..8].copy_from_slice(b"Timeout ");
            8
        }
    };
    unsafe {
        storage_write(STATUS_KEY.len() as u64, STATUS_KEY.as_ptr() as u64, len as u64, status.as_ptr() as u64, 6)
    };
    ret(&status[..len]);
}

/// Runs after a yield's callback (`promise_then`): returns `chained` plus the yield's result.
#[no_mangle]
pub extern "C" fn check_chained() {
    match single_result() {
        Some((payload, len)) => {
            let mut out = [0u8; 16];
            out[..8].copy_from_slice(b"chained ");
            out[8] = payload[0];
            let _ = len;
            ret(&out[..9]);
        }
        None => ret(b"chained failed"),
    }
}

/// Callback returning a new promise: on timeout it calls `noop` on itself and returns that.
#[no_mangle]
pub extern "C" fn callback_new_promise() {
    match single_result() {
        Some(_) => ret(b"resumed"),
        None => unsafe {
            current_account_id(4);
            let mut me = [0u8; 64];
            let me_len = register_len(4);
            read_register(4, me.as_mut_ptr() as u64);
            let method = b"noop";
            let zero = 0u128.to_le_bytes();
            let index = promise_create(
                me_len,
                me.as_ptr() as u64,
                method.len() as u64,
                method.as_ptr() as u64,
                0,
                0,
                zero.as_ptr() as u64,
                5_000_000_000_000,
            );
            promise_return(index);
        },
    }
}

/// Returns `noop`.
#[no_mangle]
pub extern "C" fn noop() {
    ret(b"noop");
}

/// Returns what `check_promise_result_write_status` stored (empty if nothing).
#[no_mangle]
pub extern "C" fn read_status() {
    unsafe {
        if storage_read(STATUS_KEY.len() as u64, STATUS_KEY.as_ptr() as u64, 7) == 1 {
            let mut out = [0u8; MAX_INPUT];
            let len = register_len(7) as usize;
            read_register(7, out.as_mut_ptr() as u64);
            ret(&out[..len]);
        }
    }
}
