//! The host side of gas and stack metering. Prepared modules meter inline
//! (`crate::prepare::inline`): gas left lives in the module's [`GAS_EXPORT`] global and is
//! burnt by wasm code itself; the host sees it only at the points where it must be exact:
//!
//! - after instantiation, [`bind_gas_global`] finds the global and seeds it with what the host
//!   allows ([`InstrumentationHost::wasm_gas_allowance`]);
//! - around every host function, the host burns what wasm burnt since the last seed and seeds
//!   again (host functions burn gas too). Inline-metered modules hand gas left to every host
//!   function as an extra argument and take the new allowance back as an extra result
//!   (`crate::prepare` rewrites the imports): [`gas_from_wasm`] and [`gas_to_wasm`], no global
//!   access. Modules metered with host calls go through the global: [`sync_gas_in`] and
//!   [`sync_gas_out`]. Import tables built with [`crate::import_table!`] link either form;
//! - when a gas point does not fit, the module calls `finite_wasm_gas(fee)`: synchronise, burn
//!   `fee` on the host (which fails exactly as it would have failed with a call per point);
//! - after the call, the runner synchronises once more.
//!
//! Because wasm never burns more than the seeded allowance, burning it on the host never fails;
//! the only failure is the one the exhausted gas point reports. Modules prepared with
//! `Metering::HostCalls` have no global: every gas point and frame is a host call, as
//! finite-wasm writes them.

use crate::prepare::{BULK_CHARGE_IMPORTS, GAS_EXPORT, INTERNAL_IMPORT_MODULE, STACK_EXHAUSTED_IMPORT};
use near_parameters::Config;
use near_primitives::errors::HostError;
use wasmtime::{AsContextMut, Caller, Global, Instance, Linker, Store, Val};

use super::HostTrap;

/// What the instrumentation needs from the host state: its gas, and the [`MeteringState`] it
/// keeps for the instance.
pub trait InstrumentationHost {
    /// Burns `gas` of wasm execution.
    ///
    /// # Errors
    /// `GasExceeded` / `GasLimitExceeded` when the budget runs out.
    fn burn_wasm_gas(&mut self, gas: u64) -> Result<(), HostError>;
    /// The most wasm gas [`InstrumentationHost::burn_wasm_gas`] would burn now without failing.
    fn wasm_gas_allowance(&self) -> u64;
    /// The instance's metering state.
    fn metering(&mut self) -> &mut MeteringState;
}

/// What the host keeps per instance for the instrumentation: the gas-left global once bound
/// and the value last put there, and (for modules metered with host calls) the stack budget.
#[derive(Debug, Clone, Copy)]
pub struct MeteringState {
    global: Option<Global>,
    seeded: u64,
    /// Remaining deterministic stack budget of a module metered with host calls, in
    /// finite-wasm's units (inline-metered modules keep it in a global).
    remaining_stack: u64,
    /// `regular_op_cost`, used to charge stack frames.
    regular_op_cost: u64,
}

impl MeteringState {
    /// The state of a fresh instance under `config` (full stack budget, no global yet).
    pub fn new(config: &Config) -> MeteringState {
        MeteringState {
            global: None,
            seeded: 0,
            remaining_stack: u64::from(config.limit_config.max_stack_height),
            regular_op_cost: u64::from(config.regular_op_cost),
        }
    }
}

/// Finds the gas global of a freshly instantiated module and seeds it. A module without one
/// (metered with host calls) is left as it is.
///
/// # Errors
/// When the global cannot be written (a node fault).
pub fn bind_gas_global<T: InstrumentationHost + 'static>(
    store: &mut Store<T>,
    instance: &Instance,
) -> wasmtime::Result<()> {
    if let Some(global) = instance.get_global(&mut *store, GAS_EXPORT) {
        store.data_mut().metering().global = Some(global);
        sync_gas_out(store)?;
    }
    Ok(())
}

/// Burns on the host the gas wasm burnt since the global was last seeded.
///
/// # Errors
/// What [`InstrumentationHost::burn_wasm_gas`] returns (never, while the global stays within
/// the allowance it was seeded with).
pub fn sync_gas_in<T: InstrumentationHost + 'static>(mut cx: impl AsContextMut<Data = T>) -> Result<(), HostError> {
    let Some(global) = cx.as_context_mut().data_mut().metering().global else { return Ok(()) };
    let left = global.get(&mut cx).i64().map_or(0, |left| left as u64);
    let mut context = cx.as_context_mut();
    let host = context.data_mut();
    let slot = host.metering();
    let burnt = slot.seeded.saturating_sub(left);
    slot.seeded = left;
    host.burn_wasm_gas(burnt)
}

/// Seeds the gas global with what the host allows now.
///
/// # Errors
/// When the global cannot be written (a node fault).
pub fn sync_gas_out<T: InstrumentationHost + 'static>(mut cx: impl AsContextMut<Data = T>) -> wasmtime::Result<()> {
    let mut context = cx.as_context_mut();
    let host = context.data_mut();
    let Some(global) = host.metering().global else { return Ok(()) };
    let allowance = host.wasm_gas_allowance().min(i64::MAX as u64);
    host.metering().seeded = allowance;
    global.set(&mut context, Val::I64(allowance as i64))
}

