//! Executing receipts: action receipts (with their data dependencies and postponement), data
//! receipts, refunds and the receipts an execution sends on. The receipt half of nearcore's
//! `runtime/runtime/src/lib.rs`.

use crate::actions::{
    ActionContext, ActionResult, action_add_key, action_create_account, action_delete_account, action_delete_key,
    action_deploy_contract, action_function_call, action_stake, action_transfer,
};
use crate::config::{exec_fee, total_deposit, total_prepaid_exec_fees, total_prepaid_gas};
use crate::verifier::check_storage_stake;
use crate::{ApplyState, Runtime, RuntimeError};
use near_parameters::{ActionCosts, RuntimeConfig};
use near_primitives::account::Account;
use near_primitives::action::{Action, TransferAction};
use near_primitives::crypto::PublicKey;
use near_primitives::errors::{ActionError, ActionErrorKind, TxExecutionError};
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
use near_vm_runner::logic::{PromiseResult, ReturnData};

/// The account refunds come from.
pub fn system_account() -> AccountId {
    "system".parse().expect("`system` is a valid account id")
}

/// A receipt from `system` giving `amount` back to `receiver_id`: refunds of deposits and
/// gas, and a deleted account's balance. Executing it burns no gas and refunds nothing.
pub fn balance_refund(receiver_id: &AccountId, amount: Balance) -> Receipt {
    Receipt {
        predecessor_id: system_account(),
        receiver_id: receiver_id.clone(),
        receipt_id: CryptoHash::default(),
        receipt: ReceiptEnum::Action(ActionReceipt {
            signer_id: system_account(),
            signer_public_key: PublicKey::ED25519([0; 32]),
            gas_price: 0,
            output_data_receivers: Vec::new(),
            input_data_ids: Vec::new(),
            actions: vec![Action::Transfer(TransferAction { deposit: amount })],
        }),
    }
}

/// Tokens an action receipt carries: its deposits plus all the gas bought for it (attached gas
/// and execution fees, the receipt's own included) at its gas price.
///
/// # Errors
/// Overflow.
pub fn action_receipt_value(config: &RuntimeConfig, receipt: &ActionReceipt) -> Result<Balance, RuntimeError> {
    let overflow = |_| RuntimeError::UnexpectedIntegerOverflow("receipt value");
    let gas = total_prepaid_gas(&receipt.actions)
        .and_then(|g| total_prepaid_exec_fees(config, &receipt.actions).map(|f| (g, f)))
        .map_err(overflow)?;
    let gas =
        u128::from(gas.0) + u128::from(gas.1) + u128::from(config.fees.fee(ActionCosts::new_action_receipt).exec_fee());
    let deposit = total_deposit(&receipt.actions).map_err(overflow)?;
    gas.checked_mul(receipt.gas_price)
        .and_then(|g| g.checked_add(deposit))
        .ok_or(RuntimeError::UnexpectedIntegerOverflow("receipt value"))
}

/// Tokens any receipt carries (data receipts carry none).
///
/// # Errors
/// Overflow.
pub fn receipt_value(config: &RuntimeConfig, receipt: &Receipt) -> Result<Balance, RuntimeError> {
    match &receipt.receipt {
        ReceiptEnum::Action(action) | ReceiptEnum::PromiseYield(action) => action_receipt_value(config, action),
        ReceiptEnum::Data(_) | ReceiptEnum::PromiseResume(_) => Ok(0),
    }
}

/// The account an action applies to, and who performs it, across a receipt's actions.
struct ActionTarget<'a> {
    account: &'a mut Option<Account>,
    actor_id: &'a mut AccountId,
    is_refund: bool,
}

/// What executing one receipt produced, for the chunk's totals.
pub(crate) struct ReceiptExecution {
    pub(crate) outcome: ExecutionOutcomeWithId,
    pub(crate) compute_usage: u64,
    pub(crate) outgoing: Vec<Receipt>,
    pub(crate) validator_proposals: Vec<crate::ValidatorProposal>,
    /// Tokens lost without being burnt as gas: a refund to an account that no longer exists.
    pub(crate) other_burnt: Balance,
}

