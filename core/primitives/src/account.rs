//! Account and access-key records, as stored under `TrieKey::Account` and `TrieKey::AccessKey`.

use crate::hash::CryptoHash;
use crate::types::{Balance, Nonce, StorageUsage, dec_format, option_dec_format};
use borsh::{BorshDeserialize, BorshSerialize};

/// An account's state: nearcore's `AccountV1` borsh layout
/// (`amount: u128, locked: u128, code_hash: [u8; 32], storage_usage: u64`).
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub struct Account {
    /// Liquid balance.
    #[serde(with = "dec_format")]
    pub amount: Balance,
    /// Balance locked by staking.
    #[serde(with = "dec_format")]
    pub locked: Balance,
    /// Hash of the deployed contract, or all zeroes when none.
    pub code_hash: CryptoHash,
    /// Bytes of state this account pays storage staking for.
    pub storage_usage: StorageUsage,
}

impl Account {
    /// A new account with `amount`, no contract and `storage_usage` bytes.
    pub fn new(amount: Balance, storage_usage: StorageUsage) -> Account {
        Account { amount, locked: 0, code_hash: CryptoHash::default(), storage_usage }
    }

    /// Whether a contract is deployed.
    pub fn has_contract(&self) -> bool {
        self.code_hash != CryptoHash::default()
    }
}

/// An access key: its nonce and what it may sign.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub struct AccessKey {
    /// The last nonce used by a transaction signed with this key.
    pub nonce: Nonce,
    /// What the key may do.
    pub permission: AccessKeyPermission,
}

impl AccessKey {
    /// A full-access key with nonce 0.
    pub fn full_access() -> AccessKey {
        AccessKey { nonce: 0, permission: AccessKeyPermission::FullAccess }
    }
}

/// What an access key may sign. Borsh tags: FunctionCall = 0, FullAccess = 1.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub enum AccessKeyPermission {
    /// Only function calls to one receiver, optionally limited to some methods, paid from an
    /// allowance.
    FunctionCall(FunctionCallPermission),
    /// Anything.
    FullAccess,
}

/// The limits of a function-call access key.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub struct FunctionCallPermission {
    /// Gas fees this key may still spend; `None` is unlimited.
    #[serde(with = "option_dec_format", default)]
    pub allowance: Option<Balance>,
    /// The only account this key may call.
    pub receiver_id: String,
    /// Methods it may call; empty means any.
    pub method_names: Vec<String>,
}
