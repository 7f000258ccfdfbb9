//! Gas keys (protocol 85): access keys with a balance of their own that pays for the gas of the
//! transactions they sign, and parallel nonces. A contract can add one to a receipt's receiver
//! and fund one. Charges in nearcore's order: a key that does not decode is charged as a key of
//! length 0 and fails (`InvalidPublicKey`) only after every fee, as nearcore's do.
//!
//! This runtime does not apply gas-key actions: their receipts fail validation
//! (`UnsupportedProtocolFeature`, see `node-runtime`'s verifier), so the call that creates one
//! fails there. What the runner records and charges is nearcore's, compared by nearcore-diff.

use crate::logic::host::promises::PermissionArgs;
use crate::logic::logic::{Result, VMLogic};
use crate::logic::vmstate::{MemSlice, memory_get_u128};
use near_parameters::{ActionCosts, ExtCosts};
use near_primitives::account::{AccessKey, AccessKeyPermission, GasKeyInfo};
use near_primitives::action::{Action, AddKeyAction, TransferToGasKeyAction};
use near_primitives::errors::HostError;
use near_primitives::types::Gas;

/// Bytes of an access key's trie key: column, account id, separator, public key.
fn access_key_key_len(account_id_len: usize, public_key_len: usize) -> u64 {
    (1 + account_id_len + 1 + public_key_len) as u64
}

/// Borsh length of the smallest gas key record (`nonce: u64`, permission tag, `balance: u128`,
/// `num_nonces: u16`): what a transfer to it is charged for reading and writing.
const MIN_GAS_KEY_RECORD_LEN: u64 = 8 + 1 + 16 + 2;
/// Borsh length of a `GasKeyInfo` (`balance: u128`, `num_nonces: u16`).
const GAS_KEY_INFO_LEN: u64 = 16 + 2;
/// Each nonce of a gas key is a trie entry: the access key's key plus a `u16` index, and a
/// `u64` value.
const NONCE_INDEX_LEN: u64 = 2;
const NONCE_VALUE_LEN: u64 = 8;

impl VMLogic {
    /// The two parts of a gas-key fee, each `(send, exec)`: burns the send part, reserves both.
    fn pay_gas_key_parts(&mut self, base: (Gas, Gas), per_byte: (Gas, Gas)) -> Result<()> {
        let used = |(send, exec): (Gas, Gas)| send.checked_add(exec).ok_or(HostError::IntegerOverflow);
        self.pay_action(ActionCosts::gas_key_transfer_base, base.0, used(base)?)?;
        self.pay_action(ActionCosts::gas_key_byte, per_byte.0, used(per_byte)?)
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
        let key_len = public_key.decoded_len();
        let deposit = memory_get_u128(&mut self.gas_counter, mem, amount_ptr)?;
        let (index, sir) = self.promise_receipt_with_sir(promise_idx)?;
        let receiver_len = self.receipt_manager.receiver(index).len();
        let (base, byte) =
            (*self.fees.fee(ActionCosts::gas_key_transfer_base), *self.fees.fee(ActionCosts::gas_key_byte));
        let mul = |gas: Gas, n: u64| gas.checked_mul(n).ok_or(HostError::IntegerOverflow);
        let send_bytes = mul(byte.send_fee(sir), key_len as u64)?;
        let exec_bytes = mul(byte.exec_fee(), access_key_key_len(receiver_len, key_len) + MIN_GAS_KEY_RECORD_LEN)?;
        self.pay_gas_key_parts((base.send_fee(sir), base.exec_fee()), (send_bytes, exec_bytes))?;
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
        let nonces = u64::from(num_nonces);
        let (write, byte) =
            (*self.fees.fee(ActionCosts::gas_key_nonce_write_base), *self.fees.fee(ActionCosts::gas_key_byte));
        let mul = |gas: Gas, n: u64| gas.checked_mul(n).ok_or(HostError::IntegerOverflow);
        self.pay_action(ActionCosts::gas_key_nonce_write_base, 0, mul(write.exec_fee(), nonces)?)?;
        let nonce_entry = access_key_key_len(receiver_len, key_len) + NONCE_INDEX_LEN + NONCE_VALUE_LEN;
        let send = mul(byte.send_fee(sir), GAS_KEY_INFO_LEN)?;
        let exec = mul(mul(byte.exec_fee(), nonce_entry)?, nonces)?;
        self.pay_action(ActionCosts::gas_key_byte, send, send.checked_add(exec).ok_or(HostError::IntegerOverflow)?)?;
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
