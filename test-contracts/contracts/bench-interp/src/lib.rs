//! NEP-481 benchmark, the parent: the same three workloads run two ways.
//!
//! - `interpret` runs them as programs for a small stack-machine interpreter embedded here (how
//!   a contract runs an EVM or a JS engine today: every operation of the program is a loop
//!   iteration of the interpreter);
//! - `run_child` runs them as the compiled submodule `bench-child` deployed under the key
//!   `child`, serving its requests: the job, each digest of the hash chain (hashed with the
//!   host's `sha256`), each key/value of the storage workload (written with `storage_write`).
//!
//! Input of both: `<workload><n>`: `a` an arithmetic loop (`x = x × A + B`, n times), `h` a hash
//! chain (n sha256 of 32 bytes), `s` storage writes (n entries); n in decimal. Both return the
//! same 8 bytes (little-endian u64).
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
    fn sha256(value_len: u64, value_ptr: u64, register_id: u64);
    fn storage_write(key_len: u64, key_ptr: u64, value_len: u64, value_ptr: u64, register_id: u64) -> u64;
    fn panic_utf8(len: u64, ptr: u64);
    fn start_submodule(key_len: u64, key_ptr: u64, gas_limit: u64, register_id: u64) -> u64;
    fn resume_submodule(key_len: u64, key_ptr: u64, data_len: u64, data_ptr: u64, register_id: u64) -> u64;
}

fn fail(message: &str) -> ! {
    unsafe { panic_utf8(message.len() as u64, message.as_ptr() as u64) };
    core::arch::wasm32::unreachable()
}

/// Register 0 into `buf`; its length.
fn read(register: u64, buf: &mut [u8]) -> usize {
    unsafe {
        let len = register_len(register) as usize;
        if len > buf.len() {
            fail("register too large")
        }
        read_register(register, buf.as_mut_ptr() as u64);
        len
    }
}

/// The call's input (`<workload><n>`).
fn job(buf: &mut [u8; 32]) -> (u8, u64, usize) {
    unsafe { input(0) };
    let len = read(0, buf);
    if len < 2 {
        fail("input: <workload><n>")
    }
    let n = buf[1..len].iter().fold(0u64, |n, d| n.wrapping_mul(10).wrapping_add(u64::from(d.wrapping_sub(b'0'))));
    (buf[0], n, len)
}

fn ret(value: u64) {
    let out = value.to_le_bytes();
    unsafe { value_return(8, out.as_ptr() as u64) };
}

// The interpreter's operations.
const HALT: u8 = 0;
const PUSH: u8 = 1; // + 8 bytes
const LOADN: u8 = 2;
const ADD: u8 = 3;
const MUL: u8 = 4;
const SWAP: u8 = 5;
const DUP: u8 = 6;
const DROP: u8 = 7;
const DEC: u8 = 8;
const JNZ: u8 = 9; // + 1 byte target; jumps when the top is not zero (does not pop)
const JZ: u8 = 10; // + 1 byte target; jumps when the top is zero (does not pop)
const HASH: u8 = 11; // scratch = sha256(scratch)
const SWRITE: u8 = 12; // storage[top] = top × 31 (8-byte little-endian key and value)
const DIGEST: u8 = 13; // push the first 8 bytes of the scratch

const A: [u8; 8] = 6_364_136_223_846_793_005u64.to_le_bytes();
const B: [u8; 8] = 1_442_695_040_888_963_407u64.to_le_bytes();

/// x = 1; repeat n: x = x × A + B.
const ARITH: [u8; 33] = [
    PUSH, 1, 0, 0, 0, 0, 0, 0, 0, LOADN, JZ, 37, // 0..12 (37: the tail's DROP)
    SWAP, PUSH, A[0], A[1], A[2], A[3], A[4], A[5], A[6], A[7], MUL, // 12..23
    PUSH, B[0], B[1], B[2], B[3], B[4], B[5], B[6], B[7], // 23..32
    ADD,
];
/// The arithmetic loop's tail (after ADD): swap back, count down, loop.
const ARITH_TAIL: [u8; 7] = [SWAP, DEC, JNZ, 12, DROP, HALT, 0];
/// Repeat n: scratch = sha256(scratch); push the digest's first 8 bytes.
const HASHES: [u8; 10] = [LOADN, JZ, 7, HASH, DEC, JNZ, 3, DROP, DIGEST, HALT];
/// For i = n down to 1: storage[i] = i × 31; push n.
const WRITES: [u8; 10] = [LOADN, DUP, JZ, 8, SWRITE, DEC, JNZ, 4, DROP, HALT];

