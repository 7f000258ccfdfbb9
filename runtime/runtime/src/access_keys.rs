//! Access keys and gas keys: `AddKey`, `DeleteKey`, `TransferToGasKey`, `WithdrawFromGasKey`,
//! and what deleting an account does to its gas keys. A gas key (nearcore's, protocol 85) is an
//! access key with a balance of its own and `num_nonces` parallel nonces, each a record next to
//! the key's (`TrieKey::GasKeyNonce`). Corresponds to nearcore's
//! `runtime/runtime/src/access_keys.rs`.
//!
//! Transactions a gas key signs (nearcore's `TransactionV1` with a nonce index: gas from the
//! key's balance) are checked and charged by [`crate::verifier`]; gas refunds to a key are
//! [`refund_gas_to_key`].

use crate::types::{ActionContext, ActionResult, RuntimeError};
use crate::verifier::initial_nonce_value;
use near_parameters::gas_key_fees::access_key_key_len;
use near_parameters::{ExtCosts, RuntimeConfig};
use near_primitives::account::{AccessKey, AccessKeyPermission, Account, FunctionCallPermission, GasKeyInfo};
use near_primitives::action::{AddKeyAction, DeleteKeyAction, TransferToGasKeyAction, WithdrawFromGasKeyAction};
use near_primitives::crypto::PublicKey;
use near_primitives::errors::ActionErrorKind;
use near_primitives::trie_key::{TrieKey, access_key_prefix};
use near_primitives::types::{AccountId, Balance};
use near_store::TrieUpdate;
use near_store::utils::{AccessKeyRecord, decode_access_key_record, get_access_key, set_access_key, set_gas_key_nonce};

/// Storage bytes an access key record takes: its key's handle (33 bytes for an ML-DSA-65 key),
/// the record, and the per-record overhead.
pub fn access_key_storage_bytes(config: &RuntimeConfig, public_key: &PublicKey, access_key: &AccessKey) -> u64 {
    access_key_record_bytes(config, public_key.trie_id_len(), access_key)
}

/// [`access_key_storage_bytes`] for a key known by its handle, of `trie_id_len` bytes (a
/// universal state init names its keys only by handle).
pub fn access_key_record_bytes(config: &RuntimeConfig, trie_id_len: usize, access_key: &AccessKey) -> u64 {
    let value = borsh::object_length(access_key).unwrap_or_default() as u64;
    trie_id_len as u64 + value + config.fees.storage_usage_config.num_extra_bytes_record
}

/// Storage bytes a gas key takes: its access key record, and per nonce the key's handle, the
/// index, the `u64` value and the per-record overhead.
pub fn gas_key_storage_bytes(config: &RuntimeConfig, public_key: &PublicKey, access_key: &AccessKey) -> u64 {
    let nonces = access_key.gas_key_info().map_or(0, |info| u64::from(info.num_nonces));
    let per_nonce = public_key.trie_id_len() as u64
        + AccessKey::NONCE_INDEX_LEN
        + AccessKey::NONCE_VALUE_LEN
        + config.fees.storage_usage_config.num_extra_bytes_record;
    nonces * per_nonce + access_key_storage_bytes(config, public_key, access_key)
}

/// The compute of removing `count` gas-key nonce records with `key_bytes` key bytes in total
/// (as many `storage_remove`s; gas is not charged for it, the `DeleteKey` fee covers it).
fn nonce_removal_compute(config: &RuntimeConfig, count: u64, key_bytes: u64) -> u64 {
    let costs = &config.wasm_config.ext_costs;
    let cost = |ext| costs.compute_cost(ext);
    (cost(ExtCosts::storage_remove_base).saturating_mul(count))
        .saturating_add(cost(ExtCosts::storage_remove_key_byte).saturating_mul(key_bytes))
        .saturating_add(
            cost(ExtCosts::storage_remove_ret_value_byte).saturating_mul(count * AccessKey::NONCE_VALUE_LEN),
        )
}

fn overflow(what: &'static str) -> RuntimeError {
    RuntimeError::UnexpectedIntegerOverflow(what)
}

