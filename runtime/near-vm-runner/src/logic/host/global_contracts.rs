//! Global contracts (protocol 77) and deterministic state init (protocol 82): the actions a
//! contract appends to deploy or use a global contract, to create a deterministic account, and
//! to give that account data entries. Charges and errors in nearcore's order.

use crate::logic::logic::{Result, VMLogic};
use crate::logic::vmstate::{MemSlice, memory_get_u128};
use near_parameters::{ActionCosts, ExtCosts};
use near_primitives::action::{
    Action, DeployGlobalContractAction, DeterministicStateInitAction, UseGlobalContractAction,
};
use near_primitives::deterministic_account_id::{DeterministicAccountStateInit, DeterministicAccountStateInitV1};
use near_primitives::errors::HostError;
use near_primitives::global_contract::{GlobalContractDeployMode, GlobalContractIdentifier};
use near_primitives::hash::CryptoHash;

/// How a host function names a global contract: a 32-byte code hash, or an account id.
#[derive(Clone, Copy)]
pub enum ContractIdArg {
    /// The code's hash: length (must be 32, or `u64::MAX` for a register) and pointer.
    CodeHash(MemSlice),
    /// The deploying account's id: length and pointer.
    AccountId(MemSlice),
}

impl VMLogic {
    /// Reads a global contract's name (a hash that is not 32 bytes is `ContractCodeHashMalformed`;
    /// an account id is charged for decoding and checked).
    fn read_contract_id(&mut self, mem: &[u8], id: ContractIdArg) -> Result<GlobalContractIdentifier> {
        match id {
            ContractIdArg::CodeHash(slice) => {
                let bytes = self.get_memory_or_register(mem, slice)?;
                let hash: [u8; 32] = bytes.try_into().map_err(|_| HostError::ContractCodeHashMalformed)?;
                Ok(GlobalContractIdentifier::CodeHash(CryptoHash(hash)))
            }
            ContractIdArg::AccountId(slice) => {
                Ok(GlobalContractIdentifier::AccountId(self.read_and_parse_account_id(mem, slice)?))
            }
        }
    }

