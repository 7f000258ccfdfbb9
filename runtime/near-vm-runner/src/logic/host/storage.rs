//! Contract storage and validator host functions.

use crate::logic::logic::{Result, VMLogic};
use crate::logic::vmstate::{MemSlice, memory_set_slice};
use near_parameters::ExtCosts;
use near_primitives::errors::HostError;
use near_primitives::types::INLINE_DISK_VALUE_THRESHOLD;

impl VMLogic {
    fn read_storage_key(&mut self, mem: &[u8], key: MemSlice) -> Result<Vec<u8>> {
        let key = self.get_memory_or_register(mem, key)?;
        let limit = self.config.limit_config.max_length_storage_key;
        if key.len() as u64 > limit {
            return Err(HostError::KeyLengthExceeded { length: key.len() as u64, limit }.into());
        }
        Ok(key)
    }

    /// Charges the trie nodes an operation touched.
    fn charge_trie_nodes(&mut self, before: crate::logic::TrieNodesCount) -> Result<()> {
        let after = self.ext.trie_nodes_count();
        self.gas_counter.pay_per(ExtCosts::touching_trie_node, after.db_reads.saturating_sub(before.db_reads))?;
        self.gas_counter.pay_per(ExtCosts::read_cached_trie_node, after.mem_reads.saturating_sub(before.mem_reads))?;
        Ok(())
    }

    fn record_bytes(&self) -> u64 {
        self.fees.storage_usage_config.num_extra_bytes_record
    }

