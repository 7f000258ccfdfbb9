//! Registers, context and economics host functions.

use crate::logic::logic::{Result, VMLogic};
use crate::logic::vmstate::{MemSlice, memory_get_vec, memory_set_slice};
use near_parameters::ExtCosts;
use near_primitives::types::Gas;

impl VMLogic {
    /// Copies register `register_id` into memory at `ptr`.
    ///
    /// # Errors
    /// `InvalidRegisterId`, `MemoryAccessViolation`, gas.
    ///
    /// # Cost
    /// `base + read_register_base + read_register_byte × len + write_memory_base + write_memory_byte × len`
    pub fn read_register(&mut self, mem: &mut [u8], register_id: u64, ptr: u64) -> Result<()> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        let data = self.registers.get(&mut self.gas_counter, register_id)?;
        Ok(memory_set_slice(&mut self.gas_counter, mem, ptr, data)?)
    }

    /// The length of register `register_id`, or `u64::MAX` if unset.
    ///
    /// # Errors
    /// Gas.
    ///
    /// # Cost
    /// `base`
    pub fn register_len(&mut self, _mem: &mut [u8], register_id: u64) -> Result<u64> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        Ok(self.registers.len_of(register_id).unwrap_or(u64::MAX))
    }

    /// Writes `data_len` bytes at `data_ptr` into register `register_id`.
    ///
    /// # Errors
    /// `MemoryAccessViolation` (bounds or register limits), gas.
    ///
    /// # Cost
    /// `base + read_memory_base + read_memory_byte × len + write_register_base + write_register_byte × len`
    pub fn write_register(&mut self, mem: &mut [u8], register_id: u64, data_len: u64, data_ptr: u64) -> Result<()> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        let data = memory_get_vec(&mut self.gas_counter, mem, MemSlice::new(data_len, data_ptr))?;
        self.internal_write_register(register_id, &data)
    }

    /// Writes the current account id into a register.
    ///
    /// # Errors
    /// Register limits, gas.
    ///
    /// # Cost
    /// `base + write_register_base + write_register_byte × len`
    pub fn current_account_id(&mut self, _mem: &mut [u8], register_id: u64) -> Result<()> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        let id = self.context.current_account_id.as_bytes().to_vec();
        self.internal_write_register(register_id, &id)
    }

    /// Writes the chain's id (UTF-8, e.g. "mainnet") into a register. Allowed in views.
    ///
    /// # Errors
    /// Register limits, gas.
    ///
    /// # Cost
    /// `base + write_register_base + write_register_byte × len`
    pub fn chain_id(&mut self, _mem: &mut [u8], register_id: u64) -> Result<()> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        let id = self.ext.chain_id();
        self.internal_write_register(register_id, id.as_bytes())
    }

    /// Writes the signer's account id into a register.
    ///
    /// # Errors
    /// `ProhibitedInView{signer_account_id}`, register limits, gas.
    ///
    /// # Cost
    /// `base + write_register_base + write_register_byte × len`
    pub fn signer_account_id(&mut self, _mem: &mut [u8], register_id: u64) -> Result<()> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        self.deny_in_view("signer_account_id")?;
        let id = self.context.signer_account_id.as_bytes().to_vec();
        self.internal_write_register(register_id, &id)
    }

    /// Writes the borsh form of the signer's public key into a register.
    ///
    /// # Errors
    /// `ProhibitedInView{signer_account_pk}`, register limits, gas.
    ///
    /// # Cost
    /// `base + write_register_base + write_register_byte × len`
    pub fn signer_account_pk(&mut self, _mem: &mut [u8], register_id: u64) -> Result<()> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        self.deny_in_view("signer_account_pk")?;
        let key = borsh::to_vec(&self.context.signer_account_pk).expect("serializing into a Vec cannot fail");
        self.internal_write_register(register_id, &key)
    }

    /// Writes the predecessor's account id into a register.
    ///
    /// # Errors
    /// `ProhibitedInView{predecessor_account_id}`, register limits, gas.
    ///
    /// # Cost
    /// `base + write_register_base + write_register_byte × len`
    pub fn predecessor_account_id(&mut self, _mem: &mut [u8], register_id: u64) -> Result<()> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        self.deny_in_view("predecessor_account_id")?;
        let id = self.context.predecessor_account_id.as_bytes().to_vec();
        self.internal_write_register(register_id, &id)
    }

    /// Writes the id of the account that gets this receipt's deposit refunds into a register:
    /// the receipt's `refund_to` (set by the contract that created it with
    /// `promise_set_refund_to`), else the predecessor.
    ///
    /// # Errors
    /// `ProhibitedInView{refund_to_account_id}`, register limits, gas.
    ///
    /// # Cost
    /// `base + write_register_base + write_register_byte × len`
    pub fn refund_to_account_id(&mut self, _mem: &mut [u8], register_id: u64) -> Result<()> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        self.deny_in_view("refund_to_account_id")?;
        let context = &self.context;
        let id = context.refund_to_account_id.as_ref().unwrap_or(&context.predecessor_account_id).as_bytes().to_vec();
        self.internal_write_register(register_id, &id)
    }

    /// What code the current account runs: 0 none (no register write), 1 its own code and 2 a
    /// global contract by hash (the sha256 in the register), 3 a global contract by account (that
    /// account's id in the register).
    ///
    /// # Errors
    /// Register limits, gas.
    ///
    /// # Cost
    /// `base`, plus `write_register_base + write_register_byte × bytes` when it writes
    pub fn current_contract_code(&mut self, _mem: &mut [u8], register_id: u64) -> Result<u64> {
        use near_primitives::account::AccountContract;
        self.gas_counter.pay_base(ExtCosts::base)?;
        let (kind, bytes) = match &self.account_contract {
            AccountContract::None => return Ok(0),
            AccountContract::Local(hash) => (1, hash.as_bytes().to_vec()),
            AccountContract::Global(hash) => (2, hash.as_bytes().to_vec()),
            AccountContract::GlobalByAccount(account_id) => (3, account_id.as_bytes().to_vec()),
        };
        self.internal_write_register(register_id, &bytes)?;
        Ok(kind)
    }

    /// Writes the call's input into a register.
    ///
    /// # Errors
    /// Register limits, gas.
    ///
    /// # Cost
    /// `base + write_register_base` (the bytes are not charged, as on nearcore since protocol 82)
    pub fn input(&mut self, _mem: &mut [u8], register_id: u64) -> Result<()> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        let (registers, gas) = (&mut self.registers, &mut self.gas_counter);
        Ok(registers.set_host_bytes(gas, &self.config.limit_config, register_id, &self.context.input)?)
    }

    /// The current block height.
    ///
    /// # Errors
    /// Gas.
    ///
    /// # Cost
    /// `base`
    pub fn block_index(&mut self, _mem: &mut [u8]) -> Result<u64> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        Ok(self.context.block_height)
    }

    /// The current block timestamp (ns).
    ///
    /// # Errors
    /// Gas.
    ///
    /// # Cost
    /// `base`
    pub fn block_timestamp(&mut self, _mem: &mut [u8]) -> Result<u64> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        Ok(self.context.block_timestamp)
    }

    /// The current epoch height.
    ///
    /// # Errors
    /// Gas.
    ///
    /// # Cost
    /// `base`
    pub fn epoch_height(&mut self, _mem: &mut [u8]) -> Result<u64> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        Ok(self.context.epoch_height)
    }

    /// The account's storage usage so far, this call's writes included.
    ///
    /// # Errors
    /// Gas.
    ///
    /// # Cost
    /// `base`
    pub fn storage_usage(&mut self, _mem: &mut [u8]) -> Result<u64> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        Ok(self.storage_usage)
    }

    fn write_u128(&mut self, mem: &mut [u8], ptr: u64, value: u128) -> Result<()> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        Ok(memory_set_slice(&mut self.gas_counter, mem, ptr, &value.to_le_bytes())?)
    }

    /// Writes the account balance (u128 LE) at `balance_ptr`.
    ///
    /// # Errors
    /// `MemoryAccessViolation`, gas.
    ///
    /// # Cost
    /// `base + write_memory_base + write_memory_byte × 16`
    pub fn account_balance(&mut self, mem: &mut [u8], balance_ptr: u64) -> Result<()> {
        self.write_u128(mem, balance_ptr, self.current_account_balance)
    }

    /// Writes the locked balance (u128 LE) at `balance_ptr`.
    ///
    /// # Errors
    /// `MemoryAccessViolation`, gas.
    ///
    /// # Cost
    /// `base + write_memory_base + write_memory_byte × 16`
    pub fn account_locked_balance(&mut self, mem: &mut [u8], balance_ptr: u64) -> Result<()> {
        self.write_u128(mem, balance_ptr, self.context.account_locked_balance)
    }

    /// Writes the attached deposit (u128 LE) at `balance_ptr`.
    ///
    /// # Errors
    /// `MemoryAccessViolation`, gas.
    ///
    /// # Cost
    /// `base + write_memory_base + write_memory_byte × 16`
    pub fn attached_deposit(&mut self, mem: &mut [u8], balance_ptr: u64) -> Result<()> {
        self.write_u128(mem, balance_ptr, self.context.attached_deposit)
    }

    /// The gas attached to the call.
    ///
    /// # Errors
    /// `ProhibitedInView{prepaid_gas}`, gas.
    ///
    /// # Cost
    /// `base`
    pub fn prepaid_gas(&mut self, _mem: &mut [u8]) -> Result<Gas> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        self.deny_in_view("prepaid_gas")?;
        Ok(self.context.prepaid_gas)
    }

    /// The gas used so far.
    ///
    /// # Errors
    /// `ProhibitedInView{used_gas}`, gas.
    ///
    /// # Cost
    /// `base`
    pub fn used_gas(&mut self, _mem: &mut [u8]) -> Result<Gas> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        self.deny_in_view("used_gas")?;
        Ok(self.gas_counter.used_gas())
    }

    /// Writes the block's random seed into a register.
    ///
    /// # Errors
    /// Register limits, gas.
    ///
    /// # Cost
    /// `base + write_register_base + write_register_byte × len`
    pub fn random_seed(&mut self, _mem: &mut [u8], register_id: u64) -> Result<()> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        let seed = self.context.random_seed.clone();
        self.internal_write_register(register_id, &seed)
    }
}
