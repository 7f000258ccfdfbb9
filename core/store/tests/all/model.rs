//! The trie against a `BTreeMap` model: random sets, removes, receipt commits and rollbacks,
//! block commits and reopening from RocksDB; and canonical roots.

use crate::{commit_block, data_key, dump};
use near_store::{EMPTY_ROOT, Store, TrieUpdate};
use proptest::prelude::*;
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
enum Op {
    Set(Vec<u8>, Vec<u8>),
    Remove(Vec<u8>),
    CommitReceipt,
    RollbackReceipt,
    CommitBlock,
    Reopen,
}

/// Short keys over a tiny alphabet, so paths share prefixes and nodes split and merge often.
fn key() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(prop::sample::select(vec![0x00u8, 0x01, 0x10, 0xff]), 0..4)
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (key(), prop::collection::vec(any::<u8>(), 0..6)).prop_map(|(k, v)| Op::Set(k, v)),
        3 => key().prop_map(Op::Remove),
        2 => Just(Op::CommitReceipt),
        1 => Just(Op::RollbackReceipt),
        1 => Just(Op::CommitBlock),
        1 => Just(Op::Reopen),
    ]
}

struct Model {
    block: BTreeMap<Vec<u8>, Vec<u8>>,
    committed: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
    prospective: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
}

impl Model {
    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        match self.prospective.get(key).or_else(|| self.committed.get(key)) {
            Some(value) => value.clone(),
            None => self.block.get(key).cloned(),
        }
    }

    fn seal_block(&mut self) {
        let committed = std::mem::take(&mut self.committed);
        for (key, value) in committed {
            match value {
                Some(v) => self.block.insert(key, v),
                None => self.block.remove(&key),
            };
        }
    }
}

/// Runs `ops`; `reopen` makes a fresh store handle over the same data (RocksDB) or keeps it.
fn run(ops: Vec<Op>, mut store: Store, reopen: &mut dyn FnMut(Store) -> Store) {
    let mut model = Model { block: BTreeMap::new(), committed: BTreeMap::new(), prospective: BTreeMap::new() };
    let mut root = EMPTY_ROOT;
    let mut update = TrieUpdate::new(store.trie(root));
    for op in ops {
        match op {
            Op::Set(k, v) => {
                update.set(data_key(&k), v.clone());
                model.prospective.insert(data_key(&k).to_vec(), Some(v));
            }
            Op::Remove(k) => {
                update.remove(data_key(&k));
                model.prospective.insert(data_key(&k).to_vec(), None);
            }
            Op::CommitReceipt => {
                update.commit();
                let prospective = std::mem::take(&mut model.prospective);
                model.committed.extend(prospective);
            }
            Op::RollbackReceipt => {
                update.rollback();
                model.prospective.clear();
            }
            Op::CommitBlock | Op::Reopen => {
                update.rollback();
                model.prospective.clear();
                root = commit_block(&store, update);
                model.seal_block();
                if matches!(op, Op::Reopen) {
                    store = reopen(store);
                }
                let trie = store.trie(root);
                assert_eq!(dump(&trie), model.block, "iteration after commit");
                for key in model.block.keys() {
                    assert_eq!(trie.get(key).unwrap().as_ref(), model.block.get(key));
                }
                if model.block.is_empty() {
                    assert_eq!(root, EMPTY_ROOT, "an emptied trie has the empty root");
                }
                update = TrieUpdate::new(trie);
            }
        }
        // Reads through the layers always agree with the model.
        for suffix in [vec![], vec![0x00], vec![0x01, 0x10], vec![0xff, 0xff, 0xff]] {
            let key = data_key(&suffix).to_vec();
            assert_eq!(update.get_raw(&key).unwrap(), model.get(&key));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn memory_trie_matches_model(ops in prop::collection::vec(op(), 1..60)) {
        run(ops, Store::memory(), &mut |store| store);
    }

    #[test]
    fn same_contents_same_root_whatever_the_order(
        entries in prop::collection::btree_map(key(), prop::collection::vec(any::<u8>(), 0..4), 0..20),
        seed in any::<u64>(),
    ) {
        use rand::{SeedableRng, seq::SliceRandom};
        let store = Store::memory();
        let sorted_root = crate::build(&store, &entries);
        // Insert one at a time in a shuffled order, committing after each.
        let mut shuffled: Vec<_> = entries.into_iter().collect();
        shuffled.shuffle(&mut rand::rngs::StdRng::seed_from_u64(seed));
        let mut root = EMPTY_ROOT;
        for (k, v) in shuffled {
            let changes = store.trie(root).update([(k, Some(v))]).unwrap();
            store.commit_trie_changes(&changes).unwrap();
            root = changes.new_root;
        }
        prop_assert_eq!(root, sorted_root);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn rocksdb_trie_matches_model_across_reopens(ops in prop::collection::vec(op(), 1..40)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().to_path_buf();
        let store = Store::rocksdb(&path).unwrap();
        run(ops, store, &mut |old| {
            drop(old);
            Store::rocksdb(&path).unwrap()
        });
    }
}

#[test]
fn empty_trie_has_the_documented_root() {
    assert_eq!(EMPTY_ROOT, near_primitives::hash::CryptoHash([0; 32]));
    let store = Store::memory();
    let trie = store.trie(EMPTY_ROOT);
    assert_eq!(trie.get(b"anything").unwrap(), None);
    assert_eq!(trie.iter_prefix(b"").unwrap().count(), 0);
    let changes = trie.update([(b"k".to_vec(), None)]).unwrap();
    assert_eq!(changes.new_root, EMPTY_ROOT);
    assert!(changes.insertions.is_empty());
}

#[test]
fn prefix_iteration_is_ordered_and_bounded() {
    let store = Store::memory();
    let contents: std::collections::BTreeMap<Vec<u8>, Vec<u8>> = [
        (b"a".to_vec(), b"1".to_vec()),
        (b"ab".to_vec(), b"2".to_vec()),
        (b"abc".to_vec(), b"3".to_vec()),
        (b"b".to_vec(), b"4".to_vec()),
        (vec![0x61, 0x00], b"5".to_vec()),
    ]
    .into_iter()
    .collect();
    let trie = store.trie(crate::build(&store, &contents));
    let under_a: Vec<_> = trie.iter_prefix(b"a").unwrap().map(|r| r.unwrap().0).collect();
    assert_eq!(under_a, vec![b"a".to_vec(), vec![0x61, 0x00], b"ab".to_vec(), b"abc".to_vec()]);
    let under_ab: Vec<_> = trie.iter_prefix(b"ab").unwrap().map(|r| r.unwrap().0).collect();
    assert_eq!(under_ab, vec![b"ab".to_vec(), b"abc".to_vec()]);
    assert_eq!(trie.iter_prefix(b"c").unwrap().count(), 0);
    assert_eq!(trie.iter_prefix(b"abcd").unwrap().count(), 0);
}
