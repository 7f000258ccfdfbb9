//! The human-readable text nearcore stores for contract failures. Outcomes record host errors,
//! traps and link errors as `FunctionCallError::ExecutionError(text)` rather than as typed
//! values (nearcore collapses them so stored outcomes do not depend on Rust types); tools match
//! on these texts (e.g. "Smart contract panicked: "), so they are part of the ABI.

use crate::errors::{FunctionCallError, HostError, WasmTrap};

impl WasmTrap {
    /// nearcore's text for the trap.
    pub fn message(&self) -> &'static str {
        match self {
            WasmTrap::Unreachable => "An `unreachable` opcode was executed.",
            WasmTrap::IncorrectCallIndirectSignature => "Call indirect incorrect signature trap.",
            WasmTrap::MemoryOutOfBounds => "Memory out of bounds trap.",
            WasmTrap::CallIndirectOOB => "Call indirect out of bounds trap.",
            WasmTrap::IllegalArithmetic => "An arithmetic exception, e.g. divided by zero.",
            WasmTrap::MisalignedAtomicAccess => "Misaligned atomic access trap.",
            WasmTrap::IndirectCallToNull => "Indirect call to null.",
            WasmTrap::StackOverflow => "Stack overflow.",
            WasmTrap::GenericTrap => "Generic trap.",
        }
    }
}

impl HostError {
    /// nearcore's text for the host error (the structured form, as JSON, where the error
    /// carries data nearcore prints field by field).
    pub fn message(&self) -> String {
        match self {
            HostError::BadUTF16 => "String encoding is bad UTF-16 sequence.".into(),
            HostError::BadUTF8 => "String encoding is bad UTF-8 sequence.".into(),
            HostError::GasExceeded => "Exceeded the prepaid gas.".into(),
            HostError::GasLimitExceeded => "Exceeded the maximum amount of gas allowed to burn per contract.".into(),
            HostError::BalanceExceeded => "Exceeded the account balance.".into(),
            HostError::EmptyMethodName => "Tried to call an empty method name.".into(),
            HostError::GuestPanic { panic_msg } => format!("Smart contract panicked: {panic_msg}"),
            HostError::IntegerOverflow => "Integer overflow.".into(),
            HostError::InvalidPromiseIndex { promise_idx } => {
                format!("{promise_idx:?} does not correspond to existing promises")
            }
            HostError::CannotAppendActionToJointPromise => "Actions can only be appended to non-joint promise.".into(),
            HostError::CannotReturnJointPromise => "Returning joint promise is currently prohibited.".into(),
            HostError::InvalidPromiseResultIndex { result_idx } => {
                format!("Accessed invalid promise result index: {result_idx:?}")
            }
            HostError::InvalidRegisterId { register_id } => format!("Accessed invalid register id: {register_id:?}"),
            HostError::MemoryAccessViolation => "Accessed memory outside the bounds.".into(),
            HostError::ProhibitedInView { method_name } => format!("{method_name} is not allowed in view calls"),
            other => other.to_string(),
        }
    }
}

/// The form nearcore stores in an outcome: host errors, traps and link errors become
/// `ExecutionError(text)`; compilation and method-resolution errors stay typed.
pub fn to_outcome_error(error: FunctionCallError) -> FunctionCallError {
    match error {
        FunctionCallError::HostError(host) => FunctionCallError::ExecutionError(host.message()),
        FunctionCallError::WasmTrap(trap) => {
            FunctionCallError::ExecutionError(format!("WebAssembly trap: {}", trap.message()))
        }
        FunctionCallError::LinkError { msg } => FunctionCallError::ExecutionError(format!("Link Error: {msg}")),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
