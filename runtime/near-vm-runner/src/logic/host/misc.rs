//! Returning, panicking, logging and promise-result host functions.

use crate::logic::context::PromiseResult;
use crate::logic::logic::{Result, ReturnData, VMLogic};
use crate::logic::vmstate::{MemSlice, memory_get_vec};
use near_parameters::{ActionCosts, ExtCosts};
use near_primitives::errors::HostError;

impl VMLogic {
    fn total_log_length_exceeded(&self, add_len: u64) -> HostError {
        HostError::TotalLogLengthExceeded {
            length: self.total_log_length.saturating_add(add_len),
            limit: self.config.limit_config.max_total_log_length,
        }
    }

    fn check_can_add_a_log_message(&self) -> Result<()> {
        let limit = self.config.limit_config.max_number_logs;
        if self.logs.len() as u64 >= limit {
            return Err(HostError::NumberOfLogsExceeded { limit }.into());
        }
        Ok(())
    }

    fn push_log(&mut self, message: String) -> Result<()> {
        let length = self.total_log_length.checked_add(message.len() as u64).ok_or(HostError::IntegerOverflow)?;
        if length > self.config.limit_config.max_total_log_length {
            return Err(self.total_log_length_exceeded(message.len() as u64).into());
        }
        self.total_log_length = length;
        self.logs.push(message);
        Ok(())
    }

    /// Reads `len` bytes at `ptr`, or a NUL-terminated string when `len == u64::MAX`, each byte
    /// then charged as a one-byte memory read. Bounded by the remaining log budget (UTF-8; UTF-16
    /// has its own order of checks, [`VMLogic::get_utf16_string`]).
    fn read_utf8_bytes(&mut self, mem: &[u8], slice: MemSlice) -> Result<Vec<u8>> {
        let max_len = self.config.limit_config.max_total_log_length.saturating_sub(self.total_log_length);
        if slice.len != u64::MAX {
            if slice.len > max_len {
                return Err(self.total_log_length_exceeded(slice.len).into());
            }
            return Ok(memory_get_vec(&mut self.gas_counter, mem, slice)?);
        }
        let mut buf = Vec::new();
        let mut offset = slice.ptr;
        loop {
            let byte = memory_get_vec(&mut self.gas_counter, mem, MemSlice::new(1, offset))?;
            if byte == [0] {
                return Ok(buf);
            }
            if buf.len() as u64 + 1 > max_len {
                return Err(self.total_log_length_exceeded(max_len.saturating_add(1)).into());
            }
            buf.extend_from_slice(&byte);
            offset = offset.checked_add(1).ok_or(HostError::MemoryAccessViolation)?;
        }
    }

    fn get_utf8_string(&mut self, mem: &[u8], slice: MemSlice) -> Result<String> {
        self.gas_counter.pay_base(ExtCosts::utf8_decoding_base)?;
        let buf = self.read_utf8_bytes(mem, slice)?;
        self.gas_counter.pay_per(ExtCosts::utf8_decoding_byte, buf.len() as u64)?;
        String::from_utf8(buf).map_err(|_| HostError::BadUTF8.into())
    }