/// `AddKey`: stores the key with a fresh nonce range (a gas key: nonce 0 on the key, and each of
/// its nonces starting the fresh range).
///
/// # Errors
/// Storage faults.
pub(crate) fn action_add_key(
    state: &mut TrieUpdate,
    account: &mut Account,
    ctx: &ActionContext<'_>,
    add_key: &AddKeyAction,
    result: &mut ActionResult,
) -> Result<(), RuntimeError> {
    let account_id = ctx.account_id();
    if get_access_key(state, account_id, &add_key.public_key)?.is_some() {
        let public_key = Box::new(add_key.public_key.clone());
        ctx.fail(result, ActionErrorKind::AddKeyAlreadyExists { account_id: account_id.clone(), public_key });
        return Ok(());
    }
    let fresh_nonce = initial_nonce_value(ctx.apply_state.block_height);
    let mut access_key = add_key.access_key.clone();
    let bytes = match access_key.gas_key_info().map(|info| info.num_nonces) {
        Some(num_nonces) => {
            access_key.nonce = 0;
            for index in 0..num_nonces {
                set_gas_key_nonce(state, account_id.clone(), add_key.public_key.clone(), index, fresh_nonce);
            }
            gas_key_storage_bytes(ctx.config(), &add_key.public_key, &access_key)
        }
        None => {
            access_key.nonce = fresh_nonce;
            access_key_storage_bytes(ctx.config(), &add_key.public_key, &access_key)
        }
    };
    account.storage_usage = account.storage_usage.checked_add(bytes).ok_or_else(|| overflow("storage usage"))?;
    set_access_key(state, account_id.clone(), add_key.public_key.clone(), &access_key);
    Ok(())
}

/// `DeleteKey`: removes the key and its storage. A gas key's nonces go with it and its balance
/// is burnt, unless it holds more than [`GasKeyInfo::MAX_BALANCE_TO_BURN`]
/// (`GasKeyBalanceTooHigh`: withdraw first).
///
/// # Errors
/// Storage faults.
pub(crate) fn action_delete_key(
    state: &mut TrieUpdate,
    account: &mut Account,
    ctx: &ActionContext<'_>,
    delete_key: &DeleteKeyAction,
    result: &mut ActionResult,
) -> Result<(), RuntimeError> {
    let account_id = ctx.account_id();
    let public_key = &delete_key.public_key;
    let Some(access_key) = get_access_key(state, account_id, public_key)? else {
        let public_key = Box::new(public_key.clone());
        ctx.fail(result, ActionErrorKind::DeleteKeyDoesNotExist { account_id: account_id.clone(), public_key });
        return Ok(());
    };
    let bytes = match access_key.gas_key_info() {
        Some(info) => {
            if info.balance > GasKeyInfo::MAX_BALANCE_TO_BURN {
                let kind = ActionErrorKind::GasKeyBalanceTooHigh {
                    account_id: account_id.clone(),
                    public_key: Some(Box::new(public_key.clone())),
                    balance: info.balance,
                };
                ctx.fail(result, kind);
                return Ok(());
            }
            result.tokens_burnt = result.tokens_burnt.checked_add(info.balance).ok_or_else(|| overflow("burnt"))?;
            for index in 0..info.num_nonces {
                state.remove(TrieKey::GasKeyNonce {
                    account_id: account_id.clone(),
                    key_handle: public_key.into(),
                    index,
                });
            }
            let count = u64::from(info.num_nonces);
            let nonce_key = access_key_key_len(account_id.len(), public_key.trie_id_len()) + AccessKey::NONCE_INDEX_LEN;
            let key_bytes = count * nonce_key;
            let compute = nonce_removal_compute(ctx.config(), count, key_bytes);
            result.add_gas(0, 0, compute)?;
            gas_key_storage_bytes(ctx.config(), public_key, &access_key)
        }
        None => access_key_storage_bytes(ctx.config(), public_key, &access_key),
    };
    account.storage_usage = account.storage_usage.saturating_sub(bytes);
    state.remove(TrieKey::AccessKey { account_id: account_id.clone(), key_handle: public_key.into() });
    Ok(())
}

/// The account's gas key `public_key`; `None` after failing the action with
/// `GasKeyDoesNotExist` (no such key, or not a gas key).
fn gas_key(
    state: &TrieUpdate,
    ctx: &ActionContext<'_>,
    public_key: &PublicKey,
    result: &mut ActionResult,
) -> Result<Option<AccessKey>, RuntimeError> {
    let account_id = ctx.account_id();
    match get_access_key(state, account_id, public_key)? {
        Some(key) if key.gas_key_info().is_some() => Ok(Some(key)),
        _ => {
            let public_key = Box::new(public_key.clone());
            ctx.fail(result, ActionErrorKind::GasKeyDoesNotExist { account_id: account_id.clone(), public_key });
            Ok(None)
        }
    }
}

/// `TransferToGasKey`: adds the deposit to the gas key's balance (anyone may fund a key).
///
/// # Errors
/// Storage faults; overflow.
pub(crate) fn action_transfer_to_gas_key(
    state: &mut TrieUpdate,
    ctx: &ActionContext<'_>,
    transfer: &TransferToGasKeyAction,
    result: &mut ActionResult,
) -> Result<(), RuntimeError> {
    let Some(mut access_key) = gas_key(state, ctx, &transfer.public_key, result)? else { return Ok(()) };
    if let Some(info) = access_key.gas_key_info_mut() {
        info.balance = info.balance.checked_add(transfer.deposit).ok_or_else(|| overflow("gas key balance"))?;
    }
    set_access_key(state, ctx.account_id().clone(), transfer.public_key.clone(), &access_key);
    Ok(())
}

