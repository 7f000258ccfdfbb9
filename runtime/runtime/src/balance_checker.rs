//! The balance checker: after every chunk, the tokens that existed before (account balances,
//! receipts in flight and stored) equal the tokens after plus what was burnt. A mismatch is a
//! node bug, reported as [`RuntimeError::BalanceMismatch`], never recorded as an outcome.
//! Corresponds to nearcore's `runtime/runtime/src/balance_checker.rs`.

use crate::RuntimeError;
use crate::receipts::receipt_value;
use near_parameters::RuntimeConfig;
use near_primitives::account::Account;
use near_primitives::receipt::Receipt;
use near_primitives::trie_key::col;
use near_primitives::types::Balance;
use near_store::{Trie, TrieUpdate};

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
}

/// The value a stored record holds: an account's liquid and locked balance, or a stored
/// (delayed, postponed or yielded) receipt's value. Other records hold none.
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
    let mut before: Balance = stats.incoming_receipts;
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