    /// As nearcore: the bytes are read (and charged) first, then an odd length is `BadUTF16`,
    /// then a length over the log budget is `TotalLogLengthExceeded`, then decoding is charged.
    /// A NUL-terminated string is read one charged unit at a time, and over the budget reports
    /// the length reached.
    fn get_utf16_string(&mut self, mem: &[u8], slice: MemSlice) -> Result<String> {
        self.gas_counter.pay_base(ExtCosts::utf16_decoding_base)?;
        let max_len = self.config.limit_config.max_total_log_length.saturating_sub(self.total_log_length);
        let buf = if slice.len == u64::MAX {
            self.read_nul_terminated_utf16(mem, slice.ptr, max_len)?
        } else {
            memory_get_vec(&mut self.gas_counter, mem, slice)?
        };
        if buf.len() % 2 != 0 {
            return Err(HostError::BadUTF16.into());
        }
        if buf.len() as u64 > max_len {
            return Err(self.total_log_length_exceeded(buf.len() as u64).into());
        }
        self.gas_counter.pay_per(ExtCosts::utf16_decoding_byte, buf.len() as u64)?;
        let units: Vec<u16> = buf.chunks(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
        String::from_utf16(&units).map_err(|_| HostError::BadUTF16.into())
    }

    /// The UTF-16 units at `ptr` up to a NUL unit, each charged as a two-byte memory read.
    fn read_nul_terminated_utf16(&mut self, mem: &[u8], ptr: u64, max_len: u64) -> Result<Vec<u8>> {
        let mut buf = Vec::new();
        loop {
            let at = ptr.checked_add(buf.len() as u64).ok_or(HostError::MemoryAccessViolation)?;
            let unit = memory_get_vec(&mut self.gas_counter, mem, MemSlice::new(2, at))?;
            if unit == [0, 0] {
                return Ok(buf);
            }
            let len = buf.len() as u64 + 2;
            if len > max_len {
                return Err(self.total_log_length_exceeded(len).into());
            }
            buf.extend_from_slice(&unit);
        }
    }

    /// Sets the call's return value (memory, or a register when `value_len == u64::MAX`).
    ///
    /// # Errors
    /// `ReturnedValueLengthExceeded`, `MemoryAccessViolation`, gas.
    ///
    /// # Cost
    /// `base + input cost + (data_receipt_creation_per_byte send + exec) × len` per receiver of the
    /// result.
    pub fn value_return(&mut self, mem: &mut [u8], value_len: u64, value_ptr: u64) -> Result<()> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        let value = self.get_memory_or_register(mem, MemSlice::new(value_len, value_ptr))?;
        let limit = self.config.limit_config.max_length_returned_data;
        if value.len() as u64 > limit {
            return Err(HostError::ReturnedValueLengthExceeded { length: value.len() as u64, limit }.into());
        }
        let fee = *self.fees.fee(ActionCosts::new_data_receipt_byte);
        let mut burn: u64 = 0;
        for receiver in &self.context.output_data_receivers {
            let sir = receiver == &self.context.current_account_id;
            let per_byte = fee.send_fee(sir).checked_add(fee.exec_fee()).ok_or(HostError::IntegerOverflow)?;
            let cost = per_byte.checked_mul(value.len() as u64).ok_or(HostError::IntegerOverflow)?;
            burn = burn.checked_add(cost).ok_or(HostError::IntegerOverflow)?;
        }
        self.gas_counter.pay_action_fee(ActionCosts::new_data_receipt_byte, burn, burn)?;
        self.return_data = ReturnData::Value(value);
        Ok(())
    }

