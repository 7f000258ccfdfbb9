//! Inline metering: finite-wasm's instrumentation calls the host at every gas point
//! (`internal.finite_wasm_gas(fee)`) and at every function entry and exit
//! (`finite_wasm_stack` / `finite_wasm_unstack(operand, frame)`). This pass turns those calls,
//! at exactly the same places and for exactly the same amounts, into arithmetic on two globals
//! it adds to the module, so the host is called only when a budget runs out:
//!
//! - **gas left** (an `i64`, exported as [`GAS_EXPORT`], set by the host after instantiation
//!   and after every host call): a gas point of fee `f` subtracts `f` when the global holds at
//!   least `f`; otherwise it calls `finite_wasm_gas(f)`, which hands the gas burnt so far to the
//!   host and burns `f` there, failing with `GasExceeded`/`GasLimitExceeded` exactly as the
//!   per-point host call did;
//! - **stack budget** (an `i64` starting at `max_stack_height`): a function entry subtracts its
//!   operand stack and frame sizes, or calls [`STACK_EXHAUSTED_IMPORT`] (which fails with
//!   `MemoryAccessViolation`) when they do not fit, then charges the frame's gas
//!   (`ceil(frame / 8) × regular_op_cost`) as a gas point; every exit adds them back.
//!
//! Bulk memory and table operators are charged `linear × count + constant` for a count known
//! only at run time: finite-wasm calls `finite_wasm_memory_*` / `finite_wasm_table_*` with it.
//! Inline metering turns those calls into the same arithmetic on the count (two scratch locals
//! in the functions that need them), then a gas point of that fee; they stay host calls only
//! where the fee could overflow (never with nearcore's parameters). `memory.grow` and
//! `table.grow` are charged the same way, linearly in the number of pages or elements asked
//! for (`linear_op_base_cost + linear_op_unit_cost × delta`, nearcore's fee model):
//! finite-wasm's own instrumentation cannot emit that charge, so this pass adds it before every
//! grow (with host metering, through the bulk-operation import of the same kind,
//! `finite_wasm_memory_fill` / `finite_wasm_table_fill`: `linear × count + constant`, the
//! count handed back). docs/engine.md explains the design and how the equality is tested.

use super::INTERNAL_IMPORT_MODULE;
use super::host_gas::{HostImports, call_passing_gas};
use near_parameters::Config;
use near_primitives::errors::PrepareError;
use std::ops::Range;
use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasm_encoder::{BlockType, ConstExpr, Function, GlobalType, Instruction, Module, RawSection, ValType};
use wasmparser::{FunctionBody, Operator, Parser, Payload, TypeRef};

/// The export under which an instrumented module's gas-left global is reached (a NUL-prefixed
/// name no toolchain emits; a module exporting it already is refused with `Instantiate`).
pub const GAS_EXPORT: &str = "\u{0}gas";
/// The import that replaces `finite_wasm_stack` in inline-metered modules: called only when a
/// function's frame does not fit the stack budget, it always fails.
pub const STACK_EXHAUSTED_IMPORT: &str = "finite_wasm_stack_exhausted";

const FUNCTION_SECTION_ID: u8 = 3;
const GLOBAL_SECTION_ID: u8 = 6;
const EXPORT_SECTION_ID: u8 = 7;
const CODE_SECTION_ID: u8 = 10;
const CUSTOM_SECTION_ID: u8 = 0;

/// What the rewrite needs to know about the instrumented module.
struct Plan {
    /// Whether gas and stack calls are inlined (otherwise only grows are charged).
    inline: bool,
    gas_fn: u32,
    stack_fn: u32,
    unstack_fn: u32,
    memory_charge_fn: u32,
    table_charge_fn: u32,
    /// The six bulk-operation charges (`finite_wasm_memory_*`, `finite_wasm_table_*`).
    bulk_fns: Vec<u32>,
    /// Parameter count of each defined function (for the scratch locals' indices).
    params: Vec<u32>,
    linear_base: u64,
    linear_unit: u64,
    gas_global: u32,
    stack_global: u32,
    regular_op_cost: u64,
    /// Host imports, which get the gas passed (empty unless inline; `crate::prepare::host_gas`).
    host: HostImports,
}