/// `WithdrawFromGasKey`: moves `amount` from the gas key's balance to the account's
/// (`InsufficientGasKeyBalance` when it holds less).
///
/// # Errors
/// Storage faults; overflow.
pub(crate) fn action_withdraw_from_gas_key(
    state: &mut TrieUpdate,
    account: &mut Account,
    ctx: &ActionContext<'_>,
    withdraw: &WithdrawFromGasKeyAction,
    result: &mut ActionResult,
) -> Result<(), RuntimeError> {
    let account_id = ctx.account_id();
    let Some(mut access_key) = gas_key(state, ctx, &withdraw.public_key, result)? else { return Ok(()) };
    let Some(info) = access_key.gas_key_info_mut() else { return Ok(()) };
    let Some(left) = info.balance.checked_sub(withdraw.amount) else {
        let kind = ActionErrorKind::InsufficientGasKeyBalance {
            account_id: account_id.clone(),
            public_key: Box::new(withdraw.public_key.clone()),
            balance: info.balance,
            required: withdraw.amount,
        };
        ctx.fail(result, kind);
        return Ok(());
    };
    info.balance = left;
    set_access_key(state, account_id.clone(), withdraw.public_key.clone(), &access_key);
    account.amount = account.amount.checked_add(withdraw.amount).ok_or_else(|| overflow("withdraw"))?;
    Ok(())
}

/// The key side of a gas refund (a refund receipt whose signer is its receiver): the balance of
/// the gas key that signed takes it, if the key is still one (`true`); otherwise the account
/// takes it (the caller credits it) and a function-call key's allowance grows by as much (best
/// effort: the key may be gone or replaced).
///
/// # Errors
/// Storage faults; overflow.
pub(crate) fn refund_gas_to_key(
    state: &mut TrieUpdate,
    ctx: &ActionContext<'_>,
    amount: Balance,
) -> Result<bool, RuntimeError> {
    let (account_id, public_key) = (ctx.account_id(), &ctx.action_receipt.signer_public_key);
    let Some(mut access_key) = get_access_key(state, account_id, public_key)? else { return Ok(false) };
    let to_key = match &mut access_key.permission {
        AccessKeyPermission::GasKeyFullAccess(info) | AccessKeyPermission::GasKeyFunctionCall(info, _) => {
            info.balance = info.balance.checked_add(amount).ok_or_else(|| overflow("gas key balance"))?;
            true
        }
        AccessKeyPermission::FunctionCall(FunctionCallPermission { allowance: Some(allowance), .. }) => {
            *allowance = allowance.saturating_add(amount);
            false
        }
        AccessKeyPermission::FunctionCall(_) | AccessKeyPermission::FullAccess => return Ok(false),
    };
    set_access_key(state, account_id.clone(), public_key.clone(), &access_key);
    Ok(to_key)
}

/// What an account's gas keys hold: their balances summed, and their nonce records (count and
/// key bytes), found by walking its access-key records.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct GasKeysOfAccount {
    /// Sum of the gas keys' balances.
    pub(crate) balance: Balance,
    /// Number of nonce records.
    pub(crate) nonces: u64,
    /// Bytes of their trie keys.
    pub(crate) nonce_key_bytes: u64,
}

impl GasKeysOfAccount {
    /// Walks `account_id`'s access-key records (access keys and gas-key nonces).
    ///
    /// # Errors
    /// Storage faults, and a record that does not decode.
    pub(crate) fn read(state: &TrieUpdate, account_id: &AccountId) -> Result<GasKeysOfAccount, RuntimeError> {
        let mut found = GasKeysOfAccount::default();
        for (key, value) in state.iter_prefix(&access_key_prefix(account_id))? {
            match decode_access_key_record(&value)? {
                AccessKeyRecord::GasKeyNonce(_) => {
                    found.nonces += 1;
                    found.nonce_key_bytes += key.len() as u64;
                }
                AccessKeyRecord::Key(access_key) => {
                    let balance = access_key.gas_key_info().map_or(0, |info| info.balance);
                    found.balance = found.balance.checked_add(balance).ok_or_else(|| overflow("gas key balances"))?;
                }
            }
        }
        Ok(found)
    }

    /// The compute of removing the nonce records.
    pub(crate) fn removal_compute(&self, config: &RuntimeConfig) -> u64 {
        nonce_removal_compute(config, self.nonces, self.nonce_key_bytes)
    }
}
