//! NEP-481 parent host functions: `start_submodule` and `resume_submodule`. The child
//! machinery (stores on async fibers) is in [`crate::submodule`]; the status codes are the
//! proof of concept's, extended (docs/nep-481.md).

use crate::logic::logic::{Result, VMLogic};
use crate::logic::vmstate::{MemSlice, memory_get_slice};
use crate::submodule::{ChildLimits, LiveSubmodule, Step};
use near_parameters::ExtCosts;
use near_primitives::errors::{CompilationError, HostError, PrepareError};
use std::borrow::Cow;

/// `main` returned; the register holds what it passed to `return_value`.
pub const STATUS_RETURNED: u64 = 0;
/// The submodule called `callback`; the register holds the bytes.
pub const STATUS_YIELDED: u64 = 1;
/// `start_submodule` on a key that is live.
pub const STATUS_ALREADY_STARTED: u64 = 100;
/// No submodule is deployed under the key.
pub const STATUS_NOT_FOUND: u64 = 200;
/// The submodule does not export `main: () -> ()`.
pub const STATUS_MISSING_MAIN: u64 = 300;
/// The submodule ran out of its gas limit.
pub const STATUS_OUT_OF_GAS: u64 = 400;
/// `resume_submodule` on a key that is not live.
pub const STATUS_NOT_STARTED: u64 = 500;
/// The submodule trapped; the register holds a short description.
pub const STATUS_TRAPPED: u64 = 600;
/// A limit was exceeded: live submodules, or payload size.
pub const STATUS_LIMIT_EXCEEDED: u64 = 700;

impl VMLogic {
    fn read_submodule_key(&mut self, mem: &[u8], key: MemSlice) -> Result<Vec<u8>> {
        self.get_memory_or_register(mem, key)
    }

    /// Where the live submodule under `key` is in `live_submodules`.
    fn live_index(&self, key: &[u8]) -> Option<usize> {
        self.live_submodules.iter().position(|(live_key, _)| live_key.as_slice() == key)
    }

