//! The text of contract errors: exactly what nearcore's runner (protocol 88) prints for the same
//! error, since that text is what an outcome records (`tools/nearcore-diff` compares it on real
//! calls). Variants nearcore does not have (NEP-481's preparation errors, a host function this
//! runtime links but does not implement) get texts in the same style.

use super::contract::{CompilationError, FunctionCallError, HostError, MethodResolveError, PrepareError, WasmTrap};
use std::fmt::{Display, Formatter, Result};

impl Display for FunctionCallError {
    fn fmt(&self, f: &mut Formatter<'_>) -> Result {
        match self {
            FunctionCallError::CompilationError(error) => error.fmt(f),
            FunctionCallError::LinkError { msg } => f.write_str(msg),
            FunctionCallError::MethodResolveError(error) => error.fmt(f),
            FunctionCallError::WasmTrap(trap) => write!(f, "WebAssembly trap: {trap}"),
            FunctionCallError::WasmUnknownError => f.write_str("Unknown error during Wasm contract execution."),
            FunctionCallError::HostError(error) => error.fmt(f),
            FunctionCallError::_EVMError => f.write_str("EVM error"),
            FunctionCallError::ExecutionError(text) => f.write_str(text),
        }
    }
}

impl Display for CompilationError {
    fn fmt(&self, f: &mut Formatter<'_>) -> Result {
        match self {
            CompilationError::CodeDoesNotExist { account_id } => {
                write!(f, "cannot find contract code for account {account_id}")
            }
            CompilationError::PrepareError(error) => write!(f, "PrepareError: {error}"),
            CompilationError::WasmerCompileError { msg } => write!(f, "Wasmer compilation error: {msg}"),
        }
    }
}

impl Display for PrepareError {
    fn fmt(&self, f: &mut Formatter<'_>) -> Result {
        let text = match self {
            PrepareError::Serialization => "Error happened while serializing the module.",
            PrepareError::Deserialization => "Error happened while deserializing the module.",
            PrepareError::InternalMemoryDeclared => "Internal memory declaration has been found in the module.",
            PrepareError::GasInstrumentation => "Gas instrumentation failed.",
            PrepareError::StackHeightInstrumentation => "Stack instrumentation failed.",
            PrepareError::Instantiate => "Error happened during instantiation.",
            PrepareError::Memory => "Error creating memory.",
            PrepareError::TooManyFunctions => "Too many functions in contract.",
            PrepareError::TooManyLocals => "Too many locals declared in the contract.",
            PrepareError::TooManyTables => "Too many tables declared in the contract.",
            PrepareError::TooManyTableElements => "Too many table elements declared in the contract.",
            PrepareError::ForbiddenImport { name } => return write!(f, "Import {name} is not allowed in a submodule."),
            PrepareError::MissingMainExport => "The submodule does not export `main: () -> ()`.",
        };
        f.write_str(text)
    }
}

impl Display for MethodResolveError {
    fn fmt(&self, f: &mut Formatter<'_>) -> Result {
        // nearcore prints the variant's name.
        std::fmt::Debug::fmt(self, f)
    }
}

impl Display for WasmTrap {
    fn fmt(&self, f: &mut Formatter<'_>) -> Result {
        f.write_str(match self {
            WasmTrap::Unreachable => "An `unreachable` opcode was executed.",
            WasmTrap::IncorrectCallIndirectSignature => "Call indirect incorrect signature trap.",
            WasmTrap::MemoryOutOfBounds => "Memory out of bounds trap.",
            WasmTrap::CallIndirectOOB => "Call indirect out of bounds trap.",
            WasmTrap::IllegalArithmetic => "An arithmetic exception, e.g. divided by zero.",
            WasmTrap::MisalignedAtomicAccess => "Misaligned atomic access trap.",
            WasmTrap::IndirectCallToNull => "Indirect call to null.",
            WasmTrap::StackOverflow => "Stack overflow.",
            WasmTrap::GenericTrap => "Generic trap.",
        })
    }
}

