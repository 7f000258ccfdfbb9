//! Executing receipts: action receipts (with their data dependencies and postponement), data
//! receipts, yields and resumes, refunds and the receipts an execution sends on. The receipt
//! half of nearcore's `runtime/runtime/src/lib.rs`. Calls down into [`crate::actions`] (one
//! action at a time) and [`crate::yield_resume`] (yield records); nothing calls back up.

use crate::actions::{ActionTarget, apply_action};
use crate::config::{total_deposit, total_prepaid_exec_fees, total_prepaid_gas};
use crate::global_contracts::apply_distribution;
use crate::types::{ActionContext, ActionResult, ApplyState, RuntimeError, ValidatorProposal};
use crate::verifier::check_storage_stake;
use crate::yield_resume::{store_instant_yields, store_yield, take_resumed_yield};
use near_parameters::{ActionCosts, RuntimeConfig};
use near_primitives::errors::{ActionErrorKind, TxExecutionError};
use near_primitives::hash::CryptoHash;
use near_primitives::receipt::{
    ActionReceipt, DataReceipt, Receipt, ReceiptEnum, ReceivedData, create_action_hash_from_receipt_id,
    create_receipt_id_from_receipt_id,
};
use near_primitives::transaction::{ExecutionOutcome, ExecutionOutcomeWithId, ExecutionStatus};
use near_primitives::trie_key::TrieKey;
use near_primitives::types::{AccountId, Balance, Gas};
use near_store::TrieUpdate;
use near_store::utils::{get, get_account, set, set_account};
use near_vm_runner::ContractRunner;
use near_vm_runner::logic::{PromiseResult, ReturnData};

/// What executing one receipt produced, for the chunk's totals.
pub(crate) struct ReceiptExecution {
    /// The outcome; none for a global contract's distribution (as nearcore records none).
    pub(crate) outcome: Option<ExecutionOutcomeWithId>,
    pub(crate) compute_usage: u64,
    /// Receipts for the next chunk.
    pub(crate) outgoing: Vec<Receipt>,
    /// Yielded receipts: they never leave the chunk; stored until resumed or timed out.
    pub(crate) yielded: Vec<Receipt>,
    pub(crate) validator_proposals: Vec<ValidatorProposal>,
    /// Tokens lost without being burnt as gas: a refund to an account that no longer exists.
    pub(crate) other_burnt: Balance,
    /// Tokens minted (see `ActionResult::subsidized_amount`).
    pub(crate) subsidized: Balance,
}

/// Executes receipts in one block: the runner and the block's state.
pub(crate) struct ReceiptExecutor<'a> {
    /// The contract runner.
    pub(crate) runner: &'a ContractRunner,
    /// The block the chunk is applied in.
    pub(crate) apply_state: &'a ApplyState,
}

