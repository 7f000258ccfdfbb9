//! Transactions and the outcomes of executing transactions and receipts.

use crate::action::{Action, UniversalStateInitAction};
use crate::crypto::{KeyHandle, PublicKey, SecretKey, Signature};
use crate::errors::TxExecutionError;
use crate::hash::{CryptoHash, hash};
use crate::types::{AccountId, Balance, Gas, Nonce, base64_format, dec_format};
use crate::universal_state_init::{UniversalStateInit, universal_account_id};
use borsh::{BorshDeserialize, BorshSerialize};

/// How a transaction's nonce must relate to its key's (nearcore's `NonceMode`, V1 only; borsh
/// tags Monotonic = 0, Strict = 1).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum NonceMode {
    /// Any nonce above the key's.
    #[default]
    Monotonic,
    /// Exactly the key's nonce plus one.
    Strict,
}

/// A transaction's wire version and what only the later one carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum TransactionVersion {
    /// nearcore's `TransactionV0`: a plain nonce, monotonic.
    #[default]
    V0,
    /// nearcore's `TransactionV1` (a leading tag byte 1): a nonce index when a gas key signs
    /// (one of its nonces; nearcore's `TransactionNonce::GasKeyNonce`), and the nonce mode.
    V1 {
        /// Which of the gas key's nonces; `None` for other keys.
        nonce_index: Option<u16>,
        /// How the nonce must follow the key's.
        nonce_mode: NonceMode,
    },
}

/// An unsigned transaction: nearcore's `TransactionV0` or `TransactionV1` borsh layout (by
/// `version`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Transaction {
    /// Who signs and pays.
    pub signer_id: AccountId,
    /// The access key that signs.
    pub public_key: PublicKey,
    /// Must exceed the access key's nonce (or, for a gas key, the nonce at `nonce_index`).
    pub nonce: Nonce,
    /// The account the actions apply to.
    pub receiver_id: AccountId,
    /// Hash of a recent block (this single-node runtime does not check it).
    pub block_hash: CryptoHash,
    /// What to do.
    pub actions: Vec<Action>,
    /// The wire version (V0 unless given).
    #[serde(default)]
    pub version: TransactionVersion,
}

/// The tag byte of a V1 transaction.
const V1_TAG: u8 = 1;

impl BorshSerialize for Transaction {
    fn serialize<W: std::io::Write>(&self, writer: &mut W) -> std::io::Result<()> {
        if let TransactionVersion::V1 { .. } = self.version {
            V1_TAG.serialize(writer)?;
        }
        self.signer_id.serialize(writer)?;
        self.public_key.serialize(writer)?;
        match self.version {
            TransactionVersion::V0 => self.nonce.serialize(writer)?,
            // nearcore's `TransactionNonce`: Nonce { nonce } = 0, GasKeyNonce { nonce, nonce_index } = 1.
            TransactionVersion::V1 { nonce_index: None, .. } => (0u8, self.nonce).serialize(writer)?,
            TransactionVersion::V1 { nonce_index: Some(index), .. } => (1u8, self.nonce, index).serialize(writer)?,
        }
        self.receiver_id.serialize(writer)?;
        self.block_hash.serialize(writer)?;
        self.actions.serialize(writer)?;
        if let TransactionVersion::V1 { nonce_mode, .. } = self.version {
            nonce_mode.serialize(writer)?;
        }
        Ok(())
    }
}

