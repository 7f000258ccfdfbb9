//! Contracts compiled by rustc 1.95 from source (near-sdk 5.30 as `cargo near build` would, and
//! a raw no_std contract), through the full runner.

use crate::{context, returned, run_code};
use near_primitives::errors::{FunctionCallError, HostError};
use near_test_contracts::{raw_nostd, sdk_status};
use near_vm_runner::logic::VMContext;
use near_vm_runner::logic::mocks::MockedExternal;

fn with_input(input: &str) -> VMContext {
    let mut context = context();
    context.input = input.as_bytes().to_vec();
    // near-sdk rejects deposits on non-payable methods.
    context.attached_deposit = 0;
    context
}

#[test]
fn near_sdk_contract_initializes_stores_logs_and_reads_back() {
    let code = sdk_status();
    let ran = run_code(code, "new", Box::new(MockedExternal::default()), with_input("{}"));
    assert_eq!(ran.outcome.aborted, None, "{:?}", ran.outcome.aborted);

    let ran = run_code(code, "set_status", ran.ext, with_input(r#"{"message":"hello"}"#));
    assert_eq!(ran.outcome.aborted, None, "{:?}", ran.outcome.aborted);
    assert_eq!(ran.outcome.logs, vec!["carol.near set status to hello".to_string()]);
    assert!(ran.outcome.storage_usage > 1000);

    let ran = run_code(code, "get_status", ran.ext, with_input(r#"{"account_id":"carol.near"}"#));
    assert_eq!(returned(&ran), br#""hello""#);
    let ran = run_code(code, "get_status", ran.ext, with_input(r#"{"account_id":"nobody.near"}"#));
    assert_eq!(returned(&ran), b"null");
    let ran = run_code(code, "calls", ran.ext, with_input("{}"));
    assert_eq!(returned(&ran), b"1");

    // near-sdk built with `--cfg near` hashes through the host.
    let ran = run_code(code, "hash", ran.ext, with_input(r#"{"text":"abc"}"#));
    assert_eq!(returned(&ran), br#""ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad""#);
    assert!(ran.outcome.profile.ext[near_parameters::ExtCosts::sha256_base as usize] > 0);
}

#[test]
fn near_sdk_contract_errors_are_structured() {
    let code = sdk_status();
    let ran = run_code(code, "new", Box::new(MockedExternal::default()), with_input("{}"));
    let ran = run_code(code, "fail", ran.ext, with_input("{}"));
    assert_eq!(
        ran.outcome.aborted,
        Some(FunctionCallError::HostError(HostError::GuestPanic { panic_msg: "requested failure".into() }))
    );
    let ran = run_code(code, "set_status", ran.ext, with_input("not json"));
    let Some(FunctionCallError::HostError(HostError::GuestPanic { panic_msg })) = &ran.outcome.aborted else {
        panic!("{:?}", ran.outcome.aborted)
    };
    assert!(panic_msg.contains("Failed to deserialize input from JSON"), "{panic_msg}");
    // Uninitialized state.
    let ran = run_code(code, "calls", Box::new(MockedExternal::default()), with_input("{}"));
    assert!(matches!(ran.outcome.aborted, Some(FunctionCallError::HostError(HostError::GuestPanic { .. }))));
}

#[test]
fn raw_contract_hashes_counts_and_fails() {
    let code = raw_nostd();
    let ran = run_code(code, "hash_input", Box::new(MockedExternal::default()), with_input("abc"));
    assert_eq!(hex_of(&returned(&ran)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    let ran = run_code(code, "increment", Box::new(MockedExternal::default()), context());
    assert_eq!(returned(&ran), 1u64.to_le_bytes());
    let ran = run_code(code, "increment", ran.ext, context());
    assert_eq!(returned(&ran), 2u64.to_le_bytes());
    assert_eq!(ran.outcome.logs, vec!["incremented".to_string()]);
    assert_eq!(ran.ext.storage_get(b"counter").unwrap(), Some(2u64.to_le_bytes().to_vec()));
    let ran = run_code(code, "fail", Box::new(MockedExternal::default()), context());
    assert_eq!(
        ran.outcome.aborted,
        Some(FunctionCallError::HostError(HostError::GuestPanic { panic_msg: "raw failure".into() }))
    );
}

#[test]
fn recursion_stops_at_the_deterministic_stack_limit() {
    let first = run_code(raw_nostd(), "recurse", Box::new(MockedExternal::default()), context());
    assert_eq!(first.outcome.aborted, Some(FunctionCallError::HostError(HostError::MemoryAccessViolation)));
    let second = run_code(raw_nostd(), "recurse", Box::new(MockedExternal::default()), context());
    assert_eq!(first.outcome.burnt_gas, second.outcome.burnt_gas, "same depth, same gas, every time");
}

#[test]
fn xorshift_gas_is_a_whole_number_of_operations_per_iteration() {
    let run = |n: u8| {
        let mut ctx = context();
        ctx.input = vec![n];
        run_code(raw_nostd(), "xorshift", Box::new(MockedExternal::default()), ctx).outcome
    };
    let (ten, twenty) = (run(10), run(20));
    assert_eq!(ten.aborted, None);
    let per_iteration = (twenty.profile.wasm - ten.profile.wasm) / 10;
    assert_eq!((twenty.profile.wasm - ten.profile.wasm) % 10, 0);
    assert_eq!(per_iteration % 822_756, 0, "whole operations");
    println!("xorshift: {} wasm operations per iteration", per_iteration / 822_756);
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
