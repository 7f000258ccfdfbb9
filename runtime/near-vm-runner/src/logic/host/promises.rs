//! Promise and action host functions. Fees follow nearcore: a new receipt burns its send fee
//! (and, for each data dependency, the data receipt's send and execution fees) and reserves its
//! execution fee; each action burns its send fee and reserves its execution fee; attached gas is
//! reserved (used, not burnt); deposits come out of the account's balance.

use crate::logic::logic::{Promise, Result, ReturnData, VMLogic};
use crate::logic::receipt_manager::ReceiptIndex;
use crate::logic::vmstate::{MemSlice, memory_get_u128, memory_get_vec};
use near_parameters::transfer_fees::transfer_costs;
use near_parameters::{ActionCosts, ExtCosts};
use near_primitives::account::{AccessKey, AccessKeyPermission, FunctionCallPermission};
use near_primitives::action::*;
use near_primitives::crypto::PublicKey;
use near_primitives::errors::HostError;
use near_primitives::types::{AccountId, Balance, Gas, GasWeight};

/// A function call's parameters as the host function receives them.
pub struct FunctionCallArgs {
    /// Method name: length (or `u64::MAX` for a register) and pointer.
    pub method_name: MemSlice,
    /// Arguments: length (or `u64::MAX`) and pointer.
    pub arguments: MemSlice,
    /// Pointer to the u128 deposit.
    pub amount_ptr: u64,
    /// Gas attached.
    pub gas: Gas,
    /// Share of unused gas requested.
    pub gas_weight: u64,
}

/// A function-call access key's parameters as the host function receives them.
pub struct FunctionCallKeyArgs {
    /// Public key: length and pointer.
    pub public_key: MemSlice,
    /// Nonce.
    pub nonce: u64,
    /// What the key may call.
    pub permission: PermissionArgs,
}

/// A function-call permission's parameters as the host functions receive them.
pub struct PermissionArgs {
    /// Pointer to the u128 allowance (0 = unlimited).
    pub allowance_ptr: u64,
    /// Receiver id: length and pointer.
    pub receiver_id: MemSlice,
    /// Comma-separated method names: length and pointer.
    pub method_names: MemSlice,
}

/// A public key read from memory, decoded or not (see [`VMLogic::read_public_key`]).
pub(crate) struct ReadKey(Option<PublicKey>);

impl ReadKey {
    /// The key's borsh length, 0 when it does not decode (what nearcore charges such a key as).
    pub(crate) fn decoded_len(&self) -> usize {
        self.0.as_ref().map_or(0, PublicKey::len)
    }

    /// The key.
    ///
    /// # Errors
    /// `InvalidPublicKey` when the bytes were not a borsh public key.
    pub(crate) fn decode(self) -> Result<PublicKey> {
        Ok(self.0.ok_or(HostError::InvalidPublicKey)?)
    }
}

impl VMLogic {
    pub(crate) fn overflow() -> HostError {
        HostError::IntegerOverflow
    }

    /// Reads and validates an account id (utf8 decoding is charged).
    pub(crate) fn read_and_parse_account_id(&mut self, mem: &[u8], slice: MemSlice) -> Result<AccountId> {
        let bytes = self.get_memory_or_register(mem, slice)?;
        self.gas_counter.pay_base(ExtCosts::utf8_decoding_base)?;
        self.gas_counter.pay_per(ExtCosts::utf8_decoding_byte, bytes.len() as u64)?;
        let text = String::from_utf8(bytes).map_err(|_| HostError::BadUTF8)?;
        Ok(text.parse().map_err(|_| HostError::InvalidAccountId)?)
    }

    /// Reads a borsh public key; whether it decodes is reported only when the caller asks
    /// ([`ReadKey::decode`]), after the action's fees: nearcore charges a key that does not
    /// decode the action's fees before failing with `InvalidPublicKey`.
    pub(crate) fn read_public_key(&mut self, mem: &[u8], slice: MemSlice) -> Result<ReadKey> {
        let bytes = self.get_memory_or_register(mem, slice)?;
        Ok(ReadKey(borsh::from_slice(&bytes).ok()))
    }

