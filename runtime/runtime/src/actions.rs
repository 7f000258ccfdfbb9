//! Applying one action to the receiving account. Corresponds to nearcore's
//! `runtime/runtime/src/actions.rs`.

use crate::ext::{ExtContext, RuntimeExt};
use crate::verifier::{ACCESS_KEY_NONCE_RANGE_MULTIPLIER, validate_action_receipt};
use crate::{ApplyState, RuntimeError, ValidatorProposal};
use near_parameters::RuntimeConfig;
use near_primitives::account::{AccessKey, Account};
use near_primitives::action::{
    AddKeyAction, DeleteAccountAction, DeleteKeyAction, DeployContractAction, FunctionCallAction, StakeAction,
};
use near_primitives::crypto::PublicKey;
use near_primitives::errors::{
    ActionError, ActionErrorKind, CompilationError, FunctionCallError, ReceiptValidationError,
};
use near_primitives::hash::{CryptoHash, hash};
use near_primitives::receipt::{ActionReceipt, DataReceipt, Receipt, ReceiptEnum};
use near_primitives::trie_key::{TrieKey, access_key_prefix, contract_data_prefix, submodule_code_prefix};
use near_primitives::types::{AccountId, Gas};
use near_store::TrieUpdate;
use near_store::utils::{get_access_key, get_code, set_access_key};
use near_vm_runner::ContractRunner;
use near_vm_runner::logic::{PromiseResult, ReturnData, VMContext};
use std::any::Any;

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
    fn config(&self) -> &RuntimeConfig {
        &self.apply_state.config
    }

    fn account_id(&self) -> &AccountId {
        &self.receipt.receiver_id
    }

    fn error(&self, kind: ActionErrorKind) -> ActionError {
        ActionError { index: Some(self.action_index), kind }
    }
}

/// Storage bytes an access key record takes.
pub fn access_key_storage_bytes(config: &RuntimeConfig, public_key: &PublicKey, access_key: &AccessKey) -> u64 {
    let value = borsh::object_length(access_key).unwrap_or_default() as u64;
    public_key.len() as u64 + value + config.fees.storage_usage_config.num_extra_bytes_record
}

/// `CreateAccount`: checks naming rules; the new account starts empty.
pub(crate) fn action_create_account(ctx: &ActionContext<'_>) -> Result<Account, ActionError> {
    let account_id = ctx.account_id();
    let predecessor_id = &ctx.receipt.predecessor_id;
    let creation = &ctx.config().account_creation_config;
    if account_id.get_account_type().is_implicit() {
        return Err(ctx.error(ActionErrorKind::OnlyImplicitAccountCreationAllowed { account_id: account_id.clone() }));
    }
    if account_id.is_top_level() {
        if account_id.len() < usize::from(creation.min_allowed_top_level_account_length)
            && predecessor_id != &creation.registrar_account_id
        {
            return Err(ctx.error(ActionErrorKind::CreateAccountOnlyByRegistrar {
                account_id: account_id.clone(),
                registrar_account_id: creation.registrar_account_id.clone(),
                predecessor_id: predecessor_id.clone(),
            }));
        }
    } else if !account_id.is_sub_account_of(predecessor_id) {
        return Err(ctx.error(ActionErrorKind::CreateAccountNotAllowed {
            account_id: account_id.clone(),
            predecessor_id: predecessor_id.clone(),
        }));
    }
    Ok(Account::new(0, ctx.config().fees.storage_usage_config.num_bytes_account))
}

/// `DeployContract`: stores the code and its hash, adjusting storage usage.
pub(crate) fn action_deploy_contract(
    state: &mut TrieUpdate,
    account: &mut Account,
    account_id: &AccountId,
    deploy: &DeployContractAction,
) -> Result<(), RuntimeError> {
    let previous_len = get_code(state, account_id)?.map_or(0, |code| code.len() as u64);
    account.storage_usage = account.storage_usage.saturating_sub(previous_len) + deploy.code.len() as u64;
    account.code_hash = hash(&deploy.code);
    state.set(TrieKey::ContractCode { account_id: account_id.clone() }, deploy.code.clone());
    Ok(())
}

