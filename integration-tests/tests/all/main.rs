//! Integration tests of the runtime through the harness, against compiled test contracts.

mod access_keys;
mod accounts;
mod balance;
mod delayed;
mod docs;
mod fuzz;
mod gas_keys;
mod global_contracts;
mod host_tour;
mod promises;
mod submodules;
mod universal_accounts;
mod yield_resume;

use integration_tests::{GenesisAccount, NEAR, TestEnv, TestEnvBuilder};
use near_primitives::types::AccountId;

/// alice.near and bob.near with 100 NEAR each, no contracts.
pub(crate) fn alice_and_bob() -> TestEnv {
    TestEnv::builder()
        .account(GenesisAccount::new(id("alice.near"), 100 * NEAR))
        .account(GenesisAccount::new(id("bob.near"), 100 * NEAR))
        .build()
        .expect("genesis")
}

/// The action error a transaction's result ended with (panics on anything else).
pub(crate) fn action_error(status: &integration_tests::FinalStatus) -> &near_primitives::errors::ActionErrorKind {
    match status {
        integration_tests::FinalStatus::Failure(near_primitives::errors::TxExecutionError::ActionError(error)) => {
            &error.kind
        }
        other => panic!("expected an action error, got {other:?}"),
    }
}

/// An account id from a literal.
pub(crate) fn id(name: &str) -> AccountId {
    name.parse().expect("test account ids are valid")
}

/// alice.near and bob.near with 100 NEAR each, and the three sdk-status contracts
/// status.near, other.near and third.near (initialised with `new`).
pub(crate) fn builder_with_contracts() -> TestEnvBuilder {
    let code = near_test_contracts::sdk_status().to_vec();
    TestEnv::builder()
        .account(GenesisAccount::new(id("alice.near"), 100 * NEAR))
        .account(GenesisAccount::new(id("bob.near"), 100 * NEAR))
        .account(GenesisAccount::new(id("status.near"), 100 * NEAR).with_code(code.clone()))
        .account(GenesisAccount::new(id("other.near"), 100 * NEAR).with_code(code.clone()))
        .account(GenesisAccount::new(id("third.near"), 100 * NEAR).with_code(code))
}

/// [`builder_with_contracts`], built, with every contract initialised.
pub(crate) fn env_with_contracts() -> TestEnv {
    init_contracts(builder_with_contracts().build().expect("genesis"))
}

pub(crate) fn init_contracts(mut env: TestEnv) -> TestEnv {
    for contract in ["status.near", "other.near", "third.near"] {
        let result = env.call(&id(contract), &id(contract), "new").transact().expect("init runs");
        assert!(result.is_success(), "{contract} init: {:?}", result.status);
    }
    env
}
