//! One call of a wasm handler: an instance of the pre-linked module as setup left it (a reused
//! one, `crate::reuse`, or a fresh one), the request written into its packet page,
//! `hv_handle`, then the response, error code and gas back to the hypervisor. A busy instance
//! is never re-entered: a nested call to the same account gets its own instance.

use crate::abi::{EXPORT_HANDLE, EXPORT_METADATA, EXPORT_PACKET, WireMetadata};
use crate::imports::{Access, HOST, Stop, WasmState, packet_at};
use crate::reuse::{Idle, Reuse};
use near_hypervisor::packet::{self, DATA_CAPACITY, DATA_OFFSET, PACKET_SIZE};
use near_hypervisor::{
    AccountHandler, ErrorCode, HandlerMetadata, Host, MessageMetadata, MessageName, MessageRequest, Volatility,
};
use near_parameters::{Config, ExtCosts};
use near_primitives::errors::HostError;
use near_vm_runner::engine::{HostTrap, MeteringState, bind_gas_global, sync_gas_in};
use std::sync::Arc;
use wasmtime::{InstancePre, Store};

/// A compiled, pre-linked handler module.
pub(crate) struct Compiled {
    pub(crate) engine: wasmtime::Engine,
    pub(crate) pre: InstancePre<WasmState>,
    pub(crate) code_len: u64,
    pub(crate) config: Arc<Config>,
    /// How instances are put back as setup left them; `None`: a fresh instance per call.
    pub(crate) reuse: Option<Reuse>,
    /// Reused instances waiting for a call.
    pub(crate) idle: Idle,
}

/// How a run ended, before mapping to an error code.
pub(crate) enum Ended {
    Returned(i32),
    OutOfGas,
    Trapped,
    /// Setup failed with this code.
    Failed(ErrorCode),
}

impl Compiled {
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

    /// Runs `hv_metadata` (no host, a fixed gas budget) and decodes what it responds. With
    /// `map_len` (the module tracks its writes), also records what setup leaves ([`Reuse`]).
    ///
    /// # Errors
    /// `InvalidHandler` when it traps, runs out of gas or responds with malformed metadata.
    pub(crate) fn metadata(&mut self, map_len: Option<usize>) -> Result<HandlerMetadata, ErrorCode> {
        let mut store = self.store(crate::abi::METADATA_GAS);
        let (instance, packet) = self.instantiate(&mut store).map_err(|code| match code {
            ErrorCode::Fatal => ErrorCode::Fatal,
            _ => ErrorCode::InvalidHandler,
        })?;
        if let Some(map_len) = map_len {
            self.reuse = Reuse::after_setup(&mut store, packet, map_len)?;
        }
        store.data_mut().access = Access::Local;
        let export = instance.get_typed_func::<(), ()>(&mut store, EXPORT_METADATA);
        export.and_then(|f| f.call(&mut store, ())).map_err(|_| ErrorCode::InvalidHandler)?;
        let wire = store.data().response.as_deref().ok_or(ErrorCode::InvalidHandler)?;
        let wire: WireMetadata = borsh::from_slice(wire).map_err(|_| ErrorCode::InvalidHandler)?;
        let mut messages = Vec::with_capacity(wire.messages.len());
        for (name, volatility, extra) in wire.messages {
            let volatility = match volatility {
                0 => Volatility::Volatile,
                1 => Volatility::Readonly,
                2 => Volatility::Pure,
                _ => return Err(ErrorCode::InvalidHandler),
            };
            let name = MessageName::new(name).map_err(|_| ErrorCode::InvalidHandler)?;
            if messages.iter().any(|m: &MessageMetadata| m.name == name) {
                return Err(ErrorCode::InvalidHandler);
            }
            messages.push(MessageMetadata { name, volatility, extra });
        }
        Ok(HandlerMetadata { messages, state_config: wire.state_config, extra: wire.extra })
    }

    /// `contract_loading_base + contract_loading_bytes × code length`, as for contracts.
    fn loading_cost(&self) -> u64 {
        let costs = &self.config.ext_costs;
        let per_byte = costs.gas_cost(ExtCosts::contract_loading_bytes).saturating_mul(self.code_len);
        costs.gas_cost(ExtCosts::contract_loading_base).saturating_add(per_byte)
    }

    fn run(&self, request: &MessageRequest<'_>, host: &mut dyn Host) -> Result<Vec<u8>, ErrorCode> {
        host.consume_gas(self.loading_cost())?;
        if let Some(reuse) = &self.reuse
            && host.gas_left() >= reuse.setup_gas
        {
            return reuse.run(self, request, host);
        }
        let mut store = self.store(host.gas_left());
        let (instance, packet) = match self.instantiate(&mut store) {
            Ok(found) => found,
            // What setup burnt is charged (past the budget: out of gas).
            Err(code) => return finish(&mut store, Ended::Failed(code), host),
        };
        let handle = instance.get_typed_func::<(), i32>(&mut store, EXPORT_HANDLE).map_err(|_| ErrorCode::Other)?;
        let memory = store.data().memory.ok_or(ErrorCode::Other)?;
        let call = |store: &mut Store<WasmState>| {
            let code = handle.call(&mut *store, ())?;
            sync_gas_in(&mut *store).map_err(|error| wasmtime::Error::new(HostTrap(error)))?;
            Ok(code)
        };
        let ended = handle_request(&mut store, memory, packet, call, request, host)?;
        finish(&mut store, ended, host)
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

/// A wasm account handler.
pub(crate) struct WasmHandler(pub(crate) Arc<Compiled>);

impl AccountHandler for WasmHandler {
    fn handle(&self, request: &MessageRequest<'_>, host: &mut dyn Host) -> Result<Vec<u8>, ErrorCode> {
        self.0.run(request, host)
    }
}
