//! TrieUpdate layers and typed helpers.

use crate::{commit_block, data_key};
use near_primitives::account::Account;
use near_store::{EMPTY_ROOT, StorageError, Store, TrieUpdate, utils};

#[test]
fn rollback_drops_only_prospective_changes() {
    let store = Store::memory();
    let mut update = TrieUpdate::new(store.trie(EMPTY_ROOT));
    update.set(data_key(b"kept"), b"1".to_vec());
    update.commit();
    update.set(data_key(b"dropped"), b"2".to_vec());
    update.remove(data_key(b"kept"));
    assert_eq!(update.get(&data_key(b"kept")).unwrap(), None);
    update.rollback();
    assert_eq!(update.get(&data_key(b"kept")).unwrap(), Some(b"1".to_vec()));
    assert_eq!(update.get(&data_key(b"dropped")).unwrap(), None);
    let root = commit_block(&store, update);
    assert_eq!(store.trie(root).get(&data_key(b"kept").to_vec()).unwrap(), Some(b"1".to_vec()));
}

#[test]
fn iter_prefix_merges_layers_over_the_trie() {
    let store = Store::memory();
    let mut update = TrieUpdate::new(store.trie(EMPTY_ROOT));
    for k in [&b"a"[..], b"b", b"c"] {
        update.set(data_key(k), k.to_vec());
    }
    update.commit();
    let root = commit_block(&store, update);
    let mut update = TrieUpdate::new(store.trie(root));
    update.remove(data_key(b"b"));
    update.commit();
    update.set(data_key(b"d"), b"d".to_vec());
    let prefix = near_primitives::trie_key::contract_data_prefix(&"alice.near".parse().unwrap());
    let keys: Vec<_> =
        update.iter_prefix(&prefix).unwrap().into_iter().map(|(k, _)| k[prefix.len()..].to_vec()).collect();
    assert_eq!(keys, vec![b"a".to_vec(), b"c".to_vec(), b"d".to_vec()]);
}

#[test]
fn finalize_with_uncommitted_changes_is_an_invariant_error() {
    let store = Store::memory();
    let mut update = TrieUpdate::new(store.trie(EMPTY_ROOT));
    update.set(data_key(b"k"), vec![]);
    assert!(matches!(update.finalize(), Err(StorageError::StorageInconsistentState(_))));
}

#[test]
fn typed_helpers_round_trip_and_reject_garbage() {
    let store = Store::memory();
    let mut update = TrieUpdate::new(store.trie(EMPTY_ROOT));
    let alice: near_primitives::AccountId = "alice.near".parse().unwrap();
    let account = Account::new(10, 182);
    utils::set_account(&mut update, alice.clone(), &account);
    assert_eq!(utils::get_account(&update, &alice).unwrap(), Some(account));
    update.set(near_primitives::trie_key::TrieKey::Account { account_id: alice.clone() }, vec![1, 2]);
    assert!(matches!(utils::get_account(&update, &alice), Err(StorageError::StorageInconsistentState(_))));
}
