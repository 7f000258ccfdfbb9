//! The data every part of the runtime shares: the node-fault error, the block a chunk is
//! applied in, stake proposals, and what an action sees ([`ActionContext`]) and produces
//! ([`ActionResult`], the one result type of the action layer). A leaf: it imports nothing from
//! the rest of the crate, so the modules above it import each other in one direction only
//! (`lib` → `receipts` → `actions` → `yield_resume` / `submodules`).

use near_parameters::RuntimeConfig;
use near_primitives::crypto::PublicKey;
use near_primitives::errors::{ActionError, ActionErrorKind};
use near_primitives::hash::CryptoHash;
use near_primitives::receipt::{ActionReceipt, Receipt};
use near_primitives::types::{AccountId, Balance, BlockHeight, EpochHeight, Gas};
use near_store::StorageError;
use near_vm_runner::ContractRunner;
use near_vm_runner::logic::{PromiseResult, ReturnData};
use std::sync::Arc;

use crate::ext::ValidatorStakes;

/// nearcore's mainnet chunk gas limit (1 000 Tgas), the default compute limit per chunk.
pub const DEFAULT_CHUNK_GAS_LIMIT: Gas = 1_000_000_000_000_000;

/// nearcore's mainnet minimum gas price (yoctoNEAR per gas), the default gas price.
pub const DEFAULT_GAS_PRICE: Balance = 100_000_000;

/// A node fault while applying a chunk: the chunk is not applied. Contract and transaction
/// errors are never `RuntimeError`s; they are recorded in outcomes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuntimeError {
    /// The storage failed or holds something it should not.
    #[error(transparent)]
    StorageError(#[from] StorageError),
    /// A sum the protocol bounds overflowed anyway.
    #[error("unexpected integer overflow in {0}")]
    UnexpectedIntegerOverflow(&'static str),
    /// The contract runner failed (engine or external fault).
    #[error("contract runner fault: {0}")]
    VMFault(String),
    /// Tokens were created or destroyed.
    #[error("balance mismatch: {before} before, {after} after ({stats:?})")]
    BalanceMismatch {
        /// Tokens before (records changed, incoming receipts).
        before: Balance,
        /// Tokens after (records changed, outgoing receipts, burnt).
        after: Balance,
        /// The chunk's flows.
        stats: Box<BalanceStats>,
    },
}

/// A stake change an account asked for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ValidatorProposal {
    /// The account.
    pub account_id: AccountId,
    /// Its validator key.
    pub public_key: PublicKey,
    /// The stake asked for.
    #[serde(with = "near_primitives::types::dec_format")]
    pub stake: Balance,
}

/// The block a chunk is applied in, and the rules it is applied with.
#[derive(Debug, Clone)]
pub struct ApplyState {
    /// Height of the block.
    pub block_height: BlockHeight,
    /// Block timestamp in nanoseconds.
    pub block_timestamp: u64,
    /// Epoch of the block.
    pub epoch_height: EpochHeight,
    /// Gas price of the block.
    pub gas_price: Balance,
    /// Compute (≈ gas) the chunk may spend on receipts before delaying the rest.
    pub gas_limit: Gas,
    /// The block's random seed, as contracts see it.
    pub random_seed: CryptoHash,
    /// The parameters.
    pub config: Arc<RuntimeConfig>,
    /// Current validators.
    pub validators: ValidatorStakes,
    /// The chain's id, as contracts' `chain_id` sees it (a genesis setting; "test" by default, as
    /// nearcore's test genesis).
    pub chain_id: String,
}

impl ApplyState {
    /// A state for `block_height` with mainnet defaults for everything else.
    pub fn new(block_height: BlockHeight, config: Arc<RuntimeConfig>) -> ApplyState {
        ApplyState {
            block_height,
            block_timestamp: block_height.saturating_mul(1_000_000_000),
            epoch_height: 0,
            gas_price: DEFAULT_GAS_PRICE,
            gas_limit: DEFAULT_CHUNK_GAS_LIMIT,
            random_seed: CryptoHash::hash_bytes(&block_height.to_le_bytes()),
            config,
            validators: ValidatorStakes::default(),
            chain_id: "test".to_string(),
        }
    }
}

