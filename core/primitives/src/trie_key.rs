//! `TrieKey`: where every record lives in the state trie, byte for byte as nearcore lays it out.
//!
//! Each key starts with a one-byte column (`col::*`). Account ids are written as raw UTF-8 without
//! a length prefix; a `,` (which no account id contains) separates the account from what follows.
//! Integers are little-endian. Columns 0–23 are nearcore's (some of which this runtime does not
//! use: buffered receipts, bandwidth scheduler). Gas-key nonces have no column of their own: as
//! in nearcore, they extend their key's access-key record with a `u16` nonce index.
//! Columns 24 and 25, [`col::SUBMODULE_CODE`] and [`col::SUBMODULE_CODE_INFO`], are this
//! project's additions for NEP-481.

use crate::crypto::KeyHandle;
use crate::global_contract::GlobalContractIdentifier;
use crate::hash::CryptoHash;
use crate::types::AccountId;

/// Column bytes.
pub mod col {
    /// `Account`.
    pub const ACCOUNT: u8 = 0;
    /// `ContractCode`.
    pub const CONTRACT_CODE: u8 = 1;
    /// `AccessKey` (also its separator after the account id).
    pub const ACCESS_KEY: u8 = 2;
    /// `ReceivedData`.
    pub const RECEIVED_DATA: u8 = 3;
    /// `PostponedReceiptId`.
    pub const POSTPONED_RECEIPT_ID: u8 = 4;
    /// `PendingDataCount`.
    pub const PENDING_DATA_COUNT: u8 = 5;
    /// `PostponedReceipt`.
    pub const POSTPONED_RECEIPT: u8 = 6;
    /// `DelayedReceiptIndices` and `DelayedReceipt`.
    pub const DELAYED_RECEIPT_OR_INDICES: u8 = 7;
    /// `ContractData`.
    pub const CONTRACT_DATA: u8 = 9;
    /// `PromiseYieldIndices`.
    pub const PROMISE_YIELD_INDICES: u8 = 10;
    /// `PromiseYieldTimeout`.
    pub const PROMISE_YIELD_TIMEOUT: u8 = 11;
    /// `PromiseYieldReceipt`.
    pub const PROMISE_YIELD_RECEIPT: u8 = 12;
    /// `GlobalContractCode`.
    pub const GLOBAL_CONTRACT_CODE: u8 = 18;
    /// `GlobalContractNonce`.
    pub const GLOBAL_CONTRACT_NONCE: u8 = 19;
    /// `PromiseYieldStatus`.
    pub const PROMISE_YIELD_STATUS: u8 = 20;
    /// `YieldIdToDataId`: a contract-chosen yield id to the yield's data id.
    pub const YIELD_ID_TO_DATA_ID: u8 = 22;
    /// `DataIdToYieldId`: the reverse mapping.
    pub const DATA_ID_TO_YIELD_ID: u8 = 23;
    /// NEP-481 (this project's addition, the next byte nearcore does not use): `SubmoduleCode`.
    pub const SUBMODULE_CODE: u8 = 24;
    /// NEP-481 (this project's addition): `SubmoduleCodeInfo`, the code's hash and length.
    pub const SUBMODULE_CODE_INFO: u8 = 25;
}

/// The value under [`TrieKey::SubmoduleCodeInfo`]: what starting a submodule needs without
/// reading or hashing its code (the compiled module is found by `hash`, gas is charged on
/// `len`), as an account's `code_hash` does for its contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, borsh::BorshSerialize, borsh::BorshDeserialize)]
pub struct SubmoduleCodeInfo {
    /// sha256 of the code.
    pub hash: CryptoHash,
    /// Length of the code in bytes.
    pub len: u64,
}

impl SubmoduleCodeInfo {
    /// The info of `code` (hashes it).
    pub fn of(code: &[u8]) -> SubmoduleCodeInfo {
        SubmoduleCodeInfo { hash: CryptoHash::hash_bytes(code), len: code.len() as u64 }
    }