    /// Reads a function-call permission: the allowance (0 is unlimited), the receiver (checked)
    /// and the comma-separated method names (none empty, each UTF-8), in nearcore's order.
    pub(crate) fn read_permission(&mut self, mem: &[u8], args: &PermissionArgs) -> Result<FunctionCallPermission> {
        let allowance = memory_get_u128(&mut self.gas_counter, mem, args.allowance_ptr)?;
        let receiver_id = self.read_and_parse_account_id(mem, args.receiver_id)?;
        let raw_names = self.get_memory_or_register(mem, args.method_names)?;
        let mut method_names = Vec::new();
        if !raw_names.is_empty() {
            for name in raw_names.split(|b| *b == b',') {
                if name.is_empty() {
                    return Err(HostError::EmptyMethodName.into());
                }
                method_names.push(String::from_utf8(name.to_vec()).map_err(|_| HostError::BadUTF8)?);
            }
        }
        Ok(FunctionCallPermission {
            allowance: (allowance > 0).then_some(allowance),
            receiver_id: receiver_id.to_string(),
            method_names,
        })
    }

    /// The fees of adding a function-call key: base, and per byte of the method names (each
    /// counted with a terminator).
    pub(crate) fn pay_function_call_key(&mut self, permission: &FunctionCallPermission, sir: bool) -> Result<()> {
        let bytes: u64 = permission.method_names.iter().map(|n| n.len() as u64 + 1).sum();
        self.pay_action_base(ActionCosts::add_function_call_key_base, sir)?;
        self.pay_action_per_byte(ActionCosts::add_function_call_key_byte, bytes, sir)
    }

    /// Burns `burn` and reserves `use_gas` for an action fee.
    pub(crate) fn pay_action(&mut self, cost: ActionCosts, burn: Gas, use_gas: Gas) -> Result<()> {
        Ok(self.gas_counter.pay_action_fee(cost, burn, use_gas)?)
    }

    pub(crate) fn pay_action_base(&mut self, cost: ActionCosts, sir: bool) -> Result<()> {
        let fee = *self.fees.fee(cost);
        let burn = fee.send_fee(sir);
        self.pay_action(cost, burn, burn.checked_add(fee.exec_fee()).ok_or_else(Self::overflow)?)
    }

    pub(crate) fn pay_action_per_byte(&mut self, cost: ActionCosts, bytes: u64, sir: bool) -> Result<()> {
        let fee = *self.fees.fee(cost);
        let burn = fee.send_fee(sir).checked_mul(bytes).ok_or_else(Self::overflow)?;
        let exec = fee.exec_fee().checked_mul(bytes).ok_or_else(Self::overflow)?;
        self.pay_action(cost, burn, burn.checked_add(exec).ok_or_else(Self::overflow)?)
    }

    /// The fees of a new receipt with the given data dependencies (each: is its sender the
    /// new receipt's receiver).
    pub(crate) fn pay_gas_for_new_receipt(&mut self, sir: bool, dependencies: &[bool]) -> Result<()> {
        let receipt = *self.fees.fee(ActionCosts::new_action_receipt);
        let data = *self.fees.fee(ActionCosts::new_data_receipt_base);
        let mut burn = receipt.send_fee(sir);
        let mut use_gas = burn.checked_add(receipt.exec_fee()).ok_or_else(Self::overflow)?;
        for &dependency_sir in dependencies {
            let data_cost = data.send_fee(dependency_sir).checked_add(data.exec_fee()).ok_or_else(Self::overflow)?;
            burn = burn.checked_add(data_cost).ok_or_else(Self::overflow)?;
            use_gas = use_gas.checked_add(data_cost).ok_or_else(Self::overflow)?;
        }
        self.pay_action(ActionCosts::new_action_receipt, burn, use_gas)
    }

