//! Applying one action to the receiving account: [`apply_action`] checks the account and the
//! actor, charges the action's execution fee and dispatches to one handler per action (the
//! NEP-481 ones in [`crate::submodules`]). Every handler has one shape: `Err` is a node fault
//! ([`RuntimeError`]), an action failure is recorded in the [`ActionResult`]. Corresponds to
//! nearcore's `runtime/runtime/src/actions.rs`.

use crate::access_keys::{
    GasKeysOfAccount, access_key_storage_bytes, action_add_key, action_delete_key, action_transfer_to_gas_key,
    action_withdraw_from_gas_key, refund_gas_to_key,
};
use crate::config::exec_cost;
use crate::deterministic_account_id::action_deterministic_state_init;
use crate::ext::{ExtContext, RuntimeExt};
use crate::global_contracts::{
    account_code, action_deploy_global_contract, clear_contract, contract_storage_bytes, use_global_contract,
};
use crate::submodules::{action_deploy_submodule, action_remove_submodule};
use crate::types::{ActionContext, ActionResult, RuntimeError, ValidatorProposal};
use crate::universal_account_id::action_universal_state_init;
use crate::verifier::initial_nonce_value;
use crate::verifier::validate_action_receipt;
use crate::yield_resume::record_new_yield;
use near_parameters::transfer_fees::effective_account_type;
use near_primitives::account::{AccessKey, Account, AccountContract, GasKeyInfo};
use near_primitives::action::{Action, DeleteAccountAction, DeployContractAction, FunctionCallAction, StakeAction};
use near_primitives::crypto::PublicKey;
use near_primitives::errors::{ActionErrorKind, CompilationError, FunctionCallError, ReceiptValidationError};
use near_primitives::hash::{CryptoHash, hash};
use near_primitives::receipt::{ActionReceipt, DataReceipt, Receipt, ReceiptEnum};
use near_primitives::trie_key::{
    TrieKey, access_key_prefix, contract_data_prefix, submodule_code_info_prefix, submodule_code_prefix,
};
use near_primitives::types::{AccountId, AccountType};
use near_store::TrieUpdate;
use near_store::utils::set_access_key;
use near_vm_runner::AccountCode;
use near_vm_runner::logic::{ReturnData, VMContext};
use std::any::Any;

/// The most bytes of state (besides its contract) an account may hold and still be deleted in
/// one receipt (nearcore's `Account::MAX_ACCOUNT_DELETION_STORAGE_USAGE`).
pub const MAX_ACCOUNT_DELETION_STORAGE_USAGE: u64 = 10_000;

/// `max_receipt_size`: a receipt a contract creates may not exceed it (borsh length, as nearcore
/// measures it when it validates a new receipt).
fn check_receipt_size(ctx: &ActionContext<'_>, receipt: &Receipt) -> Result<(), ReceiptValidationError> {
    let limit = ctx.config().wasm_config.limit_config.max_receipt_size;
    let size = borsh::object_length(receipt).map_or(u64::MAX, |len| len as u64);
    if size > limit {
        return Err(ReceiptValidationError::ReceiptSizeExceeded { size, limit });
    }
    Ok(())
}

/// The account an action applies to, and who performs it, across a receipt's actions.
pub(crate) struct ActionTarget<'a> {
    /// The receiving account (`None` until a `CreateAccount` makes it, or after deletion).
    pub(crate) account: &'a mut Option<Account>,
    /// Who acts: the predecessor, or the account itself once a `CreateAccount` made it.
    pub(crate) actor_id: &'a mut AccountId,
    /// A refund from `system`: no fees.
    pub(crate) is_refund: bool,
}

