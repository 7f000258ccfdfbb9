//! NEP-481 under random use: a parent interpreting a random list of starts and resumes (random
//! keys, some missing, more than the live limit; payloads up to and past 64 KiB) drives random
//! children (yields and returns of random sizes, up to and past the limit, traps, endless
//! loops, unbounded recursion, out-of-bounds reads; many left suspended at the parent's end).
//! With ample gas every status must match a model of the rules; with random small budgets only
//! typed errors and gas within the prepaid amount. All calls share one runner, so a child that
//! leaked its pool slot or fiber would exhaust the 128-slot child pool (a node fault, which
//! fails the test) long before the end; resident memory is sampled for growth.
//! `FUZZ_ITERATIONS` / `FUZZ_SEED` as in `fuzz.rs` (`scripts/fuzz.sh` runs 10,000 calls).

use crate::context;
use near_parameters::RuntimeConfig;
use near_vm_runner::ContractRunner;
use near_vm_runner::engine::Compiler;
use near_vm_runner::logic::ReturnData;
use near_vm_runner::logic::mocks::MockedExternal;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;

const LIMIT: u64 = 65_536;

/// One step of a child's `main`.
#[derive(Debug, Clone, Copy)]
enum ChildStep {
    Yield(u64),
    Return(u64),
    Trap,
    Loop,
    Recurse,
    OutOfBounds,
}

fn payload_len(rng: &mut StdRng) -> u64 {
    match rng.gen_range(0..10) {
        0 => LIMIT,
        1 => LIMIT + 1,
        2 => rng.gen_range(1_000..LIMIT),
        _ => rng.gen_range(0..64),
    }
}

fn child_script(rng: &mut StdRng) -> Vec<ChildStep> {
    (0..rng.gen_range(0..6))
        .map(|_| match rng.gen_range(0..20) {
            0 => ChildStep::Trap,
            1 => ChildStep::Loop,
            2 => ChildStep::Recurse,
            3 => ChildStep::OutOfBounds,
            4 | 5 => ChildStep::Return(payload_len(rng)),
            _ => ChildStep::Yield(payload_len(rng)),
        })
        .collect()
}

fn child_wat(script: &[ChildStep]) -> String {
    let body: String = script
        .iter()
        .map(|step| match step {
            ChildStep::Yield(len) => {
                format!("(call $callback (i64.const {len}) (i64.const 0)) (call $get_input (i64.const 0))\n")
            }
            ChildStep::Return(len) => format!("(call $return_value (i64.const {len}) (i64.const 0)) (return)\n"),
            ChildStep::Trap => "(unreachable)\n".into(),
            ChildStep::Loop => "(loop $forever (br $forever))\n".into(),
            ChildStep::Recurse => "(call $recurse)\n".into(),
            ChildStep::OutOfBounds => "(drop (i64.load (i32.const -16)))\n".into(),
        })
        .collect();
    format!(
        r#"(module
  (import "env" "callback" (func $callback (param i64 i64)))
  (import "env" "return_value" (func $return_value (param i64 i64)))
  (import "env" "get_input" (func $get_input (param i64)))
  (memory 2)
  (func $recurse (call $recurse))
  (func (export "main") {body}))"#
    )
}

/// The parent: input is a list of 8-byte ops `[kind, key, 0, 0, len u32 LE]` (kind 0 starts
/// key `key`, 1 resumes it with `len` bytes); returns every status as a u16 LE.
const PARENT: &str = r#"(module
  (import "env" "input" (func $input (param i64)))
  (import "env" "register_len" (func $register_len (param i64) (result i64)))
  (import "env" "read_register" (func $read_register (param i64 i64)))
  (import "env" "value_return" (func $value_return (param i64 i64)))
  (import "env" "start_submodule" (func $start (param i64 i64 i64 i64) (result i64)))
  (import "env" "resume_submodule" (func $resume (param i64 i64 i64 i64 i64) (result i64)))
  (memory 4)
  (data (i32.const 100) "0123456789")
  (func (export "f") (local $at i32) (local $end i32) (local $out i32) (local $status i64) (local $key i64)
    (call $input (i64.const 0))
    (call $read_register (i64.const 0) (i64.const 1024))
    (local.set $at (i32.const 1024))
    (local.set $end (i32.add (i32.const 1024) (i32.wrap_i64 (call $register_len (i64.const 0)))))
    (local.set $out (i32.const 200))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
      (local.set $key (i64.add (i64.const 100) (i64.load8_u (i32.add (local.get $at) (i32.const 1)))))
      (if (i32.eqz (i32.load8_u (local.get $at)))
        (then (local.set $status (call $start (i64.const 1) (local.get $key) (i64.const 5000000000000) (i64.const 1))))
        (else (local.set $status (call $resume (i64.const 1) (local.get $key)
          (i64.load32_u (i32.add (local.get $at) (i32.const 4))) (i64.const 65536) (i64.const 1)))))
      (i32.store16 (local.get $out) (i32.wrap_i64 (local.get $status)))
      (local.set $out (i32.add (local.get $out) (i32.const 2)))
      (local.set $at (i32.add (local.get $at) (i32.const 8)))
      (br $next)))
    (call $value_return (i64.extend_i32_u (i32.sub (local.get $out) (i32.const 200))) (i64.const 200))))"#;

