//! [`RuntimeConfig`]: every parameter of the runtime, resolved from the YAML table.

use crate::cost::{ActionCosts, ActionFeesConfig, ExtCosts, ExtCostsConfig, ParameterCost};
use crate::parameter_table::{ParameterError, ParameterTable};
use crate::vm::{Config, LimitConfig, VMKind};
use near_primitives::types::{AccountId, Balance, Gas, dec_format};
use std::sync::Arc;

/// The mainnet parameter file shipped with the crate (protocol 88 plus this project's additions).
pub const MAINNET_PARAMETERS_YAML: &str = include_str!("../res/runtime_configs/parameters.yaml");

/// nearcore's test value of `yield_timeout_length_in_blocks`.
pub const TEST_CONFIG_YIELD_TIMEOUT_LENGTH: u64 = 10;

/// A fraction `numerator / denominator`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Ratio {
    /// Numerator.
    pub numerator: u64,
    /// Denominator, never zero.
    pub denominator: u64,
}

/// Storage staking.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StorageUsageConfig {
    /// Bytes every account is charged for its own record.
    pub num_bytes_account: u64,
    /// Bytes added to key + value of every record an account owns.
    pub num_extra_bytes_record: u64,
    /// Balance an account must hold per byte of storage.
    #[serde(with = "dec_format")]
    pub storage_amount_per_byte: Balance,
    /// Balance burnt per byte of code deployed as a global contract (protocol 77).
    #[serde(with = "dec_format")]
    pub global_contract_storage_amount_per_byte: Balance,
}

/// Fees of actions and receipts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RuntimeFeesConfig {
    /// Per-action fees.
    pub action_fees: ActionFeesConfig,
    /// Storage staking.
    pub storage_usage_config: StorageUsageConfig,
    /// Share of burnt gas rewarded to the contract.
    pub burnt_gas_reward: Ratio,
    /// Inflation of the gas price assumed when buying gas for deep receipt chains.
    pub pessimistic_gas_price_inflation_ratio: Ratio,
    /// NEP-536: the share of a receipt's unused gas kept as a penalty instead of refunded (0 at
    /// protocol 88).
    pub gas_refund_penalty: Ratio,
    /// NEP-536: the least penalty, in gas (0 at protocol 88); never more than the refund.
    pub min_gas_refund_penalty: Gas,
    /// The lowest price gas attached to a receipt is bought at (NEP-642, protocol 85): a
    /// transaction buys its execution gas at `max(gas price, this)`; what the price exceeded
    /// the burn price by comes back with the refund.
    #[serde(with = "dec_format")]
    pub min_gas_purchase_price: Balance,
    /// What creating an account should cost in all (NEP-642, protocol 85): a receipt that
    /// creates one pays the part its burnt `create_account` fee does not cover out of its
    /// refund's price surplus.
    #[serde(with = "dec_format")]
    pub account_creation_charge: Balance,
    /// Gas (and compute) burnt when a transaction signed with an ML-DSA-65 key is converted, for
    /// verifying its signature (protocol 85: 100 Ggas; ed25519 and secp256k1 signatures cost
    /// nothing extra).
    pub ml_dsa_65_verification_cost: ParameterCost,
    /// Compute of applying a global contract's distribution (storing and preparing the code,
    /// protocol 84), plus [`RuntimeFeesConfig::deploy_global_contract_execution_per_byte`] per
    /// byte of code.
    pub deploy_global_contract_execution_base: u64,
    /// Compute per byte of code of applying a global contract's distribution.
    pub deploy_global_contract_execution_per_byte: u64,
}

impl RuntimeFeesConfig {
    /// The fee of one action kind.
    pub fn fee(&self, cost: ActionCosts) -> &crate::cost::Fee {
        self.action_fees.fee(cost)
    }
}

/// Who may create top-level accounts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AccountCreationConfig {
    /// Top-level accounts at least this long may be created by anyone.
    pub min_allowed_top_level_account_length: u8,
    /// The account that may create shorter top-level accounts.
    pub registrar_account_id: AccountId,
}

/// Every runtime parameter.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RuntimeConfig {
    /// Action and receipt fees.
    pub fees: Arc<RuntimeFeesConfig>,
    /// The VM's costs, gates and limits.
    pub wasm_config: Arc<Config>,
    /// Account creation rules.
    pub account_creation_config: AccountCreationConfig,
    /// Storage proof a chunk may produce before receipts are delayed.
    pub main_storage_proof_size_soft_limit: u64,
}