/// Rewrites finite-wasm's output (`code`): charges for `memory.grow` and `table.grow`, and,
/// with `inline`, gas and stack metered inline (see the module docs).
///
/// # Errors
/// `Deserialization` when `code` cannot be parsed, `Instantiate` when it already exports
/// [`GAS_EXPORT`], `GasInstrumentation` when it is not finite-wasm's output (an instrumentation
/// import missing or called other than with constant arguments).
pub(crate) fn finish_metering(code: &[u8], config: &Config, inline: bool) -> Result<Vec<u8>, PrepareError> {
    let plan = plan(code, config, inline)?;
    let mut out = Output {
        module: Module::new(),
        stack_budget: i64::from(config.limit_config.max_stack_height),
        globals_written: false,
        exports_written: false,
        functions_written: false,
        code_written: false,
    };
    let mut bodies: Option<(u32, wasm_encoder::CodeSection)> = None;
    for payload in Parser::new(0).parse_all(code) {
        let payload = payload.map_err(|_| PrepareError::Deserialization)?;
        if let Payload::CodeSectionEntry(body) = payload {
            let (left, section) = bodies.as_mut().ok_or(PrepareError::Deserialization)?;
            let params = plan.params.get(section.len() as usize).copied().ok_or(PrepareError::Deserialization)?;
            section.function(&rewrite_body(code, body, &plan, params)?);
            *left = left.saturating_sub(1);
            if *left == 0 {
                let section = bodies.take().map(|(_, section)| section).unwrap_or_default();
                out.write_code(section, &plan);
            }
            continue;
        }
        let Some((id, range)) = payload.as_section() else { continue };
        if inline {
            out.write_missing_before(id, &plan)?;
        }
        let passing = plan.host.any();
        match payload {
            Payload::TypeSection(_) if passing => {
                out.module.section(&plan.host.type_section());
            }
            Payload::ImportSection(reader) if inline => {
                out.module.section(&imports(reader, &plan.host)?);
            }
            Payload::FunctionSection(reader) if passing => out.write_functions(Some(reader), &plan)?,
            Payload::GlobalSection(reader) if inline => out.write_globals(Some(reader), &plan)?,
            Payload::ExportSection(reader) if inline => out.write_exports(Some(reader), &plan)?,
            Payload::StartSection { func, .. } if passing => {
                out.module
                    .section(&wasm_encoder::StartSection { function_index: plan.host.remap().function_index(func) });
            }
            Payload::ElementSection(reader) if passing => {
                let mut section = wasm_encoder::ElementSection::new();
                plan.host
                    .remap()
                    .parse_element_section(&mut section, reader)
                    .map_err(|_| PrepareError::Serialization)?;
                out.module.section(&section);
            }
            Payload::CodeSectionStart { count: 0, .. } => out.write_code(wasm_encoder::CodeSection::new(), &plan),
            Payload::CodeSectionStart { count, .. } => bodies = Some((count, wasm_encoder::CodeSection::new())),
            _ => {
                out.module.section(&RawSection { id, data: &code[range] });
            }
        }
    }
    if inline {
        out.write_missing_before(u8::MAX, &plan)?;
    }
    Ok(out.module.finish())
}

/// The module being written, and which of the sections this pass extends are written.
struct Output {
    module: Module,
    stack_budget: i64,
    globals_written: bool,
    exports_written: bool,
    functions_written: bool,
    code_written: bool,
}

impl Output {
    /// Writes the global and export sections (with only what this pass adds) when the module has
    /// none and section `id` must follow them.
    fn write_missing_before(&mut self, id: u8, plan: &Plan) -> Result<(), PrepareError> {
        if id == CUSTOM_SECTION_ID {
            return Ok(());
        }
        let shims = plan.host.any();
        if shims && !self.functions_written && section_rank(id) > section_rank(FUNCTION_SECTION_ID) {
            self.write_functions(None, plan)?;
        }
        if !self.globals_written && section_rank(id) > section_rank(GLOBAL_SECTION_ID) {
            self.write_globals(None, plan)?;
        }
        if !self.exports_written && section_rank(id) > section_rank(EXPORT_SECTION_ID) {
            self.write_exports(None, plan)?;
        }
        if shims && !self.code_written && section_rank(id) > section_rank(CODE_SECTION_ID) {
            self.write_code(wasm_encoder::CodeSection::new(), plan);
        }
        Ok(())
    }

