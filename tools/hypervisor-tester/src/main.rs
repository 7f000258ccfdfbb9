//! `hypervisor-tester run SCENARIO.json [--store memory|rocksdb:PATH] [--format json|text]`:
//! one JSON line (or a text paragraph) per block.

use clap::{Parser, Subcommand, ValueEnum};
use hypervisor_tester::{RunError, load, run};
use near_store::Store;
use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "hypervisor-tester", about = "Runs RFC-003 hypervisor scenarios block by block")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs a scenario file.
    Run {
        /// The scenario (JSON).
        scenario: PathBuf,
        /// Where the state lives: `memory` or `rocksdb:PATH`.
        #[arg(long, default_value = "memory")]
        store: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Json,
    Text,
}

fn open_store(spec: &str) -> Result<Store, String> {
    match spec.split_once(':') {
        None if spec == "memory" => Ok(Store::memory()),
        Some(("rocksdb", path)) if !path.is_empty() => {
            Store::rocksdb(std::path::Path::new(path)).map_err(|e| format!("cannot open RocksDB at {path}: {e}"))
        }
        _ => Err(format!("--store: expected `memory` or `rocksdb:PATH`, got `{spec}`")),
    }
}

/// A block as text: its root, then a line per message.
fn text(report: &Value) -> String {
    let mut out = format!("block {} root {}", report["block"], report["state_root"].as_str().unwrap_or("?"));
    for message in report["messages"].as_array().into_iter().flatten() {
        let result = match (&message["ok"], &message["error"]) {
            (Value::Null, error) => format!("error {} ({})", error["code"], error["name"].as_str().unwrap_or("")),
            (ok, _) => format!("ok {}", ok.get("u64").or(ok.get("utf8")).or(ok.get("base64")).unwrap_or(&Value::Null)),
        };
        out.push_str(&format!("\n  {result}, gas {}", message["gas_used"]));
        if let Some(created) = message["created"].as_str() {
            out.push_str(&format!(", created {created}"));
        }
    }
    out
}

fn main() -> ExitCode {
    let Command::Run { scenario, store, format } = Cli::parse().command;
    let (store, parsed) = match open_store(&store).and_then(|store| load(&scenario).map(|parsed| (store, parsed))) {
        Ok(loaded) => loaded,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let print = |report: &Value| {
        let line = match format {
            Format::Json => report.to_string(),
            Format::Text => text(report),
        };
        let _ = writeln!(out, "{line}");
    };
    match run(&parsed, store, print) {
        Ok(_) => ExitCode::SUCCESS,
        Err(error @ RunError::Scenario(_)) => {
            eprintln!("error: {}: {error}", scenario.display());
            ExitCode::from(2)
        }
        Err(error @ RunError::Node(_)) => {
            eprintln!("error: {error}");
            ExitCode::from(1)
        }
    }
}
