//! Instance reuse: a call gets an idle instance put back exactly as a fresh one stands after
//! setup (instantiation, start function, `hv_packet`), so reuse is invisible to handlers and
//! to gas: same memory, same globals, same charges to the unit.
//!
//! The module tracks its own writes (`near_vm_runner::prepare::track_writes`): every store
//! marks a 256-byte granule in a write map. After a call that returned (with a response or an
//! error code) without growing memory, the marked granules and the ranges the host wrote are
//! copied back from a snapshot of memory taken after setup (all but the packet's header, which
//! the next request rewrites whole) and the marks cleared, and the instance waits for the next
//! call, which enters through the module's entry wrapper: it first puts the mutable globals
//! back. A call that trapped, ran out of gas or grew memory drops its instance. Setup burns the same gas in every instance
//! ([`Reuse::setup_gas`], imports are closed during setup); a reused instance is seeded as if
//! it had just burnt it, and a call that cannot afford it gets a fresh instance, which runs out
//! of gas in setup as it always did.

use crate::imports::WasmState;
use crate::setup::{Ended, Setup, finish, handle_request};
use near_hypervisor::packet::DATA_OFFSET;
use near_hypervisor::{ErrorCode, Host, MessageRequest};
use near_vm_runner::engine::{HostTrap, gas_after_setup, gas_from_wasm, sync_gas_in};
use near_vm_runner::prepare::{
    ENTRY_EXPORT, SAVE_GLOBALS_EXPORT, WRITE_GRANULE, WRITE_GRANULE_SHIFT, WRITE_MAP_EXPORT, WRITE_SPILL,
};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use wasmtime::{Memory, Store, TypedFunc};

/// Idle instances kept per handler code (nested calls to the same code each hold one).
pub const IDLE_PER_HANDLER: usize = 4;

/// The largest returned-bytes buffer an idle instance keeps for its next call.
const RETAINED_BYTES: usize = 64 * 1024;

/// What setup leaves in every instance of a module that tracks its writes.
pub(crate) struct Reuse {
    /// Memory right after setup.
    snapshot: Vec<u8>,
    /// Gas setup burns.
    pub(crate) setup_gas: u64,
    /// The packet's address.
    packet: u32,
    /// Write-map bytes that mark granules.
    map_len: usize,
}

/// Idle instances of one module, and the VM-wide count they share.
pub(crate) struct Idle {
    instances: Mutex<Vec<Warm>>,
    /// Idle instances the VM may still keep (across all its handlers).
    budget: Arc<AtomicUsize>,
}

impl Idle {
    /// An empty list drawing on `budget`.
    pub(crate) fn new(budget: Arc<AtomicUsize>) -> Idle {
        Idle { instances: Mutex::new(Vec::new()), budget }
    }

    fn take(&self) -> Option<Warm> {
        let warm = self.instances.lock().ok()?.pop()?;
        self.budget.fetch_add(1, Ordering::Relaxed);
        Some(warm)
    }

    fn park(&self, warm: Warm) {
        let Ok(mut instances) = self.instances.lock() else { return };
        let granted = self.budget.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| left.checked_sub(1));
        if instances.len() < IDLE_PER_HANDLER && granted.is_ok() {
            instances.push(warm);
        } else if granted.is_ok() {
            self.budget.fetch_add(1, Ordering::Relaxed);
        }
    }
}

impl Drop for Idle {
    fn drop(&mut self) {
        let kept = self.instances.get_mut().map_or(0, |instances| instances.len());
        self.budget.fetch_add(kept, Ordering::Relaxed);
    }
}

/// An instance between calls, as setup left it.
pub(crate) struct Warm {
    store: Store<WasmState>,
    memory: Memory,
    writes: Memory,
    /// `hv_handle` entered with setup's globals restored first, gas left passed in and out.
    enter: TypedFunc<(i64,), (i32, i64)>,
}

impl Reuse {
    /// Records what setup left in `store` (the first instance of the module, just set up):
    /// its memory and the gas it burnt.
    ///
    /// # Errors
    /// `InvalidHandler` when the instance has no memory or its gas cannot be read.
    pub(crate) fn after_setup(store: &mut Store<WasmState>, packet: u32, map_len: usize) -> Result<Reuse, ErrorCode> {
        sync_gas_in(&mut *store).map_err(|_| ErrorCode::InvalidHandler)?;
        let setup_gas = store.data().pending;
        let memory = store.data().memory.ok_or(ErrorCode::InvalidHandler)?;
        let snapshot = memory.data(&*store).to_vec();
        Ok(Reuse { snapshot, setup_gas, packet, map_len })
    }