    /// The module's function declarations, then the shims'.
    fn write_functions(
        &mut self,
        existing: Option<wasmparser::FunctionSectionReader<'_>>,
        plan: &Plan,
    ) -> Result<(), PrepareError> {
        let mut section = wasm_encoder::FunctionSection::new();
        for ty in existing.into_iter().flatten() {
            section.function(ty.map_err(|_| PrepareError::Deserialization)?);
        }
        for ty in plan.host.shim_types() {
            section.function(ty);
        }
        self.module.section(&section);
        self.functions_written = true;
        Ok(())
    }

    /// The rewritten bodies (`section`), then the shims' (none unless inline).
    fn write_code(&mut self, mut section: wasm_encoder::CodeSection, plan: &Plan) {
        for shim in plan.host.shim_bodies(plan.gas_global) {
            section.function(&shim);
        }
        self.module.section(&section);
        self.code_written = true;
    }

    /// The module's globals, then gas left (0 until the host sets it) and the stack budget.
    fn write_globals(
        &mut self,
        existing: Option<wasmparser::GlobalSectionReader<'_>>,
        plan: &Plan,
    ) -> Result<(), PrepareError> {
        let mut section = wasm_encoder::GlobalSection::new();
        for global in existing.into_iter().flatten() {
            let global = global.map_err(|_| PrepareError::Deserialization)?;
            plan.host.remap().parse_global(&mut section, global).map_err(|_| PrepareError::Serialization)?;
        }
        let ty = GlobalType { val_type: ValType::I64, mutable: true, shared: false };
        section.global(ty, &ConstExpr::i64_const(0));
        section.global(ty, &ConstExpr::i64_const(self.stack_budget));
        self.module.section(&section);
        self.globals_written = true;
        Ok(())
    }

    /// The module's exports, plus [`GAS_EXPORT`].
    fn write_exports(
        &mut self,
        existing: Option<wasmparser::ExportSectionReader<'_>>,
        plan: &Plan,
    ) -> Result<(), PrepareError> {
        let mut section = wasm_encoder::ExportSection::new();
        for export in existing.into_iter().flatten() {
            let export = export.map_err(|_| PrepareError::Deserialization)?;
            plan.host.remap().parse_export(&mut section, export);
        }
        section.export(GAS_EXPORT, wasm_encoder::ExportKind::Global, plan.gas_global);
        self.module.section(&section);
        self.exports_written = true;
        Ok(())
    }
}

/// Section order of the binary format (the tag section sits between memory and global).
fn section_rank(id: u8) -> u8 {
    match id {
        13 => 6,
        6..=9 => id + 1,
        12 => 11,
        10 | 11 => id + 2,
        other => other,
    }
}

