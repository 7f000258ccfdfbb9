//! NEP-519 yield execution: `promise_yield_create` / `promise_yield_resume` and the with-id
//! variants. A yield is a receipt to the current account whose one input is data only a resume
//! (or the timeout) provides; the runtime stores it until then (docs/nep-519.md).

use crate::logic::host::promises::FunctionCallArgs;
use crate::logic::logic::{Promise, Result, VMLogic};
use crate::logic::receipt_manager::YieldResume;
use crate::logic::vmstate::{MemSlice, memory_get_u128};
use near_parameters::{ActionCosts, ExtCosts};
use near_primitives::action::FunctionCallAction;
use near_primitives::errors::HostError;
use near_primitives::hash::CryptoHash;
use near_primitives::types::GasWeight;

/// A yield id or data id read from the contract: exactly 32 bytes.
fn to_hash(bytes: &[u8], malformed: HostError) -> Result<CryptoHash> {
    let array: [u8; 32] = bytes.try_into().map_err(|_| malformed)?;
    Ok(CryptoHash(array))
}

/// Everything `promise_yield_create` and its with-id variant share.
struct YieldRequest {
    method_name: Vec<u8>,
    arguments: Vec<u8>,
    gas: u64,
    gas_weight: u64,
    deposit: u128,
}

