//! `nearcore-diff --wasm-file F --method-name M [--input STR | --input-file F]
//! [--context-file ctx.json]`: runs one call through this workspace's runner and through
//! nearcore's published `near-vm-runner` 0.38 (protocol 88, mainnet parameters, Wasmtime) on
//! the same code, method, input and context, each against an empty mocked state, and prints
//! both outcomes and their differences as JSON. Exit codes: 0 identical, 1 different, 2 bad
//! input.
//!
//! Compared: the error the call ended with (its Display text, as stored in outcomes), the
//! return data, logs, burnt gas, used gas, compute usage, the gas profile per cost, the
//! storage left behind, and the receipts (with their actions) and yield resumes the call
//! created.
//!
//! `--init-method M [--init-input STR]` runs `M` first on each side (e.g. a near-sdk `new`);
//! the call then starts from the state it left. `--bench ROUNDS` times the call instead of
//! comparing it (see `bench.rs`).

mod bench;
mod context;
mod corpus;
mod gas_key_fees;
mod layouts;
mod nearcore;
mod ours;
mod parameters;
mod receipts;
mod state_inits;

use clap::Parser;
use serde_json::{Map, Value, json};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "nearcore-diff",
    about = "Runs a call here and in nearcore's published runner; prints the differences"
)]
struct Cli {
    /// The contract (`.wasm`, or `.wat` text).
    #[arg(long, required_unless_present_any = ["corpus", "layouts", "parameters"])]
    wasm_file: Option<PathBuf>,
    /// The method to call.
    #[arg(long, required_unless_present_any = ["corpus", "layouts", "parameters"])]
    method_name: Option<String>,
    /// Instead of one call: every export of every `.wasm` in DIR, compared (see `corpus.rs`).
    #[arg(long, value_name = "DIR", conflicts_with_all = ["wasm_file", "method_name", "bench"])]
    corpus: Option<PathBuf>,
    /// Instead of calls: the borsh layouts of actions, transactions, receipts and trie keys
    /// against nearcore's `near-primitives` 0.38 (see `layouts.rs`); exit 1 on a difference.
    #[arg(long, conflicts_with_all = ["wasm_file", "method_name", "bench", "corpus"])]
    layouts: bool,
    /// Instead of calls: every action fee, host-function cost and VM limit against nearcore's
    /// protocol-88 table, by name (see `parameters.rs`); exit 1 on a difference.
    #[arg(long, conflicts_with_all = ["wasm_file", "method_name", "bench", "corpus", "layouts"])]
    parameters: bool,
    /// With `--corpus`: the differences known and explained (JSON, see `corpus.rs`).
    #[arg(long, value_name = "FILE", requires = "corpus")]
    known: Option<PathBuf>,
    /// The input, as a string.
    #[arg(long, conflicts_with = "input_file")]
    input: Option<String>,
    /// The input, from a file.
    #[arg(long)]
    input_file: Option<PathBuf>,
    /// The call's context (JSON; see `context.rs` for the fields).
    #[arg(long)]
    context_file: Option<PathBuf>,
    /// A method run first on each side (same context), whose state the call starts from.
    #[arg(long)]
    init_method: Option<String>,
    /// The input of `--init-method`.
    #[arg(long, requires = "init_method")]
    init_input: Option<String>,
    /// Time the call ROUNDS times on each side, alternately, instead of comparing outcomes.
    #[arg(long, value_name = "ROUNDS")]
    bench: Option<u32>,
}

/// An outcome as both sides report it.
pub(crate) struct Outcome {
    pub(crate) aborted: Option<String>,
    pub(crate) return_data: Value,
    pub(crate) logs: Vec<String>,
    pub(crate) burnt_gas: u64,
    pub(crate) used_gas: u64,
    pub(crate) compute_usage: u64,
    /// Gas per cost name (non-zero only), `wasm` for operations.
    pub(crate) profile: Map<String, Value>,
    /// Storage after the call: base64 key → base64 value.
    pub(crate) storage: Map<String, Value>,
    /// The receipts and yield resumes the call created (see `receipts.rs`); null when it failed.
    pub(crate) receipts: Value,
    /// Yocto attached without leaving the balance (`one_yocto_on_promise`), as a decimal string.
    pub(crate) subsidized_amount: String,
}

