//! Gas keys (protocol 85): access keys with a balance of their own that pays for the gas of the
//! transactions they sign, and parallel nonces. A contract can add one to a receipt's receiver
//! and fund one. Charges in nearcore's order: a key that does not decode is charged as a key of
//! length 0 and fails (`InvalidPublicKey`) only after every fee, as nearcore's do.
//!
//! The content-dependent fee terms are `near_parameters::gas_key_fees`', shared with the
//! runtime that applies the actions; what the runner records and charges is nearcore's,
//! compared by nearcore-diff.

use crate::logic::host::promises::PermissionArgs;
use crate::logic::logic::{Result, VMLogic};
use crate::logic::vmstate::{MemSlice, memory_get_u128};
use near_parameters::gas_key_fees::{self, GasKeyTerm};
use near_parameters::{ActionCosts, ExtCosts};
use near_primitives::account::{AccessKey, AccessKeyPermission, GasKeyInfo};
use near_primitives::action::{Action, AddKeyAction, TransferToGasKeyAction};
use near_primitives::errors::HostError;
use near_primitives::types::Gas;

impl VMLogic {
    /// Gas-key fee terms (`near_parameters::gas_key_fees`), in order: for each, burns its send
    /// units and reserves both halves.
    fn pay_gas_key_terms(&mut self, sir: bool, terms: &[GasKeyTerm]) -> Result<()> {
        let mul = |gas: Gas, n: u64| gas.checked_mul(n).ok_or(HostError::IntegerOverflow);
        for &(cost, send_units, exec_units) in terms {
            let fee = *self.fees.fee(cost);
            let burn = mul(fee.send_fee(sir), send_units)?;
            let used = burn.checked_add(mul(fee.exec_fee(), exec_units)?).ok_or(HostError::IntegerOverflow)?;
            self.pay_action(cost, burn, used)?;
        }
        Ok(())
    }

    /// Appends `TransferToGasKey`: moves the u128 at `amount_ptr` from the balance to the
    /// receiver's gas key.
    ///
    /// # Errors
    /// `ProhibitedInView`, promise index errors, `BalanceExceeded`, `InvalidPublicKey` (after the
    /// fees and the deposit), gas.
    ///
    /// # Cost
    /// `base + inputs + gas_key_transfer_base + gas_key_byte × key length` (send burnt) and the
    /// execution half `gas_key_transfer_base + gas_key_byte × (access key's trie key + 27)`
    /// reserved; the deposit leaves the balance.
    pub fn promise_batch_action_transfer_to_gas_key(
        &mut self,
        mem: &mut [u8],
        promise_idx: u64,
        public_key: MemSlice,
        amount_ptr: u64,
    ) -> Result<()> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        self.deny_in_view("promise_batch_action_transfer_to_gas_key")?;
        let public_key = self.read_public_key(mem, public_key)?;
        // Both halves count the key's borsh length (before nearcore's `FixMlDsaCostCharging`,
        // off at protocol 88, which would count an ML-DSA-65 key's 33-byte handle when executed).
        let key_len = public_key.decoded_len();
        let deposit = memory_get_u128(&mut self.gas_counter, mem, amount_ptr)?;
        let (index, sir) = self.promise_receipt_with_sir(promise_idx)?;
        let receiver_len = self.receipt_manager.receiver(index).len();
        self.pay_gas_key_terms(sir, &gas_key_fees::transfer_terms(receiver_len, key_len, key_len))?;
        self.deduct_balance(deposit)?;
        let public_key = public_key.decode()?;
        let action = TransferToGasKeyAction { public_key, deposit };
        self.receipt_manager.append_action(index, Action::TransferToGasKey(Box::new(action)));
        Ok(())
    }

    /// Appends `AddKey` of a gas key with `num_nonces` nonces and full access, or with the
    /// function-call `permission`.
    ///
    /// # Errors
    /// `ProhibitedInView`, `IntegerOverflow` (more than `u16::MAX` nonces), permission errors
    /// (`BadUTF8`, `InvalidAccountId`, `EmptyMethodName`), promise index errors,
    /// `InvalidPublicKey` (after the fees), gas.
    ///
    /// # Cost
    /// `base + inputs + the access key's fee (full access, or function call with its method
    /// names) + gas_key_byte × 18` (send burnt), and reserved: the execution halves plus
    /// `num_nonces × (gas_key_nonce_write_base + gas_key_byte × (access key's trie key + 10))`
    pub fn promise_batch_action_add_gas_key(
        &mut self,
        mem: &mut [u8],
        promise_idx: u64,
        public_key: MemSlice,
        num_nonces: u64,
        permission: Option<PermissionArgs>,
    ) -> Result<()> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        self.deny_in_view(match permission {
            None => "promise_batch_action_add_gas_key_with_full_access",
            Some(_) => "promise_batch_action_add_gas_key_with_function_call",
        })?;
        let public_key = self.read_public_key(mem, public_key)?;
        let key_len = public_key.decoded_len();
        let num_nonces = u16::try_from(num_nonces).map_err(|_| HostError::IntegerOverflow)?;
        let permission = match permission {
            Some(args) => Some(self.read_permission(mem, &args)?),
            None => None,
        };
        let (index, sir) = self.promise_receipt_with_sir(promise_idx)?;
        match &permission {
            Some(permission) => self.pay_function_call_key(permission, sir)?,
            None => self.pay_action_base(ActionCosts::add_full_access_key, sir)?,
        }
        let receiver_len = self.receipt_manager.receiver(index).len();
        self.pay_gas_key_terms(sir, &gas_key_fees::add_key_terms(receiver_len, key_len, num_nonces))?;
        let public_key = public_key.decode()?;
        let info = GasKeyInfo { balance: 0, num_nonces };
        let permission = match permission {
            Some(permission) => AccessKeyPermission::GasKeyFunctionCall(info, permission),
            None => AccessKeyPermission::GasKeyFullAccess(info),
        };
        let access_key = AccessKey { nonce: 0, permission };
        self.receipt_manager.append_action(index, Action::AddKey(Box::new(AddKeyAction { public_key, access_key })));
        Ok(())
    }
}
