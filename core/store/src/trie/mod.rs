//! A Merkle-Patricia trie over the `State` column.
//!
//! Nodes are immutable and content-addressed ([`node::RawTrieNode`]); an update writes new nodes
//! along the changed paths and leaves old ones in place, so every committed root stays readable.
//! Each stored node carries a reference count: [`TrieChanges::apply_insertions`] adds one
//! reference per node a new root uses that its parent root did not; [`TrieChanges::apply_deletions`]
//! (garbage collection of the old root) drops the references to nodes only the old root used.
//!
//! The empty trie's root is [`EMPTY_ROOT`], all zero bytes, as in nearcore.

mod iterator;
pub mod node;
mod update;

use crate::db::DBCol;
use crate::store::{Store, StoreUpdate};
use near_primitives::hash::CryptoHash;
use near_primitives::types::StateRoot;
use node::{RawTrieNode, bytes_to_nibbles, decode_path};
use std::collections::BTreeMap;
use std::sync::Arc;

pub use iterator::TrieIterator;

/// The root of the empty trie.
pub const EMPTY_ROOT: StateRoot = CryptoHash([0; 32]);

/// A storage fault: the node's own data is missing or corrupt. Never a contract's fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StorageError {
    /// The database failed.
    #[error("storage internal error: {0}")]
    StorageInternalError(String),
    /// A node the trie refers to is not stored (a pruned or unknown root).
    #[error("missing trie node {0}")]
    MissingTrieValue(CryptoHash),
    /// A stored node does not decode.
    #[error("corrupt trie node {0}")]
    CorruptNode(CryptoHash),
    /// A runtime invariant failed (e.g. finalizing with uncommitted changes).
    #[error("storage inconsistent state: {0}")]
    StorageInconsistentState(String),
}

impl From<std::io::Error> for StorageError {
    fn from(error: std::io::Error) -> Self {
        StorageError::StorageInternalError(error.to_string())
    }
}

/// Where a trie reads its nodes from.
pub trait TrieStorage: Send + Sync {
    /// The encoded node with this hash.
    ///
    /// # Errors
    /// [`StorageError::MissingTrieValue`] if absent, or a backend error.
    fn retrieve_raw_bytes(&self, hash: &CryptoHash) -> Result<Arc<[u8]>, StorageError>;
}

impl TrieStorage for Store {
    fn retrieve_raw_bytes(&self, hash: &CryptoHash) -> Result<Arc<[u8]>, StorageError> {
        self.get(DBCol::State, hash.as_bytes())?.map(Arc::from).ok_or(StorageError::MissingTrieValue(*hash))
    }
}

/// A read-only view of the trie at one root.
#[derive(Clone)]
pub struct Trie {
    storage: Arc<dyn TrieStorage>,
    root: StateRoot,
}

/// A decoded node with its partial path decoded to nibbles.
#[allow(clippy::large_enum_variant, reason = "branches dominate real tries; boxing them costs an allocation per node")]
pub(crate) enum DecodedNode {
    Leaf { path: Vec<u8>, value: Vec<u8> },
    Extension { path: Vec<u8>, child: CryptoHash },
    Branch { children: [Option<CryptoHash>; 16], value: Option<Vec<u8>> },
}

impl Trie {
    /// The trie at `root` over `storage`.
    pub fn new(storage: Arc<dyn TrieStorage>, root: StateRoot) -> Trie {
        Trie { storage, root }
    }

    /// The root this view reads.
    pub fn root(&self) -> StateRoot {
        self.root
    }

    /// The storage this view reads from.
    pub fn storage(&self) -> &Arc<dyn TrieStorage> {
        &self.storage
    }

