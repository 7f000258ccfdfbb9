//! An in-memory [`External`] for unit tests and the standalone runner.

use super::dependencies::{External, ExternalFault};
use near_primitives::hash::CryptoHash;
use near_primitives::types::{AccountId, Balance};
use near_primitives::universal_state_init::{StateInitCounts, StateInitError};
use std::collections::{BTreeMap, HashMap};

/// Storage in a map, validators in a map.
#[derive(Debug, Clone, Default)]
pub struct MockedExternal {
    /// The contract's storage.
    pub storage: BTreeMap<Vec<u8>, Vec<u8>>,
    /// Validator stakes.
    pub validators: HashMap<AccountId, Balance>,
    /// Data ids handed out so far.
    pub data_count: u64,
    /// Data ids of pending yields (their status is "exists").
    pub pending_yields: std::collections::BTreeSet<CryptoHash>,
    /// Yields with a resume initiated.
    pub resumed_yields: std::collections::BTreeSet<CryptoHash>,
    /// Yield id → data id.
    pub yield_ids: BTreeMap<CryptoHash, CryptoHash>,
    /// NEP-481 submodule code by key.
    pub submodules: BTreeMap<Vec<u8>, Vec<u8>>,
    /// What `check_state_init` answers (`None`: valid), as nearcore's mock: it decodes nothing.
    pub state_init_error: Option<StateInitError>,
    /// The entries and keys `state_init_send_counts` reports, as nearcore's mock (0 and 0 unless a
    /// test sets them).
    pub state_init_counts: StateInitCounts,
}

impl External for MockedExternal {
    /// None, as nearcore's mock: its evicted and removed bytes are charged by the node's
    /// `External`, which a mock is not.
    fn charged_value_bytes(&self, _value: &[u8]) -> u64 {
        0
    }

    fn storage_set(&mut self, key: &[u8], value: &[u8]) -> Result<Option<Vec<u8>>, ExternalFault> {
        Ok(self.storage.insert(key.to_vec(), value.to_vec()))
    }

    fn storage_get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, ExternalFault> {
        Ok(self.storage.get(key).cloned())
    }

    fn storage_remove(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, ExternalFault> {
        Ok(self.storage.remove(key))
    }

    fn submit_yield_resume(&mut self, data_id: &CryptoHash) -> Result<bool, ExternalFault> {
        let pending = self.pending_yields.contains(data_id);
        if pending {
            self.resumed_yields.insert(*data_id);
        }
        Ok(pending)
    }

    fn yield_data_id(&self, yield_id: &CryptoHash) -> Result<Option<CryptoHash>, ExternalFault> {
        Ok(self.yield_ids.get(yield_id).copied())
    }

    fn register_yield_id(&mut self, yield_id: &CryptoHash, data_id: &CryptoHash) -> Result<(), ExternalFault> {
        self.yield_ids.insert(*yield_id, *data_id);
        Ok(())
    }

    fn submodule_code(&self, key: &[u8]) -> Result<Option<Vec<u8>>, ExternalFault> {
        Ok(self.submodules.get(key).cloned())
    }

    /// The hash of a counter starting at 0, as nearcore's mock does (so the harness compares
    /// like with like).
    fn generate_data_id(&mut self) -> CryptoHash {
        let data_id = CryptoHash::hash_bytes(&self.data_count.to_le_bytes());
        self.data_count += 1;
        data_id
    }

    fn validator_stake(&self, account_id: &AccountId) -> Result<Option<Balance>, ExternalFault> {
        Ok(self.validators.get(account_id).copied())
    }

    /// As nearcore's mock: the error a test set, else valid.
    fn check_state_init(&self, _state_init: &[u8]) -> Result<(), StateInitError> {
        self.state_init_error.map_or(Ok(()), Err)
    }

    /// As nearcore's mock: the counts a test set.
    fn state_init_send_counts(&self, _state_init: &[u8]) -> StateInitCounts {
        self.state_init_counts
    }

    /// "test", as nearcore's mock and test genesis.
    fn chain_id(&self) -> String {
        "test".to_string()
    }

    fn validator_total_stake(&self) -> Result<Balance, ExternalFault> {
        Ok(self.validators.values().sum())
    }
}
