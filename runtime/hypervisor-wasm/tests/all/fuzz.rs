//! Random sequences of calls across both VMs — direct or through a caller in either VM,
//! propagating or catching, with traps, endless loops and random gas limits — never crash,
//! never leave state behind from a failed call (checked against a model of the counters after
//! every step), and give the same state root on memory and RocksDB.

use crate::*;
use near_primitives::types::StateRoot;
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Step {
    /// `None`: sent directly; `Some(i)`: through caller `i` (0 native, 1 wasm).
    via: Option<usize>,
    /// Whether the caller catches the callee's error.
    catch: bool,
    /// Target: 0/1 counters, 2/3 trappers, 4/5 loopers (native, wasm).
    target: usize,
    /// For counters: `inc` or `dec`.
    inc: bool,
    gas: u64,
}

fn step() -> impl Strategy<Value = Step> {
    (prop::option::of(0..2usize), any::<bool>(), 0..6usize, any::<bool>(), 0..4u32).prop_map(
        |(via, catch, target, inc, scale)| {
            let gas = [2_000, 3_000_000_000, 30_000_000_000, GAS / 10][scale as usize];
            Step { via, catch, target, inc, gas }
        },
    )
}

struct World {
    counters: [Address; 2],
    callers: [Address; 2],
    failing: [Address; 4],
}

fn world(session: &mut Session<'_>) -> World {
    let mut pick = |handler: &str| VMS.map(|vm| deploy_on(session, vm, handler, b""));
    let counters = pick("hv_counter");
    let callers = pick("hv_caller");
    let [trap_native, trap_wasm] = pick("hv_trapper");
    let [loop_native, loop_wasm] = pick("hv_looper");
    World { counters, callers, failing: [trap_native, trap_wasm, loop_native, loop_wasm] }
}

/// Runs `steps`, checking the counters against the model after each; the final root.
fn play(store: Store, steps: &[Step]) -> StateRoot {
    let hv = hypervisor_with(store);
    let mut session = Session::new(&hv, StateRoot::default());
    let w = world(&mut session);
    let mut model = [0u64; 2];
    for step in steps {
        let (target, message) = match step.target {
            t @ 0..=1 => (&w.counters[t], if step.inc { "inc" } else { "dec" }),
            t @ 2..=3 => (&w.failing[t - 2], "boom"),
            t => (&w.failing[t - 2], "spin"),
        };
        let inner_ok = match step.via {
            None => call(&mut session, target, message, b"", step.gas).result.is_ok(),
            Some(i) => {
                let how = if step.catch { "call_catch" } else { "call" };
                let outcome = call(&mut session, &w.callers[i], how, &spec(target, message, step.gas, b""), GAS / 5);
                match outcome.result {
                    Ok(response) if step.catch => response.first() == Some(&0),
                    Ok(_) => true,
                    Err(_) => false,
                }
            }
        };
        if inner_ok {
            assert!(step.target < 2, "{step:?}: a trap or an endless loop cannot succeed");
            let count = &mut model[step.target];
            *count = if step.inc { *count + 1 } else { count.checked_sub(1).expect("dec below zero succeeded") };
        }
        for (i, counter) in w.counters.iter().enumerate() {
            let get = session.query(Some(counter), &name("get"), b"", GAS).unwrap();
            assert_eq!(u64_le(&get.result.unwrap()), model[i], "{step:?}: counter {i}");
        }
        for failing in &w.failing {
            let peek = session.query(Some(failing), &name("peek"), b"", GAS).unwrap();
            assert_eq!(peek.result.unwrap(), b"", "{step:?}: a failed call left state");
        }
    }
    session.finish().unwrap()
}

proptest! {
    // 12 cases in CI; `PROPTEST_CASES` for longer runs (scripts/fuzz.sh).
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(12),
        ..ProptestConfig::default()
    })]
    #[test]
    fn random_cross_vm_calls_never_crash_or_leak_state(steps in prop::collection::vec(step(), 1..24)) {
        let memory = play(Store::memory(), &steps);
        let dir = tempfile::tempdir().unwrap();
        let rocks = play(Store::rocksdb(dir.path()).unwrap(), &steps);
        prop_assert_eq!(memory, rocks);
    }
}
