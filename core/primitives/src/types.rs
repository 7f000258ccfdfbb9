//! Scalar chain types and their JSON encodings.

pub use near_account_id::{AccountId, AccountIdRef, AccountType};

use crate::hash::CryptoHash;
use borsh::{BorshDeserialize, BorshSerialize};

/// The longest value nearcore's flat storage and memtries keep inline (nearcore's
/// `INLINE_DISK_VALUE_THRESHOLD`): reading a longer one through `storage_read` pays the
/// large-read overhead (protocol 72).
pub const INLINE_DISK_VALUE_THRESHOLD: usize = 4000;

/// Amount of yoctoNEAR (10^-24 NEAR).
pub type Balance = u128;
/// Amount of gas.
pub type Gas = u64;
/// Compute units; equal to gas unless a parameter sets a separate compute cost.
pub type Compute = u64;
/// An access key's nonce.
pub type Nonce = u64;
/// Height of a block.
pub type BlockHeight = u64;
/// Number of blocks.
pub type BlockHeightDelta = u64;
/// Epoch height.
pub type EpochHeight = u64;
/// Bytes of state an account pays storage staking for.
pub type StorageUsage = u64;
/// Root hash of a Merkle-Patricia trie.
pub type StateRoot = CryptoHash;
/// Hash of a trie node.
pub type MerkleHash = CryptoHash;
/// Shard identifier (this runtime runs one shard, id 0).
pub type ShardId = u64;

/// How unused gas is split among function calls that asked for a share (NEP-264).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize,
)]
pub struct GasWeight(pub u64);

/// Serde helper: a `u128` as a decimal string, nearcore's JSON form of balances.
pub mod dec_format {
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes the number as a decimal string.
    pub fn serialize<S: Serializer>(value: &u128, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(value)
    }

    /// Reads a decimal string (or a JSON number small enough to be exact).
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Repr {
            Text(String),
            Number(u64),
        }
        match Repr::deserialize(d)? {
            Repr::Text(text) => text.parse().map_err(serde::de::Error::custom),
            Repr::Number(n) => Ok(u128::from(n)),
        }
    }
}

/// Serde helper: an `Option<u128>` as an optional decimal string.
pub mod option_dec_format {
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes `null` or the number as a decimal string.
    pub fn serialize<S: Serializer>(value: &Option<u128>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => s.collect_str(v),
            None => s.serialize_none(),
        }
    }

    /// Reads `null` or a decimal string.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u128>, D::Error> {
        Option::<String>::deserialize(d)?.map(|text| text.parse().map_err(serde::de::Error::custom)).transpose()
    }
}

/// Serde helper: bytes as a standard base64 string, nearcore's JSON form of code and arguments.
pub mod base64_format {
    use base64::Engine;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes the bytes as base64.
    pub fn serialize<S: Serializer>(value: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(value))
    }

    /// Reads base64 into bytes.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD.decode(text).map_err(serde::de::Error::custom)
    }
}