impl RuntimeConfig {
    /// Loads a parameter table. Every parameter must be present and every entry must be known.
    ///
    /// # Errors
    /// [`ParameterError`] naming the first problem found.
    pub fn from_yaml(text: &str) -> Result<RuntimeConfig, ParameterError> {
        let mut table = ParameterTable::parse(text)?;
        let fees = read_fees(&mut table)?;
        let wasm_config = read_vm_config(&mut table)?;
        let registrar = table.take_string("registrar_account_id")?;
        let account_creation_config = AccountCreationConfig {
            min_allowed_top_level_account_length: u8::try_from(table.take_u64("min_allowed_top_level_account_length")?)
                .map_err(|_| ParameterError::Invalid {
                    name: "min_allowed_top_level_account_length".into(),
                    problem: "does not fit in u8".into(),
                })?,
            registrar_account_id: registrar.parse().map_err(|e| ParameterError::Invalid {
                name: "registrar_account_id".into(),
                problem: format!("{e}"),
            })?,
        };
        let main_storage_proof_size_soft_limit = table.take_u64("main_storage_proof_size_soft_limit")?;
        table.finish()?;
        Ok(RuntimeConfig {
            fees: Arc::new(fees),
            wasm_config: Arc::new(wasm_config),
            account_creation_config,
            main_storage_proof_size_soft_limit,
        })
    }

    /// The shipped mainnet table (protocol 88 plus the NEP-481 parameters `tools/estimator` measured).
    pub fn mainnet() -> RuntimeConfig {
        RuntimeConfig::from_yaml(MAINNET_PARAMETERS_YAML).expect("the shipped parameter file is valid (tested)")
    }

    /// The mainnet table with nearcore's test yield timeout of 10 blocks.
    pub fn test() -> RuntimeConfig {
        let mut config = RuntimeConfig::mainnet();
        Arc::make_mut(&mut config.wasm_config).limit_config.yield_timeout_length_in_blocks =
            TEST_CONFIG_YIELD_TIMEOUT_LENGTH;
        config
    }

    /// The gas a function call may burn at most.
    pub fn max_gas_burnt(&self) -> Gas {
        self.wasm_config.limit_config.max_gas_burnt
    }
}

impl RuntimeFeesConfig {
    /// NEP-536: the gas kept from a refund of `gas_refund` unused gas: the penalty share of it,
    /// at least `min_gas_refund_penalty`, at most all of it.
    pub fn gas_penalty_for_gas_refund(&self, gas_refund: Gas) -> Gas {
        let ratio = self.gas_refund_penalty;
        let share = u128::from(gas_refund) * u128::from(ratio.numerator) / u128::from(ratio.denominator.max(1));
        let share = Gas::try_from(share).unwrap_or(Gas::MAX);
        share.max(self.min_gas_refund_penalty).min(gas_refund)
    }
}

fn read_fees(table: &mut ParameterTable) -> Result<RuntimeFeesConfig, ParameterError> {
    let mut fees = Vec::with_capacity(ActionCosts::COUNT);
    for &cost in ActionCosts::ALL {
        fees.push(table.take_fee(cost.yaml_name())?);
    }
    let action_fees = ActionFeesConfig::from_fn(|cost| fees[cost as usize]);
    let (numerator, denominator) = table.take_ratio("burnt_gas_reward")?;
    let (inflation_numerator, inflation_denominator) = table.take_ratio("pessimistic_gas_price_inflation")?;
    let (penalty_numerator, penalty_denominator) = table.take_ratio("gas_refund_penalty")?;
    Ok(RuntimeFeesConfig {
        action_fees,
        storage_usage_config: StorageUsageConfig {
            num_bytes_account: table.take_u64("storage_num_bytes_account")?,
            num_extra_bytes_record: table.take_u64("storage_num_extra_bytes_record")?,
            storage_amount_per_byte: table.take_u128("storage_amount_per_byte")?,
            global_contract_storage_amount_per_byte: table.take_u128("global_contract_storage_amount_per_byte")?,
        },
        burnt_gas_reward: Ratio { numerator, denominator },
        pessimistic_gas_price_inflation_ratio: Ratio {
            numerator: inflation_numerator,
            denominator: inflation_denominator,
        },
        gas_refund_penalty: Ratio { numerator: penalty_numerator, denominator: penalty_denominator },
        min_gas_refund_penalty: table.take_u64("min_gas_refund_penalty")?,
        min_gas_purchase_price: table.take_u128("min_gas_purchase_price")?,
        account_creation_charge: table.take_u128("account_creation_charge")?,
        ml_dsa_65_verification_cost: table.take_cost("ml_dsa_65_verification_cost")?,
        deploy_global_contract_execution_base: table.take_u64("deploy_global_contract_execution_base")?,
        deploy_global_contract_execution_per_byte: table.take_u64("deploy_global_contract_execution_per_byte")?,
    })
}

