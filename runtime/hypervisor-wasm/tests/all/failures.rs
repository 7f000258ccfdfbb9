//! Traps, endless loops, out of gas and volatility in wasm handlers: errors to the caller,
//! state rolled back, never a crash; the same root on memory and RocksDB.

use crate::*;
use near_primitives::types::StateRoot;

#[test]
fn traps_and_endless_loops_fail_alone_and_leave_no_state() {
    let hv = hypervisor();
    let mut session = Session::new(&hv, StateRoot::default());
    let alice = addr("alice");
    let caller = deploy(&mut session, &alice, "hv_caller", b"");
    let trapper = deploy(&mut session, &alice, "hv_trapper", b"");
    let looper = deploy(&mut session, &alice, "hv_looper", b"");
    assert_eq!(call(&mut session, &trapper, "boom", b"", GAS).result, Err(ErrorCode::Other));
    let out = call(&mut session, &looper, "spin", b"", GAS / 100);
    assert_eq!(out.result, Err(ErrorCode::OutOfGas));
    assert_eq!(out.gas_used, GAS / 100, "an endless loop burns exactly its limit");
    // The caller's own write before the failing call stays; the callee's is gone.
    let out = call(&mut session, &caller, "set_then_call", &spec(&trapper, "boom", GAS / 10, b""), GAS);
    assert_eq!(out.result, Err(ErrorCode::Other), "the caller propagates the callee's error");
    let out = call(&mut session, &caller, "call_catch", &spec(&looper, "spin", GAS / 100, b""), GAS);
    assert_eq!(out.result.unwrap(), [&[1u8][..], &ErrorCode::OutOfGas.code().to_le_bytes()].concat());
    let root = session.finish().unwrap();
    let mut session = Session::new(&hv, root);
    // Failed calls leave nothing: what the trapper and the looper wrote before failing is gone.
    for failed in [&trapper, &looper] {
        assert_eq!(session.query(Some(failed), &name("peek"), b"", GAS).unwrap().result.unwrap(), b"");
    }
    assert_eq!(call(&mut session, &caller, "get", b"", GAS).result.unwrap(), b"", "set_then_call rolled back");
}

#[test]
fn readonly_and_pure_wasm_messages_cannot_write_or_read() {
    let hv = hypervisor();
    let mut session = Session::new(&hv, StateRoot::default());
    let writer = deploy(&mut session, &addr("alice"), "hv_readonly_writer", b"");
    let code = ErrorCode::VolatilityViolation;
    assert_eq!(call(&mut session, &writer, "sneak", b"", GAS).result, Err(code));
    assert_eq!(call(&mut session, &writer, "pure_read", b"", GAS).result, Err(code));
    assert_eq!(call(&mut session, &writer, "peek", b"", GAS).result.unwrap(), b"");
}

#[test]
fn nested_gas_limits_cap_wasm_callees() {
    let hv = hypervisor();
    let mut session = Session::new(&hv, StateRoot::default());
    let alice = addr("alice");
    let caller = deploy(&mut session, &alice, "hv_caller", b"");
    let counter = deploy(&mut session, &alice, "hv_counter", &0u64.to_le_bytes());
    let tiny = call(&mut session, &caller, "call_catch", &spec(&counter, "inc", 1_000, b""), GAS);
    assert_eq!(tiny.result.unwrap(), [&[1u8][..], &ErrorCode::OutOfGas.code().to_le_bytes()].concat());
    let out = call(&mut session, &caller, "call", &spec(&counter, "inc", GAS / 10, b""), GAS);
    assert_eq!(u64_le(&out.result.unwrap()), 1, "the starved call left nothing behind");
}

fn scenario_root(store: Store) -> near_primitives::types::StateRoot {
    let hv = hypervisor_with(store);
    let mut session = Session::new(&hv, StateRoot::default());
    let alice = addr("alice");
    let counter = deploy(&mut session, &alice, "hv_counter", &5u64.to_le_bytes());
    call(&mut session, &counter, "inc", b"", GAS).result.unwrap();
    let _ = call(&mut session, &counter, "dec", b"", 10);
    session.finish().unwrap()
}

#[test]
fn rocksdb_and_memory_give_the_same_root_and_code_survives_a_reopen() {
    let memory = scenario_root(Store::memory());
    let dir = tempfile::tempdir().unwrap();
    let rocks = scenario_root(Store::rocksdb(dir.path()).unwrap());
    assert_eq!(memory, rocks);
    // A new process (a fresh VM, no compiled cache) finds the code in the state.
    let hv = hypervisor_with(Store::rocksdb(dir.path()).unwrap());
    let mut session = Session::new(&hv, rocks);
    let id = WasmVm::handler_id(handler_code("hv_counter"));
    let creator = addr("alice");
    let counter = create(&mut session, &creator, &id, &0u64.to_le_bytes());
    assert_eq!(u64_le(&call(&mut session, &counter, "inc", b"", GAS).result.unwrap()), 1);
}
