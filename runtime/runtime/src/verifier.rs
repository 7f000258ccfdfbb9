//! Validation of transactions, actions and new receipts, and the up-front charge of a
//! transaction's signer. Corresponds to nearcore's `runtime/runtime/src/verifier.rs`.

use crate::config::{TransactionCost, total_prepaid_gas, tx_cost};
use crate::types::RuntimeError;
use near_parameters::{LimitConfig, RuntimeConfig};
use near_primitives::account::{AccessKey, AccessKeyPermission, Account, FunctionCallPermission};
use near_primitives::action::{Action, DeterministicStateInitAction};
use near_primitives::crypto::KeyType;
use near_primitives::errors::{
    ActionsValidationError, DepositCostFailureReason, InvalidAccessKeyError, InvalidTxError, ReceiptValidationError,
};
use near_primitives::receipt::ActionReceipt;
use near_primitives::transaction::{NonceMode, SignedTransaction, Transaction};
use near_primitives::types::{AccountId, Balance, BlockHeight, Nonce};
use near_primitives::universal_state_init::{UniversalStateInit, universal_account_id};
use near_store::TrieUpdate;
use near_store::utils::{
    get_access_key, get_account, get_gas_key_nonce, set_access_key, set_account, set_gas_key_nonce,
};

/// Nonces of new access keys start at `(block height - 1) × this`, and a transaction's nonce
/// must stay below `block height × this`, so nonces cannot be replayed across key re-creation.
pub const ACCESS_KEY_NONCE_RANGE_MULTIPLIER: u64 = 1_000_000;

/// The nonce a key (or an uninitialized account's bootstrap) created at `block_height` starts at.
pub fn initial_nonce_value(block_height: BlockHeight) -> Nonce {
    block_height.saturating_sub(1).saturating_mul(ACCESS_KEY_NONCE_RANGE_MULTIPLIER)
}

/// Accounts using at most this many bytes need no balance for storage (NEP-448).
pub const ZERO_BALANCE_ACCOUNT_STORAGE_LIMIT: u64 = 770;

/// Checks that `account` holds enough balance (liquid plus locked) for its storage.
///
/// # Errors
/// The missing amount.
pub fn check_storage_stake(account: &Account, config: &RuntimeConfig) -> Result<(), Balance> {
    if account.storage_usage <= ZERO_BALANCE_ACCOUNT_STORAGE_LIMIT {
        return Ok(());
    }
    let required =
        u128::from(account.storage_usage).saturating_mul(config.fees.storage_usage_config.storage_amount_per_byte);
    let available = account.amount.saturating_add(account.locked);
    if available >= required { Ok(()) } else { Err(required - available) }
}

/// Validates a list of actions to `receiver_id` against the limits, as for a transaction or a
/// new receipt.
///
/// # Errors
/// The first rule broken.
pub fn validate_actions(
    limits: &LimitConfig,
    actions: &[Action],
    receiver_id: &AccountId,
) -> Result<(), ActionsValidationError> {
    if actions.len() as u64 > limits.max_actions_per_receipt {
        return Err(ActionsValidationError::TotalNumberOfActionsExceeded {
            total_number_of_actions: actions.len() as u64,
            limit: limits.max_actions_per_receipt,
        });
    }
    let deploys =
        actions.iter().filter(|a| matches!(a, Action::DeployContract(_) | Action::DeployGlobalContract(_))).count()
            as u64;
    if deploys > limits.max_deploy_actions_per_receipt {
        return Err(ActionsValidationError::DeployContractActionsExceeded {
            total_number_of_deploy_actions: deploys,
            limit: limits.max_deploy_actions_per_receipt,
        });
    }
    let mut found_delete = false;
    for action in actions {
        if found_delete {
            return Err(ActionsValidationError::DeleteActionMustBeFinal);
        }
        found_delete = matches!(action, Action::DeleteAccount(_));
        validate_action(limits, action, receiver_id)?;
    }
    let (entries, keys) = state_init_totals(actions);
    if entries > limits.max_state_init_entries {
        return Err(ActionsValidationError::TotalNumberOfStateInitEntriesExceeded {
            number_of_entries: entries,
            limit: limits.max_state_init_entries,
        });
    }
    if keys > limits.max_universal_state_init_keys {
        return Err(ActionsValidationError::TotalNumberOfStateInitKeysExceeded {
            number_of_keys: keys,
            limit: limits.max_universal_state_init_keys,
        });
    }
    let total_prepaid_gas = total_prepaid_gas(actions).map_err(|_| ActionsValidationError::IntegerOverflow)?;
    if total_prepaid_gas > limits.max_total_prepaid_gas {
        return Err(ActionsValidationError::TotalPrepaidGasExceeded {
            total_prepaid_gas,
            limit: limits.max_total_prepaid_gas,
        });
    }
    Ok(())
}

