//! Receipts: the messages between accounts, and the records the runtime keeps about them.

use crate::action::Action;
use crate::crypto::PublicKey;
use crate::global_contract::GlobalContractIdentifier;
use crate::hash::CryptoHash;
use crate::types::{AccountId, Balance, BlockHeight, ShardId, dec_format};
use borsh::{BorshDeserialize, BorshSerialize};
use sha2::Digest;

/// A receipt: nearcore's `ReceiptV0` borsh layout.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub struct Receipt {
    /// The account that sent it.
    pub predecessor_id: AccountId,
    /// The account it applies to.
    pub receiver_id: AccountId,
    /// Unique id.
    pub receipt_id: CryptoHash,
    /// What it carries.
    pub receipt: ReceiptEnum,
}

impl Receipt {
    /// A receipt from `system` giving `amount` back to `receiver_id`: refunds of deposits and
    /// gas, and a deleted account's balance (nearcore's `Receipt::new_balance_refund`). Its id
    /// is assigned when the receipt that creates it finishes.
    pub fn new_balance_refund(receiver_id: &AccountId, amount: Balance) -> Receipt {
        let system: AccountId = "system".parse().expect("`system` is a valid account id");
        Receipt {
            predecessor_id: system.clone(),
            receiver_id: receiver_id.clone(),
            receipt_id: CryptoHash::default(),
            receipt: ReceiptEnum::Action(ActionReceipt {
                signer_id: system,
                signer_public_key: PublicKey::ED25519([0; 32]),
                gas_price: 0,
                output_data_receivers: Vec::new(),
                input_data_ids: Vec::new(),
                actions: vec![Action::Transfer(crate::action::TransferAction { deposit: amount })],
            }),
        }
    }
}

/// The kinds of receipt. Borsh tags as nearcore: Action = 0, Data = 1, PromiseYield = 2,
/// PromiseResume = 3.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub enum ReceiptEnum {
    /// Actions to apply to the receiver once all input data arrived.
    Action(ActionReceipt),
    /// Data for a waiting action receipt.
    Data(DataReceipt),
    /// NEP-519: an action receipt parked until resumed or timed out.
    PromiseYield(ActionReceipt),
    /// NEP-519: the data that resumes a yielded receipt (`None` on timeout).
    PromiseResume(DataReceipt),
    /// A global contract on its way to every shard (nearcore's tag 4); applying it stores
    /// the code under `TrieKey::GlobalContractCode`.
    GlobalContractDistribution(GlobalContractDistributionReceipt),
}

/// A global contract's distribution. Borsh tags: V1 = 0, V2 = 1 (with a nonce, protocol 83);
/// this runtime creates V2, as nearcore does.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub enum GlobalContractDistributionReceipt {
    /// Without a nonce.
    V1(GlobalContractDistributionReceiptV1),
    /// With the deployment's nonce.
    V2(GlobalContractDistributionReceiptV2),
}

/// Version 1 of [`GlobalContractDistributionReceipt`].
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub struct GlobalContractDistributionReceiptV1 {
    /// The contract's name.
    pub id: GlobalContractIdentifier,
    /// The shard it is delivered to.
    pub target_shard: ShardId,
    /// Shards it reached already.
    pub already_delivered_shards: Vec<ShardId>,
    /// The code.
    #[serde(with = "crate::types::base64_format")]
    pub code: Vec<u8>,
}

/// Version 2 of [`GlobalContractDistributionReceipt`].
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub struct GlobalContractDistributionReceiptV2 {
    /// The contract's name.
    pub id: GlobalContractIdentifier,
    /// The shard it is delivered to.
    pub target_shard: ShardId,
    /// Shards it reached already.
    pub already_delivered_shards: Vec<ShardId>,
    /// The code.
    #[serde(with = "crate::types::base64_format")]
    pub code: Vec<u8>,
    /// The deployment's nonce (per identifier, increasing).
    pub nonce: u64,
}

impl GlobalContractDistributionReceipt {
    /// The contract's name.
    pub fn id(&self) -> &GlobalContractIdentifier {
        match self {
            GlobalContractDistributionReceipt::V1(v1) => &v1.id,
            GlobalContractDistributionReceipt::V2(v2) => &v2.id,
        }
    }

    /// The code.
    pub fn code(&self) -> &[u8] {
        match self {
            GlobalContractDistributionReceipt::V1(v1) => &v1.code,
            GlobalContractDistributionReceipt::V2(v2) => &v2.code,
        }
    }

    /// The nonce (0 for V1).
    pub fn nonce(&self) -> u64 {
        match self {
            GlobalContractDistributionReceipt::V1(_) => 0,
            GlobalContractDistributionReceipt::V2(v2) => v2.nonce,
        }
    }
}