impl BorshDeserialize for Transaction {
    /// V0 starts with the signer id's `u32` length, whose second byte is 0 (ids are at most 64
    /// bytes); V1 with the tag 1 and then that length's first, non-zero, byte.
    fn deserialize_reader<R: std::io::Read>(reader: &mut R) -> std::io::Result<Self> {
        let first = <[u8; 2]>::deserialize_reader(reader)?;
        let v1 = match first {
            [_, 0] => false,
            [V1_TAG, _] => true,
            _ => return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "unknown transaction version")),
        };
        let mut reader = std::io::Read::chain(if v1 { &first[1..] } else { &first[..] }, reader);
        let signer_id = AccountId::deserialize_reader(&mut reader)?;
        let public_key = PublicKey::deserialize_reader(&mut reader)?;
        let (nonce, nonce_index) = if v1 {
            match u8::deserialize_reader(&mut reader)? {
                0 => (Nonce::deserialize_reader(&mut reader)?, None),
                1 => (Nonce::deserialize_reader(&mut reader)?, Some(u16::deserialize_reader(&mut reader)?)),
                tag => {
                    let message = format!("unknown transaction nonce tag {tag}");
                    return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, message));
                }
            }
        } else {
            (Nonce::deserialize_reader(&mut reader)?, None)
        };
        let receiver_id = AccountId::deserialize_reader(&mut reader)?;
        let block_hash = CryptoHash::deserialize_reader(&mut reader)?;
        let actions = Vec::<Action>::deserialize_reader(&mut reader)?;
        let version = if v1 {
            TransactionVersion::V1 { nonce_index, nonce_mode: NonceMode::deserialize_reader(&mut reader)? }
        } else {
            TransactionVersion::V0
        };
        Ok(Transaction { signer_id, public_key, nonce, receiver_id, block_hash, actions, version })
    }
}

impl Transaction {
    /// The transaction hash (sha256 of its borsh form) and its size in bytes.
    pub fn hash_and_size(&self) -> (CryptoHash, u64) {
        let bytes = borsh::to_vec(self).expect("serializing into a Vec cannot fail");
        (hash(&bytes), bytes.len() as u64)
    }

    /// Signs the transaction hash with `secret_key`.
    pub fn sign(self, secret_key: &SecretKey) -> SignedTransaction {
        let (tx_hash, _) = self.hash_and_size();
        SignedTransaction::new(secret_key.sign(tx_hash.as_bytes()), self)
    }

    /// The gas key nonce it uses, if a gas key signs it.
    pub fn nonce_index(&self) -> Option<u16> {
        match self.version {
            TransactionVersion::V0 => None,
            TransactionVersion::V1 { nonce_index, .. } => nonce_index,
        }
    }

    /// How its nonce must follow the key's.
    pub fn nonce_mode(&self) -> NonceMode {
        match self.version {
            TransactionVersion::V0 => NonceMode::Monotonic,
            TransactionVersion::V1 { nonce_mode, .. } => nonce_mode,
        }
    }

    /// The `UniversalStateInit` that lets this transaction be signed by an account with no keys
    /// yet: a self-signed universal account bootstrap (nearcore's `state_init_bootstrap`). The
    /// account's id is the hash of its state init and the state init names its keys, so a
    /// transaction to the signer itself, without a nonce index (a gas key is state the account
    /// does not have), carrying among its top-level actions the state init the signer's id
    /// derives from, signed by one of the keys it commits to, is authorized by the id alone.
    /// Whether the account exists uninitialized, and the nonce, are checked against the state.
    pub fn state_init_bootstrap(&self) -> Option<&UniversalStateInitAction> {
        if self.nonce_index().is_some() || self.signer_id != self.receiver_id {
            return None;
        }
        let handle = KeyHandle::from(&self.public_key);
        self.actions.iter().find_map(|action| {
            let Action::UniversalStateInit(init) = action else { return None };
            if universal_account_id(&init.state_init) != self.signer_id {
                return None;
            }
            let state_init = UniversalStateInit::from_lenient_bytes(&init.state_init).ok()?;
            state_init.access_keys().contains(&handle).then_some(&**init)
        })
    }
}

/// A transaction and the signature over its hash.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub struct SignedTransaction {
    /// The transaction.
    pub transaction: Transaction,
    /// Signature of the transaction hash by `transaction.public_key`.
    pub signature: Signature,
}

impl SignedTransaction {
    /// Pairs a transaction with a signature.
    pub fn new(signature: Signature, transaction: Transaction) -> SignedTransaction {
        SignedTransaction { transaction, signature }
    }

    /// The transaction hash.
    pub fn get_hash(&self) -> CryptoHash {
        self.transaction.hash_and_size().0
    }

