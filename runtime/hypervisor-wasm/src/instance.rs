//! One call of a wasm handler: an instance of the pre-linked module as setup left it (a reused
//! one, `crate::reuse`, or a fresh one), the request written into its packet page,
//! `hv_handle`, then the response, error code and gas back to the hypervisor. A busy instance
//! is never re-entered: a nested call to the same account gets its own instance.

use crate::abi::{EXPORT_HANDLE, EXPORT_METADATA, WireMetadata};
use crate::imports::{Access, WasmState};
use crate::reuse::{Idle, Reuse};
use crate::setup::{Ended, Setup, finish, handle_request};
use near_hypervisor::{
    AccountHandler, ErrorCode, HandlerMetadata, Host, MessageMetadata, MessageName, MessageRequest, Volatility,
};
use near_parameters::ExtCosts;
use near_vm_runner::engine::{HostTrap, sync_gas_in};
use std::sync::Arc;
use wasmtime::Store;

/// A compiled, pre-linked handler module.
pub(crate) struct Compiled {
    pub(crate) setup: Setup,
    pub(crate) code_len: u64,
    /// How instances are put back as setup left them; `None`: a fresh instance per call.
    pub(crate) reuse: Option<Reuse>,
    /// Reused instances waiting for a call.
    pub(crate) idle: Idle,
}

impl Compiled {
    /// Runs `hv_metadata` (no host, a fixed gas budget) and decodes what it responds. With
    /// `map_len` (the module tracks its writes), also records what setup leaves ([`Reuse`]).
    ///
    /// # Errors
    /// `InvalidHandler` when it traps, runs out of gas or responds with malformed metadata.
    pub(crate) fn metadata(&mut self, map_len: Option<usize>) -> Result<HandlerMetadata, ErrorCode> {
        let mut store = self.setup.store(crate::abi::METADATA_GAS);
        let (instance, packet) = self.setup.instantiate(&mut store).map_err(|code| match code {
            ErrorCode::Fatal => ErrorCode::Fatal,
            _ => ErrorCode::InvalidHandler,
        })?;
        if let Some(map_len) = map_len {
            self.reuse = Some(Reuse::after_setup(&mut store, packet, map_len)?);
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
        let costs = &self.setup.config.ext_costs;
        let per_byte = costs.gas_cost(ExtCosts::contract_loading_bytes).saturating_mul(self.code_len);
        costs.gas_cost(ExtCosts::contract_loading_base).saturating_add(per_byte)
    }

    fn run(&self, request: &MessageRequest<'_>, host: &mut dyn Host) -> Result<Vec<u8>, ErrorCode> {
        host.consume_gas(self.loading_cost())?;
        if let Some(reuse) = &self.reuse
            && host.gas_left() >= reuse.setup_gas
        {
            return reuse.run(&self.setup, &self.idle, request, host);
        }
        let mut store = self.setup.store(host.gas_left());
        let (instance, packet) = match self.setup.instantiate(&mut store) {
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

/// A wasm account handler.
pub(crate) struct WasmHandler(pub(crate) Arc<Compiled>);

impl AccountHandler for WasmHandler {
    fn handle(&self, request: &MessageRequest<'_>, host: &mut dyn Host) -> Result<Vec<u8>, ErrorCode> {
        self.0.run(request, host)
    }
}
