//! NEP-481 submodule instances: each runs in its own wasmtime store on an async fiber
//! ([`crate::engine::fiber`]), so it can suspend in the middle of a call. Its `callback`
//! import is async: it hands bytes to the parent and suspends until the parent resumes it. The
//! parent's host functions (sync) drive a child with `Fiber::resume`: `Suspended` means the
//! child yielded, `Finished` that it returned or trapped. Dropping a live
//! child (the parent finished, or trapped) unwinds its fiber. docs/engine.md and
//! docs/nep-481.md explain why this design (the engine spike).

use crate::engine::fiber::{Fiber, Progress, suspend};
use crate::engine::{
    HostTrap, InstrumentationHost, MeteringState, bind_gas_global, bounded, gas_from_wasm, gas_to_wasm,
    link_instrumentation, sync_gas_in, sync_gas_out, trap_to_error,
};
use crate::logic::GasCounter;
use crate::prepare::{CONTRACT_MEMORY_EXPORT, CONTRACT_START_EXPORT, Metering};
use near_parameters::{Config, ExtCosts};
use near_primitives::errors::{CompilationError, HostError};
use near_primitives::hash::CryptoHash;
use near_primitives::types::Gas;
use std::sync::{Arc, Mutex};
use wasmtime::{Caller, InstancePre, Linker, Memory, Module, Store};

/// Finds (or compiles) submodule code for the parent's `start_submodule`.
pub trait SubmoduleLoader: Send + Sync {
    /// The compiled submodule whose code has sha256 `code_hash`, linked against the child
    /// imports. `code` fetches the code; it is called only when no compiled module for the
    /// hash is cached (deployment compiles, so a start normally never reads the code).
    ///
    /// # Errors
    /// Why the code is not a valid submodule; `code` returning `None` (the code is gone)
    /// is reported by the caller, which knows why.
    fn load(
        &self,
        code_hash: CryptoHash,
        code: &mut dyn FnMut() -> Option<Vec<u8>>,
    ) -> Result<ChildModule, CompilationError>;
}

/// A compiled submodule pre-linked against the child imports (`InstancePre`): starting it only
/// instantiates, from the child engine's instance pool. Its memory is its own, with the limits
/// of nearcore's `env.memory` (`MemoryPolicy::Pinned`).
#[derive(Clone)]
pub struct ChildModule {
    pre: InstancePre<ChildState>,
}

impl ChildModule {
    /// Links `module` (prepared with `metering`) against the instrumentation and the child
    /// imports.
    ///
    /// # Errors
    /// An import the child table does not have (preparation refuses those first).
    pub fn link(module: &Module, metering: Metering) -> wasmtime::Result<ChildModule> {
        let mut linker = Linker::new(module.engine());
        link_instrumentation(&mut linker)?;
        link_child_imports(&mut linker, metering)?;
        Ok(ChildModule { pre: linker.instantiate_pre(module)? })
    }

    /// Whether it exports `main: () -> ()`.
    pub fn has_main(&self) -> bool {
        has_main(self.pre.module())
    }
}

/// Bytes moving between a child and its parent. The `yielded` and `resume_input` buffers are
/// swapped, not reallocated, at every switch: after the first round trip none allocates.
#[derive(Default)]
struct Mailbox {
    yielded: Vec<u8>,
    returned: Option<Vec<u8>>,
    resume_input: Vec<u8>,
    /// Whether `resume_input` holds input for the child's next `get_input`.
    input_set: bool,
    burnt_gas: Gas,
    payload_limit_exceeded: bool,
}

/// A child store's data.
struct ChildState {
    gas_counter: GasCounter,
    metering: MeteringState,
    payload_limit: u64,
    input: Vec<u8>,
    mailbox: Arc<Mutex<Mailbox>>,
    memory: Option<Memory>,
}

impl InstrumentationHost for ChildState {
    fn burn_wasm_gas(&mut self, gas: u64) -> Result<(), near_primitives::errors::HostError> {
        self.gas_counter.burn_wasm_gas(gas).map_err(Into::into)
    }
    fn wasm_gas_allowance(&self) -> u64 {
        self.gas_counter.wasm_gas_allowance()
    }
    fn metering(&mut self) -> &mut MeteringState {
        &mut self.metering
    }
}

