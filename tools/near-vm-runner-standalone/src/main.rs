//! `near-vm-runner-standalone`: runs one method of a contract against an in-memory state and
//! prints one JSON object: `outcome`, `error`, `state` and `timings`.
//!
//! ```text
//! near-vm-runner-standalone --wasm-file F --method-name M [--input STR | --input-file F]
//!     [--context-file ctx.json] [--state-file state.json] [--vm-config cranelift|winch]
//! ```
//!
//! `--context-file` takes nearcore's VMContext JSON field names; absent fields keep defaults.
//! `--state-file` is a JSON object of base64 storage keys to base64 values. Bad input is an
//! error message on stderr and exit code 2; a failing contract is a normal result with `error`.

mod state;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use clap::Parser;
use near_parameters::RuntimeConfig;
use near_vm_runner::ContractRunner;
use near_vm_runner::engine::Compiler;
use near_vm_runner::logic::{ReturnData, VMContext, VMOutcome};
use serde_json::{Value, json};
use state::SharedState;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser, Debug)]
#[command(version, about = "Run one contract method and print the outcome as JSON")]
struct Args {
    /// The contract's wasm file.
    #[arg(long)]
    wasm_file: PathBuf,
    /// The method to call.
    #[arg(long)]
    method_name: String,
    /// Input (arguments) as a string.
    #[arg(long, conflicts_with = "input_file")]
    input: Option<String>,
    /// Input (arguments) read from a file.
    #[arg(long)]
    input_file: Option<PathBuf>,
    /// VMContext JSON with nearcore's field names.
    #[arg(long)]
    context_file: Option<PathBuf>,
    /// Initial storage: a JSON object of base64 keys to base64 values.
    #[arg(long)]
    state_file: Option<PathBuf>,
    /// The wasmtime compiler.
    #[arg(long, default_value = "winch", value_parser = ["winch", "cranelift"])]
    vm_config: String,
}

fn read(path: &PathBuf) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))
}

fn default_context() -> Value {
    json!({
        "current_account_id": "alice.near",
        "signer_account_id": "bob.near",
        "signer_account_pk": near_primitives::crypto::SecretKey::from_seed("bob.near").public_key().to_string(),
        "predecessor_account_id": "carol.near",
        "input": "",
        "promise_results": [],
        "block_height": 1,
        "block_timestamp": 1_586_796_191_203_000_000u64,
        "epoch_height": 1,
        "account_balance": "10000000000000000000000000",
        "account_locked_balance": "0",
        "storage_usage": 100,
        "attached_deposit": "0",
        "prepaid_gas": 300_000_000_000_000u64,
        "random_seed": "",
        "view_config": null,
        "output_data_receivers": [],
    })
}

/// Byte fields may be given as base64 text or as an array of numbers (nearcore's own dumps).
fn normalize_bytes(field: &str, value: Value) -> Result<Value, String> {
    match value {
        Value::Array(items) => {
            let bytes = items
                .iter()
                .map(|v| v.as_u64().and_then(|n| u8::try_from(n).ok()))
                .collect::<Option<Vec<u8>>>()
                .ok_or_else(|| format!("context field `{field}`: expected bytes"))?;
            Ok(Value::String(BASE64.encode(bytes)))
        }
        other => Ok(other),
    }
}

fn load_context(args: &Args) -> Result<VMContext, String> {
    let mut context = default_context();
    if let Some(path) = &args.context_file {
        let given: Value = serde_json::from_slice(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))?;
        let Value::Object(fields) = given else { return Err(format!("{}: expected a JSON object", path.display())) };
        for (name, value) in fields {
            let name = if name == "block_index" { "block_height".to_string() } else { name };
            let value = if name == "input" || name == "random_seed" { normalize_bytes(&name, value)? } else { value };
            context[name] = value;
        }
    }
    let mut context: VMContext = serde_json::from_value(context).map_err(|e| format!("context: {e}"))?;
    if let Some(input) = &args.input {
        context.input = input.as_bytes().to_vec();
    } else if let Some(path) = &args.input_file {
        context.input = read(path)?;
    }
    Ok(context)
}

fn bytes_json(bytes: &[u8]) -> Value {
    json!({ "utf8": std::str::from_utf8(bytes).ok(), "base64": BASE64.encode(bytes) })
}

fn outcome_json(outcome: &VMOutcome) -> Value {
    let return_data = match &outcome.return_data {
        ReturnData::Value(bytes) => bytes_json(bytes),
        ReturnData::ReceiptIndex(index) => json!({ "receipt_index": index }),
        ReturnData::None => Value::Null,
    };
    let profile: serde_json::Map<String, Value> =
        outcome.profile.nonzero_entries().into_iter().map(|(name, gas)| (name.to_string(), json!(gas))).collect();
    json!({
        "return_data": return_data,
        "logs": outcome.logs,
        "burnt_gas": outcome.burnt_gas,
        "used_gas": outcome.used_gas,
        "storage_usage": outcome.storage_usage,
        "balance": outcome.balance.to_string(),
        "profile": profile,
    })
}

fn run(args: &Args) -> Result<Value, String> {
    let code = read(&args.wasm_file)?;
    let context = load_context(args)?;
    let state = match &args.state_file {
        Some(path) => SharedState::from_json(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))?,
        None => SharedState::default(),
    };
    let compiler = if args.vm_config == "cranelift" { Compiler::Cranelift } else { Compiler::Winch };
    let config = RuntimeConfig::mainnet();
    let started = Instant::now();
    let runner = ContractRunner::new(compiler).map_err(|e| e.to_string())?;
    let (outcome, _) = runner
        .run(&code, &args.method_name, Box::new(state.clone()), context, &config)
        .map_err(|e| format!("node fault: {e}"))?;
    let elapsed = started.elapsed();
    let error = match &outcome.aborted {
        Some(error) => serde_json::to_value(error).map_err(|e| e.to_string())?,
        None => Value::Null,
    };
    Ok(json!({
        "outcome": outcome_json(&outcome),
        "error": error,
        "state": state.changes_json(outcome.aborted.is_none()),
        "timings": { "total_us": u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX), "compiler": args.vm_config },
    }))
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(result) => {
            println!("{result}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
    }
}