/// Applies one action of a receipt: charges its execution fee (not for refunds), checks that
/// the account exists (or not, for `CreateAccount`) and that the actor may act, then runs the
/// action's handler. A failure is recorded in `result`.
///
/// # Errors
/// Node faults only.
pub(crate) fn apply_action(
    state: &mut TrieUpdate,
    target: ActionTarget<'_>,
    ctx: &ActionContext<'_>,
    action: &Action,
    result: &mut ActionResult,
) -> Result<(), RuntimeError> {
    let ActionTarget { account, actor_id, is_refund } = target;
    let account_id = ctx.account_id();
    if !is_refund {
        let (fee, compute) = exec_cost(ctx.config(), action, account_id)
            .map_err(|_| RuntimeError::UnexpectedIntegerOverflow("exec fee"))?;
        result.add_gas(fee, fee, compute)?;
    }
    let checked = check_account_existence(action, account.as_ref(), ctx, is_refund)
        .and_then(|()| check_actor_permissions(action, account.as_ref(), account_id, actor_id));
    if let Err(kind) = checked {
        ctx.fail(result, kind);
        return Ok(());
    }
    match action {
        Action::DeterministicStateInit(init) => {
            return action_deterministic_state_init(state, account, ctx, init, result);
        }
        Action::UniversalStateInit(init) => return action_universal_state_init(state, account, ctx, init, result),
        Action::Transfer(transfer) if account.is_none() => {
            action_implicit_account_creation_transfer(state, account, ctx, transfer.deposit);
            return Ok(());
        }
        _ => {}
    }
    if let Action::CreateAccount(_) = action {
        action_create_account(account, ctx, result)?;
        if result.result.is_ok() {
            *actor_id = account_id.clone();
        }
        return Ok(());
    }
    let Some(current) = account.as_mut() else {
        let missing = "missing or malformed account checked to exist".to_string();
        return Err(near_store::StorageError::StorageInconsistentState(missing).into());
    };
    match action {
        // Applied above, before the account must exist.
        Action::CreateAccount(_) | Action::DeterministicStateInit(_) | Action::UniversalStateInit(_) => Ok(()),
        Action::DeployContract(deploy) => action_deploy_contract(state, current, account_id, deploy),
        Action::FunctionCall(call) => action_function_call(state, current, ctx, call, result),
        // A gas refund: to the gas key that signed, or to the account.
        Action::Transfer(transfer) if is_refund && ctx.action_receipt.signer_id == *account_id => {
            if refund_gas_to_key(state, ctx, transfer.deposit)? {
                Ok(())
            } else {
                action_transfer(current, transfer.deposit)
            }
        }
        Action::Transfer(transfer) => action_transfer(current, transfer.deposit),
        Action::Stake(stake) => action_stake(current, ctx, stake, result),
        Action::AddKey(add_key) => action_add_key(state, current, ctx, add_key, result),
        Action::DeleteKey(delete_key) => action_delete_key(state, current, ctx, delete_key, result),
        Action::TransferToGasKey(transfer) => action_transfer_to_gas_key(state, ctx, transfer, result),
        Action::WithdrawFromGasKey(withdraw) => action_withdraw_from_gas_key(state, current, ctx, withdraw, result),
        Action::DeleteAccount(delete) => {
            action_delete_account(state, current, ctx, delete, result)?;
            if result.result.is_ok() {
                *account = None;
            }
            Ok(())
        }
        Action::DeployGlobalContract(deploy) => action_deploy_global_contract(state, current, ctx, deploy, result),
        Action::UseGlobalContract(action) => {
            use_global_contract(state, current, ctx, &action.contract_identifier, result)
        }
        Action::DeploySubmodule(deploy) => action_deploy_submodule(state, current, ctx, deploy, result),
        Action::RemoveSubmodule(remove) => action_remove_submodule(state, current, ctx, remove, result),
    }
}