impl ReceiptExecutor<'_> {
    /// Handles one receipt: stores data, postpones an action receipt whose data has not all
    /// arrived, or executes it (and any receipt the data completes). Commits `state`.
    ///
    /// # Errors
    /// Node faults only.
    pub(crate) fn process_receipt(
        &self,
        state: &mut TrieUpdate,
        receipt: &Receipt,
    ) -> Result<Option<ReceiptExecution>, RuntimeError> {
        let receiver_id = &receipt.receiver_id;
        let mut execution = match &receipt.receipt {
            ReceiptEnum::Data(data) => self.receive_data(state, receiver_id, data)?,
            ReceiptEnum::PromiseResume(data) => match take_resumed_yield(state, receiver_id, data)? {
                Some(yielded) => Some(self.apply_stored_receipt(state, &yielded)?),
                None => None,
            },
            ReceiptEnum::PromiseYield(_) => {
                store_yield(state, receipt)?;
                None
            }
            ReceiptEnum::GlobalContractDistribution(distribution) => {
                let compute_usage = apply_distribution(state, &self.apply_state.config, distribution)?;
                Some(ReceiptExecution {
                    outcome: None,
                    compute_usage,
                    outgoing: Vec::new(),
                    yielded: Vec::new(),
                    validator_proposals: Vec::new(),
                    other_burnt: 0,
                    subsidized: 0,
                })
            }
            ReceiptEnum::Action(action_receipt) => {
                let mut pending = 0u32;
                for data_id in &action_receipt.input_data_ids {
                    let key = TrieKey::ReceivedData { receiver_id: receiver_id.clone(), data_id: *data_id };
                    if !state.contains_key(&key)? {
                        pending += 1;
                        let pointer =
                            TrieKey::PostponedReceiptId { receiver_id: receiver_id.clone(), data_id: *data_id };
                        set(state, pointer, &receipt.receipt_id);
                    }
                }
                if pending == 0 {
                    Some(self.apply_action_receipt(state, receipt, action_receipt)?)
                } else {
                    let receipt_id = receipt.receipt_id;
                    set(state, TrieKey::PendingDataCount { receiver_id: receiver_id.clone(), receipt_id }, &pending);
                    set(state, TrieKey::PostponedReceipt { receiver_id: receiver_id.clone(), receipt_id }, receipt);
                    None
                }
            }
        };
        if let Some(execution) = execution.as_mut() {
            store_instant_yields(state, std::mem::take(&mut execution.yielded))?;
        }
        state.commit();
        Ok(execution)
    }

    fn receive_data(
        &self,
        state: &mut TrieUpdate,
        receiver_id: &AccountId,
        data: &DataReceipt,
    ) -> Result<Option<ReceiptExecution>, RuntimeError> {
        let received = ReceivedData { data: data.data.clone() };
        set(state, TrieKey::ReceivedData { receiver_id: receiver_id.clone(), data_id: data.data_id }, &received);
        let pointer = TrieKey::PostponedReceiptId { receiver_id: receiver_id.clone(), data_id: data.data_id };
        let Some(receipt_id) = get::<CryptoHash>(state, &pointer)? else { return Ok(None) };
        state.remove(pointer);
        let count_key = TrieKey::PendingDataCount { receiver_id: receiver_id.clone(), receipt_id };
        let pending: u32 = get(state, &count_key)?
            .ok_or_else(|| RuntimeError::StorageError(inconsistent("pending data count of a postponed receipt")))?;
        if pending > 1 {
            set(state, count_key, &(pending - 1));
            return Ok(None);
        }
        state.remove(count_key);
        let postponed_key = TrieKey::PostponedReceipt { receiver_id: receiver_id.clone(), receipt_id };
        let postponed: Receipt =
            get(state, &postponed_key)?.ok_or_else(|| RuntimeError::StorageError(inconsistent("postponed receipt")))?;
        state.remove(postponed_key);
        // The data and the bookkeeping stay even if the receipt it completes fails.
        state.commit();
        Ok(Some(self.apply_stored_receipt(state, &postponed)?))
    }

    /// Executes a receipt taken from storage (postponed or yielded), which must carry actions.
    fn apply_stored_receipt(&self, state: &mut TrieUpdate, stored: &Receipt) -> Result<ReceiptExecution, RuntimeError> {
        let (ReceiptEnum::Action(action_receipt) | ReceiptEnum::PromiseYield(action_receipt)) = &stored.receipt else {
            return Err(RuntimeError::StorageError(inconsistent("a stored receipt that is not an action receipt")));
        };
        self.apply_action_receipt(state, stored, action_receipt)
    }

    /// Executes an action receipt whose input data has all arrived.
    fn apply_action_receipt(
        &self,
        state: &mut TrieUpdate,
        receipt: &Receipt,
        action_receipt: &ActionReceipt,
    ) -> Result<ReceiptExecution, RuntimeError> {
        let apply_state = self.apply_state;
        let config = &*apply_state.config;
        let account_id = &receipt.receiver_id;
        let mut promise_results = Vec::with_capacity(action_receipt.input_data_ids.len());
        for data_id in &action_receipt.input_data_ids {
            let key = TrieKey::ReceivedData { receiver_id: account_id.clone(), data_id: *data_id };
            let received: ReceivedData =
                get(state, &key)?.ok_or_else(|| RuntimeError::StorageError(inconsistent("received data")))?;
            promise_results.push(match received.data {
                Some(data) => PromiseResult::Successful(data),
                None => PromiseResult::Failed,
            });
        }
        let is_refund = receipt.predecessor_id.is_system();
        let mut result = ActionResult::default();
        if !is_refund {
            let fee = config.fees.fee(ActionCosts::new_action_receipt).exec_fee();
            result.add_gas(fee, fee, fee)?;
        }
        let mut account = get_account(state, account_id)?;
        let existed = account.is_some();
        // Who acts: the predecessor, or the account itself once a `CreateAccount` made it.
        let mut actor_id = receipt.predecessor_id.clone();
        for (index, action) in action_receipt.actions.iter().enumerate() {
            let ctx = ActionContext {
                apply_state,
                runner: self.runner,
                receipt,
                action_receipt,
                promise_results: &promise_results,
                action_index: index as u64,
                action_hash: create_action_hash_from_receipt_id(
                    &receipt.receipt_id,
                    apply_state.block_height,
                    index as u64,
                ),
                is_last_action: index + 1 == action_receipt.actions.len(),
            };
            let target = ActionTarget { account: &mut account, actor_id: &mut actor_id, is_refund };
            apply_action(state, target, &ctx, action, &mut result)?;
            if result.result.is_err() {
                break;
            }
        }
        if result.result.is_ok()
            && let Some(account) = &account
        {
            match check_storage_stake(account, config) {
                Ok(()) => set_account(state, account_id.clone(), account),
                Err(amount) => {
                    result.fail(None, ActionErrorKind::LackBalanceForState { account_id: account_id.clone(), amount })
                }
            }
        }
        if result.result.is_err() {
            state.rollback();
            result.new_receipts.clear();
            result.validator_proposals.clear();
            result.tokens_burnt = 0;
            result.subsidized_amount = 0;
        }
        for data_id in &action_receipt.input_data_ids {
            state.remove(TrieKey::ReceivedData { receiver_id: account_id.clone(), data_id: *data_id });
        }
        let mut other_burnt = 0;
        if is_refund {
            if result.result.is_err() {
                other_burnt = total_deposit(&action_receipt.actions).unwrap_or(0);
            }
        } else {
            let created_account = !existed && account.is_some() && result.result.is_ok();
            let prices = GasPrices { purchase: action_receipt.gas_price, burn: apply_state.gas_price };
            push_refunds(config, (receipt, action_receipt), prices, created_account, &mut result)?;
        }
        push_data_receipts(account_id, action_receipt, &mut result);
        Ok(finish_execution(apply_state, receipt, result, other_burnt))
    }
}

