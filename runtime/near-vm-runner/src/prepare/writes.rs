//! Write tracking, so a host can reuse an instance instead of making a fresh one per call and
//! still give every call exactly what a fresh instance would have: the memory and mutable
//! globals it had right after instantiation.
//!
//! [`track_writes`] rewrites a prepared module (after metering, so it changes no charge):
//! - a second memory, the **write map** (exported as [`WRITE_MAP_EXPORT`]; one byte per
//!   [`WRITE_GRANULE`] = 256 bytes: small enough that a call's stack top, allocations and
//!   packet fields cost little to restore, large enough that the map stays short), gets byte
//!   `address >> WRITE_GRANULE_SHIFT` set to 1 before every store into memory 0, and the whole
//!   destination range marked before `memory.fill`, `memory.copy` and `memory.init`. A store
//!   may reach up to [`WRITE_SPILL`] bytes into the next granule, so a host restores each marked
//!   granule plus that many bytes;
//! - [`SAVE_GLOBALS_EXPORT`] copies every mutable global (but gas left, which the host seeds
//!   before every call) into the write map's tail, and [`ENTRY_EXPORT`] copies them back and
//!   then calls the module's entry export (the host names it) with the same arguments: a call
//!   through it starts from setup's globals without a second entry into wasm. It also takes
//!   gas left as an extra last `i64` parameter and returns it after the entry's results, as
//!   inline-metered host functions do (`crate::engine::gas_from_wasm`): no global access from
//!   the host around a call that returns.
//!
//! A host keeps a snapshot of memory 0 after setup, calls the save function once per instance,
//! after each call restores the marked granules (plus what it wrote itself) and clears their
//! marks, and enters every call through [`ENTRY_EXPORT`]. Anything else a call could change makes a module
//! unreusable ([`track_writes`] returns `None`): tables and segments (`table.set`, `table.grow`,
//! `table.fill`, `table.copy`, `table.init`, `elem.drop`, `data.drop`) and mutable reference
//! globals. A call that grows memory cannot be undone either; the host sees the new size and
//! drops that instance. The marking code and the two functions are not metered: the module's
//! charges are exactly those of the prepared module.

use super::validate::prepared_features;
use near_primitives::errors::PrepareError;
use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasm_encoder::{
    CodeSection, ExportKind, ExportSection, Function, FunctionSection, Instruction, MemArg, MemorySection, MemoryType,
    Module, RawSection, TypeSection, ValType,
};
use wasmparser::{FunctionBody, Operator, Parser, Payload, TypeRef, Validator};

/// The export under which the write map is reached (NUL-prefixed, as the other exports
/// preparation adds; a module exporting it already is refused with `Instantiate`).
pub const WRITE_MAP_EXPORT: &str = "\u{0}writes";
/// The export that saves the mutable globals into the write map's tail.
pub const SAVE_GLOBALS_EXPORT: &str = "\u{0}save_globals";
/// The export that restores the globals saved by [`SAVE_GLOBALS_EXPORT`], then calls the entry.
pub const ENTRY_EXPORT: &str = "\u{0}enter";
/// log2 of the bytes one write-map byte stands for.
pub const WRITE_GRANULE_SHIFT: u32 = 8;
/// Bytes one write-map byte stands for.
pub const WRITE_GRANULE: usize = 1 << WRITE_GRANULE_SHIFT;
/// How far past its granule a marked store may reach (the widest store is 8 bytes).
pub const WRITE_SPILL: usize = 7;

/// A module rewritten by [`track_writes`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackedModule {
    /// The rewritten module.
    pub code: Vec<u8>,
    /// Write-map bytes that mark granules (the rest holds the saved globals).
    pub map_len: usize,
}

/// Scratch locals every rewritten body gets, after its own.
const SCRATCH: [(u32, ValType); 4] = [(4, ValType::I32), (1, ValType::I64), (1, ValType::F32), (1, ValType::F64)];

/// What the rewrite needs to know about the module.
struct Plan {
    /// Parameter count of each defined function.
    params: Vec<u32>,
    /// Mutable globals (index, type) to save and restore.
    saved: Vec<(u32, ValType)>,
    map_len: usize,
    map_pages: u64,
    functions: u32,
    /// The entry: function index, parameter and result types.
    entry: (u32, Vec<ValType>, Vec<ValType>),
    /// The gas-left global.
    gas_global: u32,
}

