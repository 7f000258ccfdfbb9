//! The one import table: every `env` function a contract may import, its wasm signature, its
//! gate, and the `VMLogic` method it calls. Linking, gating and the list of names all come from
//! here.
//!
//! `u64` parameters are wasm `i64`, `u32` are `i32`, reinterpreted bit for bit. Every import of
//! nearcore's protocol 88 is here, under its gate, plus NEP-481's two.

use crate::engine::{HostTrap, RunnerFault};
use crate::logic::host::global_contracts::ContractIdArg;
use crate::logic::host::promises::{FunctionCallArgs, FunctionCallKeyArgs, PermissionArgs};
use crate::logic::{MemSlice, VMLogic, VMLogicError};
use crate::prepare::Metering;
use near_parameters::Config;
use near_primitives::global_contract::GlobalContractDeployMode;
use wasmtime::Linker;

fn to_wasmtime_error(error: VMLogicError) -> wasmtime::Error {
    match error {
        VMLogicError::HostError(host) => wasmtime::Error::new(HostTrap(host)),
        VMLogicError::ExternalFault(fault) => wasmtime::Error::new(RunnerFault(fault.0)),
    }
}

impl crate::engine::import_table::ImportHost for VMLogic {
    fn memory(&self) -> Option<wasmtime::Memory> {
        self.memory
    }
}