/// The names of `LimitConfig`'s fields, which are also its parameter names.
fn limit_config_fields() -> Vec<&'static str> {
    // `tests::limit_fields_match_the_struct` keeps this list in step with the struct.
    const FIELDS: &[&str] = &[
        "max_gas_burnt",
        "max_stack_height",
        "initial_memory_pages",
        "max_memory_pages",
        "registers_memory_limit",
        "max_register_size",
        "max_number_registers",
        "max_number_logs",
        "max_total_log_length",
        "max_total_prepaid_gas",
        "max_actions_per_receipt",
        "max_deploy_actions_per_receipt",
        "max_number_bytes_method_names",
        "max_length_method_name",
        "max_arguments_length",
        "max_length_returned_data",
        "max_contract_size",
        "max_transaction_size",
        "max_receipt_size",
        "max_length_storage_key",
        "max_length_storage_value",
        "max_promises_per_function_call_action",
        "max_number_input_data_dependencies",
        "max_receipt_total_input_size",
        "max_universal_state_init_keys",
        "max_state_init_entries",
        "max_functions_number_per_contract",
        "max_locals_per_contract",
        "min_contract_size_per_local",
        "max_params_per_contract",
        "max_params_per_function",
        "max_operand_stack_bytes_per_function",
        "max_tables_per_contract",
        "max_elements_per_contract_table",
        "max_function_body_size",
        "max_instrumented_code_size",
        "max_blocks_per_function",
        "max_blocks_per_contract",
        "max_types_per_contract",
        "account_id_validity_rules_version",
        "yield_timeout_length_in_blocks",
        "max_yield_payload_size",
        "per_receipt_storage_proof_size_limit",
        "max_gas_burnt_view",
        "max_submodule_key_length",
        "max_live_submodules",
        "max_submodule_payload_size",
        "submodule_fiber_stack_size",
    ];
    FIELDS.to_vec()
}

fn read_vm_config(table: &mut ParameterTable) -> Result<Config, ParameterError> {
    let mut costs = Vec::with_capacity(ExtCosts::COUNT);
    for &ext in ExtCosts::ALL {
        costs.push(table.take_cost(&ext.parameter_name())?);
    }
    let ext_costs = ExtCostsConfig::from_fn(|ext| costs[ext as usize]);
    let vm_kind = match table.take_string("vm_kind")?.as_str() {
        "Wasmtime" => VMKind::Wasmtime,
        other => {
            return Err(ParameterError::Invalid {
                name: "vm_kind".into(),
                problem: format!("`{other}`: only Wasmtime is supported"),
            });
        }
    };
    Ok(Config {
        ext_costs,
        grow_mem_cost: table.take_u32("wasm_grow_mem_cost")?,
        regular_op_cost: table.take_u32("wasm_regular_op_cost")?,
        linear_op_base_cost: table.take_u64("wasm_linear_op_base_cost")?,
        linear_op_unit_cost: table.take_u64("wasm_linear_op_unit_cost")?,
        vm_kind,
        discard_custom_sections: table.take_bool("discard_custom_sections")?,
        reftypes_bulk_memory: table.take_bool("reftypes_bulk_memory")?,
        fix_contract_loading_cost: table.take_bool("fix_contract_loading_cost")?,
        implicit_account_creation: table.take_bool("implicit_account_creation")?,
        eth_implicit_accounts: table.take_bool("eth_implicit_accounts")?,
        yield_resume_host_functions: table.take_bool("yield_resume_host_functions")?,
        yield_with_id_host_fns: table.take_bool("yield_with_id_host_fns")?,
        global_contract_host_fns: table.take_bool("global_contract_host_fns")?,
        gas_key_host_fns: table.take_bool("gas_key_host_fns")?,
        universal_accounts: table.take_bool("universal_accounts")?,
        one_yocto_on_promise: table.take_bool("one_yocto_on_promise")?,
        canonical_universal_state_init: table.take_bool("canonical_universal_state_init")?,
        p256_verify_host_fn: table.take_bool("p256_verify_host_fn")?,
        ml_dsa_verify_host_fn: table.take_bool("ml_dsa_verify_host_fn")?,
        sha3_host_fns: table.take_bool("sha3_host_fns")?,
        chain_id_host_fn: table.take_bool("chain_id_host_fn")?,
        submodule_host_functions: table.take_bool("submodule_host_functions")?,
        limit_config: table.take_struct::<LimitConfig>(&limit_config_fields())?,
    })
}
