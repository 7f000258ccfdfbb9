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
//! 4. [`inline`] (unless [`Metering::HostCalls`]): those calls become arithmetic on two globals
//!    (gas left, stack budget) with a host call only when one runs out: same charges, same
//!    places.
//! 5. [`track_writes`] (only for hosts that reuse instances, on a module prepared with
//!    [`MemoryPolicy::Own`]): stores mark a write map so a host can put memory and globals back
//!    as a fresh instance has them; no charge changes.
//!
//! Every failure is a [`PrepareError`] (a guest fault recorded in the outcome), never a panic.

pub mod finite;
mod host_gas;
mod inline;
mod memory;
pub mod validate;
mod writes;

pub use inline::{GAS_EXPORT, STACK_EXHAUSTED_IMPORT};
pub use validate::exports_function;
pub use writes::{
    ENTRY_EXPORT, SAVE_GLOBALS_EXPORT, TrackedModule, WRITE_GRANULE, WRITE_GRANULE_SHIFT, WRITE_MAP_EXPORT,
    WRITE_SPILL, track_writes,
};

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

/// The parameter count of each function the module defines, in order (for passes that add
/// locals after a body's own).
///
/// # Errors
/// `Deserialization` when the module cannot be parsed or names a type it does not have.
pub(crate) fn defined_function_params(code: &[u8]) -> Result<Vec<u32>, PrepareError> {
    let error = PrepareError::Deserialization;
    let (mut types, mut params) = (Vec::new(), Vec::new());
    for payload in wasmparser::Parser::new(0).parse_all(code) {
        match payload.map_err(|_| error.clone())? {
            wasmparser::Payload::TypeSection(reader) => {
                for ty in reader.into_iter_err_on_gc_types() {
                    let count = ty.map_err(|_| error.clone())?.params().len();
                    types.push(u32::try_from(count).map_err(|_| error.clone())?);
                }
            }
            wasmparser::Payload::FunctionSection(reader) => {
                for ty in reader {
                    params.push(*types.get(ty.map_err(|_| error.clone())? as usize).ok_or(error.clone())?);
                }
            }
            _ => {}
        }
    }
    Ok(params)
}

/// A body's own locals, re-encoded, and the index the first local a pass appends gets (after
/// the `params` parameters and these).
///
/// # Errors
/// `Deserialization` when the locals cannot be read or their count overflows; `Serialization`
/// for a type the encoder cannot write.
pub(crate) fn body_locals(
    body: &wasmparser::FunctionBody<'_>,
    params: u32,
) -> Result<(Vec<(u32, wasm_encoder::ValType)>, u32), PrepareError> {
    use wasm_encoder::reencode::Reencode;
    let mut locals = Vec::new();
    let mut next = params;
    for local in body.get_locals_reader().map_err(|_| PrepareError::Deserialization)? {
        let (count, ty) = local.map_err(|_| PrepareError::Deserialization)?;
        next = next.checked_add(count).ok_or(PrepareError::Deserialization)?;
        let ty = wasm_encoder::reencode::RoundtripReencoder.val_type(ty).map_err(|_| PrepareError::Serialization)?;
        locals.push((count, ty));
    }
    Ok((locals, next))
}

/// The instrumentation's bulk-operation charges: `(count: i32, linear: i64, constant: i64) ->
/// count`, burning `linear × count + constant`.
pub const BULK_CHARGE_IMPORTS: [&str; 6] = [
    "finite_wasm_memory_copy",
    "finite_wasm_memory_fill",
    "finite_wasm_memory_init",
    "finite_wasm_table_copy",
    "finite_wasm_table_fill",
    "finite_wasm_table_init",
];

/// The import module of the instrumentation's functions.
pub const INTERNAL_IMPORT_MODULE: &str = "internal";

/// A module ready to compile, with what preparation learned about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedContract {
    /// The instrumented module.
    pub code: Vec<u8>,
    /// The functions it imports from the policy's module, in order.
    pub env_imports: Vec<String>,
}

/// Where a prepared module's memory comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemoryPolicy {
    /// nearcore's rule: the module's memory is replaced by an imported `env.memory` of
    /// `initial_memory_pages..max_memory_pages`, created by the host per call.
    HostImport,
    /// The module keeps (or gets) its own memory, exported as `memory`, starting at its declared
    /// size and capped at `max_memory_pages`; memory imports are refused. Such a module needs
    /// no store-specific import, so it can be pre-linked once and instantiated per call.
    Own,
    /// Contracts on pre-linked instances: the module's own memory with exactly the limits of
    /// nearcore's `env.memory` (`initial_memory_pages..max_memory_pages`, whatever it declares;
    /// memory imports are dropped), exported as [`CONTRACT_MEMORY_EXPORT`]; a start function is
    /// exported as [`CONTRACT_START_EXPORT`] instead, and the runner calls it right after
    /// instantiation, as wasm would, with the memory reachable by host functions.
    Pinned,
}