impl VMLogic {
    /// Creates a yielded receipt to the current account that will call `method_name` with
    /// `arguments` and `gas` (plus a `gas_weight` share of unused gas) once resumed or timed
    /// out; writes its 32-byte data id (the resume token) to `register_id`.
    ///
    /// # Errors
    /// `ProhibitedInView{promise_yield_create}`, `EmptyMethodName`, `InvalidMethodName`,
    /// `NumberPromisesExceeded`, memory and register errors, gas.
    ///
    /// # Cost
    /// `base + yield_create_base + yield_create_byte × (method + args) + input`, the gas
    /// attached (used), a new receipt with one data dependency to self (`new_action_receipt`
    /// send+exec, `new_data_receipt_base` send+exec), `function_call_base` and
    /// `function_call_byte × (method + args)` (sir), `write_register` of 32 bytes.
    pub fn promise_yield_create(&mut self, mem: &mut [u8], call: FunctionCallArgs, register_id: u64) -> Result<u64> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        self.deny_in_view("promise_yield_create")?;
        self.gas_counter.pay_base(ExtCosts::yield_create_base)?;
        let request = self.read_yield_request(mem, &call, 0)?;
        self.charge_yield_bytes(&request)?;
        let (index, data_id) = self.create_yield(request)?;
        self.internal_write_register(register_id, data_id.as_bytes())?;
        Ok(index)
    }

    /// As [`VMLogic::promise_yield_create`], but identified by a contract-chosen 32-byte
    /// `yield_id` (resumed with [`VMLogic::promise_yield_resume_with_yield_id`]) and with
    /// `amount` attached to the callback. Returns `u64::MAX` if the account already has a
    /// pending yield with that id.
    ///
    /// # Errors
    /// As `promise_yield_create`; `YieldIdMalformed`; `BalanceExceeded`.
    ///
    /// # Cost
    /// As `promise_yield_create` with `yield_create_with_id_base` in place of
    /// `yield_create_base`, no register write.
    pub fn promise_yield_create_with_id(
        &mut self,
        mem: &mut [u8],
        call: FunctionCallArgs,
        yield_id: MemSlice,
    ) -> Result<u64> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        self.deny_in_view("promise_yield_create_with_id")?;
        self.gas_counter.pay_base(ExtCosts::yield_create_with_id_base)?;
        let amount = memory_get_u128(&mut self.gas_counter, mem, call.amount_ptr)?;
        let request = self.read_yield_request(mem, &call, amount)?;
        let yield_id_bytes = self.get_memory_or_register(mem, yield_id)?;
        let yield_id = to_hash(&yield_id_bytes, HostError::YieldIdMalformed)?;
        self.charge_yield_bytes(&request)?;
        if self.ext.yield_data_id(&yield_id)?.is_some() {
            return Ok(u64::MAX);
        }
        let deposit = request.deposit;
        let (index, data_id) = self.create_yield(request)?;
        // As nearcore: the deposit leaves the balance once every fee is paid.
        self.deduct_call_deposit(deposit)?;
        self.ext.register_yield_id(&yield_id, &data_id)?;
        Ok(index)
    }

    fn read_yield_request(&mut self, mem: &mut [u8], call: &FunctionCallArgs, deposit: u128) -> Result<YieldRequest> {
        let method_name = self.get_memory_or_register(mem, call.method_name)?;
        if method_name.is_empty() {
            return Err(HostError::EmptyMethodName.into());
        }
        let arguments = self.get_memory_or_register(mem, call.arguments)?;
        Ok(YieldRequest { method_name, arguments, gas: call.gas, gas_weight: call.gas_weight, deposit })
    }

    /// `yield_create_byte` per byte of the callback's method name and arguments.
    fn charge_yield_bytes(&mut self, request: &YieldRequest) -> Result<()> {
        let (method, arguments) = (request.method_name.len() as u64, request.arguments.len() as u64);
        let bytes = method.checked_add(arguments).ok_or_else(Self::overflow)?;
        Ok(self.gas_counter.pay_per(ExtCosts::yield_create_byte, bytes)?)
    }

    fn create_yield(&mut self, request: YieldRequest) -> Result<(u64, CryptoHash)> {
        self.gas_counter.prepay_gas(request.gas)?;
        self.pay_gas_for_new_receipt(true, &[true])?;
        let data_id = self.ext.generate_data_id();
        let receipt =
            self.receipt_manager.create_promise_yield_receipt(self.context.current_account_id.clone(), data_id);
        let index = self.checked_push_promise(Promise::Receipt(receipt))?;
        let bytes = (request.method_name.len() + request.arguments.len()) as u64;
        self.pay_action_base(ActionCosts::function_call_base, true)?;
        self.pay_action_per_byte(ActionCosts::function_call_byte, bytes, true)?;
        let method_name = String::from_utf8(request.method_name).map_err(|_| HostError::InvalidMethodName)?;
        let action =
            FunctionCallAction { method_name, args: request.arguments, gas: request.gas, deposit: request.deposit };
        self.receipt_manager.append_function_call(receipt, action, GasWeight(request.gas_weight));
        Ok((index, data_id))
    }

    /// Submits `payload` for the current account's yield `data_id`. Returns 1 if it will be
    /// delivered (the yield is pending, in the state or created by this very call), 0 if there
    /// is no such pending yield.
    ///
    /// # Errors
    /// `ProhibitedInView{promise_submit_data}` (nearcore's name), `IntegerOverflow` (a payload
    /// length of `u64::MAX`, i.e. a register: charged before reading, as nearcore),
    /// `YieldPayloadLength`, `DataIdMalformed`, memory and register errors, gas.
    ///
    /// # Cost
    /// `base + yield_resume_base + yield_resume_byte × payload.len + input`
    pub fn promise_yield_resume(&mut self, mem: &mut [u8], data_id: MemSlice, payload: MemSlice) -> Result<u32> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        self.deny_in_view("promise_submit_data")?;
        let payload = self.read_resume_payload(mem, payload)?;
        let data_id_bytes = self.get_memory_or_register(mem, data_id)?;
        let data_id = to_hash(&data_id_bytes, HostError::DataIdMalformed)?;
        self.deliver(data_id, payload)
    }

    /// As [`VMLogic::promise_yield_resume`] for a yield created with
    /// [`VMLogic::promise_yield_create_with_id`]; 0 if no pending yield has that id.
    ///
    /// # Errors
    /// As `promise_yield_resume`, with `YieldIdMalformed` for an id that is not 32 bytes.
    ///
    /// # Cost
    /// As `promise_yield_resume`.
    pub fn promise_yield_resume_with_yield_id(
        &mut self,
        mem: &mut [u8],
        yield_id: MemSlice,
        payload: MemSlice,
    ) -> Result<u32> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        self.deny_in_view("promise_yield_resume_with_yield_id")?;
        let payload = self.read_resume_payload(mem, payload)?;
        let yield_id_bytes = self.get_memory_or_register(mem, yield_id)?;
        let yield_id = to_hash(&yield_id_bytes, HostError::YieldIdMalformed)?;
        match self.ext.yield_data_id(&yield_id)? {
            Some(data_id) => self.deliver(data_id, payload),
            None => Ok(0),
        }
    }

    fn read_resume_payload(&mut self, mem: &mut [u8], payload: MemSlice) -> Result<Vec<u8>> {
        self.gas_counter.pay_base(ExtCosts::yield_resume_base)?;
        self.gas_counter.pay_per(ExtCosts::yield_resume_byte, payload.len)?;
        let payload = self.get_memory_or_register(mem, payload)?;
        let limit = self.config.limit_config.max_yield_payload_size;
        if payload.len() as u64 > limit {
            return Err(HostError::YieldPayloadLength { length: payload.len() as u64, limit }.into());
        }
        Ok(payload)
    }

    fn deliver(&mut self, data_id: CryptoHash, payload: Vec<u8>) -> Result<u32> {
        if self.ext.submit_yield_resume(&data_id)? {
            self.receipt_manager.yield_resumes.push(YieldResume { data_id, payload, to_pending_yield: true });
            return Ok(1);
        }
        Ok(u32::from(self.receipt_manager.resolve_own_yield(&data_id, &payload)))
    }
}
