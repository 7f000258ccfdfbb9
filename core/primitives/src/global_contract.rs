//! Global contracts (protocol 77): code deployed once, stored under
//! `TrieKey::GlobalContractCode`, and used by any number of accounts, named either by the
//! code's hash (immutable) or by the account that deployed it (that account may redeploy).

use crate::hash::CryptoHash;
use crate::types::AccountId;
use borsh::{BorshDeserialize, BorshSerialize};

/// How a deployed global contract is named. Borsh tags: CodeHash = 0, AccountId = 1.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize,
)]
pub enum GlobalContractDeployMode {
    /// By the hash of its code: the code can never change.
    CodeHash,
    /// By the deploying account: a later deployment by the same account replaces it for
    /// every account using it.
    AccountId,
}

/// A global contract's name. Borsh tags: CodeHash = 0, AccountId = 1; JSON as nearcore's
/// (`{"hash": ...}` or `{"account_id": ...}`).
#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    BorshSerialize,
    BorshDeserialize,
    serde::Serialize,
    serde::Deserialize,
)]
pub enum GlobalContractIdentifier {
    /// The sha256 of the code.
    #[serde(rename = "hash")]
    CodeHash(CryptoHash),
    /// The account that deployed it.
    #[serde(rename = "account_id")]
    AccountId(AccountId),
}

impl GlobalContractIdentifier {
    /// The bytes the identifier is charged for (`action_use_global_contract_per_identifier_byte`)
    /// and adds to an account's storage usage: 32 for a hash, the id's length otherwise.
    pub fn len(&self) -> usize {
        match self {
            GlobalContractIdentifier::CodeHash(_) => 32,
            GlobalContractIdentifier::AccountId(account_id) => account_id.len(),
        }
    }

    /// Never empty (a hash has 32 bytes and an account id at least 2).
    pub fn is_empty(&self) -> bool {
        false
    }
}