    /// Its borsh bytes: the hash, then the length little-endian (40 bytes).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(40);
        bytes.extend_from_slice(self.hash.as_bytes());
        bytes.extend_from_slice(&self.len.to_le_bytes());
        bytes
    }

    /// Decodes [`SubmoduleCodeInfo::to_bytes`]; `None` unless exactly 40 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Option<SubmoduleCodeInfo> {
        let hash: [u8; 32] = bytes.get(..32)?.try_into().ok()?;
        let len: [u8; 8] = bytes.get(32..)?.try_into().ok()?;
        Some(SubmoduleCodeInfo { hash: CryptoHash(hash), len: u64::from_le_bytes(len) })
    }
}

/// The separator between an account id and the rest of a key.
pub const ACCOUNT_DATA_SEPARATOR: u8 = b',';

/// A record's place in the trie.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TrieKey {
    /// `00 ‖ account`: the `Account` record.
    Account {
        /// The account.
        account_id: AccountId,
    },
    /// `01 ‖ account`: the raw contract wasm.
    ContractCode {
        /// The account.
        account_id: AccountId,
    },
    /// `02 ‖ account ‖ 02 ‖ borsh(key handle)`: an `AccessKey`.
    AccessKey {
        /// The account.
        account_id: AccountId,
        /// The key's on-trie handle (for ed25519 and secp256k1 keys, the key itself).
        key_handle: KeyHandle,
    },
    /// `02 ‖ account ‖ 02 ‖ borsh(key handle) ‖ index (u16 LE)`: one nonce (a `u64`) of a gas
    /// key, next to the key's own record (nearcore's `GasKeyNonce`).
    GasKeyNonce {
        /// The account.
        account_id: AccountId,
        /// The gas key's on-trie handle.
        key_handle: KeyHandle,
        /// Which of its nonces.
        index: u16,
    },
    /// `03 ‖ account ‖ , ‖ data id`: data that arrived for a receipt.
    ReceivedData {
        /// The receiving account.
        receiver_id: AccountId,
        /// The data id.
        data_id: CryptoHash,
    },
    /// `04 ‖ account ‖ , ‖ data id`: the receipt waiting for this data.
    PostponedReceiptId {
        /// The receiving account.
        receiver_id: AccountId,
        /// The data id.
        data_id: CryptoHash,
    },
    /// `05 ‖ account ‖ , ‖ receipt id`: how many inputs the receipt still waits for.
    PendingDataCount {
        /// The receiving account.
        receiver_id: AccountId,
        /// The receipt id.
        receipt_id: CryptoHash,
    },
    /// `06 ‖ account ‖ , ‖ receipt id`: a receipt waiting for data.
    PostponedReceipt {
        /// The receiving account.
        receiver_id: AccountId,
        /// The receipt id.
        receipt_id: CryptoHash,
    },
    /// `07`: bounds of the delayed-receipt queue.
    DelayedReceiptIndices,
    /// `07 ‖ index`: a delayed receipt.
    DelayedReceipt {
        /// Its index in the queue.
        index: u64,
    },
    /// `09 ‖ account ‖ , ‖ key`: contract storage.
    ContractData {
        /// The account.
        account_id: AccountId,
        /// The contract's key.
        key: Vec<u8>,
    },
    /// `0A`: bounds of the NEP-519 timeout queue.
    PromiseYieldIndices,
    /// `0B ‖ index`: a NEP-519 timeout entry.
    PromiseYieldTimeout {
        /// Its index in the queue.
        index: u64,
    },
    /// `0C ‖ account ‖ , ‖ data id`: a yielded receipt waiting to be resumed.
    PromiseYieldReceipt {
        /// The yielding account.
        receiver_id: AccountId,
        /// The yield's data id.
        data_id: CryptoHash,
    },
    /// `20 ‖ account ‖ , ‖ data id`: the status of a yield (resume initiated or not).
    PromiseYieldStatus {
        /// The yielding account.
        receiver_id: AccountId,
        /// The yield's data id.
        data_id: CryptoHash,
    },
    /// `22 ‖ account ‖ , ‖ yield id`: the data id of a yield created with an id.
    YieldIdToDataId {
        /// The yielding account.
        receiver_id: AccountId,
        /// The contract-chosen 32-byte id.
        yield_id: CryptoHash,
    },
    /// `23 ‖ account ‖ , ‖ data id`: the yield id of a yield created with an id.
    DataIdToYieldId {
        /// The yielding account.
        receiver_id: AccountId,
        /// The yield's data id.
        data_id: CryptoHash,
    },
    /// `18 ‖ borsh(identifier)`: a global contract's code (not any account's storage).
    GlobalContractCode {
        /// The contract's name.
        identifier: GlobalContractIdentifier,
    },
    /// `19 ‖ borsh(identifier)`: the nonce of a global contract's latest deployment (a
    /// distribution older than the stored nonce is not applied).
    GlobalContractNonce {
        /// The contract's name.
        identifier: GlobalContractIdentifier,
    },
    /// `24 ‖ account ‖ , ‖ key`: NEP-481 submodule code, apart from contract storage.
    SubmoduleCode {
        /// The account.
        account_id: AccountId,
        /// The submodule's key.
        key: Vec<u8>,
    },
    /// `25 ‖ account ‖ , ‖ key`: the [`SubmoduleCodeInfo`] of the code under the same key.
    SubmoduleCodeInfo {
        /// The account.
        account_id: AccountId,
        /// The submodule's key.
        key: Vec<u8>,
    },
}

