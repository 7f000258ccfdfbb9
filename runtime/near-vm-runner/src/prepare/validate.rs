//! Validation of the original module: the accepted feature set and `LimitConfig`'s structural
//! limits.

use super::{ImportPolicy, MemoryPolicy};
use near_parameters::LimitConfig;
use near_primitives::errors::PrepareError;
use wasmparser::{Parser, Payload, TypeRef, Validator, WasmFeatures};

/// The features accepted since nearcore's wasmtime protocol version: MVP (with mutable globals
/// and floats) plus sign-extension, saturating float-to-int, bulk memory and reference types.
/// Multi-value, SIMD, threads and every later proposal are rejected.
pub fn accepted_features() -> WasmFeatures {
    WasmFeatures::MUTABLE_GLOBAL
        | WasmFeatures::FLOATS
        | WasmFeatures::SIGN_EXTENSION
        | WasmFeatures::SATURATING_FLOAT_TO_INT
        | WasmFeatures::BULK_MEMORY
        | WasmFeatures::REFERENCE_TYPES
}

/// The features prepared code uses: the accepted ones plus multi-value, which only the
/// preparation's own additions use (host imports of inline-metered modules return their result
/// and the gas left, `crate::prepare`).
pub fn prepared_features() -> WasmFeatures {
    accepted_features() | WasmFeatures::MULTI_VALUE
}

/// What validation learned about the module, for later stages.
#[derive(Debug, Default)]
pub(crate) struct ModuleFacts {
    /// Names of imported functions (module, field), in order.
    pub(crate) imports: Vec<(String, String)>,
}

/// Validates `code` against the feature set and the limits.
///
/// # Errors
/// `Deserialization` for invalid wasm or a rejected feature (and for an over-long function
/// body); `TooManyFunctions`, `TooManyLocals`, `TooManyTables`, `TooManyTableElements`, `Memory`
/// for exceeded limits; `Instantiate` for an import outside the policy's module, or a memory
/// import when the policy gives modules their own memory.
pub(crate) fn validate(
    code: &[u8],
    limits: &LimitConfig,
    policy: &ImportPolicy<'_>,
) -> Result<ModuleFacts, PrepareError> {
    Validator::new_with_features(accepted_features()).validate_all(code).map_err(|_| PrepareError::Deserialization)?;

    let mut facts = ModuleFacts::default();
    let mut functions: u64 = 0;
    let mut locals: u64 = 0;
    let mut tables: u64 = 0;
    for payload in Parser::new(0).parse_all(code) {
        match payload.map_err(|_| PrepareError::Deserialization)? {
            Payload::ImportSection(reader) => {
                for import in reader {
                    let import = import.map_err(|_| PrepareError::Deserialization)?;
                    let memory_import = matches!(import.ty, TypeRef::Memory(_));
                    if memory_import && policy.memory == MemoryPolicy::Own {
                        return Err(PrepareError::Instantiate);
                    }
                    if import.module != policy.module && !(memory_import && import.module == "env") {
                        return Err(PrepareError::Instantiate);
                    }
                    match import.ty {
                        TypeRef::Func(_) => {
                            functions += 1;
                            facts.imports.push((import.module.to_string(), import.name.to_string()));
                        }
                        TypeRef::Table(table) => {
                            tables += 1;
                            check_table(table.initial, limits)?;
                        }
                        TypeRef::Memory(memory) => check_memory(memory.initial, limits)?,
                        TypeRef::Global(_) | TypeRef::Tag(_) => {}
                    }
                }
            }
            Payload::FunctionSection(reader) => functions += u64::from(reader.count()),
            Payload::TableSection(reader) => {
                for table in reader {
                    let table = table.map_err(|_| PrepareError::Deserialization)?;
                    tables += 1;
                    check_table(table.ty.initial, limits)?;
                }
            }
            Payload::MemorySection(reader) => {
                for memory in reader {
                    let memory = memory.map_err(|_| PrepareError::Deserialization)?;
                    check_memory(memory.initial, limits)?;
                }
            }
            Payload::CodeSectionEntry(body) => {
                if body.range().len() as u64 > limits.max_function_body_size {
                    return Err(PrepareError::Deserialization);
                }
                let mut reader = body.get_locals_reader().map_err(|_| PrepareError::Deserialization)?;
                for _ in 0..reader.get_count() {
                    let (count, _) = reader.read().map_err(|_| PrepareError::Deserialization)?;
                    locals = locals.saturating_add(u64::from(count));
                    if locals > limits.max_locals_per_contract {
                        return Err(PrepareError::TooManyLocals);
                    }
                }
            }
            _ => {}
        }
    }
    if functions > limits.max_functions_number_per_contract {
        return Err(PrepareError::TooManyFunctions);
    }
    if tables > u64::from(limits.max_tables_per_contract) {
        return Err(PrepareError::TooManyTables);
    }
    Ok(facts)
}

fn check_table(initial: u64, limits: &LimitConfig) -> Result<(), PrepareError> {
    if initial > limits.max_elements_per_contract_table {
        return Err(PrepareError::TooManyTableElements);
    }
    Ok(())
}

fn check_memory(initial_pages: u64, limits: &LimitConfig) -> Result<(), PrepareError> {
    if initial_pages > u64::from(limits.max_memory_pages) {
        return Err(PrepareError::Memory);
    }
    Ok(())
}

/// Whether `code` (already validated) exports a function `name` of type `() -> ()`.
///
/// # Errors
/// `Deserialization` if the module does not parse.
pub(crate) fn exports_unit_function(code: &[u8], name: &str) -> Result<bool, PrepareError> {
    exports_function(code, name, &[], &[])
}

/// Whether `code` (already validated) exports a function `name` with exactly these parameter
/// and result types.
///
/// # Errors
/// `Deserialization` if the module does not parse.
pub fn exports_function(
    code: &[u8],
    name: &str,
    params: &[wasmparser::ValType],
    results: &[wasmparser::ValType],
) -> Result<bool, PrepareError> {
    let mut types: Vec<bool> = Vec::new();
    let mut function_types: Vec<u32> = Vec::new();
    let mut exported: Option<u32> = None;
    for payload in Parser::new(0).parse_all(code) {
        match payload.map_err(|_| PrepareError::Deserialization)? {
            Payload::TypeSection(reader) => {
                for ty in reader.into_iter_err_on_gc_types() {
                    let ty = ty.map_err(|_| PrepareError::Deserialization)?;
                    types.push(ty.params() == params && ty.results() == results);
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader {
                    if let TypeRef::Func(ty) = import.map_err(|_| PrepareError::Deserialization)?.ty {
                        function_types.push(ty);
                    }
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader {
                    function_types.push(ty.map_err(|_| PrepareError::Deserialization)?);
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export.map_err(|_| PrepareError::Deserialization)?;
                    if export.name == name && export.kind == wasmparser::ExternalKind::Func {
                        exported = Some(export.index);
                    }
                }
            }
            _ => {}
        }
    }
    let matches = |index: u32| {
        let ty = function_types.get(usize::try_from(index).ok()?)?;
        types.get(usize::try_from(*ty).ok()?).copied()
    };
    Ok(exported.and_then(matches).unwrap_or(false))
}
