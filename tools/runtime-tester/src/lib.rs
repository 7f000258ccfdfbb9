//! The scenario runner: runs a JSON scenario (genesis, then blocks of transactions and views)
//! on the in-process runtime and reports every block. [`scenario`] parses the format (errors
//! name the file, path and field); [`runner`] runs it; [`captures`] carries values from one block into a later block's arguments; `resume` continues a run on the chain a killed process left in RocksDB. The format is documented in
//! docs/runtime-tester.md.
//!
//! The bundled scenarios under `scenarios/` reference the test contracts, which this crate's
//! dependency on `near-test-contracts` builds into `target/test-contracts/`.

pub mod captures;
pub mod error;
mod resume;
pub mod runner;
pub mod scenario;

pub use error::RunError;
pub use runner::{BlockReport, RunOptions, run};
pub use scenario::{Scenario, ScenarioError, load};

/// The test contracts the bundled scenarios deploy (referencing this makes sure they are
/// built into `target/test-contracts/`).
pub fn bundled_contracts() -> [&'static [u8]; 5] {
    [
        near_test_contracts::sdk_status(),
        near_test_contracts::yield_nostd(),
        near_test_contracts::sdk_signer(),
        near_test_contracts::sdk_app_os(),
        near_test_contracts::submodule_nostd(),
    ]
}
