//! Global contracts (protocol 77): `DeployGlobalContract` burns the code's storage from the
//! deployer and sends the code on as a `GlobalContractDistribution` receipt, which stores it under
//! `TrieKey::GlobalContractCode` when applied; `UseGlobalContract` makes an account run it; a
//! function call finds an account's code here. Corresponds to nearcore's
//! `runtime/runtime/src/global_contracts.rs`.
//!
//! This runtime has one shard: a distribution is applied once (nearcore forwards it shard by
//! shard) and produces no outcome, as in nearcore. Deployments are numbered per identifier
//! (`TrieKey::GlobalContractNonce`), and a distribution older than the stored number is not
//! applied (protocol 83).

use crate::types::{ActionContext, ActionResult, RuntimeError};
use near_parameters::RuntimeConfig;
use near_primitives::account::{Account, AccountContract};
use near_primitives::action::DeployGlobalContractAction;
use near_primitives::errors::ActionErrorKind;
use near_primitives::global_contract::{GlobalContractDeployMode, GlobalContractIdentifier};
use near_primitives::hash::{CryptoHash, hash};
use near_primitives::receipt::{
    GlobalContractDistributionReceipt, GlobalContractDistributionReceiptV2, Receipt, ReceiptEnum,
};
use near_primitives::trie_key::TrieKey;
use near_primitives::types::AccountId;
use near_store::utils::{get, get_code, set};
use near_store::{StorageError, TrieUpdate};

/// `DeployGlobalContract`: burns `global_contract_storage_amount_per_byte` per byte of code from
/// the account (`LackBalanceForState` when it cannot pay), numbers the deployment and sends the
/// distribution receipt.
///
/// # Errors
/// Storage faults.
pub(crate) fn action_deploy_global_contract(
    state: &mut TrieUpdate,
    account: &mut Account,
    ctx: &ActionContext<'_>,
    deploy: &DeployGlobalContractAction,
    result: &mut ActionResult,
) -> Result<(), RuntimeError> {
    let account_id = ctx.account_id();
    let per_byte = ctx.config().fees.storage_usage_config.global_contract_storage_amount_per_byte;
    let cost = per_byte.saturating_mul(deploy.code.len() as u128);
    let Some(remaining) = account.amount.checked_sub(cost) else {
        ctx.fail(result, ActionErrorKind::LackBalanceForState { account_id: account_id.clone(), amount: cost });
        return Ok(());
    };
    account.amount = remaining;
    result.tokens_burnt = result.tokens_burnt.saturating_add(cost);
    let id = match deploy.deploy_mode {
        GlobalContractDeployMode::CodeHash => GlobalContractIdentifier::CodeHash(hash(&deploy.code)),
        GlobalContractDeployMode::AccountId => GlobalContractIdentifier::AccountId(account_id.clone()),
    };
    let nonce_key = TrieKey::GlobalContractNonce { identifier: id.clone() };
    let nonce = get::<u64>(state, &nonce_key)?.unwrap_or(0).saturating_add(1);
    set(state, nonce_key, &nonce);
    let distribution = GlobalContractDistributionReceiptV2 {
        id,
        target_shard: 0,
        already_delivered_shards: Vec::new(),
        code: deploy.code.clone(),
        nonce,
    };
    result.new_receipts.push(Receipt {
        predecessor_id: account_id.clone(),
        receiver_id: "system".parse().expect("`system` is a valid account id"),
        receipt_id: CryptoHash::default(),
        receipt: ReceiptEnum::GlobalContractDistribution(GlobalContractDistributionReceipt::V2(distribution)),
    });
    Ok(())
}

/// Applies a distribution: stores the code unless a newer deployment of the same identifier was
/// already numbered. Returns the compute it counts against the chunk
/// (`deploy_global_contract_execution_base` plus per byte).
///
/// # Errors
/// Storage faults.
pub(crate) fn apply_distribution(
    state: &mut TrieUpdate,
    config: &RuntimeConfig,
    distribution: &GlobalContractDistributionReceipt,
) -> Result<u64, RuntimeError> {
    let identifier = distribution.id().clone();
    let nonce_key = TrieKey::GlobalContractNonce { identifier: identifier.clone() };
    let stored = get::<u64>(state, &nonce_key)?.unwrap_or(0);
    if distribution.nonce() >= stored {
        set(state, nonce_key, &distribution.nonce());
        state.set(TrieKey::GlobalContractCode { identifier }, distribution.code().to_vec());
    }
    let fees = &config.fees;
    let per_byte = fees.deploy_global_contract_execution_per_byte.saturating_mul(distribution.code().len() as u64);
    Ok(fees.deploy_global_contract_execution_base.saturating_add(per_byte))
}