/// Actions plus their data dependencies and where their result goes.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub struct ActionReceipt {
    /// The signer of the original transaction.
    pub signer_id: AccountId,
    /// The key that signed the original transaction.
    pub signer_public_key: PublicKey,
    /// Gas price used for refunds.
    #[serde(with = "dec_format")]
    pub gas_price: Balance,
    /// Receivers of this receipt's result.
    pub output_data_receivers: Vec<DataReceiver>,
    /// Data this receipt waits for, in `promise_result` order.
    pub input_data_ids: Vec<CryptoHash>,
    /// What to do.
    pub actions: Vec<Action>,
}

/// Someone waiting for a receipt's result.
#[derive(Debug, Clone, PartialEq, Eq, Hash, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub struct DataReceiver {
    /// The id the data is sent under.
    pub data_id: CryptoHash,
    /// Who waits for it.
    pub receiver_id: AccountId,
}

/// The result of a receipt, sent to a waiting receipt. `None` means the execution failed.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub struct DataReceipt {
    /// Which input it fills.
    pub data_id: CryptoHash,
    /// The value, or `None` for a failure (or a NEP-519 timeout).
    pub data: Option<Vec<u8>>,
}

/// Data that arrived before its receipt was ready, under `TrieKey::ReceivedData`.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct ReceivedData {
    /// The value, or `None` for a failure.
    pub data: Option<Vec<u8>>,
}

/// Bounds of the delayed-receipt queue, under `TrieKey::DelayedReceiptIndices`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize)]
pub struct DelayedReceiptIndices {
    /// Index of the oldest queued receipt.
    pub first_index: u64,
    /// Index the next receipt gets.
    pub next_available_index: u64,
}

impl DelayedReceiptIndices {
    /// Number of queued receipts.
    pub fn len(&self) -> u64 {
        self.next_available_index - self.first_index
    }

    /// Whether the queue is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Bounds of the NEP-519 timeout queue, under `TrieKey::PromiseYieldIndices`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize)]
pub struct PromiseYieldIndices {
    /// Index of the oldest queued timeout.
    pub first_index: u64,
    /// Index the next timeout gets.
    pub next_available_index: u64,
}

/// One entry of the NEP-519 timeout queue, under `TrieKey::PromiseYieldTimeout`.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize)]
pub struct PromiseYieldTimeout {
    /// The account that yielded.
    pub account_id: AccountId,
    /// The yield's data id.
    pub data_id: CryptoHash,
    /// The first block height at which the yield times out.
    pub expires_at: BlockHeight,
}

/// A receipt id derived from a parent id, a block height and an index: sha256 of
/// `parent ‖ block_height (u64 LE) ‖ index (u64 LE)`. The same inputs as nearcore's
/// `create_receipt_id_from_receipt_id` (since BlockHeightForReceiptId), not the same bytes.
pub fn create_receipt_id_from_receipt_id(parent: &CryptoHash, block_height: BlockHeight, index: u64) -> CryptoHash {
    derive_id(b"receipt", parent, block_height, index)
}

/// A data or receipt id derived from the hash of the action that creates it.
pub fn create_receipt_id_from_action_hash(
    action_hash: &CryptoHash,
    block_height: BlockHeight,
    index: u64,
) -> CryptoHash {
    derive_id(b"action", action_hash, block_height, index)
}

/// The id of the receipt a transaction converts into.
pub fn create_receipt_id_from_transaction(tx_hash: &CryptoHash, block_height: BlockHeight) -> CryptoHash {
    derive_id(b"transaction", tx_hash, block_height, 0)
}

/// The state of a pending yield (`TrieKey::PromiseYieldStatus`): a resume is accepted while
/// the status exists; once a resume was initiated, a later timeout is dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize)]
pub enum PromiseYieldStatus {
    /// Waiting for a resume or the timeout.
    Yielded,
    /// A resume was submitted; its data is on the way.
    ResumeInitiated,
}

/// The hash identifying action `action_index` of receipt `receipt_id`: new receipts and data ids
/// created by that action derive from it.
pub fn create_action_hash_from_receipt_id(
    receipt_id: &CryptoHash,
    block_height: BlockHeight,
    action_index: u64,
) -> CryptoHash {
    derive_id(b"action_hash", receipt_id, block_height, action_index)
}

/// The `index`-th data id created while executing the action with `action_hash`.
pub fn create_data_id(action_hash: &CryptoHash, block_height: BlockHeight, index: u64) -> CryptoHash {
    derive_id(b"data", action_hash, block_height, index)
}

fn derive_id(domain: &[u8], parent: &CryptoHash, block_height: BlockHeight, index: u64) -> CryptoHash {
    let mut hasher = sha2::Sha256::new();
    hasher.update(domain);
    hasher.update(parent.as_bytes());
    hasher.update(block_height.to_le_bytes());
    hasher.update(index.to_le_bytes());
    CryptoHash(hasher.finalize().into())
}
