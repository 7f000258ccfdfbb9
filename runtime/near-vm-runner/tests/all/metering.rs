//! Inline gas and stack metering against the host-call reference. Every `run_code` in this
//! binary already compares the two (same outcome to the unit, same state); these tests aim at
//! the places where they could part: running out of gas at every kind of point (inside a block,
//! in a host function, at a frame, in a bulk operation), running out of stack, views.

use crate::{context, module, run_code};
use near_primitives::errors::{FunctionCallError, HostError};
use near_test_contracts::sdk_status;
use near_vm_runner::logic::mocks::MockedExternal;
use near_vm_runner::logic::{VMContext, ViewConfig};

fn with_gas(input: &str, prepaid_gas: u64) -> VMContext {
    let mut context = context();
    context.input = input.as_bytes().to_vec();
    context.attached_deposit = 0;
    context.prepaid_gas = prepaid_gas;
    context
}

/// Runs `method` with prepaid gas from 0 to a little above what it burns, in `steps` steps
/// (plus the exact amount and one unit less): every run is compared with the reference by
/// `run_code`; out of gas must stop at exactly the prepaid gas.
fn sweep(code: &[u8], state: &MockedExternal, method: &str, input: &str, steps: u64) {
    let full = run_code(code, method, Box::new(state.clone()), with_gas(input, 300_000_000_000_000));
    assert_eq!(full.outcome.aborted, None, "{method} must succeed with all the gas");
    let needed = full.outcome.used_gas;
    let mut amounts: Vec<u64> = (0..=steps).map(|i| needed / steps * i + i * 7).collect();
    amounts.extend([needed - 1, needed]);
    for prepaid in amounts {
        let ran = run_code(code, method, Box::new(state.clone()), with_gas(input, prepaid));
        match &ran.outcome.aborted {
            None => assert!(prepaid >= needed, "{method} succeeded with {prepaid} < {needed}"),
            Some(FunctionCallError::HostError(HostError::GasExceeded)) => {
                assert_eq!(ran.outcome.used_gas, prepaid, "{method} out of gas at {prepaid}");
            }
            Some(other) => panic!("{method} with {prepaid} gas: {other:?}"),
        }
    }
}

#[test]
fn a_near_sdk_call_runs_out_of_gas_at_the_same_unit_wherever_it_stops() {
    let code = sdk_status();
    let ran = run_code(code, "new", Box::new(MockedExternal::default()), with_gas("{}", 300_000_000_000_000));
    assert_eq!(ran.outcome.aborted, None);
    let ext: Box<dyn std::any::Any> = ran.ext;
    let initialized = *ext.downcast::<MockedExternal>().unwrap();
    sweep(code, &initialized, "set_status", r#"{"message":"hello"}"#, 60);
    sweep(code, &initialized, "hash", r#"{"text":"abc"}"#, 40);
}

#[test]
fn loops_frames_and_bulk_operations_run_out_of_gas_the_same() {
    let body = r#"
      (func $leaf (param i64) (result i64) (local i64 i64 i64) (i64.add (local.get 0) (i64.const 1)))
      (func (export "f") (local $i i32)
        (loop $again
          (drop (call $leaf (i64.extend_i32_u (local.get $i))))
          (memory.fill (i32.const 0) (i32.const 7) (i32.const 4096))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $again (i32.lt_u (local.get $i) (i32.const 200)))))"#;
    let code = wat::parse_str(module("", body)).unwrap();
    sweep(&code, &MockedExternal::default(), "f", "", 80);
}

#[test]
fn recursion_runs_out_of_stack_at_the_same_depth() {
    let recursion = |depth: u64| {
        let body = format!(
            r#"(func $down (param $n i64) (local f64 f64 f64 f64)
                 (if (i64.ne (local.get $n) (i64.const 0))
                   (then (call $down (i64.sub (local.get $n) (i64.const 1))))))
               (func (export "f") (call $down (i64.const {depth})))"#
        );
        let code = wat::parse_str(module("", &body)).unwrap();
        run_code(&code, "f", Box::new(MockedExternal::default()), context()).outcome.aborted
    };
    assert_eq!(recursion(10), None);
    assert_eq!(recursion(1_000_000), Some(FunctionCallError::HostError(HostError::MemoryAccessViolation)));
    // Around the deepest recursion that fits, both meterings agree call by call.
    let deepest = (0..40u64).map(|i| i * 500).take_while(|&depth| recursion(depth).is_none()).last().unwrap();
    for depth in deepest..deepest + 500 {
        if recursion(depth).is_some() {
            return;
        }
    }
    panic!("no depth up to {} ran out of stack", deepest + 500);
}

