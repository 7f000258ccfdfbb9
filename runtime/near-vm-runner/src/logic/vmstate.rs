//! Registers and guest-memory access, each charged as nearcore charges them.

use super::gas_counter::GasCounter;
use near_parameters::{ExtCosts, LimitConfig};
use near_primitives::errors::HostError;

/// Bookkeeping bytes counted per register against `registers_memory_limit`.
const REGISTER_OVERHEAD_BYTES: u64 = 64;

/// The contract's registers: byte buffers addressed by a `u64` id.
#[derive(Debug, Default)]
pub struct Registers {
    /// By id; a register's buffer is reused when it is set again (no allocation for the usual
    /// same-size rewrites of hashes and keys).
    registers: foldhash::HashMap<u64, Vec<u8>>,
    total_memory: u64,
}

impl Registers {
    /// The register's bytes.
    ///
    /// # Cost
    /// `read_register_base + read_register_byte × len`.
    ///
    /// # Errors
    /// `InvalidRegisterId` if unset; gas errors.
    pub fn get(&self, gas: &mut GasCounter, register_id: u64) -> Result<&[u8], HostError> {
        let data = self.registers.get(&register_id).ok_or(HostError::InvalidRegisterId { register_id })?;
        gas.pay_base(ExtCosts::read_register_base)?;
        gas.pay_per(ExtCosts::read_register_byte, data.len() as u64)?;
        Ok(data)
    }

    /// The register's length, if set (free).
    pub fn len_of(&self, register_id: u64) -> Option<u64> {
        self.registers.get(&register_id).map(|d| d.len() as u64)
    }

    /// Sets the register.
    ///
    /// # Cost
    /// `write_register_base + write_register_byte × len`.
    ///
    /// # Errors
    /// `MemoryAccessViolation` over `max_register_size`, `max_number_registers` or
    /// `registers_memory_limit`; gas errors.
    pub fn set(
        &mut self,
        gas: &mut GasCounter,
        limits: &LimitConfig,
        register_id: u64,
        data: &[u8],
    ) -> Result<(), HostError> {
        gas.pay_base(ExtCosts::write_register_base)?;
        gas.pay_per(ExtCosts::write_register_byte, data.len() as u64)?;
        self.store(limits, register_id, data)
    }

    /// Sets the register to bytes the host already holds (the call's input, a promise result):
    /// as nearcore since protocol 82, only `write_register_base` is charged, not the bytes.
    ///
    /// # Cost
    /// `write_register_base`.
    ///
    /// # Errors
    /// As [`Registers::set`].
    pub fn set_host_bytes(
        &mut self,
        gas: &mut GasCounter,
        limits: &LimitConfig,
        register_id: u64,
        data: &[u8],
    ) -> Result<(), HostError> {
        gas.pay_base(ExtCosts::write_register_base)?;
        self.store(limits, register_id, data)
    }

    fn store(&mut self, limits: &LimitConfig, register_id: u64, data: &[u8]) -> Result<(), HostError> {
        let len = data.len() as u64;
        if len > limits.max_register_size {
            return Err(HostError::MemoryAccessViolation);
        }
        let count = self.registers.len() as u64;
        let existing = self.registers.get_mut(&register_id);
        let replaced = existing.as_ref().map(|d| d.len() as u64 + REGISTER_OVERHEAD_BYTES);
        if replaced.is_none() && count >= limits.max_number_registers {
            return Err(HostError::MemoryAccessViolation);
        }
        let total = self.total_memory - replaced.unwrap_or(0) + len + REGISTER_OVERHEAD_BYTES;
        if total > limits.registers_memory_limit {
            return Err(HostError::MemoryAccessViolation);
        }
        self.total_memory = total;
        match existing {
            Some(buffer) => {
                buffer.clear();
                buffer.extend_from_slice(data);
            }
            None => {
                self.registers.insert(register_id, data.to_vec());
            }
        }
        Ok(())
    }
}

fn range(mem: &[u8], offset: u64, len: u64) -> Result<std::ops::Range<usize>, HostError> {
    let end = offset.checked_add(len).ok_or(HostError::MemoryAccessViolation)?;
    if end > mem.len() as u64 {
        return Err(HostError::MemoryAccessViolation);
    }
    let to_usize = |v: u64| usize::try_from(v).map_err(|_| HostError::MemoryAccessViolation);
    Ok(to_usize(offset)?..to_usize(end)?)
}

/// A region of guest memory as the contract ABI passes it: length first, then pointer (every
/// `env` function takes `x_len, x_ptr` in that order). Host code builds it once, at the import
/// table, with [`MemSlice::new`] in that same order, and passes the typed value on, so no helper
/// can take the two the other way round. Where a function accepts a register instead of
/// memory, `len == u64::MAX` and `ptr` is the register id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemSlice {
    /// Length in bytes (or `u64::MAX`: read register `ptr`).
    pub len: u64,
    /// Offset in guest memory (or the register id).
    pub ptr: u64,
}

impl MemSlice {
    /// A slice from the ABI's `(len, ptr)` argument pair, in the ABI's order.
    pub const fn new(len: u64, ptr: u64) -> MemSlice {
        MemSlice { len, ptr }
    }
}

/// Copies the bytes of `slice` out of guest memory.
///
/// # Cost
/// `read_memory_base + read_memory_byte × len`, charged before the bounds check.
///
/// # Errors
/// `MemoryAccessViolation` out of bounds; gas errors.
pub(crate) fn memory_get_vec(gas: &mut GasCounter, mem: &[u8], slice: MemSlice) -> Result<Vec<u8>, HostError> {
    memory_get_slice(gas, mem, slice).map(<[u8]>::to_vec)
}

/// As [`memory_get_vec`], borrowed.
pub(crate) fn memory_get_slice<'m>(
    gas: &mut GasCounter,
    mem: &'m [u8],
    slice: MemSlice,
) -> Result<&'m [u8], HostError> {
    gas.pay_base(ExtCosts::read_memory_base)?;
    gas.pay_per(ExtCosts::read_memory_byte, slice.len)?;
    Ok(&mem[range(mem, slice.ptr, slice.len)?])
}

/// Copies `data` into guest memory at `offset`.
///
/// # Cost
/// `write_memory_base + write_memory_byte × len`, charged before the bounds check.
///
/// # Errors
/// `MemoryAccessViolation` out of bounds; gas errors.
pub(crate) fn memory_set_slice(
    gas: &mut GasCounter,
    mem: &mut [u8],
    offset: u64,
    data: &[u8],
) -> Result<(), HostError> {
    gas.pay_base(ExtCosts::write_memory_base)?;
    gas.pay_per(ExtCosts::write_memory_byte, data.len() as u64)?;
    let target = range(mem, offset, data.len() as u64)?;
    mem[target].copy_from_slice(data);
    Ok(())
}

/// Reads a little-endian u128 (16 bytes) from guest memory, charged as a memory read.
///
/// # Errors
/// As [`memory_get_vec`].
pub(crate) fn memory_get_u128(gas: &mut GasCounter, mem: &[u8], offset: u64) -> Result<u128, HostError> {
    let bytes = memory_get_vec(gas, mem, MemSlice::new(16, offset))?;
    Ok(u128::from_le_bytes(bytes.try_into().expect("read exactly 16 bytes")))
}