    /// Writes a key-value pair; returns 1 and puts the evicted value in the register if the key
    /// had a value, else 0.
    ///
    /// # Errors
    /// `ProhibitedInView{storage_write}`, `KeyLengthExceeded`, `ValueLengthExceeded`,
    /// `MemoryAccessViolation`, `IntegerOverflow`, gas.
    ///
    /// # Cost
    /// `base + storage_write_base + input costs + storage_write_key_byte × key + storage_write_value_byte × value
    /// + trie nodes + storage_write_evicted_byte × the evicted bytes the External read` (all of them on a node, none on a mock)
    pub fn storage_write(&mut self, mem: &mut [u8], key: MemSlice, value: MemSlice, register_id: u64) -> Result<u64> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        self.deny_in_view("storage_write")?;
        self.gas_counter.pay_base(ExtCosts::storage_write_base)?;
        let key = self.read_storage_key(mem, key)?;
        let value = self.get_memory_or_register(mem, value)?;
        let limit = self.config.limit_config.max_length_storage_value;
        if value.len() as u64 > limit {
            return Err(HostError::ValueLengthExceeded { length: value.len() as u64, limit }.into());
        }
        self.gas_counter.pay_per(ExtCosts::storage_write_key_byte, key.len() as u64)?;
        self.gas_counter.pay_per(ExtCosts::storage_write_value_byte, value.len() as u64)?;
        let before = self.ext.trie_nodes_count();
        let evicted = self.ext.storage_set(&key, &value)?;
        self.charge_trie_nodes(before)?;
        let overflow = || HostError::IntegerOverflow;
        match evicted {
            Some(evicted) => {
                self.storage_usage = self
                    .storage_usage
                    .checked_add(value.len() as u64)
                    .and_then(|u| u.checked_sub(evicted.len() as u64))
                    .ok_or_else(overflow)?;
                let charged = self.ext.charged_value_bytes(&evicted);
                self.gas_counter.pay_per(ExtCosts::storage_write_evicted_byte, charged)?;
                self.internal_write_register(register_id, &evicted)?;
                Ok(1)
            }
            None => {
                let added =
                    (key.len() as u64 + value.len() as u64).checked_add(self.record_bytes()).ok_or_else(overflow)?;
                self.storage_usage = self.storage_usage.checked_add(added).ok_or_else(overflow)?;
                Ok(0)
            }
        }
    }

    /// Reads a key; returns 1 with the value in the register, or 0.
    ///
    /// # Errors
    /// `KeyLengthExceeded`, `MemoryAccessViolation`, gas.
    ///
    /// # Cost
    /// `base + storage_read_base + input cost + storage_read_key_byte × key + trie nodes + storage_read_value_byte × value`,
    /// and for a value longer than 4,000 bytes (`INLINE_DISK_VALUE_THRESHOLD`)
    /// `storage_large_read_overhead_base + storage_large_read_overhead_byte × value`
    pub fn storage_read(&mut self, mem: &mut [u8], key_len: u64, key_ptr: u64, register_id: u64) -> Result<u64> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        self.gas_counter.pay_base(ExtCosts::storage_read_base)?;
        let key = self.read_storage_key(mem, MemSlice::new(key_len, key_ptr))?;
        self.gas_counter.pay_per(ExtCosts::storage_read_key_byte, key.len() as u64)?;
        let before = self.ext.trie_nodes_count();
        let value = self.ext.storage_get(&key)?;
        self.charge_trie_nodes(before)?;
        let Some(value) = value else { return Ok(0) };
        self.gas_counter.pay_per(ExtCosts::storage_read_value_byte, value.len() as u64)?;
        if value.len() > INLINE_DISK_VALUE_THRESHOLD {
            self.gas_counter.pay_base(ExtCosts::storage_large_read_overhead_base)?;
            self.gas_counter.pay_per(ExtCosts::storage_large_read_overhead_byte, value.len() as u64)?;
        }
        self.internal_write_register(register_id, &value)?;
        Ok(1)
    }

    /// Removes a key; returns 1 with the removed value in the register, or 0.
    ///
    /// # Errors
    /// `ProhibitedInView{storage_remove}`, `KeyLengthExceeded`, `MemoryAccessViolation`, gas.
    ///
    /// # Cost
    /// `base + storage_remove_base + input cost + storage_remove_key_byte × key + trie nodes
    /// + storage_remove_ret_value_byte × the removed bytes the External read`
    pub fn storage_remove(&mut self, mem: &mut [u8], key_len: u64, key_ptr: u64, register_id: u64) -> Result<u64> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        self.deny_in_view("storage_remove")?;
        self.gas_counter.pay_base(ExtCosts::storage_remove_base)?;
        let key = self.read_storage_key(mem, MemSlice::new(key_len, key_ptr))?;
        self.gas_counter.pay_per(ExtCosts::storage_remove_key_byte, key.len() as u64)?;
        let before = self.ext.trie_nodes_count();
        let removed = self.ext.storage_remove(&key)?;
        self.charge_trie_nodes(before)?;
        let Some(removed) = removed else { return Ok(0) };
        let charged = self.ext.charged_value_bytes(&removed);
        self.gas_counter.pay_per(ExtCosts::storage_remove_ret_value_byte, charged)?;
        let freed = key.len() as u64 + removed.len() as u64 + self.record_bytes();
        self.storage_usage = self.storage_usage.checked_sub(freed).ok_or(HostError::IntegerOverflow)?;
        self.internal_write_register(register_id, &removed)?;
        Ok(1)
    }

    /// 1 if the key has a value, else 0.
    ///
    /// # Errors
    /// `KeyLengthExceeded`, `MemoryAccessViolation`, gas.
    ///
    /// # Cost
    /// `base + storage_has_key_base + input cost + storage_has_key_byte × key + trie nodes`
    pub fn storage_has_key(&mut self, mem: &mut [u8], key_len: u64, key_ptr: u64) -> Result<u64> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        self.gas_counter.pay_base(ExtCosts::storage_has_key_base)?;
        let key = self.read_storage_key(mem, MemSlice::new(key_len, key_ptr))?;
        self.gas_counter.pay_per(ExtCosts::storage_has_key_byte, key.len() as u64)?;
        let before = self.ext.trie_nodes_count();
        let found = self.ext.storage_has_key(&key)?;
        self.charge_trie_nodes(before)?;
        Ok(u64::from(found))
    }

    /// Removed storage iterators: always `Deprecated{method_name}`.
    ///
    /// # Errors
    /// Always.
    ///
    /// # Cost
    /// `base`
    pub(crate) fn deprecated(&mut self, method_name: &str) -> Result<u64> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        Err(HostError::Deprecated { method_name: method_name.to_string() }.into())
    }

    /// Writes the stake (u128 LE) of validator `account_id`, 0 if it is not one.
    ///
    /// # Errors
    /// `BadUTF8`, `InvalidAccountId`, `MemoryAccessViolation`, gas.
    ///
    /// # Cost
    /// `base + input cost + utf8_decoding_base + utf8_decoding_byte × len + validator_stake_base +
    /// write_memory_base + write_memory_byte × 16`
    pub fn validator_stake(
        &mut self,
        mem: &mut [u8],
        account_id_len: u64,
        account_id_ptr: u64,
        stake_ptr: u64,
    ) -> Result<()> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        let account_id = self.read_and_parse_account_id(mem, MemSlice::new(account_id_len, account_id_ptr))?;
        self.gas_counter.pay_base(ExtCosts::validator_stake_base)?;
        let stake = self.ext.validator_stake(&account_id)?.unwrap_or(0);
        Ok(memory_set_slice(&mut self.gas_counter, mem, stake_ptr, &stake.to_le_bytes())?)
    }

    /// Writes the total validator stake (u128 LE).
    ///
    /// # Errors
    /// `MemoryAccessViolation`, gas.
    ///
    /// # Cost
    /// `base + validator_total_stake_base + write_memory_base + write_memory_byte × 16`
    pub fn validator_total_stake(&mut self, mem: &mut [u8], stake_ptr: u64) -> Result<()> {
        self.gas_counter.pay_base(ExtCosts::base)?;
        self.gas_counter.pay_base(ExtCosts::validator_total_stake_base)?;
        let stake = self.ext.validator_total_stake()?;
        Ok(memory_set_slice(&mut self.gas_counter, mem, stake_ptr, &stake.to_le_bytes())?)
    }
}