/// `CreateAccount` needs the account absent; the state inits and a transfer that may create it
/// (see [`implicit_creation_allowed`]) take it either way; an uninitialized universal account
/// takes only those and transfers (`AccountNotInitialized`); every other action needs it.
fn check_account_existence(
    action: &Action,
    account: Option<&Account>,
    ctx: &ActionContext<'_>,
    is_refund: bool,
) -> Result<(), ActionErrorKind> {
    let account_id = ctx.account_id();
    match (action, account) {
        (Action::CreateAccount(_), Some(_)) => {
            Err(ActionErrorKind::AccountAlreadyExists { account_id: account_id.clone() })
        }
        (Action::CreateAccount(_) | Action::DeterministicStateInit(_) | Action::UniversalStateInit(_), None) => Ok(()),
        (Action::UniversalStateInit(_) | Action::Transfer(_), Some(_)) => Ok(()),
        (Action::Transfer(_), None) if implicit_creation_allowed(ctx, is_refund) => Ok(()),
        (_, Some(account)) if !account.is_initialized() => {
            Err(ActionErrorKind::AccountNotInitialized { account_id: account_id.clone() })
        }
        (_, Some(_)) => Ok(()),
        (_, None) => Err(ActionErrorKind::AccountDoesNotExist { account_id: account_id.clone() }),
    }
}

/// Whether a transfer to the absent receiver creates it: never for a refund or a named account;
/// for a NEAR-implicit, ETH-implicit or deterministic id only when the transfer is the receipt's
/// only action; for a universal id always (its id commits to its keys, and creation does not
/// make the account the actor, so the receipt's other actions cannot claim it).
fn implicit_creation_allowed(ctx: &ActionContext<'_>, is_refund: bool) -> bool {
    if is_refund {
        return false;
    }
    match effective_account_type(&ctx.config().wasm_config, ctx.account_id()) {
        AccountType::NamedAccount => false,
        AccountType::UniversalAccount => true,
        AccountType::NearImplicitAccount | AccountType::EthImplicitAccount | AccountType::NearDeterministicAccount => {
            ctx.action_receipt.actions.len() == 1
        }
    }
}

/// A transfer creating the absent implicit account it is sent to, with the deposit: a
/// NEAR-implicit account with the full-access key its id is; an ETH-implicit one running the
/// chain's wallet contract (a global contract); a deterministic one empty (its state init comes
/// separately); a universal one uninitialized (see [`Account::bootstrap_nonce`]). None of them
/// makes the account the actor.
fn action_implicit_account_creation_transfer(
    state: &mut TrieUpdate,
    account: &mut Option<Account>,
    ctx: &ActionContext<'_>,
    deposit: u128,
) {
    let account_id = ctx.account_id();
    let storage = &ctx.config().fees.storage_usage_config;
    let height = ctx.apply_state.block_height;
    let created = match effective_account_type(&ctx.config().wasm_config, account_id) {
        AccountType::NearImplicitAccount => {
            let key = near_implicit_key(account_id);
            let access_key = AccessKey { nonce: initial_nonce_value(height), ..AccessKey::full_access() };
            let bytes = storage.num_bytes_account + access_key_storage_bytes(ctx.config(), &key, &access_key);
            set_access_key(state, account_id.clone(), key, &access_key);
            Account::new(deposit, bytes)
        }
        AccountType::EthImplicitAccount => {
            let wallet = eth_wallet_global_contract_hash(&ctx.apply_state.chain_id);
            let bytes = storage.num_bytes_account + wallet.as_bytes().len() as u64;
            Account { contract: AccountContract::Global(wallet), ..Account::new(deposit, bytes) }
        }
        AccountType::UniversalAccount => {
            Account::new_uninitialized(deposit, storage.num_bytes_account, initial_nonce_value(height))
        }
        AccountType::NearDeterministicAccount | AccountType::NamedAccount => {
            Account::new(deposit, storage.num_bytes_account)
        }
    };
    *account = Some(created);
}

/// The ed25519 key a NEAR-implicit id is (64 hex digits; the id's type guarantees them).
fn near_implicit_key(account_id: &AccountId) -> PublicKey {
    let mut key = [0u8; 32];
    // An id typed NEAR-implicit is exactly 64 lowercase hex digits, so this cannot fail.
    let _ = hex::decode_to_slice(account_id.as_str(), &mut key);
    PublicKey::ED25519(key)
}

