//! The BLS12-381 operations behind the `bls12381_*` host functions, on `blst` (the library
//! nearcore uses), with protocol 88's semantics (`bls12381_not_in_group_fix` is off there: a
//! point on the curve but outside the prime-order subgroup is invalid input everywhere).
//!
//! Encoding, as the contract ABI defines it (ZCash's): field elements are 48-byte big-endian
//! integers below the modulus; an uncompressed G1 point is `x ‖ y` (96 bytes), a G2 point
//! `x ‖ y` over Fp2 with each coordinate `c1 ‖ c0` (192 bytes); the top bit of the first byte
//! marks compression (set: 48 / 96 bytes), the next the point at infinity. Scalars are 32-byte
//! little-endian. A length that is not a whole number of elements is a `Bls12381InvalidInput`
//! error; any other invalid element makes the function return status 1 (pairing: 1 invalid,
//! 0 holds, 2 does not).
//!
//! Every `unsafe` block calls a `blst` function with pointers to initialised `blst` values or
//! to byte slices at least as long as the function reads or writes (the element sizes below
//! are checked by `chunks_exact` before any call).

use blst::BLST_ERROR;
use near_parameters::ExtCosts;
use near_primitives::errors::HostError;

const SCALAR: usize = 32;
const FP: usize = 48;

/// One of the two groups, with the `blst` functions for it.
trait Curve {
    type Point: Default + Copy;
    type Affine: Default + Copy;
    /// Bytes of an uncompressed point.
    const SIZE: usize;
    /// Bytes of a compressed point.
    const COMPRESSED: usize;
    /// Bytes of the field element `map_fp*_to_g*` takes.
    const FIELD: usize;
    const PREFIX: &'static str;
    const MAP_NAME: &'static str;
    type Field;
    fn deserialize(out: &mut Self::Affine, bytes: &[u8]) -> BLST_ERROR;
    fn uncompress(out: &mut Self::Affine, bytes: &[u8]) -> BLST_ERROR;
    fn serialize(affine: &Self::Affine) -> Vec<u8>;
    fn from_affine(affine: &Self::Affine) -> Self::Point;
    fn to_affine(point: &Self::Point) -> Self::Affine;
    fn negate(point: &mut Self::Point);
    fn add(sum: &mut Self::Point, term: &Self::Point);
    fn in_group(point: &Self::Point) -> bool;
    fn mul(point: &Self::Point, scalar: &[u8]) -> Self::Point;
    fn read_field(bytes: &[u8]) -> Option<Self::Field>;
    fn map(field: &Self::Field) -> Self::Point;
}

/// G1.
enum G1 {}
/// G2.
enum G2 {}

/// An Fp element from its 48 big-endian bytes, if they encode it canonically (below the
/// modulus): decoded and encoded again, the bytes must come back unchanged.
fn read_fp(bytes: &[u8]) -> Option<blst::blst_fp> {
    let mut fp = blst::blst_fp::default();
    let mut back = [0u8; FP];
    // SAFETY: `bytes` holds 48 bytes (callers pass `FP`-sized slices); `back` is 48 bytes.
    unsafe {
        blst::blst_fp_from_bendian(&mut fp, bytes.as_ptr());
        blst::blst_bendian_from_fp(back.as_mut_ptr(), &fp);
    }
    (back[..] == bytes[..FP]).then_some(fp)
}