    pub(crate) fn checked_push_promise(&mut self, promise: Promise) -> Result<u64> {
        let limit = self.config.limit_config.max_promises_per_function_call_action;
        let index = self.promises.len() as u64;
        if index >= limit {
            return Err(HostError::NumberPromisesExceeded { number_of_promises: index + 1, limit }.into());
        }
        self.promises.push(promise);
        Ok(index)
    }

    fn promise(&self, promise_idx: u64) -> Result<&Promise> {
        usize::try_from(promise_idx)
            .ok()
            .and_then(|i| self.promises.get(i))
            .ok_or_else(|| HostError::InvalidPromiseIndex { promise_idx }.into())
    }

    /// The receipt behind a promise index, and whether it goes to the current account.
    pub(crate) fn promise_receipt_with_sir(&self, promise_idx: u64) -> Result<(ReceiptIndex, bool)> {
        match self.promise(promise_idx)? {
            Promise::Receipt(index) => {
                let sir = self.receipt_manager.receiver(*index) == &self.context.current_account_id;
                Ok((*index, sir))
            }
            Promise::NotReceipt(_) => Err(HostError::CannotAppendActionToJointPromise.into()),
        }
    }

    /// Takes a new function call's deposit from the balance, except exactly 1 yoctoNEAR from a
    /// contract whose balance is zero (`one_yocto_on_promise`): that one is subsidized.
    pub(crate) fn deduct_call_deposit(&mut self, amount: Balance) -> Result<()> {
        if amount == 1 && self.config.one_yocto_on_promise && self.current_account_balance == 0 {
            self.subsidized_amount = self.subsidized_amount.checked_add(amount).ok_or_else(Self::overflow)?;
            return Ok(());
        }
        self.deduct_balance(amount)
    }

    pub(crate) fn deduct_balance(&mut self, amount: Balance) -> Result<()> {
        self.current_account_balance =
            self.current_account_balance.checked_sub(amount).ok_or(HostError::BalanceExceeded)?;
        Ok(())
    }

