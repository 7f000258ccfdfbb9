//! A store demo (the README's main job until the scenario runner lands): builds a state of
//! accounts over blocks in the trie, persists it in RocksDB (or memory), reopens it, and prints
//! one JSON line per block with the state root and what the trie holds.
//!
//! `cargo run --release -p near-store --example trie_demo -- [--store memory|rocksdb:PATH] [--blocks N]`

use near_primitives::account::Account;
use near_primitives::trie_key::TrieKey;
use near_store::{DBCol, EMPTY_ROOT, Store, TrieUpdate, utils};
use std::process::ExitCode;

struct Options {
    store: String,
    blocks: u32,
}

fn parse_options() -> Result<Options, String> {
    let mut options = Options { store: "memory".to_string(), blocks: 5 };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().ok_or_else(|| format!("{arg} needs a value"))?;
        match arg.as_str() {
            "--store" => options.store = value,
            "--blocks" => options.blocks = value.parse().map_err(|e| format!("--blocks {value}: {e}"))?,
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(options)
}

fn open(spec: &str) -> Result<Store, String> {
    match spec.split_once(':') {
        None if spec == "memory" => Ok(Store::memory()),
        Some(("rocksdb", path)) => Store::rocksdb(path.as_ref()).map_err(|e| format!("opening {path}: {e}")),
        _ => Err(format!("--store {spec}: expected memory or rocksdb:PATH")),
    }
}

fn run(options: &Options) -> Result<(), String> {
    let mut store = open(&options.store)?;
    let mut root = EMPTY_ROOT;
    for height in 1..=options.blocks {
        let mut update = TrieUpdate::new(store.trie(root));
        for i in 0..100u32 {
            let account_id = format!("user{i}.near").parse().map_err(|e| format!("{e}"))?;
            utils::set_account(&mut update, account_id, &Account::new(u128::from(height) * 1_000, 182));
        }
        let alice: near_primitives::AccountId = "alice.near".parse().map_err(|e| format!("{e}"))?;
        update.set(TrieKey::ContractData { account_id: alice, key: height.to_le_bytes().to_vec() }, vec![1; 16]);
        update.commit();
        let changes = update.finalize().map_err(|e| e.to_string())?;
        store.commit_trie_changes(&changes).map_err(|e| e.to_string())?;
        let mut head = store.store_update();
        head.set(DBCol::Misc, b"head", changes.new_root.as_bytes());
        head.commit().map_err(|e| e.to_string())?;
        root = changes.new_root;
        let entries = store.trie(root).iter_prefix(&[]).map_err(|e| e.to_string())?.count();
        println!(
            "{{\"height\":{height},\"state_root\":\"{root}\",\"new_nodes\":{},\"trie_entries\":{entries}}}",
            changes.insertions.len()
        );
    }
    if let Some(path) = options.store.strip_prefix("rocksdb:") {
        drop(store);
        store = open(&options.store)?;
        let head = store.get(DBCol::Misc, b"head").map_err(|e| e.to_string())?;
        let reopened =
            head.as_deref().map(near_primitives::hash::CryptoHash::try_from).transpose().map_err(|e| e.to_string())?;
        let readable = reopened.map(|r| store.trie(r).iter_prefix(&[]).map(|it| it.count()));
        println!(
            "{{\"reopened\":\"{path}\",\"head\":\"{}\",\"trie_entries\":{}}}",
            reopened.unwrap_or(EMPTY_ROOT),
            readable.transpose().map_err(|e| e.to_string())?.unwrap_or(0)
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    match parse_options().and_then(|options| run(&options)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