/// Adds write tracking to a module prepared with its own memory (`MemoryPolicy::Own`) whose
/// memory may grow to `max_memory_bytes`, entered through its function export `entry`.
///
/// # Errors
/// `Deserialization` when `code` is not valid wasm with the prepared features (no SIMD or
/// atomics, whose writes this pass does not know); `Instantiate` when it already exports one
/// of this pass's names; `Serialization` when it is not preparation's output (no memory of
/// its own, or a section preparation always writes is missing). `Ok(None)`: the module can
/// change something a memory and globals restore cannot undo (see the module docs), or
/// `entry` is not one of its own functions, or the module is not inline-metered.
pub fn track_writes(code: &[u8], max_memory_bytes: u64, entry: &str) -> Result<Option<TrackedModule>, PrepareError> {
    Validator::new_with_features(prepared_features()).validate_all(code).map_err(|_| PrepareError::Deserialization)?;
    let Some(plan) = plan(code, max_memory_bytes, entry)? else { return Ok(None) };
    let mut module = Module::new();
    let mut bodies = CodeSection::new();
    let (mut type_index, mut bodies_left) = (None, 0u32);
    let mut written = [false; 5];
    for payload in Parser::new(0).parse_all(code) {
        let payload = payload.map_err(|_| PrepareError::Deserialization)?;
        let reencode_error = |_| PrepareError::Serialization;
        match payload {
            Payload::CodeSectionStart { count, .. } => {
                bodies_left = count;
                if count == 0 {
                    write_code(&mut module, &mut bodies, &plan, &mut written);
                }
            }
            Payload::CodeSectionEntry(body) => {
                match rewrite_body(code, body, plan.params.get(bodies.len() as usize).copied())? {
                    Some(function) => bodies.function(&function),
                    None => return Ok(None),
                };
                bodies_left = bodies_left.saturating_sub(1);
                if bodies_left == 0 {
                    write_code(&mut module, &mut bodies, &plan, &mut written);
                }
            }
            Payload::TypeSection(reader) => {
                let mut section = TypeSection::new();
                RoundtripReencoder.parse_type_section(&mut section, reader).map_err(reencode_error)?;
                type_index = Some(section.len());
                section.ty().function([], []);
                let (_, params, results) = &plan.entry;
                let with_gas = |types: &[ValType]| types.iter().copied().chain([ValType::I64]).collect::<Vec<_>>();
                section.ty().function(with_gas(params), with_gas(results));
                module.section(&section);
                written[0] = true;
            }
            Payload::FunctionSection(reader) => {
                let mut section = FunctionSection::new();
                RoundtripReencoder.parse_function_section(&mut section, reader).map_err(reencode_error)?;
                let ty = type_index.ok_or(PrepareError::Serialization)?;
                section.function(ty).function(ty + 1);
                module.section(&section);
                written[1] = true;
            }
            Payload::MemorySection(reader) => {
                let mut section = MemorySection::new();
                RoundtripReencoder.parse_memory_section(&mut section, reader).map_err(reencode_error)?;
                let pages = plan.map_pages;
                let map = MemoryType {
                    minimum: pages,
                    maximum: Some(pages),
                    memory64: false,
                    shared: false,
                    page_size_log2: None,
                };
                section.memory(map);
                module.section(&section);
                written[2] = true;
            }
            Payload::ExportSection(reader) => {
                module.section(&exports(reader, &plan)?);
                written[3] = true;
            }
            other => {
                if let Some((id, range)) = other.as_section() {
                    module.section(&RawSection { id, data: &code[range] });
                }
            }
        }
    }
    if written.contains(&false) {
        return Err(PrepareError::Serialization);
    }
    Ok(Some(TrackedModule { code: module.finish(), map_len: plan.map_len }))
}