impl Display for HostError {
    fn fmt(&self, f: &mut Formatter<'_>) -> Result {
        if let Some(text) = fixed_text(self) {
            return f.write_str(text);
        }
        match self {
            HostError::GuestPanic { panic_msg } => write!(f, "Smart contract panicked: {panic_msg}"),
            HostError::InvalidPromiseIndex { promise_idx } => {
                write!(f, "{promise_idx} does not correspond to existing promises")
            }
            HostError::InvalidPromiseResultIndex { result_idx } => {
                write!(f, "Accessed invalid promise result index: {result_idx}")
            }
            HostError::InvalidRegisterId { register_id } => write!(f, "Accessed invalid register id: {register_id}"),
            HostError::IteratorWasInvalidated { iterator_index } => {
                write!(f, "Iterator {iterator_index} was invalidated after its creation.")
            }
            HostError::InvalidReceiptIndex { receipt_index } => {
                write!(f, "VM Logic returned an invalid receipt index: {receipt_index}")
            }
            HostError::InvalidIteratorIndex { iterator_index } => {
                write!(f, "Iterator index {iterator_index} does not exist")
            }
            HostError::ProhibitedInView { method_name } => write!(f, "{method_name} is not allowed in view calls"),
            HostError::Deprecated { method_name } => {
                write!(f, "Attempted to call deprecated host function {method_name}")
            }
            HostError::UnsupportedHostFunction { method_name } => {
                write!(f, "Host function {method_name} is not supported by this runtime")
            }
            HostError::ECRecoverError { msg } => write!(f, "ECDSA recover error: {msg}"),
            HostError::AltBn128InvalidInput { msg } => write!(f, "AltBn128 invalid input: {msg}"),
            HostError::Ed25519VerifyInvalidInput { msg } => write!(f, "ED25519 signature verification error: {msg}"),
            HostError::Bls12381InvalidInput { msg } => write!(f, "BLS12-381 invalid input: {msg}"),
            HostError::P256VerifyInvalidInput { msg } => write!(f, "P256 signature verification error: {msg}"),
            HostError::MlDsaVerifyInvalidInput { msg } => write!(f, "ML-DSA-65 signature verification error: {msg}"),
            HostError::CannotSetRefundToOnJointPromise => {
                write!(f, "Setting refund_to on a joint promise is prohibited.")
            }
            HostError::InvalidActionIndex { receipt_index, action_index } => write!(
                f,
                "Action {action_index} in receipt {receipt_index} does not exist or has the wrong type of action."
            ),
            HostError::ContractCodeHashMalformed => write!(f, "contract code hash is malformed"),
            HostError::DataEntryAlreadyExists => write!(f, "Data entry for given key already exists"),
            other => limit_text(f, other),
        }
    }
}

/// The texts without fields.
fn fixed_text(error: &HostError) -> Option<&'static str> {
    Some(match error {
        HostError::BadUTF16 => "String encoding is bad UTF-16 sequence.",
        HostError::BadUTF8 => "String encoding is bad UTF-8 sequence.",
        HostError::GasExceeded => "Exceeded the prepaid gas.",
        HostError::GasLimitExceeded => "Exceeded the maximum amount of gas allowed to burn per contract.",
        HostError::BalanceExceeded => "Exceeded the account balance.",
        HostError::EmptyMethodName => "Tried to call an empty method name.",
        HostError::IntegerOverflow => "Integer overflow.",
        HostError::CannotAppendActionToJointPromise => "Actions can only be appended to non-joint promise.",
        HostError::CannotReturnJointPromise => "Returning joint promise is currently prohibited.",
        HostError::MemoryAccessViolation => "Accessed memory outside the bounds.",
        HostError::InvalidAccountId => "VM Logic returned an invalid account id",
        HostError::InvalidMethodName => "VM Logic returned an invalid method name",
        HostError::InvalidPublicKey => "VM Logic provided an invalid public key",
        HostError::DataIdMalformed => "yield resumption token is malformed",
        HostError::YieldIdMalformed => "yield id is malformed",
        _ => return None,
    })
}

/// The texts of the limits a call exceeded.
fn limit_text(f: &mut Formatter<'_>, error: &HostError) -> Result {
    match error {
        HostError::NumberOfLogsExceeded { limit } => write!(f, "The number of logs will exceed the limit {limit}"),
        HostError::KeyLengthExceeded { length, limit } => {
            write!(f, "The length of a storage key {length} exceeds the limit {limit}")
        }
        HostError::ValueLengthExceeded { length, limit } => {
            write!(f, "The length of a storage value {length} exceeds the limit {limit}")
        }
        HostError::TotalLogLengthExceeded { length, limit } => {
            write!(f, "The length of a log message {length} exceeds the limit {limit}")
        }
        HostError::NumberPromisesExceeded { number_of_promises, limit } => {
            write!(f, "The number of promises within a FunctionCall {number_of_promises} exceeds the limit {limit}")
        }
        HostError::NumberInputDataDependenciesExceeded { number_of_input_data_dependencies: count, limit } => {
            write!(f, "The number of input data dependencies {count} exceeds the limit {limit}")
        }
        HostError::ReturnedValueLengthExceeded { length, limit } => {
            write!(f, "The length of a returned value {length} exceeds the limit {limit}")
        }
        HostError::ContractSizeExceeded { size, limit } => {
            write!(f, "The size of a contract code in DeployContract action {size} exceeds the limit {limit}")
        }
        HostError::YieldPayloadLength { length, limit } => {
            write!(f, "Yield resume payload is {length} bytes which exceeds the {limit} byte limit")
        }
        other => std::fmt::Debug::fmt(other, f),
    }
}
