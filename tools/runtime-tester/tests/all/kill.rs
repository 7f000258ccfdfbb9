//! Crash consistency: `runtime-tester --store rocksdb:PATH --resume`, killed with SIGKILL at
//! random points while it applies and commits blocks. After every kill the database holds a
//! whole block (its head's root is the root an uninterrupted run has at that height, and every
//! node under it is readable), never more than one block past the last one printed; resuming
//! from it ends at the uninterrupted run's final root.

use integration_tests::ChainHead;
use near_store::Store;
use runtime_tester::{RunOptions, load, run};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Kills in the test (the issue asks for at least 200).
const KILLS: usize = 200;
/// Blocks of the scenario (each with a contract call and two transfers).
const BLOCKS: usize = 60;

fn scenario(dir: &Path) -> std::path::PathBuf {
    let code = dir.join("status.wasm");
    std::fs::write(&code, near_test_contracts::sdk_status()).unwrap();
    let mut blocks = vec![serde_json::json!({ "transactions": [
        { "signer_id": "status.near", "receiver_id": "status.near",
          "actions": [ { "FunctionCall": { "method_name": "new", "args_json": {} } } ] } ] })];
    for i in 0..BLOCKS {
        blocks.push(serde_json::json!({ "transactions": [
            { "signer_id": "alice.near", "receiver_id": "status.near",
              "actions": [ { "FunctionCall": { "method_name": "set_status", "args_json": { "message": format!("m{i}") } } } ] },
            { "signer_id": "alice.near", "receiver_id": "bob.near", "actions": [ { "Transfer": { "deposit": "1 NEAR" } } ] },
            { "signer_id": "bob.near", "receiver_id": "alice.near", "actions": [ { "Transfer": { "deposit": "0.5 NEAR" } } ] }
        ] }));
    }
    let text = serde_json::json!({
        "genesis": { "accounts": [
            { "account_id": "alice.near", "balance": "1000 NEAR" },
            { "account_id": "bob.near", "balance": "1000 NEAR" },
            { "account_id": "status.near", "balance": "100 NEAR", "code_file": "status.wasm" } ] },
        "blocks": blocks,
    });
    let path = dir.join("kill.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&text).unwrap()).unwrap();
    path
}

/// A small deterministic generator for the kill delays.
struct XorShift(u64);

impl XorShift {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound
    }
}

/// One run of the binary with `--resume`, killed `delay_us` after its first printed block (or
/// left to finish when `delay_us` is `None`). Returns the heights and roots it printed and
/// whether it finished by itself.
fn run_once(scenario: &Path, db: &Path, delay_us: Option<u64>) -> (Vec<(u64, String)>, bool) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_runtime-tester"))
        .args(["run", scenario.to_str().unwrap(), "--store"])
        .arg(format!("rocksdb:{}", db.display()))
        .arg("--resume")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    let parse = |line: String| {
        let report: serde_json::Value = serde_json::from_str(&line).unwrap();
        (report["height"].as_u64().unwrap(), report["state_root"].as_str().unwrap().to_string())
    };
    if let Some(delay) = delay_us {
        if let Some(Ok(line)) = lines.next() {
            printed.push(parse(line));
            std::thread::sleep(Duration::from_micros(delay));
        }
        let _ = child.kill();
    }
    // Whatever it printed before it died (or everything, when left to finish).
    printed.extend(lines.map_while(Result::ok).map(parse));
    let status = child.wait().unwrap();
    (printed, status.success())
}

#[test]
fn killed_runs_leave_whole_blocks_and_resume_to_the_same_root() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = scenario(dir.path());
    let reference = run(
        &load(&scenario).unwrap(),
        RunOptions { store: Store::memory(), max_trailing_blocks: None, resume: false },
        |_| {},
    )
    .unwrap();
    let root_at = |height: u64| reference.iter().find(|r| r.height == height).map(|r| r.state_root.clone());
    let final_root = reference.last().unwrap().state_root.clone();
    let db = dir.path().join("db");
    let mut random = XorShift(0x9e37_79b9_7f4a_7c15);
    let (mut kills, mut completed_runs) = (0, 0);
    let mut heads_seen = std::collections::BTreeSet::new();
    while kills < KILLS {
        let (printed, finished) = run_once(&scenario, &db, Some(random.below(30_000)));
        if finished {
            // It finished before the kill landed: check the end, then start a new chain.
            let end = printed.last().map_or_else(|| root_at_head(&db), |p| p.1.clone());
            assert_eq!(end, final_root);
            std::fs::remove_dir_all(&db).unwrap();
            completed_runs += 1;
            continue;
        }
        kills += 1;
        for (height, root) in &printed {
            assert_eq!(Some(root.clone()), root_at(*height), "printed root at height {height}");
        }
        let store = Store::rocksdb(&db).unwrap();
        let Some(head) = ChainHead::read(&store).unwrap() else { continue };
        heads_seen.insert(head.height);
        if let Some((last_printed, _)) = printed.last() {
            assert!(
                head.height == *last_printed || head.height == last_printed + 1,
                "head {} after printing {last_printed}",
                head.height
            );
        }
        if head.height > 0 {
            assert_eq!(
                Some(head.state_root.to_string()),
                root_at(head.height),
                "a partial block at height {}",
                head.height
            );
        }
        let records = store.trie(head.state_root).iter_prefix(&[]).unwrap();
        for record in records {
            record.unwrap_or_else(|e| panic!("a node under the head at height {} is missing: {e}", head.height));
        }
    }
    // The kills landed all along the chain, not only at start-up.
    eprintln!("{KILLS} kills at {} distinct heads; {completed_runs} runs finished first", heads_seen.len());
    assert!(heads_seen.len() >= BLOCKS / 3, "kills at only {} distinct heights", heads_seen.len());
    let (printed, finished) = run_once(&scenario, &db, None);
    assert!(finished, "the last resume runs to the end");
    let end = printed.last().map_or_else(|| root_at_head(&db), |p| p.1.clone());
    assert_eq!(end, final_root, "resumed after {KILLS} kills ({completed_runs} runs finished first)");
}

fn root_at_head(db: &Path) -> String {
    ChainHead::read(&Store::rocksdb(db).unwrap()).unwrap().unwrap().state_root.to_string()
}