    /// Runs one call on an idle instance (or a new one, set up now).
    pub(crate) fn run(
        &self,
        setup: &Setup,
        idle: &Idle,
        request: &MessageRequest<'_>,
        host: &mut dyn Host,
    ) -> Result<Vec<u8>, ErrorCode> {
        let mut warm = match idle.take() {
            Some(warm) => warm,
            None => self.warm(setup)?,
        };
        let state = warm.store.data_mut();
        state.budget = host.gas_left();
        state.pending = 0;
        state.returned.clear();
        state.response = None;
        let left = gas_after_setup(state, self.setup_gas).ok_or(ErrorCode::Fatal)?;
        let enter = &warm.enter;
        let call = |store: &mut Store<WasmState>| {
            let (code, left) = enter.call(&mut *store, (left,))?;
            gas_from_wasm(store.data_mut(), left).map_err(|error| wasmtime::Error::new(HostTrap(error)))?;
            Ok(code)
        };
        let ended = handle_request(&mut warm.store, warm.memory, self.packet, call, request, host)?;
        let reusable = matches!(ended, Ended::Returned(_));
        let result = finish(&mut warm.store, ended, host);
        if reusable && self.reset(&mut warm) {
            idle.park(warm);
        }
        result
    }

    /// A new instance, set up and checked against the snapshot.
    fn warm(&self, setup: &Setup) -> Result<Warm, ErrorCode> {
        let mut store = setup.store(self.setup_gas);
        // Setup succeeded once with this budget: failing now would be a node fault.
        let (instance, packet) = setup.instantiate(&mut store).map_err(|_| ErrorCode::Fatal)?;
        let memory = store.data().memory.ok_or(ErrorCode::Fatal)?;
        let writes = instance.get_memory(&mut store, WRITE_MAP_EXPORT).ok_or(ErrorCode::Fatal)?;
        let save = instance.get_typed_func::<(), ()>(&mut store, SAVE_GLOBALS_EXPORT).map_err(|_| ErrorCode::Fatal)?;
        let enter = instance.get_typed_func(&mut store, ENTRY_EXPORT).map_err(|_| ErrorCode::Fatal)?;
        // Setup is deterministic: a difference here would be a node fault, never reused.
        if packet != self.packet || memory.data(&store) != self.snapshot.as_slice() {
            return Err(ErrorCode::Fatal);
        }
        save.call(&mut store, ()).map_err(|_| ErrorCode::Fatal)?;
        writes.data_mut(&mut store)[..self.map_len].fill(0);
        Ok(Warm { store, memory, writes, enter })
    }

    /// Puts the instance's memory back as setup left it (its globals are put back when the next
    /// call enters); `false` when it cannot be (memory grew).
    fn reset(&self, warm: &mut Warm) -> bool {
        if warm.memory.data_size(&warm.store) != self.snapshot.len() {
            return false;
        }
        let granules = (self.snapshot.len() >> WRITE_GRANULE_SHIFT) + 1;
        let mut dirty = std::mem::take(&mut warm.store.data_mut().host_writes);
        take_marks(&mut warm.writes.data_mut(&mut warm.store)[..granules.min(self.map_len)], &mut dirty);
        // The packet's header is left as it is: the next call's request rewrites all of it
        // before the handler runs.
        let header = self.packet as usize..self.packet as usize + DATA_OFFSET;
        let memory = warm.memory.data_mut(&mut warm.store);
        for range in dirty.drain(..) {
            let end = range.end.min(self.snapshot.len());
            for part in [range.start..end.min(header.start), range.start.max(header.end)..end] {
                if part.start < part.end {
                    memory[part.clone()].copy_from_slice(&self.snapshot[part]);
                }
            }
        }
        let state = warm.store.data_mut();
        state.host_writes = dirty;
        // An idle instance keeps no large buffer from its last call.
        if state.returned.capacity() > RETAINED_BYTES {
            state.returned = Vec::new();
        }
        true
    }
}

/// Clears the marks in `map`, adding each marked granule's bytes (and the spill of a store
/// that crossed its end) to `dirty`.
fn take_marks(map: &mut [u8], dirty: &mut Vec<std::ops::Range<usize>>) {
    const BLOCK: usize = 64;
    for (block_index, block) in map.chunks_mut(BLOCK).enumerate() {
        // Most blocks are clear: an OR of their eight words skips them.
        if block.chunks(8).map(word).fold(0, |any, marks| any | marks) == 0 {
            continue;
        }
        for (word_index, marked) in block.chunks_mut(8).enumerate() {
            let mut marks = word(marked);
            if marks == 0 {
                continue;
            }
            marked.fill(0);
            while marks != 0 {
                let byte = (marks.trailing_zeros() / 8) as usize;
                marks &= !(0xff << (byte * 8));
                let granule = block_index * BLOCK + word_index * 8 + byte;
                let start = granule << WRITE_GRANULE_SHIFT;
                match dirty.last_mut() {
                    // A granule right after the previous one extends its range.
                    Some(last) if last.end == start + WRITE_SPILL => last.end = start + WRITE_GRANULE + WRITE_SPILL,
                    _ => dirty.push(start..start + WRITE_GRANULE + WRITE_SPILL),
                }
            }
        }
    }
}

/// Up to eight marks as one little-endian word.
fn word(marks: &[u8]) -> u64 {
    match <[u8; 8]>::try_from(marks) {
        Ok(bytes) => u64::from_le_bytes(bytes),
        Err(_) => marks.iter().rev().fold(0, |word, &mark| (word << 8) | u64::from(mark)),
    }
}
