//! The wasm VM under the hypervisor's rules: code storage and validation, calls in every
//! direction between native and wasm handlers, traps, endless loops, out of gas and volatility
//! in wasm, state rolled back after every failure, and the same root on memory and RocksDB.

mod calls;
mod failures;

use near_hypervisor::{
    AccountHandler, Address, CallOutcome, ErrorCode, HandlerMetadata, Host, Hypervisor, Invoke, MessageMetadata,
    MessageName, MessageRequest, NativeVm, Session, Volatility,
};
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

/// A native counter (`inc`, `get`) and a native caller (`call(spec)`, same spec as the wasm
/// caller's), to call across VMs.
struct NativeCounter;

impl AccountHandler for NativeCounter {
    fn handle(&self, request: &MessageRequest<'_>, host: &mut dyn Host) -> Result<Vec<u8>, ErrorCode> {
        let count = host
            .state_get(&request.state_token, b"count")?
            .map_or(0, |v| u64::from_le_bytes(v[..8].try_into().unwrap()));
        match request.name.as_str() {
            "inc" => {
                host.state_set(&request.state_token, b"count", &(count + 1).to_le_bytes())?;
                Ok((count + 1).to_le_bytes().to_vec())
            }
            "call" => {
                let (receiver, name, gas, payload) = parse_call(request.data).ok_or(ErrorCode::Encoding)?;
                host.invoke(Invoke {
                    receiver,
                    caller: None,
                    name,
                    data: payload,
                    context_token: request.context_token,
                    gas_limit: gas,
                })
            }
            _ => Ok(count.to_le_bytes().to_vec()),
        }
    }
}

/// `len(receiver) ‖ receiver ‖ len(name) ‖ name ‖ gas ‖ payload` (as `hv_handlers::call_spec`).
pub(crate) fn spec(receiver: &Address, message: &str, gas: u64, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![u8::try_from(receiver.as_bytes().len()).unwrap()];
    out.extend_from_slice(receiver.as_bytes());
    out.push(u8::try_from(message.len()).unwrap());
    out.extend_from_slice(message.as_bytes());
    out.extend_from_slice(&gas.to_le_bytes());
    out.extend_from_slice(payload);
    out
}

fn parse_call(data: &[u8]) -> Option<(Option<Address>, MessageName, u64, Vec<u8>)> {
    let receiver_len = usize::from(*data.first()?);
    let receiver = data.get(1..1 + receiver_len)?;
    let rest = &data[1 + receiver_len..];
    let name_len = usize::from(*rest.first()?);
    let name = std::str::from_utf8(rest.get(1..1 + name_len)?).ok()?;
    let rest = &rest[1 + name_len..];
    let gas = u64::from_le_bytes(rest.get(..8)?.try_into().ok()?);
    let receiver = if receiver.is_empty() { None } else { Some(Address::new(receiver.to_vec()).ok()?) };
    Some((receiver, MessageName::new(name).ok()?, gas, rest[8..].to_vec()))
}

pub(crate) fn hypervisor_with(store: Store) -> Hypervisor {
    let mut native = NativeVm::new();
    let message = |n: &str, volatility| MessageMetadata { name: name(n), volatility, extra: vec![] };
    let metadata = HandlerMetadata {
        messages: vec![
            message("inc", Volatility::Volatile),
            message("get", Volatility::Readonly),
            message("call", Volatility::Volatile),
        ],
        ..HandlerMetadata::default()
    };
    native.register("counter", NativeCounter, metadata).unwrap();
    let mut hv = Hypervisor::new(store);
    hv.add_vm(Arc::new(native)).unwrap();
    hv.add_vm(Arc::new(WasmVm::new(Compiler::Winch).unwrap())).unwrap();
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
