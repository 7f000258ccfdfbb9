//! Storing code, and calls native → wasm, wasm → native, wasm → wasm and A → B → A.

use crate::*;
use near_primitives::types::StateRoot;

#[test]
fn code_is_validated_and_stored_under_its_hash() {
    let hv = hypervisor();
    let mut session = Session::new(&hv, StateRoot::default());
    let id = store(&mut session, "hv_counter");
    assert_eq!(id, WasmVm::handler_id(handler_code("hv_counter")));
    assert!(id.starts_with("wasm:") && id.len() == 5 + 64);
    let mut bad = |code: Vec<u8>| {
        let data = borsh::to_vec(&("wasm".to_string(), code)).unwrap();
        session.execute(&addr("deployer"), None, &name("module:store_code"), &data, GAS).unwrap().result
    };
    assert_eq!(bad(b"not wasm".to_vec()), Err(ErrorCode::InvalidHandler));
    let no_exports = wat::parse_str("(module (memory 1))").unwrap();
    assert_eq!(bad(no_exports), Err(ErrorCode::InvalidHandler), "the ABI's exports are required");
    let env_import = wat::parse_str(r#"(module (import "env" "input" (func (param i64))))"#).unwrap();
    assert_eq!(bad(env_import), Err(ErrorCode::InvalidHandler), "only the hypervisor's imports");
    let data = borsh::to_vec(&("native".to_string(), handler_code("hv_counter").to_vec())).unwrap();
    let native = session.execute(&addr("deployer"), None, &name("module:store_code"), &data, GAS).unwrap();
    assert_eq!(native.result, Err(ErrorCode::InvalidHandler), "the native VM stores no code");
}

#[test]
fn a_wasm_counter_counts_and_refuses_to_underflow() {
    let hv = hypervisor();
    let mut session = Session::new(&hv, StateRoot::default());
    let id = store(&mut session, "hv_counter");
    let counter = create(&mut session, &addr("alice"), &id, &1u64.to_le_bytes());
    assert_eq!(u64_le(&call(&mut session, &counter, "inc", b"", GAS).result.unwrap()), 2);
    assert_eq!(u64_le(&call(&mut session, &counter, "dec", b"", GAS).result.unwrap()), 1);
    assert_eq!(u64_le(&call(&mut session, &counter, "dec", b"", GAS).result.unwrap()), 0);
    let underflow = call(&mut session, &counter, "dec", b"", GAS);
    assert_eq!(underflow.result, Err(ErrorCode::Handler(1)));
    let get = session.query(Some(&counter), &name("get"), b"", GAS).unwrap();
    assert_eq!(u64_le(&get.result.unwrap()), 0);
    assert!(get.gas_used > 0, "wasm execution is metered");
    assert_eq!(call(&mut session, &counter, "nope", b"", GAS).result, Err(ErrorCode::MessageNotHandled));
}

#[test]
fn calls_cross_vms_in_every_direction() {
    let hv = hypervisor();
    let mut session = Session::new(&hv, StateRoot::default());
    let (counter_id, caller_id) = (store(&mut session, "hv_counter"), store(&mut session, "hv_caller"));
    let alice = addr("alice");
    let wasm_counter = create(&mut session, &alice, &counter_id, &0u64.to_le_bytes());
    let native_counter = create(&mut session, &alice, "native:hv_counter", b"");
    let wasm_caller = create(&mut session, &alice, &caller_id, b"");
    let native_caller = create(&mut session, &alice, "native:hv_caller", b"");
    let gas = GAS / 10;
    // native → wasm
    let out = call(&mut session, &native_caller, "call", &spec(&wasm_counter, "inc", gas, b""), GAS);
    assert_eq!(u64_le(&out.result.unwrap()), 1);
    // wasm → native
    let out = call(&mut session, &wasm_caller, "call", &spec(&native_counter, "inc", gas, b""), GAS);
    assert_eq!(u64_le(&out.result.unwrap()), 1);
    // wasm → wasm
    let out = call(&mut session, &wasm_caller, "call", &spec(&wasm_counter, "inc", gas, b""), GAS);
    assert_eq!(u64_le(&out.result.unwrap()), 2);
    // wasm → native → wasm
    let inner = spec(&wasm_counter, "inc", gas / 2, b"");
    let out = call(&mut session, &wasm_caller, "call", &spec(&native_caller, "call", gas, &inner), GAS);
    assert_eq!(u64_le(&out.result.unwrap()), 3);
    // A → B → A: the wasm caller re-entered through another wasm caller gets a fresh instance.
    let other = create(&mut session, &alice, &caller_id, b"");
    call(&mut session, &wasm_caller, "set", b"mine", GAS).result.unwrap();
    let back = spec(&wasm_caller, "get", gas / 2, b"");
    let out = call(&mut session, &wasm_caller, "call", &spec(&other, "call", gas, &back), GAS);
    assert_eq!(out.result.unwrap(), b"mine");
}

#[test]
fn large_data_and_responses_travel_through_external_buffers() {
    let hv = hypervisor();
    let mut session = Session::new(&hv, StateRoot::default());
    let caller_id = store(&mut session, "hv_caller");
    let (a, b) =
        (create(&mut session, &addr("alice"), &caller_id, b""), create(&mut session, &addr("alice"), &caller_id, b""));
    let big = vec![7u8; 100_000];
    call(&mut session, &b, "set", &big, GAS).result.unwrap();
    let out = call(&mut session, &a, "call", &spec(&b, "get", GAS / 10, b""), GAS);
    assert_eq!(out.result.unwrap(), big, "a response larger than the packet");
    let out = call(&mut session, &a, "call", &spec(&b, "set", GAS / 10, &big), GAS);
    assert_eq!(out.result.unwrap(), b"", "a request larger than the packet");
    assert_eq!(call(&mut session, &b, "get", b"", GAS).result.unwrap(), big);
    // State values up to the guest's buffer arrive with `state_read`, larger ones by `read_return`.
    for len in [0, 1, 127, 128, 129, 4096] {
        let value = vec![u8::try_from(len % 251).unwrap(); len];
        call(&mut session, &b, "set", &value, GAS).result.unwrap();
        assert_eq!(call(&mut session, &b, "get", b"", GAS).result.unwrap(), value, "{len} bytes");
    }
}
