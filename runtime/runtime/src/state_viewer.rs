//! Queries against a state root: accounts, access keys, contract state, and view calls
//! (read-only function calls). Corresponds to nearcore's `runtime/runtime/src/state_viewer`.

use crate::ext::{ExtContext, RuntimeExt, ValidatorStakes};
use crate::types::{ApplyState, RuntimeError};
use near_primitives::account::{AccessKey, Account};
use near_primitives::crypto::PublicKey;
use near_primitives::errors::{CompilationError, FunctionCallError};
use near_primitives::hash::CryptoHash;
use near_primitives::trie_key::{ACCOUNT_DATA_SEPARATOR, contract_data_prefix};
use near_primitives::types::AccountId;
use near_store::utils::{get_access_key, get_account};
use near_store::{Trie, TrieUpdate};
use near_vm_runner::logic::{ReturnData, VMContext, ViewConfig};
use near_vm_runner::{AccountCode, ContractRunner};

/// Why a view call returned no value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ViewError {
    /// The account does not exist.
    #[error("account {0} does not exist")]
    AccountDoesNotExist(AccountId),
    /// The contract failed (including calling a state-changing host function).
    #[error("function call failed: {0}")]
    FunctionCall(FunctionCallError),
    /// A node fault.
    #[error(transparent)]
    Runtime(#[from] RuntimeError),
}

impl From<near_store::StorageError> for ViewError {
    fn from(error: near_store::StorageError) -> Self {
        ViewError::Runtime(RuntimeError::StorageError(error))
    }
}

/// What a successful view call returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewResult {
    /// The returned bytes (empty if the method returned nothing).
    pub result: Vec<u8>,
    /// Logs.
    pub logs: Vec<String>,
    /// Gas the call burnt.
    pub burnt_gas: u64,
}

/// The account record.
///
/// # Errors
/// Storage faults.
pub fn view_account(trie: &Trie, account_id: &AccountId) -> Result<Option<Account>, RuntimeError> {
    Ok(get_account(&TrieUpdate::new(trie.clone()), account_id)?)
}

/// An access key.
///
/// # Errors
/// Storage faults.
pub fn view_access_key(
    trie: &Trie,
    account_id: &AccountId,
    public_key: &PublicKey,
) -> Result<Option<AccessKey>, RuntimeError> {
    Ok(get_access_key(&TrieUpdate::new(trie.clone()), account_id, public_key)?)
}

/// The contract storage of an account whose keys start with `prefix`, as (key, value) pairs.
///
/// # Errors
/// Storage faults.
pub fn view_state(
    trie: &Trie,
    account_id: &AccountId,
    prefix: &[u8],
) -> Result<Vec<near_store::KeyValue>, RuntimeError> {
    let mut full_prefix = contract_data_prefix(account_id);
    debug_assert_eq!(full_prefix.last(), Some(&ACCOUNT_DATA_SEPARATOR));
    let strip = full_prefix.len();
    full_prefix.extend_from_slice(prefix);
    let pairs = TrieUpdate::new(trie.clone()).iter_prefix(&full_prefix)?;
    Ok(pairs.into_iter().map(|(key, value)| (key[strip..].to_vec(), value)).collect())
}

/// Runs, with `runner`, `method_name` of `account_id`'s contract read-only at `trie`'s root, bounded by
/// `max_gas_burnt_view`. Host functions that would change state fail with
/// `ProhibitedInView`.
///
/// # Errors
/// The account or contract is missing, the call failed, or a node fault.
pub fn view_call(
    runner: &ContractRunner,
    trie: &Trie,
    apply_state: &ApplyState,
    account_id: &AccountId,
    method_name: &str,
    args: &[u8],
) -> Result<ViewResult, ViewError> {
    let state = TrieUpdate::new(trie.clone());
    let account = get_account(&state, account_id)?.ok_or_else(|| ViewError::AccountDoesNotExist(account_id.clone()))?;
    let Some((code_hash, code)) = crate::global_contracts::account_code(&state, account_id, &account)? else {
        let missing = CompilationError::CodeDoesNotExist { account_id: account_id.clone() };
        return Err(ViewError::FunctionCall(FunctionCallError::CompilationError(missing)));
    };
    let max_gas_burnt = apply_state.config.wasm_config.limit_config.max_gas_burnt_view;
    let context = VMContext {
        current_account_id: account_id.clone(),
        signer_account_id: account_id.clone(),
        signer_account_pk: PublicKey::ED25519([0; 32]),
        predecessor_account_id: account_id.clone(),
        refund_to_account_id: None,
        input: args.to_vec(),
        promise_results: Vec::new(),
        block_height: apply_state.block_height,
        block_timestamp: apply_state.block_timestamp,
        epoch_height: apply_state.epoch_height,
        account_balance: account.amount,
        account_locked_balance: account.locked,
        storage_usage: account.storage_usage,
        attached_deposit: 0,
        prepaid_gas: max_gas_burnt,
        random_seed: apply_state.random_seed.as_bytes().to_vec(),
        view_config: Some(ViewConfig { max_gas_burnt }),
        output_data_receivers: Vec::new(),
    };
    let ext = RuntimeExt::new(
        state,
        ExtContext {
            account_id: account_id.clone(),
            action_hash: CryptoHash::default(),
            block_height: apply_state.block_height,
            validators: ValidatorStakes::clone(&apply_state.validators),
            chain_id: apply_state.chain_id.clone(),
        },
    );
    let (outcome, _) = runner
        .run_account_contract(
            AccountCode { contract: &account.contract, hash: code_hash, code: &code },
            method_name,
            Box::new(ext),
            context,
            &apply_state.config,
        )
        .map_err(|e| RuntimeError::VMFault(e.to_string()))?;
    if let Some(error) = outcome.aborted {
        return Err(ViewError::FunctionCall(error));
    }
    let result = match outcome.return_data {
        ReturnData::Value(value) => value,
        ReturnData::None | ReturnData::ReceiptIndex(_) => Vec::new(),
    };
    Ok(ViewResult { result, logs: outcome.logs, burnt_gas: outcome.burnt_gas })
}
