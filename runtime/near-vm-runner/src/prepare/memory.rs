//! Memory normalisation: whatever memory the contract declares, it runs with the host's
//! ([`normalize_memory`], contracts and submodules) or with its own, capped memory
//! ([`own_memory`], hosts that pre-link modules).
//!
//! Contracts built by rustc define and export their own memory; nearcore replaces it with an
//! imported `env.memory` of `initial_memory_pages`..`max_memory_pages`, so every contract gets
//! the same, configured memory. This stage drops the memory section and any memory import, and
//! adds the `env.memory` import at the end of the import section (memory indices are their own
//! index space, so no other index moves). Exports of memory 0 keep pointing at memory 0.

use near_parameters::LimitConfig;
use near_primitives::errors::PrepareError;
use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasm_encoder::{EntityType, ImportSection, MemoryType, Module, RawSection};
use wasmparser::{Parser, Payload, TypeRef};

const IMPORT_SECTION_ID: u8 = 2;
const MEMORY_SECTION_ID: u8 = 5;
const CUSTOM_SECTION_ID: u8 = 0;
const EXPORT_SECTION_ID: u8 = 7;
const TAG_SECTION_ID: u8 = 13;

fn host_memory(limits: &LimitConfig) -> EntityType {
    EntityType::Memory(MemoryType {
        minimum: u64::from(limits.initial_memory_pages),
        maximum: Some(u64::from(limits.max_memory_pages)),
        memory64: false,
        shared: false,
        page_size_log2: None,
    })
}

/// Rewrites `code` to import `env.memory`; custom sections are dropped when `discard_custom`.
///
/// # Errors
/// `Deserialization` if the module cannot be parsed, `Serialization` if it cannot be re-encoded.
pub(crate) fn normalize_memory(
    code: &[u8],
    limits: &LimitConfig,
    discard_custom: bool,
) -> Result<Vec<u8>, PrepareError> {
    let mut module = Module::new();
    let mut imports_written = false;
    let write_imports = |module: &mut Module, section: &mut ImportSection| {
        section.import("env", "memory", host_memory(limits));
        module.section(section);
    };
    for payload in Parser::new(0).parse_all(code) {
        let payload = payload.map_err(|_| PrepareError::Deserialization)?;
        if let Payload::ImportSection(reader) = &payload {
            let mut section = ImportSection::new();
            for import in reader.clone() {
                let import = import.map_err(|_| PrepareError::Deserialization)?;
                if matches!(import.ty, TypeRef::Memory(_)) {
                    continue;
                }
                let ty = RoundtripReencoder.entity_type(import.ty).map_err(|_| PrepareError::Serialization)?;
                section.import(import.module, import.name, ty);
            }
            write_imports(&mut module, &mut section);
            imports_written = true;
            continue;
        }
        let Some((id, range)) = payload.as_section() else { continue };
        if id == MEMORY_SECTION_ID || (discard_custom && id == CUSTOM_SECTION_ID) {
            continue;
        }
        // Sections are ordered by id (custom sections aside): the import section goes before the
        // first known section that must follow it.
        if !imports_written && id > IMPORT_SECTION_ID && id != CUSTOM_SECTION_ID {
            write_imports(&mut module, &mut ImportSection::new());
            imports_written = true;
        }
        module.section(&RawSection { id, data: &code[range] });
    }
    if !imports_written {
        write_imports(&mut module, &mut ImportSection::new());
    }
    Ok(module.finish())
}

/// How [`own_memory`] shapes the module's memory.
pub(crate) struct OwnMemory<'a> {
    /// Start at the host's `initial_memory_pages` whatever the module declares (contracts, as
    /// nearcore's `env.memory`), rather than at the declared size.
    pub(crate) pinned: bool,
    /// The export the memory gets (added even when the module exports it under another name).
    pub(crate) export: &'a str,
    /// When set, a start function is not run by instantiation but exported under this name,
    /// for the host to call once the instance (and its memory) exists.
    pub(crate) start_export: Option<&'a str>,
}

/// What a first pass learns: the declared memory's size, exports, the start function.
struct Shape {
    declared: Option<u64>,
    exports: Vec<(String, wasmparser::ExternalKind)>,
    start: Option<u32>,
}

fn shape(code: &[u8], max_pages: u64) -> Result<Shape, PrepareError> {
    let mut found = Shape { declared: None, exports: Vec::new(), start: None };
    for payload in Parser::new(0).parse_all(code) {
        match payload.map_err(|_| PrepareError::Deserialization)? {
            Payload::MemorySection(reader) => {
                let memories = reader.into_iter().collect::<Result<Vec<_>, _>>();
                match memories.map_err(|_| PrepareError::Deserialization)?.as_slice() {
                    [memory] if memory.initial <= max_pages => found.declared = Some(memory.initial),
                    _ => return Err(PrepareError::Memory),
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export.map_err(|_| PrepareError::Deserialization)?;
                    found.exports.push((export.name.to_string(), export.kind));
                }
            }
            Payload::StartSection { func, .. } => found.start = Some(func),
            _ => {}
        }
    }
    Ok(found)
}

