//! Deterministic account ids (protocol 82): an account whose id is derived from the state it
//! starts with (a global contract and data entries), created by a `DeterministicStateInit`
//! action sent to that id.

use crate::global_contract::GlobalContractIdentifier;
use crate::types::AccountId;
use borsh::{BorshDeserialize, BorshSerialize};
use std::collections::BTreeMap;

/// The initial state of a deterministic account. Borsh: version tag (V1 = 0) then the fields.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub enum DeterministicAccountStateInit {
    /// Version 1.
    V1(DeterministicAccountStateInitV1),
}

/// Version 1 of [`DeterministicAccountStateInit`].
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub struct DeterministicAccountStateInitV1 {
    /// The global contract the account runs.
    pub code: GlobalContractIdentifier,
    /// Contract storage entries it starts with.
    pub data: BTreeMap<Vec<u8>, Vec<u8>>,
}

impl DeterministicAccountStateInit {
    /// The global contract.
    pub fn code(&self) -> &GlobalContractIdentifier {
        match self {
            DeterministicAccountStateInit::V1(v1) => &v1.code,
        }
    }

    /// The data entries.
    pub fn data(&self) -> &BTreeMap<Vec<u8>, Vec<u8>> {
        match self {
            DeterministicAccountStateInit::V1(v1) => &v1.data,
        }
    }

    /// The data entries, to add to.
    pub fn data_mut(&mut self) -> &mut BTreeMap<Vec<u8>, Vec<u8>> {
        match self {
            DeterministicAccountStateInit::V1(v1) => &mut v1.data,
        }
    }

    /// Bytes of all keys and values (what `action_deterministic_state_init_per_byte` is charged
    /// for), saturating.
    pub fn data_bytes(&self) -> u64 {
        self.data()
            .iter()
            .fold(0u64, |total, (k, v)| total.saturating_add(k.len() as u64).saturating_add(v.len() as u64))
    }

    /// The account id this state belongs to: `0s` followed by the hex of the last 20 bytes of
    /// the keccak256 of its borsh encoding.
    pub fn account_id(&self) -> AccountId {
        use sha3::Digest;
        let mut hasher = sha3::Keccak256::new();
        hasher.update(borsh::to_vec(self).unwrap_or_default());
        let digest: [u8; 32] = hasher.finalize().into();
        format!("0s{}", hex::encode(&digest[12..]))
            .parse()
            .unwrap_or_else(|e| unreachable!("0s + 40 hex digits is a valid account id: {e}"))
    }
}
