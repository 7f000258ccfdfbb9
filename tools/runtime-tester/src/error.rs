//! [`RunError`]: why a run stopped (the runner's and the resume logic's one error type).

use crate::scenario::ScenarioError;
use integration_tests::HarnessError;

/// Why a run stopped.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// A node fault (including a balance mismatch) or a store failure: a bug.
    #[error("node fault: {0}")]
    Node(#[from] HarnessError),
    /// The scenario cannot go on (a capture used before it has a value): the scenario's fault.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
}