impl Runtime {
    /// Handles one receipt: stores data, postpones an action receipt whose data has not all
    /// arrived, or executes it (and any receipt the data completes). Commits `state`.
    ///
    /// # Errors
    /// Node faults only.
    pub(crate) fn process_receipt(
        &self,
        state: &mut TrieUpdate,
        apply_state: &ApplyState,
        receipt: &Receipt,
    ) -> Result<Option<ReceiptExecution>, RuntimeError> {
        let receiver_id = &receipt.receiver_id;
        let mut execution = match &receipt.receipt {
            ReceiptEnum::Data(data) => self.receive_data(state, apply_state, receiver_id, data)?,
            ReceiptEnum::PromiseResume(data) => self.process_promise_resume(state, apply_state, receiver_id, data)?,
            ReceiptEnum::PromiseYield(_) => {
                self.process_promise_yield(state, receipt)?;
                None
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
                    Some(self.apply_action_receipt(state, apply_state, receipt, action_receipt)?)
                } else {
                    let receipt_id = receipt.receipt_id;
                    set(state, TrieKey::PendingDataCount { receiver_id: receiver_id.clone(), receipt_id }, &pending);
                    set(state, TrieKey::PostponedReceipt { receiver_id: receiver_id.clone(), receipt_id }, receipt);
                    None
                }
            }
        };
        if let Some(execution) = execution.as_mut() {
            crate::yield_resume::store_instant_yields(state, execution)?;
        }
        state.commit();
        Ok(execution)
    }

    fn receive_data(
        &self,
        state: &mut TrieUpdate,
        apply_state: &ApplyState,
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
        let (ReceiptEnum::Action(action_receipt) | ReceiptEnum::PromiseYield(action_receipt)) = &postponed.receipt
        else {
            return Err(RuntimeError::StorageError(inconsistent("a postponed receipt that is not an action receipt")));
        };
        Ok(Some(self.apply_action_receipt(state, apply_state, &postponed, action_receipt)?))
    }

    /// Executes an action receipt whose input data has all arrived.
    pub(crate) fn apply_action_receipt(
        &self,
        state: &mut TrieUpdate,
        apply_state: &ApplyState,
        receipt: &Receipt,
        action_receipt: &ActionReceipt,
    ) -> Result<ReceiptExecution, RuntimeError> {
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
        // Who acts: the predecessor, or the account itself once a `CreateAccount` made it.
        let mut actor_id = receipt.predecessor_id.clone();
        for (index, action) in action_receipt.actions.iter().enumerate() {
            let ctx = ActionContext {
                apply_state,
                runner: &self.runner,
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
            self.apply_action(state, target, &ctx, action, &mut result)?;
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
            self.push_refunds(config, receipt, action_receipt, &mut result)?;
        }
        push_data_receipts(account_id, action_receipt, &mut result);
        Ok(finish_execution(apply_state, receipt, result, other_burnt))
    }

    fn apply_action(
        &self,
        state: &mut TrieUpdate,
        target: ActionTarget<'_>,
        ctx: &ActionContext<'_>,
        action: &Action,
        result: &mut ActionResult,
    ) -> Result<(), RuntimeError> {
        let ActionTarget { account, actor_id, is_refund } = target;
        let config = ctx.apply_state.config.as_ref();
        let account_id = &ctx.receipt.receiver_id;
        if !is_refund {
            let fee = exec_fee(config, action).map_err(|_| RuntimeError::UnexpectedIntegerOverflow("exec fee"))?;
            result.add_gas(fee, fee, fee)?;
        }
        let index = Some(ctx.action_index);
        let fail = |result: &mut ActionResult, kind| result.fail(index, kind);
        if let Err(kind) = check_account_existence(action, account.as_ref(), account_id) {
            fail(result, kind);
            return Ok(());
        }
        if let Err(kind) = check_actor_permissions(action, account.as_ref(), account_id, actor_id) {
            fail(result, kind);
            return Ok(());
        }
        if let Action::CreateAccount(_) = action {
            match action_create_account(ctx) {
                Ok(new_account) => {
                    *account = Some(new_account);
                    *actor_id = account_id.clone();
                }
                Err(error) => result.result = Err(error),
            }
            return Ok(());
        }
        let Some(current) = account.as_mut() else {
            return Err(RuntimeError::StorageError(inconsistent("account checked to exist")));
        };
        let outcome: Result<(), ActionError> = match action {
            Action::CreateAccount(_) => Ok(()),
            Action::DeployContract(deploy) => action_deploy_contract(state, current, account_id, deploy).map(Ok)?,
            Action::FunctionCall(call) => action_function_call(state, current, ctx, call, result).map(Ok)?,
            Action::Transfer(transfer) => action_transfer(current, transfer.deposit).map(Ok)?,
            Action::Stake(stake) => action_stake(current, ctx, stake, result),
            Action::AddKey(add_key) => action_add_key(state, current, ctx, add_key)?,
            Action::DeleteKey(delete_key) => action_delete_key(state, current, ctx, delete_key)?,
            Action::DeleteAccount(delete) => {
                action_delete_account(state, current, ctx, delete, result)?;
                *account = None;
                Ok(())
            }
            Action::DeploySubmodule(deploy) => {
                crate::submodules::action_deploy_submodule(state, current, ctx, deploy, &self.runner)?
            }
            Action::RemoveSubmodule(remove) => crate::submodules::action_remove_submodule(state, current, ctx, remove)?,
        };
        if let Err(error) = outcome {
            result.result = Err(error);
        }
        Ok(())
    }

    fn push_refunds(
        &self,
        config: &RuntimeConfig,
        receipt: &Receipt,
        action_receipt: &ActionReceipt,
        result: &mut ActionResult,
    ) -> Result<(), RuntimeError> {
        let overflow = |_| RuntimeError::UnexpectedIntegerOverflow("refund");
        let prepaid_gas = total_prepaid_gas(&action_receipt.actions).map_err(overflow)?;
        let exec_gas = total_prepaid_exec_fees(config, &action_receipt.actions).map_err(overflow)?
            + config.fees.fee(ActionCosts::new_action_receipt).exec_fee();
        let bought: Gas = prepaid_gas.checked_add(exec_gas).ok_or(RuntimeError::UnexpectedIntegerOverflow("refund"))?;
        let (deposit_refund, spent) = if result.result.is_err() {
            (total_deposit(&action_receipt.actions).map_err(overflow)?, result.gas_burnt)
        } else {
            (0, result.gas_used)
        };
        let gas_refund = bought.checked_sub(spent).ok_or(RuntimeError::UnexpectedIntegerOverflow("gas refund"))?;
        if deposit_refund > 0 {
            result.new_receipts.push(balance_refund(&receipt.predecessor_id, deposit_refund));
        }
        let gas_balance_refund = u128::from(gas_refund) * action_receipt.gas_price;
        if gas_balance_refund > 0 {
            result.new_receipts.push(balance_refund(&action_receipt.signer_id, gas_balance_refund));
        }
        Ok(())
    }
}

