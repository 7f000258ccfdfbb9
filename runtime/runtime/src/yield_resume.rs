//! NEP-519 in the runtime: recording new yields (status, timeout queue), storing yielded
//! receipts as soon as the receipt that created them finishes ("instant" receipts, as nearcore
//! since protocol 83), delivering `PromiseResume` data, and the end-of-chunk timeout pass.
//! Corresponds to the yield parts of nearcore's `runtime/runtime/src/lib.rs` and `ext.rs`.

use crate::types::{ApplyState, RuntimeError};
use near_primitives::hash::CryptoHash;
use near_primitives::receipt::{
    DataReceipt, PromiseYieldIndices, PromiseYieldStatus, PromiseYieldTimeout, Receipt, ReceiptEnum, ReceivedData,
    create_receipt_id_from_receipt_id,
};
use near_primitives::trie_key::TrieKey;
use near_primitives::types::AccountId;
use near_store::TrieUpdate;
use near_store::utils::{get, set};

/// Records a yield created by a successful call: its status (`Yielded`) and its entry in the
/// timeout queue, expiring `yield_timeout_length_in_blocks` after this block.
///
/// # Errors
/// Storage faults.
pub(crate) fn record_new_yield(
    state: &mut TrieUpdate,
    apply_state: &ApplyState,
    account_id: &AccountId,
    data_id: CryptoHash,
) -> Result<(), RuntimeError> {
    set(state, TrieKey::PromiseYieldStatus { receiver_id: account_id.clone(), data_id }, &PromiseYieldStatus::Yielded);
    let mut indices: PromiseYieldIndices = get(state, &TrieKey::PromiseYieldIndices)?.unwrap_or_default();
    let timeout = apply_state.config.wasm_config.limit_config.yield_timeout_length_in_blocks;
    let entry = PromiseYieldTimeout {
        account_id: account_id.clone(),
        data_id,
        expires_at: apply_state.block_height.saturating_add(timeout),
    };
    set(state, TrieKey::PromiseYieldTimeout { index: indices.next_available_index }, &entry);
    indices.next_available_index += 1;
    set(state, TrieKey::PromiseYieldIndices, &indices);
    Ok(())
}

/// Stores the yielded receipts an execution created (they never leave the chunk) under
/// `PromiseYieldReceipt{account, data_id}`, as soon as the receipt that created them finishes
/// ("instant" receipts, as nearcore since protocol 83).
///
/// # Errors
/// A yielded receipt without exactly one input (a node bug).
pub(crate) fn store_instant_yields(state: &mut TrieUpdate, yielded: Vec<Receipt>) -> Result<(), RuntimeError> {
    for receipt in &yielded {
        store_yield(state, receipt)?;
    }
    Ok(())
}

/// Stores a yielded receipt under `PromiseYieldReceipt{account, data_id}`, whether created in
/// this chunk or arriving as a receipt.
///
/// # Errors
/// A yielded receipt without exactly one input (a node bug).
pub(crate) fn store_yield(state: &mut TrieUpdate, receipt: &Receipt) -> Result<(), RuntimeError> {
    let ReceiptEnum::PromiseYield(action_receipt) = &receipt.receipt else { return Ok(()) };
    let [data_id] = action_receipt.input_data_ids[..] else {
        return Err(inconsistent("a yielded receipt needs exactly one input"));
    };
    set(state, TrieKey::PromiseYieldReceipt { receiver_id: receipt.receiver_id.clone(), data_id }, receipt);
    Ok(())
}

/// Takes `PromiseResume` data: if the yield is still pending, removes its records, stores the
/// payload as the yielded receipt's input (`None`: the timeout, seen as a failed promise),
/// commits (the delivery stands even if the callback fails) and returns the yielded receipt
/// for the caller to execute. A timeout after a resume was initiated, and any resume after the
/// first, is dropped (`None`).
///
/// # Errors
/// Storage faults; a stored yield that is not a `PromiseYield` receipt.
pub(crate) fn take_resumed_yield(
    state: &mut TrieUpdate,
    receiver_id: &AccountId,
    resume: &DataReceipt,
) -> Result<Option<Receipt>, RuntimeError> {
    let data_id = resume.data_id;
    let status_key = TrieKey::PromiseYieldStatus { receiver_id: receiver_id.clone(), data_id };
    let status: Option<PromiseYieldStatus> = get(state, &status_key)?;
    if resume.data.is_none() && status == Some(PromiseYieldStatus::ResumeInitiated) {
        return Ok(None);
    }
    let yield_key = TrieKey::PromiseYieldReceipt { receiver_id: receiver_id.clone(), data_id };
    let Some(yielded) = get::<Receipt>(state, &yield_key)? else { return Ok(None) };
    if !matches!(yielded.receipt, ReceiptEnum::PromiseYield(_)) {
        return Err(inconsistent("a stored yield is not a PromiseYield"));
    }
    state.remove(yield_key);
    state.remove(status_key);
    let reverse = TrieKey::DataIdToYieldId { receiver_id: receiver_id.clone(), data_id };
    if let Some(yield_id) = get::<CryptoHash>(state, &reverse)? {
        state.remove(reverse);
        state.remove(TrieKey::YieldIdToDataId { receiver_id: receiver_id.clone(), yield_id });
    }
    let received = ReceivedData { data: resume.data.clone() };
    set(state, TrieKey::ReceivedData { receiver_id: receiver_id.clone(), data_id }, &received);
    state.commit();
    Ok(Some(yielded))
}

fn inconsistent(what: &str) -> RuntimeError {
    near_store::StorageError::StorageInconsistentState(what.to_string()).into()
}

/// The end-of-chunk timeout pass: from the head of the FIFO queue, every entry expired at this
/// height whose yield is still pending becomes a `PromiseResume` with no data, sent to the next
/// chunk. Stops at the first unexpired entry (so pending yields cost nothing per block) or
/// when the chunk's compute is spent. Commits `state`.
///
/// # Errors
/// Storage faults.
pub(crate) fn resolve_yield_timeouts(
    state: &mut TrieUpdate,
    apply_state: &ApplyState,
    compute_used: u64,
) -> Result<Vec<Receipt>, RuntimeError> {
    let Some(mut indices) = get::<PromiseYieldIndices>(state, &TrieKey::PromiseYieldIndices)? else {
        return Ok(Vec::new());
    };
    let initial = indices;
    let mut timeouts = Vec::new();
    while indices.first_index < indices.next_available_index && compute_used < apply_state.gas_limit {
        let key = TrieKey::PromiseYieldTimeout { index: indices.first_index };
        let entry: PromiseYieldTimeout = get(state, &key)?.ok_or_else(|| {
            near_store::StorageError::StorageInconsistentState(format!(
                "yield timeout {} is missing",
                indices.first_index
            ))
        })?;
        if entry.expires_at > apply_state.block_height {
            break;
        }
        let pending = TrieKey::PromiseYieldReceipt { receiver_id: entry.account_id.clone(), data_id: entry.data_id };
        if state.contains_key(&pending)? {
            timeouts.push(Receipt {
                predecessor_id: entry.account_id.clone(),
                receiver_id: entry.account_id,
                receipt_id: create_receipt_id_from_receipt_id(
                    &entry.data_id,
                    apply_state.block_height,
                    timeouts.len() as u64,
                ),
                receipt: ReceiptEnum::PromiseResume(DataReceipt { data_id: entry.data_id, data: None }),
            });
        }
        state.remove(key);
        indices.first_index += 1;
    }
    if indices != initial {
        set(state, TrieKey::PromiseYieldIndices, &indices);
    }
    state.commit();
    Ok(timeouts)
}
