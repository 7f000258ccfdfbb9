//! Native → native invoke through the hypervisor, and a 10-deep nested call.
//!
//! `invoke_native_to_native`: one message from a native handler to another (a readonly `get`
//! with 8 bytes of data), measured as a loop of 1,000 invokes inside one handler call and
//! reported per invoke. `nested_10_deep`: one external call that goes 10 handlers deep.
//! `peer_direct_call_x1000`: the same 1,000 messages handed straight to the handler through
//! `dyn AccountHandler` with a host that does nothing: the floor the hypervisor adds to, run in
//! the same process (these machines are noisy; compare within one run).

#![allow(missing_docs, reason = "criterion_group! generates undocumented functions")]

use criterion::{Criterion, criterion_group, criterion_main};
use near_hypervisor::{
    AccountHandler, Address, ErrorCode, HandlerMetadata, Host, Hypervisor, Invoke, MessageMetadata, MessageName,
    MessageRequest, NativeVm, Session, Volatility,
};
use near_primitives::types::StateRoot;
use near_store::Store;
use std::sync::Arc;

const LOOP: u64 = 1_000;

/// `get`: returns its data. `loop(target, n)`: invokes `get` on target n times. `chain(k)`:
/// invokes `chain(k - 1)` on itself until 0.
struct Bench;

impl AccountHandler for Bench {
    fn handle(&self, request: &MessageRequest<'_>, host: &mut dyn Host) -> Result<Vec<u8>, ErrorCode> {
        let send = |host: &mut dyn Host, name: &MessageName, data: Vec<u8>| {
            host.invoke(Invoke {
                receiver: Some(request.address.clone()),
                caller: None,
                name: name.clone(),
                data,
                context_token: request.context_token,
                gas_limit: u64::MAX,
            })
        };
        match request.name.as_str() {
            "get" => Ok(request.data.to_vec()),
            "loop" => {
                let get = MessageName::new("get")?;
                for i in 0..LOOP {
                    send(host, &get, i.to_le_bytes().to_vec())?;
                }
                Ok(Vec::new())
            }
            _ => {
                let depth = request.data.first().copied().unwrap_or(0);
                if depth == 0 {
                    return Ok(Vec::new());
                }
                send(host, request.name, vec![depth - 1])
            }
        }
    }
}

fn metadata() -> HandlerMetadata {
    let message =
        |name: &str, volatility| MessageMetadata { name: MessageName::new(name).unwrap(), volatility, extra: vec![] };
    HandlerMetadata {
        messages: vec![
            message("get", Volatility::Readonly),
            message("loop", Volatility::Volatile),
            message("chain", Volatility::Volatile),
        ],
        ..HandlerMetadata::default()
    }
}

/// A host that routes nothing: `invoke` hands the message straight to the bench handler.
struct DirectHost;

impl Host for DirectHost {
    fn invoke(&mut self, invoke: Invoke) -> Result<Vec<u8>, ErrorCode> {
        Ok(invoke.data)
    }
    fn state_get(&mut self, _: &[u8; 32], _: &[u8]) -> Result<Option<Vec<u8>>, ErrorCode> {
        Ok(None)
    }
    fn state_set(&mut self, _: &[u8; 32], _: &[u8], _: &[u8]) -> Result<(), ErrorCode> {
        Ok(())
    }
    fn state_remove(&mut self, _: &[u8; 32], _: &[u8]) -> Result<(), ErrorCode> {
        Ok(())
    }
    fn gas_left(&self) -> u64 {
        u64::MAX
    }
    fn consume_gas(&mut self, _: u64) -> Result<(), ErrorCode> {
        Ok(())
    }
}

fn bench(c: &mut Criterion) {
    let mut vm = NativeVm::new();
    vm.register("bench", Bench, metadata()).unwrap();
    let mut hv = Hypervisor::new(Store::memory());
    hv.add_vm(Arc::new(vm)).unwrap();
    let alice = Address::new(b"alice".to_vec()).unwrap();
    let mut setup = Session::new(&hv, StateRoot::default());
    let account = Address::new(setup.create(&alice, "native:bench", b"", u64::MAX).unwrap().result.unwrap()).unwrap();
    let root = setup.finish().unwrap();
    let mut session = Session::new(&hv, root);
    let (loop_name, chain) = (MessageName::new("loop").unwrap(), MessageName::new("chain").unwrap());
    let mut group = c.benchmark_group("hypervisor");
    group.bench_function("invoke_native_to_native_x1000", |b| {
        b.iter(|| session.execute(&alice, Some(&account), &loop_name, b"", u64::MAX).unwrap().result.unwrap())
    });
    let handler: Arc<dyn AccountHandler> = Arc::new(Bench);
    let request = MessageRequest {
        address: &account,
        caller: Some(&alice),
        name: &loop_name,
        data: &[],
        state_token: [1; 32],
        context_token: [2; 32],
        gas_limit: u64::MAX,
    };
    group.bench_function("peer_direct_call_x1000", |b| b.iter(|| handler.handle(&request, &mut DirectHost).unwrap()));
    group.bench_function("nested_10_deep", |b| {
        b.iter(|| session.execute(&alice, Some(&account), &chain, &[10], u64::MAX).unwrap().result.unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