/// What a receipt's gas was bought at (its `gas_price`) and what it burns at (the block's).
#[derive(Debug, Clone, Copy)]
struct GasPrices {
    purchase: Balance,
    burn: Balance,
}

impl GasPrices {
    /// Tokens the burnt gas costs: at the burn price, but never more than was paid for it (a
    /// price rise is not charged: nearcore's price deficit).
    fn burnt_value(self, gas: Gas) -> Balance {
        u128::from(gas).saturating_mul(self.burn.min(self.purchase))
    }
}

/// The refunds of a finished receipt, as receipts from `system`: its deposits if it failed, and
/// its gas (NEP-642, protocol 85): the gas bought but not spent at the purchase price (less
/// NEP-536's penalty, burnt at the burn price; none at protocol 88), plus the
/// price surplus of the gas burnt (bought above the burn price) less what creating an account
/// should still cost (`account_creation_charge` beyond the burnt `create_account` fee, burnt).
fn push_refunds(
    config: &RuntimeConfig,
    (receipt, action_receipt): (&Receipt, &ActionReceipt),
    prices: GasPrices,
    created_account: bool,
    result: &mut ActionResult,
) -> Result<(), RuntimeError> {
    let overflow = |_| RuntimeError::UnexpectedIntegerOverflow("refund");
    let prepaid_gas = total_prepaid_gas(&action_receipt.actions).map_err(overflow)?;
    let exec_gas = total_prepaid_exec_fees(config, &action_receipt.actions, &receipt.receiver_id)
        .map_err(overflow)?
        .checked_add(config.fees.fee(ActionCosts::new_action_receipt).exec_fee())
        .ok_or(RuntimeError::UnexpectedIntegerOverflow("refund"))?;
    let bought: Gas = prepaid_gas.checked_add(exec_gas).ok_or(RuntimeError::UnexpectedIntegerOverflow("refund"))?;
    let (deposit_refund, spent) = if result.result.is_err() {
        (total_deposit(&action_receipt.actions).map_err(overflow)?, result.gas_burnt)
    } else {
        (0, result.gas_used)
    };
    let unused = bought.checked_sub(spent).ok_or(RuntimeError::UnexpectedIntegerOverflow("gas refund"))?;
    // NEP-536: part of the unused gas is kept, burnt at the burn price (0 at protocol 88).
    let penalty = u128::from(config.fees.gas_penalty_for_gas_refund(unused)).saturating_mul(prices.burn);
    let too_much = || RuntimeError::UnexpectedIntegerOverflow("gas refund");
    let mut surplus =
        u128::from(result.gas_burnt).checked_mul(prices.purchase.saturating_sub(prices.burn)).ok_or_else(too_much)?;
    if created_account {
        let create_fee = config.fees.fee(ActionCosts::create_account).exec_fee();
        let burnt_fee = u128::from(create_fee).saturating_mul(prices.burn);
        let still_owed = config.fees.account_creation_charge.saturating_sub(burnt_fee);
        let charged = still_owed.min(surplus);
        surplus -= charged;
        result.tokens_burnt =
            result.tokens_burnt.checked_add(charged).ok_or(RuntimeError::UnexpectedIntegerOverflow("burnt"))?;
    }
    if deposit_refund > 0 {
        result.new_receipts.push(Receipt::new_balance_refund(receipt.balance_refund_receiver(), deposit_refund));
    }
    let unused_refund = u128::from(unused).checked_mul(prices.purchase).ok_or_else(too_much)?.saturating_sub(penalty);
    let penalty = penalty.min(u128::from(unused).saturating_mul(prices.purchase));
    result.tokens_burnt = result.tokens_burnt.checked_add(penalty).ok_or_else(too_much)?;
    let gas_balance_refund = unused_refund.checked_add(surplus).ok_or_else(too_much)?;
    if gas_balance_refund > 0 {
        let signer_key = action_receipt.signer_public_key.clone();
        result.new_receipts.push(Receipt::new_gas_refund(&action_receipt.signer_id, gas_balance_refund, signer_key));
    }
    Ok(())
}