/// The code hash of the wallet contract ETH-implicit accounts run, per chain (nearcore's
/// `eth_wallet_global_contract_hash`: mainnet's and testnet's deployed global contracts, and
/// for any other chain its localnet build).
pub fn eth_wallet_global_contract_hash(chain_id: &str) -> CryptoHash {
    let base58 = match chain_id {
        "mainnet" | "mocknet" => "2zodJZK2e4nnv5AqwCRnenNSmkikXhEd7PPY6BmfTmW4",
        "testnet" => "3PpYvRxBfC5BkZxTw8ZFG3D52w1ZRhvDDWirKoxphMDn",
        _ => "FAq9tQRbwJPTV3PQLn2F7AUD3FW2Fw1V8ZeZuazfeu1v",
    };
    base58.parse().unwrap_or_else(|_| unreachable!("a 32-byte base58 hash"))
}

/// Actions that change keys, code or stake, or take from a gas key, only come from the account
/// itself (anyone may fund a gas key).
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
            | Action::DeployGlobalContract(_)
            | Action::UseGlobalContract(_)
            | Action::WithdrawFromGasKey(_)
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

/// `CreateAccount`: checks naming rules; the new account starts empty and becomes `account`.
///
/// # Errors
/// None today (the signature is every handler's).
pub(crate) fn action_create_account(
    account: &mut Option<Account>,
    ctx: &ActionContext<'_>,
    result: &mut ActionResult,
) -> Result<(), RuntimeError> {
    match check_account_creation(ctx) {
        Ok(()) => *account = Some(Account::new(0, ctx.config().fees.storage_usage_config.num_bytes_account)),
        Err(kind) => ctx.fail(result, kind),
    }
    Ok(())
}

/// Who may create which account: implicit accounts are not created by this action, short
/// top-level names only by the registrar, sub-accounts only by their parent.
fn check_account_creation(ctx: &ActionContext<'_>) -> Result<(), ActionErrorKind> {
    let account_id = ctx.account_id();
    let predecessor_id = &ctx.receipt.predecessor_id;
    let creation = &ctx.config().account_creation_config;
    if account_id.get_account_type().is_implicit() {
        return Err(ActionErrorKind::OnlyImplicitAccountCreationAllowed { account_id: account_id.clone() });
    }
    if account_id.is_top_level() {
        if account_id.len() < usize::from(creation.min_allowed_top_level_account_length)
            && predecessor_id != &creation.registrar_account_id
        {
            return Err(ActionErrorKind::CreateAccountOnlyByRegistrar {
                account_id: account_id.clone(),
                registrar_account_id: creation.registrar_account_id.clone(),
                predecessor_id: predecessor_id.clone(),
            });
        }
    } else if !account_id.is_sub_account_of(predecessor_id) {
        return Err(ActionErrorKind::CreateAccountNotAllowed {
            account_id: account_id.clone(),
            predecessor_id: predecessor_id.clone(),
        });
    }
    Ok(())
}

/// `DeployContract`: stores the code and its hash in place of any contract (own or global),
/// adjusting storage usage.
///
/// # Errors
/// Storage faults.
pub(crate) fn action_deploy_contract(
    state: &mut TrieUpdate,
    account: &mut Account,
    account_id: &AccountId,
    deploy: &DeployContractAction,
) -> Result<(), RuntimeError> {
    clear_contract(state, account, account_id)?;
    account.storage_usage = account.storage_usage.saturating_add(deploy.code.len() as u64);
    account.contract = AccountContract::Local(hash(&deploy.code));
    state.set(TrieKey::ContractCode { account_id: account_id.clone() }, deploy.code.clone());
    Ok(())
}