fn check_length(
    length: usize,
    limit: u64,
    error: fn(u64, u64) -> ActionsValidationError,
) -> Result<(), ActionsValidationError> {
    if length as u64 > limit { Err(error(length as u64, limit)) } else { Ok(()) }
}

fn validate_action(
    limits: &LimitConfig,
    action: &Action,
    receiver_id: &AccountId,
) -> Result<(), ActionsValidationError> {
    let contract_size = |size, limit| ActionsValidationError::ContractSizeExceeded { size, limit };
    match action {
        Action::DeployContract(deploy) => check_length(deploy.code.len(), limits.max_contract_size, contract_size),
        Action::DeployGlobalContract(deploy) => {
            check_length(deploy.code.len(), limits.max_contract_size, contract_size)
        }
        Action::DeterministicStateInit(init) => validate_state_init(limits, init, receiver_id),
        Action::UniversalStateInit(init) => validate_universal_state_init(limits, &init.state_init, receiver_id),
        Action::FunctionCall(call) => {
            if call.gas == 0 {
                return Err(ActionsValidationError::FunctionCallZeroAttachedGas);
            }
            check_length(call.method_name.len(), limits.max_length_method_name, |length, limit| {
                ActionsValidationError::FunctionCallMethodNameLengthExceeded { length, limit }
            })?;
            check_length(call.args.len(), limits.max_arguments_length, |length, limit| {
                ActionsValidationError::FunctionCallArgumentsLengthExceeded { length, limit }
            })
        }
        Action::Stake(stake) => match stake.public_key.key_type() {
            KeyType::ED25519 => Ok(()),
            _ => Err(ActionsValidationError::UnsuitableStakingKey { public_key: Box::new(stake.public_key.clone()) }),
        },
        Action::AddKey(add_key) => validate_add_key(limits, &add_key.access_key),
        Action::DeploySubmodule(deploy) => {
            validate_submodule_key(limits, &deploy.key)?;
            check_length(deploy.code.len(), limits.max_contract_size, |size, limit| {
                ActionsValidationError::ContractSizeExceeded { size, limit }
            })
        }
        Action::RemoveSubmodule(remove) => validate_submodule_key(limits, &remove.key),
        Action::CreateAccount(_)
        | Action::Transfer(_)
        | Action::TransferToGasKey(_)
        | Action::WithdrawFromGasKey(_)
        | Action::DeleteKey(_)
        | Action::DeleteAccount(_)
        | Action::UseGlobalContract(_) => Ok(()),
    }
}

/// `AddKey`: a function-call permission names a valid receiver and method names within the
/// limits; a gas key asks for 1 to `MAX_NONCES_FOR_GAS_KEY` nonces, starts with no balance and
/// has no allowance (its balance pays).
fn validate_add_key(limits: &LimitConfig, access_key: &AccessKey) -> Result<(), ActionsValidationError> {
    if let Some(permission) = access_key.permission.function_call_permission() {
        if permission.receiver_id.parse::<AccountId>().is_err() {
            return Err(ActionsValidationError::InvalidAccountId { account_id: permission.receiver_id.clone() });
        }
        let mut total_number_of_bytes = 0u64;
        for name in &permission.method_names {
            check_length(name.len(), limits.max_length_method_name, |length, limit| {
                ActionsValidationError::AddKeyMethodNameLengthExceeded { length, limit }
            })?;
            total_number_of_bytes += name.len() as u64 + 1;
        }
        if total_number_of_bytes > limits.max_number_bytes_method_names {
            return Err(ActionsValidationError::AddKeyMethodNamesNumberOfBytesExceeded {
                total_number_of_bytes,
                limit: limits.max_number_bytes_method_names,
            });
        }
    }
    let Some(info) = access_key.gas_key_info() else { return Ok(()) };
    if access_key.permission.function_call_permission().is_some_and(|p| p.allowance.is_some()) {
        return Err(ActionsValidationError::GasKeyFunctionCallAllowanceNotAllowed);
    }
    let limit = AccessKeyPermission::MAX_NONCES_FOR_GAS_KEY;
    if info.num_nonces == 0 || info.num_nonces > limit {
        return Err(ActionsValidationError::GasKeyInvalidNumNonces { requested_nonces: info.num_nonces, limit });
    }
    if info.balance != 0 {
        return Err(ActionsValidationError::AddGasKeyWithNonZeroBalance { balance: info.balance });
    }
    Ok(())
}