/// `FunctionCall`: runs the contract against the state; on success the account takes the
/// contract's balance and storage usage and its receipts join `result`.
pub(crate) fn action_function_call(
    state: &mut TrieUpdate,
    account: &mut Account,
    ctx: &ActionContext<'_>,
    call: &FunctionCallAction,
    result: &mut ActionResult,
) -> Result<(), RuntimeError> {
    let account_id = ctx.account_id();
    if account.amount.checked_add(call.deposit).is_none() {
        return Err(RuntimeError::UnexpectedIntegerOverflow("balance plus attached deposit"));
    }
    let Some(code) = get_code(state, account_id)? else {
        let missing = CompilationError::CodeDoesNotExist { account_id: account_id.clone() };
        result.result =
            Err(ctx.error(ActionErrorKind::FunctionCallError(FunctionCallError::CompilationError(missing))));
        return Ok(());
    };
    let apply_state = ctx.apply_state;
    let context = VMContext {
        current_account_id: account_id.clone(),
        signer_account_id: ctx.action_receipt.signer_id.clone(),
        signer_account_pk: ctx.action_receipt.signer_public_key.clone(),
        predecessor_account_id: ctx.receipt.predecessor_id.clone(),
        input: call.args.clone(),
        promise_results: ctx.promise_results.to_vec(),
        block_height: apply_state.block_height,
        block_timestamp: apply_state.block_timestamp,
        epoch_height: apply_state.epoch_height,
        account_balance: account.amount,
        account_locked_balance: account.locked,
        storage_usage: account.storage_usage,
        attached_deposit: call.deposit,
        prepaid_gas: call.gas,
        random_seed: apply_state.random_seed.as_bytes().to_vec(),
        view_config: None,
        output_data_receivers: if ctx.is_last_action {
            ctx.action_receipt.output_data_receivers.iter().map(|r| r.receiver_id.clone()).collect()
        } else {
            Vec::new()
        },
    };
    let ext = RuntimeExt::new(
        state.take(),
        ExtContext {
            account_id: account_id.clone(),
            action_hash: ctx.action_hash,
            block_height: apply_state.block_height,
            validators: apply_state.validators.clone(),
        },
    );
    let (outcome, ext) = ctx
        .runner
        .run(&code, &call.method_name, Box::new(ext), context, ctx.config())
        .map_err(|e| RuntimeError::VMFault(e.to_string()))?;
    let ext: Box<dyn Any> = ext;
    let ext =
        ext.downcast::<RuntimeExt>().map_err(|_| RuntimeError::VMFault("runner returned a foreign External".into()))?;
    state.restore(ext.into_state());

    result.add_gas(outcome.burnt_gas, outcome.used_gas, outcome.compute_usage)?;
    result.logs.extend(outcome.logs);
    if let Some(error) = outcome.aborted {
        let stored = near_primitives::error_messages::to_outcome_error(error);
        result.result = Err(ctx.error(ActionErrorKind::FunctionCallError(stored)));
        return Ok(());
    }
    account.amount = outcome.balance;
    account.storage_usage = outcome.storage_usage;
    let first_new_receipt = result.new_receipts.len() as u64;
    for metadata in outcome.action_receipts {
        let is_yield = metadata.is_promise_yield;
        let action_receipt = ActionReceipt {
            signer_id: ctx.action_receipt.signer_id.clone(),
            signer_public_key: ctx.action_receipt.signer_public_key.clone(),
            gas_price: ctx.action_receipt.gas_price,
            output_data_receivers: metadata.output_data_receivers,
            input_data_ids: metadata.input_data_ids,
            actions: metadata.actions,
        };
        if let Err(error) = validate_action_receipt(&ctx.config().wasm_config.limit_config, &action_receipt) {
            result.result = Err(ctx.error(ActionErrorKind::NewReceiptValidationError(error)));
            return Ok(());
        }
        if is_yield && let Some(data_id) = action_receipt.input_data_ids.first() {
            crate::yield_resume::record_new_yield(state, apply_state, account_id, *data_id)?;
        }
        result.new_receipts.push(Receipt {
            predecessor_id: account_id.clone(),
            receiver_id: metadata.receiver_id,
            // Assigned when the receipt leaves the executing one.
            receipt_id: CryptoHash::default(),
            receipt: if is_yield {
                ReceiptEnum::PromiseYield(action_receipt)
            } else {
                ReceiptEnum::Action(action_receipt)
            },
        });
    }
    for resume in outcome.yield_resumes {
        let data = DataReceipt { data_id: resume.data_id, data: Some(resume.payload) };
        result.new_receipts.push(Receipt {
            predecessor_id: account_id.clone(),
            receiver_id: account_id.clone(),
            receipt_id: CryptoHash::default(),
            receipt: if resume.to_pending_yield { ReceiptEnum::PromiseResume(data) } else { ReceiptEnum::Data(data) },
        });
    }
    result.result = Ok(match outcome.return_data {
        ReturnData::ReceiptIndex(index) => ReturnData::ReceiptIndex(first_new_receipt + index),
        ReturnData::Value(value) => {
            let limit = ctx.config().wasm_config.limit_config.max_length_returned_data;
            if value.len() as u64 > limit {
                let error = ReceiptValidationError::ReturnedValueLengthExceeded { length: value.len() as u64, limit };
                result.result = Err(ctx.error(ActionErrorKind::NewReceiptValidationError(error)));
                return Ok(());
            }
            ReturnData::Value(value)
        }
        ReturnData::None => ReturnData::None,
    });
    Ok(())
}

