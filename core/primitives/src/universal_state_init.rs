//! Universal accounts (protocol 88, NEP-655): an account whose id is derived from the borsh
//! bytes of the state it starts with (`0u` + 52 Crockford-base32 symbols of their SHA3-256),
//! created by a `UniversalStateInit` action carrying exactly those bytes. From protocol 88 only
//! the canonical encoding is accepted (`CanonicalUniversalStateInit`).
//!
//! Here: the id, the canonical check, what an action is charged for; the runtime creates the
//! accounts (`node_runtime`'s `universal_account_id.rs`).

pub use crate::crypto::KeyHandle;
use crate::global_contract::GlobalContractIdentifier;
use crate::types::AccountId;
use borsh::{BorshDeserialize, BorshSerialize};
use std::collections::{BTreeMap, BTreeSet};

/// The state a universal account starts with. Borsh tag V1 = 0.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub enum UniversalStateInit {
    /// Version 1.
    V1(UniversalStateInitV1),
}

/// Version 1 of [`UniversalStateInit`].
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct UniversalStateInitV1 {
    /// The global contract it runs, or none (a key-only account).
    pub code: Option<GlobalContractIdentifier>,
    /// Contract storage it starts with.
    pub data: BTreeMap<Vec<u8>, Vec<u8>>,
    /// Full-access keys it starts with.
    pub access_keys: BTreeSet<KeyHandle>,
}

/// Why bytes are not a state init a universal account can be created from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateInitError {
    /// They do not decode (malformed, truncated, trailing bytes, an unknown version).
    Malformed,
    /// They decode, but are not the canonical encoding (unsorted or repeated keys).
    NonCanonical,
}

impl StateInitError {
    /// The status `universal_state_init_to_account_id` returns for it (0 is success).
    pub const fn exit_status(self) -> u64 {
        match self {
            StateInitError::Malformed => 1,
            StateInitError::NonCanonical => 2,
        }
    }
}

/// The entries and keys a `UniversalStateInit` action is charged for, besides its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StateInitCounts {
    /// Storage entries.
    pub num_entries: u64,
    /// Access keys.
    pub num_keys: u64,
}

impl UniversalStateInit {
    /// Decodes `bytes`, accepting only the canonical encoding: the re-encoded value must be the
    /// same bytes (borsh accepts unsorted and repeated map keys, which re-encode differently).
    ///
    /// # Errors
    /// [`StateInitError`].
    pub fn from_canonical_bytes(bytes: &[u8]) -> Result<UniversalStateInit, StateInitError> {
        let decoded: UniversalStateInit = borsh::from_slice(bytes).map_err(|_| StateInitError::Malformed)?;
        if borsh::to_vec(&decoded).map_err(|_| StateInitError::Malformed)? != bytes {
            return Err(StateInitError::NonCanonical);
        }
        Ok(decoded)
    }

    /// Decodes `bytes` as any well-formed borsh of a state init (nearcore's `from_raw_lenient`:
    /// unsorted or repeated entries are accepted), as a transaction's signing key is looked up
    /// in it.
    ///
    /// # Errors
    /// [`StateInitError::Malformed`].
    pub fn from_lenient_bytes(bytes: &[u8]) -> Result<UniversalStateInit, StateInitError> {
        borsh::from_slice(bytes).map_err(|_| StateInitError::Malformed)
    }

    /// The storage entries and keys of the state init in `bytes`, or none when they do not
    /// decode (nearcore's `state_init_counts`): what an existing `UniversalStateInit` action is
    /// priced on besides its bytes, in a transaction and when it executes.
    pub fn counts(bytes: &[u8]) -> StateInitCounts {
        match UniversalStateInit::from_lenient_bytes(bytes) {
            Ok(init) => init.own_counts(),
            Err(_) => StateInitCounts::default(),
        }
    }

    fn own_counts(&self) -> StateInitCounts {
        let UniversalStateInit::V1(v1) = self;
        StateInitCounts { num_entries: v1.data.len() as u64, num_keys: v1.access_keys.len() as u64 }
    }

    /// The global contract it runs, if any.
    pub fn code(&self) -> Option<&GlobalContractIdentifier> {
        let UniversalStateInit::V1(v1) = self;
        v1.code.as_ref()
    }

    /// The storage entries it starts with.
    pub fn data(&self) -> &BTreeMap<Vec<u8>, Vec<u8>> {
        let UniversalStateInit::V1(v1) = self;
        &v1.data
    }