/// Writes the code section: the rewritten bodies, then save and enter.
fn write_code(module: &mut Module, bodies: &mut CodeSection, plan: &Plan, written: &mut [bool; 5]) {
    let map = |offset| MemArg { offset, align: 0, memory_index: 1 };
    let mut save = Function::new([]);
    let mut enter = Function::new([]);
    for (slot, &(global, ty)) in plan.saved.iter().enumerate() {
        let at = (plan.map_len.next_multiple_of(8) + slot * 8) as u64;
        let (store, load) = match ty {
            ValType::I32 => (Instruction::I32Store(map(at)), Instruction::I32Load(map(at))),
            ValType::I64 => (Instruction::I64Store(map(at)), Instruction::I64Load(map(at))),
            ValType::F32 => (Instruction::F32Store(map(at)), Instruction::F32Load(map(at))),
            _ => (Instruction::F64Store(map(at)), Instruction::F64Load(map(at))),
        };
        save.instruction(&Instruction::I32Const(0)).instruction(&Instruction::GlobalGet(global)).instruction(&store);
        enter.instruction(&Instruction::I32Const(0)).instruction(&load).instruction(&Instruction::GlobalSet(global));
    }
    let (entry, params, _) = &plan.entry;
    let gas = u32::try_from(params.len()).unwrap_or(u32::MAX);
    enter.instruction(&Instruction::LocalGet(gas)).instruction(&Instruction::GlobalSet(plan.gas_global));
    for param in 0..gas {
        enter.instruction(&Instruction::LocalGet(param));
    }
    save.instruction(&Instruction::End);
    enter
        .instruction(&Instruction::Call(*entry))
        .instruction(&Instruction::GlobalGet(plan.gas_global))
        .instruction(&Instruction::End);
    bodies.function(&save).function(&enter);
    module.section(&*bodies);
    written[4] = true;
}

/// The module's exports plus the write map, save and restore.
fn exports(reader: wasmparser::ExportSectionReader<'_>, plan: &Plan) -> Result<ExportSection, PrepareError> {
    let mut section = ExportSection::new();
    for export in reader {
        let export = export.map_err(|_| PrepareError::Deserialization)?;
        if [WRITE_MAP_EXPORT, SAVE_GLOBALS_EXPORT, ENTRY_EXPORT].contains(&export.name) {
            return Err(PrepareError::Instantiate);
        }
        RoundtripReencoder.parse_export(&mut section, export);
    }
    section.export(WRITE_MAP_EXPORT, ExportKind::Memory, 1);
    section.export(SAVE_GLOBALS_EXPORT, ExportKind::Func, plan.functions);
    section.export(ENTRY_EXPORT, ExportKind::Func, plan.functions + 1);
    Ok(section)
}

