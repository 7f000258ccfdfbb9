//! The wasm VM under the hypervisor's rules: code storage and validation, calls in every
//! direction between native and wasm handlers, traps, endless loops, out of gas and volatility
//! in wasm, state rolled back after every failure, and the same root on memory and RocksDB.

mod calls;
mod failures;
mod fuzz;
mod reuse;
mod rules;
mod twins;

use near_hypervisor::{Address, CallOutcome, ErrorCode, Hypervisor, MessageName, NativeVm, Session};
use near_hypervisor_wasm::WasmVm;
use near_store::Store;
use near_vm_runner::engine::Compiler;
use std::sync::Arc;

pub(crate) const GAS: u64 = 300_000_000_000_000;

pub(crate) fn addr(text: &str) -> Address {
    Address::new(text.as_bytes().to_vec()).unwrap()
}

pub(crate) fn name(text: &str) -> MessageName {
    MessageName::new(text).unwrap()
}

/// The call spec `hv_caller` forwards (see `near_hypervisor_wasm::call_spec`).
pub(crate) fn spec(receiver: &Address, message: &str, gas: u64, payload: &[u8]) -> Vec<u8> {
    near_hypervisor_wasm::call_spec::encode(Some(receiver), message, gas, payload).unwrap()
}

/// Which VM a test handler runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Vm {
    Native,
    Wasm,
}

/// Both, for tests parameterised over the VM.
pub(crate) const VMS: [Vm; 2] = [Vm::Native, Vm::Wasm];

/// The handler id of test handler `handler` (`hv_counter`, …) in `vm` (storing wasm code).
pub(crate) fn handler_id(session: &mut Session<'_>, vm: Vm, handler: &str) -> String {
    match vm {
        Vm::Native => format!("native:{handler}"),
        Vm::Wasm => store(session, handler),
    }
}

/// Creates an account running test handler `handler` in `vm`.
pub(crate) fn deploy_on(session: &mut Session<'_>, vm: Vm, handler: &str, init: &[u8]) -> Address {
    let id = handler_id(session, vm, handler);
    create(session, &addr("alice"), &id, init)
}

pub(crate) fn hypervisor_with(store: Store) -> Hypervisor {
    let mut native = NativeVm::new();
    twins::register(&mut native);
    let mut hv = Hypervisor::new(store);
    hv.add_vm(Arc::new(native)).unwrap();
    let wasm = WasmVm::new(Compiler::Winch).unwrap().with_module("hv_module", handler_code("hv_module")).unwrap();
    hv.add_vm(Arc::new(wasm)).unwrap();
    hv
}

pub(crate) fn hypervisor() -> Hypervisor {
    hypervisor_with(Store::memory())
}

pub(crate) fn handler_code(handler: &str) -> &'static [u8] {
    near_test_contracts::hv_handler(handler).unwrap()
}

/// Stores a test handler's code; its handler id.
pub(crate) fn store(session: &mut Session<'_>, handler: &str) -> String {
    let data = borsh::to_vec(&("wasm".to_string(), handler_code(handler).to_vec())).unwrap();
    let outcome = session.execute(&addr("deployer"), None, &name("module:store_code"), &data, GAS).unwrap();
    String::from_utf8(outcome.result.unwrap()).unwrap()
}

/// `caller` creates an account running `handler_id`.
pub(crate) fn create(session: &mut Session<'_>, caller: &Address, handler_id: &str, init: &[u8]) -> Address {
    let outcome = session.create(caller, handler_id, init, GAS).unwrap();
    Address::new(outcome.result.unwrap_or_else(|e| panic!("create {handler_id}: {e:?}"))).unwrap()
}

/// Stores a test handler's code and creates an account running it.
pub(crate) fn deploy(session: &mut Session<'_>, caller: &Address, handler: &str, init: &[u8]) -> Address {
    let id = store(session, handler);
    create(session, caller, &id, init)
}

pub(crate) fn call(session: &mut Session<'_>, to: &Address, message: &str, data: &[u8], gas: u64) -> CallOutcome {
    session.execute(&addr("alice"), Some(to), &name(message), data, gas).unwrap()
}

pub(crate) fn u64_le(bytes: &[u8]) -> u64 {
    u64::from_le_bytes(bytes.try_into().unwrap())
}
