//! Invokes into and out of wasm handlers through the hypervisor, per message:
//! `native_to_wasm_x100` (a native handler sends 100 readonly `get`s to the wasm counter),
//! `wasm_to_wasm_x100` (the wasm caller sends 100 `get`s to the wasm counter),
//! `wasm_to_native_x100` (the wasm caller sends 100 `get`s to a native counter), and
//! `packet_round_trip` (a request written into a 64 KiB packet and read back). Peer in the same
//! run: `native_to_native_x100`. The three invokes run with Cranelift (the names above, what
//! `hypervisor-tester` runs), with Winch (`winch/…`) and with a fresh instance per call instead
//! of a reused one (`fresh_instances/…`, Cranelift).

#![allow(missing_docs, reason = "criterion_group! generates undocumented functions")]

use criterion::{Criterion, criterion_group, criterion_main};
use near_hypervisor::packet::Packet;
use near_hypervisor::{
    AccountHandler, Address, ErrorCode, HandlerMetadata, Host, Hypervisor, Invoke, MessageMetadata, MessageName,
    MessageRequest, NativeVm, Session, Volatility,
};
use near_hypervisor_wasm::WasmVm;
use near_primitives::types::StateRoot;
use near_store::Store;
use near_vm_runner::engine::Compiler;
use std::sync::Arc;

const N: u64 = 100;
const GAS: u64 = 300_000_000_000_000;

/// `loop(target)`: sends `get` to target N times. `get`: 8 bytes.
struct NativeLooper;

impl AccountHandler for NativeLooper {
    fn handle(&self, request: &MessageRequest<'_>, host: &mut dyn Host) -> Result<Vec<u8>, ErrorCode> {
        if request.name.as_str() == "get" {
            return Ok(0u64.to_le_bytes().to_vec());
        }
        let target = Address::new(request.data.to_vec())?;
        let get = MessageName::new("get")?;
        for _ in 0..N {
            host.invoke(Invoke {
                receiver: Some(target.clone()),
                caller: None,
                name: get.clone(),
                data: Vec::new(),
                context_token: request.context_token,
                gas_limit: GAS,
            })?;
        }
        Ok(Vec::new())
    }
}

fn spec(receiver: &Address, message: &str) -> Vec<u8> {
    let mut out = N.to_le_bytes().to_vec();
    out.push(u8::try_from(receiver.as_bytes().len()).unwrap());
    out.extend_from_slice(receiver.as_bytes());
    out.push(u8::try_from(message.len()).unwrap());
    out.extend_from_slice(message.as_bytes());
    out.extend_from_slice(&GAS.to_le_bytes());
    out
}

/// A hypervisor with the looper (native), the wasm counter and caller, and their addresses.
struct World {
    hv: Hypervisor,
    root: StateRoot,
    counter: Address,
    caller: Address,
    native_looper: Address,
    native_target: Address,
}

fn world(wasm: WasmVm) -> World {
    let mut native = NativeVm::new();
    let message =
        |n: &str, volatility| MessageMetadata { name: MessageName::new(n).unwrap(), volatility, extra: vec![] };
    let metadata = HandlerMetadata {
        messages: vec![message("loop", Volatility::Volatile), message("get", Volatility::Readonly)],
        ..HandlerMetadata::default()
    };
    native.register("looper", NativeLooper, metadata).unwrap();
    let mut hv = Hypervisor::new(Store::memory());
    hv.add_vm(Arc::new(native)).unwrap();
    hv.add_vm(Arc::new(wasm)).unwrap();
    let alice = Address::new(b"alice".to_vec()).unwrap();
    let name = |text: &str| MessageName::new(text).unwrap();
    let mut setup = Session::new(&hv, StateRoot::default());
    let mut deploy = |handler: &str, init: &[u8]| {
        let id = match near_test_contracts::hv_handler(handler) {
            Some(code) => {
                let data = borsh::to_vec(&("wasm".to_string(), code.to_vec())).unwrap();
                let stored = setup.execute(&alice, None, &name("module:store_code"), &data, GAS).unwrap();
                String::from_utf8(stored.result.unwrap()).unwrap()
            }
            None => handler.to_string(),
        };
        Address::new(setup.create(&alice, &id, init, GAS).unwrap().result.unwrap()).unwrap()
    };
    let counter = deploy("hv_counter", &7u64.to_le_bytes());
    let caller = deploy("hv_caller", b"");
    let native_looper = deploy("native:looper", b"");
    let native_target = deploy("native:looper", b"");
    let root = setup.finish().unwrap();
    World { hv, root, counter, caller, native_looper, native_target }
}

/// The four invokes on `wasm`, named `{prefix}…`.
fn invokes(c: &mut Criterion, prefix: &str, wasm: WasmVm, with_native: bool) {
    let w = world(wasm);
    let alice = Address::new(b"alice".to_vec()).unwrap();
    let name = |text: &str| MessageName::new(text).unwrap();
    let mut session = Session::new(&w.hv, w.root);
    let mut group = c.benchmark_group("hypervisor_wasm");
    let (loop_name, call_n) = (name("loop"), name("call_n"));
    let counter_bytes = w.counter.as_bytes().to_vec();
    let native_target_bytes = w.native_target.as_bytes().to_vec();
    if with_native {
        group.bench_function("native_to_native_x100", |b| {
            b.iter(|| {
                session
                    .execute(&alice, Some(&w.native_looper), &loop_name, &native_target_bytes, GAS)
                    .unwrap()
                    .result
                    .unwrap()
            })
        });
    }
    group.bench_function(format!("{prefix}native_to_wasm_x100"), |b| {
        b.iter(|| {
            session.execute(&alice, Some(&w.native_looper), &loop_name, &counter_bytes, GAS).unwrap().result.unwrap()
        })
    });
    let to_wasm = spec(&w.counter, "get");
    group.bench_function(format!("{prefix}wasm_to_wasm_x100"), |b| {
        b.iter(|| session.execute(&alice, Some(&w.caller), &call_n, &to_wasm, GAS).unwrap().result.unwrap())
    });
    let to_native = spec(&w.native_target, "get");
    group.bench_function(format!("{prefix}wasm_to_native_x100"), |b| {
        b.iter(|| session.execute(&alice, Some(&w.caller), &call_n, &to_native, GAS).unwrap().result.unwrap())
    });
    group.finish();
}

fn bench(c: &mut Criterion) {
    invokes(c, "", WasmVm::new(Compiler::Cranelift).unwrap(), true);
    invokes(c, "winch/", WasmVm::new(Compiler::Winch).unwrap(), false);
    invokes(c, "fresh_instances/", WasmVm::new(Compiler::Cranelift).unwrap().fresh_instances(), false);
    let mut group = c.benchmark_group("hypervisor_wasm");
    let mut packet = Packet::new();
    let (address, get) = (Address::new(b"counter".to_vec()).unwrap(), MessageName::new("get").unwrap());
    let alice = Address::new(b"alice".to_vec()).unwrap();
    let request = MessageRequest {
        address: &address,
        caller: Some(&alice),
        name: &get,
        data: &[1; 64],
        state_token: [1; 32],
        context_token: [2; 32],
        gas_limit: GAS,
    };
    group.bench_function("packet_round_trip", |b| {
        b.iter(|| {
            packet.write_request(&request, None);
            packet.write_response(&Ok(vec![3; 64]), 10, None);
            packet.read_request().unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
