//! The delayed receipt queue: receipts a chunk had no compute left for, kept in the trie
//! (`DelayedReceiptIndices` and `DelayedReceipt { index }`) and applied first by later chunks.

use crate::types::RuntimeError;
use near_primitives::receipt::{DelayedReceiptIndices, Receipt};
use near_primitives::trie_key::TrieKey;
use near_store::TrieUpdate;
use near_store::utils::{get, set};

/// The queue's indices, loaded once per chunk and saved at its end.
pub(crate) struct DelayedReceiptQueue {
    indices: DelayedReceiptIndices,
    len_at_start: u64,
}

impl DelayedReceiptQueue {
    /// Reads the indices.
    pub(crate) fn load(state: &TrieUpdate) -> Result<DelayedReceiptQueue, RuntimeError> {
        let indices: DelayedReceiptIndices = get(state, &TrieKey::DelayedReceiptIndices)?.unwrap_or_default();
        Ok(DelayedReceiptQueue { indices, len_at_start: indices.len() })
    }

    /// Receipts queued when the chunk started.
    pub(crate) fn len_at_start(&self) -> u64 {
        self.len_at_start
    }

    /// Receipts queued now.
    pub(crate) fn len(&self) -> u64 {
        self.indices.len()
    }

    /// Appends a receipt and commits it.
    pub(crate) fn push(&mut self, state: &mut TrieUpdate, receipt: &Receipt) {
        set(state, TrieKey::DelayedReceipt { index: self.indices.next_available_index }, receipt);
        self.indices.next_available_index += 1;
        state.commit();
    }

    /// Removes and returns the oldest receipt (removal is committed with the receipt's own
    /// changes).
    pub(crate) fn pop(&mut self, state: &mut TrieUpdate) -> Result<Option<Receipt>, RuntimeError> {
        if self.indices.is_empty() {
            return Ok(None);
        }
        let key = TrieKey::DelayedReceipt { index: self.indices.first_index };
        let receipt: Receipt = get(state, &key)?.ok_or_else(|| {
            near_store::StorageError::StorageInconsistentState(format!(
                "delayed receipt {} is missing",
                self.indices.first_index
            ))
        })?;
        state.remove(key);
        state.commit();
        self.indices.first_index += 1;
        Ok(Some(receipt))
    }

    /// Writes the indices back (removing them when the queue was never used).
    pub(crate) fn save(&self, state: &mut TrieUpdate) {
        if self.indices == DelayedReceiptIndices::default() {
            return;
        }
        set(state, TrieKey::DelayedReceiptIndices, &self.indices);
    }
}