/// The interpreter: a stack machine over u64 with a 32-byte scratch for hashing.
fn interpret_program(program: &[u8], n: u64) -> u64 {
    let mut stack = [0u64; 16];
    let mut sp = 0usize;
    let mut scratch = [0u8; 32];
    let mut pc = 0usize;
    macro_rules! pop {
        () => {{
            if sp == 0 {
                fail("stack underflow")
            }
            sp -= 1;
            stack[sp]
        }};
    }
    macro_rules! push {
        ($v:expr) => {{
            let value = $v;
            if sp == stack.len() {
                fail("stack overflow")
            }
            stack[sp] = value;
            sp += 1;
        }};
    }
    loop {
        let op = program[pc];
        pc += 1;
        match op {
            HALT => return pop!(),
            PUSH => {
                let mut imm = [0u8; 8];
                imm.copy_from_slice(&program[pc..pc + 8]);
                pc += 8;
                push!(u64::from_le_bytes(imm));
            }
            LOADN => push!(n),
            ADD => {
                let (b, a) = (pop!(), pop!());
                push!(a.wrapping_add(b));
            }
            MUL => {
                let (b, a) = (pop!(), pop!());
                push!(a.wrapping_mul(b));
            }
            SWAP => {
                let (b, a) = (pop!(), pop!());
                push!(b);
                push!(a);
            }
            DUP => {
                let a = pop!();
                push!(a);
                push!(a);
            }
            DROP => {
                pop!();
            }
            DEC => {
                let a = pop!();
                push!(a.wrapping_sub(1));
            }
            JNZ | JZ => {
                let target = program[pc] as usize;
                pc += 1;
                let top = pop!();
                push!(top);
                if (top != 0) == (op == JNZ) {
                    pc = target;
                }
            }
            HASH => unsafe {
                sha256(32, scratch.as_ptr() as u64, 1);
                read(1, &mut scratch);
            },
            SWRITE => {
                let key = pop!();
                push!(key);
                let (k, v) = (key.to_le_bytes(), key.wrapping_mul(31).to_le_bytes());
                unsafe { storage_write(8, k.as_ptr() as u64, 8, v.as_ptr() as u64, 2) };
            }
            DIGEST => {
                let mut first = [0u8; 8];
                first.copy_from_slice(&scratch[..8]);
                push!(u64::from_le_bytes(first));
            }
            _ => fail("bad opcode"),
        }
    }
}

/// Runs the workload in the interpreter.
#[no_mangle]
pub extern "C" fn interpret() {
    let mut buf = [0u8; 32];
    let (workload, n, _) = job(&mut buf);
    let mut arith = [0u8; 40];
    arith[..33].copy_from_slice(&ARITH);
    arith[33..].copy_from_slice(&ARITH_TAIL);
    let program: &[u8] = match workload {
        b'a' => &arith,
        b'h' => &HASHES,
        b's' => &WRITES,
        _ => fail("workload: a, h or s"),
    };
    ret(interpret_program(program, n));
}

const KEY: &[u8] = b"child";
const RETURNED: u64 = 0;
const YIELDED: u64 = 1;

/// Runs the workload as the compiled submodule `child`, serving its requests.
#[no_mangle]
pub extern "C" fn run_child() {
    let mut job_bytes = [0u8; 32];
    let (workload, _, job_len) = job(&mut job_bytes);
    let mut status = unsafe { start_submodule(KEY.len() as u64, KEY.as_ptr() as u64, u64::MAX, 0) };
    let mut first = true;
    let mut request = [0u8; 64];
    while status == YIELDED {
        let len = read(0, &mut request);
        let mut answer = [0u8; 32];
        let answer_len = if first {
            first = false;
            answer[..job_len].copy_from_slice(&job_bytes[..job_len]);
            job_len
        } else if workload == b'h' {
            unsafe { sha256(len as u64, request.as_ptr() as u64, 1) };
            read(1, &mut answer)
        } else {
            unsafe { storage_write(8, request.as_ptr() as u64, 8, request[8..].as_ptr() as u64, 2) };
            0
        };
        status = unsafe {
            resume_submodule(KEY.len() as u64, KEY.as_ptr() as u64, answer_len as u64, answer.as_ptr() as u64, 0)
        };
    }
    if status != RETURNED {
        fail("the child did not return")
    }
    let mut result = [0u8; 8];
    if read(0, &mut result) != 8 {
        fail("the child returned no result")
    }
    unsafe { value_return(8, result.as_ptr() as u64) };
}
