//! Registers, context and economics.

use crate::{context, module, returned, run_code, run_wat};
use near_parameters::{ExtCosts, RuntimeConfig};
use near_primitives::errors::{FunctionCallError, HostError};
use near_vm_runner::logic::ViewConfig;
use near_vm_runner::logic::mocks::MockedExternal;

const IMPORTS: &str = r#"
  (import "env" "input" (func $input (param i64)))
  (import "env" "value_return" (func $value_return (param i64 i64)))
  (import "env" "read_register" (func $read_register (param i64 i64)))
  (import "env" "register_len" (func $register_len (param i64) (result i64)))
  (import "env" "current_account_id" (func $current_account_id (param i64)))
  (import "env" "signer_account_id" (func $signer_account_id (param i64)))
  (import "env" "predecessor_account_id" (func $predecessor_account_id (param i64)))
  (import "env" "signer_account_pk" (func $signer_account_pk (param i64)))
  (import "env" "attached_deposit" (func $attached_deposit (param i64)))
  (import "env" "block_index" (func $block_index (result i64)))
"#;

/// Returns register 0 as the call's value.
const RETURN_REGISTER_0: &str = "(call $value_return (i64.const -1) (i64.const 0))";

fn returning(setup: &str) -> String {
    module(IMPORTS, &format!(r#"(func (export "f") {setup} {RETURN_REGISTER_0})"#))
}

#[test]
fn input_and_account_ids_through_registers() {
    assert_eq!(returned(&run_wat(&returning("(call $input (i64.const 0))"), "f")), b"{\"x\":1}");
    assert_eq!(returned(&run_wat(&returning("(call $current_account_id (i64.const 0))"), "f")), b"alice.near");
    assert_eq!(returned(&run_wat(&returning("(call $signer_account_id (i64.const 0))"), "f")), b"bob.near");
    assert_eq!(returned(&run_wat(&returning("(call $predecessor_account_id (i64.const 0))"), "f")), b"carol.near");
    let pk = returned(&run_wat(&returning("(call $signer_account_pk (i64.const 0))"), "f"));
    assert_eq!(pk.len(), 33);
    assert_eq!(pk[0], 0, "borsh tag of ed25519");
}

#[test]
fn copying_a_register_to_memory_and_u128_economics() {
    let wat = module(
        IMPORTS,
        r#"(func (export "f")
            (call $input (i64.const 3))
            (call $read_register (i64.const 3) (i64.const 100))
            (call $attached_deposit (i64.const 200))
            (call $value_return (call $register_len (i64.const 3)) (i64.const 100)))
          (func (export "deposit")
            (call $attached_deposit (i64.const 200))
            (call $value_return (i64.const 16) (i64.const 200)))"#,
    );
    assert_eq!(returned(&run_wat(&wat, "f")), b"{\"x\":1}");
    assert_eq!(returned(&run_wat(&wat, "deposit")), 7u128.to_le_bytes());
}

#[test]
fn register_and_memory_errors() {
    let unset = returning("");
    let ran = run_wat(&unset, "f");
    assert_eq!(
        ran.outcome.aborted,
        Some(FunctionCallError::HostError(HostError::InvalidRegisterId { register_id: 0 }))
    );
    let out_of_bounds =
        module(IMPORTS, r#"(func (export "f") (call $value_return (i64.const 10) (i64.const 70000000000)))"#);
    let ran = run_wat(&out_of_bounds, "f");
    assert_eq!(ran.outcome.aborted, Some(FunctionCallError::HostError(HostError::MemoryAccessViolation)));
    let unset_len = module(
        IMPORTS,
        r#"(func (export "f") (i64.store (i32.const 0) (call $register_len (i64.const 9))) (call $value_return (i64.const 8) (i64.const 0)))"#,
    );
    assert_eq!(returned(&run_wat(&unset_len, "f")), u64::MAX.to_le_bytes());
}

#[test]
fn view_calls_deny_signer_and_state_functions() {
    let mut view = context();
    view.view_config = Some(ViewConfig { max_gas_burnt: 300_000_000_000_000 });
    let wat = wat::parse_str(returning("(call $signer_account_id (i64.const 0))")).unwrap();
    let ran = run_code(&wat, "f", Box::new(MockedExternal::default()), view.clone());
    assert_eq!(
        ran.outcome.aborted,
        Some(FunctionCallError::HostError(HostError::ProhibitedInView { method_name: "signer_account_id".into() }))
    );
    let allowed = wat::parse_str(returning("(call $current_account_id (i64.const 0))")).unwrap();
    let ran = run_code(&allowed, "f", Box::new(MockedExternal::default()), view);
    assert_eq!(returned(&ran), b"alice.near");
}

#[test]
fn host_costs_are_nearcores_and_add_up() {
    let wat = module(IMPORTS, r#"(func (export "f") (drop (call $block_index)) (call $input (i64.const 0)))"#);
    let ran = run_wat(&wat, "f");
    assert_eq!(ran.outcome.aborted, None);
    let costs = &RuntimeConfig::mainnet().wasm_config.ext_costs;
    let profile = &ran.outcome.profile;
    assert_eq!(profile.ext[ExtCosts::base as usize], 2 * costs.gas_cost(ExtCosts::base));
    // The input (7 bytes) goes to its register for `write_register_base` only, as on nearcore
    // since protocol 82.
    assert_eq!(profile.ext[ExtCosts::write_register_base as usize], costs.gas_cost(ExtCosts::write_register_base));
    assert_eq!(profile.ext[ExtCosts::write_register_byte as usize], 0);
    let code_len = wat::parse_str(&wat).unwrap().len() as u64;
    assert_eq!(
        profile.ext[ExtCosts::contract_loading_bytes as usize],
        code_len * costs.gas_cost(ExtCosts::contract_loading_bytes)
    );
    let ext_total: u64 = profile.ext.iter().sum();
    assert_eq!(ran.outcome.burnt_gas, ext_total + profile.wasm, "burnt gas is exactly the profile");
    assert_eq!(ran.outcome.used_gas, ran.outcome.burnt_gas);
}

/// The fixture nearcore-diff compares with nearcore (where the account's contract is the code's
/// sha256 and the refund receiver the predecessor); here the values themselves.
#[test]
fn current_contract_code_is_the_code_hash_and_refunds_go_to_the_predecessor() {
    let fixture = "accounts_and_code.wat";
    let run = |method| crate::returned(&crate::run_fixture(fixture, method));
    let path = format!("{}/../../tools/nearcore-diff/fixtures/{fixture}", env!("CARGO_MANIFEST_DIR"));
    let code = wat::parse_file(path).unwrap();
    assert_eq!(run("current_contract_code_kind"), 1u64.to_le_bytes(), "a contract deployed on the account");
    assert_eq!(run("current_contract_code_hash"), near_primitives::hash::CryptoHash::hash_bytes(&code).0);
    assert_eq!(run("refund_to_account_id"), context().predecessor_account_id.as_bytes());
    let nothing = crate::run_fixture(fixture, "nothing");
    assert_eq!(nothing.outcome.aborted, None, "the state-init imports link under nearcore's names");
}

/// `validator_stake` reads its account id as every host function does: the UTF-8 decoding is
/// charged, bytes that are not UTF-8 are `BadUTF8` and an invalid id `InvalidAccountId`.
#[test]
fn validator_stake_decodes_its_account_id_like_every_host_function() {
    let run = |method| crate::run_fixture("host_errors.wat", method).outcome;
    let error = |method| match run(method).aborted {
        Some(FunctionCallError::HostError(error)) => error,
        other => panic!("{method}: {other:?}"),
    };
    assert_eq!(error("validator_stake_bad_utf8"), HostError::BadUTF8);
    assert_eq!(error("validator_stake_invalid_id"), HostError::InvalidAccountId);
    let valid = run("validator_stake_of_alice");
    assert_eq!(valid.aborted, None);
    let config = RuntimeConfig::mainnet();
    let decoding = config.wasm_config.ext_costs.gas_cost(ExtCosts::utf8_decoding_base);
    assert_eq!(valid.profile.ext[ExtCosts::utf8_decoding_base as usize], decoding, "charged once");
}
