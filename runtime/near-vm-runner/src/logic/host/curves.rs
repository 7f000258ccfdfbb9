//! Elliptic-curve host functions: alt_bn128 (BN254) multiexp, sum and pairing check, and the
//! BLS12-381 family. The curve arithmetic is in [`crate::logic::alt_bn128`] and
//! [`crate::logic::bls12381`].

use crate::logic::GasCounter;
use crate::logic::alt_bn128;
use crate::logic::bls12381::{self, Op};
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

    /// A BLS12-381 operation: charges per element from the length argument (as nearcore, before
    /// reading), reads the input, and writes the result to `register_id`. Returns 0, or 1 when an
    /// element is invalid (nothing written).
    fn bls12381(&mut self, mem: &[u8], value: MemSlice, register_id: u64, op: Op) -> Result<u64> {
        let (base_cost, element) = op.costs();
        self.gas_counter.pay_base(base_cost)?;
        self.gas_counter.pay_per(element, value.len / op.element_size() as u64)?;
        let Some(result) = self.with_memory_or_register(mem, value, |_, data| op.run(data))? else { return Ok(1) };
        self.internal_write_register(register_id, &result)?;
        Ok(0)
    }

    /// `Σ ±p_i` on G1: packed `(sign, point)` elements (1 + 96 bytes; sign 0 adds, 1 subtracts)
    /// into a 96-byte point. Returns 0 (result in `register_id`) or 1 (an invalid element).
    ///
    /// # Errors
    /// `MemoryAccessViolation`, `InvalidRegisterId`, `Bls12381InvalidInput` (a length that is not a
    /// whole number of elements), gas.
    ///
    /// # Cost
    /// `bls12381_p1_sum_base + bls12381_p1_sum_element × (value_len / element size) + input cost`
    /// (+ the register write on success)
    pub fn bls12381_p1_sum(&mut self, mem: &mut [u8], value: MemSlice, register_id: u64) -> Result<u64> {
        self.bls12381(mem, value, register_id, Op::P1Sum)
    }

    /// `Σ ±p_i` on G2: packed `(sign, point)` elements (1 + 192 bytes) into a 192-byte point.
    /// Returns 0 (result in `register_id`) or 1 (an invalid element).
    ///
    /// # Errors
    /// `MemoryAccessViolation`, `InvalidRegisterId`, `Bls12381InvalidInput` (a length that is not a
    /// whole number of elements), gas.
    ///
    /// # Cost
    /// `bls12381_p2_sum_base + bls12381_p2_sum_element × (value_len / element size) + input cost`
    /// (+ the register write on success)
    pub fn bls12381_p2_sum(&mut self, mem: &mut [u8], value: MemSlice, register_id: u64) -> Result<u64> {
        self.bls12381(mem, value, register_id, Op::P2Sum)
    }

    /// `Σ scalar_i × p_i` on G1: packed `(point, scalar)` elements (96 + 32 bytes, the scalar
    /// little-endian) into a 96-byte point. Returns 0 (result in `register_id`) or 1 (an invalid
    /// element).
    ///
    /// # Errors
    /// `MemoryAccessViolation`, `InvalidRegisterId`, `Bls12381InvalidInput` (a length that is not a
    /// whole number of elements), gas.
    ///
    /// # Cost
    /// `bls12381_g1_multiexp_base + bls12381_g1_multiexp_element × (value_len / element size) +
    /// input cost` (+ the register write on success)
    pub fn bls12381_g1_multiexp(&mut self, mem: &mut [u8], value: MemSlice, register_id: u64) -> Result<u64> {
        self.bls12381(mem, value, register_id, Op::G1Multiexp)
    }

    /// `Σ scalar_i × p_i` on G2: packed `(point, scalar)` elements (192 + 32 bytes) into a 192-byte
    /// point. Returns 0 (result in `register_id`) or 1 (an invalid element).
    ///
    /// # Errors
    /// `MemoryAccessViolation`, `InvalidRegisterId`, `Bls12381InvalidInput` (a length that is not a
    /// whole number of elements), gas.
    ///
    /// # Cost
    /// `bls12381_g2_multiexp_base + bls12381_g2_multiexp_element × (value_len / element size) +
    /// input cost` (+ the register write on success)
    pub fn bls12381_g2_multiexp(&mut self, mem: &mut [u8], value: MemSlice, register_id: u64) -> Result<u64> {
        self.bls12381(mem, value, register_id, Op::G2Multiexp)
    }

    /// Maps each 48-byte field element to G1 (the SSWU map of the hash-to-curve standard),
    /// concatenating the 96-byte points. Returns 0 (result in `register_id`) or 1 (an invalid
    /// element).
    ///
    /// # Errors
    /// `MemoryAccessViolation`, `InvalidRegisterId`, `Bls12381InvalidInput` (a length that is not a
    /// whole number of elements), gas.
    ///
    /// # Cost
    /// `bls12381_map_fp_to_g1_base + bls12381_map_fp_to_g1_element × (value_len / element size) +
    /// input cost` (+ the register write on success)
    pub fn bls12381_map_fp_to_g1(&mut self, mem: &mut [u8], value: MemSlice, register_id: u64) -> Result<u64> {
        self.bls12381(mem, value, register_id, Op::MapFpToG1)
    }

    /// Maps each 96-byte Fp2 element (`c1 ‖ c0`) to G2, concatenating the 192-byte points. Returns
    /// 0 (result in `register_id`) or 1 (an invalid element).
    ///
    /// # Errors
    /// `MemoryAccessViolation`, `InvalidRegisterId`, `Bls12381InvalidInput` (a length that is not a
    /// whole number of elements), gas.
    ///
    /// # Cost
    /// `bls12381_map_fp2_to_g2_base + bls12381_map_fp2_to_g2_element × (value_len / element size) +
    /// input cost` (+ the register write on success)
    pub fn bls12381_map_fp2_to_g2(&mut self, mem: &mut [u8], value: MemSlice, register_id: u64) -> Result<u64> {
        self.bls12381(mem, value, register_id, Op::MapFp2ToG2)
    }

    /// Decompresses each 48-byte G1 point, concatenating the 96-byte uncompressed points. Returns 0
    /// (result in `register_id`) or 1 (an invalid element).
    ///
    /// # Errors
    /// `MemoryAccessViolation`, `InvalidRegisterId`, `Bls12381InvalidInput` (a length that is not a
    /// whole number of elements), gas.
    ///
    /// # Cost
    /// `bls12381_p1_decompress_base + bls12381_p1_decompress_element × (value_len / element size) +
    /// input cost` (+ the register write on success)
    pub fn bls12381_p1_decompress(&mut self, mem: &mut [u8], value: MemSlice, register_id: u64) -> Result<u64> {
        self.bls12381(mem, value, register_id, Op::P1Decompress)
    }

    /// Decompresses each 96-byte G2 point, concatenating the 192-byte uncompressed points. Returns
    /// 0 (result in `register_id`) or 1 (an invalid element).
    ///
    /// # Errors
    /// `MemoryAccessViolation`, `InvalidRegisterId`, `Bls12381InvalidInput` (a length that is not a
    /// whole number of elements), gas.
    ///
    /// # Cost
    /// `bls12381_p2_decompress_base + bls12381_p2_decompress_element × (value_len / element size) +
    /// input cost` (+ the register write on success)
    pub fn bls12381_p2_decompress(&mut self, mem: &mut [u8], value: MemSlice, register_id: u64) -> Result<u64> {
        self.bls12381(mem, value, register_id, Op::P2Decompress)
    }

    /// Whether `Π e(p1_i, p2_i) = 1` for packed uncompressed `(G1, G2)` elements (96 + 192
    /// bytes): 0 when it holds, 2 when it does not, 1 for a point that is invalid or outside its
    /// prime-order subgroup.
    ///
    /// # Errors
    /// `MemoryAccessViolation`, `Bls12381InvalidInput` (a length that is not a whole number of
    /// elements), gas.
    ///
    /// # Cost
    /// `bls12381_pairing_base + input cost + bls12381_pairing_element × elements`
    pub fn bls12381_pairing_check(&mut self, mem: &mut [u8], value: MemSlice) -> Result<u64> {
        self.gas_counter.pay_base(ExtCosts::bls12381_pairing_base)?;
        self.with_memory_or_register(mem, value, |gas, data| {
            gas.pay_per(ExtCosts::bls12381_pairing_element, (data.len() / bls12381::PAIRING_ELEMENT) as u64)?;
            bls12381::pairing_check(data)
        })
    }
}