fn inconsistent(what: &str) -> near_store::StorageError {
    near_store::StorageError::StorageInconsistentState(format!("missing or malformed {what}"))
}

/// Receipts other than `CreateAccount` need the account; `CreateAccount` needs it absent.
fn check_account_existence(
    action: &Action,
    account: Option<&Account>,
    account_id: &AccountId,
) -> Result<(), ActionErrorKind> {
    match (action, account) {
        (Action::CreateAccount(_), Some(_)) => {
            Err(ActionErrorKind::AccountAlreadyExists { account_id: account_id.clone() })
        }
        (Action::CreateAccount(_), None) | (_, Some(_)) => Ok(()),
        (_, None) => Err(ActionErrorKind::AccountDoesNotExist { account_id: account_id.clone() }),
    }
}

/// Actions that change keys, code or stake only come from the account itself.
fn check_actor_permissions(
    action: &Action,
    account: Option<&Account>,
    account_id: &AccountId,
    actor_id: &AccountId,
) -> Result<(), ActionErrorKind> {
    let own_only = matches!(
        action,
        Action::DeployContract(_)
            | Action::Stake(_)
            | Action::AddKey(_)
            | Action::DeleteKey(_)
            | Action::DeleteAccount(_)
            | Action::DeploySubmodule(_)
            | Action::RemoveSubmodule(_)
    );
    if own_only && actor_id != account_id {
        return Err(ActionErrorKind::ActorNoPermission { account_id: account_id.clone(), actor_id: actor_id.clone() });
    }
    if let (Action::DeleteAccount(_), Some(account)) = (action, account)
        && account.locked != 0
    {
        return Err(ActionErrorKind::DeleteAccountStaking { account_id: account_id.clone() });
    }
    Ok(())
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
    let mut outgoing = Vec::with_capacity(result.new_receipts.len());
    for (index, mut new_receipt) in result.new_receipts.into_iter().enumerate() {
        new_receipt.receipt_id =
            create_receipt_id_from_receipt_id(&receipt.receipt_id, apply_state.block_height, index as u64);
        if matches!(new_receipt.receipt, ReceiptEnum::Action(_) | ReceiptEnum::PromiseYield(_)) {
            receipt_ids.push(new_receipt.receipt_id);
        }
        outgoing.push(new_receipt);
    }
    let status = match result.result {
        Ok(ReturnData::Value(value)) => ExecutionStatus::SuccessValue(value),
        Ok(ReturnData::None) => ExecutionStatus::SuccessValue(Vec::new()),
        Ok(ReturnData::ReceiptIndex(index)) => {
            let returned = usize::try_from(index).ok().and_then(|i| outgoing.get(i));
            ExecutionStatus::SuccessReceiptId(returned.map_or_else(CryptoHash::default, |r| r.receipt_id))
        }
        Err(error) => ExecutionStatus::Failure(TxExecutionError::ActionError(error)),
    };
    let gas_price = match &receipt.receipt {
        ReceiptEnum::Action(a) | ReceiptEnum::PromiseYield(a) => a.gas_price,
        _ => apply_state.gas_price,
    };
    let outcome = ExecutionOutcome {
        logs: result.logs,
        receipt_ids,
        gas_burnt: result.gas_burnt,
        compute_usage: Some(result.compute_usage),
        tokens_burnt: u128::from(result.gas_burnt) * gas_price,
        executor_id: receipt.receiver_id.clone(),
        status,
    };
    ReceiptExecution {
        outcome: ExecutionOutcomeWithId { id: receipt.receipt_id, outcome },
        compute_usage: result.compute_usage,
        outgoing,
        validator_proposals: result.validator_proposals,
        other_burnt,
    }
}