impl Curve for G1 {
    type Point = blst::blst_p1;
    type Affine = blst::blst_p1_affine;
    type Field = blst::blst_fp;
    const SIZE: usize = 96;
    const COMPRESSED: usize = 48;
    const FIELD: usize = FP;
    const PREFIX: &'static str = "bls12381_p1";
    const MAP_NAME: &'static str = "bls12381_map_fp_to_g1";
    fn deserialize(out: &mut Self::Affine, bytes: &[u8]) -> BLST_ERROR {
        // SAFETY: see the module docs (`bytes` is `SIZE` long).
        unsafe { blst::blst_p1_deserialize(out, bytes.as_ptr()) }
    }
    fn uncompress(out: &mut Self::Affine, bytes: &[u8]) -> BLST_ERROR {
        // SAFETY: see the module docs (`bytes` is `COMPRESSED` long).
        unsafe { blst::blst_p1_uncompress(out, bytes.as_ptr()) }
    }
    fn serialize(affine: &Self::Affine) -> Vec<u8> {
        let mut out = vec![0; Self::SIZE];
        // SAFETY: `out` is `SIZE` long.
        unsafe { blst::blst_p1_affine_serialize(out.as_mut_ptr(), affine) };
        out
    }
    fn from_affine(affine: &Self::Affine) -> Self::Point {
        let mut point = Self::Point::default();
        // SAFETY: both initialised.
        unsafe { blst::blst_p1_from_affine(&mut point, affine) };
        point
    }
    fn to_affine(point: &Self::Point) -> Self::Affine {
        let mut affine = Self::Affine::default();
        // SAFETY: both initialised.
        unsafe { blst::blst_p1_to_affine(&mut affine, point) };
        affine
    }
    fn negate(point: &mut Self::Point) {
        // SAFETY: initialised.
        unsafe { blst::blst_p1_cneg(point, true) };
    }
    fn add(sum: &mut Self::Point, term: &Self::Point) {
        let previous = *sum;
        // SAFETY: all initialised; the output is a separate value.
        unsafe { blst::blst_p1_add_or_double(sum, &previous, term) };
    }
    fn in_group(point: &Self::Point) -> bool {
        // SAFETY: initialised.
        unsafe { blst::blst_p1_in_g1(point) }
    }
    fn mul(point: &Self::Point, scalar: &[u8]) -> Self::Point {
        let mut out = Self::Point::default();
        // SAFETY: `scalar` is `SCALAR` bytes, read as `SCALAR × 8` bits.
        unsafe { blst::blst_p1_mult(&mut out, point, scalar.as_ptr(), SCALAR * 8) };
        out
    }
    fn read_field(bytes: &[u8]) -> Option<Self::Field> {
        read_fp(bytes)
    }
    fn map(field: &Self::Field) -> Self::Point {
        let mut out = Self::Point::default();
        // SAFETY: initialised; a null `v` is blst's "no second element".
        unsafe { blst::blst_map_to_g1(&mut out, field, std::ptr::null()) };
        out
    }
}

impl Curve for G2 {
    type Point = blst::blst_p2;
    type Affine = blst::blst_p2_affine;
    type Field = blst::blst_fp2;
    const SIZE: usize = 192;
    const COMPRESSED: usize = 96;
    const FIELD: usize = 2 * FP;
    const PREFIX: &'static str = "bls12381_p2";
    const MAP_NAME: &'static str = "bls12381_map_fp2_to_g2";
    fn deserialize(out: &mut Self::Affine, bytes: &[u8]) -> BLST_ERROR {
        // SAFETY: see the module docs (`bytes` is `SIZE` long).
        unsafe { blst::blst_p2_deserialize(out, bytes.as_ptr()) }
    }
    fn uncompress(out: &mut Self::Affine, bytes: &[u8]) -> BLST_ERROR {
        // SAFETY: see the module docs (`bytes` is `COMPRESSED` long).
        unsafe { blst::blst_p2_uncompress(out, bytes.as_ptr()) }
    }
    fn serialize(affine: &Self::Affine) -> Vec<u8> {
        let mut out = vec![0; Self::SIZE];
        // SAFETY: `out` is `SIZE` long.
        unsafe { blst::blst_p2_affine_serialize(out.as_mut_ptr(), affine) };
        out
    }
    fn from_affine(affine: &Self::Affine) -> Self::Point {
        let mut point = Self::Point::default();
        // SAFETY: both initialised.
        unsafe { blst::blst_p2_from_affine(&mut point, affine) };
        point
    }
    fn to_affine(point: &Self::Point) -> Self::Affine {
        let mut affine = Self::Affine::default();
        // SAFETY: both initialised.
        unsafe { blst::blst_p2_to_affine(&mut affine, point) };
        affine
    }
    fn negate(point: &mut Self::Point) {
        // SAFETY: initialised.
        unsafe { blst::blst_p2_cneg(point, true) };
    }
    fn add(sum: &mut Self::Point, term: &Self::Point) {
        let previous = *sum;
        // SAFETY: all initialised; the output is a separate value.
        unsafe { blst::blst_p2_add_or_double(sum, &previous, term) };
    }
    fn in_group(point: &Self::Point) -> bool {
        // SAFETY: initialised.
        unsafe { blst::blst_p2_in_g2(point) }
    }
    fn mul(point: &Self::Point, scalar: &[u8]) -> Self::Point {
        let mut out = Self::Point::default();
        // SAFETY: `scalar` is `SCALAR` bytes, read as `SCALAR × 8` bits.
        unsafe { blst::blst_p2_mult(&mut out, point, scalar.as_ptr(), SCALAR * 8) };
        out
    }
    /// `c1 ‖ c0`, each canonical; `c0` is checked first.
    fn read_field(bytes: &[u8]) -> Option<Self::Field> {
        let c0 = read_fp(&bytes[FP..2 * FP])?;
        let c1 = read_fp(&bytes[..FP])?;
        Some(blst::blst_fp2 { fp: [c0, c1] })
    }
    fn map(field: &Self::Field) -> Self::Point {
        let mut out = Self::Point::default();
        // SAFETY: initialised; a null `v` is blst's "no second element".
        unsafe { blst::blst_map_to_g2(&mut out, field, std::ptr::null()) };
        out
    }
}

