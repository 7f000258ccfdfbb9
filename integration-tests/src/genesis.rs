//! Genesis: the accounts a test chain starts with, each with a full-access key derived from its
//! account id (so tests and scenarios can sign for any genesis account).

use near_parameters::RuntimeConfig;
use near_primitives::account::{AccessKey, Account};
use near_primitives::crypto::SecretKey;
use near_primitives::hash::hash;
use near_primitives::trie_key::TrieKey;
use near_primitives::types::{AccountId, Balance};
use near_store::TrieUpdate;
use near_store::utils::{set_access_key, set_account};
use node_runtime::access_keys::access_key_storage_bytes;

/// One NEAR in yoctoNEAR.
pub const NEAR: Balance = 1_000_000_000_000_000_000_000_000;

/// The key the harness signs with for `account_id`: derived from the id, deterministic.
pub fn signer_key(account_id: &AccountId) -> SecretKey {
    SecretKey::from_seed(account_id.as_str())
}

/// An account at genesis.
#[derive(Debug, Clone)]
pub struct GenesisAccount {
    /// The account.
    pub account_id: AccountId,
    /// Its liquid balance.
    pub balance: Balance,
    /// A contract deployed at genesis.
    pub code: Option<Vec<u8>>,
}

impl GenesisAccount {
    /// An account with `balance` and no contract.
    pub fn new(account_id: AccountId, balance: Balance) -> GenesisAccount {
        GenesisAccount { account_id, balance, code: None }
    }

    /// The same account with `code` deployed.
    pub fn with_code(mut self, code: Vec<u8>) -> GenesisAccount {
        self.code = Some(code);
        self
    }
}

/// Writes the genesis records: each account, its derived full-access key and its code, with
/// storage usage counted as the runtime counts it.
pub fn write_genesis(config: &RuntimeConfig, state: &mut TrieUpdate, accounts: &[GenesisAccount]) {
    for genesis in accounts {
        let public_key = signer_key(&genesis.account_id).public_key();
        let access_key = AccessKey::full_access();
        let mut account = Account::new(genesis.balance, config.fees.storage_usage_config.num_bytes_account);
        account.storage_usage += access_key_storage_bytes(config, &public_key, &access_key);
        if let Some(code) = &genesis.code {
            account.storage_usage += code.len() as u64;
            account.contract = near_primitives::account::AccountContract::Local(hash(code));
            state.set(TrieKey::ContractCode { account_id: genesis.account_id.clone() }, code.clone());
        }
        set_account(state, genesis.account_id.clone(), &account);
        set_access_key(state, genesis.account_id.clone(), public_key, &access_key);
    }
    state.commit();
}
