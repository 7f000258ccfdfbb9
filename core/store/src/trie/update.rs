//! Applying a batch of key changes to a trie root, producing [`TrieChanges`].
//!
//! Stored nodes on a changed path are loaded into memory (and counted as released), edited, and
//! written back bottom-up as new nodes (each counted as a new reference). Untouched subtrees stay
//! referenced by hash. The result is canonical: the same contents give the same root whatever
//! the order of the changes.

use super::node::{RawTrieNode, bytes_to_nibbles, common_prefix, encode_path};
use super::{DecodedNode, EMPTY_ROOT, StorageError, Trie, TrieChanges};
use near_primitives::hash::CryptoHash;
use std::collections::BTreeMap;

enum Handle {
    Stored(CryptoHash),
    InMemory(Box<Node>),
}

type Children = Box<[Option<Handle>; 16]>;

enum Node {
    Empty,
    Leaf { path: Vec<u8>, value: Vec<u8> },
    Extension { path: Vec<u8>, child: Handle },
    Branch { children: Children, value: Option<Vec<u8>> },
}

fn in_memory(node: Node) -> Handle {
    Handle::InMemory(Box::new(node))
}

fn empty_children() -> Children {
    Box::new(std::array::from_fn(|_| None))
}

/// `node` under `prefix` (a no-op for an empty prefix).
fn under_extension(prefix: &[u8], node: Node) -> Node {
    if prefix.is_empty() { node } else { Node::Extension { path: prefix.to_vec(), child: in_memory(node) } }
}

/// Puts `value` at `rest` below a new branch: its own value when `rest` is empty, else a leaf.
fn place(children: &mut Children, branch_value: &mut Option<Vec<u8>>, rest: &[u8], value: Vec<u8>) {
    match rest.split_first() {
        None => *branch_value = Some(value),
        Some((&first, tail)) => {
            children[usize::from(first)] = Some(in_memory(Node::Leaf { path: tail.to_vec(), value }));
        }
    }
}

struct Updater<'a> {
    trie: &'a Trie,
    released: BTreeMap<CryptoHash, u32>,
    created: BTreeMap<CryptoHash, (Vec<u8>, u32)>,
}

