//! What a `Transfer` is charged depends on its receiver (nearcore's `transfer_send_fee` and
//! `transfer_exec_fee`): a transfer to an implicit account id creates the account when it does
//! not exist, so it also pays for the actions that creation implies. The runner charges these
//! when a contract creates the transfer, the runtime when a transaction carries it and when it
//! executes; both read the same list.
//!
//! ```
//! use near_parameters::{ActionCosts, RuntimeConfig};
//! use near_parameters::transfer_fees::transfer_costs;
//! let config = RuntimeConfig::mainnet();
//! let named = "alice.near".parse().unwrap();
//! assert_eq!(transfer_costs(&config.wasm_config, &named), &[ActionCosts::transfer]);
//! let near_implicit = "a".repeat(64).parse().unwrap();
//! assert_eq!(
//!     transfer_costs(&config.wasm_config, &near_implicit),
//!     &[ActionCosts::transfer, ActionCosts::create_account, ActionCosts::add_full_access_key]
//! );
//! ```

use crate::{ActionCosts, Config};
use near_primitives::types::{AccountId, AccountType};

/// The account type a transfer to `receiver_id` treats it as: an implicit type whose feature is
/// off (ETH-implicit without `eth_implicit_accounts`, universal without `universal_accounts`)
/// is a named account, which a transfer never creates.
pub fn effective_account_type(config: &Config, receiver_id: &AccountId) -> AccountType {
    match receiver_id.get_account_type() {
        AccountType::EthImplicitAccount if !config.eth_implicit_accounts => AccountType::NamedAccount,
        AccountType::UniversalAccount if !config.universal_accounts => AccountType::NamedAccount,
        other => other,
    }
}

/// The fees a `Transfer` to `receiver_id` pays, each once in the send half and once in the
/// execution half: `transfer`, plus `create_account` for any account a transfer may create,
/// plus `add_full_access_key` for a NEAR-implicit account (its id is its key).
pub fn transfer_costs(config: &Config, receiver_id: &AccountId) -> &'static [ActionCosts] {
    match effective_account_type(config, receiver_id) {
        AccountType::NamedAccount => &[ActionCosts::transfer],
        AccountType::NearImplicitAccount => {
            &[ActionCosts::transfer, ActionCosts::create_account, ActionCosts::add_full_access_key]
        }
        AccountType::EthImplicitAccount | AccountType::NearDeterministicAccount | AccountType::UniversalAccount => {
            &[ActionCosts::transfer, ActionCosts::create_account]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RuntimeConfig;

    #[test]
    fn a_disabled_implicit_type_is_charged_as_a_named_account() {
        let mut config = RuntimeConfig::mainnet().wasm_config.as_ref().clone();
        let eth: AccountId = format!("0x{}", "b".repeat(40)).parse().unwrap();
        assert_eq!(transfer_costs(&config, &eth), &[ActionCosts::transfer, ActionCosts::create_account]);
        config.eth_implicit_accounts = false;
        assert_eq!(transfer_costs(&config, &eth), &[ActionCosts::transfer]);
        let deterministic: AccountId = format!("0s{}", "c".repeat(40)).parse().unwrap();
        assert_eq!(transfer_costs(&config, &deterministic).len(), 2);
    }
}