/// `Bls12381InvalidInput` unless `data` is a whole number of `size`-byte elements.
fn check_length(data: &[u8], size: usize, function: &str) -> Result<(), HostError> {
    if data.len().is_multiple_of(size) {
        return Ok(());
    }
    let msg = format!("Incorrect input length for {function}: {} is not divisible by {size}", data.len());
    Err(HostError::Bls12381InvalidInput { msg })
}

/// An uncompressed point in the prime-order subgroup (protocol 88: anything else is invalid).
fn parse<C: Curve>(bytes: &[u8]) -> Option<C::Point> {
    if bytes[0] & 0x80 != 0 {
        return None;
    }
    let mut affine = C::Affine::default();
    (C::deserialize(&mut affine, bytes) == BLST_ERROR::BLST_SUCCESS).then(|| C::from_affine(&affine))
}

fn serialize<C: Curve>(point: &C::Point) -> Vec<u8> {
    C::serialize(&C::to_affine(point))
}

fn sum<C: Curve>(data: &[u8]) -> Result<Option<Vec<u8>>, HostError> {
    check_length(data, 1 + C::SIZE, &format!("{}_sum", C::PREFIX))?;
    let mut total = C::Point::default();
    for item in data.chunks_exact(1 + C::SIZE) {
        let Some(mut point) = parse::<C>(&item[1..]) else { return Ok(None) };
        match item[0] {
            0 => {}
            1 => C::negate(&mut point),
            _ => return Ok(None),
        }
        C::add(&mut total, &point);
    }
    Ok(Some(serialize::<C>(&total)))
}

fn multiexp<C: Curve>(data: &[u8]) -> Result<Option<Vec<u8>>, HostError> {
    check_length(data, C::SIZE + SCALAR, &format!("{}_multiexp", C::PREFIX))?;
    let mut total = C::Point::default();
    for item in data.chunks_exact(C::SIZE + SCALAR) {
        let Some(point) = parse::<C>(&item[..C::SIZE]) else { return Ok(None) };
        if !C::in_group(&point) {
            return Ok(None);
        }
        C::add(&mut total, &C::mul(&point, &item[C::SIZE..]));
    }
    Ok(Some(serialize::<C>(&total)))
}

fn decompress<C: Curve>(data: &[u8]) -> Result<Option<Vec<u8>>, HostError> {
    check_length(data, C::COMPRESSED, &format!("{}_decompress", C::PREFIX))?;
    let mut out = Vec::with_capacity(data.len() / C::COMPRESSED * C::SIZE);
    for item in data.chunks_exact(C::COMPRESSED) {
        let mut affine = C::Affine::default();
        if item[0] & 0x80 == 0 || C::uncompress(&mut affine, item) != BLST_ERROR::BLST_SUCCESS {
            return Ok(None);
        }
        out.extend_from_slice(&C::serialize(&affine));
    }
    Ok(Some(out))
}

fn map_to_curve<C: Curve>(data: &[u8]) -> Result<Option<Vec<u8>>, HostError> {
    check_length(data, C::FIELD, C::MAP_NAME)?;
    let mut out = Vec::with_capacity(data.len() / C::FIELD * C::SIZE);
    for item in data.chunks_exact(C::FIELD) {
        let Some(field) = C::read_field(item) else { return Ok(None) };
        out.extend_from_slice(&serialize::<C>(&C::map(&field)));
    }
    Ok(Some(out))
}

/// The operation of one `bls12381_*` host function (all but the pairing check): its result, or
/// `None` for invalid elements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    P1Sum,
    P2Sum,
    G1Multiexp,
    G2Multiexp,
    MapFpToG1,
    MapFp2ToG2,
    P1Decompress,
    P2Decompress,
}

