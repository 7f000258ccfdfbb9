//! `estimator`: estimates NEP-481 and NEP-519 gas parameters by instruction count (see the
//! library docs and docs/estimator.md).
//!
//! ```text
//! estimator [--metric icount|time] [--costs NAME,NAME] [--repeats N] [--json FILE] [--list]
//! ```

use clap::Parser;
use estimator::EstimatorError;
use estimator::costs::{COSTS, Cost, find};
use estimator::measure::{Meter, Metric, callgrind_command, read_dumps};
use estimator::report::{Estimate, SAFETY_MARGIN, estimates, table, yaml_proposals};
use estimator::run::{Step, run};
use near_parameters::RuntimeConfig;
use std::path::{Path, PathBuf};

/// Estimates gas parameters by measuring the runtime (see docs/estimator.md).
#[derive(Debug, Parser)]
#[command(name = "estimator")]
struct Cli {
    /// `icount`: instructions counted by valgrind's callgrind (repeatable); `time`: wall clock.
    #[arg(long, value_enum, default_value = "icount")]
    metric: Metric,
    /// Comma-separated parameter names (default: all; see --list).
    #[arg(long, value_delimiter = ',')]
    costs: Vec<String>,
    /// Measured repetitions of each cost (each an operation block and a baseline block).
    #[arg(long, default_value_t = 3)]
    repeats: u32,
    /// Also write the estimates as JSON to this file.
    #[arg(long)]
    json: Option<PathBuf>,
    /// List the costs and exit.
    #[arg(long)]
    list: bool,
    /// Internal: measure only, write the steps to this file (run under callgrind).
    #[arg(long, hide = true)]
    inner_steps: Option<PathBuf>,
}

fn main() {
    let cli = Cli::parse();
    if let Err(e) = main_inner(&cli) {
        eprintln!("estimator: {e}");
        std::process::exit(1);
    }
}

fn main_inner(cli: &Cli) -> Result<(), EstimatorError> {
    if cli.list {
        for cost in COSTS {
            println!("{} ({:?})", cost.name, cost.role);
        }
        return Ok(());
    }
    let costs = selected(&cli.costs)?;
    let config = RuntimeConfig::mainnet();
    if let Some(path) = &cli.inner_steps {
        let steps = run(&costs, cli.repeats, &config, &mut Meter::new(cli.metric))?;
        return write(path, &serde_json::to_vec(&steps)?);
    }
    let (steps, raw) = match cli.metric {
        Metric::Time => {
            let mut meter = Meter::new(Metric::Time);
            let steps = run(&costs, cli.repeats, &config, &mut meter)?;
            (steps, meter.times().to_vec())
        }
        Metric::Icount => under_callgrind(cli)?,
    };
    let estimates = estimates(&costs, &config, cli.metric, &steps, &raw)?;
    print!("{}", table(&estimates));
    println!("\nproposed parameters.yaml values (safety margin {SAFETY_MARGIN}):\n{}", yaml_proposals(&estimates));
    if let Some(path) = &cli.json {
        write(path, &serde_json::to_vec_pretty(&estimates)?)?;
    }
    if !print_validation(&estimates) {
        return Err(EstimatorError::Check("a validation estimate is outside the factor".into()));
    }
    Ok(())
}

fn selected(names: &[String]) -> Result<Vec<&'static Cost>, EstimatorError> {
    if names.is_empty() {
        return Ok(COSTS.iter().collect());
    }
    names.iter().map(|name| find(name).ok_or_else(|| EstimatorError::UnknownCost(name.clone()))).collect()
}

/// Runs this program again under callgrind to measure, and pairs its steps with the dumps.
fn under_callgrind(cli: &Cli) -> Result<(Vec<Step>, Vec<u64>), EstimatorError> {
    let dir = tempfile::tempdir().map_err(|source| io_error(Path::new("temporary directory"), source))?;
    let steps_file = dir.path().join("steps.json");
    let out_file = dir.path().join("callgrind.out");
    let log_file = dir.path().join("valgrind.log");
    let program = std::env::current_exe().map_err(|source| io_error(Path::new("current executable"), source))?;
    let mut args = vec!["--metric".to_string(), "icount".into(), "--repeats".into(), cli.repeats.to_string()];
    if !cli.costs.is_empty() {
        args.extend(["--costs".to_string(), cli.costs.join(",")]);
    }
    args.extend(["--inner-steps".to_string(), steps_file.display().to_string()]);
    let log = std::fs::File::create(&log_file).map_err(|source| io_error(&log_file, source))?;
    let status = callgrind_command(&program, &args, &out_file)
        .stdout(log.try_clone().map_err(|source| io_error(&log_file, source))?)
        .stderr(log)
        .status()
        .map_err(|e| {
            EstimatorError::Callgrind(format!("cannot run valgrind (scripts/estimator.sh installs it): {e}"))
        })?;
    if !status.success() {
        let log = std::fs::read_to_string(&log_file).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(30).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(EstimatorError::Callgrind(format!("valgrind exited with {status}:\n{}", tail.join("\n"))));
    }
    let text = std::fs::read(&steps_file).map_err(|source| io_error(&steps_file, source))?;
    let steps: Vec<Step> = serde_json::from_slice(&text)?;
    let raw = read_dumps(&out_file, steps.len())?;
    Ok((steps, raw))
}

/// Prints each validation cost's verdict; whether all are within the factor.
fn print_validation(estimates: &[Estimate]) -> bool {
    let mut all_within = true;
    for e in estimates.iter().filter(|e| e.role == estimator::costs::Role::Validation) {
        all_within &= e.within_factor();
        let verdict = if e.within_factor() { "within" } else { "OUTSIDE" };
        println!(
            "validation: {} 3 x estimate / nearcore's value = {:.2} ({verdict} the factor {})",
            e.name,
            e.ratio,
            estimator::report::VALIDATION_FACTOR
        );
    }
    all_within
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), EstimatorError> {
    std::fs::write(path, bytes).map_err(|source| io_error(path, source))
}

fn io_error(path: &Path, source: std::io::Error) -> EstimatorError {
    EstimatorError::Io { path: path.display().to_string(), source }
}