/// Finds the instrumentation imports and the indices the new globals get.
fn plan(code: &[u8], config: &Config, inline: bool) -> Result<Plan, PrepareError> {
    let (mut gas_fn, mut stack_fn, mut unstack_fn) = (None, None, None);
    let (mut memory_charge_fn, mut table_charge_fn) = (None, None);
    let (mut functions, mut globals) = (0u32, 0u32);
    let mut bulk_fns = Vec::new();
    let params = super::defined_function_params(code)?;
    for payload in Parser::new(0).parse_all(code) {
        match payload.map_err(|_| PrepareError::Deserialization)? {
            Payload::ImportSection(reader) => {
                for import in reader {
                    let import = import.map_err(|_| PrepareError::Deserialization)?;
                    match import.ty {
                        TypeRef::Func(_) => {
                            if import.module == INTERNAL_IMPORT_MODULE {
                                match import.name {
                                    "finite_wasm_gas" => gas_fn = Some(functions),
                                    "finite_wasm_stack" => stack_fn = Some(functions),
                                    "finite_wasm_unstack" => unstack_fn = Some(functions),
                                    "finite_wasm_memory_fill" => memory_charge_fn = Some(functions),
                                    "finite_wasm_table_fill" => table_charge_fn = Some(functions),
                                    _ => {}
                                }
                                if super::BULK_CHARGE_IMPORTS.contains(&import.name) {
                                    bulk_fns.push(functions);
                                }
                            }
                            functions += 1;
                        }
                        TypeRef::Global(_) => globals += 1,
                        _ => {}
                    }
                }
            }
            Payload::GlobalSection(reader) => globals += reader.count(),
            Payload::ExportSection(reader) => {
                for export in reader {
                    if export.map_err(|_| PrepareError::Deserialization)?.name == GAS_EXPORT {
                        return Err(PrepareError::Instantiate);
                    }
                }
            }
            _ => {}
        }
    }
    let found = (gas_fn, stack_fn, unstack_fn, memory_charge_fn, table_charge_fn);
    let (Some(gas_fn), Some(stack_fn), Some(unstack_fn), Some(memory_charge_fn), Some(table_charge_fn)) = found else {
        return Err(PrepareError::GasInstrumentation);
    };
    Ok(Plan {
        inline,
        gas_fn,
        stack_fn,
        unstack_fn,
        memory_charge_fn,
        table_charge_fn,
        bulk_fns,
        params,
        linear_base: config.linear_op_base_cost,
        linear_unit: config.linear_op_unit_cost,
        gas_global: globals,
        stack_global: globals + 1,
        regular_op_cost: u64::from(config.regular_op_cost),
        host: if inline { HostImports::plan(code)? } else { HostImports::default() },
    })
}

/// The imports, with `finite_wasm_stack` renamed to [`STACK_EXHAUSTED_IMPORT`] and host
/// functions taking and returning gas.
fn imports(
    reader: wasmparser::ImportSectionReader<'_>,
    host: &HostImports,
) -> Result<wasm_encoder::ImportSection, PrepareError> {
    let mut section = wasm_encoder::ImportSection::new();
    for import in reader {
        let import = import.map_err(|_| PrepareError::Deserialization)?;
        let ty = match import.ty {
            TypeRef::Func(ty) => wasm_encoder::EntityType::Function(host.import_type(import.module, ty)),
            other => RoundtripReencoder.entity_type(other).map_err(|_| PrepareError::Serialization)?,
        };
        let name = match (import.module, import.name) {
            (INTERNAL_IMPORT_MODULE, "finite_wasm_stack") => STACK_EXHAUSTED_IMPORT,
            (_, name) => name,
        };
        section.import(import.module, name, ty);
    }
    Ok(section)
}