#[test]
fn views_run_out_of_their_burnt_gas_limit_the_same() {
    let body = r#"(func (export "f") (loop $l (br $l)))"#;
    let code = wat::parse_str(module("", body)).unwrap();
    let mut view = context();
    view.view_config = Some(ViewConfig { max_gas_burnt: 5_000_000_000 });
    let ran = run_code(&code, "f", Box::new(MockedExternal::default()), view);
    assert_eq!(ran.outcome.aborted, Some(FunctionCallError::HostError(HostError::GasLimitExceeded)));
    assert_eq!(ran.outcome.burnt_gas, 5_000_000_000);
}

/// Inline-metered modules hand gas to host functions as an argument; a host import reached other
/// than by a direct `call` (a table element, `ref.func`, an export) goes
/// through a shim of its original type. Each way must burn the same gas and see the same result
/// as the reference, out of gas included.
#[test]
fn host_imports_reached_through_tables_ref_func_and_exports_meter_the_same() {
    let wat = r#"(module
      (import "env" "block_index" (func $block_index (result i64)))
      (import "env" "value_return" (func $value_return (param i64 i64)))
      (import "env" "log_utf8" (func $log (param i64 i64)))
      (import "env" "storage_usage" (func $usage (result i64)))
      (memory (export "memory") 1)
      (data (i32.const 0) "started")
      (type $get (func (result i64)))
      (table $t 3 funcref)
      (elem (table $t) (i32.const 0) func $block_index $usage)
      (global $seen (mut i64) (i64.const 0))
      (func $on_start (call $log (i64.const 7) (i64.const 0)))
      (start $on_start)
      (export "block_index_as_method" (func $block_index))
      (func $answer (param i64)
        (i64.store (i32.const 16) (local.get 0))
        (call $value_return (i64.const 8) (i64.const 16)))
      (func (export "through_table")
        (call $answer (i64.add (call_indirect (type $get) (i32.const 0)) (call_indirect (type $get) (i32.const 1)))))
      (func (export "through_ref_func")
        (table.set $t (i32.const 2) (ref.func $usage))
        (call $answer (call_indirect (type $get) (i32.const 2))))
      (func (export "in_a_loop") (local $i i32)
        (loop $again
          (global.set $seen (i64.add (global.get $seen) (call_indirect (type $get) (i32.const 1))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $again (i32.lt_u (local.get $i) (i32.const 300))))
        (call $answer (global.get $seen))))"#;
    let code = wat::parse_str(wat).unwrap();
    let state = MockedExternal::default();
    let ctx = with_gas("", 300_000_000_000_000);
    let table = run_code(&code, "through_table", Box::new(state.clone()), ctx.clone()).outcome;
    assert_eq!(table.aborted, None);
    assert_eq!(table.logs, vec!["started".to_string()], "the start function ran once");
    let expected = ctx.block_height + ctx.storage_usage;
    assert_eq!(table.return_data, near_vm_runner::logic::ReturnData::Value(expected.to_le_bytes().to_vec()));
    let by_ref = run_code(&code, "through_ref_func", Box::new(state.clone()), ctx.clone()).outcome;
    assert_eq!(by_ref.return_data, near_vm_runner::logic::ReturnData::Value(ctx.storage_usage.to_le_bytes().to_vec()));
    let method = run_code(&code, "block_index_as_method", Box::new(state.clone()), ctx).outcome;
    assert_eq!(
        method.aborted,
        Some(FunctionCallError::MethodResolveError(
            near_primitives::errors::MethodResolveError::MethodInvalidSignature
        )),
        "an exported import keeps its type"
    );
    sweep(&code, &state, "in_a_loop", "", 60);
}
