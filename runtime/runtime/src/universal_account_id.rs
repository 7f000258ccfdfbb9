//! Universal accounts (protocol 88, NEP-655): `UniversalStateInit` installs the state a `0u`
//! account's id commits to (validation checked that the receiver is that id): a global contract,
//! storage entries and full-access keys. The account may already exist, uninitialized, because a
//! transfer funded it; it is created uninitialized here otherwise. Like `DeterministicStateInit`
//! it does not make the account the actor, so the receipt's later actions cannot add to it what
//! the id does not commit to. Corresponds to nearcore's `runtime/runtime/src/universal_account_id.rs`.

use crate::access_keys::access_key_record_bytes;
use crate::deterministic_account_id::{refund_deposit, settle_state_init_deposit};
use crate::global_contracts::use_global_contract;
use crate::types::{ActionContext, ActionResult, RuntimeError};
use crate::verifier::initial_nonce_value;
use near_primitives::account::{AccessKey, Account};
use near_primitives::action::UniversalStateInitAction;
use near_primitives::errors::ActionErrorKind;
use near_primitives::trie_key::TrieKey;
use near_primitives::universal_state_init::UniversalStateInit;
use near_store::TrieUpdate;
use near_store::utils::set_access_key_by_handle;

/// Applies the action to `account`. On an account whose state is already in place it changes
/// nothing and refunds the whole deposit (protocol 88's `RefundRepeatedUniversalStateInitDeposit`);
/// otherwise it installs the state, then the deposit pays what storage staking lacks and the
/// rest is refunded.
///
/// # Errors
/// Storage faults.
pub(crate) fn action_universal_state_init(
    state: &mut TrieUpdate,
    account: &mut Option<Account>,
    ctx: &ActionContext<'_>,
    action: &UniversalStateInitAction,
    result: &mut ActionResult,
) -> Result<(), RuntimeError> {
    if account.as_ref().is_some_and(Account::is_initialized) {
        refund_deposit(action.deposit, ctx, result);
        return Ok(());
    }
    // Validation refused any other bytes; a receipt that bypassed it fails here, not the chunk.
    let Ok(init) = UniversalStateInit::from_canonical_bytes(&action.state_init) else {
        ctx.fail(result, ActionErrorKind::MalformedUniversalStateInit);
        return Ok(());
    };
    let height = ctx.apply_state.block_height;
    let num_bytes_account = ctx.config().fees.storage_usage_config.num_bytes_account;
    let current =
        account.get_or_insert_with(|| Account::new_uninitialized(0, num_bytes_account, initial_nonce_value(height)));
    // The keys start above any nonce the account's own bootstrap transaction used, so that
    // transaction cannot be replayed through them.
    let key_nonce = initial_nonce_value(height).max(current.bootstrap_nonce.unwrap_or(0));
    current.initialize();
    install(state, current, ctx, &init, key_nonce, result)?;
    if result.result.is_ok() {
        settle_state_init_deposit(current, action.deposit, ctx, result);
    }
    Ok(())
}

/// Writes the state init's contract, entries and keys, adding their bytes to the account's
/// storage usage (an entry: key, value and the per-record overhead; a key: its handle, the
/// access key record and the overhead).
fn install(
    state: &mut TrieUpdate,
    account: &mut Account,
    ctx: &ActionContext<'_>,
    init: &UniversalStateInit,
    key_nonce: u64,
    result: &mut ActionResult,
) -> Result<(), RuntimeError> {
    if let Some(code) = init.code() {
        use_global_contract(state, account, ctx, code, result)?;
        if result.result.is_err() {
            return Ok(());
        }
    }
    let account_id = ctx.account_id();
    let extra = ctx.config().fees.storage_usage_config.num_extra_bytes_record;
    let overflow = || RuntimeError::UnexpectedIntegerOverflow("state init storage usage");
    let mut usage = account.storage_usage;
    for (key, value) in init.data() {
        let bytes = (key.len() as u64).checked_add(value.len() as u64).and_then(|b| b.checked_add(extra));
        usage = bytes.and_then(|b| usage.checked_add(b)).ok_or_else(overflow)?;
        state.set(TrieKey::ContractData { account_id: account_id.clone(), key: key.clone() }, value.clone());
    }
    let access_key = AccessKey { nonce: key_nonce, ..AccessKey::full_access() };
    for handle in init.access_keys() {
        let bytes = access_key_record_bytes(ctx.config(), handle.trie_id_len(), &access_key);
        usage = usage.checked_add(bytes).ok_or_else(overflow)?;
        set_access_key_by_handle(state, account_id.clone(), handle.clone(), &access_key);
    }
    account.storage_usage = usage;
    Ok(())
}