/// One function body with its instrumentation calls inlined. finite-wasm writes each call as
/// `i64.const` arguments immediately followed by the `call`; arguments are held back until it
/// is known whether a `call` of the instrumentation consumes them.
fn rewrite_body(code: &[u8], body: FunctionBody<'_>, plan: &Plan, params: u32) -> Result<Function, PrepareError> {
    let (mut locals, scratch) = super::body_locals(&body, params)?;
    let bulk = if plan.inline && charges_bulk(&body, plan)? {
        locals.extend([(1, ValType::I32), (1, ValType::I64)]);
        Some(BulkScratch { count: scratch, fee: scratch + 1 })
    } else {
        None
    };
    let mut function = Function::new(locals);
    let mut held: Vec<(u64, Range<usize>)> = Vec::with_capacity(2);
    let mut operators = body.get_operators_reader().map_err(|_| PrepareError::Deserialization)?;
    while !operators.eof() {
        let (operator, offset) = operators.read_with_offset().map_err(|_| PrepareError::Deserialization)?;
        let end = operators.original_position();
        match operator {
            Operator::I64Const { value } => {
                if held.len() == 2 {
                    let (_, range) = held.remove(0);
                    function.raw(code[range].iter().copied());
                }
                held.push((value as u64, offset..end));
                continue;
            }
            Operator::MemoryGrow { .. } | Operator::TableGrow { .. } => {
                release(&mut function, code, &mut held);
                let charge = if matches!(operator, Operator::MemoryGrow { .. }) {
                    plan.memory_charge_fn
                } else {
                    plan.table_charge_fn
                };
                // The delta on top of the stack: `linear × delta + constant`, delta handed back.
                charge_bulk(&mut function, plan, bulk.as_ref(), charge, plan.linear_unit, plan.linear_base);
                function.raw(code[offset..end].iter().copied());
            }
            Operator::Call { function_index } if bulk.is_some() && plan.bulk_fns.contains(&function_index) => {
                if held.len() < 2 {
                    release(&mut function, code, &mut held);
                    function.raw(code[offset..end].iter().copied());
                    continue;
                }
                let constant = take(&mut held)?;
                let linear = take(&mut held)?;
                release(&mut function, code, &mut held);
                charge_bulk(&mut function, plan, bulk.as_ref(), function_index, linear, constant);
            }
            Operator::Call { function_index } if plan.inline && function_index == plan.gas_fn => {
                let fee = take(&mut held)?;
                release(&mut function, code, &mut held);
                charge_gas(&mut function, plan, fee);
            }
            Operator::Call { function_index } if plan.inline && function_index == plan.stack_fn => {
                let frame = take(&mut held)?;
                let operand = take(&mut held)?;
                release(&mut function, code, &mut held);
                reserve_stack(&mut function, plan, operand, frame);
            }
            Operator::Call { function_index } if plan.host.is_host_import(function_index) => {
                release(&mut function, code, &mut held);
                call_passing_gas(&mut function, function_index, plan.gas_global);
            }
            Operator::RefFunc { function_index } if plan.host.is_host_import(function_index) => {
                release(&mut function, code, &mut held);
                function.instruction(&Instruction::RefFunc(plan.host.remap().function_index(function_index)));
            }
            Operator::Call { function_index } if plan.inline && function_index == plan.unstack_fn => {
                let frame = take(&mut held)?;
                let operand = take(&mut held)?;
                release(&mut function, code, &mut held);
                release_stack(&mut function, plan, operand, frame);
            }
            _ => {
                release(&mut function, code, &mut held);
                function.raw(code[offset..end].iter().copied());
            }
        }
    }
    release(&mut function, code, &mut held);
    Ok(function)
}

/// The last held-back argument.
fn take(held: &mut Vec<(u64, Range<usize>)>) -> Result<u64, PrepareError> {
    held.pop().map(|(value, _)| value).ok_or(PrepareError::GasInstrumentation)
}

/// Writes the held-back `i64.const`s as they were.
fn release(function: &mut Function, code: &[u8], held: &mut Vec<(u64, Range<usize>)>) {
    for (_, range) in held.drain(..) {
        function.raw(code[range].iter().copied());
    }
}

/// A gas point of `fee`: subtract it from gas left, or call the host when it does not fit.
fn charge_gas(function: &mut Function, plan: &Plan, fee: u64) {
    if fee == 0 {
        return;
    }
    let fee = fee as i64;
    function
        .instruction(&Instruction::GlobalGet(plan.gas_global))
        .instruction(&Instruction::I64Const(fee))
        .instruction(&Instruction::I64LtU)
        .instruction(&Instruction::If(BlockType::Empty))
        .instruction(&Instruction::I64Const(fee))
        .instruction(&Instruction::Call(plan.gas_fn))
        .instruction(&Instruction::Else)
        .instruction(&Instruction::GlobalGet(plan.gas_global))
        .instruction(&Instruction::I64Const(fee))
        .instruction(&Instruction::I64Sub)
        .instruction(&Instruction::GlobalSet(plan.gas_global))
        .instruction(&Instruction::End);
}

/// The two scratch locals of a body that charges bulk operations inline.
struct BulkScratch {
    count: u32,
    fee: u32,
}

