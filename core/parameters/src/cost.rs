//! Cost tables: action fees ([`ActionCosts`], [`Fee`]) and host-function costs ([`ExtCosts`]).

use near_primitives::types::{Compute, Gas};
use serde::ser::SerializeMap;

/// The fee of one action kind, charged in two halves: when the receipt is sent (`send_sir` if
/// sender is receiver, else `send_not_sir`) and when it executes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Fee {
    /// Send fee when the sender is the receiver.
    pub send_sir: Gas,
    /// Send fee otherwise.
    pub send_not_sir: Gas,
    /// Execution fee.
    pub execution: Gas,
    /// Compute the execution counts against the chunk's compute limit: the execution gas
    /// unless the parameter sets it apart (`execution: {gas: G, compute: C}`, as protocol 84
    /// does for contract deployment).
    pub execution_compute: Compute,
}

impl Fee {
    /// The send half.
    pub fn send_fee(&self, sender_is_receiver: bool) -> Gas {
        if sender_is_receiver { self.send_sir } else { self.send_not_sir }
    }

    /// The execution half.
    pub fn exec_fee(&self) -> Gas {
        self.execution
    }

    /// The compute of the execution half.
    pub fn exec_compute(&self) -> Compute {
        self.execution_compute
    }
}

/// Gas and compute of one host-function cost. Compute equals gas unless the parameter sets it
/// apart (storage operations do), and only feeds chunk limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct ParameterCost {
    /// Gas charged.
    pub gas: Gas,
    /// Compute counted against the chunk's compute limit.
    pub compute: Compute,
}

