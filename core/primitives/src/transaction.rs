//! Transactions and the outcomes of executing transactions and receipts.

use crate::action::Action;
use crate::crypto::{PublicKey, SecretKey, Signature};
use crate::errors::TxExecutionError;
use crate::hash::{CryptoHash, hash};
use crate::types::{AccountId, Balance, Gas, Nonce, base64_format, dec_format};
use borsh::{BorshDeserialize, BorshSerialize};

/// An unsigned transaction: nearcore's `TransactionV0` borsh layout.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub struct Transaction {
    /// Who signs and pays.
    pub signer_id: AccountId,
    /// The access key that signs.
    pub public_key: PublicKey,
    /// Must exceed the access key's nonce.
    pub nonce: Nonce,
    /// The account the actions apply to.
    pub receiver_id: AccountId,
    /// Hash of a recent block (this single-node runtime does not check it).
    pub block_hash: CryptoHash,
    /// What to do.
    pub actions: Vec<Action>,
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
