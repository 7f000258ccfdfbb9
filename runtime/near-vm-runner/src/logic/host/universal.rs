//! Universal accounts (protocol 88, NEP-655): a contract derives the `0u` id of a state init
//! and creates the account with a `UniversalStateInit` action carrying exactly those bytes. The
//! state init is decoded by the node (`External::check_state_init`,
//! `External::state_init_send_counts`), as nearcore's host does; charges in nearcore's order.
//! The runtime creates the account when the receipt arrives (`node_runtime`'s
//! `universal_account_id.rs`).

use crate::logic::logic::{Result, VMLogic};
use crate::logic::vmstate::{MemSlice, memory_get_u128};
use near_parameters::{ActionCosts, ExtCosts};
use near_primitives::action::{Action, UniversalStateInitAction};
use near_primitives::universal_state_init::universal_account_id;

impl VMLogic {
    /// Writes the `0u` account id of the state init bytes into a register and returns 0; from
    /// protocol 88 (`canonical_universal_state_init`) bytes that are not a canonical state init
    /// have no id: 1 (they do not decode) or 2 (not canonical), the register untouched.
    ///
    /// # Errors
    /// Memory and register limits, gas.
    ///
    /// # Cost
    /// `universal_state_init_to_account_id_base + input + universal_state_init_to_account_id_byte
    /// × len`, plus the register write on success
    pub fn universal_state_init_to_account_id(
        &mut self,
        mem: &mut [u8],
        state_init: MemSlice,
        register_id: u64,
    ) -> Result<u64> {
        self.gas_counter.pay_base(ExtCosts::universal_state_init_to_account_id_base)?;
        let bytes = self.get_memory_or_register(mem, state_init)?;
        self.gas_counter.pay_per(ExtCosts::universal_state_init_to_account_id_byte, bytes.len() as u64)?;
        if self.config.canonical_universal_state_init
            && let Err(error) = self.ext.check_state_init(&bytes)
        {
            return Ok(error.exit_status());
        }
        let id = universal_account_id(&bytes);
        self.internal_write_register(register_id, id.as_bytes())?;
        Ok(0)
    }

    /// Appends `UniversalStateInit` with the state init bytes and the u128 deposit at
    /// `amount_ptr` (whether the receiver is the account they derive is checked when the
    /// receipt is validated).
    ///
    /// # Errors
    /// `ProhibitedInView`, promise index errors, `BalanceExceeded`, gas.
    ///
    /// # Cost
    /// `base + inputs + universal_state_init_base + universal_state_init_byte × len` (charged
    /// before the node decodes the bytes) `+ universal_state_init_entry × entries +
    /// add_full_access_key × keys` (send burnt, execution reserved); the deposit leaves the
    /// balance.
    pub fn promise_batch_action_universal_state_init(
        &mut self,
        mem: &mut [u8],
        promise_idx: u64,
        state_init: MemSlice,
        amount_ptr: u64,
    ) -> Result<()> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        self.deny_in_view("promise_batch_action_universal_state_init")?;
        let bytes = self.get_memory_or_register(mem, state_init)?;
        let deposit = memory_get_u128(&mut self.gas_counter, mem, amount_ptr)?;
        let (index, sir) = self.promise_receipt_with_sir(promise_idx)?;
        self.pay_action_per_byte(ActionCosts::universal_state_init_base, 1, sir)?;
        self.pay_action_per_byte(ActionCosts::universal_state_init_byte, bytes.len() as u64, sir)?;
        let counts = self.ext.state_init_send_counts(&bytes);
        self.pay_action_per_byte(ActionCosts::universal_state_init_entry, counts.num_entries, sir)?;
        self.pay_action_per_byte(ActionCosts::add_full_access_key, counts.num_keys, sir)?;
        self.deduct_balance(deposit)?;
        let action = UniversalStateInitAction { state_init: bytes, deposit };
        self.receipt_manager.append_action(index, Action::UniversalStateInit(Box::new(action)));
        Ok(())
    }
}