/// `Transfer`: credits the deposit.
pub(crate) fn action_transfer(account: &mut Account, deposit: u128) -> Result<(), RuntimeError> {
    account.amount = account.amount.checked_add(deposit).ok_or(RuntimeError::UnexpectedIntegerOverflow("transfer"))?;
    Ok(())
}

/// `Stake`: locks more balance now; a smaller stake is a proposal the epoch change would honour
/// (this runtime has no epochs, so the locked balance stays until a later increase).
pub(crate) fn action_stake(
    account: &mut Account,
    ctx: &ActionContext<'_>,
    stake: &StakeAction,
    result: &mut ActionResult,
) -> Result<(), ActionError> {
    let account_id = ctx.account_id();
    if account.locked == 0 && stake.stake == 0 {
        return Err(ctx.error(ActionErrorKind::TriesToUnstake { account_id: account_id.clone() }));
    }
    let increment = stake.stake.saturating_sub(account.locked);
    if account.amount < increment {
        return Err(ctx.error(ActionErrorKind::TriesToStake {
            account_id: account_id.clone(),
            stake: stake.stake,
            locked: account.locked,
            balance: account.amount,
        }));
    }
    result.validator_proposals.push(ValidatorProposal {
        account_id: account_id.clone(),
        public_key: stake.public_key.clone(),
        stake: stake.stake,
    });
    if stake.stake > account.locked {
        account.amount -= increment;
        account.locked = stake.stake;
    }
    Ok(())
}

/// `AddKey`: stores the key with a fresh nonce range.
pub(crate) fn action_add_key(
    state: &mut TrieUpdate,
    account: &mut Account,
    ctx: &ActionContext<'_>,
    add_key: &AddKeyAction,
) -> Result<Result<(), ActionError>, RuntimeError> {
    let account_id = ctx.account_id();
    if get_access_key(state, account_id, &add_key.public_key)?.is_some() {
        return Ok(Err(ctx.error(ActionErrorKind::AddKeyAlreadyExists {
            account_id: account_id.clone(),
            public_key: Box::new(add_key.public_key.clone()),
        })));
    }
    let mut access_key = add_key.access_key.clone();
    access_key.nonce = ctx.apply_state.block_height.saturating_sub(1).saturating_mul(ACCESS_KEY_NONCE_RANGE_MULTIPLIER);
    account.storage_usage += access_key_storage_bytes(ctx.config(), &add_key.public_key, &access_key);
    set_access_key(state, account_id.clone(), add_key.public_key.clone(), &access_key);
    Ok(Ok(()))
}

/// `DeleteKey`: removes the key and its storage.
pub(crate) fn action_delete_key(
    state: &mut TrieUpdate,
    account: &mut Account,
    ctx: &ActionContext<'_>,
    delete_key: &DeleteKeyAction,
) -> Result<Result<(), ActionError>, RuntimeError> {
    let account_id = ctx.account_id();
    let Some(access_key) = get_access_key(state, account_id, &delete_key.public_key)? else {
        return Ok(Err(ctx.error(ActionErrorKind::DeleteKeyDoesNotExist {
            account_id: account_id.clone(),
            public_key: Box::new(delete_key.public_key.clone()),
        })));
    };
    let bytes = access_key_storage_bytes(ctx.config(), &delete_key.public_key, &access_key);
    account.storage_usage = account.storage_usage.saturating_sub(bytes);
    state.remove(TrieKey::AccessKey { account_id: account_id.clone(), public_key: delete_key.public_key.clone() });
    Ok(Ok(()))
}

/// `DeleteAccount`: removes every record of the account (keys, code, data, submodules) and
/// sends its balance to the beneficiary in a refund-style receipt.
pub(crate) fn action_delete_account(
    state: &mut TrieUpdate,
    account: &Account,
    ctx: &ActionContext<'_>,
    delete: &DeleteAccountAction,
    result: &mut ActionResult,
) -> Result<(), RuntimeError> {
    let account_id = ctx.account_id();
    for prefix in [access_key_prefix(account_id), contract_data_prefix(account_id), submodule_code_prefix(account_id)] {
        for (key, _) in state.iter_prefix(&prefix)? {
            state.remove_raw(key);
        }
    }
    state.remove(TrieKey::ContractCode { account_id: account_id.clone() });
    state.remove(TrieKey::Account { account_id: account_id.clone() });
    if account.amount > 0 {
        result.new_receipts.push(crate::receipts::balance_refund(&delete.beneficiary_id, account.amount));
    }
    Ok(())
}
