//! Invokes into and out of wasm handlers through the hypervisor, per message:
//! `native_to_wasm_x100` (a native handler sends 100 readonly `get`s to the wasm counter),
//! `wasm_to_wasm_x100` (the wasm caller sends 100 `get`s to the wasm counter),
//! `wasm_to_native_x100` (the wasm caller sends 100 `get`s to a native counter), and
//! `packet_round_trip` (a request written into a 64 KiB packet and read back). Peer in the same
//! run: `native_to_native_x100`.

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

fn bench(c: &mut Criterion) {
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
    hv.add_vm(Arc::new(WasmVm::new(Compiler::Winch).unwrap())).unwrap();
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
    let mut session = Session::new(&hv, root);
    let mut group = c.benchmark_group("hypervisor_wasm");
    let (loop_name, call_n) = (name("loop"), name("call_n"));
    let counter_bytes = counter.as_bytes().to_vec();
    let native_target_bytes = native_target.as_bytes().to_vec();
    group.bench_function("native_to_native_x100", |b| {
        b.iter(|| {
            session
                .execute(&alice, Some(&native_looper), &loop_name, &native_target_bytes, GAS)
                .unwrap()
                .result
                .unwrap()
        })
    });
    group.bench_function("native_to_wasm_x100", |b| {
        b.iter(|| {
            session.execute(&alice, Some(&native_looper), &loop_name, &counter_bytes, GAS).unwrap().result.unwrap()
        })
    });
    let to_wasm = spec(&counter, "get");
    group.bench_function("wasm_to_wasm_x100", |b| {
        b.iter(|| session.execute(&alice, Some(&caller), &call_n, &to_wasm, GAS).unwrap().result.unwrap())
    });
    let to_native = spec(&native_target, "get");
    group.bench_function("wasm_to_native_x100", |b| {
        b.iter(|| session.execute(&alice, Some(&caller), &call_n, &to_native, GAS).unwrap().result.unwrap())
    });
    let mut packet = Packet::new();
    let (address, get) = (counter.clone(), name("get"));
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