/// Universal accounts (nearcore's, protocol 88) are not implemented by this runtime:
/// transactions and receipts carrying them are refused with a clear error.
/// A universal state init goes to the `0u` id its bytes derive, is their canonical encoding
/// (protocol 88), and its entries fit in storage.
fn validate_universal_state_init(
    limits: &LimitConfig,
    bytes: &[u8],
    receiver_id: &AccountId,
) -> Result<(), ActionsValidationError> {
    let derived_id = universal_account_id(bytes);
    if &derived_id != receiver_id {
        return Err(ActionsValidationError::InvalidUniversalStateInitReceiver {
            receiver_id: receiver_id.clone(),
            derived_id,
        });
    }
    let init = UniversalStateInit::from_canonical_bytes(bytes)
        .map_err(|_| ActionsValidationError::MalformedUniversalStateInit)?;
    check_entries(
        limits,
        init.data(),
        |length, limit| ActionsValidationError::UniversalStateInitKeyLengthExceeded { length, limit },
        |length, limit| ActionsValidationError::UniversalStateInitValueLengthExceeded { length, limit },
    )
}

/// A state init's entries fit in storage: keys within `max_length_storage_key`, values within
/// `max_length_storage_value` (each kind of state init names the errors).
fn check_entries(
    limits: &LimitConfig,
    data: &std::collections::BTreeMap<Vec<u8>, Vec<u8>>,
    key_error: fn(u64, u64) -> ActionsValidationError,
    value_error: fn(u64, u64) -> ActionsValidationError,
) -> Result<(), ActionsValidationError> {
    for (key, value) in data {
        check_length(key.len(), limits.max_length_storage_key, key_error)?;
        check_length(value.len(), limits.max_length_storage_value, value_error)?;
    }
    Ok(())
}

/// The storage entries and access keys all state inits among `actions` commit to.
fn state_init_totals(actions: &[Action]) -> (u64, u64) {
    actions.iter().fold((0, 0), |(entries, keys), action| match action {
        Action::DeterministicStateInit(init) => (entries + init.state_init.data().len() as u64, keys),
        Action::UniversalStateInit(init) => {
            let counts = UniversalStateInit::counts(&init.state_init);
            (entries + counts.num_entries, keys + counts.num_keys)
        }
        _ => (entries, keys),
    })
}

/// A state init goes to the account its state derives, and its entries fit in storage.
fn validate_state_init(
    limits: &LimitConfig,
    init: &DeterministicStateInitAction,
    receiver_id: &AccountId,
) -> Result<(), ActionsValidationError> {
    let derived_id = init.state_init.account_id();
    if &derived_id != receiver_id {
        return Err(ActionsValidationError::InvalidDeterministicStateInitReceiver {
            receiver_id: receiver_id.clone(),
            derived_id,
        });
    }
    check_entries(
        limits,
        init.state_init.data(),
        |length, limit| ActionsValidationError::DeterministicStateInitKeyLengthExceeded { length, limit },
        |length, limit| ActionsValidationError::DeterministicStateInitValueLengthExceeded { length, limit },
    )
}

fn validate_submodule_key(limits: &LimitConfig, key: &[u8]) -> Result<(), ActionsValidationError> {
    if key.is_empty() || key.len() as u64 > limits.max_submodule_key_length {
        return Err(ActionsValidationError::SubmoduleKeyLengthInvalid {
            length: key.len() as u64,
            limit: limits.max_submodule_key_length,
        });
    }
    Ok(())
}

