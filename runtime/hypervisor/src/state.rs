//! The hypervisor's state: its own Merkle-Patricia trie in near-store (RocksDB or memory),
//! with nested transactions on top, one level per call.
//!
//! Layout (raw trie keys; the hypervisor's trie has its own root, apart from NEAR's state):
//!
//! | key | value |
//! |---|---|
//! | `00 ‖ address` | the account: borsh `AccountRecord { handler_id }` |
//! | `01 ‖ len(address) ‖ address ‖ key` | the account's state under `key` |
//! | `02 ‖ module name` | a loaded module: borsh `ModuleRecord { handler_id, address, config }` |
//! | `03 ‖ address` | how many accounts `address` has created (u64 LE) |
//! | `04 ‖ …`, `05 ‖ …` | module routes and hooks (see `modules`) |
//! | `06 ‖ handler id` | code stored by `module:store_code`, for the VM the id names |
//!
//! Nesting: [`NestedState::begin`] opens a level, [`NestedState::commit`] folds it into the
//! level below, [`NestedState::rollback`] drops it. A rollback undoes exactly the writes made
//! since the matching `begin`, never one made before it (the snapshot boundary the Cosmos
//! implementation gets wrong). Reads of the base trie are cached for the session: the base does
//! not change until [`NestedState::finish`].

use crate::types::Address;
use near_store::{StorageError, Store, TrieUpdate};
use std::collections::{BTreeMap, HashMap};

/// Key prefix of account records.
pub const ACCOUNT_PREFIX: u8 = 0;
/// Key prefix of account state.
pub const STATE_PREFIX: u8 = 1;
/// Key prefix of module records.
pub const MODULE_PREFIX: u8 = 2;
/// Key prefix of creation counters.
pub const NONCE_PREFIX: u8 = 3;
/// Key prefix of stored code.
pub const CODE_PREFIX: u8 = 6;

/// The trie key of the account record at `address`.
pub fn account_key(address: &[u8]) -> Vec<u8> {
    [&[ACCOUNT_PREFIX][..], address].concat()
}

/// The prefix of `address`'s state keys.
pub fn state_prefix(address: &[u8]) -> Vec<u8> {
    let len = u8::try_from(address.len()).unwrap_or(u8::MAX);
    [&[STATE_PREFIX, len][..], address].concat()
}

/// The trie key of the module record `name`.
pub fn module_key(name: &str) -> Vec<u8> {
    [&[MODULE_PREFIX][..], name.as_bytes()].concat()
}

/// The trie key of `address`'s creation counter.
pub fn nonce_key(address: &[u8]) -> Vec<u8> {
    [&[NONCE_PREFIX][..], address].concat()
}

/// The trie key of the code stored for `handler_id`.
pub fn code_key(handler_id: &str) -> Vec<u8> {
    [&[CODE_PREFIX][..], handler_id.as_bytes()].concat()
}

/// An account record: which handler runs it.
#[derive(Debug, Clone, PartialEq, Eq, borsh::BorshSerialize, borsh::BorshDeserialize)]
pub struct AccountRecord {
    /// The handler id.
    pub handler_id: String,
}

/// A loaded module.
#[derive(Debug, Clone, PartialEq, Eq, borsh::BorshSerialize, borsh::BorshDeserialize)]
pub struct ModuleRecord {
    /// Its handler id (`module:<config name>`).
    pub handler_id: String,
    /// Its account address.
    pub address: Address,
    /// Its configuration bytes.
    pub config: Vec<u8>,
}

type Layer = BTreeMap<Vec<u8>, Option<Vec<u8>>>;

/// State with nested transactions over a trie update.
///
/// Levels cost nothing until they write: `layers` holds only the levels that have written,
/// each tagged with its level number (0 is the session's, always present), so a call that only
/// reads opens and closes its level by counting.
pub struct NestedState {
    base: TrieUpdate,
    base_cache: HashMap<Vec<u8>, Option<Vec<u8>>>,
    /// The open levels above the session's.
    open: usize,
    /// `(level, writes)`, levels strictly increasing, the first one level 0.
    layers: Vec<(usize, Layer)>,
}

