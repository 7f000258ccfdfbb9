//! Trie nodes as stored: borsh-encoded, addressed by the sha256 of their encoding.
//!
//! Paths are sequences of nibbles (half-bytes, high nibble first). A node's partial path is
//! stored compactly: one byte `0` (even length) or `1` (odd length), then the nibbles packed two
//! per byte, the last low nibble zero when the length is odd.

use borsh::{BorshDeserialize, BorshSerialize};
use near_primitives::hash::CryptoHash;

/// A node as stored in the `State` column.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
#[allow(clippy::large_enum_variant, reason = "branches dominate real tries; boxing them costs an allocation per node")]
pub enum RawTrieNode {
    /// The end of a path: the rest of the key and the value.
    Leaf {
        /// Compact-encoded remaining nibbles.
        path: Vec<u8>,
        /// The value.
        value: Vec<u8>,
    },
    /// A shared run of nibbles leading to one child (always a branch).
    Extension {
        /// Compact-encoded nibbles (at least one).
        path: Vec<u8>,
        /// The child's hash.
        child: CryptoHash,
    },
    /// A fork on the next nibble, with a value for the key ending here.
    Branch {
        /// Children by next nibble.
        children: [Option<CryptoHash>; 16],
        /// The value of the key ending at this node.
        value: Option<Vec<u8>>,
    },
}

impl RawTrieNode {
    /// The node's encoding and hash.
    pub fn encode(&self) -> (CryptoHash, Vec<u8>) {
        let bytes = borsh::to_vec(self).expect("serializing into a Vec cannot fail");
        (CryptoHash::hash_bytes(&bytes), bytes)
    }
}

/// The nibbles of `bytes`, high nibble first.
pub fn bytes_to_nibbles(bytes: &[u8]) -> Vec<u8> {
    bytes.iter().flat_map(|b| [b >> 4, b & 0x0f]).collect()
}

/// Bytes from an even number of nibbles; `None` for an odd count (not a whole key).
pub fn nibbles_to_bytes(nibbles: &[u8]) -> Option<Vec<u8>> {
    if !nibbles.len().is_multiple_of(2) {
        return None;
    }
    Some(nibbles.chunks(2).map(|pair| (pair[0] << 4) | pair[1]).collect())
}

/// Compact encoding of a nibble path.
pub fn encode_path(nibbles: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + nibbles.len().div_ceil(2));
    out.push(u8::from(nibbles.len() % 2 == 1));
    for pair in nibbles.chunks(2) {
        out.push((pair[0] << 4) | pair.get(1).copied().unwrap_or(0));
    }
    out
}

/// Decodes [`encode_path`]'s output; `None` when malformed.
pub fn decode_path(encoded: &[u8]) -> Option<Vec<u8>> {
    let (&flag, packed) = encoded.split_first()?;
    if flag > 1 || (flag == 1 && packed.is_empty()) {
        return None;
    }
    let mut nibbles = bytes_to_nibbles(packed);
    if flag == 1 {
        nibbles.pop();
    }
    Some(nibbles)
}

/// Length of the common prefix of two nibble slices.
pub fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_encoding_round_trips() {
        for nibbles in [vec![], vec![1], vec![1, 2], vec![0xf, 0, 0xa], vec![0; 9]] {
            assert_eq!(decode_path(&encode_path(&nibbles)).unwrap(), nibbles);
        }
        assert_eq!(encode_path(&[1, 2, 3]), vec![1, 0x12, 0x30]);
        assert_eq!(decode_path(&[]), None);
        assert_eq!(decode_path(&[2]), None);
        assert_eq!(nibbles_to_bytes(&bytes_to_nibbles(b"key")).unwrap(), b"key");
    }
}
