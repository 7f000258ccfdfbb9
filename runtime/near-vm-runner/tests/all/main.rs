//! Integration tests of near-vm-runner: contracts (WAT) through the full runner against a
//! mocked External. One binary, a module per area.

mod context_and_registers;
mod contracts;
mod fuzz;
mod fuzz_host_calls;
mod fuzz_submodules;
mod gas_keys;
mod global_contracts;
mod logs_and_panics;
mod math;
mod metering;
mod promises;
mod runner;
mod storage;
mod submodules;
mod yield_resume;

use near_parameters::RuntimeConfig;
use near_primitives::crypto::SecretKey;
use near_vm_runner::ContractRunner;
use near_vm_runner::engine::Compiler;
use near_vm_runner::logic::mocks::MockedExternal;
use near_vm_runner::logic::{External, VMContext, VMOutcome};
use near_vm_runner::prepare::Metering;

pub(crate) fn context() -> VMContext {
    VMContext {
        current_account_id: "alice.near".parse().unwrap(),
        signer_account_id: "bob.near".parse().unwrap(),
        signer_account_pk: SecretKey::from_seed("bob.near").public_key(),
        predecessor_account_id: "carol.near".parse().unwrap(),
        refund_to_account_id: None,
        input: b"{\"x\":1}".to_vec(),
        promise_results: vec![],
        block_height: 10,
        block_timestamp: 42,
        epoch_height: 1,
        account_balance: 100,
        account_locked_balance: 0,
        storage_usage: 1000,
        attached_deposit: 7,
        prepaid_gas: 300_000_000_000_000,
        random_seed: vec![1, 2, 3],
        view_config: None,
        output_data_receivers: vec![],
    }
}

/// A contract run and the external it left behind.
pub(crate) struct Ran {
    pub(crate) outcome: VMOutcome,
    pub(crate) ext: Box<dyn External>,
}

pub(crate) fn runner() -> &'static ContractRunner {
    static RUNNER: std::sync::OnceLock<ContractRunner> = std::sync::OnceLock::new();
    RUNNER.get_or_init(|| ContractRunner::new(Compiler::Winch).unwrap())
}

/// The reference runner: the same engine, gas metered by a host call at every gas point and
/// function entry and exit, as finite-wasm instruments (see `metering.rs`).
pub(crate) fn reference_runner() -> &'static ContractRunner {
    static RUNNER: std::sync::OnceLock<ContractRunner> = std::sync::OnceLock::new();
    RUNNER.get_or_init(|| ContractRunner::new(Compiler::Winch).unwrap().with_metering(Metering::HostCalls))
}

/// Calls burning more than this (loops run to exhaustion of 100–300 Tgas) are not run again on
/// the reference: a host call per loop iteration takes about a minute for them. `metering.rs`
/// runs out of gas at every point on smaller budgets instead.
const REFERENCE_GAS_CAP: u64 = 10_000_000_000_000;

/// Runs `method` of `code`, and runs it again on the reference runner from the same state: the
/// outcome (gas to the unit, profile, logs, result, error) and the state it leaves must be the
/// same, so every call of every test (up to [`REFERENCE_GAS_CAP`]) pins the inline metering to
/// the host-call reference.
pub(crate) fn run_code(code: &[u8], method: &str, ext: Box<dyn External>, context: VMContext) -> Ran {
    let ext: Box<dyn std::any::Any> = ext;
    let before = *ext.downcast::<MockedExternal>().expect("integration tests run on MockedExternal");
    let config = RuntimeConfig::mainnet();
    let (outcome, ext) = runner().run(code, method, Box::new(before.clone()), context.clone(), &config).unwrap();
    if outcome.burnt_gas > REFERENCE_GAS_CAP {
        return Ran { outcome, ext };
    }
    let (reference, reference_ext) = reference_runner().run(code, method, Box::new(before), context, &config).unwrap();
    assert_eq!(outcome, reference, "inline metering changed the outcome of `{method}`");
    assert_eq!(debug_state(ext.as_ref()), debug_state(reference_ext.as_ref()), "and the state of `{method}`");
    Ran { outcome, ext }
}

fn debug_state(ext: &dyn External) -> String {
    let any: &dyn std::any::Any = ext;
    format!("{:?}", any.downcast_ref::<MockedExternal>())
}

pub(crate) fn run_wat(wat: &str, method: &str) -> Ran {
    run_code(&wat::parse_str(wat).unwrap(), method, Box::new(MockedExternal::default()), context())
}

/// Runs `method` of `tools/nearcore-diff/fixtures/<fixture>` (the WAT modules nearcore-diff
/// compares with nearcore) on an empty mocked state, so tests here can check their values.
pub(crate) fn run_fixture(fixture: &str, method: &str) -> Ran {
    let path = format!("{}/../../tools/nearcore-diff/fixtures/{fixture}", env!("CARGO_MANIFEST_DIR"));
    let code = wat::parse_file(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    // The balance nearcore-diff's default context gives (the fixtures attach deposits).
    let context = VMContext { account_balance: 10u128.pow(25), ..context() };
    run_code(&code, method, Box::new(MockedExternal::default()), context)
}

/// Wraps function bodies in a module with the given imports and one page of memory.
pub(crate) fn module(imports: &str, body: &str) -> String {
    format!("(module {imports} (memory 1) {body})")
}

/// The value returned by the call, which must have succeeded.
pub(crate) fn returned(ran: &Ran) -> Vec<u8> {
    assert_eq!(ran.outcome.aborted, None, "call failed");
    match &ran.outcome.return_data {
        near_vm_runner::logic::ReturnData::Value(v) => v.clone(),
        other => panic!("no value returned: {other:?}"),
    }
}

/// The value returned by the call (empty if none).
pub(crate) fn returned_value(ran: &Ran) -> Vec<u8> {
    match &ran.outcome.return_data {
        near_vm_runner::logic::ReturnData::Value(v) => v.clone(),
        _ => Vec::new(),
    }
}