/// What the rules say each op returns, given the children's scripts.
struct Model<'a> {
    children: &'a BTreeMap<u8, Vec<ChildStep>>,
    live: BTreeMap<u8, usize>,
}

impl Model<'_> {
    /// Runs child `key` from step `at` to its next switch: the status, and where it stopped if
    /// it is still alive.
    fn run_child(&self, key: u8, at: usize) -> (u16, Option<usize>) {
        match self.children[&key].get(at) {
            None => (0, None),
            Some(ChildStep::Yield(len)) if *len > LIMIT => (700, None),
            Some(ChildStep::Yield(_)) => (1, Some(at + 1)),
            Some(ChildStep::Return(len)) if *len > LIMIT => (700, None),
            Some(ChildStep::Return(_)) => (0, None),
            Some(ChildStep::Loop) => (400, None),
            Some(ChildStep::Trap | ChildStep::Recurse | ChildStep::OutOfBounds) => (600, None),
        }
    }

    fn apply(&mut self, op: &[u8; 8]) -> u16 {
        let key = op[1];
        let (status, next) = if op[0] == 0 {
            if self.live.contains_key(&key) {
                return 100;
            }
            if !self.children.contains_key(&key) {
                return 200;
            }
            if self.live.len() >= 8 {
                return 700;
            }
            self.run_child(key, 0)
        } else {
            let Some(&at) = self.live.get(&key) else { return 500 };
            if u64::from(u32::from_le_bytes(op[4..8].try_into().unwrap())) > LIMIT {
                return 700;
            }
            self.run_child(key, at)
        };
        match next {
            Some(at) => self.live.insert(key, at),
            None => self.live.remove(&key),
        };
        status
    }
}

fn resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix("VmRSS:")?.trim().strip_suffix(" kB")?.parse().ok()).unwrap_or(0)
}

#[test]
fn random_parents_driving_random_children_follow_the_rules_and_leak_nothing() {
    let iterations = crate::fuzz::env_u64("FUZZ_ITERATIONS", 300);
    let seed = crate::fuzz::env_u64("FUZZ_SEED", 0);
    let runner = ContractRunner::new(Compiler::Winch).unwrap();
    let config = RuntimeConfig::mainnet();
    let parent = wat::parse_str(PARENT).unwrap();
    let mut rng = StdRng::seed_from_u64(seed);
    // A pool of children, so compiled modules are reused as on a chain.
    let pool: Vec<Vec<ChildStep>> = (0..40).map(|_| child_script(&mut rng)).collect();
    let codes: Vec<Vec<u8>> = pool.iter().map(|s| wat::parse_str(child_wat(s)).unwrap()).collect();
    let (mut statuses, mut starved, mut baseline_kib) = (BTreeMap::<u16, u64>::new(), 0u64, 0);
    for iteration in 0..iterations {
        let mut children = BTreeMap::new();
        let mut ext = MockedExternal::default();
        for key in 0..10u8 {
            if rng.gen_bool(0.8) {
                let pick = rng.gen_range(0..pool.len());
                children.insert(key, pool[pick].clone());
                ext.submodules.insert(vec![b'0' + key], codes[pick].clone());
            }
        }
        let ops: Vec<[u8; 8]> = (0..rng.gen_range(1..30))
            .map(|_| {
                let len = u32::try_from(payload_len(&mut rng)).unwrap().to_le_bytes();
                [u8::from(rng.gen_bool(0.6)), rng.gen_range(0..11), 0, 0, len[0], len[1], len[2], len[3]]
            })
            .collect();
        let mut context = context();
        context.input = ops.concat();
        let ample = iteration % 4 != 3;
        context.prepaid_gas = if ample { 300_000_000_000_000 } else { rng.gen_range(1..50) * 100_000_000_000 };
        let (outcome, _) = runner
            .run(&parent, "f", Box::new(ext), context.clone(), &config)
            .unwrap_or_else(|fault| panic!("iteration {iteration}: a node fault: {fault:?}"));
        assert!(outcome.burnt_gas <= context.prepaid_gas, "iteration {iteration}: gas above prepaid");
        if !ample {
            starved += u64::from(outcome.aborted.is_some());
            continue;
        }
        assert_eq!(outcome.aborted, None, "iteration {iteration}: the parent itself failed");
        let ReturnData::Value(bytes) = &outcome.return_data else { panic!("iteration {iteration}: no value") };
        let got: Vec<u16> = bytes.chunks(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
        let mut model = Model { children: &children, live: BTreeMap::new() };
        let expected: Vec<u16> = ops.iter().map(|op| model.apply(op)).collect();
        assert_eq!(got, expected, "iteration {iteration}: ops {ops:?}, children {children:?}");
        for status in got {
            *statuses.entry(status).or_default() += 1;
        }
        if iteration == iterations / 10 {
            baseline_kib = resident_kib();
        }
    }
    let growth_kib = resident_kib().saturating_sub(baseline_kib);
    eprintln!(
        "{iterations} parent calls: statuses {statuses:?}, {starved} starved calls failed typed; RSS grew {growth_kib} KiB after warm-up"
    );
    assert!(growth_kib < 256 * 1024, "resident memory grew {growth_kib} KiB");
    for status in [0, 1, 100, 200, 400, 500, 600, 700] {
        assert!(statuses.contains_key(&status), "status {status} never reached: {statuses:?}");
    }
}