impl Op {
    /// The operation's base and per-element costs.
    pub(crate) fn costs(self) -> (ExtCosts, ExtCosts) {
        match self {
            Op::P1Sum => (ExtCosts::bls12381_p1_sum_base, ExtCosts::bls12381_p1_sum_element),
            Op::P2Sum => (ExtCosts::bls12381_p2_sum_base, ExtCosts::bls12381_p2_sum_element),
            Op::G1Multiexp => (ExtCosts::bls12381_g1_multiexp_base, ExtCosts::bls12381_g1_multiexp_element),
            Op::G2Multiexp => (ExtCosts::bls12381_g2_multiexp_base, ExtCosts::bls12381_g2_multiexp_element),
            Op::MapFpToG1 => (ExtCosts::bls12381_map_fp_to_g1_base, ExtCosts::bls12381_map_fp_to_g1_element),
            Op::MapFp2ToG2 => (ExtCosts::bls12381_map_fp2_to_g2_base, ExtCosts::bls12381_map_fp2_to_g2_element),
            Op::P1Decompress => (ExtCosts::bls12381_p1_decompress_base, ExtCosts::bls12381_p1_decompress_element),
            Op::P2Decompress => (ExtCosts::bls12381_p2_decompress_base, ExtCosts::bls12381_p2_decompress_element),
        }
    }

    /// Bytes of one input element (what the host function charges per element for).
    pub(crate) fn element_size(self) -> usize {
        match self {
            Op::P1Sum => 1 + G1::SIZE,
            Op::P2Sum => 1 + G2::SIZE,
            Op::G1Multiexp => G1::SIZE + SCALAR,
            Op::G2Multiexp => G2::SIZE + SCALAR,
            Op::MapFpToG1 => G1::FIELD,
            Op::MapFp2ToG2 => G2::FIELD,
            Op::P1Decompress => G1::COMPRESSED,
            Op::P2Decompress => G2::COMPRESSED,
        }
    }

    /// Runs the operation on `data`.
    ///
    /// # Errors
    /// `Bls12381InvalidInput` when `data` is not a whole number of elements.
    pub(crate) fn run(self, data: &[u8]) -> Result<Option<Vec<u8>>, HostError> {
        match self {
            Op::P1Sum => sum::<G1>(data),
            Op::P2Sum => sum::<G2>(data),
            Op::G1Multiexp => multiexp::<G1>(data),
            Op::G2Multiexp => multiexp::<G2>(data),
            Op::MapFpToG1 => map_to_curve::<G1>(data),
            Op::MapFp2ToG2 => map_to_curve::<G2>(data),
            Op::P1Decompress => decompress::<G1>(data),
            Op::P2Decompress => decompress::<G2>(data),
        }
    }
}

/// Size of one pairing-check element: a G1 and a G2 point, uncompressed.
pub(crate) const PAIRING_ELEMENT: usize = G1::SIZE + G2::SIZE;

/// A subgroup point for the pairing, affine, or `None` when invalid.
fn pairing_point<C: Curve>(bytes: &[u8], in_group: impl Fn(&C::Affine) -> bool) -> Option<C::Affine> {
    let mut affine = C::Affine::default();
    let valid =
        bytes[0] & 0x80 == 0 && C::deserialize(&mut affine, bytes) == BLST_ERROR::BLST_SUCCESS && in_group(&affine);
    valid.then_some(affine)
}

/// `Π e(p1_i, p2_i) = 1`: 0 when it holds, 2 when not, 1 for an invalid point.
///
/// # Errors
/// `Bls12381InvalidInput` when `data` is not a whole number of [`PAIRING_ELEMENT`]s.
pub(crate) fn pairing_check(data: &[u8]) -> Result<u64, HostError> {
    check_length(data, PAIRING_ELEMENT, "bls12381_pairing_check")?;
    let mut pairs = Vec::with_capacity(data.len() / PAIRING_ELEMENT);
    for item in data.chunks_exact(PAIRING_ELEMENT) {
        // SAFETY (both closures): the affine points are initialised.
        let p1 = pairing_point::<G1>(&item[..G1::SIZE], |p| unsafe { blst::blst_p1_affine_in_g1(p) });
        let Some(p1) = p1 else { return Ok(1) };
        let p2 = pairing_point::<G2>(&item[G1::SIZE..], |p| unsafe { blst::blst_p2_affine_in_g2(p) });
        let Some(p2) = p2 else { return Ok(1) };
        pairs.push((p1, p2));
    }
    let mut product = blst::blst_fp12::default(); // one
    for (p1, p2) in &pairs {
        product *= blst::blst_fp12::miller_loop(p2, p1);
    }
    let result = product.final_exp();
    // SAFETY: initialised.
    let holds = unsafe { blst::blst_fp12_is_one(&result) };
    Ok(if holds { 0 } else { 2 })
}