/// Rewrites `code` to have exactly one memory of its own, exported as `options.export`, with
/// its maximum at `max_memory_pages` and its minimum as `options.pinned` says (a module without
/// a memory gets `initial_memory_pages`); memory imports are dropped; a start function becomes
/// an export when `options.start_export` says so. Custom sections are dropped when
/// `discard_custom`.
///
/// # Errors
/// `Deserialization` if the module cannot be parsed, `Memory` if it declares more than one
/// memory or a minimum above `max_memory_pages`, `Instantiate` if it already exports a name
/// this stage adds, `Serialization` if it cannot be re-encoded.
pub(crate) fn own_memory(
    code: &[u8],
    limits: &LimitConfig,
    discard_custom: bool,
    options: &OwnMemory<'_>,
) -> Result<Vec<u8>, PrepareError> {
    let max_pages = u64::from(limits.max_memory_pages);
    let initial = u64::from(limits.initial_memory_pages).min(max_pages);
    let found = shape(code, max_pages)?;
    let taken = |name: &str| found.exports.iter().find(|(n, _)| n == name).map(|(_, kind)| *kind);
    // The memory already exported under the name (memory 0 is the only one): nothing to add.
    let add_memory_export = match taken(options.export) {
        None => true,
        Some(wasmparser::ExternalKind::Memory) => false,
        Some(_) => return Err(PrepareError::Instantiate),
    };
    let start_export = options.start_export.filter(|_| found.start.is_some());
    if start_export.is_some_and(|name| taken(name).is_some()) {
        return Err(PrepareError::Instantiate);
    }
    let minimum = if options.pinned { initial } else { found.declared.unwrap_or(initial) };
    let memory = MemoryType { minimum, maximum: Some(max_pages), memory64: false, shared: false, page_size_log2: None };
    let write_exports = |module: &mut Module, section: &mut wasm_encoder::ExportSection| {
        if add_memory_export {
            section.export(options.export, wasm_encoder::ExportKind::Memory, 0);
        }
        if let (Some(name), Some(func)) = (start_export, found.start) {
            section.export(name, wasm_encoder::ExportKind::Func, func);
        }
        module.section(&*section);
    };
    // The memory section, written once, before the first section that must follow it.
    let write_memory = |module: &mut Module, written: &mut bool| {
        if !*written {
            let mut section = wasm_encoder::MemorySection::new();
            section.memory(memory);
            module.section(&section);
            *written = true;
        }
    };
    let mut module = Module::new();
    let (mut memory_written, mut exports_written) = (false, false);
    for payload in Parser::new(0).parse_all(code) {
        let payload = payload.map_err(|_| PrepareError::Deserialization)?;
        match &payload {
            Payload::ImportSection(reader) => {
                let mut section = ImportSection::new();
                for import in reader.clone() {
                    let import = import.map_err(|_| PrepareError::Deserialization)?;
                    if !matches!(import.ty, TypeRef::Memory(_)) {
                        let ty = RoundtripReencoder.entity_type(import.ty).map_err(|_| PrepareError::Serialization)?;
                        section.import(import.module, import.name, ty);
                    }
                }
                module.section(&section);
                continue;
            }
            Payload::ExportSection(reader) => {
                write_memory(&mut module, &mut memory_written);
                let mut section = wasm_encoder::ExportSection::new();
                for export in reader.clone() {
                    let export = export.map_err(|_| PrepareError::Deserialization)?;
                    section.export(export.name, RoundtripReencoder.export_kind(export.kind), export.index);
                }
                write_exports(&mut module, &mut section);
                exports_written = true;
                continue;
            }
            Payload::StartSection { .. } if options.start_export.is_some() => continue,
            _ => {}
        }
        let Some((id, range)) = payload.as_section() else { continue };
        if id == MEMORY_SECTION_ID || (discard_custom && id == CUSTOM_SECTION_ID) {
            continue;
        }
        // The memory and export sections go before the first known section that must follow
        // them.
        if id > MEMORY_SECTION_ID && id != CUSTOM_SECTION_ID {
            write_memory(&mut module, &mut memory_written);
        }
        if !exports_written && id > EXPORT_SECTION_ID && id != CUSTOM_SECTION_ID && id != TAG_SECTION_ID {
            write_exports(&mut module, &mut wasm_encoder::ExportSection::new());
            exports_written = true;
        }
        module.section(&RawSection { id, data: &code[range] });
    }
    write_memory(&mut module, &mut memory_written);
    if !exports_written {
        write_exports(&mut module, &mut wasm_encoder::ExportSection::new());
    }
    Ok(module.finish())
}