/// The export under which a contract's memory is reached (a NUL-prefixed name no toolchain
/// emits; a module that exports it already is refused with `Instantiate`).
pub const CONTRACT_MEMORY_EXPORT: &str = "\u{0}memory";
/// The export a contract's start function is moved to (same rule).
pub const CONTRACT_START_EXPORT: &str = "\u{0}start";

/// Which imports a module may have: the host's import table as preparation sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportPolicy<'a> {
    /// The one module name functions may be imported from.
    pub module: &'a str,
    /// The functions allowed (`None`: any name; linking rejects unknown ones).
    pub functions: Option<&'a [&'a str]>,
    /// Where the memory comes from.
    pub memory: MemoryPolicy,
}

impl ImportPolicy<'static> {
    /// Contracts: any `env` function, their own memory at the host's limits.
    pub const CONTRACT: ImportPolicy<'static> =
        ImportPolicy { module: "env", functions: None, memory: MemoryPolicy::Pinned };
    /// NEP-481 submodules: only [`SUBMODULE_IMPORTS`] from `env`, their own memory at the
    /// host's limits (pre-linked like contracts).
    pub const SUBMODULE: ImportPolicy<'static> =
        ImportPolicy { module: "env", functions: Some(SUBMODULE_IMPORTS), memory: MemoryPolicy::Pinned };
}

/// How the instrumented module meters gas and stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Metering {
    /// In wasm globals, calling the host only when gas or stack runs out (the default).
    #[default]
    Inline,
    /// finite-wasm's own output: a host call at every gas point and function entry and exit.
    /// Kept as the reference the inline metering is tested and benchmarked against.
    HostCalls,
}

/// Validates, normalises and instruments a contract ([`ImportPolicy::CONTRACT`]).
///
/// # Errors
/// A [`PrepareError`] naming the stage that rejected the code.
pub fn prepare_contract(code: &[u8], config: &Config) -> Result<PreparedContract, PrepareError> {
    prepare_with_policy(code, config, &ImportPolicy::CONTRACT)
}

/// Validates, normalises and instruments `code` for a host whose imports `policy` describes:
/// the same features, limits, gas and stack instrumentation as contracts.
///
/// # Errors
/// As [`prepare_contract`]; `Instantiate` for an import from another module (or a memory
/// import under [`MemoryPolicy::Own`]); `ForbiddenImport` naming the first function outside
/// `policy.functions`.
pub fn prepare_with_policy(
    code: &[u8],
    config: &Config,
    policy: &ImportPolicy<'_>,
) -> Result<PreparedContract, PrepareError> {
    prepare_with_metering(code, config, policy, Metering::Inline)
}

/// As [`prepare_with_policy`], metering as `metering` says.
///
/// # Errors
/// As [`prepare_with_policy`]; `Instantiate` for a module that exports [`GAS_EXPORT`].
pub fn prepare_with_metering(
    code: &[u8],
    config: &Config,
    policy: &ImportPolicy<'_>,
    metering: Metering,
) -> Result<PreparedContract, PrepareError> {
    let limits = &config.limit_config;
    let facts = validate::validate(code, limits, policy)?;
    let imports: Vec<String> = facts.imports.into_iter().map(|(_, name)| name).collect();
    if let Some(allowed) = policy.functions
        && let Some(name) = imports.iter().find(|name| !allowed.contains(&name.as_str()))
    {
        return Err(PrepareError::ForbiddenImport { name: name.clone() });
    }
    let normalized = match policy.memory {
        MemoryPolicy::HostImport => memory::normalize_memory(code, limits, config.discard_custom_sections)?,
        MemoryPolicy::Own => {
            let options = memory::OwnMemory { pinned: false, export: "memory", start_export: None };
            memory::own_memory(code, limits, config.discard_custom_sections, &options)?
        }
        MemoryPolicy::Pinned => {
            let options = memory::OwnMemory {
                pinned: true,
                export: CONTRACT_MEMORY_EXPORT,
                start_export: Some(CONTRACT_START_EXPORT),
            };
            memory::own_memory(code, limits, config.discard_custom_sections, &options)?
        }
    };
    let instrumented = instrument(&normalized, config)?;
    if instrumented.len() as u64 > limits.max_instrumented_code_size {
        return Err(PrepareError::GasInstrumentation);
    }
    let code = inline::finish_metering(&instrumented, config, metering == Metering::Inline)?;
    Ok(PreparedContract { code, env_imports: imports })
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
pub fn prepare_submodule(code: &[u8], config: &Config, metering: Metering) -> Result<PreparedContract, PrepareError> {
    let prepared = prepare_with_metering(code, config, &ImportPolicy::SUBMODULE, metering)?;
    if !validate::exports_unit_function(code, "main")? {
        return Err(PrepareError::MissingMainExport);
    }
    Ok(prepared)
}
