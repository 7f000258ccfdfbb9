//! `VMContext`: what a contract can learn about the call it runs in. JSON field names are
//! nearcore's, so the standalone runner's `--context-file` accepts nearcore's VMContext JSON.

use near_primitives::crypto::PublicKey;
use near_primitives::types::{AccountId, Balance, BlockHeight, EpochHeight, Gas, StorageUsage, dec_format};

/// The result of a promise a callback depends on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PromiseResult {
    /// Not available yet (never seen by a callback in this runtime, kept for the ABI).
    NotReady,
    /// The promise succeeded with this value.
    Successful(Vec<u8>),
    /// The promise failed (or, for NEP-519, timed out).
    Failed,
}

/// The context of one contract call.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct VMContext {
    /// The account whose contract runs.
    pub current_account_id: AccountId,
    /// Who signed the original transaction.
    pub signer_account_id: AccountId,
    /// The key that signed it.
    pub signer_account_pk: PublicKey,
    /// Who sent this call.
    pub predecessor_account_id: AccountId,
    /// Who receives the deposits refunded if the call's receipt fails, when a contract set it
    /// apart from the predecessor (`promise_set_refund_to`); `None` is the predecessor.
    #[serde(default)]
    pub refund_to_account_id: Option<AccountId>,
    /// The call's arguments.
    #[serde(default, with = "near_primitives::types::base64_format")]
    pub input: Vec<u8>,
    /// Results of the promises this call depends on.
    #[serde(default)]
    pub promise_results: Vec<PromiseResult>,
    /// Height of the current block.
    #[serde(alias = "block_index")]
    pub block_height: BlockHeight,
    /// Timestamp of the current block, in nanoseconds.
    pub block_timestamp: u64,
    /// Current epoch.
    pub epoch_height: EpochHeight,
    /// The account's balance (including the attached deposit).
    #[serde(with = "dec_format")]
    pub account_balance: Balance,
    /// The account's locked balance.
    #[serde(default, with = "dec_format")]
    pub account_locked_balance: Balance,
    /// The account's storage usage before the call.
    pub storage_usage: StorageUsage,
    /// Tokens attached to the call.
    #[serde(default, with = "dec_format")]
    pub attached_deposit: Balance,
    /// Gas attached to the call.
    pub prepaid_gas: Gas,
    /// Seed for `random_seed`.
    #[serde(default, with = "near_primitives::types::base64_format")]
    pub random_seed: Vec<u8>,
    /// Whether this is a view call (state changes and promises are prohibited).
    #[serde(default)]
    pub view_config: Option<ViewConfig>,
    /// Receivers of this call's result (filled by the runtime for calls with callbacks).
    #[serde(default)]
    pub output_data_receivers: Vec<AccountId>,
}

/// Marks a view call and its gas limit.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ViewConfig {
    /// Gas a view call may burn.
    pub max_gas_burnt: Gas,
}

impl VMContext {
    /// Whether this is a view call.
    pub fn is_view(&self) -> bool {
        self.view_config.is_some()
    }
}
