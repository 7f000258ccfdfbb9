//! [`ChainHead`]: the last fully applied block, written in the same store batch as that
//! block's trie nodes. A process killed at any point leaves either the previous block's head
//! and nodes or the new block's, never a mix: reopening a RocksDB store finds a head whose
//! root is complete.

use crate::HarnessError;
use borsh::{BorshDeserialize, BorshSerialize};
use near_primitives::receipt::Receipt;
use near_primitives::types::{BlockHeight, StateRoot};
use near_store::{DBCol, Store, TrieChanges};

/// The `Misc` key the head lives under.
pub const HEAD_KEY: &[u8] = b"test_env_head";

/// The chain's head: the last block applied and what the next block needs from it.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct ChainHead {
    /// Height of the last applied block (0: genesis).
    pub height: BlockHeight,
    /// The state root after it.
    pub state_root: StateRoot,
    /// Receipts it sent, to be applied by the next block.
    pub pending_receipts: Vec<Receipt>,
}

impl ChainHead {
    /// The head stored in `store`, if a chain was ever written to it.
    ///
    /// # Errors
    /// A store failure, or a head that does not decode ([`HarnessError::Storage`]).
    pub fn read(store: &Store) -> Result<Option<ChainHead>, HarnessError> {
        let Some(bytes) = store.get(DBCol::Misc, HEAD_KEY).map_err(near_store::StorageError::from)? else {
            return Ok(None);
        };
        let head = borsh::from_slice(&bytes)
            .map_err(|e| near_store::StorageError::StorageInconsistentState(format!("chain head: {e}")))?;
        Ok(Some(head))
    }

    /// Commits `changes` (the block's new trie nodes) and this head in one batch.
    ///
    /// # Errors
    /// A store failure.
    pub fn commit_with(&self, store: &Store, changes: &TrieChanges) -> Result<(), HarnessError> {
        let mut batch = store.store_update();
        changes.apply_insertions(&mut batch);
        let head =
            borsh::to_vec(self).map_err(|e| near_store::StorageError::StorageInconsistentState(e.to_string()))?;
        batch.set(DBCol::Misc, HEAD_KEY, &head);
        batch.commit().map_err(near_store::StorageError::from)?;
        Ok(())
    }
}
