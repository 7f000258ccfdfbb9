//! Instance reuse is invisible: a handler that checks its memory and globals at every call sees
//! a fresh instance each time, and every call — including ones that grow memory, trap, run out
//! of gas in setup or in the call, nested or not — has the same result and gas as on a VM that
//! makes a fresh instance per call.

use crate::*;
use near_primitives::types::StateRoot;
use proptest::prelude::*;

fn with_vm(wasm: WasmVm) -> Hypervisor {
    let mut hv = Hypervisor::new(Store::memory());
    let mut native = NativeVm::new();
    twins::register(&mut native);
    hv.add_vm(Arc::new(native)).unwrap();
    hv.add_vm(Arc::new(wasm)).unwrap();
    hv
}

fn reusing() -> Hypervisor {
    with_vm(WasmVm::new(Compiler::Winch).unwrap())
}

fn fresh() -> Hypervisor {
    with_vm(WasmVm::new(Compiler::Winch).unwrap().fresh_instances())
}

fn scribbler() -> Vec<u8> {
    wat::parse_str(include_str!("reuse.wat")).unwrap()
}

/// `(message, address, length, gas, nested)`: a call to the scribbler, direct or (nested)
/// through the wasm caller, which catches its error.
type Poke = (&'static str, u32, u32, u64, bool);

/// A call's result and gas used.
type Outcome = (Result<Vec<u8>, ErrorCode>, u64);

/// Runs `pokes` on `hv`; each call's outcome, and the final root.
fn play(hv: &Hypervisor, pokes: &[Poke]) -> (Vec<Outcome>, StateRoot) {
    let mut session = Session::new(hv, StateRoot::default());
    let data = borsh::to_vec(&("wasm".to_string(), scribbler())).unwrap();
    let stored = session.execute(&addr("deployer"), None, &name("module:store_code"), &data, GAS).unwrap();
    let id = String::from_utf8(stored.result.unwrap()).unwrap();
    let target = create(&mut session, &addr("alice"), &id, b"");
    let caller = deploy_on(&mut session, Vm::Wasm, "hv_caller", b"");
    let mut outcomes = Vec::new();
    for &(message, address, length, gas, nested) in pokes {
        let payload = [address.to_le_bytes(), length.to_le_bytes()].concat();
        let outcome = if nested {
            call(&mut session, &caller, "call_catch", &spec(&target, message, gas, &payload), GAS)
        } else {
            call(&mut session, &target, message, &payload, gas)
        };
        outcomes.push((outcome.result, outcome.gas_used));
    }
    (outcomes, session.finish().unwrap())
}

#[test]
fn a_reused_instance_is_a_fresh_one_to_the_handler() {
    let pokes: Vec<Poke> = vec![
        ("poke", 10, 100, GAS, false),
        ("poke", 1019, 2999, GAS, false),
        ("poke", 59_999, 1, GAS, true),
        ("grow", 4000, 500, GAS, false),
        ("poke", 70, 70, GAS, false),
        ("trap", 300, 1200, GAS, false),
        ("poke", 5000, 0, GAS, true),
        ("poke", 123, 456, 1_000, false),
        ("poke", 123, 456, 100_000_000, false),
        ("poke", 123, 456, 300_000_000, false),
        ("poke", 123, 456, 600_000_000, false),
        ("poke", 123, 456, 900_000_000, true),
        ("poke", 123, 456, 1_200_000_000, false),
        ("poke", 123, 456, 3_000_000_000, false),
        ("poke", 77, 88, GAS, false),
    ];
    let (reused, reused_root) = play(&reusing(), &pokes);
    let (fresh, fresh_root) = play(&fresh(), &pokes);
    assert_eq!(reused, fresh, "same results and gas, call by call");
    assert_eq!(reused_root, fresh_root);
    let first = reused[0].0.clone().unwrap();
    assert_eq!(first.len(), 29);
    assert_eq!(first[28], 0, "the request clears the packet's header");
    assert_eq!(&first[16..20], &3u32.to_le_bytes(), "the start function ran");
    for (i, (result, _)) in reused.iter().enumerate() {
        let (message, nested) = (pokes[i].0, pokes[i].4);
        let response = match result {
            Ok(caught) if nested && caught[0] == 1 => Err(u16::from_le_bytes([caught[1], caught[2]])),
            Ok(caught) if nested => Ok(&caught[1..]),
            Ok(response) => Ok(&response[..]),
            Err(code) => Err(code.code()),
        };
        match (message, response) {
            ("trap", response) => assert_eq!(response, Err(ErrorCode::Other.code()), "call {i}"),
            (_, Ok(response)) => assert_eq!(response, &first[..], "call {i} saw what an earlier call wrote"),
            (_, Err(code)) => assert_eq!(code, ErrorCode::OutOfGas.code(), "call {i}"),
        }
    }
}

fn poke() -> impl Strategy<Value = Poke> {
    let message = prop::sample::select(vec!["poke", "poke", "poke", "grow", "trap"]);
    let gas = prop::sample::select(vec![GAS, GAS, 50_000_000_000, 5_000_000_000, 1_000_000]);
    (message, any::<u32>(), any::<u32>(), gas, any::<bool>())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(8),
        ..ProptestConfig::default()
    })]
    #[test]
    fn random_calls_match_fresh_instances(pokes in prop::collection::vec(poke(), 1..16)) {
        let (reused, reused_root) = play(&reusing(), &pokes);
        let (fresh, fresh_root) = play(&fresh(), &pokes);
        prop_assert_eq!(reused, fresh);
        prop_assert_eq!(reused_root, fresh_root);
    }
}
