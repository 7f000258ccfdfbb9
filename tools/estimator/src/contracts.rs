//! The estimator's contracts, in WAT: one parent with a loop per measured operation, and the
//! submodules it starts. Every parent method reads 32 bytes of input, `n`, `flag`, `a`, `b`
//! (little-endian u64s), runs `n` iterations that perform the operation only when `flag` is 1
//! (so the baseline runs the same loop without it), and returns how many operations succeeded
//! as 8 bytes: the estimator checks that number before it trusts a measurement.
//!
//! Memory of the parent: the input at 0, the callback method name `cb` at 32, submodule keys
//! `s`, `b`, `e` at 40..43, a u64 storage key at 48, the result at 64, a zeroed payload buffer
//! at 65,536 (up to 64 KiB; its first 8 bytes carry `b` to the echo submodule).

/// Offset of the payload buffer in the parent's memory.
pub const PAYLOAD: u64 = 65_536;

/// Key of the small submodule (returns at once).
pub const SMALL_KEY: &[u8] = b"s";
/// Key of the big submodule (as [`SMALL_KEY`]'s, plus code and data never executed).
pub const BIG_KEY: &[u8] = b"b";
/// Key of the echo submodule (yields forever).
pub const ECHO_KEY: &[u8] = b"e";

const PARENT: &str = r#"(module
  (import "env" "input" (func $input (param i64)))
  (import "env" "read_register" (func $read (param i64 i64)))
  (import "env" "value_return" (func $return (param i64 i64)))
  (import "env" "sha256" (func $sha256 (param i64 i64 i64)))
  (import "env" "storage_write" (func $write (param i64 i64 i64 i64 i64) (result i64)))
  (import "env" "storage_read" (func $storage_read (param i64 i64 i64) (result i64)))
  (import "env" "promise_yield_create" (func $yield (param i64 i64 i64 i64 i64 i64 i64) (result i64)))
  (import "env" "promise_yield_resume" (func $yield_resume (param i64 i64 i64 i64) (result i32)))
  (import "env" "start_submodule" (func $start (param i64 i64 i64 i64) (result i64)))
  (import "env" "resume_submodule" (func $resume (param i64 i64 i64 i64 i64) (result i64)))
  (memory (export "memory") 3)
  (data (i32.const 32) "cb")
  (data (i32.const 40) "sbe")
  (global $n (mut i64) (i64.const 0))
  (global $flag (mut i32) (i32.const 0))
  (global $a (mut i64) (i64.const 0))
  (global $b (mut i64) (i64.const 0))
  (func $args
    (call $input (i64.const 0))
    (call $read (i64.const 0) (i64.const 0))
    (global.set $n (i64.load (i32.const 0)))
    (global.set $flag (i64.ne (i64.load (i32.const 8)) (i64.const 0)))
    (global.set $a (i64.load (i32.const 16)))
    (global.set $b (i64.load (i32.const 24))))
  (func $done (param $count i64)
    (i64.store (i32.const 64) (local.get $count))
    (call $return (i64.const 8) (i64.const 64)))

  ;; 20 i64 operations per iteration when flagged (wasm_regular_op_cost).
  (func (export "ops") (local $i i64) (local $x i64)
    (call $args)
    (local.set $x (i64.const 1))
    (block $end (loop $next
      (br_if $end (i64.ge_u (local.get $i) (global.get $n)))
      (if (global.get $flag) (then
        (local.set $x (i64.xor (i64.add (i64.mul (local.get $x) (i64.const 3)) (i64.const 7)) (i64.shr_u (local.get $x) (i64.const 5))))
        (local.set $x (i64.xor (i64.add (i64.mul (local.get $x) (i64.const 5)) (i64.const 9)) (i64.shr_u (local.get $x) (i64.const 3))))))
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br $next)))
    (call $done (select (global.get $n) (i64.const 0) (i64.ne (local.get $x) (i64.const 0)))))

  ;; sha256 of `a` bytes of the payload buffer.
  (func (export "sha256") (local $i i64) (local $count i64)
    (call $args)
    (block $end (loop $next
      (br_if $end (i64.ge_u (local.get $i) (global.get $n)))
      (if (global.get $flag) (then
        (call $sha256 (global.get $a) (i64.const 65536) (i64.const 0))
        (local.set $count (i64.add (local.get $count) (i64.const 1)))))
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br $next)))
    (call $done (local.get $count)))

  ;; promise_yield_create with `a` argument bytes; with `b` = 1 the data id is stored under key i.
  (func (export "yield_create") (local $i i64) (local $count i64)
    (call $args)
    (block $end (loop $next
      (br_if $end (i64.ge_u (local.get $i) (global.get $n)))
      (if (global.get $flag) (then
        (drop (call $yield (i64.const 2) (i64.const 32) (global.get $a) (i64.const 65536) (i64.const 0) (i64.const 1) (i64.const 1)))
        (local.set $count (i64.add (local.get $count) (i64.const 1)))
        (if (i64.eq (global.get $b) (i64.const 1)) (then
          (i64.store (i32.const 48) (local.get $i))
          (drop (call $write (i64.const 8) (i64.const 48) (i64.const -1) (i64.const 1) (i64.const 2)))))))
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br $next)))
    (call $done (local.get $count)))

  ;; Reads the data id stored under key i and resumes it with `a` payload bytes.
  (func (export "yield_resume") (local $i i64) (local $count i64)
    (call $args)
    (block $end (loop $next
      (br_if $end (i64.ge_u (local.get $i) (global.get $n)))
      (i64.store (i32.const 48) (local.get $i))
      (drop (call $storage_read (i64.const 8) (i64.const 48) (i64.const 2)))
      (if (global.get $flag) (then
        (local.set $count (i64.add (local.get $count)
          (i64.extend_i32_u (call $yield_resume (i64.const -1) (i64.const 2) (global.get $a) (i64.const 65536)))))))
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br $next)))
    (call $done (local.get $count)))

  ;; Starts the small (a = 0) or big (a = 1) submodule, which returns at once.
  (func (export "start") (local $i i64) (local $count i64)
    (call $args)
    (block $end (loop $next
      (br_if $end (i64.ge_u (local.get $i) (global.get $n)))
      (if (global.get $flag) (then
        (if (i64.eqz (call $start (i64.const 1) (i64.add (i64.const 40) (global.get $a)) (i64.const 1000000000000) (i64.const 0)))
          (then (local.set $count (i64.add (local.get $count) (i64.const 1)))))))
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br $next)))
    (call $done (local.get $count)))

  ;; Starts the echo submodule, then resumes it n times with `a` bytes; it answers with `b` bytes.
  (func (export "resume") (local $i i64) (local $count i64)
    (call $args)
    (i64.store (i32.const 65536) (global.get $b))
    (drop (call $start (i64.const 1) (i64.const 42) (i64.const 100000000000000) (i64.const 0)))
    (block $end (loop $next
      (br_if $end (i64.ge_u (local.get $i) (global.get $n)))
      (if (global.get $flag) (then
        (if (i64.eq (call $resume (i64.const 1) (i64.const 42) (global.get $a) (i64.const 65536) (i64.const 0)) (i64.const 1))
          (then (local.set $count (i64.add (local.get $count) (i64.const 1)))))))
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br $next)))
    (call $done (local.get $count)))

  (func (export "cb")))"#;