    /// The full-access keys it starts with.
    pub fn access_keys(&self) -> &BTreeSet<KeyHandle> {
        let UniversalStateInit::V1(v1) = self;
        &v1.access_keys
    }

    /// What a `UniversalStateInit` action carrying `bytes` is charged for when a contract creates
    /// it: its entries and keys, or, for bytes that are not a canonical state init (the receipt
    /// will be refused, but the check had to read them all), as many of each as `bytes` could
    /// hold at their smallest (an entry 8 bytes, a key 33, after the 6 and 10 bytes before them).
    pub fn send_counts(bytes: &[u8]) -> StateInitCounts {
        match UniversalStateInit::from_canonical_bytes(bytes) {
            Ok(init) => init.own_counts(),
            Err(_) => {
                let len = bytes.len() as u64;
                StateInitCounts {
                    num_entries: len.saturating_sub(6).div_ceil(8),
                    num_keys: len.saturating_sub(10).div_ceil(33),
                }
            }
        }
    }
}

/// The `0u` account id of the state init `bytes`: `0u` and the SHA3-256 of exactly these bytes
/// in lowercase Crockford base32 (52 symbols, the last padded with zero bits).
pub fn universal_account_id(bytes: &[u8]) -> AccountId {
    use sha3::Digest;
    const CROCKFORD: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
    let hash: [u8; 32] = sha3::Sha3_256::digest(bytes).into();
    let mut id = String::from("0u");
    let (mut acc, mut bits) = (0u32, 0u32);
    for byte in hash {
        acc = (acc << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            id.push(char::from(CROCKFORD[((acc >> bits) & 0x1f) as usize]));
        }
        acc &= (1 << bits) - 1;
    }
    id.push(char::from(CROCKFORD[((acc << (5 - bits)) & 0x1f) as usize]));
    id.parse().unwrap_or_else(|e| unreachable!("0u + 52 base32 symbols is a valid account id: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v1(data: &[(&[u8], &[u8])], keys: &[KeyHandle]) -> UniversalStateInit {
        UniversalStateInit::V1(UniversalStateInitV1 {
            code: Some(GlobalContractIdentifier::AccountId("factory.near".parse().unwrap())),
            data: data.iter().map(|(k, v)| (k.to_vec(), v.to_vec())).collect(),
            access_keys: keys.iter().cloned().collect(),
        })
    }

    #[test]
    fn canonical_bytes_decode_and_others_are_refused_with_their_status() {
        let init = v1(&[(b"a", b"1"), (b"b", b"2")], &[KeyHandle::Ed25519([1; 32]), KeyHandle::MlDsa65Hash([0; 32])]);
        let bytes = borsh::to_vec(&init).unwrap();
        assert_eq!(UniversalStateInit::from_canonical_bytes(&bytes), Ok(init));
        assert_eq!(UniversalStateInit::send_counts(&bytes), StateInitCounts { num_entries: 2, num_keys: 2 });
        // Swap the two entries (each 4 + 1 + 4 + 1 bytes after the code and the map length).
        let start = 1 + 1 + 1 + 4 + 12 + 4;
        let mut unsorted = bytes.clone();
        unsorted[start..start + 20].rotate_left(10);
        assert_eq!(UniversalStateInit::from_canonical_bytes(&unsorted), Err(StateInitError::NonCanonical));
        let mut trailing = bytes.clone();
        trailing.push(0);
        assert_eq!(UniversalStateInit::from_canonical_bytes(&trailing), Err(StateInitError::Malformed));
        let mut unknown_key = bytes;
        let len = unknown_key.len();
        unknown_key[len - 33] = 2;
        assert_eq!(UniversalStateInit::from_canonical_bytes(&unknown_key), Err(StateInitError::Malformed));
        assert_eq!(StateInitError::NonCanonical.exit_status(), 2);
    }

    #[test]
    fn refused_bytes_are_counted_at_the_most_they_could_hold() {
        let counts = UniversalStateInit::send_counts(&[7; 100]);
        assert_eq!(counts, StateInitCounts { num_entries: 12, num_keys: 3 });
        assert_eq!(UniversalStateInit::send_counts(&[]), StateInitCounts::default());
    }

    #[test]
    fn account_ids_are_0u_and_52_base32_symbols() {
        let id = universal_account_id(b"");
        assert_eq!(id.len(), 54);
        assert!(id.as_str().starts_with("0u"));
        assert!(id.as_str()[2..].chars().all(|c| c.is_ascii_digit() || c.is_ascii_lowercase()));
        assert_ne!(universal_account_id(b"a"), id);
    }
}