/// Validates a receipt a contract created, before it leaves the executing receipt.
///
/// # Errors
/// The first rule broken.
pub fn validate_action_receipt(
    limits: &LimitConfig,
    receiver_id: &AccountId,
    receipt: &ActionReceipt,
) -> Result<(), ReceiptValidationError> {
    if receipt.input_data_ids.len() as u64 > limits.max_number_input_data_dependencies {
        return Err(ReceiptValidationError::NumberInputDataDependenciesExceeded {
            number_of_input_data_dependencies: receipt.input_data_ids.len() as u64,
            limit: limits.max_number_input_data_dependencies,
        });
    }
    validate_actions(limits, &receipt.actions, receiver_id).map_err(ReceiptValidationError::ActionsValidation)
}

/// Stateless checks of a transaction: size, signature, actions. Returns its cost.
///
/// # Errors
/// Why it is invalid.
pub fn validate_transaction(
    config: &RuntimeConfig,
    gas_price: Balance,
    signed: &SignedTransaction,
) -> Result<TransactionCost, InvalidTxError> {
    let limits = &config.wasm_config.limit_config;
    let size = signed.get_size();
    if size > limits.max_transaction_size {
        return Err(InvalidTxError::TransactionSizeExceeded { size, limit: limits.max_transaction_size });
    }
    if !signed.verify_signature() {
        return Err(InvalidTxError::InvalidSignature);
    }
    let tx = &signed.transaction;
    validate_actions(limits, &tx.actions, &tx.receiver_id).map_err(InvalidTxError::ActionsValidation)?;
    tx_cost(config, tx, gas_price).map_err(|_| InvalidTxError::CostOverflow)
}

/// What checking and charging a transaction against the state found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TxVerdict {
    /// Valid and charged: its receipt carries `gas_remaining` at `receipt_gas_price`.
    Charged(TransactionCost),
    /// A gas key paid, but the account cannot pay the deposits: only the gas of converting it
    /// (`gas_burnt`, `burnt_amount`) is charged, from the key, its nonce is used, and no receipt
    /// is made (nearcore's `TxVerdict::DepositFailed`).
    DepositFailed(TransactionCost, InvalidTxError),
    /// Invalid: nothing is changed.
    Invalid(InvalidTxError),
}

/// Validates `signed` against the state and charges it: bumps the key's nonce (a gas key's
/// nonce at the transaction's index), takes the cost from the balance (and a function-call
/// key's allowance), or, when a gas key signs, the gas from the key's balance and the deposits
/// from the account's. Changes are prospective in `state`; the caller commits them unless the
/// verdict is [`TxVerdict::Invalid`].
///
/// # Errors
/// Storage faults.
pub fn verify_and_charge_transaction(
    config: &RuntimeConfig,
    state: &mut TrieUpdate,
    gas_price: Balance,
    block_height: BlockHeight,
    signed: &SignedTransaction,
) -> Result<TxVerdict, RuntimeError> {
    let cost = match validate_transaction(config, gas_price, signed) {
        Ok(cost) => cost,
        Err(error) => return Ok(TxVerdict::Invalid(error)),
    };
    let tx = &signed.transaction;
    let Some(mut signer) = get_account(state, &tx.signer_id)? else {
        return Ok(TxVerdict::Invalid(InvalidTxError::SignerDoesNotExist { signer_id: tx.signer_id.clone() }));
    };
    let Some(mut access_key) = get_access_key(state, &tx.signer_id, &tx.public_key)? else {
        if config.wasm_config.universal_accounts && !signer.is_initialized() && tx.state_init_bootstrap().is_some() {
            return Ok(charge_bootstrap(config, state, &mut signer, block_height, tx, cost));
        }
        return Ok(TxVerdict::Invalid(InvalidTxError::InvalidAccessKeyError(
            InvalidAccessKeyError::AccessKeyNotFound {
                account_id: tx.signer_id.clone(),
                public_key: Box::new(tx.public_key.clone()),
            },
        )));
    };
    if let Some(index) = tx.nonce_index() {
        return charge_gas_key(config, state, (&mut signer, &mut access_key), block_height, (tx, index), cost);
    }
    if let Err(error) = charge(config, &mut signer, &mut access_key, block_height, signed, &cost) {
        return Ok(TxVerdict::Invalid(error));
    }
    set_account(state, tx.signer_id.clone(), &signer);
    set_access_key(state, tx.signer_id.clone(), tx.public_key.clone(), &access_key);
    Ok(TxVerdict::Charged(cost))
}