/// Whether the body calls a bulk-operation charge or grows memory or a table.
fn charges_bulk(body: &FunctionBody<'_>, plan: &Plan) -> Result<bool, PrepareError> {
    let mut operators = body.get_operators_reader().map_err(|_| PrepareError::Deserialization)?;
    while !operators.eof() {
        match operators.read().map_err(|_| PrepareError::Deserialization)? {
            Operator::MemoryGrow { .. } | Operator::TableGrow { .. } => return Ok(true),
            Operator::Call { function_index } if plan.bulk_fns.contains(&function_index) => return Ok(true),
            _ => {}
        }
    }
    Ok(false)
}

/// A bulk charge of `linear × count + constant`, the count on top of the stack and left there:
/// inline when `scratch` is given and the fee cannot overflow (`linear` below 2³¹, `constant`
/// below 2⁶²: the product of a 32-bit count stays below 2⁶³), as a gas point of that fee
/// (subtracted from gas left, or `finite_wasm_gas(fee)` when it does not fit, which fails as
/// the charge's host call would); otherwise the host call `charge` itself.
fn charge_bulk(
    function: &mut Function,
    plan: &Plan,
    scratch: Option<&BulkScratch>,
    charge: u32,
    linear: u64,
    constant: u64,
) {
    let Some(scratch) = scratch.filter(|_| linear < 1 << 31 && constant < 1 << 62) else {
        function
            .instruction(&Instruction::I64Const(linear as i64))
            .instruction(&Instruction::I64Const(constant as i64))
            .instruction(&Instruction::Call(charge));
        return;
    };
    function
        .instruction(&Instruction::LocalTee(scratch.count))
        .instruction(&Instruction::I64ExtendI32U)
        .instruction(&Instruction::I64Const(linear as i64))
        .instruction(&Instruction::I64Mul)
        .instruction(&Instruction::I64Const(constant as i64))
        .instruction(&Instruction::I64Add)
        .instruction(&Instruction::LocalTee(scratch.fee))
        .instruction(&Instruction::GlobalGet(plan.gas_global))
        .instruction(&Instruction::I64GtU)
        .instruction(&Instruction::If(BlockType::Empty))
        .instruction(&Instruction::LocalGet(scratch.fee))
        .instruction(&Instruction::Call(plan.gas_fn))
        .instruction(&Instruction::Else)
        .instruction(&Instruction::GlobalGet(plan.gas_global))
        .instruction(&Instruction::LocalGet(scratch.fee))
        .instruction(&Instruction::I64Sub)
        .instruction(&Instruction::GlobalSet(plan.gas_global))
        .instruction(&Instruction::End)
        .instruction(&Instruction::LocalGet(scratch.count));
}

/// A function entry: take `operand + frame` from the stack budget (or fail through the host),
/// then charge the frame's gas.
fn reserve_stack(function: &mut Function, plan: &Plan, operand: u64, frame: u64) {
    let needed = operand.saturating_add(frame) as i64;
    function
        .instruction(&Instruction::GlobalGet(plan.stack_global))
        .instruction(&Instruction::I64Const(needed))
        .instruction(&Instruction::I64LtU)
        .instruction(&Instruction::If(BlockType::Empty))
        .instruction(&Instruction::I64Const(operand as i64))
        .instruction(&Instruction::I64Const(frame as i64))
        .instruction(&Instruction::Call(plan.stack_fn))
        .instruction(&Instruction::End)
        .instruction(&Instruction::GlobalGet(plan.stack_global))
        .instruction(&Instruction::I64Const(needed))
        .instruction(&Instruction::I64Sub)
        .instruction(&Instruction::GlobalSet(plan.stack_global));
    charge_gas(function, plan, frame.div_ceil(8).saturating_mul(plan.regular_op_cost));
}

/// A function exit: give `operand + frame` back to the stack budget.
fn release_stack(function: &mut Function, plan: &Plan, operand: u64, frame: u64) {
    let needed = operand.saturating_add(frame) as i64;
    function
        .instruction(&Instruction::GlobalGet(plan.stack_global))
        .instruction(&Instruction::I64Const(needed))
        .instruction(&Instruction::I64Add)
        .instruction(&Instruction::GlobalSet(plan.stack_global));
}
