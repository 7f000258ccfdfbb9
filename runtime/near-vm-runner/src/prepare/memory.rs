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

/// Rewrites `code` to have exactly one memory of its own, exported as `memory`: the declared
/// memory with its maximum capped at `max_memory_pages` (a module without one gets
/// `initial_memory_pages`). Memory imports were refused by validation. Custom sections are
/// dropped when `discard_custom`.
///
/// # Errors
/// `Deserialization` if the module cannot be parsed, `Memory` if it declares more than one
/// memory or a minimum above `max_memory_pages`, `Serialization` if it cannot be re-encoded.
pub(crate) fn own_memory(code: &[u8], limits: &LimitConfig, discard_custom: bool) -> Result<Vec<u8>, PrepareError> {
    let max_pages = u64::from(limits.max_memory_pages);
    let mut minimum = u64::from(limits.initial_memory_pages).min(max_pages);
    let mut exported = false;
    for payload in Parser::new(0).parse_all(code) {
        match payload.map_err(|_| PrepareError::Deserialization)? {
            Payload::MemorySection(reader) => {
                let memories = reader.into_iter().collect::<Result<Vec<_>, _>>();
                let memories = memories.map_err(|_| PrepareError::Deserialization)?;
                match memories.as_slice() {
                    [memory] if memory.initial <= max_pages => minimum = memory.initial,
                    _ => return Err(PrepareError::Memory),
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export.map_err(|_| PrepareError::Deserialization)?;
                    exported |= export.kind == wasmparser::ExternalKind::Memory;
                }
            }
            _ => {}
        }
    }
    let memory = MemoryType { minimum, maximum: Some(max_pages), memory64: false, shared: false, page_size_log2: None };
    let mut module = Module::new();
    let mut memory_written = false;
    let write_memory = |module: &mut Module| {
        let mut section = wasm_encoder::MemorySection::new();
        section.memory(memory);
        module.section(&section);
    };
    for payload in Parser::new(0).parse_all(code) {
        let payload = payload.map_err(|_| PrepareError::Deserialization)?;
        if let (Payload::ExportSection(reader), false) = (&payload, exported) {
            if !memory_written {
                write_memory(&mut module);
                memory_written = true;
            }
            let mut section = wasm_encoder::ExportSection::new();
            for export in reader.clone() {
                let export = export.map_err(|_| PrepareError::Deserialization)?;
                let kind = RoundtripReencoder.export_kind(export.kind);
                section.export(export.name, kind, export.index);
            }
            section.export("memory", wasm_encoder::ExportKind::Memory, 0);
            module.section(&section);
            exported = true;
            continue;
        }
        let Some((id, range)) = payload.as_section() else { continue };
        if id == MEMORY_SECTION_ID || (discard_custom && id == CUSTOM_SECTION_ID) {
            continue;
        }
        // The memory section goes before the first known section that must follow it.
        if !memory_written && id > MEMORY_SECTION_ID && id != CUSTOM_SECTION_ID {
            write_memory(&mut module);
            memory_written = true;
        }
        if !exported && id > EXPORT_SECTION_ID && id != CUSTOM_SECTION_ID && id != TAG_SECTION_ID {
            let mut section = wasm_encoder::ExportSection::new();
            section.export("memory", wasm_encoder::ExportKind::Memory, 0);
            module.section(&section);
            exported = true;
        }
        module.section(&RawSection { id, data: &code[range] });
    }
    if !memory_written {
        write_memory(&mut module);
    }
    if !exported {
        let mut section = wasm_encoder::ExportSection::new();
        section.export("memory", wasm_encoder::ExportKind::Memory, 0);
        module.section(&section);
    }
    Ok(module.finish())
}
