//! NEP-481 actions: `DeploySubmodule` and `RemoveSubmodule`. Submodule code lives under
//! `TrieKey::SubmoduleCode`, apart from contract storage, and counts toward storage usage as
//! key + code + the per-record overhead.

use crate::RuntimeError;
use crate::actions::ActionContext;
use near_primitives::account::Account;
use near_primitives::action::{DeploySubmoduleAction, RemoveSubmoduleAction};
use near_primitives::errors::{ActionError, ActionErrorKind};
use near_primitives::trie_key::TrieKey;
use near_store::TrieUpdate;
use near_vm_runner::ContractRunner;

fn record_bytes(ctx: &ActionContext<'_>, key: &[u8], code_len: usize) -> u64 {
    key.len() as u64 + code_len as u64 + ctx.apply_state.config.fees.storage_usage_config.num_extra_bytes_record
}

/// Deploys (or replaces) the submodule under `key` after validating it with the submodule
/// import set; the compiled module goes to the runner's cache.
pub(crate) fn action_deploy_submodule(
    state: &mut TrieUpdate,
    account: &mut Account,
    ctx: &ActionContext<'_>,
    deploy: &DeploySubmoduleAction,
    runner: &ContractRunner,
) -> Result<Result<(), ActionError>, RuntimeError> {
    let account_id = &ctx.receipt.receiver_id;
    if let Err(error) = runner.precompile_submodule(&deploy.code, &ctx.apply_state.config) {
        return Ok(Err(ActionError {
            index: Some(ctx.action_index),
            kind: ActionErrorKind::SubmoduleCodeInvalid { account_id: account_id.clone(), error },
        }));
    }
    let key = TrieKey::SubmoduleCode { account_id: account_id.clone(), key: deploy.key.clone() };
    if let Some(previous) = state.get(&key)? {
        account.storage_usage = account.storage_usage.saturating_sub(record_bytes(ctx, &deploy.key, previous.len()));
    }
    account.storage_usage += record_bytes(ctx, &deploy.key, deploy.code.len());
    state.set(key, deploy.code.clone());
    Ok(Ok(()))
}

/// Removes the submodule under `key`; a missing key fails the action.
pub(crate) fn action_remove_submodule(
    state: &mut TrieUpdate,
    account: &mut Account,
    ctx: &ActionContext<'_>,
    remove: &RemoveSubmoduleAction,
) -> Result<Result<(), ActionError>, RuntimeError> {
    let account_id = &ctx.receipt.receiver_id;
    let key = TrieKey::SubmoduleCode { account_id: account_id.clone(), key: remove.key.clone() };
    let Some(previous) = state.get(&key)? else {
        return Ok(Err(ActionError {
            index: Some(ctx.action_index),
            kind: ActionErrorKind::SubmoduleDoesNotExist { account_id: account_id.clone(), key: remove.key.clone() },
        }));
    };
    account.storage_usage = account.storage_usage.saturating_sub(record_bytes(ctx, &remove.key, previous.len()));
    state.remove(key);
    Ok(Ok(()))
}
