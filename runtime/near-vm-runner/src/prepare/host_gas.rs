//! Gas handed to host functions as an argument (inline metering only). The host must see the
//! module's gas left whenever one of its functions runs, and the module must see what the host
//! left it afterwards. Reading and writing the gas global through wasmtime's `Global` API costs
//! about as much as a cheap host function itself, so the module passes it instead: every host
//! import `(params) -> (results)` becomes `(params, i64) -> (results, i64)`, and
//!
//! - each direct `call` of it becomes `global.get $gas; call; global.set $gas`;
//! - every other reference to it (table elements, exports, `ref.func`, the start function) goes
//!   to a *shim* this pass appends, a function of the original type doing the same around the
//!   call, so indirect callers and the host see the original signature.
//!
//! The shims and the added instructions are not metered (they come after finite-wasm's
//! analysis), so the gas a contract burns is unchanged; the host burns the difference between
//! what it last seeded and what it is handed, and returns the new allowance
//! (`crate::engine::metering`). Imports of the instrumentation module keep their types.

use super::INTERNAL_IMPORT_MODULE;
use near_primitives::errors::PrepareError;
use std::collections::HashMap;
use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasm_encoder::{Function, Instruction, ValType};
use wasmparser::{Parser, Payload, TypeRef};

/// A function type, in the encoder's terms.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Signature {
    params: Vec<ValType>,
    results: Vec<ValType>,
}

/// The host imports of a module and what this pass turns them into.
#[derive(Default)]
pub(super) struct HostImports {
    /// Types of the type section, in order.
    types: Vec<Signature>,
    /// Original type index → index of its gas-passing twin (appended to the type section).
    gas_type: HashMap<u32, u32>,
    /// The appended twins, in index order.
    gas_types: Vec<Signature>,
    /// Host import function index → its shim's function index.
    shim_of: HashMap<u32, u32>,
    /// `(host import, original type index)` per shim, in function index order.
    shims: Vec<(u32, u32)>,
}

impl HostImports {
    /// Reads the type, import and function sections of `code`.
    ///
    /// # Errors
    /// `Deserialization` when `code` cannot be parsed or uses types this pass does not know.
    pub(super) fn plan(code: &[u8]) -> Result<HostImports, PrepareError> {
        let mut plan = HostImports::default();
        let (mut imported, mut defined) = (0u32, 0u32);
        let mut host = Vec::new();
        for payload in Parser::new(0).parse_all(code) {
            match payload.map_err(|_| PrepareError::Deserialization)? {
                Payload::TypeSection(reader) => {
                    for ty in reader.into_iter_err_on_gc_types() {
                        let ty = ty.map_err(|_| PrepareError::Deserialization)?;
                        let convert = |types: &[wasmparser::ValType]| -> Result<Vec<ValType>, PrepareError> {
                            types
                                .iter()
                                .map(|&t| RoundtripReencoder.val_type(t).map_err(|_| PrepareError::Serialization))
                                .collect()
                        };
                        plan.types.push(Signature { params: convert(ty.params())?, results: convert(ty.results())? });
                    }
                }
                Payload::ImportSection(reader) => {
                    for import in reader {
                        let import = import.map_err(|_| PrepareError::Deserialization)?;
                        if let TypeRef::Func(ty) = import.ty {
                            if import.module != INTERNAL_IMPORT_MODULE {
                                host.push((imported, ty));
                            }
                            imported += 1;
                        }
                    }
                }
                Payload::FunctionSection(reader) => defined = reader.count(),
                _ => {}
            }
        }
        let too_many = |_| PrepareError::Deserialization;
        let type_count = u32::try_from(plan.types.len()).map_err(too_many)?;
        let first_shim = imported.checked_add(defined).ok_or(PrepareError::Deserialization)?;
        for (shim, (function, ty)) in (first_shim..).zip(host) {
            let original = plan.types.get(ty as usize).ok_or(PrepareError::Deserialization)?.clone();
            if !plan.gas_type.contains_key(&ty) {
                let mut twin = original;
                twin.params.push(ValType::I64);
                twin.results.push(ValType::I64);
                let twin_index = u32::try_from(plan.gas_types.len()).map_err(too_many)?;
                plan.gas_type.insert(ty, type_count.checked_add(twin_index).ok_or(PrepareError::Deserialization)?);
                plan.gas_types.push(twin);
            }
            plan.shim_of.insert(function, shim);
            plan.shims.push((function, ty));
        }
        Ok(plan)
    }

    /// Whether the module imports any host function.
    pub(super) fn any(&self) -> bool {
        !self.shims.is_empty()
    }

    /// Whether `function` is a host import.
    pub(super) fn is_host_import(&self, function: u32) -> bool {
        self.shim_of.contains_key(&function)
    }

    /// The type an import of type `ty` gets: its gas-passing twin for host imports.
    pub(super) fn import_type(&self, module: &str, ty: u32) -> u32 {
        if module == INTERNAL_IMPORT_MODULE { ty } else { self.gas_type.get(&ty).copied().unwrap_or(ty) }
    }

    /// The type section: the module's types, then the gas-passing twins.
    pub(super) fn type_section(&self) -> wasm_encoder::TypeSection {
        let mut section = wasm_encoder::TypeSection::new();
        for ty in self.types.iter().chain(&self.gas_types) {
            section.ty().function(ty.params.iter().copied(), ty.results.iter().copied());
        }
        section
    }

    /// The shims' type indices, to append to the function section.
    pub(super) fn shim_types(&self) -> impl Iterator<Item = u32> + '_ {
        self.shims.iter().map(|&(_, ty)| ty)
    }

    /// The shims' bodies, to append to the code section.
    pub(super) fn shim_bodies(&self, gas_global: u32) -> Vec<Function> {
        self.shims
            .iter()
            .map(|&(import, ty)| {
                let mut body = Function::new([]);
                let params = self.types.get(ty as usize).map_or(0, |t| t.params.len());
                for param in (0..).take(params) {
                    body.instruction(&Instruction::LocalGet(param));
                }
                call_passing_gas(&mut body, import, gas_global);
                body.instruction(&Instruction::End);
                body
            })
            .collect()
    }

    /// A reencoder pointing references to host imports at their shims.
    pub(super) fn remap(&self) -> ShimRemap<'_> {
        ShimRemap { shim_of: &self.shim_of }
    }
}

/// `call import` with the gas global handed over and taken back.
pub(super) fn call_passing_gas(function: &mut Function, import: u32, gas_global: u32) {
    function
        .instruction(&Instruction::GlobalGet(gas_global))
        .instruction(&Instruction::Call(import))
        .instruction(&Instruction::GlobalSet(gas_global));
}

/// Reencodes sections, sending function references to host imports to their shims.
pub(super) struct ShimRemap<'a> {
    shim_of: &'a HashMap<u32, u32>,
}

impl Reencode for ShimRemap<'_> {
    type Error = std::convert::Infallible;

    fn function_index(&mut self, func: u32) -> u32 {
        self.shim_of.get(&func).copied().unwrap_or(func)
    }
}
