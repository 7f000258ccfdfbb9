//! Reference counting: collecting an old root frees exactly the nodes nothing else uses.

use crate::{build, dump};
use near_store::{DBCol, EMPTY_ROOT, StorageError, Store};
use std::collections::BTreeMap;

fn contents(range: std::ops::Range<u32>, value: u8) -> BTreeMap<Vec<u8>, Vec<u8>> {
    range.map(|i| (i.to_be_bytes().to_vec(), vec![value; 4])).collect()
}

#[test]
fn collecting_the_old_root_leaves_the_new_root_intact_and_minimal() {
    let store = Store::memory();
    let root1 = build(&store, &contents(0..300, 1));
    let changes = store
        .trie(root1)
        .update((100u32..400).map(|i| (i.to_be_bytes().to_vec(), if i < 300 { Some(vec![9; 4]) } else { None })))
        .unwrap();
    store.commit_trie_changes(&changes).unwrap();
    let mut gc = store.store_update();
    changes.apply_deletions(&mut gc);
    gc.commit().unwrap();

    let mut expected = contents(0..100, 1);
    expected.extend(contents(100..300, 9));
    assert_eq!(dump(&store.trie(changes.new_root)), expected);

    // The same contents built in a fresh store need exactly as many nodes.
    let fresh = Store::memory();
    assert_eq!(build(&fresh, &expected), changes.new_root);
    assert_eq!(store.count_keys(DBCol::State).unwrap(), fresh.count_keys(DBCol::State).unwrap());
}

#[test]
fn identical_subtrees_are_counted_per_reference() {
    // Keys "a\x01" and "b\x01" with equal values end in identical leaves below the root branch.
    let store = Store::memory();
    let both: BTreeMap<Vec<u8>, Vec<u8>> =
        [(b"a\x01".to_vec(), b"v".to_vec()), (b"b\x01".to_vec(), b"v".to_vec())].into_iter().collect();
    let root = build(&store, &both);
    let changes = store.trie(root).update([(b"a\x01".to_vec(), None)]).unwrap();
    store.commit_trie_changes(&changes).unwrap();
    let mut gc = store.store_update();
    changes.apply_deletions(&mut gc);
    gc.commit().unwrap();
    let remaining = dump(&store.trie(changes.new_root));
    assert_eq!(remaining.len(), 1);
    assert_eq!(remaining[&b"b\x01".to_vec()], b"v".to_vec());
}

#[test]
fn deleting_everything_returns_to_the_empty_root_and_frees_all_nodes() {
    let store = Store::memory();
    let all = contents(0..50, 3);
    let root = build(&store, &all);
    let changes = store.trie(root).update(all.keys().map(|k| (k.clone(), None))).unwrap();
    assert_eq!(changes.new_root, EMPTY_ROOT);
    let mut gc = store.store_update();
    changes.apply_insertions(&mut gc);
    changes.apply_deletions(&mut gc);
    gc.commit().unwrap();
    assert_eq!(store.count_keys(DBCol::State).unwrap(), 0);
}

#[test]
fn reading_an_unknown_root_is_a_storage_error() {
    let store = Store::memory();
    let unknown = near_primitives::hash::CryptoHash([7; 32]);
    assert_eq!(store.trie(unknown).get(b"k"), Err(StorageError::MissingTrieValue(unknown)));
}
