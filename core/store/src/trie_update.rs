//! [`TrieUpdate`]: pending changes over a trie, in two layers, as the runtime applies a chunk.
//!
//! *Prospective* changes belong to the receipt being applied; [`TrieUpdate::commit`] folds them
//! into the *committed* layer when the receipt succeeds, and [`TrieUpdate::rollback`] drops them
//! when it fails, so each receipt is atomic. [`TrieUpdate::finalize`] turns the committed layer
//! into [`TrieChanges`] for a new state root.

use crate::trie::{StorageError, Trie, TrieChanges};
use near_primitives::trie_key::TrieKey;
use near_primitives::types::StateRoot;
use std::collections::BTreeMap;

type Overlay = BTreeMap<Vec<u8>, Option<Vec<u8>>>;

/// Two layers of changes over a [`Trie`].
pub struct TrieUpdate {
    trie: Trie,
    committed: Overlay,
    prospective: Overlay,
}

impl TrieUpdate {
    /// No changes yet over `trie`.
    pub fn new(trie: Trie) -> TrieUpdate {
        TrieUpdate { trie, committed: Overlay::new(), prospective: Overlay::new() }
    }

    /// The trie underneath.
    pub fn trie(&self) -> &Trie {
        &self.trie
    }

    /// The root the changes apply to.
    pub fn root(&self) -> StateRoot {
        self.trie.root()
    }

    /// The current value of `key`: prospective, else committed, else the trie's.
    ///
    /// # Errors
    /// Storage faults.
    pub fn get(&self, key: &TrieKey) -> Result<Option<Vec<u8>>, StorageError> {
        self.get_raw(&key.to_vec())
    }

    /// [`TrieUpdate::get`] by raw key bytes.
    ///
    /// # Errors
    /// Storage faults.
    pub fn get_raw(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        if let Some(value) = self.prospective.get(key).or_else(|| self.committed.get(key)) {
            return Ok(value.clone());
        }
        self.trie.get(key)
    }

    /// Whether `key` has a value.
    ///
    /// # Errors
    /// Storage faults.
    pub fn contains_key(&self, key: &TrieKey) -> Result<bool, StorageError> {
        Ok(self.get(key)?.is_some())
    }

    /// Sets `key` (prospectively).
    pub fn set(&mut self, key: TrieKey, value: Vec<u8>) {
        self.prospective.insert(key.to_vec(), Some(value));
    }

    /// Removes `key` (prospectively).
    pub fn remove(&mut self, key: TrieKey) {
        self.prospective.insert(key.to_vec(), None);
    }

    /// Sets a key given as raw bytes (prospectively): for tries keyed by their own layout
    /// rather than `TrieKey` (the RFC-003 hypervisor's state).
    pub fn set_raw(&mut self, key: Vec<u8>, value: Vec<u8>) {
        self.prospective.insert(key, Some(value));
    }

    /// Removes a key given as raw bytes (prospectively), e.g. one found by iteration.
    pub fn remove_raw(&mut self, key: Vec<u8>) {
        self.prospective.insert(key, None);
    }

    /// Moves the pending changes out, leaving an update with none over the same trie. The
    /// runtime hands the taken update to a contract execution and puts it back with
    /// [`TrieUpdate::restore`] afterwards.
    pub fn take(&mut self) -> TrieUpdate {
        let empty = TrieUpdate::new(self.trie.clone());
        std::mem::replace(self, empty)
    }

    /// Puts back an update taken with [`TrieUpdate::take`].
    pub fn restore(&mut self, taken: TrieUpdate) {
        *self = taken;
    }

    /// Keys changed in the committed layer, in order (the prospective layer must be empty for
    /// this to be everything the update will write).
    pub fn committed_keys(&self) -> impl Iterator<Item = &[u8]> {
        self.committed.keys().map(Vec::as_slice)
    }

    /// Keeps the prospective changes.
    pub fn commit(&mut self) {
        let prospective = std::mem::take(&mut self.prospective);
        self.committed.extend(prospective);
    }

    /// Drops the prospective changes.
    pub fn rollback(&mut self) {
        self.prospective.clear();
    }

    /// Whether there are prospective changes.
    pub fn has_prospective_changes(&self) -> bool {
        !self.prospective.is_empty()
    }

    /// Every `(key, value)` with `prefix` as the layers see it now, in key order.
    ///
    /// # Errors
    /// Storage faults.
    pub fn iter_prefix(&self, prefix: &[u8]) -> Result<Vec<crate::KeyValue>, StorageError> {
        let mut merged: BTreeMap<Vec<u8>, Option<Vec<u8>>> = BTreeMap::new();
        for entry in self.trie.iter_prefix(prefix)? {
            let (key, value) = entry?;
            merged.insert(key, Some(value));
        }
        for layer in [&self.committed, &self.prospective] {
            for (key, value) in layer.range(prefix.to_vec()..).take_while(|(k, _)| k.starts_with(prefix)) {
                merged.insert(key.clone(), value.clone());
            }
        }
        Ok(merged.into_iter().filter_map(|(key, value)| value.map(|v| (key, v))).collect())
    }

    /// The committed changes as [`TrieChanges`] from the trie's root.
    ///
    /// # Errors
    /// [`StorageError::StorageInconsistentState`] if prospective changes were neither committed
    /// nor rolled back (a runtime bug); storage faults.
    pub fn finalize(self) -> Result<TrieChanges, StorageError> {
        if !self.prospective.is_empty() {
            return Err(StorageError::StorageInconsistentState(
                "finalize with uncommitted prospective changes".to_string(),
            ));
        }
        self.trie.update(self.committed)
    }
}
