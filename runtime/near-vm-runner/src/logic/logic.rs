//! `VMLogic`: the state of one contract execution that host functions read and change.

use super::context::VMContext;
use super::dependencies::{External, ExternalFault};
use super::gas_counter::{GasCounter, GasLimits, ProfileData};
use super::vmstate::{MemSlice, Registers, memory_get_slice, memory_get_vec};
use near_parameters::{Config, RuntimeFeesConfig};
use near_primitives::errors::HostError;
use near_primitives::types::{Balance, Gas, StorageUsage};
use std::sync::Arc;

/// Why a host function stopped the execution: the contract's fault (recorded in the outcome) or
/// the node's (the execution is abandoned). Never mixed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VMLogicError {
    /// The contract's fault.
    HostError(HostError),
    /// The node's fault.
    ExternalFault(ExternalFault),
}

impl From<HostError> for VMLogicError {
    fn from(error: HostError) -> Self {
        VMLogicError::HostError(error)
    }
}

impl From<crate::logic::GasError> for VMLogicError {
    fn from(error: crate::logic::GasError) -> Self {
        VMLogicError::HostError(error.into())
    }
}

impl From<ExternalFault> for VMLogicError {
    fn from(error: ExternalFault) -> Self {
        VMLogicError::ExternalFault(error)
    }
}

/// Result of a host function.
pub(crate) type Result<T, E = VMLogicError> = std::result::Result<T, E>;

/// What a call returned.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum ReturnData {
    /// `value_return` was called with these bytes.
    Value(Vec<u8>),
    /// The call returned a promise (set by `promise_return`).
    ReceiptIndex(u64),
    /// Nothing was returned.
    None,
}

/// The outcome of an execution, successful or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VMOutcome {
    /// The account's balance after the call.
    pub balance: Balance,
    /// The account's storage usage after the call.
    pub storage_usage: StorageUsage,
    /// What the call returned.
    pub return_data: ReturnData,
    /// Gas burnt.
    pub burnt_gas: Gas,
    /// Gas used (burnt plus attached to new receipts).
    pub used_gas: Gas,
    /// Compute usage (burnt gas plus the excess compute of storage operations), which the
    /// runtime counts against the chunk's compute limit.
    pub compute_usage: u64,
    /// Logs, in order.
    pub logs: Vec<String>,
    /// Gas by cost.
    pub profile: ProfileData,
    /// Receipts the call created (empty when it failed).
    pub action_receipts: Vec<super::receipt_manager::ActionReceiptMetadata>,
    /// NEP-519 resumes the call submitted (empty when it failed).
    pub yield_resumes: Vec<super::receipt_manager::YieldResume>,
    /// Function calls among `action_receipts` that asked for a share of the gas this call leaves
    /// unused ([`VMOutcome::distribute_unused_gas`]).
    pub gas_weights: Vec<super::receipt_manager::WeightedCall>,
    /// Tokens attached to new function calls without leaving the balance (the 1 yoctoNEAR a
    /// zero-balance contract may attach, `one_yocto_on_promise`): minted if the call succeeds.
    pub subsidized_amount: Balance,
    /// The error the call ended with, if any (state changes must then be discarded).
    pub aborted: Option<near_primitives::errors::FunctionCallError>,
}

impl VMOutcome {
    /// Gives the weighted function calls of a successful call their share of the gas it left
    /// unused out of `prepaid_gas`, which then counts as used. The runtime does this after the
    /// call, as nearcore's does (its runner's outcome leaves the gas undistributed).
    pub fn distribute_unused_gas(&mut self, prepaid_gas: Gas) {
        let unused = prepaid_gas.saturating_sub(self.used_gas);
        let weighted = std::mem::take(&mut self.gas_weights);
        let distributed = super::receipt_manager::distribute_gas(&mut self.action_receipts, &weighted, unused);
        self.used_gas = self.used_gas.saturating_add(distributed);
    }
}

/// A promise index's meaning: one receipt, or the join of several (`promise_and`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Promise {
    /// A receipt.
    Receipt(u64),
    /// Several receipts joined by `promise_and`.
    NotReceipt(Vec<u64>),
}

/// The state of one execution.
pub struct VMLogic {
    pub(crate) context: VMContext,
    pub(crate) config: Arc<Config>,
    pub(crate) fees: Arc<RuntimeFeesConfig>,
    pub(crate) ext: Box<dyn External>,
    pub(crate) gas_counter: GasCounter,
    pub(crate) registers: Registers,
    pub(crate) logs: Vec<String>,
    pub(crate) total_log_length: u64,
    pub(crate) return_data: ReturnData,
    pub(crate) storage_usage: StorageUsage,
    pub(crate) current_account_balance: Balance,
    /// See [`VMOutcome::subsidized_amount`].
    pub(crate) subsidized_amount: Balance,
    /// The instance's gas global and stack budget (see `crate::engine::metering`).
    pub(crate) metering: crate::engine::MeteringState,
    pub(crate) receipt_manager: super::receipt_manager::ReceiptManager,
    pub(crate) promises: Vec<Promise>,
    /// The host memory, set once the instance is created.
    pub(crate) memory: Option<wasmtime::Memory>,
    /// The contract the account runs (set by the runner), for `current_contract_code`.
    pub(crate) account_contract: near_primitives::account::AccountContract,
    /// NEP-481: compiles submodules for `start_submodule` (set by the runner).
    pub(crate) submodule_loader: Option<Arc<dyn crate::submodule::SubmoduleLoader>>,
    /// NEP-481: started submodules that have not finished, with their keys (at most
    /// `max_live_submodules`, 8: a scan finds one faster than a map would).
    pub(crate) live_submodules: Vec<(Vec<u8>, crate::submodule::LiveSubmodule)>,
}