/// A started submodule that has not finished: its suspended call.
pub struct LiveSubmodule {
    fiber: Fiber<(Store<ChildState>, wasmtime::Result<()>)>,
    mailbox: Arc<Mutex<Mailbox>>,
    charged_gas: Gas,
    /// What the child passed to its last `callback` ([`LiveSubmodule::yielded`]).
    last_yield: Vec<u8>,
}

/// How a child's run ended for now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// `main` returned; the bytes it passed to `return_value` (empty if none).
    Returned(Vec<u8>),
    /// It called `callback` and is suspended; [`LiveSubmodule::yielded`] has the bytes.
    Yielded,
    /// It trapped (or a host function failed); a short description.
    Trapped(String),
    /// It ran out of its gas limit.
    OutOfGas,
    /// It yielded more than the payload limit.
    LimitExceeded,
    /// The node could not run it (the child instance pool is exhausted): never a status a
    /// contract sees.
    NodeFault(String),
}

fn lock(mailbox: &Mutex<Mailbox>) -> std::sync::MutexGuard<'_, Mailbox> {
    mailbox.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn trap(error: HostError) -> wasmtime::Error {
    wasmtime::Error::new(HostTrap(error))
}

fn child_memory(caller: &mut Caller<'_, ChildState>) -> wasmtime::Result<Memory> {
    caller.data().memory.ok_or_else(|| trap(HostError::MemoryAccessViolation))
}

/// Brings the child's host gas in step before a charge: from the gas left the module hands in
/// (`passed`, inline metering) or from its gas global (metering with host calls).
fn gas_in(caller: &mut Caller<'_, ChildState>, passed: Option<i64>) -> wasmtime::Result<()> {
    match passed {
        Some(left) => gas_from_wasm(caller.data_mut(), left),
        None => sync_gas_in(&mut *caller),
    }
    .map_err(trap)
}

/// Hands the module its gas left after a charge: the value to return (inline metering), or
/// written to the gas global (metering with host calls; the value returned is then unused).
fn gas_out(caller: &mut Caller<'_, ChildState>, passed: Option<i64>) -> wasmtime::Result<i64> {
    match passed {
        Some(_) => Ok(gas_to_wasm(caller.data_mut())),
        None => sync_gas_out(&mut *caller).map(|()| 0),
    }
}

/// Bytes the child passes to its parent (`callback`, `return_value`): within the payload
/// limit, paid per byte, handed to `deliver` with the mailbox (locked) while still in memory. Returns
/// the module's gas left (see [`gas_out`]).
fn pass_payload(
    caller: &mut Caller<'_, ChildState>,
    (len, ptr): (u64, u64),
    passed: Option<i64>,
    deliver: impl FnOnce(&mut Mailbox, &[u8], &ChildState),
) -> wasmtime::Result<i64> {
    if len > caller.data().payload_limit {
        lock(&caller.data().mailbox).payload_limit_exceeded = true;
        return Err(trap(HostError::IntegerOverflow));
    }
    gas_in(caller, passed)?;
    caller.data_mut().gas_counter.pay_per(ExtCosts::submodule_callback_byte, len).map_err(|e| trap(e.into()))?;
    let gas_left = gas_out(caller, passed)?;
    let memory = child_memory(caller)?;
    let (data, state) = memory.data_and_store_mut(&mut *caller);
    let (start, end) = (usize::try_from(ptr), usize::try_from(ptr.saturating_add(len)));
    let (Ok(start), Ok(end)) = (start, end) else { return Err(trap(HostError::MemoryAccessViolation)) };
    let bytes = data.get(start..end).ok_or_else(|| trap(HostError::MemoryAccessViolation))?;
    deliver(&mut lock(&state.mailbox), bytes, state);
    Ok(gas_left)
}

/// `callback(len, ptr)`: yields the bytes to the parent and suspends until it resumes.
async fn callback(
    caller: &mut Caller<'_, ChildState>,
    payload: (u64, u64),
    passed: Option<i64>,
) -> wasmtime::Result<i64> {
    let gas_left = pass_payload(caller, payload, passed, |mailbox, bytes, state| {
        mailbox.yielded.clear();
        mailbox.yielded.extend_from_slice(bytes);
        mailbox.burnt_gas = state.gas_counter.burnt_gas();
    })?;
    suspend().await;
    let state = caller.data_mut();
    let mut mailbox = lock(&state.mailbox);
    if std::mem::take(&mut mailbox.input_set) {
        std::mem::swap(&mut state.input, &mut mailbox.resume_input);
    } else {
        state.input.clear();
    }
    Ok(gas_left)
}