    /// Creates a receipt to `account_id` with no actions yet; returns its promise index.
    ///
    /// # Errors
    /// `ProhibitedInView{promise_batch_create}`, `BadUTF8`, `InvalidAccountId`,
    /// `NumberPromisesExceeded`, gas.
    ///
    /// # Cost
    /// `base + input + utf8 decoding + new_action_receipt (send burnt, exec reserved)`
    pub fn promise_batch_create(&mut self, mem: &mut [u8], account_id_len: u64, account_id_ptr: u64) -> Result<u64> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        self.deny_in_view("promise_batch_create")?;
        let account_id = self.read_and_parse_account_id(mem, MemSlice::new(account_id_len, account_id_ptr))?;
        let sir = account_id == self.context.current_account_id;
        self.pay_gas_for_new_receipt(sir, &[])?;
        let ext = &mut self.ext;
        let index = self.receipt_manager.create_action_receipt(&[], account_id, || ext.generate_data_id());
        self.checked_push_promise(Promise::Receipt(index))
    }

    /// Creates a receipt to `account_id` that runs after promise `promise_idx` and sees its
    /// results; returns its promise index.
    ///
    /// # Errors
    /// `ProhibitedInView{promise_batch_then}`, `InvalidPromiseIndex`, account id errors,
    /// `NumberPromisesExceeded`, gas.
    ///
    /// # Cost
    /// `base + input + utf8 decoding + new_action_receipt + new_data_receipt_base (send + exec,
    /// burnt) per dependency`
    pub fn promise_batch_then(
        &mut self,
        mem: &mut [u8],
        promise_idx: u64,
        account_id_len: u64,
        account_id_ptr: u64,
    ) -> Result<u64> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        self.deny_in_view("promise_batch_then")?;
        let account_id = self.read_and_parse_account_id(mem, MemSlice::new(account_id_len, account_id_ptr))?;
        let dependencies = match self.promise(promise_idx)? {
            Promise::Receipt(index) => vec![*index],
            Promise::NotReceipt(indices) => indices.clone(),
        };
        let sir = account_id == self.context.current_account_id;
        let dependency_sir: Vec<bool> =
            dependencies.iter().map(|&d| self.receipt_manager.receiver(d) == &account_id).collect();
        self.pay_gas_for_new_receipt(sir, &dependency_sir)?;
        let ext = &mut self.ext;
        let index = self.receipt_manager.create_action_receipt(&dependencies, account_id, || ext.generate_data_id());
        self.checked_push_promise(Promise::Receipt(index))
    }

    /// Joins promises: the result is a promise whose callbacks see all their results.
    ///
    /// # Errors
    /// `ProhibitedInView{promise_and}`, `InvalidPromiseIndex`, `MemoryAccessViolation`,
    /// `NumberInputDataDependenciesExceeded`, `NumberPromisesExceeded`, gas.
    ///
    /// # Cost
    /// `base + promise_and_base + promise_and_per_promise × 8 × count + memory read of 8 × count`
    pub fn promise_and(&mut self, mem: &mut [u8], promise_idx_ptr: u64, promise_idx_count: u64) -> Result<u64> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        self.deny_in_view("promise_and")?;
        self.gas_counter.pay_base(ExtCosts::promise_and_base)?;
        let bytes_len = promise_idx_count.checked_mul(8).ok_or_else(Self::overflow)?;
        // Charged per byte of the index array (the parameter's name notwithstanding), before
        // the array is read, as nearcore charges it.
        self.gas_counter.pay_per(ExtCosts::promise_and_per_promise, bytes_len)?;
        let bytes = memory_get_vec(&mut self.gas_counter, mem, MemSlice::new(bytes_len, promise_idx_ptr))?;
        let limit = self.config.limit_config.max_number_input_data_dependencies;
        let mut receipts = Vec::new();
        for chunk in bytes.chunks(8) {
            let index = u64::from_le_bytes(chunk.try_into().expect("chunks of 8"));
            match self.promise(index)? {
                Promise::Receipt(receipt) => receipts.push(*receipt),
                Promise::NotReceipt(joined) => receipts.extend(joined.iter().copied()),
            }
            if receipts.len() as u64 > limit {
                let number_of_input_data_dependencies = receipts.len() as u64;
                return Err(HostError::NumberInputDataDependenciesExceeded {
                    number_of_input_data_dependencies,
                    limit,
                }
                .into());
            }
        }
        self.checked_push_promise(Promise::NotReceipt(receipts))
    }

    /// `promise_batch_create` + `promise_batch_action_function_call`.
    ///
    /// # Errors
    /// As both.
    ///
    /// # Cost
    /// As both.
    pub fn promise_create(&mut self, mem: &mut [u8], account_id: MemSlice, call: FunctionCallArgs) -> Result<u64> {
        let index = self.promise_batch_create(mem, account_id.len, account_id.ptr)?;
        self.promise_batch_action_function_call_weight(mem, index, call)?;
        Ok(index)
    }

    /// `promise_batch_then` + `promise_batch_action_function_call`.
    ///
    /// # Errors
    /// As both.
    ///
    /// # Cost
    /// As both.
    pub fn promise_then(
        &mut self,
        mem: &mut [u8],
        promise_idx: u64,
        account_id: MemSlice,
        call: FunctionCallArgs,
    ) -> Result<u64> {
        let index = self.promise_batch_then(mem, promise_idx, account_id.len, account_id.ptr)?;
        self.promise_batch_action_function_call_weight(mem, index, call)?;
        Ok(index)
    }

    /// Appends `CreateAccount`.
    ///
    /// # Errors
    /// `ProhibitedInView`, `InvalidPromiseIndex`, `CannotAppendActionToJointPromise`, gas.
    ///
    /// # Cost
    /// `base + create_account fee`
    pub fn promise_batch_action_create_account(&mut self, _mem: &mut [u8], promise_idx: u64) -> Result<()> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        self.deny_in_view("promise_batch_action_create_account")?;
        let (index, sir) = self.promise_receipt_with_sir(promise_idx)?;
        self.pay_action_base(ActionCosts::create_account, sir)?;
        self.receipt_manager.append_action(index, Action::CreateAccount(CreateAccountAction {}));
        Ok(())
    }

    /// Sets who receives the deposits the promise's receipt refunds if it fails (nearcore's
    /// `refund_to`; otherwise the current account, its predecessor).
    ///
    /// # Errors
    /// `ProhibitedInView{promise_set_refund_to}`, `BadUTF8`, `InvalidAccountId`,
    /// `InvalidPromiseIndex`, `CannotSetRefundToOnJointPromise`, gas.
    ///
    /// # Cost
    /// `base + input + utf8 decoding`
    pub fn promise_set_refund_to(&mut self, mem: &mut [u8], promise_idx: u64, account_id: MemSlice) -> Result<()> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        self.deny_in_view("promise_set_refund_to")?;
        let refund_to = self.read_and_parse_account_id(mem, account_id)?;
        match self.promise(promise_idx)? {
            Promise::Receipt(index) => {
                let index = *index;
                self.receipt_manager.set_refund_to(index, refund_to);
                Ok(())
            }
            Promise::NotReceipt(_) => Err(HostError::CannotSetRefundToOnJointPromise.into()),
        }
    }

    /// Appends `DeployContract`.
    ///
    /// # Errors
    /// `ProhibitedInView`, `ContractSizeExceeded`, promise index errors, gas.
    ///
    /// # Cost
    /// `base + input + deploy_contract_base + deploy_contract_byte × len`
    pub fn promise_batch_action_deploy_contract(
        &mut self,
        mem: &mut [u8],
        promise_idx: u64,
        code_len: u64,
        code_ptr: u64,
    ) -> Result<()> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        self.deny_in_view("promise_batch_action_deploy_contract")?;
        let code = self.get_memory_or_register(mem, MemSlice::new(code_len, code_ptr))?;
        let limit = self.config.limit_config.max_contract_size;
        if code.len() as u64 > limit {
            return Err(HostError::ContractSizeExceeded { size: code.len() as u64, limit }.into());
        }
        let (index, sir) = self.promise_receipt_with_sir(promise_idx)?;
        self.pay_action_base(ActionCosts::deploy_contract_base, sir)?;
        self.pay_action_per_byte(ActionCosts::deploy_contract_byte, code.len() as u64, sir)?;
        self.receipt_manager.append_action(index, Action::DeployContract(DeployContractAction { code }));
        Ok(())
    }

    /// Appends a `FunctionCall` with a share of unused gas (`gas_weight`).
    ///
    /// # Errors
    /// `ProhibitedInView{promise_batch_action_function_call}`, `EmptyMethodName`,
    /// `InvalidMethodName`, `BalanceExceeded`, promise index errors, gas.
    ///
    /// # Cost
    /// `base + inputs + function_call_base + function_call_byte × (method + args)`; `gas` is
    /// reserved; the deposit leaves the balance.
    pub fn promise_batch_action_function_call_weight(
        &mut self,
        mem: &mut [u8],
        promise_idx: u64,
        call: FunctionCallArgs,
    ) -> Result<()> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        self.deny_in_view("promise_batch_action_function_call")?;
        let amount = memory_get_u128(&mut self.gas_counter, mem, call.amount_ptr)?;
        let method_name = self.get_memory_or_register(mem, call.method_name)?;
        if method_name.is_empty() {
            return Err(HostError::EmptyMethodName.into());
        }
        let args = self.get_memory_or_register(mem, call.arguments)?;
        let (index, sir) = self.promise_receipt_with_sir(promise_idx)?;
        let bytes = (method_name.len() as u64).checked_add(args.len() as u64).ok_or_else(Self::overflow)?;
        self.pay_action_base(ActionCosts::function_call_base, sir)?;
        self.pay_action_per_byte(ActionCosts::function_call_byte, bytes, sir)?;
        self.gas_counter.prepay_gas(call.gas)?;
        self.deduct_call_deposit(amount)?;
        let method_name = String::from_utf8(method_name).map_err(|_| HostError::InvalidMethodName)?;
        let action = FunctionCallAction { method_name, args, gas: call.gas, deposit: amount };
        self.receipt_manager.append_function_call(index, action, GasWeight(call.gas_weight));
        Ok(())
    }

    /// Appends `Transfer`.
    ///
    /// # Errors
    /// `ProhibitedInView`, `BalanceExceeded`, promise index errors, gas.
    ///
    /// # Cost
    /// `base + memory read of 16 + transfer fee` (with `create_account`, and for a NEAR-implicit
    /// receiver `add_full_access_key`, when the receiver is an implicit id a transfer may create:
    /// [`near_parameters::transfer_fees`])
    pub fn promise_batch_action_transfer(&mut self, mem: &mut [u8], promise_idx: u64, amount_ptr: u64) -> Result<()> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        self.deny_in_view("promise_batch_action_transfer")?;
        let amount = memory_get_u128(&mut self.gas_counter, mem, amount_ptr)?;
        let (index, sir) = self.promise_receipt_with_sir(promise_idx)?;
        let costs = transfer_costs(&self.config, self.receipt_manager.receiver(index));
        let (mut burn, mut exec) = (0, 0);
        for &cost in costs {
            let fee = self.fees.fee(cost);
            burn = fee.send_fee(sir).checked_add(burn).ok_or_else(Self::overflow)?;
            exec = fee.exec_fee().checked_add(exec).ok_or_else(Self::overflow)?;
        }
        self.pay_action(ActionCosts::transfer, burn, burn.checked_add(exec).ok_or_else(Self::overflow)?)?;
        self.deduct_balance(amount)?;
        self.receipt_manager.append_action(index, Action::Transfer(TransferAction { deposit: amount }));
        Ok(())
    }

    /// Appends `Stake`.
    ///
    /// # Errors
    /// `ProhibitedInView`, `InvalidPublicKey`, promise index errors, gas.
    ///
    /// # Cost
    /// `base + inputs + stake fee`
    pub fn promise_batch_action_stake(
        &mut self,
        mem: &mut [u8],
        promise_idx: u64,
        amount_ptr: u64,
        public_key: MemSlice,
    ) -> Result<()> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        self.deny_in_view("promise_batch_action_stake")?;
        let stake = memory_get_u128(&mut self.gas_counter, mem, amount_ptr)?;
        let public_key = self.read_public_key(mem, public_key)?;
        let (index, sir) = self.promise_receipt_with_sir(promise_idx)?;
        self.pay_action_base(ActionCosts::stake, sir)?;
        let public_key = public_key.decode()?;
        self.receipt_manager.append_action(index, Action::Stake(Box::new(StakeAction { stake, public_key })));
        Ok(())
    }

    /// Appends `AddKey` with full access.
    ///
    /// # Errors
    /// `ProhibitedInView`, `InvalidPublicKey`, promise index errors, gas.
    ///
    /// # Cost
    /// `base + input + add_full_access_key fee`
    pub fn promise_batch_action_add_key_with_full_access(
        &mut self,
        mem: &mut [u8],
        promise_idx: u64,
        public_key: MemSlice,
        nonce: u64,
    ) -> Result<()> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        self.deny_in_view("promise_batch_action_add_key_with_full_access")?;
        let public_key = self.read_public_key(mem, public_key)?;
        let (index, sir) = self.promise_receipt_with_sir(promise_idx)?;
        self.pay_action_base(ActionCosts::add_full_access_key, sir)?;
        let public_key = public_key.decode()?;
        let access_key = AccessKey { nonce, permission: AccessKeyPermission::FullAccess };
        self.receipt_manager.append_action(index, Action::AddKey(Box::new(AddKeyAction { public_key, access_key })));
        Ok(())
    }

    /// Appends `AddKey` with a function-call permission.
    ///
    /// # Errors
    /// `ProhibitedInView`, `InvalidPublicKey`, account id errors, `BadUTF8`, `EmptyMethodName`,
    /// promise index errors, gas.
    ///
    /// # Cost
    /// `base + inputs + add_function_call_key_base + add_function_call_key_byte × Σ(name + 1)`
    pub fn promise_batch_action_add_key_with_function_call(
        &mut self,
        mem: &mut [u8],
        promise_idx: u64,
        key: FunctionCallKeyArgs,
    ) -> Result<()> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        self.deny_in_view("promise_batch_action_add_key_with_function_call")?;
        let public_key = self.read_public_key(mem, key.public_key)?;
        let permission = self.read_permission(mem, &key.permission)?;
        let (index, sir) = self.promise_receipt_with_sir(promise_idx)?;
        self.pay_function_call_key(&permission, sir)?;
        let public_key = public_key.decode()?;
        let permission = AccessKeyPermission::FunctionCall(permission);
        let access_key = AccessKey { nonce: key.nonce, permission };
        self.receipt_manager.append_action(index, Action::AddKey(Box::new(AddKeyAction { public_key, access_key })));
        Ok(())
    }

    /// Appends `DeleteKey`.
    ///
    /// # Errors
    /// `ProhibitedInView`, `InvalidPublicKey`, promise index errors, gas.
    ///
    /// # Cost
    /// `base + input + delete_key fee`
    pub fn promise_batch_action_delete_key(
        &mut self,
        mem: &mut [u8],
        promise_idx: u64,
        public_key: MemSlice,
    ) -> Result<()> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        self.deny_in_view("promise_batch_action_delete_key")?;
        let public_key = self.read_public_key(mem, public_key)?;
        let (index, sir) = self.promise_receipt_with_sir(promise_idx)?;
        self.pay_action_base(ActionCosts::delete_key, sir)?;
        let public_key = public_key.decode()?;
        self.receipt_manager.append_action(index, Action::DeleteKey(Box::new(DeleteKeyAction { public_key })));
        Ok(())
    }

    /// Appends `DeleteAccount`.
    ///
    /// # Errors
    /// `ProhibitedInView`, account id errors, promise index errors, gas.
    ///
    /// # Cost
    /// `base + input + utf8 decoding + delete_account fee`
    pub fn promise_batch_action_delete_account(
        &mut self,
        mem: &mut [u8],
        promise_idx: u64,
        beneficiary: MemSlice,
    ) -> Result<()> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        self.deny_in_view("promise_batch_action_delete_account")?;
        let beneficiary_id = self.read_and_parse_account_id(mem, beneficiary)?;
        let (index, sir) = self.promise_receipt_with_sir(promise_idx)?;
        self.pay_action_base(ActionCosts::delete_account, sir)?;
        self.receipt_manager.append_action(index, Action::DeleteAccount(DeleteAccountAction { beneficiary_id }));
        Ok(())
    }

    /// Makes the call's result the result of promise `promise_idx`.
    ///
    /// # Errors
    /// `ProhibitedInView{promise_return}`, `InvalidPromiseIndex`, `CannotReturnJointPromise`, gas.
    ///
    /// # Cost
    /// `base + promise_return`
    pub fn promise_return(&mut self, _mem: &mut [u8], promise_idx: u64) -> Result<()> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        self.deny_in_view("promise_return")?;
        self.gas_counter.pay_base(ExtCosts::promise_return)?;
        match self.promise(promise_idx)? {
            Promise::Receipt(index) => {
                self.return_data = ReturnData::ReceiptIndex(*index);
                Ok(())
            }
            Promise::NotReceipt(_) => Err(HostError::CannotReturnJointPromise.into()),
        }
    }
}
