//! The RFC-003 hypervisor's rules, one test (or more) each, and the scenarios, over the
//! native VM. `handlers` holds the test handlers.

mod handlers;
mod lifecycle;
mod modules;
mod packet;
mod rules;
mod state_model;

use handlers::*;
use near_hypervisor::hypervisor::DefaultAddressGenerator;
use near_hypervisor::{Address, CallOutcome, ErrorCode, Hypervisor, MessageName, NativeVm, Session, Volatility};
use near_primitives::types::StateRoot;
use near_store::Store;
use std::sync::{Arc, Mutex};

pub(crate) const GAS: u64 = 10_000_000;

pub(crate) fn addr(text: &str) -> Address {
    Address::new(text.as_bytes().to_vec()).unwrap()
}

pub(crate) type Log = Arc<Mutex<Vec<&'static str>>>;

/// A native VM with every test handler, and a hypervisor over `store`.
pub(crate) fn hypervisor_with(store: Store, log: Log) -> Hypervisor {
    let mut vm = NativeVm::new();
    vm.register("counter", Counter, Counter::metadata()).unwrap();
    vm.register("proxy", Proxy, Proxy::metadata()).unwrap();
    vm.register("burner", Burner, Burner::metadata()).unwrap();
    vm.register("h1", Versioned { version: "h1", accepts: &[] }, Versioned::metadata(false)).unwrap();
    vm.register("h2", Versioned { version: "h2", accepts: &["native:h1"] }, Versioned::metadata(true)).unwrap();
    vm.register("h3", Versioned { version: "h3", accepts: &["native:h1", "native:h2"] }, Versioned::metadata(true))
        .unwrap();
    vm.register("vesting", Vesting, Vesting::metadata()).unwrap();
    vm.register("panicker", Panicker, meta(&[("boom", Volatility::Volatile)])).unwrap();
    vm.register_module("bank", Bank, Bank::metadata()).unwrap();
    vm.register_module("limits", Limits, Limits::metadata()).unwrap();
    let recorder = |name| Recorder { name, log: log.clone() };
    vm.register_module("rec_z", recorder("zeta"), meta(&[("module:pre:send", Volatility::Readonly)])).unwrap();
    vm.register_module("rec_a", recorder("alpha"), meta(&[("module:pre:send", Volatility::Readonly)])).unwrap();
    let mut hv = Hypervisor::new(store);
    hv.add_vm(Arc::new(vm)).unwrap();
    hv.set_address_generator(Arc::new(DefaultAddressGenerator { key_handlers: vec!["native:h1".to_string()] }));
    hv
}

pub(crate) fn hypervisor() -> Hypervisor {
    hypervisor_with(Store::memory(), Log::default())
}

/// Runs `f` in a session over the empty state and returns the root.
pub(crate) fn with_session<T>(hv: &Hypervisor, f: impl FnOnce(&mut Session<'_>) -> T) -> T {
    let mut session = Session::new(hv, StateRoot::default());
    f(&mut session)
}

pub(crate) fn name(text: &str) -> MessageName {
    handlers::name(text)
}

/// `caller` creates an account running `handler_id`; its address.
pub(crate) fn create(session: &mut Session<'_>, caller: &Address, handler_id: &str, init: &[u8]) -> Address {
    let outcome = session.create(caller, handler_id, init, GAS).unwrap();
    Address::new(outcome.result.unwrap_or_else(|e| panic!("create {handler_id}: {e:?}"))).unwrap()
}

pub(crate) fn call(
    session: &mut Session<'_>,
    caller: &Address,
    to: &Address,
    message: &str,
    data: &[u8],
) -> CallOutcome {
    session.execute(caller, Some(to), &name(message), data, GAS).unwrap()
}

pub(crate) fn ok(outcome: CallOutcome) -> Vec<u8> {
    outcome.result.unwrap_or_else(|e| panic!("expected success, got {e:?}"))
}

pub(crate) fn err(outcome: CallOutcome) -> ErrorCode {
    outcome.result.expect_err("expected an error")
}

pub(crate) fn u64_le(bytes: &[u8]) -> u64 {
    u64::from_le_bytes(bytes.try_into().unwrap())
}
