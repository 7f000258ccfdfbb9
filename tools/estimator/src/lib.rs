//! `estimator`: measures what NEP-481's and NEP-519's host functions and actions cost on this
//! implementation, the way nearcore's `runtime-params-estimator` does: the same block applied
//! with and without the operation, the difference counted in x86 instructions (callgrind
//! here, qemu there) and converted to gas with nearcore's conversion, repeated, with the
//! spread. Validation costs (protocol 88 parameters nearcore set) check the method; proposal
//! costs (NEP-481) get nearcore's safety margin and become `parameters.yaml` values.
//!
//! - [`contracts`]: the WAT parent and submodules with a loop per operation;
//! - [`costs`]: every cost, its operation, baseline and units;
//! - [`workload`]: the chain, transactions and their checks;
//! - [`run`]: the measurement loop; [`measure`]: metrics and callgrind;
//! - [`report`]: estimates, comparison and the table.

pub mod contracts;
pub mod costs;
pub mod measure;
pub mod report;
pub mod run;
pub mod workload;

/// Why an estimation failed.
#[derive(Debug, thiserror::Error)]
pub enum EstimatorError {
    /// The chain could not be set up.
    #[error("setup failed: {0}")]
    Setup(String),
    /// A measured transaction did not do what its cost claims.
    #[error("workload check failed: {0}")]
    Check(String),
    /// The test harness failed (node fault, storage).
    #[error(transparent)]
    Harness(#[from] integration_tests::HarnessError),
    /// Running or reading callgrind failed.
    #[error("callgrind: {0}")]
    Callgrind(String),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        source: std::io::Error,
    },
    /// A cost name that is not in [`costs::COSTS`].
    #[error("unknown cost {0:?} (see --list)")]
    UnknownCost(String),
    /// JSON (de)serialisation.
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
}
