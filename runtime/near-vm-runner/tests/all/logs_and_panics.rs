//! Logs, their limits, and panics.

use crate::{module, run_wat};
use near_primitives::errors::{FunctionCallError, HostError};

const IMPORTS: &str = r#"
  (import "env" "log_utf8" (func $log (param i64 i64)))
  (import "env" "log_utf16" (func $log16 (param i64 i64)))
  (import "env" "panic_utf8" (func $panic_utf8 (param i64 i64)))
  (import "env" "panic" (func $panic))
  (import "env" "abort" (func $abort (param i32 i32 i32 i32)))
"#;

fn body(code: &str) -> String {
    module(
        IMPORTS,
        &format!(
            r#"(data (i32.const 0) "hello\00")
               (data (i32.const 16) "h\00i\00\00\00")
               (data (i32.const 32) "\ff\fe")
               (data (i32.const 60) "\04\00\00\00o\00k\00")
               (func (export "f") {code})"#
        ),
    )
}

#[test]
fn logs_in_both_encodings_and_nul_terminated() {
    let ran = run_wat(
        &body(
            "(call $log (i64.const 5) (i64.const 0)) (call $log (i64.const -1) (i64.const 0)) (call $log16 (i64.const -1) (i64.const 16))",
        ),
        "f",
    );
    assert_eq!(ran.outcome.aborted, None);
    assert_eq!(ran.outcome.logs, vec!["hello", "hello", "hi"]);
}

#[test]
fn log_limits() {
    let many = "(call $log (i64.const 5) (i64.const 0))".repeat(101);
    let ran = run_wat(&body(&many), "f");
    assert_eq!(ran.outcome.aborted, Some(FunctionCallError::HostError(HostError::NumberOfLogsExceeded { limit: 100 })));
    assert_eq!(ran.outcome.logs.len(), 100);
    let ran = run_wat(&body("(call $log (i64.const 16385) (i64.const 0))"), "f");
    assert_eq!(
        ran.outcome.aborted,
        Some(FunctionCallError::HostError(HostError::TotalLogLengthExceeded { length: 16385, limit: 16384 }))
    );
}

#[test]
fn panics_and_bad_text() {
    let ran = run_wat(&body("(call $panic_utf8 (i64.const 5) (i64.const 0))"), "f");
    assert_eq!(
        ran.outcome.aborted,
        Some(FunctionCallError::HostError(HostError::GuestPanic { panic_msg: "hello".into() }))
    );
    let ran = run_wat(&body("(call $panic)"), "f");
    assert_eq!(
        ran.outcome.aborted,
        Some(FunctionCallError::HostError(HostError::GuestPanic { panic_msg: "explicit guest panic".into() }))
    );
    let ran = run_wat(&body("(call $log (i64.const 2) (i64.const 32))"), "f");
    assert_eq!(ran.outcome.aborted, Some(FunctionCallError::HostError(HostError::BadUTF8)));
    let ran = run_wat(&body("(call $log16 (i64.const 3) (i64.const 16))"), "f");
    assert_eq!(ran.outcome.aborted, Some(FunctionCallError::HostError(HostError::BadUTF16)));
    let ran = run_wat(&body("(call $abort (i32.const 64) (i32.const 64) (i32.const 3) (i32.const 4))"), "f");
    assert_eq!(
        ran.outcome.aborted,
        Some(FunctionCallError::HostError(HostError::GuestPanic {
            panic_msg: "ok, filename: \"ok\" line: 3 col: 4".into()
        }))
    );
}
