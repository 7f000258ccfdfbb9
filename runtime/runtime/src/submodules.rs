//! NEP-481 actions: `DeploySubmodule` and `RemoveSubmodule`. Submodule code lives under
//! `TrieKey::SubmoduleCode`, apart from contract storage, with its hash and length under
//! `TrieKey::SubmoduleCodeInfo` (so starting, replacing or removing it needs neither the code
//! nor a hash of it); both records count toward storage usage as key + value + the per-record
//! overhead. Handlers have the shape of every action handler ([`crate::actions`]): a node fault
//! is the `Err`, an action failure goes into the [`ActionResult`].

use crate::ext::{stored_code_info, submodule_code_info_key as info_key};
use crate::types::{ActionContext, ActionResult, RuntimeError};
use near_primitives::account::Account;
use near_primitives::action::{DeploySubmoduleAction, RemoveSubmoduleAction};
use near_primitives::errors::ActionErrorKind;
use near_primitives::trie_key::{SubmoduleCodeInfo, TrieKey};
use near_store::TrieUpdate;

/// Bytes of a submodule's `SubmoduleCodeInfo` value (a hash and a u64).
const CODE_INFO_LEN: usize = 40;

/// Storage usage of a submodule: its code record and its info record.
fn record_bytes(ctx: &ActionContext<'_>, key: &[u8], code_len: u64) -> u64 {
    let overhead = ctx.config().fees.storage_usage_config.num_extra_bytes_record;
    (key.len() as u64 + code_len + overhead) + (key.len() as u64 + CODE_INFO_LEN as u64 + overhead)
}

/// Deploys (or replaces) the submodule under `key` after validating it with the submodule
/// import set; the compiled module goes to the runner's cache. Invalid code fails the action
/// with `SubmoduleCodeInvalid`.
///
/// # Errors
/// Storage faults.
pub(crate) fn action_deploy_submodule(
    state: &mut TrieUpdate,
    account: &mut Account,
    ctx: &ActionContext<'_>,
    deploy: &DeploySubmoduleAction,
    result: &mut ActionResult,
) -> Result<(), RuntimeError> {
    let account_id = ctx.account_id();
    let info = SubmoduleCodeInfo::of(&deploy.code);
    if let Err(error) = ctx.runner.precompile_submodule(&deploy.code, info.hash, ctx.config()) {
        ctx.fail(result, ActionErrorKind::SubmoduleCodeInvalid { account_id: account_id.clone(), error });
        return Ok(());
    }
    if let Some(previous) = stored_code_info(state, account_id, &deploy.key)? {
        account.storage_usage = account.storage_usage.saturating_sub(record_bytes(ctx, &deploy.key, previous.len));
    }
    account.storage_usage += record_bytes(ctx, &deploy.key, info.len);
    state.set(info_key(account_id, &deploy.key), info.to_bytes());
    state.set(TrieKey::SubmoduleCode { account_id: account_id.clone(), key: deploy.key.clone() }, deploy.code.clone());
    Ok(())
}

/// Removes the submodule under `key`; a missing key fails the action with
/// `SubmoduleDoesNotExist`.
///
/// # Errors
/// Storage faults.
pub(crate) fn action_remove_submodule(
    state: &mut TrieUpdate,
    account: &mut Account,
    ctx: &ActionContext<'_>,
    remove: &RemoveSubmoduleAction,
    result: &mut ActionResult,
) -> Result<(), RuntimeError> {
    let account_id = ctx.account_id();
    let Some(previous) = stored_code_info(state, account_id, &remove.key)? else {
        let kind = ActionErrorKind::SubmoduleDoesNotExist { account_id: account_id.clone(), key: remove.key.clone() };
        ctx.fail(result, kind);
        return Ok(());
    };
    account.storage_usage = account.storage_usage.saturating_sub(record_bytes(ctx, &remove.key, previous.len));
    state.remove(TrieKey::SubmoduleCode { account_id: account_id.clone(), key: remove.key.clone() });
    state.remove(info_key(account_id, &remove.key));
    Ok(())
}
