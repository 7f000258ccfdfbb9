//! The human-readable text nearcore stores for contract failures. Outcomes record host errors,
//! traps and link errors as `FunctionCallError::ExecutionError(text)` rather than as typed
//! values (nearcore collapses them so stored outcomes do not depend on Rust types); tools match
//! on these texts (e.g. "Smart contract panicked: "), so they are part of the ABI.

use crate::errors::FunctionCallError;

/// The form nearcore stores in an outcome: host errors, traps and link errors become
/// `ExecutionError(text)`; compilation and method-resolution errors stay typed.
pub fn to_outcome_error(error: FunctionCallError) -> FunctionCallError {
    match error {
        // The texts are the errors' `Display` (`errors/display.rs`), nearcore's.
        error @ (FunctionCallError::HostError(_) | FunctionCallError::WasmTrap(_)) => {
            FunctionCallError::ExecutionError(error.to_string())
        }
        FunctionCallError::LinkError { msg } => FunctionCallError::ExecutionError(format!("Link Error: {msg}")),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::errors::{HostError, WasmTrap};

    #[test]
    fn panics_and_traps_read_as_nearcore_writes_them() {
        let panic = FunctionCallError::HostError(HostError::GuestPanic { panic_msg: "no".into() });
        assert_eq!(to_outcome_error(panic), FunctionCallError::ExecutionError("Smart contract panicked: no".into()));
        let trap = FunctionCallError::WasmTrap(WasmTrap::Unreachable);
        assert_eq!(
            to_outcome_error(trap),
            FunctionCallError::ExecutionError("WebAssembly trap: An `unreachable` opcode was executed.".into())
        );
    }
}