    pub(crate) fn load(&self, hash: &CryptoHash) -> Result<DecodedNode, StorageError> {
        let bytes = self.storage.retrieve_raw_bytes(hash)?;
        let raw: RawTrieNode = borsh::from_slice(&bytes).map_err(|_| StorageError::CorruptNode(*hash))?;
        let path = |encoded: &[u8]| decode_path(encoded).ok_or(StorageError::CorruptNode(*hash));
        Ok(match raw {
            RawTrieNode::Leaf { path: p, value } => DecodedNode::Leaf { path: path(&p)?, value },
            RawTrieNode::Extension { path: p, child } => DecodedNode::Extension { path: path(&p)?, child },
            RawTrieNode::Branch { children, value } => DecodedNode::Branch { children, value },
        })
    }

    /// The value under `key`.
    ///
    /// # Errors
    /// Storage faults only; an absent key is `Ok(None)`.
    pub fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        if self.root == EMPTY_ROOT {
            return Ok(None);
        }
        let nibbles = bytes_to_nibbles(key);
        let mut rest: &[u8] = &nibbles;
        let mut hash = self.root;
        loop {
            match self.load(&hash)? {
                DecodedNode::Leaf { path, value } => return Ok((path == rest).then_some(value)),
                DecodedNode::Extension { path, child } => {
                    if !rest.starts_with(&path) {
                        return Ok(None);
                    }
                    rest = &rest[path.len()..];
                    hash = child;
                }
                DecodedNode::Branch { children, value } => {
                    let Some((&first, tail)) = rest.split_first() else { return Ok(value) };
                    let Some(child) = children[usize::from(first)] else { return Ok(None) };
                    rest = tail;
                    hash = child;
                }
            }
        }
    }

    /// Iterates `(key, value)` pairs whose key starts with `prefix`, in key order.
    ///
    /// # Errors
    /// Storage faults, at creation or as iterator items.
    pub fn iter_prefix(&self, prefix: &[u8]) -> Result<TrieIterator, StorageError> {
        TrieIterator::new(self.clone(), prefix)
    }

    /// Applies `changes` (a `None` value deletes) to this root and returns the new root with the
    /// nodes to write and to release. The trie itself is unchanged until the caller applies them.
    ///
    /// # Errors
    /// Storage faults.
    pub fn update(
        &self,
        changes: impl IntoIterator<Item = (Vec<u8>, Option<Vec<u8>>)>,
    ) -> Result<TrieChanges, StorageError> {
        update::apply_changes(self, changes)
    }
}

/// The result of an update: nodes to store and nodes the old root used that the new one does not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrieChanges {
    /// The root before.
    pub old_root: StateRoot,
    /// The root after.
    pub new_root: StateRoot,
    /// New nodes: hash, encoding, number of references added.
    pub insertions: Vec<(CryptoHash, Vec<u8>, u32)>,
    /// Replaced nodes: hash and number of references dropped when the old root is collected.
    pub deletions: Vec<(CryptoHash, u32)>,
}

impl TrieChanges {
    pub(crate) fn from_counts(
        old_root: StateRoot,
        new_root: StateRoot,
        inserted: BTreeMap<CryptoHash, (Vec<u8>, u32)>,
        deleted: BTreeMap<CryptoHash, u32>,
    ) -> TrieChanges {
        TrieChanges {
            old_root,
            new_root,
            insertions: inserted.into_iter().map(|(hash, (bytes, count))| (hash, bytes, count)).collect(),
            deletions: deleted.into_iter().collect(),
        }
    }

    /// Adds the new nodes' references to a batch. After commit, `new_root` is readable.
    pub fn apply_insertions(&self, update: &mut StoreUpdate) {
        for (hash, bytes, count) in &self.insertions {
            update.increment_refcount(DBCol::State, hash.as_bytes(), bytes, *count);
        }
    }

    /// Drops the old root's references to replaced nodes (garbage collection). After commit,
    /// `old_root` may no longer be readable; `new_root` still is.
    pub fn apply_deletions(&self, update: &mut StoreUpdate) {
        for (hash, count) in &self.deletions {
            update.decrement_refcount(DBCol::State, hash.as_bytes(), *count);
        }
    }
}
