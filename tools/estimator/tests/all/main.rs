//! The estimator's tests: every workload does what its cost claims, the arithmetic from steps
//! to estimates, the callgrind pipeline end to end, and `parameters.yaml` citing its runs.

use estimator::costs::{COSTS, Role, Units, find};
use estimator::measure::{Meter, Metric, parse_totals};
use estimator::report::{estimates, grouped, round_up_3_digits, yaml_proposals};
use estimator::run::{Step, Variant, run, units};
use near_parameters::RuntimeConfig;

/// Every cost's operation and baseline run on a fresh chain and pass their checks (the call
/// returned the expected count, the actions succeeded, in the measured block), and each
/// measured repetition gives one operation step and one baseline step.
#[test]
fn every_workload_does_what_its_cost_claims() {
    let costs: Vec<_> = COSTS.iter().collect();
    let steps = run(&costs, 1, &RuntimeConfig::mainnet(), &mut Meter::new(Metric::Time)).unwrap();
    assert_eq!(steps.len(), 2 * COSTS.len());
    for (cost, pair) in COSTS.iter().zip(steps.chunks(2)) {
        assert_eq!((pair[0].cost.as_str(), pair[0].variant), (cost.name, Variant::Op));
        assert_eq!((pair[1].cost.as_str(), pair[1].variant), (cost.name, Variant::Base));
    }
}

/// The wasm-operation count comes from the gas difference: the `ops` loop runs 20 counted
/// operations per iteration more than its baseline, 20,000 iterations.
#[test]
fn wasm_operations_are_counted_from_the_gas_difference() {
    let cost = find("wasm_regular_op_cost").unwrap();
    assert_eq!(cost.units, Units::WasmOps);
    let config = RuntimeConfig::mainnet();
    let steps = run(&[cost], 1, &config, &mut Meter::new(Metric::Time)).unwrap();
    assert_eq!(units(cost, &config, &steps[0], &steps[1]).unwrap(), 20 * 20_000);
    let mut not_whole = steps[0].clone();
    not_whole.gas_burnt += 1;
    assert!(units(cost, &config, &not_whole, &steps[1]).is_err(), "a difference beyond wasm ops is refused");
}

fn step(cost: &str, variant: Variant, repeat: u32) -> Step {
    Step { cost: cost.into(), variant, repeat, gas_burnt: 0 }
}

/// (op − base) / units, in gas, per repetition; the median and spread; 3× rounded up.
#[test]
fn estimates_are_the_median_of_the_differences_per_unit() {
    let cost = find("wasm_submodule_start_base").unwrap();
    let steps: Vec<Step> =
        (0..3).flat_map(|r| [step(cost.name, Variant::Op, r), step(cost.name, Variant::Base, r)]).collect();
    // 20 starts: 2,000, 4,000 and 3,000 instructions more than the baseline.
    let raw = [12_000, 10_000, 14_000, 10_000, 13_000, 10_000];
    let config = RuntimeConfig::mainnet();
    let estimate = &estimates(&[cost], &config, Metric::Icount, &steps, &raw).unwrap()[0];
    let per_start = |instructions: f64| instructions / 20.0 * 125_000.0;
    assert_eq!(estimate.samples, vec![per_start(2_000.0), per_start(4_000.0), per_start(3_000.0)]);
    assert_eq!(
        (estimate.min, estimate.median, estimate.max),
        (per_start(2_000.0), per_start(3_000.0), per_start(4_000.0))
    );
    assert_eq!(estimate.proposed, round_up_3_digits(3.0 * per_start(3_000.0)));
    assert_eq!(
        estimate.current,
        config.wasm_config.ext_costs.gas_cost(near_parameters::ExtCosts::submodule_start_base)
    );
    assert!(estimates(&[cost], &config, Metric::Icount, &steps[..3], &raw[..3]).is_err(), "an incomplete pair");
}

#[test]
fn numbers_are_rounded_and_written_as_parameters_yaml_writes_them() {
    assert_eq!(round_up_3_digits(1_234_567.0), 1_240_000);
    assert_eq!(round_up_3_digits(999.2), 1_000);
    assert_eq!(round_up_3_digits(12.0), 12);
    assert_eq!(round_up_3_digits(-5.0), 0);
    assert_eq!(grouped(1_234_567), "1_234_567");
    assert_eq!(grouped(-1_000), "-1_000");
    assert_eq!(grouped(12), "12");
}

#[test]
fn callgrind_totals_are_read_from_the_totals_line() {
    let dump = "version: 1\ncreator: callgrind-3.19.0\nevents: Ir\nsummary: 99\nfn=(1) main\n0 42\ntotals: 1234567\n";
    assert_eq!(parse_totals(dump), Some(1_234_567));
    assert_eq!(parse_totals("events: Ir\n"), None);
}

/// Action proposals are split evenly between send and execution; host costs are one value.
#[test]
fn proposals_print_as_parameters_yaml_lines() {
    let costs: Vec<_> = ["wasm_submodule_resume_base", "action_remove_submodule"].map(|n| find(n).unwrap()).to_vec();
    let steps: Vec<Step> =
        costs.iter().flat_map(|c| [step(c.name, Variant::Op, 0), step(c.name, Variant::Base, 0)]).collect();
    let raw = [1_100, 100, 4_100, 100];
    let estimates = estimates(&costs, &RuntimeConfig::mainnet(), Metric::Icount, &steps, &raw).unwrap();
    let yaml = yaml_proposals(&estimates);
    // resume: 1,000 instructions / 100 resumes × 125,000 × 3; remove: 4,000 / 4 × 125,000 × 3.
    assert_eq!(
        yaml,
        "wasm_submodule_resume_base: 3_750_000\n\
         action_remove_submodule: {send_sir: 187_500_000, send_not_sir: 187_500_000, execution: 187_500_000}\n"
    );
}

/// The whole `icount` pipeline: the binary reruns itself under callgrind, counts only the
/// measured blocks, and its wasm-operation estimate reproduces nearcore's value within the
/// validation factor (the compiled contract code is the same in any build profile).
#[test]
fn icount_under_callgrind_reproduces_nearcores_wasm_op_cost() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("estimates.json");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_estimator"))
        .args(["--metric", "icount", "--repeats", "1", "--costs", "wasm_regular_op_cost", "--json"])
        .arg(&json)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let estimates: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let ratio = estimates[0]["ratio"].as_f64().unwrap();
    assert!((1.0 / 3.0..=3.0).contains(&ratio), "3 × estimate / nearcore = {ratio}");
}

/// Every NEP-481 parameter in `parameters.yaml` cites the estimator run it came from, and
/// every proposal cost names a NEP-481 parameter there.
#[test]
fn parameters_yaml_cites_the_estimator_for_every_nep481_parameter() {
    let yaml = include_str!("../../../../core/parameters/res/runtime_configs/parameters.yaml");
    let lines: Vec<&str> = yaml.lines().collect();
    for cost in COSTS.iter().filter(|c| c.role == Role::Proposal) {
        let at = lines.iter().position(|l| l.starts_with(&format!("{}:", cost.name)));
        let at = at.unwrap_or_else(|| panic!("{} is not in parameters.yaml", cost.name));
        let comment =
            lines[..at].iter().rev().take_while(|l| l.starts_with('#')).copied().collect::<Vec<_>>().join(" ");
        assert!(comment.contains("estimator run"), "{} lacks its estimator citation: {comment:?}", cost.name);
    }
}