/// Reads the function types, the mutable globals, the memory, the entry and the gas global;
/// `None` when a global cannot be saved in memory, the entry is not a defined function or the
/// module is not inline-metered.
fn plan(code: &[u8], max_memory_bytes: u64, entry: &str) -> Result<Option<Plan>, PrepareError> {
    let mut saved = Vec::new();
    let (mut imported_functions, mut globals, mut memories) = (0u32, 0u32, 0u32);
    let (mut types, mut entry_index, mut gas_global) = (Vec::new(), None, None);
    let (mut signatures, mut param_counts) = (Vec::new(), Vec::new());
    for payload in Parser::new(0).parse_all(code) {
        match payload.map_err(|_| PrepareError::Deserialization)? {
            Payload::TypeSection(reader) => {
                for ty in reader.into_iter_err_on_gc_types() {
                    let ty = ty.map_err(|_| PrepareError::Deserialization)?;
                    let convert = |types: &[wasmparser::ValType]| -> Option<Vec<ValType>> {
                        types.iter().map(|&ty| RoundtripReencoder.val_type(ty).ok()).collect()
                    };
                    signatures.push(convert(ty.params()).zip(convert(ty.results())));
                    param_counts.push(u32::try_from(ty.params().len()).map_err(|_| PrepareError::Deserialization)?);
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader {
                    types.push(ty.map_err(|_| PrepareError::Deserialization)?);
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export.map_err(|_| PrepareError::Deserialization)?;
                    match export.kind {
                        wasmparser::ExternalKind::Func if export.name == entry => entry_index = Some(export.index),
                        wasmparser::ExternalKind::Global if export.name == super::GAS_EXPORT => {
                            gas_global = Some(export.index);
                        }
                        _ => {}
                    }
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader {
                    match import.map_err(|_| PrepareError::Deserialization)?.ty {
                        TypeRef::Func(_) => imported_functions += 1,
                        TypeRef::Global(_) => globals += 1,
                        TypeRef::Memory(_) => return Err(PrepareError::Serialization),
                        _ => {}
                    }
                }
            }
            Payload::MemorySection(reader) => memories += reader.count(),
            Payload::GlobalSection(reader) => {
                for global in reader {
                    let ty = global.map_err(|_| PrepareError::Deserialization)?.ty;
                    if ty.mutable {
                        let Ok(ty) = RoundtripReencoder.val_type(ty.content_type) else { return Ok(None) };
                        if !matches!(ty, ValType::I32 | ValType::I64 | ValType::F32 | ValType::F64) {
                            return Ok(None);
                        }
                        saved.push((globals, ty));
                    }
                    globals += 1;
                }
            }
            _ => {}
        }
    }
    if memories != 1 {
        return Err(PrepareError::Serialization);
    }
    let params = types
        .iter()
        .map(|&ty| param_counts.get(ty as usize).copied().ok_or(PrepareError::Deserialization))
        .collect::<Result<Vec<u32>, _>>()?;
    let map_len = usize::try_from(max_memory_bytes >> WRITE_GRANULE_SHIFT).map_err(|_| PrepareError::Serialization)?;
    // One granule more than memory can hold: a zero-length fill at the very end marks it.
    let map_len = map_len + 1;
    let total = map_len.next_multiple_of(8) + saved.len() * 8;
    let map_pages = total.div_ceil(65_536).max(1) as u64;
    let defined = u32::try_from(params.len()).map_err(|_| PrepareError::Deserialization)?;
    let functions = imported_functions.checked_add(defined).ok_or(PrepareError::Deserialization)?;
    let Some(gas_global) = gas_global else { return Ok(None) };
    saved.retain(|&(global, _)| global != gas_global);
    let Some(entry) = entry_index else { return Ok(None) };
    let Some(defined_index) = entry.checked_sub(imported_functions) else { return Ok(None) };
    let Some(&ty) = types.get(defined_index as usize) else { return Ok(None) };
    let Some(Some((entry_params, entry_results))) = signatures.get(ty as usize).cloned() else { return Ok(None) };
    let entry = (entry, entry_params, entry_results);
    Ok(Some(Plan { params, saved, map_len, map_pages, functions, entry, gas_global }))
}

/// One body with its stores marked; `None` when it changes tables or segments.
fn rewrite_body(code: &[u8], body: FunctionBody<'_>, params: Option<u32>) -> Result<Option<Function>, PrepareError> {
    let (mut locals, scratch) = super::body_locals(&body, params.ok_or(PrepareError::Deserialization)?)?;
    locals.extend(SCRATCH);
    let scratch = Scratch { address: scratch, second: scratch + 1, length: scratch + 2, value: scratch + 3 };
    let mut function = Function::new(locals);
    let mut operators = body.get_operators_reader().map_err(|_| PrepareError::Deserialization)?;
    while !operators.eof() {
        let (operator, offset) = operators.read_with_offset().map_err(|_| PrepareError::Deserialization)?;
        let original = &code[offset..operators.original_position()];
        match write_of(&operator) {
            Write::None => {}
            Write::Store { offset, value } => {
                if std::env::var("NOMARK").is_err() {
                    mark_store(&mut function, &scratch, offset, value)
                }
            }
            Write::Range => mark_range(&mut function, &scratch),
            Write::Untracked => return Ok(None),
        }
        function.raw(original.iter().copied());
    }
    Ok(Some(function))
}

/// The scratch locals of one body.
struct Scratch {
    address: u32,
    second: u32,
    length: u32,
    /// The first of the value locals: i32, then i64, f32, f64.
    value: u32,
}

/// What an operator writes.
enum Write {
    None,
    /// A store of the given value type (0 i32, 1 i64, 2 f32, 3 f64) at `address + offset`.
    Store {
        offset: u64,
        value: u32,
    },
    /// A bulk write to `[d, d + n)` of memory 0, operands `d, x, n`.
    Range,
    /// Changes what a restore cannot undo.
    Untracked,
}

fn write_of(operator: &Operator<'_>) -> Write {
    let store = |memarg: &wasmparser::MemArg, value| {
        if memarg.memory == 0 { Write::Store { offset: memarg.offset, value } } else { Write::Untracked }
    };
    match operator {
        Operator::I32Store { memarg } | Operator::I32Store8 { memarg } | Operator::I32Store16 { memarg } => {
            store(memarg, 0)
        }
        Operator::I64Store { memarg }
        | Operator::I64Store8 { memarg }
        | Operator::I64Store16 { memarg }
        | Operator::I64Store32 { memarg } => store(memarg, 1),
        Operator::F32Store { memarg } => store(memarg, 2),
        Operator::F64Store { memarg } => store(memarg, 3),
        Operator::MemoryFill { mem: 0 }
        | Operator::MemoryCopy { dst_mem: 0, src_mem: 0 }
        | Operator::MemoryInit { mem: 0, .. } => Write::Range,
        Operator::MemoryFill { .. } | Operator::MemoryCopy { .. } | Operator::MemoryInit { .. } => Write::Untracked,
        Operator::TableSet { .. }
        | Operator::TableGrow { .. }
        | Operator::TableFill { .. }
        | Operator::TableCopy { .. }
        | Operator::TableInit { .. }
        | Operator::ElemDrop { .. }
        | Operator::DataDrop { .. } => Write::Untracked,
        _ => Write::None,
    }
}

/// Before a store: `[address, value]` on the stack; marks `(address + offset) >> shift`.
fn mark_store(function: &mut Function, scratch: &Scratch, offset: u64, value: u32) {
    let value = scratch.value + value;
    function
        .instruction(&Instruction::LocalSet(value))
        .instruction(&Instruction::LocalTee(scratch.address))
        // A 32-bit memory's offsets fit in 32 bits (validated); the sum wraps as wasm's does not,
        // which only matters for a store that traps anyway.
        .instruction(&Instruction::I32Const(u32::try_from(offset).unwrap_or(u32::MAX).cast_signed()))
        .instruction(&Instruction::I32Add)
        .instruction(&Instruction::I32Const(WRITE_GRANULE_SHIFT as i32))
        .instruction(&Instruction::I32ShrU)
        .instruction(&Instruction::I32Const(1))
        .instruction(&Instruction::I32Store8(MemArg { offset: 0, align: 0, memory_index: 1 }))
        .instruction(&Instruction::LocalGet(scratch.address))
        .instruction(&Instruction::LocalGet(value));
}

/// Before a bulk write: `[d, x, n]` on the stack; marks the granules of `[d, d + n)` (and the
/// granule at `d` when `n` is 0 and `d` unaligned: harmless) with a fill of the write map.
fn mark_range(function: &mut Function, scratch: &Scratch) {
    let start = |f: &mut Function| {
        f.instruction(&Instruction::LocalGet(scratch.address))
            .instruction(&Instruction::I32Const(WRITE_GRANULE_SHIFT as i32))
            .instruction(&Instruction::I32ShrU);
    };
    function
        .instruction(&Instruction::LocalSet(scratch.length))
        .instruction(&Instruction::LocalSet(scratch.second))
        .instruction(&Instruction::LocalSet(scratch.address));
    start(function);
    function.instruction(&Instruction::I32Const(1));
    // end = (d + n + granule - 1) >> shift, in i64 so it cannot wrap.
    function
        .instruction(&Instruction::LocalGet(scratch.address))
        .instruction(&Instruction::I64ExtendI32U)
        .instruction(&Instruction::LocalGet(scratch.length))
        .instruction(&Instruction::I64ExtendI32U)
        .instruction(&Instruction::I64Add)
        .instruction(&Instruction::I64Const(WRITE_GRANULE as i64 - 1))
        .instruction(&Instruction::I64Add)
        .instruction(&Instruction::I64Const(i64::from(WRITE_GRANULE_SHIFT)))
        .instruction(&Instruction::I64ShrU)
        .instruction(&Instruction::I32WrapI64);
    start(function);
    function
        .instruction(&Instruction::I32Sub)
        .instruction(&Instruction::MemoryFill(1))
        .instruction(&Instruction::LocalGet(scratch.address))
        .instruction(&Instruction::LocalGet(scratch.second))
        .instruction(&Instruction::LocalGet(scratch.length));
}