/// `get_input(ptr)`: copies the input the parent resumed with to `ptr`.
fn get_input(caller: &mut Caller<'_, ChildState>, ptr: i64) -> wasmtime::Result<()> {
    let memory = child_memory(caller)?;
    let (data, state) = memory.data_and_store_mut(caller);
    let start = usize::try_from(ptr as u64).map_err(|_| trap(HostError::MemoryAccessViolation))?;
    let target = data
        .get_mut(start..start.saturating_add(state.input.len()))
        .ok_or_else(|| trap(HostError::MemoryAccessViolation))?;
    target.copy_from_slice(&state.input);
    Ok(())
}

/// `return_value(len, ptr)`: the bytes `main` returns.
fn return_value(
    caller: &mut Caller<'_, ChildState>,
    payload: (u64, u64),
    passed: Option<i64>,
) -> wasmtime::Result<i64> {
    pass_payload(caller, payload, passed, |mailbox, bytes, _| mailbox.returned = Some(bytes.to_vec()))
}

/// The only imports a submodule gets: `callback`, `get_input_size`, `get_input`,
/// `return_value`, `gas` (and the instrumentation), in the form modules prepared with
/// `metering` import them (inline: gas left as an extra argument and result, handed back as is
/// by the functions that charge nothing).
fn link_child_imports(linker: &mut Linker<ChildState>, metering: Metering) -> wasmtime::Result<()> {
    if metering == Metering::Inline {
        linker.func_wrap_async(
            "env",
            "callback",
            |mut caller: Caller<'_, ChildState>, (len, ptr, gas): (i64, i64, i64)| {
                Box::new(async move { callback(&mut caller, (len as u64, ptr as u64), Some(gas)).await })
            },
        )?;
        linker.func_wrap("env", "get_input_size", |caller: Caller<'_, ChildState>, gas: i64| -> (i64, i64) {
            (caller.data().input.len() as i64, gas)
        })?;
        linker.func_wrap("env", "get_input", |mut caller: Caller<'_, ChildState>, ptr: i64, gas: i64| {
            get_input(&mut caller, ptr).map(|()| gas)
        })?;
        linker.func_wrap(
            "env",
            "return_value",
            |mut caller: Caller<'_, ChildState>, len: i64, ptr: i64, gas: i64| {
                return_value(&mut caller, (len as u64, ptr as u64), Some(gas))
            },
        )?;
        // Accepted for compatibility with modules instrumented the old way; gas is metered by
        // the instrumentation.
        linker.func_wrap("env", "gas", |_: Caller<'_, ChildState>, _opcodes: i32, gas: i64| gas)?;
    } else {
        linker.func_wrap_async("env", "callback", |mut caller: Caller<'_, ChildState>, (len, ptr): (i64, i64)| {
            Box::new(async move { callback(&mut caller, (len as u64, ptr as u64), None).await.map(drop) })
        })?;
        linker.func_wrap("env", "get_input_size", |caller: Caller<'_, ChildState>| -> i64 {
            caller.data().input.len() as i64
        })?;
        linker.func_wrap("env", "get_input", |mut caller: Caller<'_, ChildState>, ptr: i64| {
            get_input(&mut caller, ptr)
        })?;
        linker.func_wrap("env", "return_value", |mut caller: Caller<'_, ChildState>, len: i64, ptr: i64| {
            return_value(&mut caller, (len as u64, ptr as u64), None).map(drop)
        })?;
        linker.func_wrap("env", "gas", |_: Caller<'_, ChildState>, _opcodes: i32| {})?;
    }
    Ok(())
}

/// Whether a compiled submodule exports `main: () -> ()`.
pub fn has_main(module: &Module) -> bool {
    matches!(module.get_export("main"), Some(wasmtime::ExternType::Func(ty)) if ty.params().len() == 0 && ty.results().len() == 0)
}

