//! The balance checker: after every chunk, the tokens that existed before (account and gas-key
//! balances, receipts in flight and stored) equal the tokens after plus what was burnt. A mismatch is a
//! node bug, reported as [`RuntimeError::BalanceMismatch`], never recorded as an outcome.
//! Corresponds to nearcore's `runtime/runtime/src/balance_checker.rs`.

use crate::config::{total_deposit, total_prepaid_exec_fees, total_prepaid_gas};
use crate::types::{BalanceStats, RuntimeError};
use near_parameters::{ActionCosts, RuntimeConfig};
use near_primitives::account::Account;
use near_primitives::receipt::{ActionReceipt, Receipt, ReceiptEnum};
use near_primitives::trie_key::col;
use near_primitives::types::{AccountId, Balance};
use near_store::utils::{AccessKeyRecord, decode_access_key_record};
use near_store::{Trie, TrieUpdate};

/// Tokens an action receipt to `receiver_id` carries: its deposits plus all the gas bought for
/// it (attached gas and execution fees, the receipt's own included) at its gas price.
///
/// # Errors
/// Overflow.
pub fn action_receipt_value(
    config: &RuntimeConfig,
    receipt: &ActionReceipt,
    receiver_id: &AccountId,
) -> Result<Balance, RuntimeError> {
    let overflow = |_| RuntimeError::UnexpectedIntegerOverflow("receipt value");
    let gas = total_prepaid_gas(&receipt.actions)
        .and_then(|g| total_prepaid_exec_fees(config, &receipt.actions, receiver_id).map(|f| (g, f)))
        .map_err(overflow)?;
    let gas =
        u128::from(gas.0) + u128::from(gas.1) + u128::from(config.fees.fee(ActionCosts::new_action_receipt).exec_fee());
    let deposit = total_deposit(&receipt.actions).map_err(overflow)?;
    gas.checked_mul(receipt.gas_price)
        .and_then(|g| g.checked_add(deposit))
        .ok_or(RuntimeError::UnexpectedIntegerOverflow("receipt value"))
}

/// Tokens any receipt carries (data receipts and global contract distributions carry none). A receipt from `system` (a refund)
/// carries only its deposits: the runtime neither burns nor refunds gas for it, whatever gas
/// price it names (as nearcore's checker counts it).
///
/// # Errors
/// Overflow.
pub fn receipt_value(config: &RuntimeConfig, receipt: &Receipt) -> Result<Balance, RuntimeError> {
    match &receipt.receipt {
        ReceiptEnum::Action(action) | ReceiptEnum::PromiseYield(action) if receipt.predecessor_id.is_system() => {
            total_deposit(&action.actions).map_err(|_| RuntimeError::UnexpectedIntegerOverflow("receipt value"))
        }
        ReceiptEnum::Action(action) | ReceiptEnum::PromiseYield(action) => {
            action_receipt_value(config, action, &receipt.receiver_id)
        }
        ReceiptEnum::Data(_) | ReceiptEnum::PromiseResume(_) | ReceiptEnum::GlobalContractDistribution(_) => Ok(0),
    }
}

/// The value a stored record holds: an account's liquid and locked balance, a gas key's
/// balance, or a stored (delayed, postponed or yielded) receipt's value. Other records hold none.
fn record_value(config: &RuntimeConfig, key: &[u8], value: Option<Vec<u8>>) -> Result<Balance, RuntimeError> {
    let Some(value) = value else { return Ok(0) };
    let corrupt = |what: &str| {
        RuntimeError::StorageError(near_store::StorageError::StorageInconsistentState(format!("cannot decode {what}")))
    };
    match key.first().copied() {
        Some(col::ACCOUNT) => {
            let account: Account = borsh::from_slice(&value).map_err(|_| corrupt("an account"))?;
            account.amount.checked_add(account.locked).ok_or(RuntimeError::UnexpectedIntegerOverflow("account total"))
        }
        // Access keys and, under the same column, gas-key nonces.
        Some(col::ACCESS_KEY) => Ok(match decode_access_key_record(&value)? {
            AccessKeyRecord::Key(access_key) => access_key.gas_key_info().map_or(0, |info| info.balance),
            AccessKeyRecord::GasKeyNonce(_) => 0,
        }),
        Some(col::DELAYED_RECEIPT_OR_INDICES) if key.len() > 1 => stored_receipt_value(config, &value),
        Some(col::POSTPONED_RECEIPT | col::PROMISE_YIELD_RECEIPT) => stored_receipt_value(config, &value),
        _ => Ok(0),
    }
}

fn stored_receipt_value(config: &RuntimeConfig, bytes: &[u8]) -> Result<Balance, RuntimeError> {
    let receipt: Receipt = borsh::from_slice(bytes).map_err(|_| {
        RuntimeError::StorageError(near_store::StorageError::StorageInconsistentState(
            "cannot decode a stored receipt".into(),
        ))
    })?;
    receipt_value(config, &receipt)
}

/// Checks the chunk's balance: every changed record before (in `initial`) and after (in
/// `state`, fully committed), with the flows in `stats`.
///
/// # Errors
/// `BalanceMismatch` with both sides; storage faults.
pub fn check_balance(
    config: &RuntimeConfig,
    initial: &Trie,
    state: &TrieUpdate,
    stats: &BalanceStats,
) -> Result<(), RuntimeError> {
    let mut before: Balance = stats
        .incoming_receipts
        .checked_add(stats.subsidized)
        .ok_or(RuntimeError::UnexpectedIntegerOverflow("balance check"))?;
    let mut after: Balance = stats.outgoing_receipts;
    for extra in [stats.tx_burnt, stats.receipts_burnt, stats.other_burnt] {
        after = after.checked_add(extra).ok_or(RuntimeError::UnexpectedIntegerOverflow("balance check"))?;
    }
    for key in state.committed_keys() {
        let old = record_value(config, key, initial.get(key)?)?;
        let new = record_value(config, key, state.get_raw(key)?)?;
        before = before.checked_add(old).ok_or(RuntimeError::UnexpectedIntegerOverflow("balance check"))?;
        after = after.checked_add(new).ok_or(RuntimeError::UnexpectedIntegerOverflow("balance check"))?;
    }
    if before != after {
        return Err(RuntimeError::BalanceMismatch { before, after, stats: Box::new(stats.clone()) });
    }
    Ok(())
}

/// Sums the value of `receipts`.
///
/// # Errors
/// Overflow.
pub fn receipts_value(config: &RuntimeConfig, receipts: &[Receipt]) -> Result<Balance, RuntimeError> {
    receipts.iter().try_fold(0u128, |total, receipt| {
        total
            .checked_add(receipt_value(config, receipt)?)
            .ok_or(RuntimeError::UnexpectedIntegerOverflow("receipts value"))
    })
}
