//! NEP-481 submodules against the mock External: statuses, bytes both ways, every trap kind
//! in the child and in the parent while a child is suspended, interleaving, abandonment, gas.

use crate::{context, run_code};
use near_primitives::errors::FunctionCallError;
use near_vm_runner::logic::mocks::MockedExternal;

/// A child in the proof of concept's style: yields [42], then returns [43].
const POC_CHILD: &str = r#"(module
  (import "env" "callback" (func $cb (param i64 i64)))
  (import "env" "return_value" (func $ret (param i64 i64)))
  (memory 1)
  (data (i32.const 0) "\2a\2b")
  (func (export "main") (call $cb (i64.const 1) (i64.const 0)) (call $ret (i64.const 1) (i64.const 1))))"#;

/// Echoes: yields "ready", then for each input yields it back, until the input is "stop";
/// then returns "done".
const ECHO_CHILD: &str = r#"(module
  (import "env" "callback" (func $cb (param i64 i64)))
  (import "env" "get_input_size" (func $size (result i64)))
  (import "env" "get_input" (func $input (param i64)))
  (import "env" "return_value" (func $ret (param i64 i64)))
  (memory 1)
  (data (i32.const 0) "ready") (data (i32.const 16) "done")
  (func (export "main")
    (call $cb (i64.const 5) (i64.const 0))
    (block $exit (loop $next
      (call $input (i64.const 100))
      (br_if $exit (i32.and (i64.eq (call $size) (i64.const 4)) (i32.eq (i32.load (i32.const 100)) (i32.const 0x706f7473))))
      (call $cb (call $size) (i64.const 100))
      (br $next)))
    (call $ret (i64.const 4) (i64.const 16))))"#;

/// Yields once, then fails with `kind` when resumed.
fn trapping_child(kind: &str) -> String {
    let body = match kind {
        "unreachable" => "unreachable",
        "out_of_bounds" => "(drop (i32.load (i32.const -8)))",
        "divide_by_zero" => "(drop (i32.div_s (i32.const 1) (i32.const 0)))",
        "stack_overflow" => "(call $recurse)",
        "out_of_gas" => "(loop $l (br $l))",
        other => panic!("{other}"),
    };
    format!(
        r#"(module
  (import "env" "callback" (func $cb (param i64 i64)))
  (memory 1)
  (func $recurse (call $recurse))
  (func (export "main") (call $cb (i64.const 0) (i64.const 0)) {body}))"#
    )
}

const PARENT_IMPORTS: &str = r#"
  (import "env" "start_submodule" (func $start (param i64 i64 i64 i64) (result i64)))
  (import "env" "resume_submodule" (func $resume (param i64 i64 i64 i64 i64) (result i64)))
  (import "env" "read_register" (func $read (param i64 i64)))
  (import "env" "register_len" (func $len (param i64) (result i64)))
  (import "env" "value_return" (func $ret (param i64 i64)))
"#;

/// A parent whose `f` runs `body`; keys "a", "b", "c" at 0, 1, 2; "stop" at 8, "ping" at 12.
/// `$log` appends a status byte and the register's bytes to an output buffer at 1000.
fn parent(body: &str) -> Vec<u8> {
    wat::parse_str(format!(
        r#"(module {PARENT_IMPORTS}
  (memory 1)
  (global $out (mut i32) (i32.const 1000))
  (func $rec (call $rec))
  (data (i32.const 0) "abc") (data (i32.const 8) "stop") (data (i32.const 12) "ping")
  (func $log (param $status i64)
    (i32.store8 (global.get $out) (i32.wrap_i64 (local.get $status)))
    (global.set $out (i32.add (global.get $out) (i32.const 1)))
    (if (i64.lt_u (local.get $status) (i64.const 2)) (then
      (call $read (i64.const 0) (i64.extend_i32_u (global.get $out)))
      (global.set $out (i32.add (global.get $out) (i32.wrap_i64 (call $len (i64.const 0))))))))
  (func $start_key (param $key i64) (result i64) (call $start (i64.const 1) (local.get $key) (i64.const 100000000000000) (i64.const 0)))
  (func $resume_key (param $key i64) (param $len i64) (param $ptr i64) (result i64)
    (call $resume (i64.const 1) (local.get $key) (local.get $len) (local.get $ptr) (i64.const 0)))
  (func (export "f") {body}
    (call $ret (i64.extend_i32_u (i32.sub (global.get $out) (i32.const 1000))) (i64.const 1000))))"#
    ))
    .unwrap()
}