/// What a child starts with.
pub struct ChildLimits<'a> {
    /// The VM config (costs, stack, memory, payload limit).
    pub config: &'a Config,
    /// The child's gas budget.
    pub gas_limit: Gas,
}

impl LiveSubmodule {
    /// A fresh store for `child` with its own gas budget and stack, ready to instantiate it and
    /// run its start function and `main` on the first [`LiveSubmodule::step`].
    pub fn spawn(child: &ChildModule, limits: ChildLimits<'_>) -> LiveSubmodule {
        let config = limits.config;
        let mailbox = Arc::new(Mutex::new(Mailbox::default()));
        let gas_limits =
            crate::logic::GasLimits { prepaid_gas: limits.gas_limit, max_gas_burnt: limits.gas_limit, is_view: false };
        let state = ChildState {
            gas_counter: GasCounter::new(config.ext_costs.clone(), gas_limits),
            metering: MeteringState::new(config),
            payload_limit: config.limit_config.max_submodule_payload_size,
            input: Vec::new(),
            mailbox: mailbox.clone(),
            memory: None,
        };
        let mut store = Store::new(child.pre.module().engine(), state);
        let pre = child.pre.clone();
        let fiber = Fiber::new(async move {
            let result = async {
                let instance = pre.instantiate_async(&mut store).await?;
                store.data_mut().memory = instance.get_memory(&mut store, CONTRACT_MEMORY_EXPORT);
                bind_gas_global(&mut store, &instance)?;
                if let Some(start) = instance.get_func(&mut store, CONTRACT_START_EXPORT) {
                    start.typed::<(), ()>(&store)?.call_async(&mut store, ()).await?;
                }
                let main = instance.get_typed_func::<(), ()>(&mut store, "main")?;
                main.call_async(&mut store, ()).await
            }
            .await;
            (store, result)
        });
        LiveSubmodule { fiber, mailbox, charged_gas: 0, last_yield: Vec::new() }
    }

    /// What the child passed to its last `callback` (after [`Step::Yielded`]).
    pub fn yielded(&self) -> &[u8] {
        &self.last_yield
    }

    /// Runs the child until it yields, returns or traps; `input` (when resuming) is what the
    /// child's `get_input` will see after its `callback` returns. Returns the step and the gas
    /// it burnt since the last step (to be charged to the parent).
    pub fn step(&mut self, input: Option<&[u8]>) -> (Step, Gas) {
        if let Some(input) = input {
            let mut mailbox = lock(&self.mailbox);
            mailbox.resume_input.clear();
            mailbox.resume_input.extend_from_slice(input);
            mailbox.input_set = true;
        }
        let (step, burnt_total) = match self.fiber.resume() {
            Progress::Suspended => {
                let mut mailbox = lock(&self.mailbox);
                std::mem::swap(&mut self.last_yield, &mut mailbox.yielded);
                (Step::Yielded, mailbox.burnt_gas)
            }
            Progress::AlreadyFinished => (Step::Trapped("the submodule had already finished".into()), self.charged_gas),
            Progress::Finished((mut store, result)) => {
                // Wasm gas burnt since the child's last host call; never fails (see
                // `crate::engine::metering`), and the counter is clamped if it did.
                let _ = sync_gas_in(&mut store);
                let burnt = store.data().gas_counter.burnt_gas();
                let mut mailbox = lock(&self.mailbox);
                let step = match result {
                    Ok(()) => Step::Returned(mailbox.returned.take().unwrap_or_default()),
                    Err(_) if mailbox.payload_limit_exceeded => Step::LimitExceeded,
                    Err(error) if error.downcast_ref::<wasmtime::PoolConcurrencyLimitError>().is_some() => {
                        Step::NodeFault(error.to_string())
                    }
                    Err(error) => match error.downcast_ref::<HostTrap>() {
                        Some(HostTrap(HostError::GasExceeded | HostError::GasLimitExceeded)) => Step::OutOfGas,
                        _ => Step::Trapped(bounded(&trap_to_error(&error).to_string())),
                    },
                };
                (step, burnt)
            }
        };
        let delta = burnt_total.saturating_sub(self.charged_gas);
        self.charged_gas = burnt_total.max(self.charged_gas);
        (step, delta)
    }
}