crate::import_table! {
    host: VMLogic, module: "env", config: Config, error: to_wasmtime_error,
    names: IMPLEMENTED_IMPORTS, link: link_implemented;
    read_register(register_id: u64, ptr: u64) -> () => |l, m| l.read_register(m, register_id, ptr);
    register_len(register_id: u64) -> u64 => |l, m| l.register_len(m, register_id);
    write_register(register_id: u64, data_len: u64, data_ptr: u64) -> () => |l, m| l.write_register(m, register_id, data_len, data_ptr);
    current_account_id(register_id: u64) -> () => |l, m| l.current_account_id(m, register_id);
    #[chain_id_host_fn]
    chain_id(register_id: u64) -> () => |l, m| l.chain_id(m, register_id);
    signer_account_id(register_id: u64) -> () => |l, m| l.signer_account_id(m, register_id);
    signer_account_pk(register_id: u64) -> () => |l, m| l.signer_account_pk(m, register_id);
    predecessor_account_id(register_id: u64) -> () => |l, m| l.predecessor_account_id(m, register_id);
    refund_to_account_id(register_id: u64) -> () => |l, m| l.refund_to_account_id(m, register_id);
    current_contract_code(register_id: u64) -> u64 => |l, m| l.current_contract_code(m, register_id);
    input(register_id: u64) -> () => |l, m| l.input(m, register_id);
    block_index() -> u64 => |l, m| l.block_index(m);
    block_timestamp() -> u64 => |l, m| l.block_timestamp(m);
    epoch_height() -> u64 => |l, m| l.epoch_height(m);
    storage_usage() -> u64 => |l, m| l.storage_usage(m);
    account_balance(balance_ptr: u64) -> () => |l, m| l.account_balance(m, balance_ptr);
    account_locked_balance(balance_ptr: u64) -> () => |l, m| l.account_locked_balance(m, balance_ptr);
    attached_deposit(balance_ptr: u64) -> () => |l, m| l.attached_deposit(m, balance_ptr);
    prepaid_gas() -> u64 => |l, m| l.prepaid_gas(m);
    used_gas() -> u64 => |l, m| l.used_gas(m);
    random_seed(register_id: u64) -> () => |l, m| l.random_seed(m, register_id);
    sha256(value_len: u64, value_ptr: u64, register_id: u64) -> () => |l, m| l.sha256(m, value_len, value_ptr, register_id);
    keccak256(value_len: u64, value_ptr: u64, register_id: u64) -> () => |l, m| l.keccak256(m, value_len, value_ptr, register_id);
    keccak512(value_len: u64, value_ptr: u64, register_id: u64) -> () => |l, m| l.keccak512(m, value_len, value_ptr, register_id);
    #[sha3_host_fns]
    sha3_256(value_len: u64, value_ptr: u64, register_id: u64) -> () => |l, m| l.sha3_256(m, value_len, value_ptr, register_id);
    #[sha3_host_fns]
    sha3_384(value_len: u64, value_ptr: u64, register_id: u64) -> () => |l, m| l.sha3_384(m, value_len, value_ptr, register_id);
    #[sha3_host_fns]
    sha3_512(value_len: u64, value_ptr: u64, register_id: u64) -> () => |l, m| l.sha3_512(m, value_len, value_ptr, register_id);
    ripemd160(value_len: u64, value_ptr: u64, register_id: u64) -> () => |l, m| l.ripemd160(m, value_len, value_ptr, register_id);
    ed25519_verify(sig_len: u64, sig_ptr: u64, msg_len: u64, msg_ptr: u64, pk_len: u64, pk_ptr: u64) -> u64
        => |l, m| l.ed25519_verify(m, MemSlice::new(sig_len, sig_ptr), MemSlice::new(msg_len, msg_ptr), MemSlice::new(pk_len, pk_ptr));
    alt_bn128_g1_multiexp(value_len: u64, value_ptr: u64, register_id: u64) -> ()
        => |l, m| l.alt_bn128_g1_multiexp(m, MemSlice::new(value_len, value_ptr), register_id);
    alt_bn128_g1_sum(value_len: u64, value_ptr: u64, register_id: u64) -> ()
        => |l, m| l.alt_bn128_g1_sum(m, MemSlice::new(value_len, value_ptr), register_id);
    alt_bn128_pairing_check(value_len: u64, value_ptr: u64) -> u64
        => |l, m| l.alt_bn128_pairing_check(m, MemSlice::new(value_len, value_ptr));
    bls12381_p1_sum(value_len: u64, value_ptr: u64, register_id: u64) -> u64
        => |l, m| l.bls12381_p1_sum(m, MemSlice::new(value_len, value_ptr), register_id);
    bls12381_p2_sum(value_len: u64, value_ptr: u64, register_id: u64) -> u64
        => |l, m| l.bls12381_p2_sum(m, MemSlice::new(value_len, value_ptr), register_id);
    bls12381_g1_multiexp(value_len: u64, value_ptr: u64, register_id: u64) -> u64
        => |l, m| l.bls12381_g1_multiexp(m, MemSlice::new(value_len, value_ptr), register_id);
    bls12381_g2_multiexp(value_len: u64, value_ptr: u64, register_id: u64) -> u64
        => |l, m| l.bls12381_g2_multiexp(m, MemSlice::new(value_len, value_ptr), register_id);
    bls12381_map_fp_to_g1(value_len: u64, value_ptr: u64, register_id: u64) -> u64
        => |l, m| l.bls12381_map_fp_to_g1(m, MemSlice::new(value_len, value_ptr), register_id);
    bls12381_map_fp2_to_g2(value_len: u64, value_ptr: u64, register_id: u64) -> u64
        => |l, m| l.bls12381_map_fp2_to_g2(m, MemSlice::new(value_len, value_ptr), register_id);
    bls12381_p1_decompress(value_len: u64, value_ptr: u64, register_id: u64) -> u64
        => |l, m| l.bls12381_p1_decompress(m, MemSlice::new(value_len, value_ptr), register_id);
    bls12381_p2_decompress(value_len: u64, value_ptr: u64, register_id: u64) -> u64
        => |l, m| l.bls12381_p2_decompress(m, MemSlice::new(value_len, value_ptr), register_id);
    bls12381_pairing_check(value_len: u64, value_ptr: u64) -> u64
        => |l, m| l.bls12381_pairing_check(m, MemSlice::new(value_len, value_ptr));
    #[ml_dsa_verify_host_fn]
    ml_dsa_verify(sig_len: u64, sig_ptr: u64, msg_len: u64, msg_ptr: u64, pk_len: u64, pk_ptr: u64) -> u64
        => |l, m| l.ml_dsa_verify(m, MemSlice::new(sig_len, sig_ptr), MemSlice::new(msg_len, msg_ptr), MemSlice::new(pk_len, pk_ptr));
    #[p256_verify_host_fn]
    p256_verify(sig_len: u64, sig_ptr: u64, msg_len: u64, msg_ptr: u64, pk_len: u64, pk_ptr: u64) -> u64
        => |l, m| l.p256_verify(m, MemSlice::new(sig_len, sig_ptr), MemSlice::new(msg_len, msg_ptr), MemSlice::new(pk_len, pk_ptr));
    ecrecover(hash_len: u64, hash_ptr: u64, sig_len: u64, sig_ptr: u64, v: u64, malleability_flag: u64, register_id: u64) -> u64
        => |l, m| l.ecrecover(m, MemSlice::new(hash_len, hash_ptr), MemSlice::new(sig_len, sig_ptr), (v, malleability_flag), register_id);
    value_return(value_len: u64, value_ptr: u64) -> () => |l, m| l.value_return(m, value_len, value_ptr);
    panic() -> () => |l, m| l.panic(m);
    panic_utf8(len: u64, ptr: u64) -> () => |l, m| l.panic_utf8(m, len, ptr);
    log_utf8(len: u64, ptr: u64) -> () => |l, m| l.log_utf8(m, len, ptr);
    log_utf16(len: u64, ptr: u64) -> () => |l, m| l.log_utf16(m, len, ptr);
    abort(msg_ptr: u32, filename_ptr: u32, line: u32, col: u32) -> () => |l, m| l.abort(m, msg_ptr, filename_ptr, line, col);
    gas(opcodes: u32) -> () => |l, m| l.gas(m, opcodes);
    promise_create(account_id_len: u64, account_id_ptr: u64, method_name_len: u64, method_name_ptr: u64, arguments_len: u64, arguments_ptr: u64, amount_ptr: u64, gas: u64) -> u64
        => |l, m| l.promise_create(m, MemSlice::new(account_id_len, account_id_ptr), FunctionCallArgs { method_name: MemSlice::new(method_name_len, method_name_ptr), arguments: MemSlice::new(arguments_len, arguments_ptr), amount_ptr, gas, gas_weight: 0 });
    promise_then(promise_index: u64, account_id_len: u64, account_id_ptr: u64, method_name_len: u64, method_name_ptr: u64, arguments_len: u64, arguments_ptr: u64, amount_ptr: u64, gas: u64) -> u64
        => |l, m| l.promise_then(m, promise_index, MemSlice::new(account_id_len, account_id_ptr), FunctionCallArgs { method_name: MemSlice::new(method_name_len, method_name_ptr), arguments: MemSlice::new(arguments_len, arguments_ptr), amount_ptr, gas, gas_weight: 0 });
    promise_and(promise_idx_ptr: u64, promise_idx_count: u64) -> u64 => |l, m| l.promise_and(m, promise_idx_ptr, promise_idx_count);
    promise_batch_create(account_id_len: u64, account_id_ptr: u64) -> u64 => |l, m| l.promise_batch_create(m, account_id_len, account_id_ptr);
    promise_batch_then(promise_index: u64, account_id_len: u64, account_id_ptr: u64) -> u64
        => |l, m| l.promise_batch_then(m, promise_index, account_id_len, account_id_ptr);
    promise_batch_action_create_account(promise_index: u64) -> () => |l, m| l.promise_batch_action_create_account(m, promise_index);
    promise_batch_action_deploy_contract(promise_index: u64, code_len: u64, code_ptr: u64) -> ()
        => |l, m| l.promise_batch_action_deploy_contract(m, promise_index, code_len, code_ptr);
    promise_batch_action_function_call(promise_index: u64, method_name_len: u64, method_name_ptr: u64, arguments_len: u64, arguments_ptr: u64, amount_ptr: u64, gas: u64) -> ()
        => |l, m| l.promise_batch_action_function_call_weight(m, promise_index, FunctionCallArgs { method_name: MemSlice::new(method_name_len, method_name_ptr), arguments: MemSlice::new(arguments_len, arguments_ptr), amount_ptr, gas, gas_weight: 0 });
    promise_batch_action_function_call_weight(promise_index: u64, method_name_len: u64, method_name_ptr: u64, arguments_len: u64, arguments_ptr: u64, amount_ptr: u64, gas: u64, gas_weight: u64) -> ()
        => |l, m| l.promise_batch_action_function_call_weight(m, promise_index, FunctionCallArgs { method_name: MemSlice::new(method_name_len, method_name_ptr), arguments: MemSlice::new(arguments_len, arguments_ptr), amount_ptr, gas, gas_weight });
    promise_batch_action_transfer(promise_index: u64, amount_ptr: u64) -> () => |l, m| l.promise_batch_action_transfer(m, promise_index, amount_ptr);
    promise_batch_action_stake(promise_index: u64, amount_ptr: u64, public_key_len: u64, public_key_ptr: u64) -> ()
        => |l, m| l.promise_batch_action_stake(m, promise_index, amount_ptr, MemSlice::new(public_key_len, public_key_ptr));
    promise_batch_action_add_key_with_full_access(promise_index: u64, public_key_len: u64, public_key_ptr: u64, nonce: u64) -> ()
        => |l, m| l.promise_batch_action_add_key_with_full_access(m, promise_index, MemSlice::new(public_key_len, public_key_ptr), nonce);
    promise_batch_action_add_key_with_function_call(promise_index: u64, public_key_len: u64, public_key_ptr: u64, nonce: u64, allowance_ptr: u64, receiver_id_len: u64, receiver_id_ptr: u64, method_names_len: u64, method_names_ptr: u64) -> ()
        => |l, m| l.promise_batch_action_add_key_with_function_call(m, promise_index, FunctionCallKeyArgs { public_key: MemSlice::new(public_key_len, public_key_ptr), nonce, permission: PermissionArgs { allowance_ptr, receiver_id: MemSlice::new(receiver_id_len, receiver_id_ptr), method_names: MemSlice::new(method_names_len, method_names_ptr) } });
    promise_batch_action_delete_key(promise_index: u64, public_key_len: u64, public_key_ptr: u64) -> ()
        => |l, m| l.promise_batch_action_delete_key(m, promise_index, MemSlice::new(public_key_len, public_key_ptr));
    promise_batch_action_delete_account(promise_index: u64, beneficiary_id_len: u64, beneficiary_id_ptr: u64) -> ()
        => |l, m| l.promise_batch_action_delete_account(m, promise_index, MemSlice::new(beneficiary_id_len, beneficiary_id_ptr));
    #[gas_key_host_fns]
    promise_batch_action_transfer_to_gas_key(promise_index: u64, public_key_len: u64, public_key_ptr: u64, amount_ptr: u64) -> ()
        => |l, m| l.promise_batch_action_transfer_to_gas_key(m, promise_index, MemSlice::new(public_key_len, public_key_ptr), amount_ptr);
    #[gas_key_host_fns]
    promise_batch_action_add_gas_key_with_full_access(promise_index: u64, public_key_len: u64, public_key_ptr: u64, num_nonces: u64) -> ()
        => |l, m| l.promise_batch_action_add_gas_key(m, promise_index, MemSlice::new(public_key_len, public_key_ptr), num_nonces, None);
    #[gas_key_host_fns]
    promise_batch_action_add_gas_key_with_function_call(promise_index: u64, public_key_len: u64, public_key_ptr: u64, num_nonces: u64, allowance_ptr: u64, receiver_id_len: u64, receiver_id_ptr: u64, method_names_len: u64, method_names_ptr: u64) -> ()
        => |l, m| l.promise_batch_action_add_gas_key(m, promise_index, MemSlice::new(public_key_len, public_key_ptr), num_nonces, Some(PermissionArgs { allowance_ptr, receiver_id: MemSlice::new(receiver_id_len, receiver_id_ptr), method_names: MemSlice::new(method_names_len, method_names_ptr) }));
    #[universal_accounts]
    universal_state_init_to_account_id(state_init_len: u64, state_init_ptr: u64, register_id: u64) -> u64
        => |l, m| l.universal_state_init_to_account_id(m, MemSlice::new(state_init_len, state_init_ptr), register_id);
    #[universal_accounts]
    promise_batch_action_universal_state_init(promise_index: u64, state_init_len: u64, state_init_ptr: u64, amount_ptr: u64) -> ()
        => |l, m| l.promise_batch_action_universal_state_init(m, promise_index, MemSlice::new(state_init_len, state_init_ptr), amount_ptr);
    promise_set_refund_to(promise_index: u64, account_id_len: u64, account_id_ptr: u64) -> ()
        => |l, m| l.promise_set_refund_to(m, promise_index, MemSlice::new(account_id_len, account_id_ptr));
    #[global_contract_host_fns]
    promise_batch_action_deploy_global_contract(promise_index: u64, code_len: u64, code_ptr: u64) -> ()
        => |l, m| l.promise_batch_action_deploy_global_contract(m, promise_index, MemSlice::new(code_len, code_ptr), GlobalContractDeployMode::CodeHash);
    #[global_contract_host_fns]
    promise_batch_action_deploy_global_contract_by_account_id(promise_index: u64, code_len: u64, code_ptr: u64) -> ()
        => |l, m| l.promise_batch_action_deploy_global_contract(m, promise_index, MemSlice::new(code_len, code_ptr), GlobalContractDeployMode::AccountId);
    #[global_contract_host_fns]
    promise_batch_action_use_global_contract(promise_index: u64, code_hash_len: u64, code_hash_ptr: u64) -> ()
        => |l, m| l.promise_batch_action_use_global_contract(m, promise_index, ContractIdArg::CodeHash(MemSlice::new(code_hash_len, code_hash_ptr)));
    #[global_contract_host_fns]
    promise_batch_action_use_global_contract_by_account_id(promise_index: u64, account_id_len: u64, account_id_ptr: u64) -> ()
        => |l, m| l.promise_batch_action_use_global_contract(m, promise_index, ContractIdArg::AccountId(MemSlice::new(account_id_len, account_id_ptr)));
    promise_batch_action_state_init(promise_index: u64, code_hash_len: u64, code_hash_ptr: u64, amount_ptr: u64) -> u64
        => |l, m| l.promise_batch_action_state_init(m, promise_index, ContractIdArg::CodeHash(MemSlice::new(code_hash_len, code_hash_ptr)), amount_ptr);
    promise_batch_action_state_init_by_account_id(promise_index: u64, account_id_len: u64, account_id_ptr: u64, amount_ptr: u64) -> u64
        => |l, m| l.promise_batch_action_state_init(m, promise_index, ContractIdArg::AccountId(MemSlice::new(account_id_len, account_id_ptr)), amount_ptr);
    set_state_init_data_entry(promise_index: u64, action_index: u64, key_len: u64, key_ptr: u64, value_len: u64, value_ptr: u64) -> ()
        => |l, m| l.set_state_init_data_entry(m, promise_index, action_index, MemSlice::new(key_len, key_ptr), MemSlice::new(value_len, value_ptr));
    #[yield_resume_host_functions]
    promise_yield_create(method_name_len: u64, method_name_ptr: u64, arguments_len: u64, arguments_ptr: u64, gas: u64, gas_weight: u64, register_id: u64) -> u64
        => |l, m| l.promise_yield_create(m, FunctionCallArgs { method_name: MemSlice::new(method_name_len, method_name_ptr), arguments: MemSlice::new(arguments_len, arguments_ptr), amount_ptr: 0, gas, gas_weight }, register_id);
    #[yield_resume_host_functions]
    promise_yield_resume(data_id_len: u64, data_id_ptr: u64, payload_len: u64, payload_ptr: u64) -> u32
        => |l, m| l.promise_yield_resume(m, MemSlice::new(data_id_len, data_id_ptr), MemSlice::new(payload_len, payload_ptr));
    #[yield_with_id_host_fns]
    promise_yield_create_with_id(method_name_len: u64, method_name_ptr: u64, arguments_len: u64, arguments_ptr: u64, amount_ptr: u64, gas: u64, gas_weight: u64, yield_id_len: u64, yield_id_ptr: u64) -> u64
        => |l, m| l.promise_yield_create_with_id(m, FunctionCallArgs { method_name: MemSlice::new(method_name_len, method_name_ptr), arguments: MemSlice::new(arguments_len, arguments_ptr), amount_ptr, gas, gas_weight }, MemSlice::new(yield_id_len, yield_id_ptr));
    #[yield_with_id_host_fns]
    promise_yield_resume_with_yield_id(yield_id_len: u64, yield_id_ptr: u64, payload_len: u64, payload_ptr: u64) -> u32
        => |l, m| l.promise_yield_resume_with_yield_id(m, MemSlice::new(yield_id_len, yield_id_ptr), MemSlice::new(payload_len, payload_ptr));
    #[submodule_host_functions]
    start_submodule(key_len: u64, key_ptr: u64, gas_limit: u64, register_id: u64) -> u64
        => |l, m| l.start_submodule(m, MemSlice::new(key_len, key_ptr), gas_limit, register_id);
    #[submodule_host_functions]
    resume_submodule(key_len: u64, key_ptr: u64, data_len: u64, data_ptr: u64, register_id: u64) -> u64
        => |l, m| l.resume_submodule(m, MemSlice::new(key_len, key_ptr), MemSlice::new(data_len, data_ptr), register_id);
    promise_return(promise_index: u64) -> () => |l, m| l.promise_return(m, promise_index);
    promise_results_count() -> u64 => |l, m| l.promise_results_count(m);
    promise_result(result_idx: u64, register_id: u64) -> u64 => |l, m| l.promise_result(m, result_idx, register_id);
    storage_write(key_len: u64, key_ptr: u64, value_len: u64, value_ptr: u64, register_id: u64) -> u64
        => |l, m| l.storage_write(m, MemSlice::new(key_len, key_ptr), MemSlice::new(value_len, value_ptr), register_id);
    storage_read(key_len: u64, key_ptr: u64, register_id: u64) -> u64 => |l, m| l.storage_read(m, key_len, key_ptr, register_id);
    storage_remove(key_len: u64, key_ptr: u64, register_id: u64) -> u64 => |l, m| l.storage_remove(m, key_len, key_ptr, register_id);
    storage_has_key(key_len: u64, key_ptr: u64) -> u64 => |l, m| l.storage_has_key(m, key_len, key_ptr);
    storage_iter_prefix(prefix_len: u64, prefix_ptr: u64) -> u64 => |l, _m| { let _ = (prefix_len, prefix_ptr); l.deprecated("storage_iter_prefix") };
    storage_iter_range(start_len: u64, start_ptr: u64, end_len: u64, end_ptr: u64) -> u64
        => |l, _m| { let _ = (start_len, start_ptr, end_len, end_ptr); l.deprecated("storage_iter_range") };
    storage_iter_next(iterator_id: u64, key_register_id: u64, value_register_id: u64) -> u64
        => |l, _m| { let _ = (iterator_id, key_register_id, value_register_id); l.deprecated("storage_iter_next") };
    validator_stake(account_id_len: u64, account_id_ptr: u64, stake_ptr: u64) -> ()
        => |l, m| l.validator_stake(m, account_id_len, account_id_ptr, stake_ptr);
    validator_total_stake(stake_ptr: u64) -> () => |l, m| l.validator_total_stake(m, stake_ptr);
}

/// Links every `env` function enabled by `config` into `linker`, in the form modules prepared
/// with `metering` import them.
///
/// # Errors
/// Only wasmtime's own linking failures (node faults).
pub fn link_env(linker: &mut Linker<VMLogic>, config: &Config, metering: Metering) -> wasmtime::Result<()> {
    link_implemented(linker, config, metering)
}