/// `FunctionCall`: runs the contract against the state; on success the account takes the
/// contract's balance and storage usage and its receipts join `result`.
///
/// # Errors
/// Storage and runner faults.
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
    let Some((code_hash, code)) = account_code(state, account_id, account)? else {
        let missing = CompilationError::CodeDoesNotExist { account_id: account_id.clone() };
        ctx.fail(result, ActionErrorKind::FunctionCallError(FunctionCallError::CompilationError(missing)));
        return Ok(());
    };
    let apply_state = ctx.apply_state;
    let context = VMContext {
        current_account_id: account_id.clone(),
        signer_account_id: ctx.action_receipt.signer_id.clone(),
        signer_account_pk: ctx.action_receipt.signer_public_key.clone(),
        predecessor_account_id: ctx.receipt.predecessor_id.clone(),
        refund_to_account_id: ctx.action_receipt.refund_to.clone(),
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
            chain_id: apply_state.chain_id.clone(),
        },
    );
    let (mut outcome, ext) = ctx
        .runner
        .run_account_contract(
            AccountCode { contract: &account.contract, hash: code_hash, code: &code },
            &call.method_name,
            Box::new(ext),
            context,
            ctx.config(),
        )
        .map_err(|e| RuntimeError::VMFault(e.to_string()))?;
    let ext: Box<dyn Any> = ext;
    let ext =
        ext.downcast::<RuntimeExt>().map_err(|_| RuntimeError::VMFault("runner returned a foreign External".into()))?;
    state.restore(ext.into_state());

    if outcome.aborted.is_none() {
        // Weighted function calls share what the call left unused (nearcore's runtime does this
        // after the runner, not in it).
        outcome.distribute_unused_gas(call.gas);
    }
    result.add_gas(outcome.burnt_gas, outcome.used_gas, outcome.compute_usage)?;
    result.logs.extend(outcome.logs);
    if let Some(error) = outcome.aborted {
        let stored = near_primitives::error_messages::to_outcome_error(error);
        ctx.fail(result, ActionErrorKind::FunctionCallError(stored));
        return Ok(());
    }
    account.amount = outcome.balance;
    account.storage_usage = outcome.storage_usage;
    result.subsidized_amount = result.subsidized_amount.saturating_add(outcome.subsidized_amount);
    let first_new_receipt = result.new_receipts.len() as u64;
    for metadata in outcome.action_receipts {
        let is_yield = metadata.is_promise_yield;
        let action_receipt = ActionReceipt {
            signer_id: ctx.action_receipt.signer_id.clone(),
            refund_to: metadata.refund_to,
            signer_public_key: ctx.action_receipt.signer_public_key.clone(),
            gas_price: ctx.action_receipt.gas_price,
            output_data_receivers: metadata.output_data_receivers,
            input_data_ids: metadata.input_data_ids,
            actions: metadata.actions,
        };
        let yield_data_id = if is_yield { action_receipt.input_data_ids.first().copied() } else { None };
        let receipt = Receipt {
            predecessor_id: account_id.clone(),
            receiver_id: metadata.receiver_id,
            // Assigned when the receipt leaves the executing one.
            receipt_id: CryptoHash::default(),
            receipt: if is_yield {
                ReceiptEnum::PromiseYield(action_receipt)
            } else {
                ReceiptEnum::Action(action_receipt)
            },
        };
        let checked = check_receipt_size(ctx, &receipt).and_then(|()| match &receipt.receipt {
            ReceiptEnum::Action(action) | ReceiptEnum::PromiseYield(action) => {
                validate_action_receipt(&ctx.config().wasm_config.limit_config, &receipt.receiver_id, action)
            }
            _ => Ok(()),
        });
        if let Err(error) = checked {
            ctx.fail(result, ActionErrorKind::NewReceiptValidationError(error));
            return Ok(());
        }
        if let Some(data_id) = yield_data_id {
            record_new_yield(state, apply_state, account_id, data_id)?;
        }
        result.new_receipts.push(receipt);
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
                ctx.fail(result, ActionErrorKind::NewReceiptValidationError(error));
                return Ok(());
            }
            ReturnData::Value(value)
        }
        ReturnData::None => ReturnData::None,
    });
    Ok(())
}

