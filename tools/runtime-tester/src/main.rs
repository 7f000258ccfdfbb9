//! `runtime-tester run SCENARIO.json [--store memory|rocksdb:PATH] [--format json|text]
//! [--max-trailing-blocks N] [--resume]`: one JSON line (or a text paragraph) per block.

use clap::{Parser, Subcommand, ValueEnum};
use near_store::Store;
use runtime_tester::{RunError, RunOptions, load, run, runner::text_line};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "runtime-tester", about = "Runs NEAR runtime scenarios block by block")]
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
        /// Bound on empty blocks produced after the last item while receipts are pending.
        #[arg(long)]
        max_trailing_blocks: Option<u64>,
        /// Continue the chain the RocksDB store already holds (a run that was killed): the
        /// scenario is replayed in memory up to the stored head, then goes on from the next
        /// block on the store. Without it, genesis is written over the store.
        #[arg(long)]
        resume: bool,
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

fn main() -> ExitCode {
    let Command::Run { scenario, store, format, max_trailing_blocks, resume } = Cli::parse().command;
    if resume && !store.starts_with("rocksdb:") {
        eprintln!("error: --resume continues a chain stored in RocksDB: use --store rocksdb:PATH");
        return ExitCode::from(2);
    }
    let store = match open_store(&store) {
        Ok(store) => store,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    let parsed = match load(&scenario) {
        Ok(parsed) => parsed,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let print = |report: &runtime_tester::BlockReport| {
        let line = match format {
            Format::Json => serde_json::to_string(report).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}")),
            Format::Text => text_line(report),
        };
        let _ = writeln!(out, "{line}");
    };
    match run(&parsed, RunOptions { store, max_trailing_blocks, resume }, print) {
        Ok(_) => ExitCode::SUCCESS,
        Err(RunError::Scenario(error)) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
        Err(error @ RunError::Node(_)) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