/// What applying actions produced: gas, the result, logs and new receipts.
#[derive(Debug)]
pub struct ActionResult {
    /// Gas burnt.
    pub gas_burnt: Gas,
    /// Gas used: burnt plus attached to new receipts.
    pub gas_used: Gas,
    /// Compute usage, counted against the chunk's limit.
    pub compute_usage: u64,
    /// The last action's return value, or the error that stopped the receipt.
    pub result: Result<ReturnData, ActionError>,
    /// Logs of function calls.
    pub logs: Vec<String>,
    /// Receipts created, in order.
    pub new_receipts: Vec<Receipt>,
    /// Stake changes.
    pub validator_proposals: Vec<ValidatorProposal>,
    /// Tokens burnt by actions other than as gas (a global contract's storage), part of the
    /// outcome's `tokens_burnt` (protocol 83).
    pub tokens_burnt: Balance,
    /// Tokens minted: the 1 yoctoNEAR zero-balance contracts attached to function calls without
    /// having it (`one_yocto_on_promise`).
    pub subsidized_amount: Balance,
}

impl Default for ActionResult {
    fn default() -> Self {
        ActionResult {
            gas_burnt: 0,
            gas_used: 0,
            compute_usage: 0,
            result: Ok(ReturnData::None),
            logs: Vec::new(),
            new_receipts: Vec::new(),
            tokens_burnt: 0,
            subsidized_amount: 0,
            validator_proposals: Vec::new(),
        }
    }
}

impl ActionResult {
    /// Adds the gas of an execution.
    ///
    /// # Errors
    /// Overflow (a node fault: gas is bounded far below `u64::MAX`).
    pub fn add_gas(&mut self, burnt: Gas, used: Gas, compute: u64) -> Result<(), RuntimeError> {
        let overflow = || RuntimeError::UnexpectedIntegerOverflow("action gas");
        self.gas_burnt = self.gas_burnt.checked_add(burnt).ok_or_else(overflow)?;
        self.gas_used = self.gas_used.checked_add(used).ok_or_else(overflow)?;
        self.compute_usage = self.compute_usage.checked_add(compute).ok_or_else(overflow)?;
        Ok(())
    }

    /// Fails the receipt at action `index` (`None`: after the actions).
    pub fn fail(&mut self, index: Option<u64>, kind: ActionErrorKind) {
        self.result = Err(ActionError { index, kind });
    }
}

/// Where an action executes.
pub(crate) struct ActionContext<'a> {
    pub(crate) apply_state: &'a ApplyState,
    pub(crate) runner: &'a ContractRunner,
    pub(crate) receipt: &'a Receipt,
    pub(crate) action_receipt: &'a ActionReceipt,
    pub(crate) promise_results: &'a [PromiseResult],
    pub(crate) action_index: u64,
    pub(crate) action_hash: CryptoHash,
    pub(crate) is_last_action: bool,
}

impl ActionContext<'_> {
    /// The parameters.
    pub(crate) fn config(&self) -> &RuntimeConfig {
        &self.apply_state.config
    }

    /// The receiving account, whose actions these are.
    pub(crate) fn account_id(&self) -> &AccountId {
        &self.receipt.receiver_id
    }

    /// Fails the receipt at this action.
    pub(crate) fn fail(&self, result: &mut ActionResult, kind: ActionErrorKind) {
        result.fail(Some(self.action_index), kind);
    }
}

/// The token flows of one chunk, for the check.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BalanceStats {
    /// Value of the receipts the chunk received.
    pub incoming_receipts: Balance,
    /// Value of the receipts the chunk sent.
    pub outgoing_receipts: Balance,
    /// Tokens burnt converting transactions.
    pub tx_burnt: Balance,
    /// Tokens burnt executing receipts.
    pub receipts_burnt: Balance,
    /// Tokens lost otherwise (a refund to an account that no longer exists).
    pub other_burnt: Balance,
    /// Tokens minted: the 1 yoctoNEAR deposits zero-balance contracts attached without having
    /// them (`one_yocto_on_promise`).
    pub subsidized: Balance,
}