macro_rules! cost_enum {
    ($(#[$meta:meta])* $name:ident, $prefix:literal, { $($(#[$vmeta:meta])* $variant:ident),* $(,)? }) => {
        $(#[$meta])*
        #[allow(non_camel_case_types)]
        // Variants are named exactly as their parameters; the nearcore names are their docs.
        #[allow(missing_docs)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vmeta])* $variant),* }

        impl $name {
            /// Every variant, in declaration order (which is also the index order).
            pub const ALL: &'static [$name] = &[$($name::$variant),*];
            /// Number of variants.
            pub const COUNT: usize = [$($name::$variant),*].len();

            /// The variant's name, as it appears in profiles.
            pub fn name(self) -> &'static str {
                match self { $($name::$variant => stringify!($variant)),* }
            }

            /// The parameter's name in the YAML file.
            pub fn parameter_name(self) -> String {
                format!(concat!($prefix, "{}"), self.name())
            }
        }
    };
}

cost_enum!(
    /// Host-function costs, nearcore's `ExtCosts` names; parameter `wasm_<name>` in the YAML.
    ExtCosts, "wasm_", {
    base, contract_loading_base, contract_loading_bytes, read_memory_base, read_memory_byte,
    write_memory_base, write_memory_byte, read_register_base, read_register_byte,
    write_register_base, write_register_byte, utf8_decoding_base, utf8_decoding_byte,
    utf16_decoding_base, utf16_decoding_byte, sha256_base, sha256_byte, keccak256_base,
    keccak256_byte, keccak512_base, keccak512_byte, sha3_256_base, sha3_256_byte, sha3_384_base,
    sha3_384_byte, sha3_512_base, sha3_512_byte, ripemd160_base, ripemd160_block,
    ed25519_verify_base, ed25519_verify_byte, ecrecover_base, p256_verify_base, p256_verify_byte,
    ml_dsa_verify_base, ml_dsa_verify_byte, universal_state_init_to_account_id_base,
    universal_state_init_to_account_id_byte,
    log_base, log_byte, storage_write_base, storage_write_key_byte, storage_write_value_byte,
    storage_write_evicted_byte, storage_read_base, storage_read_key_byte, storage_read_value_byte,
    storage_large_read_overhead_base, storage_large_read_overhead_byte, storage_remove_base,
    storage_remove_key_byte, storage_remove_ret_value_byte, storage_has_key_base,
    storage_has_key_byte, storage_iter_create_prefix_base, storage_iter_create_prefix_byte,
    storage_iter_create_range_base, storage_iter_create_from_byte, storage_iter_create_to_byte,
    storage_iter_next_base, storage_iter_next_key_byte, storage_iter_next_value_byte,
    touching_trie_node, read_cached_trie_node, promise_and_base, promise_and_per_promise,
    promise_return, contract_compile_base, contract_compile_bytes, validator_stake_base, validator_total_stake_base,
    alt_bn128_g1_multiexp_base, alt_bn128_g1_multiexp_element, alt_bn128_pairing_check_base,
    alt_bn128_pairing_check_element, alt_bn128_g1_sum_base, alt_bn128_g1_sum_element,
    yield_create_base, yield_create_byte, yield_create_with_id_base, yield_resume_base,
    yield_resume_byte,
    bls12381_p1_sum_base, bls12381_p1_sum_element, bls12381_p2_sum_base, bls12381_p2_sum_element,
    bls12381_g1_multiexp_base, bls12381_g1_multiexp_element, bls12381_g2_multiexp_base,
    bls12381_g2_multiexp_element, bls12381_map_fp_to_g1_base, bls12381_map_fp_to_g1_element,
    bls12381_map_fp2_to_g2_base, bls12381_map_fp2_to_g2_element, bls12381_pairing_base,
    bls12381_pairing_element, bls12381_p1_decompress_base, bls12381_p1_decompress_element,
    bls12381_p2_decompress_base, bls12381_p2_decompress_element,
    /// NEP-481 (measured by `tools/estimator`): starting a submodule instance.
    submodule_start_base,
    /// NEP-481 (measured by `tools/estimator`): per byte of the submodule's code when starting it.
    submodule_start_byte,
    /// NEP-481 (measured by `tools/estimator`): resuming a suspended submodule.
    submodule_resume_base,
    /// NEP-481 (measured by `tools/estimator`): per byte passed to the submodule on resume.
    submodule_resume_byte,
    /// NEP-481 (measured by `tools/estimator`): per byte a submodule yields or returns to its parent.
    submodule_callback_byte,
});

cost_enum!(
    /// Action fees, nearcore's `ActionCosts`. Their parameter names are irregular
    /// (`action_receipt_creation`, `action_function_call_per_byte`, ...), see
    /// [`ActionCosts::yaml_name`].
    ActionCosts, "", {
    create_account, delete_account, deploy_contract_base, deploy_contract_byte, function_call_base,
    function_call_byte, transfer, stake, add_full_access_key, add_function_call_key_base,
    add_function_call_key_byte, delete_key, new_action_receipt, new_data_receipt_base,
    new_data_receipt_byte, delegate, deploy_global_contract_base, deploy_global_contract_byte,
    use_global_contract_base, use_global_contract_byte, deterministic_state_init_base,
    deterministic_state_init_byte, deterministic_state_init_entry, gas_key_transfer_base,
    gas_key_byte, gas_key_nonce_write_base, universal_state_init_base, universal_state_init_byte,
    universal_state_init_entry,
    /// NEP-481 (measured by `tools/estimator`): a `DeploySubmodule` action.
    deploy_submodule_base,
    /// NEP-481 (measured by `tools/estimator`): per byte of key and code of a `DeploySubmodule` action.
    deploy_submodule_byte,
    /// NEP-481 (measured by `tools/estimator`): a `RemoveSubmodule` action.
    remove_submodule_base,
});

impl ActionCosts {
    /// The fee's parameter name in the YAML file (nearcore's names).
    pub fn yaml_name(self) -> &'static str {
        match self {
            ActionCosts::create_account => "action_create_account",
            ActionCosts::delete_account => "action_delete_account",
            ActionCosts::deploy_contract_base => "action_deploy_contract",
            ActionCosts::deploy_contract_byte => "action_deploy_contract_per_byte",
            ActionCosts::function_call_base => "action_function_call",
            ActionCosts::function_call_byte => "action_function_call_per_byte",
            ActionCosts::transfer => "action_transfer",
            ActionCosts::stake => "action_stake",
            ActionCosts::add_full_access_key => "action_add_full_access_key",
            ActionCosts::add_function_call_key_base => "action_add_function_call_key",
            ActionCosts::add_function_call_key_byte => "action_add_function_call_key_per_byte",
            ActionCosts::delete_key => "action_delete_key",
            ActionCosts::new_action_receipt => "action_receipt_creation",
            ActionCosts::new_data_receipt_base => "data_receipt_creation_base",
            ActionCosts::new_data_receipt_byte => "data_receipt_creation_per_byte",
            ActionCosts::delegate => "action_delegate",
            ActionCosts::deploy_global_contract_base => "action_deploy_global_contract",
            ActionCosts::deploy_global_contract_byte => "action_deploy_global_contract_per_byte",
            ActionCosts::use_global_contract_base => "action_use_global_contract",
            ActionCosts::use_global_contract_byte => "action_use_global_contract_per_identifier_byte",
            ActionCosts::deterministic_state_init_base => "action_deterministic_state_init",
            ActionCosts::deterministic_state_init_byte => "action_deterministic_state_init_per_byte",
            ActionCosts::deterministic_state_init_entry => "action_deterministic_state_init_per_entry",
            ActionCosts::gas_key_transfer_base => "action_gas_key_transfer",
            ActionCosts::gas_key_byte => "action_gas_key_byte",
            ActionCosts::gas_key_nonce_write_base => "action_gas_key_nonce_write_base",
            ActionCosts::universal_state_init_base => "action_universal_state_init",
            ActionCosts::universal_state_init_byte => "action_universal_state_init_per_byte",
            ActionCosts::universal_state_init_entry => "action_universal_state_init_per_entry",
            ActionCosts::deploy_submodule_base => "action_deploy_submodule",
            ActionCosts::deploy_submodule_byte => "action_deploy_submodule_per_byte",
            ActionCosts::remove_submodule_base => "action_remove_submodule",
        }
    }
}