impl Outcome {
    pub(crate) fn json(&self) -> Value {
        json!({
            "aborted": self.aborted,
            "return_data": self.return_data,
            "logs": self.logs,
            "burnt_gas": self.burnt_gas,
            "used_gas": self.used_gas,
            "compute_usage": self.compute_usage,
            "profile": self.profile,
            "storage": self.storage,
            "receipts": self.receipts,
            "subsidized_amount": self.subsidized_amount,
        })
    }
}

pub(crate) fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The fields (and profile entries) where the two outcomes differ.
pub(crate) fn differences(ours: &Value, theirs: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    let (Some(ours), Some(theirs)) = (ours.as_object(), theirs.as_object()) else { return out };
    for (field, mine) in ours {
        let other = theirs.get(field).unwrap_or(&Value::Null);
        if field == "profile" {
            let (a, b) =
                (mine.as_object().cloned().unwrap_or_default(), other.as_object().cloned().unwrap_or_default());
            let names: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for name in names {
                let (x, y) = (a.get(name).unwrap_or(&Value::Null), b.get(name).unwrap_or(&Value::Null));
                if x != y {
                    out.push(json!({ "field": format!("profile.{name}"), "ours": x, "nearcore": y }));
                }
            }
        } else if mine != other {
            out.push(json!({ "field": field, "ours": mine, "nearcore": other }));
        }
    }
    out
}

/// Both runners, after `--init-method` if given (or a first, compiling run of the call, whose
/// state is discarded), and how long that first call took on each side.
fn warm_up(code: &[u8], method: &str, cli: &Cli, context: &context::Context) -> Result<bench::Warm, String> {
    let mut ours = ours::Ours::new().map_err(|e| format!("this runner: {e}"))?;
    let mut theirs = nearcore::Theirs::new()?;
    let (method, keep, first) = match &cli.init_method {
        Some(init) => {
            let mut first = context.clone();
            first.input = cli.init_input.clone().unwrap_or_default().into_bytes();
            (init.as_str(), true, first)
        }
        None => (method, false, context.clone()),
    };
    let start = std::time::Instant::now();
    ours.call(code, method, &first, keep).map_err(|e| format!("this runner: {e}"))?;
    let ours_first = start.elapsed();
    let start = std::time::Instant::now();
    theirs.call(code, method, &first, keep).map_err(|e| format!("nearcore's runner: {e}"))?;
    let first_call = (ours_first, start.elapsed());
    Ok(bench::Warm { ours, theirs, first_call })
}

/// Why the tool could not run (exit code 2).
fn fail(message: String) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.layouts {
        return if layouts::run() { ExitCode::SUCCESS } else { ExitCode::from(1) };
    }
    if cli.parameters {
        return if parameters::run() { ExitCode::SUCCESS } else { ExitCode::from(1) };
    }
    if let Some(dir) = &cli.corpus {
        return match corpus::run(dir, cli.known.as_deref()) {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::from(1),
            Err(e) => fail(e),
        };
    }
    match one_call(&cli) {
        Ok(code) => code,
        Err(e) => fail(e),
    }
}

/// `--wasm-file F --method-name M`: compares (or with `--bench`, times) one call.
fn one_call(cli: &Cli) -> Result<ExitCode, String> {
    let (Some(wasm_file), Some(method)) = (&cli.wasm_file, &cli.method_name) else {
        return Err("--wasm-file and --method-name are required".into());
    };
    let code = corpus::read_code(wasm_file)?;
    let input = match (&cli.input, &cli.input_file) {
        (Some(text), _) => text.as_bytes().to_vec(),
        (None, Some(path)) => std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?,
        (None, None) => Vec::new(),
    };
    let context = context::load(cli.context_file.as_deref(), input)?;
    let warm = warm_up(&code, method, cli, &context)?;
    if let Some(rounds) = cli.bench {
        println!("{}", bench::bench(&warm, &code, method, &context, rounds)?);
        return Ok(ExitCode::SUCCESS);
    }
    let bench::Warm { mut ours, mut theirs, .. } = warm;
    let ours = ours.call(&code, method, &context, false).map_err(|e| format!("this runner: {e}"))?.json();
    let theirs = theirs.call(&code, method, &context, false).map_err(|e| format!("nearcore's runner: {e}"))?.json();
    let differences = differences(&ours, &theirs);
    let report = json!({ "ours": ours, "nearcore": theirs, "differences": differences });
    println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
    Ok(if differences.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
