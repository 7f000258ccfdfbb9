//! The test harness: a near-workspaces-like API over the in-process runtime.
//!
//! ```no_run
//! use integration_tests::{GenesisAccount, TestEnv, NEAR};
//! let alice: near_primitives::types::AccountId = "alice.near".parse().unwrap();
//! let mut env = TestEnv::builder().account(GenesisAccount::new(alice.clone(), 100 * NEAR)).build().unwrap();
//! let code = std::fs::read("contract.wasm").unwrap();
//! env.deploy(&alice, code).unwrap();
//! let result = env.call(&alice, &alice, "set_status").args_json(serde_json::json!({"message": "hi"})).transact().unwrap();
//! assert!(result.is_success());
//! ```
//!
//! [`TestEnv`] is the chain ([`env`]); [`CallBuilder`] builds function calls ([`calls`]);
//! [`TxResult`] is a transaction with every receipt it caused ([`result`]); genesis accounts
//! get full-access keys derived from their ids ([`genesis`]); every block is committed with its
//! [`ChainHead`] in one batch ([`head`]), so a killed process leaves a whole block.

pub mod calls;
pub mod env;
pub mod genesis;
pub mod head;
pub mod result;

pub use calls::CallBuilder;
pub use env::{BlockResult, TestEnv, TestEnvBuilder};
pub use genesis::{GenesisAccount, NEAR, signer_key};
pub use head::ChainHead;
pub use result::{FinalStatus, TxResult};

/// Why a harness operation failed.
#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    /// A node fault while applying a block.
    #[error(transparent)]
    Runtime(#[from] node_runtime::RuntimeError),
    /// A view call failed.
    #[error(transparent)]
    View(#[from] node_runtime::state_viewer::ViewError),
    /// Storage failed.
    #[error(transparent)]
    Storage(#[from] near_store::StorageError),
    /// A value was not the JSON expected.
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
    /// Receipts were still pending after the given number of blocks.
    #[error("transaction not final after {blocks} blocks")]
    NotFinal {
        /// Blocks produced.
        blocks: u64,
    },
    /// A result was expected to be a success.
    #[error("not a success: {0}")]
    NotSuccess(String),
    /// A store's chain head is not the one expected.
    #[error("stored chain head is {found}, expected {expected}")]
    HeadMismatch {
        /// The head expected.
        expected: String,
        /// The head found.
        found: String,
    },
}