    /// Aborts with `GuestPanic("explicit guest panic")`.
    ///
    /// # Errors
    /// Always.
    ///
    /// # Cost
    /// `base`
    pub fn panic(&mut self, _mem: &mut [u8]) -> Result<()> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        Err(HostError::GuestPanic { panic_msg: "explicit guest panic".to_string() }.into())
    }

    /// Aborts with the UTF-8 message at `ptr`.
    ///
    /// # Errors
    /// Always: `GuestPanic`, or `BadUTF8` / `MemoryAccessViolation` / log budget while reading.
    ///
    /// # Cost
    /// `base + utf8_decoding_base + memory read + utf8_decoding_byte × len`
    pub fn panic_utf8(&mut self, mem: &mut [u8], len: u64, ptr: u64) -> Result<()> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        let panic_msg = self.get_utf8_string(mem, MemSlice::new(len, ptr))?;
        Err(HostError::GuestPanic { panic_msg }.into())
    }

    /// Logs the UTF-8 message at `ptr` (NUL-terminated when `len == u64::MAX`).
    ///
    /// # Errors
    /// `NumberOfLogsExceeded`, `TotalLogLengthExceeded`, `BadUTF8`, `MemoryAccessViolation`, gas.
    ///
    /// # Cost
    /// `base + utf8_decoding_base + memory read + utf8_decoding_byte × len + log_base + log_byte × len`
    pub fn log_utf8(&mut self, mem: &mut [u8], len: u64, ptr: u64) -> Result<()> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        self.check_can_add_a_log_message()?;
        let message = self.get_utf8_string(mem, MemSlice::new(len, ptr))?;
        self.gas_counter.pay_base(ExtCosts::log_base)?;
        self.gas_counter.pay_per(ExtCosts::log_byte, message.len() as u64)?;
        self.push_log(message)
    }

    /// Logs the UTF-16LE message at `ptr` (NUL-terminated when `len == u64::MAX`).
    ///
    /// # Errors
    /// `NumberOfLogsExceeded`, `TotalLogLengthExceeded`, `BadUTF16`, `MemoryAccessViolation`, gas.
    ///
    /// # Cost
    /// `base + utf16_decoding_base + memory read + utf16_decoding_byte × bytes + log_base + log_byte × utf8 length`
    pub fn log_utf16(&mut self, mem: &mut [u8], len: u64, ptr: u64) -> Result<()> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        self.check_can_add_a_log_message()?;
        let message = self.get_utf16_string(mem, MemSlice::new(len, ptr))?;
        self.gas_counter.pay_base(ExtCosts::log_base)?;
        self.gas_counter.pay_per(ExtCosts::log_byte, message.len() as u64)?;
        self.push_log(message)
    }

    /// AssemblyScript's abort: logs and aborts with the UTF-16 message and file name (each a
    /// u32 byte length at `ptr - 4` followed by the text).
    ///
    /// # Errors
    /// Always: `GuestPanic`, or `BadUTF16` (including `msg_ptr < 4`) / `MemoryAccessViolation`.
    ///
    /// # Cost
    /// `base` + the reads and decoding of both strings.
    pub fn abort(&mut self, mem: &mut [u8], msg_ptr: u32, filename_ptr: u32, line: u32, col: u32) -> Result<()> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        if msg_ptr < 4 || filename_ptr < 4 {
            return Err(HostError::BadUTF16.into());
        }
        let message = self.read_assemblyscript_string(mem, msg_ptr)?;
        let filename = self.read_assemblyscript_string(mem, filename_ptr)?;
        let text = format!("{message}, filename: \"{filename}\" line: {line} col: {col}");
        self.logs.push(format!("ABORT: {text}"));
        Err(HostError::GuestPanic { panic_msg: text }.into())
    }

    fn read_assemblyscript_string(&mut self, mem: &[u8], ptr: u32) -> Result<String> {
        let len_bytes = memory_get_vec(&mut self.gas_counter, mem, MemSlice::new(4, u64::from(ptr) - 4))?;
        let len = u32::from_le_bytes(len_bytes.try_into().expect("read exactly 4 bytes"));
        self.get_utf16_string(mem, MemSlice::new(u64::from(len), u64::from(ptr)))
    }

    /// Legacy gas charge from wasm (`env.gas`): `opcodes × regular_op_cost`.
    ///
    /// # Errors
    /// Gas.
    ///
    /// # Cost
    /// `opcodes × regular_op_cost`
    pub fn gas(&mut self, _mem: &mut [u8], opcodes: u32) -> Result<()> {
        let gas = u64::from(opcodes) * u64::from(self.config.regular_op_cost);
        Ok(self.gas_counter.burn_wasm_gas(gas)?)
    }

    /// Number of promise results this callback sees.
    ///
    /// # Errors
    /// `ProhibitedInView{promise_results_count}`, gas.
    ///
    /// # Cost
    /// `base`
    pub fn promise_results_count(&mut self, _mem: &mut [u8]) -> Result<u64> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        self.deny_in_view("promise_results_count")?;
        Ok(self.context.promise_results.len() as u64)
    }

    /// A promise result: 0 not ready, 1 successful (value in the register), 2 failed.
    ///
    /// # Errors
    /// `ProhibitedInView{promise_result}`, `InvalidPromiseResultIndex`, register limits, gas.
    ///
    /// # Cost
    /// `base` (+ `write_register_base` when successful: the value's bytes are not charged, as on
    /// nearcore since protocol 82)
    pub fn promise_result(&mut self, _mem: &mut [u8], result_idx: u64, register_id: u64) -> Result<u64> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        self.deny_in_view("promise_result")?;
        let result = usize::try_from(result_idx)
            .ok()
            .and_then(|i| self.context.promise_results.get(i))
            .cloned()
            .ok_or(HostError::InvalidPromiseResultIndex { result_idx })?;
        match result {
            PromiseResult::NotReady => Ok(0),
            PromiseResult::Successful(data) => {
                self.registers.set_host_bytes(&mut self.gas_counter, &self.config.limit_config, register_id, &data)?;
                Ok(1)
            }
            PromiseResult::Failed => Ok(2),
        }
    }
}