impl VMLogic {
    /// A fresh execution state.
    pub fn new(
        context: VMContext,
        config: Arc<Config>,
        fees: Arc<RuntimeFeesConfig>,
        ext: Box<dyn External>,
    ) -> VMLogic {
        let limits = &config.limit_config;
        let gas_limits = match &context.view_config {
            Some(view) => GasLimits { prepaid_gas: 0, max_gas_burnt: view.max_gas_burnt, is_view: true },
            None => GasLimits { prepaid_gas: context.prepaid_gas, max_gas_burnt: limits.max_gas_burnt, is_view: false },
        };
        VMLogic {
            gas_counter: GasCounter::new(config.ext_costs.clone(), gas_limits),
            metering: crate::engine::MeteringState::new(&config),
            storage_usage: context.storage_usage,
            current_account_balance: context.account_balance.saturating_add(context.attached_deposit),
            subsidized_amount: 0,
            registers: Registers::default(),
            logs: Vec::new(),
            total_log_length: 0,
            return_data: ReturnData::None,
            receipt_manager: Default::default(),
            promises: Vec::new(),
            memory: None,
            account_contract: near_primitives::account::AccountContract::None,
            submodule_loader: None,
            live_submodules: Default::default(),
            context,
            config,
            fees,
            ext,
        }
    }

    /// The gas counter.
    pub fn gas_counter(&self) -> &GasCounter {
        &self.gas_counter
    }

    /// Builds the outcome; `aborted` is the error the call ended with.
    pub fn outcome(&self, aborted: Option<near_primitives::errors::FunctionCallError>) -> VMOutcome {
        VMOutcome {
            balance: self.current_account_balance,
            storage_usage: self.storage_usage,
            return_data: self.return_data.clone(),
            burnt_gas: self.gas_counter.burnt_gas(),
            used_gas: self.gas_counter.used_gas(),
            compute_usage: self.gas_counter.compute_usage(),
            logs: self.logs.clone(),
            profile: self.gas_counter.profile().clone(),
            action_receipts: if aborted.is_none() { self.receipt_manager.action_receipts.clone() } else { Vec::new() },
            yield_resumes: if aborted.is_none() { self.receipt_manager.yield_resumes.clone() } else { Vec::new() },
            gas_weights: if aborted.is_none() { self.receipt_manager.gas_weights.clone() } else { Vec::new() },
            subsidized_amount: if aborted.is_none() { self.subsidized_amount } else { 0 },
            aborted,
        }
    }

    /// The outcome of a call that did not happen (nearcore's "nop" outcome for a method that
    /// cannot be called): `aborted`, and no gas, logs or receipts.
    pub fn nop_outcome(&self, aborted: near_primitives::errors::FunctionCallError) -> VMOutcome {
        VMOutcome {
            balance: self.current_account_balance,
            storage_usage: self.storage_usage,
            return_data: ReturnData::None,
            burnt_gas: 0,
            used_gas: 0,
            compute_usage: 0,
            logs: Vec::new(),
            profile: ProfileData::default(),
            action_receipts: Vec::new(),
            yield_resumes: Vec::new(),
            gas_weights: Vec::new(),
            subsidized_amount: 0,
            aborted: Some(aborted),
        }
    }

    /// Takes the External back after the run.
    pub fn into_external(self) -> Box<dyn External> {
        self.ext
    }

    /// Fails in view calls, naming the function as nearcore does.
    pub(crate) fn deny_in_view(&self, method_name: &str) -> Result<()> {
        if self.context.is_view() {
            return Err(HostError::ProhibitedInView { method_name: method_name.to_string() }.into());
        }
        Ok(())
    }

    /// Bytes from memory, or from register `slice.ptr` when `slice.len == u64::MAX`, charged
    /// accordingly.
    pub(crate) fn get_memory_or_register(&mut self, mem: &[u8], slice: MemSlice) -> Result<Vec<u8>> {
        if slice.len == u64::MAX {
            Ok(self.registers.get(&mut self.gas_counter, slice.ptr)?.to_vec())
        } else {
            Ok(memory_get_vec(&mut self.gas_counter, mem, slice)?)
        }
    }

    /// Runs `f` on the bytes from memory, or from register `slice.ptr` when
    /// `slice.len == u64::MAX`, charged as [`VMLogic::get_memory_or_register`] charges them,
    /// without copying them.
    pub(crate) fn with_memory_or_register<R>(
        &mut self,
        mem: &[u8],
        slice: MemSlice,
        f: impl FnOnce(&mut GasCounter, &[u8]) -> std::result::Result<R, HostError>,
    ) -> Result<R> {
        let value = if slice.len == u64::MAX {
            self.registers.get(&mut self.gas_counter, slice.ptr)?
        } else {
            memory_get_slice(&mut self.gas_counter, mem, slice)?
        };
        Ok(f(&mut self.gas_counter, value)?)
    }

    /// Writes `data` into register `register_id`, charged as a register write.
    pub(crate) fn internal_write_register(&mut self, register_id: u64, data: &[u8]) -> Result<()> {
        Ok(self.registers.set(&mut self.gas_counter, &self.config.limit_config, register_id, data)?)
    }
}