fn run_parent(body: &str, children: &[(&str, &str)]) -> (Vec<u8>, Option<FunctionCallError>, u64) {
    let mut ext = MockedExternal::default();
    for (key, wat) in children {
        ext.submodules.insert(key.as_bytes().to_vec(), wat::parse_str(wat).unwrap());
    }
    let ran = run_code(&parent(body), "f", Box::new(ext), context());
    let value = match &ran.outcome.return_data {
        near_vm_runner::logic::ReturnData::Value(v) => v.clone(),
        _ => Vec::new(),
    };
    (value, ran.outcome.aborted.clone(), ran.outcome.burnt_gas)
}

#[test]
fn poc_child_yields_42_then_returns_43() {
    let body = "(call $log (call $start_key (i64.const 0))) (call $log (call $resume_key (i64.const 0) (i64.const 0) (i64.const 0)))";
    let (out, error, _) = run_parent(body, &[("a", POC_CHILD)]);
    assert_eq!(error, None);
    assert_eq!(out, vec![1, 42, 0, 43]);
}

#[test]
fn bytes_both_ways_over_several_rounds() {
    let body = "(call $log (call $start_key (i64.const 0)))
        (call $log (call $resume_key (i64.const 0) (i64.const 4) (i64.const 12)))
        (call $log (call $resume_key (i64.const 0) (i64.const 3) (i64.const 0)))
        (call $log (call $resume_key (i64.const 0) (i64.const 4) (i64.const 8)))";
    let (out, error, _) = run_parent(body, &[("a", ECHO_CHILD)]);
    assert_eq!(error, None);
    assert_eq!(out, [&[1][..], b"ready", &[1], b"ping", &[1], b"abc", &[0], b"done"].concat());
}

#[test]
fn statuses_for_missing_unstarted_and_already_started() {
    let body = "(call $log (call $start_key (i64.const 1)))
        (call $log (call $resume_key (i64.const 0) (i64.const 0) (i64.const 0)))
        (call $log (call $start_key (i64.const 0)))
        (call $log (call $start_key (i64.const 0)))";
    let (out, error, _) = run_parent(body, &[("a", POC_CHILD)]);
    assert_eq!(error, None);
    assert_eq!(
        out,
        vec![200, 244, 1, 42, 100],
        "200 not found, 500 (as a byte: 244) not started, 1 yielded, 100 already started"
    );
}

#[test]
fn a_finished_key_starts_a_fresh_instance() {
    let body = "(call $log (call $start_key (i64.const 0))) (call $log (call $resume_key (i64.const 0) (i64.const 0) (i64.const 0)))
        (call $log (call $start_key (i64.const 0)))";
    let (out, _, _) = run_parent(body, &[("a", POC_CHILD)]);
    assert_eq!(out, vec![1, 42, 0, 43, 1, 42]);
}

#[test]
fn every_trap_kind_after_a_resume_is_a_status_and_the_parent_goes_on() {
    for (kind, expected) in [
        ("unreachable", 600u64),
        ("out_of_bounds", 600),
        ("divide_by_zero", 600),
        ("stack_overflow", 600),
        ("out_of_gas", 400),
    ] {
        let body = "(call $log (call $start_key (i64.const 0))) (call $log (call $resume_key (i64.const 0) (i64.const 0) (i64.const 0)))
            (call $log (call $resume_key (i64.const 0) (i64.const 0) (i64.const 0)))";
        let child = trapping_child(kind);
        let (out, error, _) = run_parent(body, &[("a", &child)]);
        assert_eq!(error, None, "{kind}: the parent is unaffected");
        assert_eq!(out[0], 1, "{kind}");
        assert_eq!(u64::from(out[1]), expected % 256, "{kind}: {out:?}");
        assert_eq!(*out.last().unwrap(), 244, "{kind}: the trapped child is gone (500 not started)");
    }
}