/// `Transfer`: credits the deposit.
///
/// # Errors
/// Overflow (the total supply bounds balances far below `u128::MAX`).
pub(crate) fn action_transfer(account: &mut Account, deposit: u128) -> Result<(), RuntimeError> {
    account.amount = account.amount.checked_add(deposit).ok_or(RuntimeError::UnexpectedIntegerOverflow("transfer"))?;
    Ok(())
}

/// `Stake`: locks more balance now; a smaller stake is a proposal the epoch change would honour
/// (this runtime has no epochs, so the locked balance stays until a later increase).
///
/// # Errors
/// None today (the signature is every handler's).
pub(crate) fn action_stake(
    account: &mut Account,
    ctx: &ActionContext<'_>,
    stake: &StakeAction,
    result: &mut ActionResult,
) -> Result<(), RuntimeError> {
    let account_id = ctx.account_id();
    if account.locked == 0 && stake.stake == 0 {
        ctx.fail(result, ActionErrorKind::TriesToUnstake { account_id: account_id.clone() });
        return Ok(());
    }
    let increment = stake.stake.saturating_sub(account.locked);
    if account.amount < increment {
        let kind = ActionErrorKind::TriesToStake {
            account_id: account_id.clone(),
            stake: stake.stake,
            locked: account.locked,
            balance: account.amount,
        };
        ctx.fail(result, kind);
        return Ok(());
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

/// `DeleteAccount`: removes every record of the account (keys and gas-key nonces, code, data,
/// submodules) and sends its balance to the beneficiary in a refund-style receipt; its gas
/// keys' balances are burnt. Refused for an account with more than
/// `MAX_ACCOUNT_DELETION_STORAGE_USAGE` bytes besides its contract (`DeleteAccountWithLargeState`)
/// or gas keys holding more than `MAX_BALANCE_TO_BURN` (`GasKeyBalanceTooHigh`).
///
/// # Errors
/// Storage faults.
pub(crate) fn action_delete_account(
    state: &mut TrieUpdate,
    account: &Account,
    ctx: &ActionContext<'_>,
    delete: &DeleteAccountAction,
    result: &mut ActionResult,
) -> Result<(), RuntimeError> {
    let account_id = ctx.account_id();
    let state_bytes = account.storage_usage.saturating_sub(contract_storage_bytes(state, account_id, account)?);
    if state_bytes > MAX_ACCOUNT_DELETION_STORAGE_USAGE {
        ctx.fail(result, ActionErrorKind::DeleteAccountWithLargeState { account_id: account_id.clone() });
        return Ok(());
    }
    let gas_keys = GasKeysOfAccount::read(state, account_id)?;
    if gas_keys.balance > GasKeyInfo::MAX_BALANCE_TO_BURN {
        let kind = ActionErrorKind::GasKeyBalanceTooHigh {
            account_id: account_id.clone(),
            public_key: None,
            balance: gas_keys.balance,
        };
        ctx.fail(result, kind);
        return Ok(());
    }
    result.tokens_burnt =
        result.tokens_burnt.checked_add(gas_keys.balance).ok_or(RuntimeError::UnexpectedIntegerOverflow("burnt"))?;
    result.add_gas(0, 0, gas_keys.removal_compute(ctx.config()))?;
    let prefixes = [
        access_key_prefix(account_id),
        contract_data_prefix(account_id),
        submodule_code_prefix(account_id),
        submodule_code_info_prefix(account_id),
    ];
    for prefix in prefixes {
        for (key, _) in state.iter_prefix(&prefix)? {
            state.remove_raw(key);
        }
    }
    state.remove(TrieKey::ContractCode { account_id: account_id.clone() });
    state.remove(TrieKey::Account { account_id: account_id.clone() });
    if account.amount > 0 {
        result.new_receipts.push(Receipt::new_balance_refund(&delete.beneficiary_id, account.amount));
    }
    Ok(())
}
