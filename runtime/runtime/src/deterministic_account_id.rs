//! `DeterministicStateInit` (protocol 82, NEP-616): creates the receiving account, whose id is
//! derived from the state (validation checks that), with a global contract and data entries,
//! funds its storage from the deposit and refunds the rest; on an account that already runs a
//! contract it only refunds the deposit. Corresponds to nearcore's
//! `runtime/runtime/src/deterministic_account_id.rs`.

use crate::global_contracts::use_global_contract;
use crate::types::{ActionContext, ActionResult, RuntimeError};
use crate::verifier::check_storage_stake;
use near_primitives::account::{Account, AccountContract};
use near_primitives::action::DeterministicStateInitAction;
use near_primitives::receipt::Receipt;
use near_primitives::trie_key::TrieKey;
use near_primitives::types::Balance;
use near_store::TrieUpdate;

/// Applies the action to `account` (created when absent). Unlike `CreateAccount` it does not
/// make the account the actor: actions after it still act as the predecessor, so nobody can
/// add keys or deploy to an account they do not own this way.
///
/// # Errors
/// Storage faults.
pub(crate) fn action_deterministic_state_init(
    state: &mut TrieUpdate,
    account: &mut Option<Account>,
    ctx: &ActionContext<'_>,
    action: &DeterministicStateInitAction,
    result: &mut ActionResult,
) -> Result<(), RuntimeError> {
    let storage = &ctx.config().fees.storage_usage_config;
    let current = account.get_or_insert_with(|| Account::new(0, storage.num_bytes_account));
    if current.contract == AccountContract::None {
        use_global_contract(state, current, ctx, action.state_init.code(), result)?;
        if result.result.is_err() {
            return Ok(());
        }
        let account_id = ctx.account_id();
        for (key, value) in action.state_init.data() {
            let bytes =
                (key.len() as u64).saturating_add(value.len() as u64).saturating_add(storage.num_extra_bytes_record);
            current.storage_usage = current.storage_usage.saturating_add(bytes);
            state.set(TrieKey::ContractData { account_id: account_id.clone(), key: key.clone() }, value.clone());
        }
    }
    settle_state_init_deposit(current, action.deposit, ctx, result);
    Ok(())
}

/// A state init's deposit pays what storage staking still lacks on `account`; the rest goes back
/// (to `refund_to`, or the predecessor).
pub(crate) fn settle_state_init_deposit(
    account: &mut Account,
    deposit: Balance,
    ctx: &ActionContext<'_>,
    result: &mut ActionResult,
) {
    let missing = check_storage_stake(account, ctx.config()).err().unwrap_or(0);
    let kept = missing.min(deposit);
    account.amount = account.amount.saturating_add(kept);
    refund_deposit(deposit - kept, ctx, result);
}

/// Sends `amount` of a deposit back (to `refund_to`, or the predecessor), if any.
pub(crate) fn refund_deposit(amount: Balance, ctx: &ActionContext<'_>, result: &mut ActionResult) {
    if amount > 0 {
        result.new_receipts.push(Receipt::new_balance_refund(ctx.receipt.balance_refund_receiver(), amount));
    }
}
