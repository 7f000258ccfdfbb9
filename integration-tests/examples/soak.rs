//! The soak run: `cargo run --release -p integration-tests --example soak -- [--blocks N]
//! [--seed S] [--store memory|rocksdb:PATH] [--every K]`. Mixed traffic, deterministic from the
//! seed, block after block: transfers between ten users, near-sdk status calls and cross-contract
//! promises with callbacks, NEP-519 signature requests that the responder answers after a random
//! delay (some after their 200-block timeout), NEP-481 submodules deployed, started, abandoned
//! and removed. Every chunk runs the balance checker (a mismatch stops the run, exit 1); at the
//! end the chain is drained (delayed receipts, yields waiting for a resume or their timeout) and
//! must empty. Prints a JSON line every K blocks (height, root, transactions, blocks per second,
//! resident memory) and a final line with the root (`scripts/soak.sh` compares runs).

use clap::Parser;
use integration_tests::{GenesisAccount, NEAR, TestEnv};
use near_primitives::action::{
    Action, DeploySubmoduleAction, FunctionCallAction, RemoveSubmoduleAction, TransferAction,
};
use near_primitives::transaction::{ExecutionStatus, SignedTransaction};
use near_primitives::types::AccountId;
use near_store::Store;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;
use std::collections::BTreeMap;
use std::time::Instant;

#[derive(Parser)]
struct Cli {
    /// Blocks of traffic (then the chain is drained).
    #[arg(long, default_value_t = 10_000)]
    blocks: u64,
    /// Seed of the traffic.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// `memory` or `rocksdb:PATH`.
    #[arg(long, default_value = "memory")]
    store: String,
    /// Print a line every this many blocks.
    #[arg(long, default_value_t = 100)]
    every: u64,
}

const USERS: u64 = 10;
/// Blocks allowed to drain the chain after the traffic (yields time out after 200).
const DRAIN_BLOCKS: u64 = 1_000;

fn id(name: &str) -> AccountId {
    name.parse().unwrap_or_else(|e| unreachable!("soak account ids are valid: {e}"))
}

fn user(i: u64) -> AccountId {
    id(&format!("user{i}.near"))
}

fn call(method: &str, args: serde_json::Value, tgas: u64) -> Action {
    Action::FunctionCall(Box::new(FunctionCallAction {
        method_name: method.into(),
        args: args.to_string().into_bytes(),
        gas: tgas * 1_000_000_000_000,
        deposit: 0,
    }))
}

/// An outcome's status by kind: `success`, or the failure's first variant names.
fn status_kind(status: &ExecutionStatus) -> String {
    match status {
        ExecutionStatus::Failure(error) => {
            let text = serde_json::to_string(error).unwrap_or_default();
            let names: Vec<&str> =
                text.split('"').filter(|p| p.chars().next().is_some_and(char::is_uppercase)).take(3).collect();
            format!("failure {}", names.join("/"))
        }
        _ => "success".into(),
    }
}

fn resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix("VmRSS:")?.trim().strip_suffix(" kB")?.parse().ok()).unwrap_or(0)
}

/// The traffic generator and what it is waiting for.
struct Traffic {
    rng: StdRng,
    next_request: u64,
    /// Block height → signature requests the responder answers then.
    answers: BTreeMap<u64, Vec<u64>>,
}

impl Traffic {
    fn block(&mut self, env: &mut TestEnv, height: u64) -> Result<Vec<SignedTransaction>, String> {
        let mut txs = Vec::new();
        let sign = |env: &mut TestEnv, from: AccountId, to: AccountId, actions: Vec<Action>| {
            env.sign(&from, &to, actions).map_err(|e| e.to_string())
        };
        for _ in 0..self.rng.gen_range(1..5) {
            let (from, to) = (user(self.rng.gen_range(0..USERS)), user(self.rng.gen_range(0..USERS)));
            let deposit = self.rng.gen_range(1..1_000) * NEAR / 1_000;
            txs.push(sign(env, from, to, vec![Action::Transfer(TransferAction { deposit })])?);
        }
        for _ in 0..self.rng.gen_range(0..3) {
            let status = id(&format!("status{}.near", self.rng.gen_range(0..2)));
            let message = format!("m{height}-{}", self.rng.gen_range(0..1_000));
            txs.push(sign(
                env,
                user(self.rng.gen_range(0..USERS)),
                status,
                vec![call("set_status", json!({"message": message}), 10)],
            )?);
        }
        if self.rng.gen_bool(0.3) {
            let args =
                json!({"target": "status1.near", "account_id": format!("user{}.near", self.rng.gen_range(0..USERS))});
            txs.push(sign(
                env,
                user(self.rng.gen_range(0..USERS)),
                id("status0.near"),
                vec![call("ask_status", args, 50)],
            )?);
        }
        if self.rng.gen_bool(0.3) {
            let request = self.next_request;
            self.next_request += 1;
            let payload = format!("p{request}");
            txs.push(sign(
                env,
                user(self.rng.gen_range(0..USERS)),
                id("signer.near"),
                vec![call("sign", json!({"payload": payload}), 50)],
            )?);
            // Answered after 2–260 blocks: past 200 the request has timed out first.
            self.answers.entry(height + self.rng.gen_range(2..260)).or_default().push(request);
        }
        for request in self.answers.remove(&height).unwrap_or_default() {
            let args = json!({"request_id": request, "signature": format!("sig{request}")});
            txs.push(sign(env, id("responder.near"), id("signer.near"), vec![call("respond", args, 20)])?);
        }
        let os = id("os.near");
        match self.rng.gen_range(0..100) {
            0..=9 => txs.push(sign(
                env,
                user(self.rng.gen_range(0..USERS)),
                os,
                vec![call("run_app", json!({"key": "app"}), 100)],
            )?),
            10..=12 => txs.push(sign(env, user(0), os, vec![call("start_and_abandon", json!({"key": "app"}), 50)])?),
            13 => {
                let code = near_test_contracts::submodule_nostd().to_vec();
                let deploy = Action::DeploySubmodule(DeploySubmoduleAction { key: b"app".to_vec(), code });
                txs.push(sign(env, os.clone(), os, vec![deploy])?);
            }
            14 => {
                let remove = Action::RemoveSubmodule(RemoveSubmoduleAction { key: b"app".to_vec() });
                txs.push(sign(env, os.clone(), os, vec![remove])?);
            }
            _ => {}
        }
        Ok(txs)
    }
}

