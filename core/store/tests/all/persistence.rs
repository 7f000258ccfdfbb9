//! RocksDB persistence: committed roots survive reopening; old roots stay readable.

use crate::{build, dump};
use near_store::{DBCol, Store};
use std::collections::BTreeMap;

#[test]
fn roots_survive_reopen_and_old_roots_stay_readable() {
    let dir = tempfile::tempdir().unwrap();
    let first: BTreeMap<Vec<u8>, Vec<u8>> = (0u32..200).map(|i| (i.to_be_bytes().to_vec(), vec![1; 3])).collect();
    let (root1, root2) = {
        let store = Store::rocksdb(dir.path()).unwrap();
        let root1 = build(&store, &first);
        let changes =
            store.trie(root1).update((0u32..50).map(|i| (i.to_be_bytes().to_vec(), Some(vec![2; 5])))).unwrap();
        store.commit_trie_changes(&changes).unwrap();
        (root1, changes.new_root)
    };
    let store = Store::rocksdb(dir.path()).unwrap();
    assert_eq!(dump(&store.trie(root1)), first);
    let second = dump(&store.trie(root2));
    assert_eq!(second.len(), 200);
    assert_eq!(second[&10u32.to_be_bytes().to_vec()], vec![2; 5]);
    assert_eq!(second[&100u32.to_be_bytes().to_vec()], vec![1; 3]);
    assert!(store.count_keys(DBCol::State).unwrap() > 0);
}

#[test]
fn misc_column_round_trips_and_batches_are_atomic() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::rocksdb(dir.path()).unwrap();
        let mut batch = store.store_update();
        batch.set(DBCol::Misc, b"head", b"root");
        batch.commit().unwrap();
        // A batch that fails validation (releasing a reference never taken) writes nothing.
        let mut bad = store.store_update();
        bad.set(DBCol::Misc, b"head", b"other");
        bad.decrement_refcount(DBCol::State, b"never-stored", 1);
        assert!(bad.commit().is_err());
    }
    let store = Store::rocksdb(dir.path()).unwrap();
    assert_eq!(store.get(DBCol::Misc, b"head").unwrap(), Some(b"root".to_vec()));
}

#[test]
fn opening_a_locked_database_is_an_error_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let _open = Store::rocksdb(dir.path()).unwrap();
    let error = Store::rocksdb(dir.path()).err().expect("second open of a locked RocksDB must fail");
    assert!(error.to_string().to_lowercase().contains("lock"), "{error}");
}