fn inconsistent(what: &str) -> near_store::StorageError {
    near_store::StorageError::StorageInconsistentState(format!("missing or malformed {what}"))
}

/// The receipt's result, as data for the receipts waiting on it (unless it handed its
/// receivers to a receipt it returned).
fn push_data_receipts(account_id: &AccountId, action_receipt: &ActionReceipt, result: &mut ActionResult) {
    if action_receipt.output_data_receivers.is_empty() {
        return;
    }
    if let Ok(ReturnData::ReceiptIndex(index)) = result.result {
        let forwarded = usize::try_from(index).ok().and_then(|i| result.new_receipts.get_mut(i));
        if let Some(Receipt { receipt: ReceiptEnum::Action(returned), .. }) = forwarded {
            returned.output_data_receivers.extend(action_receipt.output_data_receivers.iter().cloned());
            return;
        }
    }
    let data = match &result.result {
        Ok(ReturnData::Value(value)) => Some(value.clone()),
        Ok(_) => Some(Vec::new()),
        Err(_) => None,
    };
    for receiver in &action_receipt.output_data_receivers {
        result.new_receipts.push(Receipt {
            predecessor_id: account_id.clone(),
            receiver_id: receiver.receiver_id.clone(),
            receipt_id: CryptoHash::default(),
            receipt: ReceiptEnum::Data(DataReceipt { data_id: receiver.data_id, data: data.clone() }),
        });
    }
}

/// Numbers the new receipts and builds the outcome.
fn finish_execution(
    apply_state: &ApplyState,
    receipt: &Receipt,
    result: ActionResult,
    other_burnt: Balance,
) -> ReceiptExecution {
    let mut receipt_ids = Vec::new();
    let mut numbered = result.new_receipts;
    for (index, new_receipt) in numbered.iter_mut().enumerate() {
        new_receipt.receipt_id =
            create_receipt_id_from_receipt_id(&receipt.receipt_id, apply_state.block_height, index as u64);
        // Receipts that get an outcome of their own (data and distributions get none).
        if matches!(new_receipt.receipt, ReceiptEnum::Action(_) | ReceiptEnum::PromiseYield(_)) {
            receipt_ids.push(new_receipt.receipt_id);
        }
    }
    let status = match result.result {
        Ok(ReturnData::Value(value)) => ExecutionStatus::SuccessValue(value),
        Ok(ReturnData::None) => ExecutionStatus::SuccessValue(Vec::new()),
        Ok(ReturnData::ReceiptIndex(index)) => {
            let returned = usize::try_from(index).ok().and_then(|i| numbered.get(i));
            ExecutionStatus::SuccessReceiptId(returned.map_or_else(CryptoHash::default, |r| r.receipt_id))
        }
        Err(error) => ExecutionStatus::Failure(TxExecutionError::ActionError(error)),
    };
    let (yielded, outgoing): (Vec<Receipt>, Vec<Receipt>) =
        numbered.into_iter().partition(|r| matches!(r.receipt, ReceiptEnum::PromiseYield(_)));
    let purchase = match &receipt.receipt {
        ReceiptEnum::Action(a) | ReceiptEnum::PromiseYield(a) => a.gas_price,
        _ => apply_state.gas_price,
    };
    let prices = GasPrices { purchase, burn: apply_state.gas_price };
    let outcome = ExecutionOutcome {
        logs: result.logs,
        receipt_ids,
        gas_burnt: result.gas_burnt,
        compute_usage: Some(result.compute_usage),
        tokens_burnt: prices.burnt_value(result.gas_burnt).saturating_add(result.tokens_burnt),
        executor_id: receipt.receiver_id.clone(),
        status,
    };
    ReceiptExecution {
        outcome: Some(ExecutionOutcomeWithId { id: receipt.receipt_id, outcome }),
        compute_usage: result.compute_usage,
        outgoing,
        yielded,
        validator_proposals: result.validator_proposals,
        other_burnt,
        subsidized: result.subsidized_amount,
    }
}