/// `UseGlobalContract` (and the contract of a state init): the account runs the global contract
/// `identifier`; its own code, if any, is removed. `GlobalContractDoesNotExist` when nothing is
/// deployed under the identifier.
///
/// # Errors
/// Storage faults.
pub(crate) fn use_global_contract(
    state: &mut TrieUpdate,
    account: &mut Account,
    ctx: &ActionContext<'_>,
    identifier: &GlobalContractIdentifier,
    result: &mut ActionResult,
) -> Result<(), RuntimeError> {
    if !state.contains_key(&TrieKey::GlobalContractCode { identifier: identifier.clone() })? {
        ctx.fail(result, ActionErrorKind::GlobalContractDoesNotExist { identifier: identifier.clone() });
        return Ok(());
    }
    let account_id = ctx.account_id();
    clear_contract(state, account, account_id)?;
    account.storage_usage = account.storage_usage.saturating_add(identifier.len() as u64);
    account.contract = match identifier {
        GlobalContractIdentifier::CodeHash(code_hash) => AccountContract::Global(*code_hash),
        GlobalContractIdentifier::AccountId(id) => AccountContract::GlobalByAccount(id.clone()),
    };
    Ok(())
}

/// The storage bytes the account's contract is charged: its own code's length, or a global
/// contract's identifier's.
///
/// # Errors
/// Storage faults.
pub(crate) fn contract_storage_bytes(
    state: &TrieUpdate,
    account_id: &AccountId,
    account: &Account,
) -> Result<u64, StorageError> {
    Ok(match &account.contract {
        AccountContract::None => 0,
        AccountContract::Local(_) => get_code(state, account_id)?.map_or(0, |code| code.len() as u64),
        AccountContract::Global(_) | AccountContract::GlobalByAccount(_) => {
            account.contract.global_identifier().map_or(0, |id| id.len() as u64)
        }
    })
}

/// Takes the account's contract away with the storage it was charged: its own code (and the
/// code's bytes), or the bytes of a global contract's identifier.
///
/// # Errors
/// Storage faults.
pub(crate) fn clear_contract(
    state: &mut TrieUpdate,
    account: &mut Account,
    account_id: &AccountId,
) -> Result<(), RuntimeError> {
    let charged = contract_storage_bytes(state, account_id, account)?;
    if let AccountContract::Local(_) = account.contract {
        state.remove(TrieKey::ContractCode { account_id: account_id.clone() });
    }
    account.storage_usage = account.storage_usage.saturating_sub(charged);
    account.contract = AccountContract::None;
    Ok(())
}

/// The code an account runs and its hash: its own, or the global contract it uses (by account:
/// whatever that account deployed last, hashed here). `None` when it has none, or uses a global
/// contract nobody deployed (an ETH-implicit account is created pointing at the chain's wallet
/// contract whether or not it was deployed): calling it fails as for an account without code.
///
/// # Errors
/// Storage faults.
pub(crate) fn account_code(
    state: &TrieUpdate,
    account_id: &AccountId,
    account: &Account,
) -> Result<Option<(CryptoHash, Vec<u8>)>, StorageError> {
    let Some(identifier) = account.contract.global_identifier() else {
        let Some(code_hash) = account.contract.local_code() else { return Ok(None) };
        return Ok(get_code(state, account_id)?.map(|code| (code_hash, code)));
    };
    let Some(code) = state.get(&TrieKey::GlobalContractCode { identifier: identifier.clone() })? else {
        return Ok(None);
    };
    let code_hash = match identifier {
        GlobalContractIdentifier::CodeHash(code_hash) => code_hash,
        GlobalContractIdentifier::AccountId(_) => hash(&code),
    };
    Ok(Some((code_hash, code)))
}