/// A self-signed state init of an uninitialized universal account
/// ([`Transaction::state_init_bootstrap`]): the account pays everything, and its nonce must be
/// exactly one above the account's bootstrap nonce (strict whatever the transaction asks, so the
/// keys it installs, which start above it, cannot replay it), which it then becomes. The nonce
/// is used even if the state init then fails, so the same bytes cannot be sent again.
fn charge_bootstrap(
    config: &RuntimeConfig,
    state: &mut TrieUpdate,
    signer: &mut Account,
    block_height: BlockHeight,
    tx: &Transaction,
    cost: TransactionCost,
) -> TxVerdict {
    let current = signer.bootstrap_nonce.unwrap_or_default();
    if let Err(error) = check_nonce_in_mode(tx, NonceMode::Strict, current, block_height) {
        return TxVerdict::Invalid(error);
    }
    let Some(left) = signer.amount.checked_sub(cost.total_cost) else {
        let signer_id = tx.signer_id.clone();
        return TxVerdict::Invalid(InvalidTxError::NotEnoughBalance {
            signer_id,
            balance: signer.amount,
            cost: cost.total_cost,
        });
    };
    signer.amount = left;
    if let Err(amount) = check_storage_stake(signer, config) {
        return TxVerdict::Invalid(InvalidTxError::LackBalanceForState { signer_id: tx.signer_id.clone(), amount });
    }
    signer.bootstrap_nonce = Some(tx.nonce);
    set_account(state, tx.signer_id.clone(), signer);
    TxVerdict::Charged(cost)
}

/// The nonce rule: above the key's (monotonic) or exactly one above (strict), and below the
/// block's nonce range.
fn check_nonce(tx: &Transaction, current: Nonce, block_height: BlockHeight) -> Result<(), InvalidTxError> {
    check_nonce_in_mode(tx, tx.nonce_mode(), current, block_height)
}

fn check_nonce_in_mode(
    tx: &Transaction,
    mode: NonceMode,
    current: Nonce,
    block_height: BlockHeight,
) -> Result<(), InvalidTxError> {
    let valid = match mode {
        NonceMode::Monotonic => tx.nonce > current,
        NonceMode::Strict => current.checked_add(1) == Some(tx.nonce),
    };
    if !valid {
        return Err(InvalidTxError::InvalidNonce { tx_nonce: tx.nonce, ak_nonce: current });
    }
    let upper_bound = block_height.saturating_mul(ACCESS_KEY_NONCE_RANGE_MULTIPLIER);
    if tx.nonce >= upper_bound {
        return Err(InvalidTxError::NonceTooLarge { tx_nonce: tx.nonce, upper_bound });
    }
    Ok(())
}

/// A function-call key (or gas key) signs one `FunctionCall` without deposit, to its receiver,
/// of one of its methods (any, if it names none).
fn check_function_call_permission(permission: &FunctionCallPermission, tx: &Transaction) -> Result<(), InvalidTxError> {
    let key_error = |error| Err(InvalidTxError::InvalidAccessKeyError(error));
    let [Action::FunctionCall(call)] = tx.actions.as_slice() else {
        return key_error(InvalidAccessKeyError::RequiresFullAccess);
    };
    if call.deposit > 0 {
        return key_error(InvalidAccessKeyError::DepositWithFunctionCall);
    }
    if tx.receiver_id.as_str() != permission.receiver_id {
        return key_error(InvalidAccessKeyError::ReceiverMismatch {
            tx_receiver: tx.receiver_id.clone(),
            ak_receiver: permission.receiver_id.clone(),
        });
    }
    if !permission.method_names.is_empty() && !permission.method_names.contains(&call.method_name) {
        return key_error(InvalidAccessKeyError::MethodNameMismatch { method_name: call.method_name.clone() });
    }
    Ok(())
}

