//! Runtime parameters, laid out like nearcore's `near-parameters`: action fees and host-function
//! costs ([`cost`], the content-dependent gas-key terms in [`gas_key_fees`], a transfer's by receiver in [`transfer_fees`]), the VM config and limits ([`vm`]), and the resolved [`RuntimeConfig`]
//! loaded from `res/runtime_configs/parameters.yaml` by nearcore's parameter names.
//!
//! ```
//! use near_parameters::{ExtCosts, RuntimeConfig};
//! let config = RuntimeConfig::mainnet();
//! assert_eq!(config.wasm_config.ext_costs.gas_cost(ExtCosts::yield_create_base), 153_411_779_276);
//! ```

pub mod config;
pub mod cost;
pub mod gas_key_fees;
mod parameter_table;
pub mod transfer_fees;
pub mod vm;

pub use config::{RuntimeConfig, RuntimeFeesConfig, StorageUsageConfig};
pub use cost::{ActionCosts, ExtCosts, ExtCostsConfig, Fee, ParameterCost};
pub use parameter_table::ParameterError;
pub use vm::{Config, LimitConfig, VMKind};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::MAINNET_PARAMETERS_YAML;
    use serde_json::Value;

    /// nearcore's resolved protocol-88 table (figures only), to check our YAML against.
    const NEARCORE_PV88: &str = include_str!("../res/nearcore-pv88-reference.json");

    fn reference() -> Value {
        serde_json::from_str(NEARCORE_PV88).unwrap()
    }

    #[test]
    fn resolved_config_snapshot() {
        insta::assert_json_snapshot!("resolved_mainnet_config", RuntimeConfig::mainnet());
    }

    #[test]
    fn every_ext_cost_and_limit_matches_nearcore_pv88() {
        let ours = serde_json::to_value(RuntimeConfig::mainnet()).unwrap();
        let reference = reference();
        let ref_costs = reference["wasm_config"]["ext_costs"].as_object().unwrap();
        for (name, value) in ref_costs {
            let mine = &ours["wasm_config"]["ext_costs"][name];
            let gas = mine.get("gas").unwrap_or(mine);
            assert_eq!(gas, value, "ext cost {name}");
        }
        let ref_limits = reference["wasm_config"]["limit_config"].as_object().unwrap();
        for (name, value) in ref_limits {
            assert_eq!(&ours["wasm_config"]["limit_config"][name], value, "limit {name}");
        }
        for name in ["regular_op_cost", "linear_op_base_cost", "linear_op_unit_cost", "grow_mem_cost"] {
            assert_eq!(ours["wasm_config"][name], reference["wasm_config"][name], "{name}");
        }
    }

    #[test]
    fn action_fees_match_nearcore_pv88() {
        let config = RuntimeConfig::mainnet();
        let reference = reference();
        let costs = &reference["transaction_costs"];
        let actions = &costs["action_creation_config"];
        let check = |cost: ActionCosts, json: &Value| {
            let fee = config.fees.fee(cost);
            assert_eq!(fee.send_sir, json["send_sir"].as_u64().unwrap(), "{cost:?}");
            assert_eq!(fee.send_not_sir, json["send_not_sir"].as_u64().unwrap(), "{cost:?}");
            assert_eq!(fee.execution, json["execution"].as_u64().unwrap(), "{cost:?}");
        };
        check(ActionCosts::new_action_receipt, &costs["action_receipt_creation_config"]);
        check(ActionCosts::new_data_receipt_base, &costs["data_receipt_creation_config"]["base_cost"]);
        check(ActionCosts::new_data_receipt_byte, &costs["data_receipt_creation_config"]["cost_per_byte"]);
        check(ActionCosts::create_account, &actions["create_account_cost"]);
        check(ActionCosts::deploy_contract_base, &actions["deploy_contract_cost"]);
        check(ActionCosts::deploy_contract_byte, &actions["deploy_contract_cost_per_byte"]);
        check(ActionCosts::function_call_base, &actions["function_call_cost"]);
        check(ActionCosts::function_call_byte, &actions["function_call_cost_per_byte"]);
        check(ActionCosts::transfer, &actions["transfer_cost"]);
        check(ActionCosts::stake, &actions["stake_cost"]);
        check(ActionCosts::add_full_access_key, &actions["add_key_cost"]["full_access_cost"]);
        check(ActionCosts::add_function_call_key_base, &actions["add_key_cost"]["function_call_cost"]);
        check(ActionCosts::add_function_call_key_byte, &actions["add_key_cost"]["function_call_cost_per_byte"]);
        check(ActionCosts::delete_key, &actions["delete_key_cost"]);
        check(ActionCosts::delete_account, &actions["delete_account_cost"]);
        let storage = &config.fees.storage_usage_config;
        assert_eq!(storage.storage_amount_per_byte, 10_000_000_000_000_000_000);
        assert_eq!(storage.num_extra_bytes_record, 40);
        assert_eq!(storage.num_bytes_account, 100);
    }

    #[test]
    fn limit_fields_match_the_struct() {
        let limits = serde_json::to_value(&RuntimeConfig::mainnet().wasm_config.limit_config).unwrap();
        let mut names: Vec<_> = limits.as_object().unwrap().keys().cloned().collect();
        names.sort();
        let mut listed: Vec<String> = MAINNET_PARAMETERS_YAML
            .lines()
            .filter_map(|line| line.split_once(':').map(|(name, _)| name.to_string()))
            .filter(|name| names.contains(name))
            .collect();
        listed.sort();
        assert_eq!(listed, names, "every limit comes from the YAML");
    }

    #[test]
    fn yield_parameters_and_test_timeout() {
        let mainnet = RuntimeConfig::mainnet();
        let limits = &mainnet.wasm_config.limit_config;
        assert_eq!(limits.yield_timeout_length_in_blocks, 200);
        assert_eq!(limits.max_yield_payload_size, 1024);
        assert!(mainnet.wasm_config.yield_resume_host_functions);
        assert_eq!(RuntimeConfig::test().wasm_config.limit_config.yield_timeout_length_in_blocks, 10);
        let costs = &mainnet.wasm_config.ext_costs;
        assert_eq!(costs.gas_cost(ExtCosts::yield_resume_byte), 47_683_715);
        assert_eq!(costs.compute_cost(ExtCosts::storage_write_base), 200_000_000_000);
        assert_eq!(costs.gas_cost(ExtCosts::storage_write_base), 64_196_736_000);
    }

    #[test]
    fn unknown_missing_and_malformed_parameters_are_errors() {
        let with_typo = format!("{MAINNET_PARAMETERS_YAML}wasm_bsae: 1\n");
        let error = RuntimeConfig::from_yaml(&with_typo).unwrap_err();
        assert!(matches!(&error, ParameterError::Unknown(names) if names == "wasm_bsae"), "{error}");

        let without_base: String = MAINNET_PARAMETERS_YAML
            .lines()
            .filter(|l| !l.starts_with("wasm_base:"))
            .map(|l| format!("{l}\n"))
            .collect();
        let error = RuntimeConfig::from_yaml(&without_base).unwrap_err();
        assert!(matches!(&error, ParameterError::Missing(name) if name == "wasm_base"), "{error}");

        let malformed = MAINNET_PARAMETERS_YAML.replace("wasm_base: 264_768_111", "wasm_base: lots");
        let error = RuntimeConfig::from_yaml(&malformed).unwrap_err();
        assert!(error.to_string().contains("wasm_base"), "{error}");

        assert!(matches!(RuntimeConfig::from_yaml("- a list"), Err(ParameterError::Yaml(_))));
    }

    #[test]
    fn vm_config_hash_changes_with_parameters() {
        let a = RuntimeConfig::mainnet();
        let mut b = RuntimeConfig::mainnet();
        assert_eq!(a.wasm_config.non_crypto_hash(), b.wasm_config.non_crypto_hash());
        std::sync::Arc::make_mut(&mut b.wasm_config).regular_op_cost += 1;
        assert_ne!(a.wasm_config.non_crypto_hash(), b.wasm_config.non_crypto_hash());
    }
}
