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