    /// Appends `DeployGlobalContract` (named by the code's hash, or with `by_account` by the
    /// receiver).
    ///
    /// # Errors
    /// `ProhibitedInView`, `ContractSizeExceeded`, promise index errors, gas.
    ///
    /// # Cost
    /// `base + input + deploy_global_contract_base + deploy_global_contract_byte × len`
    pub fn promise_batch_action_deploy_global_contract(
        &mut self,
        mem: &mut [u8],
        promise_idx: u64,
        code: MemSlice,
        mode: GlobalContractDeployMode,
    ) -> Result<()> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        self.deny_in_view(match mode {
            GlobalContractDeployMode::CodeHash => "promise_batch_action_deploy_global_contract",
            GlobalContractDeployMode::AccountId => "promise_batch_action_deploy_global_contract_by_account_id",
        })?;
        let code = self.get_memory_or_register(mem, code)?;
        let limit = self.config.limit_config.max_contract_size;
        if code.len() as u64 > limit {
            return Err(HostError::ContractSizeExceeded { size: code.len() as u64, limit }.into());
        }
        let (index, sir) = self.promise_receipt_with_sir(promise_idx)?;
        self.pay_action_base(ActionCosts::deploy_global_contract_base, sir)?;
        self.pay_action_per_byte(ActionCosts::deploy_global_contract_byte, code.len() as u64, sir)?;
        let action = DeployGlobalContractAction { code, deploy_mode: mode };
        self.receipt_manager.append_action(index, Action::DeployGlobalContract(action));
        Ok(())
    }

    /// Appends `UseGlobalContract`.
    ///
    /// # Errors
    /// `ProhibitedInView`, `ContractCodeHashMalformed`, `BadUTF8`, `InvalidAccountId`, promise
    /// index errors, gas.
    ///
    /// # Cost
    /// `base + input (+ utf8 decoding for an account id) + use_global_contract_base +
    /// use_global_contract_byte × identifier length (32 for a hash)`
    pub fn promise_batch_action_use_global_contract(
        &mut self,
        mem: &mut [u8],
        promise_idx: u64,
        id: ContractIdArg,
    ) -> Result<()> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        self.deny_in_view(match id {
            ContractIdArg::CodeHash(_) => "promise_batch_action_use_global_contract",
            ContractIdArg::AccountId(_) => "promise_batch_action_use_global_contract_by_account_id",
        })?;
        let contract_identifier = self.read_contract_id(mem, id)?;
        let (index, sir) = self.promise_receipt_with_sir(promise_idx)?;
        self.pay_action_base(ActionCosts::use_global_contract_base, sir)?;
        self.pay_action_per_byte(ActionCosts::use_global_contract_byte, contract_identifier.len() as u64, sir)?;
        let action = UseGlobalContractAction { contract_identifier };
        self.receipt_manager.append_action(index, Action::UseGlobalContract(Box::new(action)));
        Ok(())
    }

    /// Appends `DeterministicStateInit` with the global contract `id`, no data entries yet and
    /// the u128 deposit at `amount_ptr`; returns the action's index in its receipt, for
    /// [`VMLogic::set_state_init_data_entry`].
    ///
    /// # Errors
    /// `ProhibitedInView`, contract id errors, `BalanceExceeded`, promise index errors, gas.
    ///
    /// # Cost
    /// `base + inputs (+ utf8 decoding) + deterministic_state_init_base`; the deposit leaves the
    /// balance.
    pub fn promise_batch_action_state_init(
        &mut self,
        mem: &mut [u8],
        promise_idx: u64,
        id: ContractIdArg,
        amount_ptr: u64,
    ) -> Result<u64> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        self.deny_in_view(match id {
            ContractIdArg::CodeHash(_) => "promise_batch_action_state_init",
            ContractIdArg::AccountId(_) => "promise_batch_action_state_init_by_account_id",
        })?;
        let code = self.read_contract_id(mem, id)?;
        let deposit = memory_get_u128(&mut self.gas_counter, mem, amount_ptr)?;
        let (index, sir) = self.promise_receipt_with_sir(promise_idx)?;
        self.pay_action_base(ActionCosts::deterministic_state_init_base, sir)?;
        self.deduct_balance(deposit)?;
        let state_init =
            DeterministicAccountStateInit::V1(DeterministicAccountStateInitV1 { code, data: Default::default() });
        let action = DeterministicStateInitAction { state_init, deposit };
        Ok(self.receipt_manager.append_action(index, Action::DeterministicStateInit(Box::new(action))))
    }

    /// Adds the entry `key → value` to the `DeterministicStateInit` at `action_index` of the
    /// promise's receipt.
    ///
    /// # Errors
    /// `ProhibitedInView`, promise index errors, `InvalidActionIndex` (no state init there),
    /// `DataEntryAlreadyExists`, gas.
    ///
    /// # Cost
    /// `base + inputs + deterministic_state_init_entry + deterministic_state_init_byte ×
    /// (key + value)` (send burnt, execution reserved)
    pub fn set_state_init_data_entry(
        &mut self,
        mem: &mut [u8],
        promise_idx: u64,
        action_index: u64,
        key: MemSlice,
        value: MemSlice,
    ) -> Result<()> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        self.deny_in_view("set_state_init_data_entry")?;
        let (index, sir) = self.promise_receipt_with_sir(promise_idx)?;
        let key = self.get_memory_or_register(mem, key)?;
        let value = self.get_memory_or_register(mem, value)?;
        self.pay_action_base(ActionCosts::deterministic_state_init_entry, sir)?;
        let bytes = (key.len() as u64).checked_add(value.len() as u64).ok_or(HostError::IntegerOverflow)?;
        self.pay_action_per_byte(ActionCosts::deterministic_state_init_byte, bytes, sir)?;
        Ok(self.receipt_manager.set_state_init_data_entry(index, action_index, key, value)?)
    }
}
