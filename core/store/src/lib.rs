//! Storage, laid out like nearcore's `near-store`: a [`Database`] with RocksDB and in-memory
//! backends ([`db`]), a [`Store`] with atomic batches and reference-counted columns ([`store`]),
//! a Merkle-Patricia [`Trie`] over it ([`trie`]), two-layer [`TrieUpdate`]s for per-receipt
//! atomicity ([`trie_update`]) and typed record helpers ([`utils`]).
//!
//! ```
//! use near_store::{Store, Trie, TrieUpdate, EMPTY_ROOT};
//! use near_primitives::trie_key::TrieKey;
//! use std::sync::Arc;
//!
//! let store = Store::memory();
//! let mut update = TrieUpdate::new(Trie::new(Arc::new(store.clone()), EMPTY_ROOT));
//! let key = TrieKey::ContractData { account_id: "alice.near".parse().unwrap(), key: b"k".to_vec() };
//! update.set(key.clone(), b"v".to_vec());
//! update.commit();
//! let changes = update.finalize().unwrap();
//! let mut batch = store.store_update();
//! changes.apply_insertions(&mut batch);
//! batch.commit().unwrap();
//! let trie = Trie::new(Arc::new(store), changes.new_root);
//! assert_eq!(trie.get(&key.to_vec()).unwrap(), Some(b"v".to_vec()));
//! ```

pub mod db;
pub mod store;
pub mod trie;
pub mod trie_update;
pub mod utils;

pub use db::{DBCol, Database, MemoryDB, RocksDB};
pub use store::{Store, StoreUpdate};
pub use trie::{EMPTY_ROOT, StorageError, Trie, TrieChanges, TrieStorage};
pub use trie_update::TrieUpdate;

/// A key and its value, as iteration yields them.
pub type KeyValue = (Vec<u8>, Vec<u8>);

impl Store {
    /// Writes `changes`' new nodes (not its releases) in one batch, making `new_root` readable.
    ///
    /// # Errors
    /// Backend I/O errors; nothing is written then.
    pub fn commit_trie_changes(&self, changes: &TrieChanges) -> Result<(), StorageError> {
        let mut batch = self.store_update();
        changes.apply_insertions(&mut batch);
        batch.commit()?;
        Ok(())
    }

    /// A trie view of this store at `root`.
    pub fn trie(&self, root: near_primitives::types::StateRoot) -> Trie {
        Trie::new(std::sync::Arc::new(self.clone()), root)
    }
}