fn genesis(store: Store) -> Result<TestEnv, String> {
    let status = near_test_contracts::sdk_status().to_vec();
    let mut builder = TestEnv::builder().config(near_parameters::RuntimeConfig::mainnet()).store(store);
    for i in 0..USERS {
        builder = builder.account(GenesisAccount::new(user(i), 1_000_000 * NEAR));
    }
    for name in ["status0.near", "status1.near"] {
        builder = builder.account(GenesisAccount::new(id(name), 1_000 * NEAR).with_code(status.clone()));
    }
    builder = builder
        .account(
            GenesisAccount::new(id("signer.near"), 1_000 * NEAR).with_code(near_test_contracts::sdk_signer().to_vec()),
        )
        .account(GenesisAccount::new(id("responder.near"), 1_000 * NEAR))
        .account(
            GenesisAccount::new(id("os.near"), 1_000 * NEAR).with_code(near_test_contracts::sdk_app_os().to_vec()),
        );
    let mut env = builder.build().map_err(|e| e.to_string())?;
    let setup = [
        ("status0.near", call("new", json!({}), 10)),
        ("status1.near", call("new", json!({}), 10)),
        ("signer.near", call("new", json!({"responder": "responder.near"}), 10)),
        (
            "os.near",
            Action::DeploySubmodule(DeploySubmoduleAction {
                key: b"app".to_vec(),
                code: near_test_contracts::submodule_nostd().to_vec(),
            }),
        ),
    ];
    for (account, action) in setup {
        let result = env.transact(&id(account), &id(account), vec![action]).map_err(|e| e.to_string())?;
        if !result.is_success() {
            return Err(format!("setup of {account} failed: {:?}", result.status));
        }
    }
    Ok(env)
}

fn run(cli: &Cli) -> Result<(), String> {
    let store = match cli.store.split_once(':') {
        None if cli.store == "memory" => Store::memory(),
        Some(("rocksdb", path)) => Store::rocksdb(std::path::Path::new(path)).map_err(|e| format!("rocksdb: {e}"))?,
        _ => return Err(format!("--store: expected memory or rocksdb:PATH, got {}", cli.store)),
    };
    let mut env = genesis(store)?;
    let mut traffic = Traffic { rng: StdRng::seed_from_u64(cli.seed), next_request: 0, answers: BTreeMap::new() };
    let (start, mut window, mut transactions) = (Instant::now(), Instant::now(), 0u64);
    let mut statuses: BTreeMap<String, u64> = BTreeMap::new();
    for _ in 0..cli.blocks {
        let height = env.height() + 1;
        let txs = traffic.block(&mut env, height)?;
        transactions += txs.len() as u64;
        let block = env.produce_block(&txs).map_err(|e| format!("block {height}: {e}"))?;
        for outcome in &block.outcomes {
            *statuses.entry(status_kind(&outcome.outcome.status)).or_default() += 1;
        }
        if block.height % cli.every == 0 {
            env.clear_outcomes();
            let per_second = cli.every as f64 / window.elapsed().as_secs_f64();
            window = Instant::now();
            let line = json!({"height": block.height, "state_root": block.state_root.to_string(), "transactions": transactions,
                "delayed_receipts": block.delayed_receipts, "blocks_per_second": (per_second * 10.0).round() / 10.0, "rss_kib": resident_kib()});
            println!("{line}");
        }
    }
    let traffic_end = env.height();
    let mut drained = 0;
    while env.has_pending_work().map_err(|e| e.to_string())? {
        if drained == DRAIN_BLOCKS {
            return Err(format!("still pending {DRAIN_BLOCKS} blocks after the traffic"));
        }
        env.produce_block(&[]).map_err(|e| format!("drain block {}: {e}", env.height() + 1))?;
        drained += 1;
    }
    let line = json!({"final_root": env.state_root().to_string(), "traffic_blocks": traffic_end, "drain_blocks": drained,
        "transactions": transactions, "signature_requests": traffic.next_request, "outcomes": statuses, "seconds": start.elapsed().as_secs_f64(),
        "rss_kib": resident_kib()});
    println!("{line}");
    Ok(())
}

fn main() {
    let cli = Cli::parse();
    if let Err(error) = run(&cli) {
        eprintln!("soak: {error}");
        std::process::exit(1);
    }
}
