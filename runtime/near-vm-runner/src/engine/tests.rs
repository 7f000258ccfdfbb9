use super::*;
use crate::logic::{GasCounter, GasLimits};
use crate::prepare::{ImportPolicy, Metering, prepare_with_metering};
use near_parameters::RuntimeConfig;
use near_primitives::errors::WasmTrap;

struct TestHost {
    gas: GasCounter,
    metering: MeteringState,
}

impl InstrumentationHost for TestHost {
    fn burn_wasm_gas(&mut self, gas: u64) -> Result<(), HostError> {
        self.gas.burn_wasm_gas(gas).map_err(Into::into)
    }
    fn wasm_gas_allowance(&self) -> u64 {
        self.gas.wasm_gas_allowance()
    }
    fn metering(&mut self) -> &mut MeteringState {
        &mut self.metering
    }
}

#[derive(Debug, PartialEq)]
struct Run {
    result: Result<(), FunctionCallError>,
    burnt_gas: u64,
}

/// Runs `method` metered inline, and checks that metering with a host call per gas point (the
/// reference) gives exactly the same result and gas.
fn run_with(compiler: Compiler, wat: &str, method: &str, prepaid_gas: u64) -> Run {
    let inline = run_metered(compiler, Metering::Inline, wat, method, prepaid_gas);
    let reference = run_metered(compiler, Metering::HostCalls, wat, method, prepaid_gas);
    assert_eq!(inline, reference, "inline metering differs from host calls on {method} of {wat}");
    inline
}

fn run_metered(compiler: Compiler, metering: Metering, wat: &str, method: &str, prepaid_gas: u64) -> Run {
    let config = RuntimeConfig::mainnet().wasm_config;
    let code = wat::parse_str(wat).unwrap();
    let prepared = prepare_with_metering(&code, &config, &ImportPolicy::CONTRACT, metering).unwrap();
    let engine = WasmEngine::new(compiler).unwrap();
    let module = engine.compile(&prepared.code).unwrap();
    let limits = GasLimits { prepaid_gas, max_gas_burnt: config.limit_config.max_gas_burnt, is_view: false };
    let host =
        TestHost { gas: GasCounter::new(config.ext_costs.clone(), limits), metering: MeteringState::new(&config) };
    let mut store = Store::new(engine.inner(), host);
    let mut linker = Linker::new(engine.inner());
    link_instrumentation(&mut linker).unwrap();
    link_memory(&mut linker, &mut store, &config).unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    bind_gas_global(&mut store, &instance).unwrap();
    let result = call_method(&mut store, &instance, method).map_err(|error| match error {
        CallError::Guest(guest) => guest,
        CallError::Node(fault) => panic!("node fault in an engine test: {fault}"),
    });
    sync_gas_in(&mut store).unwrap();
    Run { result, burnt_gas: store.data().gas.burnt_gas() }
}

fn run(wat: &str, method: &str) -> Run {
    run_with(Compiler::Winch, wat, method, 300_000_000_000_000)
}

const OP: u64 = 822_756;

const LOOP: &str = r#"(module
  (func (export "loop") (param $n i32)
    (block $done (loop $again
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $again))))
  (func (export "ten") (call 0 (i32.const 10)))
  (func (export "twenty") (call 0 (i32.const 20)))
  (func (export "main")))"#;

#[test]
fn gas_is_a_whole_number_of_operations_and_linear_in_iterations() {
    let ten = run(LOOP, "ten");
    let twenty = run(LOOP, "twenty");
    ten.result.as_ref().unwrap();
    twenty.result.as_ref().unwrap();
    let per_ten_iterations = twenty.burnt_gas - ten.burnt_gas;
    assert!(per_ten_iterations > 0);
    assert_eq!(per_ten_iterations % (10 * OP), 0, "each iteration costs whole operations");
    assert_eq!(ten.burnt_gas % OP, 0);
}

#[test]
fn results_are_identical_across_runs_and_compilers() {
    let winch = run_with(Compiler::Winch, LOOP, "twenty", 300_000_000_000_000);
    let again = run_with(Compiler::Winch, LOOP, "twenty", 300_000_000_000_000);
    let cranelift = run_with(Compiler::Cranelift, LOOP, "twenty", 300_000_000_000_000);
    assert_eq!(winch.burnt_gas, again.burnt_gas);
    assert_eq!(winch.burnt_gas, cranelift.burnt_gas);
}

#[test]
fn traps_of_every_kind_are_structured_errors() {
    let cases = [
        ("(func (export \"f\") unreachable)", FunctionCallError::WasmTrap(WasmTrap::Unreachable)),
        (
            "(memory 1) (func (export \"f\") (drop (i32.load (i32.const -1))))",
            FunctionCallError::WasmTrap(WasmTrap::MemoryOutOfBounds),
        ),
        (
            "(func (export \"f\") (drop (i32.div_s (i32.const 1) (i32.const 0))))",
            FunctionCallError::WasmTrap(WasmTrap::IllegalArithmetic),
        ),
        ("(func $r (export \"f\") (call $r))", FunctionCallError::HostError(HostError::MemoryAccessViolation)),
        (
            "(table 1 funcref) (func (export \"f\") (call_indirect (i32.const 0)))",
            FunctionCallError::WasmTrap(WasmTrap::IndirectCallToNull),
        ),
    ];
    for (body, expected) in cases {
        let wat = format!("(module {body})");
        for compiler in [Compiler::Winch, Compiler::Cranelift] {
            let outcome = run_with(compiler, &wat, "f", 300_000_000_000_000);
            assert_eq!(outcome.result, Err(expected.clone()), "{body} on {compiler:?}");
        }
    }
}

#[test]
fn running_out_of_gas_stops_at_exactly_the_prepaid_gas() {
    let wat = r#"(module (func (export "f") (loop $l (br $l))))"#;
    let outcome = run_with(Compiler::Winch, wat, "f", 10_000_000_000);
    assert_eq!(outcome.result, Err(FunctionCallError::HostError(HostError::GasExceeded)));
    assert_eq!(outcome.burnt_gas, 10_000_000_000);
}

#[test]
fn method_resolution_errors() {
    let wat = r#"(module (func (export "takes_arg") (param i32)) (func (export "ok")))"#;
    let missing = run(wat, "absent").result;
    assert_eq!(missing, Err(FunctionCallError::MethodResolveError(MethodResolveError::MethodNotFound)));
    let wrong = run(wat, "takes_arg").result;
    assert_eq!(wrong, Err(FunctionCallError::MethodResolveError(MethodResolveError::MethodInvalidSignature)));
    let empty = run(wat, "").result;
    assert_eq!(empty, Err(FunctionCallError::MethodResolveError(MethodResolveError::MethodEmptyName)));
    run(wat, "ok").result.unwrap();
}

#[test]
fn long_error_messages_are_bounded() {
    let long = "é".repeat(1000);
    let short = bounded(&long);
    assert!(short.len() <= 520);
    assert!(short.ends_with('…'));
}
