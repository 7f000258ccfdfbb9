//! Random sequences of host calls with random arguments: a contract forwards each (function,
//! seven u64 arguments) of its input to the host function, for every function of the import
//! table (read from `src/imports.rs`, so a new host function is fuzzed without touching this
//! file). Arguments mix zeros, small numbers, lengths and pointers at and past the end of memory,
//! `u32`/`u64` boundaries and register ids up to `u64::MAX`. Every call must end in an outcome
//! (a typed `FunctionCallError` or none: never a node fault or a panic), burn no more than the
//! prepaid gas, and be identical, gas profile and state included, under the inline metering and
//! the host-call reference (`run_code`). `FUZZ_ITERATIONS` / `FUZZ_SEED` as in `fuzz.rs`.

use crate::{context, run_code};
use near_vm_runner::logic::mocks::MockedExternal;
use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};
use std::collections::BTreeMap;

/// A host function: name, wasm parameter types, result type.
struct HostFn {
    name: String,
    params: Vec<&'static str>,
    result: Option<&'static str>,
}

fn wasm_type(rust: &str) -> Option<&'static str> {
    match rust.trim() {
        "u64" | "i64" => Some("i64"),
        "u32" | "i32" => Some("i32"),
        _ => None,
    }
}

/// Every `name(arg: type, …) -> type` entry of the import table.
fn host_functions() -> Vec<HostFn> {
    let source = include_str!("../../src/imports.rs");
    let mut functions = Vec::new();
    for line in source.lines() {
        let line = line.trim();
        let Some((head, result)) = line.split_once(") -> ") else { continue };
        let Some((name, args)) = head.split_once('(') else { continue };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
            continue;
        }
        let result = result.split_whitespace().next().unwrap_or("()");
        let params: Option<Vec<&'static str>> = args
            .split(',')
            .filter(|a| !a.trim().is_empty())
            .map(|a| a.split_once(':').and_then(|(_, ty)| wasm_type(ty)))
            .collect();
        let Some(params) = params else { continue };
        functions.push(HostFn { name: name.to_string(), params, result: wasm_type(result) });
    }
    functions
}

fn forwarder(functions: &[HostFn]) -> Vec<u8> {
    let mut imports = String::new();
    let mut cases = String::new();
    for (i, f) in functions.iter().enumerate() {
        let params: String = f.params.iter().map(|t| format!(" {t}")).collect();
        let result = f.result.map(|t| format!(" (result {t})")).unwrap_or_default();
        imports.push_str(&format!("(import \"env\" \"{}\" (func $f{i} (param{params}){result}))\n", f.name));
        let args: String = f
            .params
            .iter()
            .enumerate()
            .map(|(j, t)| {
                let load = format!("(i64.load (i32.add (local.get $at) (i32.const {})))", 8 + 8 * j);
                if *t == "i32" { format!(" (i32.wrap_i64 {load})") } else { format!(" {load}") }
            })
            .collect();
        let call = format!("(call $f{i}{args})");
        let call = if f.result.is_some() { format!("(drop {call})") } else { call };
        cases.push_str(&format!("(if (i32.eq (local.get $index) (i32.const {i})) (then {call}))\n"));
    }
    let wat = format!(
        r#"(module
  (import "env" "input" (func $input (param i64)))
  (import "env" "register_len" (func $register_len (param i64) (result i64)))
  (import "env" "read_register" (func $read_register (param i64 i64)))
  {imports}
  (memory 1)
  (func (export "f") (local $at i32) (local $end i32) (local $index i32)
    (call $input (i64.const 0))
    (local.set $at (i32.const 40000))
    (local.set $end (i32.add (local.get $at) (i32.wrap_i64 (call $register_len (i64.const 0)))))
    (call $read_register (i64.const 0) (i64.const 40000))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
      (local.set $index (i32.load8_u (local.get $at)))
      {cases}
      (local.set $at (i32.add (local.get $at) (i32.const 64)))
      (br $next))))
)"#
    );
    wat::parse_str(wat).unwrap()
}

/// An argument: usually a plausible one (a small pointer, length or register id), so that
/// sequences get past their first call; otherwise an edge.
fn argument(rng: &mut StdRng) -> u64 {
    if rng.gen_bool(0.7) {
        return match rng.gen_range(0..3) {
            0 => rng.gen_range(0..4),
            1 => rng.gen_range(0..64),
            _ => rng.gen_range(0..2_000),
        };
    }
    match rng.gen_range(0..16) {
        0 => 0,
        1 => u64::MAX,
        2 => u64::MAX - 1,
        3 => u64::from(u32::MAX),
        4 => 1 << 32,
        5 => 65_536,
        6 => 65_536 - rng.gen_range(1..64),
        7 => rng.gen_range(0..4),
        8 => 32,
        9 => 64,
        10 => rng.next_u64(),
        _ => rng.gen_range(0..70_000),
    }
}

/// Functions that end the call: generated rarely, so sequences go on.
const ENDS_THE_CALL: &[&str] = &["panic", "panic_utf8", "abort"];

#[test]
fn random_host_call_sequences_give_only_typed_errors_and_agree_across_meterings() {
    let iterations = crate::fuzz::env_u64("FUZZ_ITERATIONS", 120) * 2;
    let seed = crate::fuzz::env_u64("FUZZ_SEED", 0);
    let functions = host_functions();
    assert!(functions.len() > 60, "the import table parsed: {} functions", functions.len());
    let code = forwarder(&functions);
    let mut rng = StdRng::seed_from_u64(seed);
    let (mut kinds, mut calls) = (BTreeMap::<String, u64>::new(), 0u64);
    for iteration in 0..iterations {
        let mut input = Vec::new();
        for _ in 0..rng.gen_range(1..25) {
            let index = loop {
                let index = rng.gen_range(0..functions.len());
                if !ENDS_THE_CALL.contains(&functions[index].name.as_str()) || rng.gen_bool(0.05) {
                    break index;
                }
            };
            input.extend_from_slice(&u64::try_from(index).unwrap().to_le_bytes());
            for _ in 0..7 {
                input.extend_from_slice(&argument(&mut rng).to_le_bytes());
            }
            calls += 1;
        }
        let mut context = context();
        context.input = input;
        context.prepaid_gas =
            if iteration % 5 == 4 { rng.gen_range(1..100) * 10_000_000_000 } else { 300_000_000_000_000 };
        let ran = run_code(&code, "f", Box::new(MockedExternal::default()), context.clone());
        let outcome = ran.outcome;
        assert!(outcome.burnt_gas <= context.prepaid_gas, "iteration {iteration}: gas above prepaid");
        let kind = outcome.aborted.as_ref().map_or("ok".into(), |e| crate::fuzz::kind_of(&format!("{e:?}")));
        *kinds.entry(kind).or_default() += 1;
    }
    eprintln!("{iterations} sequences, {calls} host calls over {} functions: {kinds:#?}", functions.len());
}