#[test]
fn the_parent_trapping_while_a_child_is_suspended_is_a_clean_error() {
    for trap in ["unreachable", "(drop (i32.load (i32.const -8)))", "(drop (i32.div_s (i32.const 1) (i32.const 0)))"] {
        let body = format!("(call $log (call $start_key (i64.const 0))) {trap}");
        let (_, error, _) = run_parent(&body, &[("a", POC_CHILD)]);
        assert!(matches!(error, Some(FunctionCallError::WasmTrap(_))), "{trap}: {error:?}");
    }
    // Stack overflow (the deterministic limit) and running out of gas are host errors.
    for trap in ["(call $rec)", "(loop $l (br $l))"] {
        let body = format!("(call $log (call $start_key (i64.const 0))) {trap}");
        let (_, error, _) = run_parent(&body, &[("a", POC_CHILD)]);
        assert!(matches!(error, Some(FunctionCallError::HostError(_))), "{trap}: {error:?}");
    }
}

#[test]
fn three_children_interleaved_one_trapping_in_the_middle() {
    let body = "(call $log (call $start_key (i64.const 0))) (call $log (call $start_key (i64.const 1))) (call $log (call $start_key (i64.const 2)))
        (call $log (call $resume_key (i64.const 0) (i64.const 4) (i64.const 12)))
        (call $log (call $resume_key (i64.const 1) (i64.const 0) (i64.const 0)))
        (call $log (call $resume_key (i64.const 2) (i64.const 0) (i64.const 0)))
        (call $log (call $resume_key (i64.const 0) (i64.const 4) (i64.const 8)))";
    let unreachable = trapping_child("unreachable");
    let (out, error, _) = run_parent(body, &[("a", ECHO_CHILD), ("b", &unreachable), ("c", POC_CHILD)]);
    assert_eq!(error, None);
    // a yields "ready", b yields nothing, c yields 42; a echoes "ping"; b traps; c returns 43.
    assert!(out.starts_with(&[&[1][..], b"ready", &[1], &[1, 42], &[1], b"ping"].concat()), "{out:?}");
    assert!(out.windows(2).any(|w| w == [0, 43]), "{out:?}");
    assert!(out.contains(&88), "the middle child trapped (600 as a byte: 88): {out:?}");
    assert!(out.ends_with(&[0, b'd', b'o', b'n', b'e']), "{out:?}");
}

#[test]
fn child_gas_is_charged_to_the_parent_and_capped_by_its_limit() {
    let light = "(call $log (call $start_key (i64.const 0)))";
    let (_, _, yielded_only) = run_parent(light, &[("a", &trapping_child("out_of_gas"))]);
    let burning = "(call $log (call $start_key (i64.const 0))) (call $log (call $resume_key (i64.const 0) (i64.const 0) (i64.const 0)))";
    let (out, error, burnt) = run_parent(burning, &[("a", &trapping_child("out_of_gas"))]);
    assert_eq!(error, None);
    assert_eq!(out, vec![1, 144], "400 (as a byte: 144) out of gas");
    // The child's whole 100 Tgas budget was burnt and charged to the parent.
    assert!(burnt - yielded_only >= 100_000_000_000_000, "{burnt} vs {yielded_only}");
}

#[test]
fn thousands_of_abandoned_children_do_not_crash_or_leak() {
    fn rss_kib() -> u64 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
            .unwrap_or(0)
    }
    let body = "(call $log (call $start_key (i64.const 0)))";
    let mut after_warmup = 0;
    for round in 0..2000 {
        let (out, error, _) = run_parent(body, &[("a", ECHO_CHILD)]);
        assert_eq!((out[0], error), (1, None));
        if round == 500 {
            after_warmup = rss_kib();
        }
    }
    let growth = rss_kib().saturating_sub(after_warmup);
    assert!(growth < 64 * 1024, "RSS grew by {growth} KiB over 1500 abandoned children");
}

#[test]
fn more_live_submodules_than_the_limit_is_status_700() {
    // Keys 0..9 as single bytes written at 500..509.
    let mut body = String::new();
    for i in 0..9 {
        body.push_str(&format!("(i32.store8 (i32.const {}) (i32.const {i}))", 500 + i));
    }
    for i in 0..9 {
        body.push_str(&format!(
            "(call $log (call $start (i64.const 1) (i64.const {}) (i64.const 1000000000000) (i64.const 0)))",
            500 + i
        ));
    }
    let mut ext = MockedExternal::default();
    for key in 0..9u8 {
        ext.submodules.insert(vec![key], wat::parse_str(POC_CHILD).unwrap());
    }
    let ran = run_code(&parent(&body), "f", Box::new(ext), context());
    assert_eq!(ran.outcome.aborted, None);
    let limit = near_parameters::RuntimeConfig::mainnet().wasm_config.limit_config.max_live_submodules;
    let out = crate::returned_value(&ran);
    let started = [1u8, 42].repeat(usize::try_from(limit).unwrap());
    let refused = u8::try_from(700 % 256).unwrap();
    assert_eq!(out, [started, vec![refused]].concat(), "700 as a byte is 188");
}

