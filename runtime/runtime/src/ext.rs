//! [`RuntimeExt`]: the runner's [`External`] over the runtime's [`TrieUpdate`], for one action.
//! Corresponds to nearcore's `runtime/runtime/src/ext.rs`.

use near_primitives::hash::CryptoHash;
use near_primitives::receipt::PromiseYieldStatus;
use near_primitives::receipt::create_data_id;
use near_primitives::trie_key::{SubmoduleCodeInfo, TrieKey};
use near_primitives::types::{AccountId, Balance, BlockHeight};
use near_store::utils::{get, set};
use near_store::{StorageError, TrieUpdate};
use near_vm_runner::logic::{External, ExternalFault};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Current validators and their stakes, as the contract's `validator_stake` sees them.
pub type ValidatorStakes = Arc<BTreeMap<AccountId, Balance>>;

/// Contract storage and data ids for one execution: owns the chunk's [`TrieUpdate`] while the
/// contract runs (the runtime takes it back with [`RuntimeExt::into_state`]).
pub struct RuntimeExt {
    state: TrieUpdate,
    account_id: AccountId,
    action_hash: CryptoHash,
    block_height: BlockHeight,
    data_count: u64,
    validators: ValidatorStakes,
    chain_id: String,
}

/// Where a [`RuntimeExt`] runs: the executing account and the action it executes.
#[derive(Debug, Clone)]
pub struct ExtContext {
    /// The account whose storage the contract sees.
    pub account_id: AccountId,
    /// The action being executed; data ids derive from it.
    pub action_hash: CryptoHash,
    /// The height of the block being applied.
    pub block_height: BlockHeight,
    /// Current validators.
    pub validators: ValidatorStakes,
    /// The chain's id, for `chain_id`.
    pub chain_id: String,
}

/// `TrieKey::SubmoduleCodeInfo` of `account_id`'s submodule `key`.
pub(crate) fn submodule_code_info_key(account_id: &AccountId, key: &[u8]) -> TrieKey {
    TrieKey::SubmoduleCodeInfo { account_id: account_id.clone(), key: key.to_vec() }
}

/// The hash and length of the code stored under `key` for `account_id`, if any, from its info
/// record without reading the code; a state written before infos existed has none, and then
/// the code is read and hashed. (`start_submodule` reads it through `RuntimeExt`; the deploy
/// and remove actions for the storage usage.)
///
/// # Errors
/// Storage faults, and an info record that does not decode.
pub(crate) fn stored_code_info(
    state: &TrieUpdate,
    account_id: &AccountId,
    key: &[u8],
) -> Result<Option<SubmoduleCodeInfo>, StorageError> {
    if let Some(bytes) = state.get(&submodule_code_info_key(account_id, key))? {
        let info = SubmoduleCodeInfo::from_bytes(&bytes).ok_or_else(|| {
            StorageError::StorageInconsistentState(format!("corrupt submodule code info of {account_id}"))
        })?;
        return Ok(Some(info));
    }
    let code_key = TrieKey::SubmoduleCode { account_id: account_id.clone(), key: key.to_vec() };
    Ok(state.get(&code_key)?.map(|code| SubmoduleCodeInfo::of(&code)))
}

fn fault(error: StorageError) -> ExternalFault {
    ExternalFault(error.to_string())
}

impl RuntimeExt {
    /// An `External` over `state` for `context`.
    pub fn new(state: TrieUpdate, context: ExtContext) -> RuntimeExt {
        RuntimeExt {
            state,
            account_id: context.account_id,
            action_hash: context.action_hash,
            block_height: context.block_height,
            data_count: 0,
            validators: context.validators,
            chain_id: context.chain_id,
        }
    }

    /// Gives the state back.
    pub fn into_state(self) -> TrieUpdate {
        self.state
    }

    fn data_key(&self, key: &[u8]) -> TrieKey {
        TrieKey::ContractData { account_id: self.account_id.clone(), key: key.to_vec() }
    }
}

impl External for RuntimeExt {
    fn storage_set(&mut self, key: &[u8], value: &[u8]) -> Result<Option<Vec<u8>>, ExternalFault> {
        let key = self.data_key(key);
        let previous = self.state.get(&key).map_err(fault)?;
        self.state.set(key, value.to_vec());
        Ok(previous)
    }

    fn storage_get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, ExternalFault> {
        self.state.get(&self.data_key(key)).map_err(fault)
    }

    fn storage_remove(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, ExternalFault> {
        let key = self.data_key(key);
        let previous = self.state.get(&key).map_err(fault)?;
        if previous.is_some() {
            self.state.remove(key);
        }
        Ok(previous)
    }

    fn submit_yield_resume(&mut self, data_id: &CryptoHash) -> Result<bool, ExternalFault> {
        let key = TrieKey::PromiseYieldStatus { receiver_id: self.account_id.clone(), data_id: *data_id };
        if !self.state.contains_key(&key).map_err(fault)? {
            return Ok(false);
        }
        set(&mut self.state, key, &PromiseYieldStatus::ResumeInitiated);
        Ok(true)
    }

    fn yield_data_id(&self, yield_id: &CryptoHash) -> Result<Option<CryptoHash>, ExternalFault> {
        get(&self.state, &TrieKey::YieldIdToDataId { receiver_id: self.account_id.clone(), yield_id: *yield_id })
            .map_err(fault)
    }

    fn register_yield_id(&mut self, yield_id: &CryptoHash, data_id: &CryptoHash) -> Result<(), ExternalFault> {
        let receiver_id = self.account_id.clone();
        set(
            &mut self.state,
            TrieKey::YieldIdToDataId { receiver_id: receiver_id.clone(), yield_id: *yield_id },
            data_id,
        );
        set(&mut self.state, TrieKey::DataIdToYieldId { receiver_id, data_id: *data_id }, yield_id);
        Ok(())
    }

    fn submodule_code(&self, key: &[u8]) -> Result<Option<Vec<u8>>, ExternalFault> {
        self.state
            .get(&TrieKey::SubmoduleCode { account_id: self.account_id.clone(), key: key.to_vec() })
            .map_err(fault)
    }

    fn submodule_code_info(&self, key: &[u8]) -> Result<Option<SubmoduleCodeInfo>, ExternalFault> {
        stored_code_info(&self.state, &self.account_id, key).map_err(fault)
    }

    fn generate_data_id(&mut self) -> CryptoHash {
        let data_id = create_data_id(&self.action_hash, self.block_height, self.data_count);
        self.data_count += 1;
        data_id
    }

    fn validator_stake(&self, account_id: &AccountId) -> Result<Option<Balance>, ExternalFault> {
        Ok(self.validators.get(account_id).copied())
    }

    fn validator_total_stake(&self) -> Result<Balance, ExternalFault> {
        Ok(self.validators.values().sum())
    }

    fn chain_id(&self) -> String {
        self.chain_id.clone()
    }
}