const ECHO_CHILD: &str = r#"(module
  (import "env" "callback" (func $callback (param i64 i64)))
  (import "env" "get_input_size" (func $size (result i64)))
  (import "env" "get_input" (func $input (param i64)))
  (memory 2)
  (func (export "main") (local $out i64)
    (loop $next
      (call $callback (local.get $out) (i64.const 0))
      (call $input (i64.const 0))
      (if (i64.ge_u (call $size) (i64.const 8)) (then (local.set $out (i64.load (i32.const 0)))))
      (br $next))))"#;

/// Parses WAT the estimator wrote itself.
fn wasm(text: &str) -> Vec<u8> {
    wat::parse_str(text).unwrap_or_else(|e| unreachable!("the estimator's own WAT parses: {e}"))
}

/// The parent contract.
pub fn parent() -> Vec<u8> {
    wasm(PARENT)
}

/// `salt` with bit 60 set: its LEB128 encoding is always 9 bytes, so salts never change a size.
fn fixed_width(salt: u64) -> u64 {
    (salt & ((1 << 56) - 1)) | (1 << 60)
}

/// The small submodule: `main` returns at once. `salt` makes the code (and its hash) unique,
/// so that deploying it compiles it instead of finding it in the cache.
pub fn small_child(salt: u64) -> Vec<u8> {
    let salt = fixed_width(salt);
    wasm(&format!("(module (memory 1) (global i64 (i64.const {salt})) (func (export \"main\")))"))
}

/// The big submodule: the small one plus `units` never-called functions (about 1 KiB of code
/// each) and `units` KiB of data, so code and data both scale with the size.
pub fn big_child(units: usize, salt: u64) -> Vec<u8> {
    let salt = fixed_width(salt);
    let mut text = format!("(module (memory 2) (global i64 (i64.const {salt})) (func (export \"main\"))\n");
    let body = "(local.set $x (i64.add (i64.mul (local.get $x) (i64.const 1234567)) (i64.const 7654321)))".repeat(40);
    for _ in 0..units {
        text.push_str(&format!("(func (local $x i64) {body})\n"));
    }
    let data = "\\2a".repeat(1024);
    for unit in 0..units {
        text.push_str(&format!("(data (i32.const {}) \"{data}\")\n", unit * 1024));
    }
    text.push(')');
    wasm(&text)
}

/// The echo submodule: yields `out` bytes forever, `out` being the first 8 bytes of its last
/// input of at least 8 bytes (0 at first).
pub fn echo_child() -> Vec<u8> {
    wasm(ECHO_CHILD)
}