#[test]
fn results_and_gas_are_identical_across_runs() {
    let body = "(call $log (call $start_key (i64.const 0)))
        (call $log (call $resume_key (i64.const 0) (i64.const 4) (i64.const 12)))
        (call $log (call $resume_key (i64.const 0) (i64.const 4) (i64.const 8)))";
    let first = run_parent(body, &[("a", ECHO_CHILD)]);
    for _ in 0..3 {
        assert_eq!(run_parent(body, &[("a", ECHO_CHILD)]), first);
    }
}

#[test]
fn the_fiber_stack_matches_the_parameter_and_exceeds_the_wasm_stack() {
    let limits = near_parameters::RuntimeConfig::mainnet().wasm_config.limit_config.clone();
    assert_eq!(limits.submodule_fiber_stack_size, near_vm_runner::engine::SUBMODULE_FIBER_STACK_SIZE as u64);
    const {
        assert!(near_vm_runner::engine::SUBMODULE_FIBER_STACK_SIZE >= 2 * near_vm_runner::engine::MAX_NATIVE_WASM_STACK)
    };
}

#[test]
fn children_live_across_calls_of_the_parents_functions() {
    // `$start_key` and `$resume_key` are separate parent functions: each start or resume is a
    // parent call of its own, and a child started by one is resumed by later ones; a trap
    // after such a resume is still a status.
    let body = "(call $log (call $start_key (i64.const 0)))
        (call $log (call $resume_key (i64.const 0) (i64.const 4) (i64.const 12)))
        (call $log (call $resume_key (i64.const 1) (i64.const 0) (i64.const 0)))";
    let (out, error, _) = run_parent(
        &format!("(call $log (call $start_key (i64.const 1))) {body}"),
        &[("a", ECHO_CHILD), ("b", &trapping_child("unreachable"))],
    );
    assert_eq!(error, None);
    assert_eq!(out, [&[1][..], &[1], b"ready", &[1], b"ping", &[88]].concat(), "600 as a byte is 88");
}

#[test]
fn submodules_run_in_view_calls() {
    let mut view = context();
    view.view_config = Some(near_vm_runner::logic::ViewConfig { max_gas_burnt: 300_000_000_000_000 });
    let mut ext = MockedExternal::default();
    ext.submodules.insert(b"a".to_vec(), wat::parse_str(POC_CHILD).unwrap());
    let body = "(call $log (call $start_key (i64.const 0))) (call $log (call $resume_key (i64.const 0) (i64.const 0) (i64.const 0)))";
    let ran = run_code(&parent(body), "f", Box::new(ext), view);
    assert_eq!(ran.outcome.aborted, None);
    assert_eq!(crate::returned_value(&ran), vec![1, 42, 0, 43]);
}

/// NEP-481's benchmark contracts (scripts/nep481-bench.sh measures them through the runtime):
/// the interpreter and the compiled submodule compute the same results, and the compiled
/// arithmetic loop is the cheaper one once the loop dominates.
#[test]
fn the_benchmark_interpreter_and_submodule_agree_and_the_submodule_computes_cheaper() {
    let run = |method: &str, job: &str| {
        let mut ext = MockedExternal::default();
        ext.submodules.insert(b"child".to_vec(), near_test_contracts::bench_child().to_vec());
        let mut ctx = context();
        ctx.input = job.as_bytes().to_vec();
        let ran = run_code(near_test_contracts::bench_interp(), method, Box::new(ext), ctx);
        assert_eq!(ran.outcome.aborted, None, "{method} {job}");
        (crate::returned(&ran), ran.outcome.burnt_gas)
    };
    for job in ["a0", "a1", "a57", "h0", "h3", "s0", "s4"] {
        let (interpreted, _) = run("interpret", job);
        let (compiled, _) = run("run_child", job);
        assert_eq!(interpreted, compiled, "{job}");
    }
    let (_, interpreted) = run("interpret", "a20000");
    let (_, compiled) = run("run_child", "a20000");
    assert!(interpreted > 3 * compiled, "interpreted {interpreted} vs compiled {compiled}");
}