fn account_keyed(column: u8, account_id: &AccountId, rest: &[u8]) -> Vec<u8> {
    let mut key = Vec::with_capacity(2 + account_id.len() + rest.len());
    key.push(column);
    key.extend_from_slice(account_id.as_bytes());
    key.push(ACCOUNT_DATA_SEPARATOR);
    key.extend_from_slice(rest);
    key
}

fn global_keyed(column: u8, identifier: &GlobalContractIdentifier) -> Vec<u8> {
    let mut key = vec![column];
    borsh::to_writer(&mut key, identifier).expect("serializing into a Vec cannot fail");
    key
}

impl TrieKey {
    /// The key's bytes.
    pub fn to_vec(&self) -> Vec<u8> {
        match self {
            TrieKey::Account { account_id } => [&[col::ACCOUNT][..], account_id.as_bytes()].concat(),
            TrieKey::ContractCode { account_id } => [&[col::CONTRACT_CODE][..], account_id.as_bytes()].concat(),
            TrieKey::AccessKey { account_id, key_handle } => {
                let mut key = access_key_prefix(account_id);
                key.extend(borsh::to_vec(key_handle).expect("serializing into a Vec cannot fail"));
                key
            }
            TrieKey::GasKeyNonce { account_id, key_handle, index } => {
                let mut key = access_key_prefix(account_id);
                key.extend(borsh::to_vec(key_handle).expect("serializing into a Vec cannot fail"));
                key.extend(index.to_le_bytes());
                key
            }
            TrieKey::ReceivedData { receiver_id, data_id } => {
                account_keyed(col::RECEIVED_DATA, receiver_id, data_id.as_bytes())
            }
            TrieKey::PostponedReceiptId { receiver_id, data_id } => {
                account_keyed(col::POSTPONED_RECEIPT_ID, receiver_id, data_id.as_bytes())
            }
            TrieKey::PendingDataCount { receiver_id, receipt_id } => {
                account_keyed(col::PENDING_DATA_COUNT, receiver_id, receipt_id.as_bytes())
            }
            TrieKey::PostponedReceipt { receiver_id, receipt_id } => {
                account_keyed(col::POSTPONED_RECEIPT, receiver_id, receipt_id.as_bytes())
            }
            TrieKey::DelayedReceiptIndices => vec![col::DELAYED_RECEIPT_OR_INDICES],
            TrieKey::DelayedReceipt { index } => {
                [&[col::DELAYED_RECEIPT_OR_INDICES][..], &index.to_le_bytes()].concat()
            }
            TrieKey::ContractData { account_id, key } => account_keyed(col::CONTRACT_DATA, account_id, key),
            TrieKey::PromiseYieldIndices => vec![col::PROMISE_YIELD_INDICES],
            TrieKey::PromiseYieldTimeout { index } => {
                [&[col::PROMISE_YIELD_TIMEOUT][..], &index.to_le_bytes()].concat()
            }
            TrieKey::PromiseYieldReceipt { receiver_id, data_id } => {
                account_keyed(col::PROMISE_YIELD_RECEIPT, receiver_id, data_id.as_bytes())
            }
            TrieKey::PromiseYieldStatus { receiver_id, data_id } => {
                account_keyed(col::PROMISE_YIELD_STATUS, receiver_id, data_id.as_bytes())
            }
            TrieKey::YieldIdToDataId { receiver_id, yield_id } => {
                account_keyed(col::YIELD_ID_TO_DATA_ID, receiver_id, yield_id.as_bytes())
            }
            TrieKey::DataIdToYieldId { receiver_id, data_id } => {
                account_keyed(col::DATA_ID_TO_YIELD_ID, receiver_id, data_id.as_bytes())
            }
            TrieKey::GlobalContractCode { identifier } => global_keyed(col::GLOBAL_CONTRACT_CODE, identifier),
            TrieKey::GlobalContractNonce { identifier } => global_keyed(col::GLOBAL_CONTRACT_NONCE, identifier),
            TrieKey::SubmoduleCode { account_id, key } => account_keyed(col::SUBMODULE_CODE, account_id, key),
            TrieKey::SubmoduleCodeInfo { account_id, key } => account_keyed(col::SUBMODULE_CODE_INFO, account_id, key),
        }
    }