/// Host-function costs indexed by [`ExtCosts`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtCostsConfig {
    costs: [ParameterCost; ExtCosts::COUNT],
}

impl ExtCostsConfig {
    /// Builds the table from a cost per variant.
    pub fn from_fn(mut cost: impl FnMut(ExtCosts) -> ParameterCost) -> ExtCostsConfig {
        let mut costs = [ParameterCost::default(); ExtCosts::COUNT];
        for &ext in ExtCosts::ALL {
            costs[ext as usize] = cost(ext);
        }
        ExtCostsConfig { costs }
    }

    /// Gas charged for one unit of `ext`.
    pub fn gas_cost(&self, ext: ExtCosts) -> Gas {
        self.costs[ext as usize].gas
    }

    /// Compute counted for one unit of `ext`.
    pub fn compute_cost(&self, ext: ExtCosts) -> Compute {
        self.costs[ext as usize].compute
    }

    /// Replaces one cost (for tests and tools).
    pub fn set(&mut self, ext: ExtCosts, cost: ParameterCost) {
        self.costs[ext as usize] = cost;
    }
}

impl serde::Serialize for ExtCostsConfig {
    /// A map `name → gas`, or `name → {gas, compute}` where compute differs.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(ExtCosts::COUNT))?;
        for &ext in ExtCosts::ALL {
            let cost = self.costs[ext as usize];
            if cost.gas == cost.compute {
                map.serialize_entry(ext.name(), &cost.gas)?;
            } else {
                map.serialize_entry(ext.name(), &serde_json::json!({"gas": cost.gas, "compute": cost.compute}))?;
            }
        }
        map.end()
    }
}

/// Action fees indexed by [`ActionCosts`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionFeesConfig {
    fees: [Fee; ActionCosts::COUNT],
}

impl ActionFeesConfig {
    /// Builds the table from a fee per variant.
    pub fn from_fn(mut fee: impl FnMut(ActionCosts) -> Fee) -> ActionFeesConfig {
        let mut fees = [Fee::default(); ActionCosts::COUNT];
        for &cost in ActionCosts::ALL {
            fees[cost as usize] = fee(cost);
        }
        ActionFeesConfig { fees }
    }

    /// The fee of `cost`.
    pub fn fee(&self, cost: ActionCosts) -> &Fee {
        &self.fees[cost as usize]
    }
}

impl serde::Serialize for ActionFeesConfig {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(ActionCosts::COUNT))?;
        for &cost in ActionCosts::ALL {
            map.serialize_entry(cost.name(), &self.fees[cost as usize])?;
        }
        map.end()
    }
}
