//! Storage host functions, storage usage accounting, and validator stakes.

use crate::{context, module, returned, run_code};
use near_primitives::errors::{FunctionCallError, HostError};
use near_vm_runner::logic::ViewConfig;
use near_vm_runner::logic::mocks::MockedExternal;

const IMPORTS: &str = r#"
  (import "env" "storage_write" (func $write (param i64 i64 i64 i64 i64) (result i64)))
  (import "env" "storage_read" (func $read (param i64 i64 i64) (result i64)))
  (import "env" "storage_remove" (func $remove (param i64 i64 i64) (result i64)))
  (import "env" "storage_has_key" (func $has (param i64 i64) (result i64)))
  (import "env" "storage_iter_prefix" (func $iter (param i64 i64) (result i64)))
  (import "env" "value_return" (func $value_return (param i64 i64)))
  (import "env" "validator_stake" (func $stake (param i64 i64 i64)))
"#;

fn contract() -> Vec<u8> {
    let body = r#"
      (data (i32.const 0) "key")
      (data (i32.const 8) "value")
      (data (i32.const 16) "other")
      (data (i32.const 32) "validator.near")
      (func (export "write")
        (i64.store (i32.const 100) (call $write (i64.const 3) (i64.const 0) (i64.const 5) (i64.const 8) (i64.const 1)))
        (call $value_return (i64.const 8) (i64.const 100)))
      (func (export "overwrite")
        (drop (call $write (i64.const 3) (i64.const 0) (i64.const 5) (i64.const 16) (i64.const 1)))
        (call $value_return (i64.const -1) (i64.const 1)))
      (func (export "read")
        (if (i64.eqz (call $read (i64.const 3) (i64.const 0) (i64.const 2)))
          (then (call $value_return (i64.const 4) (i64.const 0)))
          (else (call $value_return (i64.const -1) (i64.const 2)))))
      (func (export "has")
        (i64.store (i32.const 100) (call $has (i64.const 3) (i64.const 0)))
        (call $value_return (i64.const 8) (i64.const 100)))
      (func (export "remove")
        (drop (call $remove (i64.const 3) (i64.const 0) (i64.const 4)))
        (call $value_return (i64.const -1) (i64.const 4)))
      (func (export "iterate") (drop (call $iter (i64.const 3) (i64.const 0))))
      (func (export "long_key") (drop (call $has (i64.const 2049) (i64.const 0))))
      (func (export "stake")
        (call $stake (i64.const 14) (i64.const 32) (i64.const 200))
        (call $value_return (i64.const 16) (i64.const 200)))
    "#;
    wat::parse_str(module(IMPORTS, body)).unwrap()
}

#[test]
fn write_read_overwrite_remove_across_calls_with_storage_usage() {
    let code = contract();
    let ran = run_code(&code, "write", Box::new(MockedExternal::default()), context());
    assert_eq!(returned(&ran), 0u64.to_le_bytes(), "no value evicted");
    assert_eq!(ran.outcome.storage_usage, 1000 + 3 + 5 + 40, "key + value + 40 per record");

    let ran = run_code(&code, "read", ran.ext, context());
    assert_eq!(returned(&ran), b"value");
    let ran = run_code(&code, "has", ran.ext, context());
    assert_eq!(returned(&ran), 1u64.to_le_bytes());

    let mut grown = context();
    grown.storage_usage = 1048;
    let ran = run_code(&code, "overwrite", ran.ext, grown.clone());
    assert_eq!(returned(&ran), b"value", "the evicted value lands in the register");
    assert_eq!(ran.outcome.storage_usage, 1048, "same length, same usage");

    let ran = run_code(&code, "remove", ran.ext, grown);
    assert_eq!(returned(&ran), b"other");
    assert_eq!(ran.outcome.storage_usage, 1000);
    let ran = run_code(&code, "read", ran.ext, context());
    assert_eq!(returned(&ran), b"key\0", "absent: the contract returns its fallback");
    assert!(ran.ext.storage_get(b"key").unwrap().is_none());
}

#[test]
fn storage_errors() {
    let code = contract();
    let ran = run_code(&code, "iterate", Box::new(MockedExternal::default()), context());
    assert_eq!(
        ran.outcome.aborted,
        Some(FunctionCallError::HostError(HostError::Deprecated { method_name: "storage_iter_prefix".into() }))
    );
    let ran = run_code(&code, "long_key", Box::new(MockedExternal::default()), context());
    assert_eq!(
        ran.outcome.aborted,
        Some(FunctionCallError::HostError(HostError::KeyLengthExceeded { length: 2049, limit: 2048 }))
    );
    let mut view = context();
    view.view_config = Some(ViewConfig { max_gas_burnt: 300_000_000_000_000 });
    let ran = run_code(&code, "write", Box::new(MockedExternal::default()), view);
    assert_eq!(
        ran.outcome.aborted,
        Some(FunctionCallError::HostError(HostError::ProhibitedInView { method_name: "storage_write".into() }))
    );
}

#[test]
fn validator_stake_reads_the_external() {
    let mut ext = MockedExternal::default();
    ext.validators.insert("validator.near".parse().unwrap(), 5_000);
    let ran = run_code(&contract(), "stake", Box::new(ext), context());
    assert_eq!(returned(&ran), 5_000u128.to_le_bytes());
}
