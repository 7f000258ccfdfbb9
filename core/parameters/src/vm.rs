//! The wasm VM's configuration: host-function costs, feature gates and [`LimitConfig`]
//! (nearcore's `near_parameters::vm`).

use crate::cost::ExtCostsConfig;
use near_primitives::types::Gas;

/// The VM implementation named by the parameters. Borsh order as nearcore; this project runs
/// only [`VMKind::Wasmtime`].
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    borsh::BorshSerialize,
    borsh::BorshDeserialize,
    serde::Serialize,
    serde::Deserialize,
)]
pub enum VMKind {
    /// Wasmer 0.x (not supported here).
    Wasmer0,
    /// Wasmtime.
    Wasmtime,
    /// Wasmer 2.x (not supported here).
    Wasmer2,
    /// NEAR's wasmer fork (not supported here).
    NearVm,
}

/// Everything the VM needs to run a contract deterministically.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Config {
    /// Host-function costs.
    pub ext_costs: ExtCostsConfig,
    /// Gas per page of `memory.grow`.
    pub grow_mem_cost: u32,
    /// Gas per wasm operator.
    pub regular_op_cost: u32,
    /// Base gas of a bulk memory or table operation.
    pub linear_op_base_cost: u64,
    /// Gas per element of a bulk memory or table operation.
    pub linear_op_unit_cost: u64,
    /// The VM implementation.
    pub vm_kind: VMKind,
    /// Drop custom sections before compiling.
    pub discard_custom_sections: bool,
    /// Accept reference types and bulk memory.
    pub reftypes_bulk_memory: bool,
    /// Charge contract loading before compiling (nearcore's fix, off at protocol 88).
    pub fix_contract_loading_cost: bool,
    /// Transfers may create implicit accounts.
    pub implicit_account_creation: bool,
    /// Ethereum-style implicit accounts.
    pub eth_implicit_accounts: bool,
    /// Gate: `promise_yield_create` / `promise_yield_resume` (NEP-519).
    pub yield_resume_host_functions: bool,
    /// Gate: `promise_yield_create_with_id` / `promise_yield_resume_with_yield_id`.
    pub yield_with_id_host_fns: bool,
    /// Gate: global-contract host functions.
    pub global_contract_host_fns: bool,
    /// Gate: gas-key host functions.
    pub gas_key_host_fns: bool,
    /// Gate: the universal-account (deterministic state init) host functions.
    pub universal_accounts: bool,
    /// A zero-balance contract may attach exactly 1 yoctoNEAR to a function call it creates
    /// without having it (protocol 85: the yocto is minted, as `subsidized_amount`).
    pub one_yocto_on_promise: bool,
    /// Universal accounts accept only the canonical encoding of a state init (protocol 88);
    /// `universal_state_init_to_account_id` reports the others with a status.
    pub canonical_universal_state_init: bool,
    /// Gate: `p256_verify`.
    pub p256_verify_host_fn: bool,
    /// Gate: ML-DSA verification.
    pub ml_dsa_verify_host_fn: bool,
    /// Gate: `sha3_256`, `sha3_384`, `sha3_512`.
    pub sha3_host_fns: bool,
    /// Gate: `chain_id`.
    pub chain_id_host_fn: bool,
    /// Gate: NEP-481 submodule host functions and actions.
    pub submodule_host_functions: bool,
    /// Limits.
    pub limit_config: LimitConfig,
}

impl Config {
    /// A stable hash of everything that changes how code is prepared or compiled, for the
    /// compiled-artifact cache key (so a parameter change can never reuse a stale artifact).
    pub fn non_crypto_hash(&self) -> [u8; 32] {
        use sha2::Digest;
        let json = serde_json::to_vec(self).expect("the VM config always serializes");
        sha2::Sha256::digest(json).into()
    }
}

