//! `External`: how the runner reaches the chain. The runtime implements it over the trie; unit
//! tests use [`crate::logic::mocks::MockedExternal`].

use near_primitives::hash::CryptoHash;
use near_primitives::trie_key::SubmoduleCodeInfo;
use near_primitives::types::{AccountId, Balance};
use near_primitives::universal_state_init::{StateInitCounts, StateInitError, UniversalStateInit};

/// A fault of the node, not of the contract: the execution is abandoned, never recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("external fault: {0}")]
pub struct ExternalFault(pub String);

/// Trie nodes touched by an operation, for the `touching_trie_node` / `read_cached_trie_node`
/// costs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TrieNodesCount {
    /// Nodes read from the database.
    pub db_reads: u64,
    /// Nodes read from the cache.
    pub mem_reads: u64,
}

/// The chain as the contract sees it: its own storage, and validator stakes.
///
/// `Any` lets the owner of a boxed `External` take its concrete type back after a run
/// (`Box<dyn External>` upcasts to `Box<dyn Any>`).
pub trait External: std::any::Any + Send {
    /// Sets `key` of the current account's storage; returns the previous value.
    ///
    /// # Errors
    /// Node faults only.
    fn storage_set(&mut self, key: &[u8], value: &[u8]) -> Result<Option<Vec<u8>>, ExternalFault>;

    /// The value of `key`.
    ///
    /// # Errors
    /// Node faults only.
    fn storage_get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, ExternalFault>;

    /// Removes `key`; returns the removed value.
    ///
    /// # Errors
    /// Node faults only.
    fn storage_remove(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, ExternalFault>;

    /// How many bytes of `value`, just evicted by [`External::storage_set`] or removed by
    /// [`External::storage_remove`], the node charged itself for reading
    /// (`storage_write_evicted_byte`, `storage_remove_ret_value_byte`). A node reads the old
    /// value from the trie: all of it (the default). nearcore charges these inside its
    /// `External`, so its `MockedExternal` charges none; ours does the same.
    fn charged_value_bytes(&self, value: &[u8]) -> u64 {
        value.len() as u64
    }

    /// Whether `key` has a value.
    ///
    /// # Errors
    /// Node faults only.
    fn storage_has_key(&self, key: &[u8]) -> Result<bool, ExternalFault> {
        Ok(self.storage_get(key)?.is_some())
    }

    /// NEP-519: if the current account has a pending yield with `data_id` (its status record
    /// exists), marks a resume as initiated and returns true; false if there is none.
    ///
    /// # Errors
    /// Node faults only.
    fn submit_yield_resume(&mut self, data_id: &CryptoHash) -> Result<bool, ExternalFault>;

    /// NEP-519: the data id of the current account's yield created with `yield_id`.
    ///
    /// # Errors
    /// Node faults only.
    fn yield_data_id(&self, yield_id: &CryptoHash) -> Result<Option<CryptoHash>, ExternalFault>;

    /// NEP-519: records `yield_id` ↔ `data_id` for the current account.
    ///
    /// # Errors
    /// Node faults only.
    fn register_yield_id(&mut self, yield_id: &CryptoHash, data_id: &CryptoHash) -> Result<(), ExternalFault>;

    /// NEP-481: the code of the current account's submodule under `key`.
    ///
    /// # Errors
    /// Node faults only.
    fn submodule_code(&self, key: &[u8]) -> Result<Option<Vec<u8>>, ExternalFault> {
        let _ = key;
        Ok(None)
    }

    /// NEP-481: the hash and length of the code of the current account's submodule under
    /// `key`, which is all `start_submodule` reads when the module is compiled already. The
    /// default hashes [`External::submodule_code`]; the runtime reads them from the trie.
    ///
    /// # Errors
    /// Node faults only.
    fn submodule_code_info(&self, key: &[u8]) -> Result<Option<SubmoduleCodeInfo>, ExternalFault> {
        Ok(self.submodule_code(key)?.map(|code| SubmoduleCodeInfo::of(&code)))
    }

    /// A fresh, unique data id linking a new receipt to one it waits for.
    fn generate_data_id(&mut self) -> CryptoHash;

    /// Trie nodes touched since the execution started (monotonic).
    fn trie_nodes_count(&self) -> TrieNodesCount {
        TrieNodesCount::default()
    }

    /// The stake of a current validator, if `account_id` is one.
    ///
    /// # Errors
    /// Node faults only.
    fn validator_stake(&self, account_id: &AccountId) -> Result<Option<Balance>, ExternalFault>;

    /// Total stake of the current validators.
    ///
    /// # Errors
    /// Node faults only.
    fn validator_total_stake(&self) -> Result<Balance, ExternalFault>;

    /// The chain's id (the genesis `chain_id`: "mainnet", "testnet", …), for `chain_id`.
    fn chain_id(&self) -> String;

    /// Universal accounts: whether `state_init` is the canonical borsh of a universal state init
    /// (the node decodes it, as nearcore's `External` does).
    ///
    /// # Errors
    /// Why it is not.
    fn check_state_init(&self, state_init: &[u8]) -> Result<(), StateInitError> {
        UniversalStateInit::from_canonical_bytes(state_init).map(drop)
    }

    /// Universal accounts: the entries and keys a `UniversalStateInit` action carrying
    /// `state_init` is charged for (see [`UniversalStateInit::send_counts`]).
    fn state_init_send_counts(&self, state_init: &[u8]) -> StateInitCounts {
        UniversalStateInit::send_counts(state_init)
    }
}
