//! Elliptic-curve host functions: alt_bn128 (BN254) multiexp, sum and pairing check. The
//! curve arithmetic is in [`crate::logic::alt_bn128`].

use crate::logic::GasCounter;
use crate::logic::alt_bn128;
use crate::logic::logic::{Result, VMLogic};
use crate::logic::vmstate::MemSlice;
use near_parameters::ExtCosts;
use near_primitives::errors::HostError;

impl VMLogic {
    /// Charges `base_cost`, reads the input (memory or a register), counts its `SIZE`-byte
    /// elements, charges `element` per element, then runs `op` on the input.
    fn curve_op<const SIZE: usize, R>(
        &mut self,
        mem: &[u8],
        input: MemSlice,
        (base_cost, element): (ExtCosts, ExtCosts),
        op: impl FnOnce(&[u8]) -> std::result::Result<R, HostError>,
    ) -> Result<R> {
        self.gas_counter.pay_base(base_cost)?;
        self.with_memory_or_register(mem, input, |gas: &mut GasCounter, data| {
            let count = alt_bn128::element_count::<SIZE>(data)?;
            gas.pay_per(element, count as u64)?;
            op(data)
        })
    }

    /// `Σ scalar_i × point_i` on alt_bn128's G1 into a register. Input: packed
    /// `(x, y, scalar)` elements of 32-byte little-endian integers (96 bytes each; `(0, 0)` is
    /// the point at infinity); output: the 64-byte point.
    ///
    /// # Errors
    /// `MemoryAccessViolation`, `InvalidRegisterId`, `AltBn128InvalidInput` (length not a
    /// multiple of 96, a coordinate or scalar out of range, a point off the curve), gas.
    ///
    /// # Cost
    /// `alt_bn128_g1_multiexp_base + input cost + alt_bn128_g1_multiexp_element × elements +
    /// register write of 64 bytes`
    pub fn alt_bn128_g1_multiexp(&mut self, mem: &mut [u8], value: MemSlice, register_id: u64) -> Result<()> {
        let costs = (ExtCosts::alt_bn128_g1_multiexp_base, ExtCosts::alt_bn128_g1_multiexp_element);
        let point = self.curve_op::<{ alt_bn128::MULTIEXP_ELEMENT }, _>(mem, value, costs, alt_bn128::g1_multiexp)?;
        self.internal_write_register(register_id, &point)
    }

    /// `Σ ±point_i` on alt_bn128's G1 into a register. Input: packed `(sign, x, y)` elements
    /// (65 bytes each; sign 0 adds, 1 subtracts); output: the 64-byte point.
    ///
    /// # Errors
    /// As [`VMLogic::alt_bn128_g1_multiexp`] (elements of 65 bytes; a sign byte other than 0
    /// or 1 is invalid).
    ///
    /// # Cost
    /// `alt_bn128_g1_sum_base + input cost + alt_bn128_g1_sum_element × elements + register
    /// write of 64 bytes`
    pub fn alt_bn128_g1_sum(&mut self, mem: &mut [u8], value: MemSlice, register_id: u64) -> Result<()> {
        let costs = (ExtCosts::alt_bn128_g1_sum_base, ExtCosts::alt_bn128_g1_sum_element);
        let point = self.curve_op::<{ alt_bn128::SUM_ELEMENT }, _>(mem, value, costs, alt_bn128::g1_sum)?;
        self.internal_write_register(register_id, &point)
    }

    /// Whether `Π e(g1_i, g2_i) = 1` for packed `(G1, G2)` elements (64 + 128 bytes each; a G2
    /// point is `x ‖ y` over Fq2, each `re ‖ im`). Returns 1 or 0.
    ///
    /// # Errors
    /// As [`VMLogic::alt_bn128_g1_multiexp`] (elements of 192 bytes; a G2 point outside the
    /// prime-order subgroup is invalid).
    ///
    /// # Cost
    /// `alt_bn128_pairing_check_base + input cost + alt_bn128_pairing_check_element × elements`
    pub fn alt_bn128_pairing_check(&mut self, mem: &mut [u8], value: MemSlice) -> Result<u64> {
        let costs = (ExtCosts::alt_bn128_pairing_check_base, ExtCosts::alt_bn128_pairing_check_element);
        let holds = self.curve_op::<{ alt_bn128::PAIRING_ELEMENT }, _>(mem, value, costs, alt_bn128::pairing_check)?;
        Ok(u64::from(holds))
    }
}
