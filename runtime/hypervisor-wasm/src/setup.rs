//! Setting up one instance of a handler module (instantiation, the start function,
//! `hv_packet`) and running one call on it: the request written into its packet, `hv_handle`
//! (however the caller enters it), the gas handed to the host and the result mapped. Used by
//! fresh instances (`crate::instance`) and reused ones (`crate::reuse`) alike.

use crate::abi::EXPORT_PACKET;
use crate::imports::{Access, HOST, Stop, WasmState, packet_at};
use near_hypervisor::packet::{self, DATA_CAPACITY, DATA_OFFSET, PACKET_SIZE};
use near_hypervisor::{ErrorCode, Host, MessageRequest};
use near_parameters::Config;
use near_primitives::errors::HostError;
use near_vm_runner::engine::{HostTrap, MeteringState, bind_gas_global, sync_gas_in};
use std::sync::Arc;
use wasmtime::{InstancePre, Store};

/// A compiled, pre-linked handler module and what its instances need.
pub(crate) struct Setup {
    pub(crate) engine: wasmtime::Engine,
    pub(crate) pre: InstancePre<WasmState>,
    pub(crate) config: Arc<Config>,
}

/// How a run ended, before mapping to an error code.
pub(crate) enum Ended {
    Returned(i32),
    OutOfGas,
    Trapped,
    /// Setup failed with this code.
    Failed(ErrorCode),
}

impl Setup {
    /// A store for one instance with `budget` gas, imports closed until setup is over.
    pub(crate) fn store(&self, budget: u64) -> Store<WasmState> {
        let state = WasmState {
            memory: None,
            budget,
            pending: 0,
            metering: MeteringState::new(&self.config),
            returned: Vec::new(),
            response: None,
            access: Access::None,
            host_writes: Vec::new(),
        };
        Store::new(&self.engine, state)
    }

    /// Instantiates the module and finds its packet (setup).
    ///
    /// # Errors
    /// `Fatal` when the instance pool is exhausted (a node limit); `OutOfGas` when setup runs
    /// out of gas; `Other` when it traps or the module breaks the ABI (no memory, a packet
    /// that is not a 64 KiB-aligned page inside memory).
    pub(crate) fn instantiate(&self, store: &mut Store<WasmState>) -> Result<(wasmtime::Instance, u32), ErrorCode> {
        let instance = self.pre.instantiate(&mut *store).map_err(setup_error)?;
        bind_gas_global(store, &instance).map_err(|_| ErrorCode::Fatal)?;
        let memory = instance.get_memory(&mut *store, "memory").ok_or(ErrorCode::Other)?;
        store.data_mut().memory = Some(memory);
        let packet = instance.get_typed_func::<(), i32>(&mut *store, EXPORT_PACKET).map_err(|_| ErrorCode::Other)?;
        let packet = packet.call(&mut *store, ()).map_err(setup_error)? as u32;
        let fits = (packet as usize).checked_add(PACKET_SIZE).is_some_and(|end| end <= memory.data_size(&*store));
        if (packet as usize).is_multiple_of(PACKET_SIZE) && fits {
            Ok((instance, packet))
        } else {
            Err(ErrorCode::Other)
        }
    }
}

/// Writes `request` into the packet at `packet` and runs `call` (`hv_handle`, which must leave
/// the host's gas accounting synchronised when it returns) with `host`.
///
/// # Errors
/// `Other` when the packet is no longer inside memory.
pub(crate) fn handle_request(
    store: &mut Store<WasmState>,
    memory: wasmtime::Memory,
    packet: u32,
    call: impl FnOnce(&mut Store<WasmState>) -> wasmtime::Result<i32>,
    request: &MessageRequest<'_>,
    host: &mut dyn Host,
) -> Result<Ended, ErrorCode> {
    let (mem, state) = memory.data_and_store_mut(&mut *store);
    let bytes = packet_at(mem, packet).map_err(|_| ErrorCode::Other)?;
    let start = packet as usize;
    if request.data.len() <= DATA_CAPACITY {
        packet::write_request(bytes, request, None);
        state.wrote(start..start + DATA_OFFSET + request.data.len());
    } else {
        packet::write_request(bytes, request, Some(0));
        state.wrote(start..start + DATA_OFFSET);
        state.returned = request.data.to_vec();
    }
    state.access = Access::Host;
    Ok(HOST.set(host, || match call(&mut *store) {
        Ok(code) => Ended::Returned(code),
        Err(error) if out_of_gas(&error) => Ended::OutOfGas,
        Err(_) => Ended::Trapped,
    }))
}

/// Hands the call's remaining wasm gas to the host and maps how it ended to its result.
///
/// # Errors
/// The handler's error code, `OutOfGas`, or `Other` for a trap.
pub(crate) fn finish(store: &mut Store<WasmState>, ended: Ended, host: &mut dyn Host) -> Result<Vec<u8>, ErrorCode> {
    // The gas burnt since the last import goes to the host; past the budget, the host marks
    // the call out of gas whatever it returned. A call that returned has synchronised already.
    if !matches!(ended, Ended::Returned(_)) {
        let _ = sync_gas_in(&mut *store); // never fails: wasm burns within what it was seeded with
    }
    host.consume_gas(std::mem::take(&mut store.data_mut().pending))?;
    match ended {
        Ended::Returned(0) => Ok(store.data_mut().response.take().unwrap_or_default()),
        Ended::Returned(code) => {
            Err(u16::try_from(code).ok().and_then(ErrorCode::from_code).unwrap_or(ErrorCode::Other))
        }
        Ended::OutOfGas => Err(ErrorCode::OutOfGas),
        Ended::Trapped => Err(ErrorCode::Other),
        Ended::Failed(code) => Err(code),
    }
}

/// The code of an error raised during setup (instantiation or `hv_packet`).
fn setup_error(error: wasmtime::Error) -> ErrorCode {
    if out_of_gas(&error) {
        ErrorCode::OutOfGas
    } else if error.downcast_ref::<wasmtime::Trap>().is_some()
        || error.downcast_ref::<HostTrap>().is_some()
        || error.downcast_ref::<Stop>().is_some()
    {
        ErrorCode::Other
    } else {
        ErrorCode::Fatal
    }
}

fn out_of_gas(error: &wasmtime::Error) -> bool {
    matches!(error.downcast_ref::<Stop>(), Some(Stop::OutOfGas))
        || matches!(error.downcast_ref::<HostTrap>(), Some(HostTrap(HostError::GasExceeded)))
}
