//! One call of a wasm handler: a fresh instance of the pre-linked module, the request written
//! into its packet page, `hv_handle`, then the response, error code and gas back to the
//! hypervisor. A busy instance is never re-entered: a nested call to the same account gets its
//! own instance.

use crate::abi::{EXPORT_HANDLE, EXPORT_METADATA, EXPORT_PACKET, WireMetadata};
use crate::imports::{HOST, Stop, WasmState, packet_at};
use near_hypervisor::packet::{self, DATA_CAPACITY, PACKET_SIZE};
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
}

/// How a run ended, before mapping to an error code.
enum Ended {
    Returned(i32),
    OutOfGas,
    Trapped,
}

impl Compiled {
    fn state(&self, budget: u64, host_allowed: bool) -> WasmState {
        WasmState {
            memory: None,
            budget,
            pending: 0,
            metering: MeteringState::new(&self.config),
            returned: Vec::new(),
            response: None,
            host_allowed,
        }
    }

    /// Instantiates the module and finds its packet: `Err(Fatal)` when the instance pool is
    /// exhausted (a node limit), `Ok(None)` when the module traps or breaks the ABI.
    fn instantiate(&self, store: &mut Store<WasmState>) -> Result<Option<(wasmtime::Instance, u32)>, ErrorCode> {
        match self.pre.instantiate(&mut *store) {
            Ok(instance) => {
                bind_gas_global(store, &instance).map_err(|_| ErrorCode::Fatal)?;
                Ok(Self::packet(store, instance))
            }
            Err(error) if error.downcast_ref::<wasmtime::Trap>().is_some() => Ok(None),
            Err(error) if error.downcast_ref::<HostTrap>().is_some() || error.downcast_ref::<Stop>().is_some() => {
                Ok(None)
            }
            Err(_) => Err(ErrorCode::Fatal),
        }
    }

    fn packet(store: &mut Store<WasmState>, instance: wasmtime::Instance) -> Option<(wasmtime::Instance, u32)> {
        store.data_mut().memory = Some(instance.get_memory(&mut *store, "memory")?);
        let packet = instance.get_typed_func::<(), i32>(&mut *store, EXPORT_PACKET).ok()?.call(&mut *store, ()).ok()?;
        let packet = packet as u32;
        let memory = store.data().memory?;
        let fits = (packet as usize).checked_add(PACKET_SIZE).is_some_and(|end| end <= memory.data_size(&*store));
        ((packet as usize).is_multiple_of(PACKET_SIZE) && fits).then_some((instance, packet))
    }

    /// Runs `hv_metadata` (no host, a fixed gas budget) and decodes what it responds.
    ///
    /// # Errors
    /// `InvalidHandler` when it traps, runs out of gas or responds with malformed metadata.
    pub(crate) fn metadata(&self) -> Result<HandlerMetadata, ErrorCode> {
        let mut store = Store::new(&self.engine, self.state(crate::abi::METADATA_GAS, false));
        let (instance, _) = self.instantiate(&mut store)?.ok_or(ErrorCode::InvalidHandler)?;
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
        let mut store = Store::new(&self.engine, self.state(host.gas_left(), true));
        let (instance, packet) = self.instantiate(&mut store)?.ok_or(ErrorCode::Other)?;
        let memory = store.data().memory.ok_or(ErrorCode::Other)?;
        let (mem, state) = memory.data_and_store_mut(&mut store);
        let bytes = packet_at(mem, packet).map_err(|_| ErrorCode::Other)?;
        if request.data.len() <= DATA_CAPACITY {
            packet::write_request(bytes, request, None);
        } else {
            packet::write_request(bytes, request, Some(0));
            state.returned = request.data.to_vec();
        }
        let handle = instance.get_typed_func::<(), i32>(&mut store, EXPORT_HANDLE).map_err(|_| ErrorCode::Other)?;
        let ended = HOST.set(host, || match handle.call(&mut store, ()) {
            Ok(code) => Ended::Returned(code),
            Err(error) if out_of_gas(&error) => Ended::OutOfGas,
            Err(_) => Ended::Trapped,
        });
        // The gas burnt since the last import goes to the host; past the budget, the host marks
        // the call out of gas whatever it returned.
        let _ = sync_gas_in(&mut store); // never fails: wasm burns within what it was seeded with
        host.consume_gas(std::mem::take(&mut store.data_mut().pending))?;
        match ended {
            Ended::Returned(0) => Ok(store.data_mut().response.take().unwrap_or_default()),
            Ended::Returned(code) => {
                Err(u16::try_from(code).ok().and_then(ErrorCode::from_code).unwrap_or(ErrorCode::Other))
            }
            Ended::OutOfGas => Err(ErrorCode::OutOfGas),
            Ended::Trapped => Err(ErrorCode::Other),
        }
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