    /// The account whose storage this record counts against, if any.
    pub fn account_id(&self) -> Option<&AccountId> {
        match self {
            TrieKey::Account { account_id }
            | TrieKey::ContractCode { account_id }
            | TrieKey::AccessKey { account_id, .. }
            | TrieKey::GasKeyNonce { account_id, .. }
            | TrieKey::ContractData { account_id, .. }
            | TrieKey::SubmoduleCode { account_id, .. }
            | TrieKey::SubmoduleCodeInfo { account_id, .. } => Some(account_id),
            TrieKey::ReceivedData { receiver_id, .. }
            | TrieKey::PostponedReceiptId { receiver_id, .. }
            | TrieKey::PendingDataCount { receiver_id, .. }
            | TrieKey::PostponedReceipt { receiver_id, .. }
            | TrieKey::PromiseYieldReceipt { receiver_id, .. }
            | TrieKey::PromiseYieldStatus { receiver_id, .. }
            | TrieKey::YieldIdToDataId { receiver_id, .. }
            | TrieKey::DataIdToYieldId { receiver_id, .. } => Some(receiver_id),
            TrieKey::DelayedReceiptIndices
            | TrieKey::DelayedReceipt { .. }
            | TrieKey::PromiseYieldIndices
            | TrieKey::PromiseYieldTimeout { .. }
            | TrieKey::GlobalContractCode { .. }
            | TrieKey::GlobalContractNonce { .. } => None,
        }
    }
}

/// `02 ‖ account ‖ 02`: the prefix of all access keys of an account.
pub fn access_key_prefix(account_id: &AccountId) -> Vec<u8> {
    [&[col::ACCESS_KEY][..], account_id.as_bytes(), &[col::ACCESS_KEY]].concat()
}

/// `09 ‖ account ‖ ,`: the prefix of all contract storage of an account.
pub fn contract_data_prefix(account_id: &AccountId) -> Vec<u8> {
    account_keyed(col::CONTRACT_DATA, account_id, &[])
}

/// `24 ‖ account ‖ ,`: the prefix of all submodules of an account.
pub fn submodule_code_prefix(account_id: &AccountId) -> Vec<u8> {
    account_keyed(col::SUBMODULE_CODE, account_id, &[])
}