/// Limits on what a contract and its execution may use. Field names are the parameter names.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LimitConfig {
    /// Gas a function call may burn.
    pub max_gas_burnt: Gas,
    /// Operand and frame stack budget, in finite-wasm's units.
    pub max_stack_height: u32,
    /// Memory pages at start.
    pub initial_memory_pages: u32,
    /// Memory pages at most.
    pub max_memory_pages: u32,
    /// Bytes all registers may hold together.
    pub registers_memory_limit: u64,
    /// Bytes one register may hold.
    pub max_register_size: u64,
    /// Registers in use at once.
    pub max_number_registers: u64,
    /// Logs per execution.
    pub max_number_logs: u64,
    /// Bytes of logs per execution.
    pub max_total_log_length: u64,
    /// Gas a transaction's or receipt's actions may attach.
    pub max_total_prepaid_gas: Gas,
    /// Actions per receipt.
    pub max_actions_per_receipt: u64,
    /// Deploy actions per receipt.
    pub max_deploy_actions_per_receipt: u64,
    /// Bytes of method names of one access key.
    pub max_number_bytes_method_names: u64,
    /// Bytes of one method name.
    pub max_length_method_name: u64,
    /// Bytes of function-call arguments.
    pub max_arguments_length: u64,
    /// Bytes of a returned value.
    pub max_length_returned_data: u64,
    /// Bytes of contract code.
    pub max_contract_size: u64,
    /// Bytes of a signed transaction.
    pub max_transaction_size: u64,
    /// Bytes of a receipt.
    pub max_receipt_size: u64,
    /// Bytes of a storage key.
    pub max_length_storage_key: u64,
    /// Bytes of a storage value.
    pub max_length_storage_value: u64,
    /// Promises one function call may create.
    pub max_promises_per_function_call_action: u64,
    /// Input data dependencies of one receipt.
    pub max_number_input_data_dependencies: u64,
    /// Bytes of all inputs of one receipt.
    pub max_receipt_total_input_size: u64,
    /// Keys of a universal state init (not used here).
    pub max_universal_state_init_keys: u64,
    /// Entries of a state init (not used here).
    pub max_state_init_entries: u64,
    /// Functions per contract.
    pub max_functions_number_per_contract: u64,
    /// Locals per contract.
    pub max_locals_per_contract: u64,
    /// Contract bytes required per declared local.
    pub min_contract_size_per_local: u64,
    /// Parameters per contract.
    pub max_params_per_contract: u64,
    /// Parameters per function.
    pub max_params_per_function: u64,
    /// Operand stack bytes per function.
    pub max_operand_stack_bytes_per_function: u64,
    /// Tables per contract.
    pub max_tables_per_contract: u32,
    /// Elements of a contract's table.
    pub max_elements_per_contract_table: u64,
    /// Bytes of one function body.
    pub max_function_body_size: u64,
    /// Bytes of instrumented code.
    pub max_instrumented_code_size: u64,
    /// Blocks per function.
    pub max_blocks_per_function: u64,
    /// Blocks per contract.
    pub max_blocks_per_contract: u64,
    /// Types per contract.
    pub max_types_per_contract: u64,
    /// Account-id validity rules version.
    pub account_id_validity_rules_version: u8,
    /// NEP-519: blocks until a yield times out.
    pub yield_timeout_length_in_blocks: u64,
    /// NEP-519: bytes of a resume payload.
    pub max_yield_payload_size: u64,
    /// Bytes of storage proof one receipt may produce.
    pub per_receipt_storage_proof_size_limit: u64,
    /// Gas a view call may burn.
    pub max_gas_burnt_view: Gas,
    /// NEP-481: bytes of a submodule key.
    pub max_submodule_key_length: u64,
    /// NEP-481: submodules live (started, not finished) at once in one execution.
    pub max_live_submodules: u64,
    /// NEP-481: bytes passed between parent and submodule in one switch.
    pub max_submodule_payload_size: u64,
    /// NEP-481: bytes of each submodule's fiber stack (well above the wasm stack limit).
    pub submodule_fiber_stack_size: u64,
}
