//! In-order iteration over the keys under a prefix.

use super::node::{bytes_to_nibbles, nibbles_to_bytes};
use super::{DecodedNode, EMPTY_ROOT, StorageError, Trie};
use near_primitives::hash::CryptoHash;

enum Visit {
    Node { hash: CryptoHash, path: Vec<u8> },
    Value { path: Vec<u8>, value: Vec<u8> },
}

/// Yields `(key, value)` pairs in key order. Created by [`Trie::iter_prefix`].
pub struct TrieIterator {
    trie: Trie,
    stack: Vec<Visit>,
}

impl TrieIterator {
    pub(super) fn new(trie: Trie, prefix: &[u8]) -> Result<TrieIterator, StorageError> {
        let mut iterator = TrieIterator { trie, stack: Vec::new() };
        if iterator.trie.root() != EMPTY_ROOT {
            iterator.seek(&bytes_to_nibbles(prefix))?;
        }
        Ok(iterator)
    }

    /// Walks down to the subtree holding every key with `prefix` and queues it.
    fn seek(&mut self, prefix: &[u8]) -> Result<(), StorageError> {
        let mut hash = self.trie.root();
        let mut path = Vec::new();
        let mut rest = prefix;
        loop {
            if rest.is_empty() {
                self.stack.push(Visit::Node { hash, path });
                return Ok(());
            }
            match self.trie.load(&hash)? {
                DecodedNode::Leaf { path: leaf, value } => {
                    if leaf.starts_with(rest) {
                        path.extend(leaf);
                        self.stack.push(Visit::Value { path, value });
                    }
                    return Ok(());
                }
                DecodedNode::Extension { path: extension, child } => {
                    if extension.starts_with(rest) {
                        path.extend(extension);
                        self.stack.push(Visit::Node { hash: child, path });
                        return Ok(());
                    }
                    if !rest.starts_with(&extension) {
                        return Ok(());
                    }
                    rest = &rest[extension.len()..];
                    path.extend(extension);
                    hash = child;
                }
                DecodedNode::Branch { children, .. } => {
                    let Some(child) = children[usize::from(rest[0])] else { return Ok(()) };
                    path.push(rest[0]);
                    rest = &rest[1..];
                    hash = child;
                }
            }
        }
    }

    fn next_entry(&mut self) -> Result<Option<crate::KeyValue>, StorageError> {
        while let Some(visit) = self.stack.pop() {
            match visit {
                Visit::Value { path, value } => {
                    let key = nibbles_to_bytes(&path).ok_or_else(|| {
                        StorageError::StorageInconsistentState("a value at an odd nibble depth".to_string())
                    })?;
                    return Ok(Some((key, value)));
                }
                Visit::Node { hash, mut path } => match self.trie.load(&hash)? {
                    DecodedNode::Leaf { path: leaf, value } => {
                        path.extend(leaf);
                        self.stack.push(Visit::Value { path, value });
                    }
                    DecodedNode::Extension { path: extension, child } => {
                        path.extend(extension);
                        self.stack.push(Visit::Node { hash: child, path });
                    }
                    DecodedNode::Branch { children, value } => {
                        for (nibble, child) in (0u8..16).zip(children).rev() {
                            if let Some(child) = child {
                                let mut child_path = path.clone();
                                child_path.push(nibble);
                                self.stack.push(Visit::Node { hash: child, path: child_path });
                            }
                        }
                        if let Some(value) = value {
                            self.stack.push(Visit::Value { path, value });
                        }
                    }
                },
            }
        }
        Ok(None)
    }
}

impl Iterator for TrieIterator {
    type Item = Result<(Vec<u8>, Vec<u8>), StorageError>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.next_entry() {
            Ok(entry) => entry.map(Ok),
            Err(error) => {
                self.stack.clear();
                Some(Err(error))
            }
        }
    }
}