impl Updater<'_> {
    fn resolve(&mut self, handle: Handle) -> Result<Node, StorageError> {
        let hash = match handle {
            Handle::InMemory(node) => return Ok(*node),
            Handle::Stored(hash) => hash,
        };
        *self.released.entry(hash).or_default() += 1;
        Ok(match self.trie.load(&hash)? {
            DecodedNode::Leaf { path, value } => Node::Leaf { path, value },
            DecodedNode::Extension { path, child } => Node::Extension { path, child: Handle::Stored(child) },
            DecodedNode::Branch { children, value } => {
                Node::Branch { children: Box::new(children.map(|c| c.map(Handle::Stored))), value }
            }
        })
    }

    fn insert(&mut self, node: Node, key: &[u8], value: Vec<u8>) -> Result<Node, StorageError> {
        Ok(match node {
            Node::Empty => Node::Leaf { path: key.to_vec(), value },
            Node::Leaf { path, value: old } => {
                if path == key {
                    return Ok(Node::Leaf { path, value });
                }
                let shared = common_prefix(&path, key);
                let mut children = empty_children();
                let mut branch_value = None;
                place(&mut children, &mut branch_value, &path[shared..], old);
                place(&mut children, &mut branch_value, &key[shared..], value);
                under_extension(&key[..shared], Node::Branch { children, value: branch_value })
            }
            Node::Extension { path, child } => {
                let shared = common_prefix(&path, key);
                if shared == path.len() {
                    let child = self.resolve(child)?;
                    let child = self.insert(child, &key[shared..], value)?;
                    return Ok(Node::Extension { path, child: in_memory(child) });
                }
                let mut children = empty_children();
                let mut branch_value = None;
                let extension_rest = &path[shared..];
                children[usize::from(extension_rest[0])] = Some(if extension_rest.len() == 1 {
                    child
                } else {
                    in_memory(Node::Extension { path: extension_rest[1..].to_vec(), child })
                });
                place(&mut children, &mut branch_value, &key[shared..], value);
                under_extension(&key[..shared], Node::Branch { children, value: branch_value })
            }
            Node::Branch { mut children, value: branch_value } => {
                let Some((&first, tail)) = key.split_first() else {
                    return Ok(Node::Branch { children, value: Some(value) });
                };
                let slot = &mut children[usize::from(first)];
                let child = match slot.take() {
                    Some(handle) => self.resolve(handle)?,
                    None => Node::Empty,
                };
                children[usize::from(first)] = Some(in_memory(self.insert(child, tail, value)?));
                Node::Branch { children, value: branch_value }
            }
        })
    }

    /// Removes `key`, which the caller checked exists.
    fn delete(&mut self, node: Node, key: &[u8]) -> Result<Node, StorageError> {
        Ok(match node {
            Node::Empty => Node::Empty,
            Node::Leaf { path, value } => {
                if path == key {
                    Node::Empty
                } else {
                    Node::Leaf { path, value }
                }
            }
            Node::Extension { path, child } => {
                if !key.starts_with(&path) {
                    return Ok(Node::Extension { path, child });
                }
                let child = self.resolve(child)?;
                let child = self.delete(child, &key[path.len()..])?;
                self.join(path, child)
            }
            Node::Branch { mut children, value } => {
                let value = match key.split_first() {
                    None => None,
                    Some((&first, tail)) => {
                        let index = usize::from(first);
                        if let Some(handle) = children[index].take() {
                            let child = self.resolve(handle)?;
                            children[index] = match self.delete(child, tail)? {
                                Node::Empty => None,
                                child => Some(in_memory(child)),
                            };
                        }
                        value
                    }
                };
                self.normalize_branch(children, value)?
            }
        })
    }

    /// `node` reached through `prefix` (non-empty), merged into one node where possible.
    fn join(&mut self, mut prefix: Vec<u8>, node: Node) -> Node {
        match node {
            Node::Empty => Node::Empty,
            Node::Leaf { path, value } => {
                prefix.extend(path);
                Node::Leaf { path: prefix, value }
            }
            Node::Extension { path, child } => {
                prefix.extend(path);
                Node::Extension { path: prefix, child }
            }
            branch @ Node::Branch { .. } => Node::Extension { path: prefix, child: in_memory(branch) },
        }
    }

    /// A branch left with fewer than two things below it collapses.
    fn normalize_branch(&mut self, mut children: Children, value: Option<Vec<u8>>) -> Result<Node, StorageError> {
        let mut occupied = children.iter().enumerate().filter(|(_, c)| c.is_some()).map(|(i, _)| i);
        let first = occupied.next();
        let more = occupied.next().is_some();
        Ok(match (first, more, value) {
            (None, _, None) => Node::Empty,
            (None, _, Some(value)) => Node::Leaf { path: Vec::new(), value },
            (Some(index), false, None) => {
                let handle = children[index].take().expect("index was found occupied");
                let child = self.resolve(handle)?;
                let nibble = u8::try_from(index).expect("a branch has 16 children");
                self.join(vec![nibble], child)
            }
            (_, _, value) => Node::Branch { children, value },
        })
    }

    fn flush_handle(&mut self, handle: Handle) -> Result<CryptoHash, StorageError> {
        match handle {
            Handle::Stored(hash) => Ok(hash),
            Handle::InMemory(node) => self
                .flush(*node)?
                .ok_or_else(|| StorageError::StorageInconsistentState("an empty node below a trie node".to_string())),
        }
    }

    fn flush(&mut self, node: Node) -> Result<Option<CryptoHash>, StorageError> {
        let raw = match node {
            Node::Empty => return Ok(None),
            Node::Leaf { path, value } => RawTrieNode::Leaf { path: encode_path(&path), value },
            Node::Extension { path, child } => {
                RawTrieNode::Extension { path: encode_path(&path), child: self.flush_handle(child)? }
            }
            Node::Branch { children, value } => {
                let mut hashes = [None; 16];
                for (slot, child) in hashes.iter_mut().zip(*children) {
                    *slot = child.map(|handle| self.flush_handle(handle)).transpose()?;
                }
                RawTrieNode::Branch { children: hashes, value }
            }
        };
        let (hash, bytes) = raw.encode();
        self.created.entry(hash).or_insert((bytes, 0)).1 += 1;
        Ok(Some(hash))
    }
}

pub(super) fn apply_changes(
    trie: &Trie,
    changes: impl IntoIterator<Item = (Vec<u8>, Option<Vec<u8>>)>,
) -> Result<TrieChanges, StorageError> {
    // Last write wins; sorted order also makes the work deterministic.
    let changes: BTreeMap<Vec<u8>, Option<Vec<u8>>> = changes.into_iter().collect();
    let mut updater = Updater { trie, released: BTreeMap::new(), created: BTreeMap::new() };
    // The old root is loaded only once a change really touches it.
    let mut root: Option<Node> = None;
    for (key, value) in changes {
        // Each key's old value is unaffected by changes to other keys of the batch.
        if trie.get(&key)? == value {
            continue;
        }
        let current = match root.take() {
            Some(node) => node,
            None if trie.root() == EMPTY_ROOT => Node::Empty,
            None => updater.resolve(Handle::Stored(trie.root()))?,
        };
        let nibbles = bytes_to_nibbles(&key);
        root = Some(match value {
            Some(value) => updater.insert(current, &nibbles, value)?,
            None => updater.delete(current, &nibbles)?,
        });
    }
    let Some(root) = root else {
        return Ok(TrieChanges { old_root: trie.root(), new_root: trie.root(), ..TrieChanges::default() });
    };
    let new_root = updater.flush(root)?.unwrap_or(EMPTY_ROOT);
    Ok(TrieChanges::from_counts(trie.root(), new_root, updater.created, updater.released))
}