/// A transaction without a nonce index: signed by a key that is not a gas key, which pays
/// everything from the account.
fn charge(
    config: &RuntimeConfig,
    signer: &mut Account,
    access_key: &mut AccessKey,
    block_height: BlockHeight,
    signed: &SignedTransaction,
    cost: &TransactionCost,
) -> Result<(), InvalidTxError> {
    let tx = &signed.transaction;
    // A gas key signs only with a nonce index (nearcore's `TransactionV1`).
    if let Some(info) = access_key.gas_key_info() {
        return Err(InvalidTxError::InvalidNonceIndex { tx_nonce_index: None, num_nonces: info.num_nonces });
    }
    check_nonce(tx, access_key.nonce, block_height)?;
    access_key.nonce = tx.nonce;
    signer.amount = signer.amount.checked_sub(cost.total_cost).ok_or_else(|| InvalidTxError::NotEnoughBalance {
        signer_id: tx.signer_id.clone(),
        balance: signer.amount,
        cost: cost.total_cost,
    })?;
    if let AccessKeyPermission::FunctionCall(permission) = &mut access_key.permission
        && let Some(allowance) = permission.allowance.as_mut()
    {
        *allowance = allowance.checked_sub(cost.total_cost).ok_or_else(|| {
            InvalidTxError::InvalidAccessKeyError(InvalidAccessKeyError::NotEnoughAllowance {
                account_id: tx.signer_id.clone(),
                public_key: Box::new(tx.public_key.clone()),
                allowance: *allowance,
                cost: cost.total_cost,
            })
        })?;
    }
    check_storage_stake(signer, config)
        .map_err(|amount| InvalidTxError::LackBalanceForState { signer_id: tx.signer_id.clone(), amount })?;
    match access_key.permission.function_call_permission() {
        Some(permission) => check_function_call_permission(permission, tx),
        None => Ok(()),
    }
}

/// A transaction signed by a gas key at nonce `index`: its gas from the key's balance, its
/// deposits from the account's (when those fail, the key still pays the conversion's gas).
fn charge_gas_key(
    config: &RuntimeConfig,
    state: &mut TrieUpdate,
    (signer, access_key): (&mut Account, &mut AccessKey),
    block_height: BlockHeight,
    (tx, index): (&Transaction, u16),
    cost: TransactionCost,
) -> Result<TxVerdict, RuntimeError> {
    let invalid = |error| Ok(TxVerdict::Invalid(error));
    let num_nonces = access_key.gas_key_info().map_or(0, |info| info.num_nonces);
    let Some(current) = get_gas_key_nonce(state, &tx.signer_id, &tx.public_key, index)? else {
        return invalid(InvalidTxError::InvalidNonceIndex { tx_nonce_index: Some(index), num_nonces });
    };
    if let Err(error) = check_nonce(tx, current, block_height) {
        return invalid(error);
    }
    let Some(info) = access_key.gas_key_info_mut() else {
        return invalid(InvalidTxError::InvalidNonceIndex { tx_nonce_index: Some(index), num_nonces });
    };
    if info.balance < cost.gas_cost {
        let signer_id = tx.signer_id.clone();
        return invalid(InvalidTxError::NotEnoughGasKeyBalance {
            signer_id,
            balance: info.balance,
            cost: cost.gas_cost,
        });
    }
    if let Some(permission) = access_key.permission.function_call_permission()
        && let Err(error) = check_function_call_permission(permission, tx)
    {
        return invalid(error);
    }
    let deposit_failure = match signer.amount.checked_sub(cost.deposit_cost) {
        None => Some(InvalidTxError::NotEnoughBalanceForDeposit {
            signer_id: tx.signer_id.clone(),
            balance: signer.amount,
            cost: cost.deposit_cost,
            reason: DepositCostFailureReason::NotEnoughBalance,
        }),
        Some(left) => {
            let after = Account { amount: left, ..signer.clone() };
            check_storage_stake(&after, config).err().map(|missing| InvalidTxError::NotEnoughBalanceForDeposit {
                signer_id: tx.signer_id.clone(),
                balance: left,
                cost: missing,
                reason: DepositCostFailureReason::LackBalanceForState,
            })
        }
    };
    let paid = if deposit_failure.is_some() { cost.burnt_amount } else { cost.gas_cost };
    if let Some(info) = access_key.gas_key_info_mut() {
        info.balance -= paid;
    }
    set_access_key(state, tx.signer_id.clone(), tx.public_key.clone(), access_key);
    set_gas_key_nonce(state, tx.signer_id.clone(), tx.public_key.clone(), index, tx.nonce);
    if let Some(error) = deposit_failure {
        return Ok(TxVerdict::DepositFailed(cost, error));
    }
    signer.amount -= cost.deposit_cost;
    set_account(state, tx.signer_id.clone(), signer);
    Ok(TxVerdict::Charged(cost))
}
