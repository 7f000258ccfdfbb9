//! Integration tests of near-store: one binary, a module per topic.

mod gc;
mod model;
mod persistence;
mod trie_update;

use near_primitives::trie_key::TrieKey;
use near_store::{Store, Trie, TrieUpdate};
use std::collections::BTreeMap;

/// Contract data of one account: a realistic key shape with arbitrary suffixes.
pub(crate) fn data_key(suffix: &[u8]) -> TrieKey {
    TrieKey::ContractData { account_id: "alice.near".parse().unwrap(), key: suffix.to_vec() }
}

/// Writes `contents` into a fresh trie on `store` and returns its root.
pub(crate) fn build(store: &Store, contents: &BTreeMap<Vec<u8>, Vec<u8>>) -> near_primitives::types::StateRoot {
    let changes =
        store.trie(near_store::EMPTY_ROOT).update(contents.iter().map(|(k, v)| (k.clone(), Some(v.clone())))).unwrap();
    store.commit_trie_changes(&changes).unwrap();
    changes.new_root
}

/// Every `(key, value)` of a trie, by iteration.
pub(crate) fn dump(trie: &Trie) -> BTreeMap<Vec<u8>, Vec<u8>> {
    trie.iter_prefix(&[]).unwrap().map(Result::unwrap).collect()
}

/// Finalizes `update` and commits its new nodes; returns the new root.
pub(crate) fn commit_block(store: &Store, update: TrieUpdate) -> near_primitives::types::StateRoot {
    let changes = update.finalize().unwrap();
    store.commit_trie_changes(&changes).unwrap();
    changes.new_root
}