/// The gas left to hand a reused instance entering a call (see
/// `crate::prepare::track_writes`), as a fresh one stands after its setup burnt `spent` inline:
/// the host's view is its allowance now (nothing burnt yet), the instance's that less `spent`,
/// so the gas it hands back ([`gas_from_wasm`]) burns `spent` with whatever the call burns.
/// `None` when `spent` exceeds the allowance (such a call needs a fresh instance, whose setup
/// runs out of gas).
pub fn gas_after_setup<T: InstrumentationHost>(host: &mut T, spent: u64) -> Option<i64> {
    let allowance = host.wasm_gas_allowance().min(i64::MAX as u64);
    let left = allowance.checked_sub(spent)?;
    host.metering().seeded = allowance;
    Some(left as i64)
}

/// Takes gas left as an inline-metered module hands it to a host function, and burns on the
/// host what wasm burnt since the last seed.
///
/// # Errors
/// What [`InstrumentationHost::burn_wasm_gas`] returns (never, while `left` stays within the
/// allowance last seeded).
pub fn gas_from_wasm<T: InstrumentationHost>(host: &mut T, left: i64) -> Result<(), HostError> {
    let slot = host.metering();
    let left = u64::try_from(left).unwrap_or(0);
    let burnt = slot.seeded.saturating_sub(left);
    slot.seeded = left;
    host.burn_wasm_gas(burnt)
}

/// What a host function hands back to an inline-metered module as its gas left: the host's
/// allowance now, which becomes the new seed.
pub fn gas_to_wasm<T: InstrumentationHost>(host: &mut T) -> i64 {
    let allowance = host.wasm_gas_allowance().min(i64::MAX as u64);
    host.metering().seeded = allowance;
    allowance as i64
}

fn host_error(error: HostError) -> wasmtime::Error {
    wasmtime::Error::new(HostTrap(error))
}

/// Burns `gas` on the host, in step with the module's gas global.
fn burn_synced<T: InstrumentationHost + 'static>(caller: &mut Caller<'_, T>, gas: u64) -> wasmtime::Result<()> {
    sync_gas_in(&mut *caller).map_err(host_error)?;
    caller.data_mut().burn_wasm_gas(gas).map_err(host_error)?;
    sync_gas_out(caller)
}

/// Adds the `internal` functions the instrumentation calls.
///
/// # Cost
/// `finite_wasm_gas(g)`: `g`. `finite_wasm_stack(operand, frame)`: `ceil(frame / 8) ×
/// regular_op_cost`. Bulk operations: `constant + linear × count`.
///
/// # Errors
/// At run time: `GasExceeded`/`GasLimitExceeded` when gas runs out, `MemoryAccessViolation`
/// when the deterministic stack budget is exhausted (always, for `finite_wasm_stack_exhausted`).
pub fn link_instrumentation<T: InstrumentationHost + 'static>(linker: &mut Linker<T>) -> wasmtime::Result<()> {
    linker.func_wrap(INTERNAL_IMPORT_MODULE, "finite_wasm_gas", |mut caller: Caller<'_, T>, gas: i64| {
        burn_synced(&mut caller, gas as u64)
    })?;
    linker.func_wrap(INTERNAL_IMPORT_MODULE, STACK_EXHAUSTED_IMPORT, |_: Caller<'_, T>, _: i64, _: i64| {
        Err::<(), _>(host_error(HostError::MemoryAccessViolation))
    })?;
    linker.func_wrap(
        INTERNAL_IMPORT_MODULE,
        "finite_wasm_stack",
        |mut caller: Caller<'_, T>, operand_size: i64, frame_size: i64| {
            let host = caller.data_mut();
            let needed = (operand_size as u64).saturating_add(frame_size as u64);
            let metering = host.metering();
            let remaining = &mut metering.remaining_stack;
            *remaining = remaining.checked_sub(needed).ok_or_else(|| host_error(HostError::MemoryAccessViolation))?;
            let frame_gas = (frame_size as u64).div_ceil(8).saturating_mul(metering.regular_op_cost);
            host.burn_wasm_gas(frame_gas).map_err(host_error)
        },
    )?;
    linker.func_wrap(
        INTERNAL_IMPORT_MODULE,
        "finite_wasm_unstack",
        |mut caller: Caller<'_, T>, operand_size: i64, frame_size: i64| {
            let released = (operand_size as u64).saturating_add(frame_size as u64);
            let remaining = &mut caller.data_mut().metering().remaining_stack;
            *remaining = remaining.saturating_add(released);
        },
    )?;
    for name in BULK_CHARGE_IMPORTS {
        linker.func_wrap(
            INTERNAL_IMPORT_MODULE,
            name,
            |mut caller: Caller<'_, T>, count: i32, linear: i64, constant: i64| -> wasmtime::Result<i32> {
                let gas =
                    (linear as u64).checked_mul(u64::from(count as u32)).and_then(|g| g.checked_add(constant as u64));
                let gas = gas.ok_or_else(|| host_error(HostError::IntegerOverflow))?;
                burn_synced(&mut caller, gas)?;
                Ok(count)
            },
        )?;
    }
    Ok(())
}