/// `25 ‖ account ‖ ,`: the prefix of the code infos of all submodules of an account.
pub fn submodule_code_info_prefix(account_id: &AccountId) -> Vec<u8> {
    account_keyed(col::SUBMODULE_CODE_INFO, account_id, &[])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alice() -> AccountId {
        "alice.near".parse().unwrap()
    }

    /// The info value is its borsh encoding, and decodes back.
    #[test]
    fn submodule_code_info_bytes_are_borsh() {
        let info = SubmoduleCodeInfo::of(b"\0asm");
        assert_eq!(info.to_bytes(), borsh::to_vec(&info).unwrap());
        assert_eq!(SubmoduleCodeInfo::from_bytes(&info.to_bytes()), Some(info));
        assert_eq!(SubmoduleCodeInfo::from_bytes(&info.to_bytes()[..39]), None);
    }

    /// The exact bytes of every variant: a change here is a state-layout change.
    #[test]
    fn snapshot_of_every_key_layout() {
        let h = CryptoHash([0xab; 32]);
        let pk = KeyHandle::Ed25519([0x11; 32]);
        let cases: Vec<(TrieKey, String)> = vec![
            (TrieKey::Account { account_id: alice() }, "00616c6963652e6e656172".into()),
            (TrieKey::ContractCode { account_id: alice() }, "01616c6963652e6e656172".into()),
            (
                TrieKey::AccessKey { account_id: alice(), key_handle: pk },
                format!("02616c6963652e6e6561720200{}", "11".repeat(32)),
            ),
            (
                TrieKey::ReceivedData { receiver_id: alice(), data_id: h },
                format!("03616c6963652e6e6561722c{}", "ab".repeat(32)),
            ),
            (
                TrieKey::PostponedReceiptId { receiver_id: alice(), data_id: h },
                format!("04616c6963652e6e6561722c{}", "ab".repeat(32)),
            ),
            (
                TrieKey::PendingDataCount { receiver_id: alice(), receipt_id: h },
                format!("05616c6963652e6e6561722c{}", "ab".repeat(32)),
            ),
            (
                TrieKey::PostponedReceipt { receiver_id: alice(), receipt_id: h },
                format!("06616c6963652e6e6561722c{}", "ab".repeat(32)),
            ),
            (TrieKey::DelayedReceiptIndices, "07".into()),
            (TrieKey::DelayedReceipt { index: 0x0102 }, "070201000000000000".into()),
            (
                TrieKey::ContractData { account_id: alice(), key: b"STATE".to_vec() },
                "09616c6963652e6e6561722c5354415445".into(),
            ),
            (TrieKey::PromiseYieldIndices, "0a".into()),
            (TrieKey::PromiseYieldTimeout { index: 7 }, "0b0700000000000000".into()),
            (
                TrieKey::PromiseYieldReceipt { receiver_id: alice(), data_id: h },
                format!("0c616c6963652e6e6561722c{}", "ab".repeat(32)),
            ),
            (
                TrieKey::PromiseYieldStatus { receiver_id: alice(), data_id: h },
                format!("14616c6963652e6e6561722c{}", "ab".repeat(32)),
            ),
            (
                TrieKey::YieldIdToDataId { receiver_id: alice(), yield_id: h },
                format!("16616c6963652e6e6561722c{}", "ab".repeat(32)),
            ),
            (
                TrieKey::DataIdToYieldId { receiver_id: alice(), data_id: h },
                format!("17616c6963652e6e6561722c{}", "ab".repeat(32)),
            ),
            (
                TrieKey::SubmoduleCode { account_id: alice(), key: b"os".to_vec() },
                "18616c6963652e6e6561722c6f73".into(),
            ),
            (
                TrieKey::SubmoduleCodeInfo { account_id: alice(), key: b"os".to_vec() },
                "19616c6963652e6e6561722c6f73".into(),
            ),
        ];
        for (key, expected) in cases {
            assert_eq!(hex::encode(key.to_vec()), expected, "{key:?}");
        }
    }

    #[test]
    fn prefixes_cover_their_keys_and_nothing_else() {
        let data = TrieKey::ContractData { account_id: alice(), key: b"k".to_vec() }.to_vec();
        assert!(data.starts_with(&contract_data_prefix(&alice())));
        let sub = TrieKey::SubmoduleCode { account_id: alice(), key: b"k".to_vec() }.to_vec();
        assert!(sub.starts_with(&submodule_code_prefix(&alice())));
        assert!(!sub.starts_with(&contract_data_prefix(&alice())));
        // `alice.near.x` must not fall under `alice.near`'s prefix.
        let other: AccountId = "alice.near.x".parse().unwrap();
        let other_data = TrieKey::ContractData { account_id: other, key: b"k".to_vec() }.to_vec();
        assert!(!other_data.starts_with(&contract_data_prefix(&alice())));
    }
}
