//! `CryptoHash`: the sha256 digest used for code hashes, receipt ids, data ids and trie nodes.

use borsh::{BorshDeserialize, BorshSerialize};
use sha2::Digest;
use std::fmt;
use std::str::FromStr;

/// A 32-byte sha256 digest. Displayed and serialized to JSON as base58, like nearcore.
#[derive(Copy, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, BorshSerialize, BorshDeserialize)]
pub struct CryptoHash(pub [u8; 32]);

impl CryptoHash {
    /// The hash of `bytes`.
    pub fn hash_bytes(bytes: &[u8]) -> CryptoHash {
        CryptoHash(sha2::Sha256::digest(bytes).into())
    }

    /// The hash of the borsh serialization of `value`.
    pub fn hash_borsh<T: BorshSerialize>(value: &T) -> CryptoHash {
        let mut hasher = sha2::Sha256::new();
        // Writing into a hasher cannot fail; borsh only reports the writer's errors.
        value.serialize(&mut HashWriter(&mut hasher)).expect("writing into a sha256 hasher is infallible");
        CryptoHash(hasher.finalize().into())
    }

    /// The raw 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

struct HashWriter<'a>(&'a mut sha2::Sha256);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The sha256 of `bytes` (nearcore's `hash`).
pub fn hash(bytes: &[u8]) -> CryptoHash {
    CryptoHash::hash_bytes(bytes)
}

impl fmt::Display for CryptoHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&bs58::encode(self.0).into_string())
    }
}

impl fmt::Debug for CryptoHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Why a string or byte slice is not a `CryptoHash`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseHashError {
    /// The text is not base58.
    #[error("invalid base58: {0}")]
    Base58(String),
    /// The decoded bytes are not 32 long.
    #[error("a hash is 32 bytes, got {0}")]
    Length(usize),
}

impl FromStr for CryptoHash {
    type Err = ParseHashError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bytes = bs58::decode(s).into_vec().map_err(|e| ParseHashError::Base58(e.to_string()))?;
        CryptoHash::try_from(bytes.as_slice())
    }
}

impl TryFrom<&[u8]> for CryptoHash {
    type Error = ParseHashError;
    fn try_from(bytes: &[u8]) -> Result<Self, Self::Error> {
        let array: [u8; 32] = bytes.try_into().map_err(|_| ParseHashError::Length(bytes.len()))?;
        Ok(CryptoHash(array))
    }
}

impl serde::Serialize for CryptoHash {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for CryptoHash {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <String as serde::Deserialize>::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_empty_input_and_base58_round_trip() {
        let h = hash(b"");
        assert_eq!(hex::encode(h.0), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        let text = h.to_string();
        assert_eq!(text.parse::<CryptoHash>().unwrap(), h);
        assert_eq!(serde_json::to_string(&h).unwrap(), format!("\"{text}\""));
    }

    #[test]
    fn rejects_wrong_length_and_bad_base58() {
        assert_eq!("abc".parse::<CryptoHash>(), Err(ParseHashError::Length(3)));
        assert!(matches!("0OIl".parse::<CryptoHash>(), Err(ParseHashError::Base58(_))));
    }

    #[test]
    fn hash_borsh_equals_hash_of_serialization() {
        let value = (7u64, String::from("x"));
        assert_eq!(CryptoHash::hash_borsh(&value), hash(&borsh::to_vec(&value).unwrap()));
    }
}
