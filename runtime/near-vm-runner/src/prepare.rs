//! Contract preparation: from deployed bytes to the module the engine compiles.
//!
//! 1. [`validate`]: the accepted feature set (MVP + sign-ext + saturating float-to-int + bulk
//!    memory + reference types; no multi-value, SIMD or threads) and `LimitConfig`'s structural
//!    limits (functions, locals, tables, table elements, memory pages, function body size,
//!    `env`-only imports).
//! 2. [`memory`]: the module's own memory is replaced by an imported `env.memory` with the
//!    configured limits; custom sections are dropped when `discard_custom_sections`.
//! 3. [`finite`]: `finite-wasm` analyses gas per operator and the deterministic stack budget of
//!    each function and instruments the module to call `internal.finite_wasm_*` imports, which
//!    the runner implements on the [`crate::logic::GasCounter`].
//!
//! Every failure is a [`PrepareError`] (a guest fault recorded in the outcome), never a panic.

pub mod finite;
mod memory;
pub mod validate;

use near_parameters::Config;
use near_primitives::errors::PrepareError;

/// The version of preparation's output, part of the compiled-module cache key together with a
/// hash of the preparation sources (computed by `build.rs`). Bump it when a dependency that
/// shapes the prepared bytes changes version: [`PREPARATION_DEPENDENCIES`] lists them and a
/// test fails until the list (and this version) matches `Cargo.lock`.
pub const PREPARATION_VERSION: u32 = 1;

/// The crates whose versions shape the prepared bytes, as `Cargo.lock` pins them for
/// [`PREPARATION_VERSION`].
pub const PREPARATION_DEPENDENCIES: &[(&str, &str)] =
    &[("finite-wasm", "0.6.1"), ("wasm-encoder", "0.228.0"), ("wasmparser", "0.228.0")];

/// What identifies preparation's output: [`PREPARATION_VERSION`] and the sources' hash.
pub fn preparation_fingerprint() -> String {
    format!("{PREPARATION_VERSION}:{}", env!("NEAR_VM_RUNNER_PREPARE_SOURCE_HASH"))
}

/// The import module of the instrumentation's functions.
pub const INTERNAL_IMPORT_MODULE: &str = "internal";

/// A module ready to compile, with what preparation learned about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedContract {
    /// The instrumented module.
    pub code: Vec<u8>,
    /// The `env` functions it imports, in order.
    pub env_imports: Vec<String>,
}

/// Validates, normalises and instruments `code`.
///
/// # Errors
/// A [`PrepareError`] naming the stage that rejected the code.
pub fn prepare_contract(code: &[u8], config: &Config) -> Result<PreparedContract, PrepareError> {
    let limits = &config.limit_config;
    let facts = validate::validate(code, limits)?;
    let normalized = memory::normalize_memory(code, limits, config.discard_custom_sections)?;
    let instrumented = instrument(&normalized, config)?;
    if instrumented.len() as u64 > limits.max_instrumented_code_size {
        return Err(PrepareError::GasInstrumentation);
    }
    Ok(PreparedContract { code: instrumented, env_imports: facts.imports.into_iter().map(|(_, name)| name).collect() })
}

/// Runs finite-wasm's analysis and instrumentation. The module was validated first; a panic
/// inside the library on some unforeseen input is still contained and reported as a
/// preparation failure rather than taking the node down.
fn instrument(code: &[u8], config: &Config) -> Result<Vec<u8>, PrepareError> {
    let gas_model = finite::GasCostModel {
        regular_op_cost: u64::from(config.regular_op_cost),
        linear_op_base_cost: config.linear_op_base_cost,
        linear_op_unit_cost: config.linear_op_unit_cost,
    };
    let run = move || {
        let mut analysis = finite_wasm::Analysis::new().with_stack(finite::StackSizeModel).with_gas(gas_model);
        let outcome = analysis.analyze(code).map_err(|_| PrepareError::GasInstrumentation)?;
        outcome.instrument(INTERNAL_IMPORT_MODULE, code).map_err(|_| PrepareError::GasInstrumentation)
    };
    std::panic::catch_unwind(run).unwrap_or(Err(PrepareError::GasInstrumentation))
}

#[cfg(test)]
mod tests;

/// The `env` functions a NEP-481 submodule may import; everything else is rejected at deploy.
pub const SUBMODULE_IMPORTS: &[&str] = &["callback", "get_input_size", "get_input", "return_value", "gas"];

/// Validates and instruments a NEP-481 submodule: the contract rules, plus imports limited to
/// [`SUBMODULE_IMPORTS`] and an exported `main: () -> ()`.
///
/// # Errors
/// As [`prepare_contract`]; `ForbiddenImport` naming the first import outside the set;
/// `MissingMainExport`.
pub fn prepare_submodule(code: &[u8], config: &Config) -> Result<PreparedContract, PrepareError> {
    let prepared = prepare_contract(code, config)?;
    if let Some(name) = prepared.env_imports.iter().find(|name| !SUBMODULE_IMPORTS.contains(&name.as_str())) {
        return Err(PrepareError::ForbiddenImport { name: name.clone() });
    }
    if !validate::exports_unit_function(code, "main")? {
        return Err(PrepareError::MissingMainExport);
    }
    Ok(prepared)
}
