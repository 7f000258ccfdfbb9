//! The host side of contract execution: context, the `External` trait, gas accounting,
//! registers and memory access, and the host functions grouped by area in [`host`].

mod alt_bn128;
mod bls12381;
mod context;
mod dependencies;
mod gas_counter;
pub mod host;
#[allow(clippy::module_inception, reason = "mirrors nearcore's logic/logic.rs")]
mod logic;
pub mod mocks;
mod receipt_manager;
mod vmstate;

pub use context::{PromiseResult, VMContext, ViewConfig};
pub use dependencies::{External, ExternalFault, TrieNodesCount};
pub use gas_counter::{GasCounter, GasError, GasLimits, ProfileData};
pub use logic::{ReturnData, VMLogic, VMLogicError, VMOutcome};
pub use receipt_manager::{ActionReceiptMetadata, ReceiptIndex, ReceiptManager, YieldResume};
pub use vmstate::{MemSlice, Registers};

impl crate::engine::InstrumentationHost for VMLogic {
    fn burn_wasm_gas(&mut self, gas: u64) -> Result<(), near_primitives::errors::HostError> {
        self.gas_counter.burn_wasm_gas(gas).map_err(Into::into)
    }
    fn wasm_gas_allowance(&self) -> u64 {
        self.gas_counter.wasm_gas_allowance()
    }
    fn metering(&mut self) -> &mut crate::engine::MeteringState {
        &mut self.metering
    }
}
