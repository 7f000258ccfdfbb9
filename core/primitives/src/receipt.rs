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
    /// Who receives the deposits this receipt refunds: its `refund_to`, else its predecessor
    /// (nearcore's `balance_refund_receiver`).
    pub fn balance_refund_receiver(&self) -> &AccountId {
        match &self.receipt {
            ReceiptEnum::Action(action) | ReceiptEnum::PromiseYield(action) => {
                action.refund_to.as_ref().unwrap_or(&self.predecessor_id)
            }
            _ => &self.predecessor_id,
        }
    }

    /// A receipt from `system` giving unspent gas's `amount` back to the transaction's signer
    /// `receiver_id`, naming the key that signed (nearcore's `Receipt::new_gas_refund`): its
    /// signer is the receiver, which marks it as a gas refund. Applying it credits a gas key's
    /// balance when that key is one, and otherwise the account, restoring a function-call key's
    /// allowance (best effort: the key may have changed since).
    pub fn new_gas_refund(receiver_id: &AccountId, amount: Balance, signer_public_key: PublicKey) -> Receipt {
        Receipt {
            predecessor_id: "system".parse().expect("`system` is a valid account id"),
            receiver_id: receiver_id.clone(),
            receipt_id: CryptoHash::default(),
            receipt: ReceiptEnum::Action(ActionReceipt {
                signer_id: receiver_id.clone(),
                refund_to: None,
                signer_public_key,
                gas_price: 0,
                output_data_receivers: Vec::new(),
                input_data_ids: Vec::new(),
                actions: vec![Action::Transfer(crate::action::TransferAction { deposit: amount })],
            }),
        }
    }

    /// A receipt from `system` giving `amount` back to `receiver_id`: refunds of deposits and a
    /// deleted account's balance (nearcore's `Receipt::new_balance_refund`). Its id is assigned
    /// when the receipt that creates it finishes.
    pub fn new_balance_refund(receiver_id: &AccountId, amount: Balance) -> Receipt {
        let system: AccountId = "system".parse().expect("`system` is a valid account id");
        Receipt {
            predecessor_id: system.clone(),
            receiver_id: receiver_id.clone(),
            receipt_id: CryptoHash::default(),
            receipt: ReceiptEnum::Action(ActionReceipt {
                signer_id: system,
                refund_to: None,
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
/// PromiseResume = 3, GlobalContractDistribution = 4; an action or yielded receipt with a
/// `refund_to` is nearcore's `ActionV2` = 5 / `PromiseYieldV2` = 6 (see [`ActionReceipt`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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

/// Actions plus their data dependencies and where their result goes. Without `refund_to` it is
/// encoded as nearcore's `ActionReceipt`, with it as `ActionReceiptV2` (`refund_to` after
/// `signer_id`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ActionReceipt {
    /// The signer of the original transaction.
    pub signer_id: AccountId,
    /// Who receives the deposits refunded if it fails, when not the predecessor (set by a
    /// contract with `promise_set_refund_to`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_to: Option<AccountId>,
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

/// Borsh tags of [`ReceiptEnum`].
mod receipt_tag {
    pub(super) const ACTION: u8 = 0;
    pub(super) const DATA: u8 = 1;
    pub(super) const PROMISE_YIELD: u8 = 2;
    pub(super) const PROMISE_RESUME: u8 = 3;
    pub(super) const GLOBAL_CONTRACT_DISTRIBUTION: u8 = 4;
    pub(super) const ACTION_V2: u8 = 5;
    pub(super) const PROMISE_YIELD_V2: u8 = 6;
}

impl ActionReceipt {
    /// Writes the fields, with `refund_to` (V2) or without (V1).
    fn serialize_fields<W: std::io::Write>(&self, v2: bool, writer: &mut W) -> std::io::Result<()> {
        self.signer_id.serialize(writer)?;
        if v2 {
            self.refund_to.serialize(writer)?;
        }
        self.signer_public_key.serialize(writer)?;
        self.gas_price.serialize(writer)?;
        self.output_data_receivers.serialize(writer)?;
        self.input_data_ids.serialize(writer)?;
        self.actions.serialize(writer)
    }

    fn deserialize_fields<R: std::io::Read>(v2: bool, reader: &mut R) -> std::io::Result<ActionReceipt> {
        let signer_id = AccountId::deserialize_reader(reader)?;
        let refund_to = if v2 { Option::<AccountId>::deserialize_reader(reader)? } else { None };
        Ok(ActionReceipt {
            signer_id,
            refund_to,
            signer_public_key: BorshDeserialize::deserialize_reader(reader)?,
            gas_price: BorshDeserialize::deserialize_reader(reader)?,
            output_data_receivers: BorshDeserialize::deserialize_reader(reader)?,
            input_data_ids: BorshDeserialize::deserialize_reader(reader)?,
            actions: BorshDeserialize::deserialize_reader(reader)?,
        })
    }
}

impl BorshSerialize for ReceiptEnum {
    fn serialize<W: std::io::Write>(&self, writer: &mut W) -> std::io::Result<()> {
        match self {
            ReceiptEnum::Action(action) | ReceiptEnum::PromiseYield(action) => {
                let v2 = action.refund_to.is_some();
                let tag = match (self, v2) {
                    (ReceiptEnum::Action(_), false) => receipt_tag::ACTION,
                    (ReceiptEnum::Action(_), true) => receipt_tag::ACTION_V2,
                    (_, false) => receipt_tag::PROMISE_YIELD,
                    (_, true) => receipt_tag::PROMISE_YIELD_V2,
                };
                writer.write_all(&[tag])?;
                action.serialize_fields(v2, writer)
            }
            ReceiptEnum::Data(data) => {
                writer.write_all(&[receipt_tag::DATA])?;
                data.serialize(writer)
            }
            ReceiptEnum::PromiseResume(data) => {
                writer.write_all(&[receipt_tag::PROMISE_RESUME])?;
                data.serialize(writer)
            }
            ReceiptEnum::GlobalContractDistribution(distribution) => {
                writer.write_all(&[receipt_tag::GLOBAL_CONTRACT_DISTRIBUTION])?;
                distribution.serialize(writer)
            }
        }
    }
}

impl BorshDeserialize for ReceiptEnum {
    fn deserialize_reader<R: std::io::Read>(reader: &mut R) -> std::io::Result<Self> {
        Ok(match u8::deserialize_reader(reader)? {
            receipt_tag::ACTION => ReceiptEnum::Action(ActionReceipt::deserialize_fields(false, reader)?),
            receipt_tag::ACTION_V2 => ReceiptEnum::Action(ActionReceipt::deserialize_fields(true, reader)?),
            receipt_tag::PROMISE_YIELD => ReceiptEnum::PromiseYield(ActionReceipt::deserialize_fields(false, reader)?),
            receipt_tag::PROMISE_YIELD_V2 => {
                ReceiptEnum::PromiseYield(ActionReceipt::deserialize_fields(true, reader)?)
            }
            receipt_tag::DATA => ReceiptEnum::Data(BorshDeserialize::deserialize_reader(reader)?),
            receipt_tag::PROMISE_RESUME => ReceiptEnum::PromiseResume(BorshDeserialize::deserialize_reader(reader)?),
            receipt_tag::GLOBAL_CONTRACT_DISTRIBUTION => {
                ReceiptEnum::GlobalContractDistribution(BorshDeserialize::deserialize_reader(reader)?)
            }
            other => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("unknown receipt tag {other}"),
                ));
            }
        })
    }
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
