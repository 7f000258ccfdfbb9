//! Mapping wasmtime errors to the outcome's `FunctionCallError`.

use super::{HostTrap, bounded};
use near_primitives::errors::{FunctionCallError, WasmTrap};

/// The outcome error for an error a wasm call ended with: a host error raised by a host
/// function, or a wasm trap.
pub fn trap_to_error(error: &wasmtime::Error) -> FunctionCallError {
    if let Some(HostTrap(host)) = error.downcast_ref::<HostTrap>() {
        return FunctionCallError::HostError(host.clone());
    }
    let Some(trap) = error.downcast_ref::<wasmtime::Trap>() else {
        return FunctionCallError::ExecutionError(bounded(&error.to_string()));
    };
    FunctionCallError::WasmTrap(match trap {
        wasmtime::Trap::UnreachableCodeReached => WasmTrap::Unreachable,
        wasmtime::Trap::MemoryOutOfBounds | wasmtime::Trap::HeapMisaligned => WasmTrap::MemoryOutOfBounds,
        wasmtime::Trap::IntegerDivisionByZero
        | wasmtime::Trap::IntegerOverflow
        | wasmtime::Trap::BadConversionToInteger => WasmTrap::IllegalArithmetic,
        wasmtime::Trap::IndirectCallToNull => WasmTrap::IndirectCallToNull,
        wasmtime::Trap::BadSignature => WasmTrap::IncorrectCallIndirectSignature,
        // As nearcore's runner: an out-of-bounds table access (`call_indirect` past the table
        // included) is reported as a memory access out of bounds.
        wasmtime::Trap::TableOutOfBounds => WasmTrap::MemoryOutOfBounds,
        wasmtime::Trap::StackOverflow => WasmTrap::StackOverflow,
        _ => WasmTrap::GenericTrap,
    })
}