    /// Serialized size of the whole signed transaction, checked against `max_transaction_size`.
    pub fn get_size(&self) -> u64 {
        borsh::to_vec(self).expect("serializing into a Vec cannot fail").len() as u64
    }

    /// Whether the signature is valid for the transaction's own public key.
    pub fn verify_signature(&self) -> bool {
        self.signature.verify(self.get_hash().as_bytes(), &self.transaction.public_key)
    }
}

/// How an execution ended.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub enum ExecutionStatus {
    /// Not known yet.
    Unknown,
    /// Failed; its state changes were discarded.
    Failure(TxExecutionError),
    /// Succeeded and returned these bytes.
    SuccessValue(#[serde(with = "base64_format")] Vec<u8>),
    /// Succeeded; the result is that of this receipt.
    SuccessReceiptId(CryptoHash),
}

/// The result of applying a transaction or a receipt.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub struct ExecutionOutcome {
    /// Logs emitted by the contract.
    pub logs: Vec<String>,
    /// Receipts this execution produced.
    pub receipt_ids: Vec<CryptoHash>,
    /// Gas burnt (fees plus wasm execution).
    pub gas_burnt: Gas,
    /// Compute used, for chunk limits.
    pub compute_usage: Option<u64>,
    /// `gas_burnt` times the gas price.
    #[serde(with = "dec_format")]
    pub tokens_burnt: Balance,
    /// The account that executed.
    pub executor_id: AccountId,
    /// How it ended.
    pub status: ExecutionStatus,
}

/// An outcome and the id of the transaction or receipt it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub struct ExecutionOutcomeWithId {
    /// Transaction hash or receipt id.
    pub id: CryptoHash,
    /// The outcome.
    pub outcome: ExecutionOutcome,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::TransferAction;

    fn transaction(version: TransactionVersion) -> Transaction {
        Transaction {
            signer_id: "alice.near".parse().unwrap(),
            public_key: PublicKey::ED25519([7; 32]),
            nonce: 42,
            receiver_id: "bob.near".parse().unwrap(),
            block_hash: CryptoHash::default(),
            actions: vec![Action::Transfer(TransferAction { deposit: 1 })],
            version,
        }
    }

    #[test]
    fn both_versions_round_trip_and_v1_starts_with_its_tag() {
        let v1 = TransactionVersion::V1 { nonce_index: Some(3), nonce_mode: NonceMode::Strict };
        for version in
            [TransactionVersion::V0, v1, TransactionVersion::V1 { nonce_index: None, nonce_mode: NonceMode::Monotonic }]
        {
            let tx = transaction(version);
            let bytes = borsh::to_vec(&tx).unwrap();
            assert_eq!(bytes[0] == V1_TAG, version != TransactionVersion::V0, "{version:?}");
            assert_eq!(Transaction::try_from_slice(&bytes).unwrap(), tx);
        }
    }

    #[test]
    fn malformed_transactions_are_errors_never_panics() {
        let v1 = TransactionVersion::V1 { nonce_index: Some(3), nonce_mode: NonceMode::Strict };
        for version in [TransactionVersion::V0, v1] {
            let bytes = borsh::to_vec(&transaction(version)).unwrap();
            for len in 0..bytes.len() {
                assert!(Transaction::try_from_slice(&bytes[..len]).is_err(), "truncated to {len}");
            }
            for at in 0..bytes.len() {
                let mut flipped = bytes.clone();
                flipped[at] ^= 0xff;
                // Decodes to something else or fails; it must not panic.
                let _ = Transaction::try_from_slice(&flipped);
            }
        }
        assert!(Transaction::try_from_slice(&[2, 10, 0, 0]).is_err(), "an unknown version");
        let mut bad_nonce = borsh::to_vec(&transaction(v1)).unwrap();
        // The nonce tag follows the tag byte, the signer id (4 + 10 bytes) and the key (33).
        bad_nonce[1 + 14 + 33] = 9;
        assert!(Transaction::try_from_slice(&bad_nonce).is_err(), "an unknown nonce tag");
    }
}