impl NestedState {
    /// State over `base` with one (session) level open.
    pub fn new(base: TrieUpdate) -> NestedState {
        NestedState { base, base_cache: HashMap::new(), open: 0, layers: vec![(0, Layer::new())] }
    }

    /// How many levels are open (1: only the session's).
    pub fn depth(&self) -> usize {
        self.open + 1
    }

    /// The value of `key`, newest level first.
    ///
    /// # Errors
    /// Storage faults.
    pub fn get(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        for (_, layer) in self.layers.iter().rev() {
            if let Some(value) = layer.get(key) {
                return Ok(value.clone());
            }
        }
        if let Some(cached) = self.base_cache.get(key) {
            return Ok(cached.clone());
        }
        let value = self.base.get_raw(key)?;
        self.base_cache.insert(key.to_vec(), value.clone());
        Ok(value)
    }

    /// Sets `key` in the newest level.
    pub fn set(&mut self, key: Vec<u8>, value: Vec<u8>) {
        self.top().insert(key, Some(value));
    }

    /// Removes `key` in the newest level.
    pub fn remove(&mut self, key: Vec<u8>) {
        self.top().insert(key, None);
    }

    /// Removes every key starting with `prefix`, as seen now.
    ///
    /// # Errors
    /// Storage faults.
    pub fn remove_prefix(&mut self, prefix: &[u8]) -> Result<(), StorageError> {
        for (key, _) in self.scan_prefix(prefix)? {
            self.remove(key);
        }
        Ok(())
    }

    /// Every `(key, value)` starting with `prefix`, as seen now, in key order.
    ///
    /// # Errors
    /// Storage faults.
    pub fn scan_prefix(&mut self, prefix: &[u8]) -> Result<Vec<near_store::KeyValue>, StorageError> {
        let mut merged: BTreeMap<Vec<u8>, Option<Vec<u8>>> =
            self.base.iter_prefix(prefix)?.into_iter().map(|(k, v)| (k, Some(v))).collect();
        for (_, layer) in &self.layers {
            let range = layer.range(prefix.to_vec()..).take_while(|(k, _)| k.starts_with(prefix));
            merged.extend(range.map(|(k, v)| (k.clone(), v.clone())));
        }
        Ok(merged.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))).collect())
    }

    /// The writes of the newest open level, made on its first write.
    fn top(&mut self) -> &mut Layer {
        if self.layers.last().is_none_or(|(level, _)| *level != self.open) {
            self.layers.push((self.open, Layer::new()));
        }
        let last = self.layers.len() - 1;
        &mut self.layers[last].1
    }

    /// Opens a nested level.
    pub fn begin(&mut self) {
        self.open += 1;
    }

    /// Folds the newest level into the one below (the session level stays open).
    pub fn commit(&mut self) {
        if self.open == 0 {
            return;
        }
        self.open -= 1;
        let Some((level, _)) = self.layers.last() else { return };
        if *level <= self.open {
            return;
        }
        let below = self.layers.len().checked_sub(2).map(|i| self.layers[i].0);
        if below == Some(self.open) {
            let (_, writes) = self.layers.pop().unwrap_or_default();
            self.top().extend(writes);
        } else if let Some(last) = self.layers.last_mut() {
            // Nothing written at the level below: the writes become its writes.
            last.0 = self.open;
        }
    }

    /// Drops the newest level's writes (the session level is only emptied).
    pub fn rollback(&mut self) {
        if self.layers.last().is_some_and(|(level, _)| *level == self.open) {
            self.layers.pop();
        }
        if self.open == 0 {
            self.layers.push((0, Layer::new()));
        } else {
            self.open -= 1;
        }
    }

    /// Writes every committed change into the trie, commits it to `store` and returns the new
    /// state root. Open nested levels are folded in first.
    ///
    /// # Errors
    /// Storage faults.
    pub fn finish(mut self, store: &Store) -> Result<near_primitives::types::StateRoot, StorageError> {
        while self.open > 0 {
            self.commit();
        }
        for (key, value) in self.layers.pop().unwrap_or_default().1 {
            match value {
                Some(value) => self.base.set_raw(key, value),
                None => self.base.remove_raw(key),
            }
        }
        self.base.commit();
        let changes = self.base.finalize()?;
        store.commit_trie_changes(&changes)?;
        Ok(changes.new_root)
    }
}