    /// Starts the submodule deployed under `key` with a gas budget of `gas_limit` (capped at
    /// the parent's remaining gas) and runs it until it yields, returns or traps.
    ///
    /// # Errors
    /// Memory and register errors, the parent's own gas; everything about the submodule is a
    /// status, never an error of the parent.
    ///
    /// # Cost
    /// `base + input + submodule_start_base + submodule_start_byte × code length`, then the
    /// gas the submodule burns (its wasm operations at the parent's op cost and its
    /// `submodule_callback_byte` charges), then `write_register`.
    pub fn start_submodule(&mut self, mem: &mut [u8], key: MemSlice, gas_limit: u64, register_id: u64) -> Result<u64> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        let key = self.read_submodule_key(mem, key)?;
        if self.live_index(&key).is_some() {
            return Ok(STATUS_ALREADY_STARTED);
        }
        let Some(info) = self.ext.submodule_code_info(&key)? else { return Ok(STATUS_NOT_FOUND) };
        if self.live_submodules.len() as u64 >= self.config.limit_config.max_live_submodules {
            return Ok(STATUS_LIMIT_EXCEEDED);
        }
        self.gas_counter.pay_base(ExtCosts::submodule_start_base)?;
        self.gas_counter.pay_per(ExtCosts::submodule_start_byte, info.len)?;
        let Some(loader) = self.submodule_loader.clone() else {
            return Err(HostError::UnsupportedHostFunction { method_name: "start_submodule".into() }.into());
        };
        let mut fault = None;
        let ext = &self.ext;
        let loaded = loader.load(info.hash, &mut || {
            ext.submodule_code(&key).unwrap_or_else(|e| {
                fault = Some(e);
                None
            })
        });
        if let Some(fault) = fault {
            return Err(fault.into());
        }
        let module = match loaded {
            Ok(module) => module,
            Err(CompilationError::PrepareError(PrepareError::MissingMainExport)) => return Ok(STATUS_MISSING_MAIN),
            Err(error) => return self.finish_with(register_id, STATUS_TRAPPED, error.to_string().as_bytes()),
        };
        if !module.has_main() {
            return Ok(STATUS_MISSING_MAIN);
        }
        let gas_limit = gas_limit.min(self.gas_counter.remaining_gas());
        let limits = ChildLimits { config: &self.config, gas_limit };
        let live = LiveSubmodule::spawn(&module, limits);
        self.live_submodules.push((key, live));
        self.step_submodule(self.live_submodules.len() - 1, None, register_id)
    }

    /// Resumes the suspended submodule under `key`; `data` becomes its input (what
    /// `get_input` returns after its `callback`).
    ///
    /// # Errors
    /// Memory and register errors, the parent's own gas.
    ///
    /// # Cost
    /// `base + input + submodule_resume_base + submodule_resume_byte × data length`, then the
    /// gas the submodule burns, then `write_register`.
    pub fn resume_submodule(&mut self, mem: &mut [u8], key: MemSlice, data: MemSlice, register_id: u64) -> Result<u64> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        let key = self.borrow_memory_or_register(mem, key)?;
        let Some(index) = self.live_index(&key) else { return Ok(STATUS_NOT_STARTED) };
        let data = self.borrow_memory_or_register(mem, data)?;
        if data.len() as u64 > self.config.limit_config.max_submodule_payload_size {
            return Ok(STATUS_LIMIT_EXCEEDED);
        }
        self.gas_counter.pay_base(ExtCosts::submodule_resume_base)?;
        self.gas_counter.pay_per(ExtCosts::submodule_resume_byte, data.len() as u64)?;
        self.step_submodule(index, Some(&data), register_id)
    }

    /// Bytes from memory (borrowed) or a register (copied), charged as
    /// [`VMLogic::get_memory_or_register`] charges them.
    fn borrow_memory_or_register<'m>(&mut self, mem: &'m [u8], slice: MemSlice) -> Result<Cow<'m, [u8]>> {
        if slice.len == u64::MAX {
            Ok(Cow::Owned(self.registers.get(&mut self.gas_counter, slice.ptr)?.to_vec()))
        } else {
            Ok(Cow::Borrowed(memory_get_slice(&mut self.gas_counter, mem, slice)?))
        }
    }

    /// Runs the live submodule at `index` of `live_submodules` to its next step.
    fn step_submodule(&mut self, index: usize, input: Option<&[u8]>, register_id: u64) -> Result<u64> {
        let Some((_, live)) = self.live_submodules.get_mut(index) else { return Ok(STATUS_NOT_STARTED) };
        let (step, burnt) = live.step(input);
        if matches!(step, Step::Yielded) {
            // The bytes stay in the child's buffer; copied once, into the register.
            self.gas_counter.burn_wasm_gas(burnt)?;
            self.registers.set(&mut self.gas_counter, &self.config.limit_config, register_id, live.yielded())?;
            return Ok(STATUS_YIELDED);
        }
        self.live_submodules.swap_remove(index);
        self.gas_counter.burn_wasm_gas(burnt)?;
        match step {
            Step::Returned(bytes) => self.finish_with(register_id, STATUS_RETURNED, &bytes),
            Step::Yielded => Ok(STATUS_YIELDED),
            Step::Trapped(description) => self.finish_with(register_id, STATUS_TRAPPED, description.as_bytes()),
            Step::OutOfGas => Ok(STATUS_OUT_OF_GAS),
            Step::LimitExceeded => Ok(STATUS_LIMIT_EXCEEDED),
            Step::NodeFault(fault) => {
                Err(crate::logic::ExternalFault(format!("cannot run a submodule: {fault}")).into())
            }
        }
    }

    fn finish_with(&mut self, register_id: u64, status: u64, bytes: &[u8]) -> Result<u64> {
        self.internal_write_register(register_id, bytes)?;
        Ok(status)
    }
}
