//! `hypervisor-tester`: runs RFC-003 scenarios (JSON) on the hypervisor with the built-in
//! native handlers and the wasm VM, one JSON line per block (docs/hypervisor-tester.md).
//!
//! - [`scenario`]: the format and its parser (errors name the JSON path; unknown keys are
//!   errors);
//! - [`natives`]: the built-in native handlers (counter, bank module, vesting) and the
//!   delegation middleware;
//! - [`runner`]: sessions per block, aliases, data encodings, the report.

mod json;
pub mod natives;
pub mod runner;
pub mod scenario;

pub use runner::run;
pub use scenario::Scenario;
use std::path::Path;

/// What a scenario gets wrong, and where (`$.blocks[1].messages[0].send.gas`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {problem}")]
pub struct ScenarioError {
    /// The JSON path.
    pub path: String,
    /// The problem.
    pub problem: String,
}

/// Why a run stopped.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The scenario is wrong (exit code 2).
    #[error("{0}")]
    Scenario(ScenarioError),
    /// The node failed: storage or engine (exit code 1).
    #[error("node fault: {0}")]
    Node(String),
}

/// Reads and parses the scenario at `path`.
///
/// # Errors
/// The file cannot be read, or a [`ScenarioError`].
pub fn load(path: &Path) -> Result<Scenario, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    scenario::parse(path, &text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The wasm handlers the bundled scenarios use (building them is what makes the files exist).
pub fn bundled_handlers() -> Vec<&'static [u8]> {
    ["hv_counter", "hv_caller", "hv_vesting"].iter().filter_map(|name| near_test_contracts::hv_handler(name)).collect()
}
