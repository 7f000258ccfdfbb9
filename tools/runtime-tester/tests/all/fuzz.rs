//! Random scenario files: the bundled scenarios with random values replaced (wrong types,
//! negative, huge and malformed numbers, bad account ids, unknown keys, missing parts). Loading
//! must give a scenario or a `ScenarioError` naming where; running a loaded one must never be a
//! node fault (a balance mismatch or a store failure) and nothing may panic.
//! `FUZZ_ITERATIONS` / `FUZZ_SEED` scale it (`scripts/fuzz.sh`).

use near_store::Store;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use runtime_tester::{RunError, RunOptions, load, run};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// `code_file` paths made absolute (they are relative to the scenario's own folder).
fn absolute_code_files(value: &mut Value, base: &Path) {
    match value {
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                if key == "code_file"
                    && let Value::String(path) = item
                {
                    *path = base.join(&*path).display().to_string();
                } else {
                    absolute_code_files(item, base);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| absolute_code_files(item, base)),
        _ => {}
    }
}

fn random_value(rng: &mut StdRng) -> Value {
    match rng.gen_range(0..14) {
        0 => Value::Null,
        1 => json!(true),
        2 => json!(-1),
        3 => json!(u64::MAX),
        4 => json!("340282366920938463463374607431768211456"),
        5 => json!("1e30 NEAR"),
        6 => json!(""),
        7 => json!("Not An Account!"),
        8 => json!({}),
        9 => json!([]),
        10 => json!(1.5),
        11 => json!("${missing}"),
        12 => json!({ "unknown_key": 1 }),
        _ => json!(rng.gen_range(0..1_000_000u64)),
    }
}

/// A value of the same JSON type, usually still meaningful (other accounts, amounts, gas,
/// method names), so mutated scenarios also get past loading and run.
fn same_type(value: &Value, rng: &mut StdRng) -> Value {
    match value {
        Value::Number(_) => {
            json!([0u64, 1, 1_000_000_000_000, 300_000_000_000_000, 10u64.pow(18)][rng.gen_range(0..5)])
        }
        Value::String(_) => {
            let choices = [
                "alice.near",
                "bob.near",
                "status.near",
                "nobody.near",
                "0",
                "1",
                "1 NEAR",
                "1000000 NEAR",
                "set_status",
                "new",
                "panic",
            ];
            json!(choices[rng.gen_range(0..choices.len())])
        }
        Value::Bool(b) => json!(!b),
        _ => random_value(rng),
    }
}

/// Replaces (or, in objects, adds or removes) one random node of `value`.
fn mutate(value: &mut Value, rng: &mut StdRng) {
    if !value.is_object() && !value.is_array() && rng.gen_bool(0.7) {
        *value = same_type(value, rng);
        return;
    }
    match value {
        Value::Object(map) if !map.is_empty() && rng.gen_bool(0.75) => {
            let key = map.keys().nth(rng.gen_range(0..map.len())).unwrap().clone();
            match rng.gen_range(0..10) {
                0 if rng.gen_bool(0.3) => {
                    map.remove(&key);
                }
                1 if rng.gen_bool(0.3) => {
                    map.insert(format!("{key}_typo"), random_value(rng));
                }
                _ => mutate(map.get_mut(&key).unwrap(), rng),
            }
        }
        Value::Array(items) if !items.is_empty() && rng.gen_bool(0.75) => {
            let at = rng.gen_range(0..items.len());
            if rng.gen_bool(0.1) {
                items.remove(at);
            } else {
                mutate(&mut items[at], rng);
            }
        }
        _ => *value = random_value(rng),
    }
}

#[test]
fn random_scenario_files_load_or_fail_with_a_path_and_never_fault() {
    let iterations = env_u64("FUZZ_ITERATIONS", 120);
    let mut rng = StdRng::seed_from_u64(env_u64("FUZZ_SEED", 0));
    assert!(runtime_tester::bundled_contracts().iter().all(|code| !code.is_empty()));
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut bundled = Vec::new();
    for entry in std::fs::read_dir(&folder).unwrap() {
        let path = entry.unwrap().path();
        let mut value: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        absolute_code_files(&mut value, &folder);
        bundled.push(value);
    }
    let dir = tempfile::tempdir().unwrap();
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    for iteration in 0..iterations {
        let mut value = bundled[rng.gen_range(0..bundled.len())].clone();
        for _ in 0..rng.gen_range(1..4) {
            mutate(&mut value, &mut rng);
        }
        let path = dir.path().join(format!("fuzz_{iteration}.json"));
        std::fs::write(&path, serde_json::to_vec(&value).unwrap()).unwrap();
        let scenario = match load(&path) {
            Ok(scenario) => scenario,
            Err(error) => {
                assert!(!error.problem.is_empty() && !error.path.is_empty(), "iteration {iteration}: {error:?}");
                *counts.entry("refused at load, with a path").or_default() += 1;
                continue;
            }
        };
        let options = RunOptions { store: Store::memory(), max_trailing_blocks: Some(20), resume: false };
        match run(&scenario, options, |_| {}) {
            Ok(_) => *counts.entry("ran").or_default() += 1,
            Err(RunError::Scenario(_)) => *counts.entry("stopped by a scenario error").or_default() += 1,
            Err(error @ RunError::Node(_)) => panic!("iteration {iteration}: {error}\n{value}"),
        }
    }
    eprintln!("{iterations} mutated scenarios: {counts:?}");
    assert!(
        counts.get("ran").copied().unwrap_or(0) > 0
            && counts.get("refused at load, with a path").copied().unwrap_or(0) > 0
    );
}
