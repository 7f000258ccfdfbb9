//! The alt_bn128 (BN254) operations behind `alt_bn128_g1_multiexp`, `alt_bn128_g1_sum` and
//! `alt_bn128_pairing_check`, on the `zeropool-bn` crate (the curve library nearcore uses).
//!
//! Wire format, as the contract ABI defines it: field elements and scalars are 32-byte
//! little-endian integers; a G1 point is `x ‖ y` (64 bytes), `(0, 0)` meaning the point at
//! infinity; a G2 point is `x ‖ y` over Fq2, each `re ‖ im` (128 bytes). Inputs are packed
//! arrays of fixed-size elements; a length that is not a multiple of the element size, a
//! coordinate not below the field modulus, a point off the curve (or, for G2, outside the
//! prime-order subgroup), a scalar not below the group order or a sign byte other than 0/1 is
//! an `AltBn128InvalidInput` whose message names the first offending value in hexadecimal.

use bn::Group;
use near_primitives::errors::HostError;

const SCALAR: usize = 32;
const G1: usize = 2 * SCALAR;
const G2: usize = 2 * G1;

/// Size of one `alt_bn128_g1_multiexp` element: a G1 point and a scalar.
pub(crate) const MULTIEXP_ELEMENT: usize = G1 + SCALAR;
/// Size of one `alt_bn128_g1_sum` element: a sign byte and a G1 point.
pub(crate) const SUM_ELEMENT: usize = 1 + G1;
/// Size of one `alt_bn128_pairing_check` element: a G1 and a G2 point.
pub(crate) const PAIRING_ELEMENT: usize = G1 + G2;

fn invalid(msg: String) -> HostError {
    HostError::AltBn128InvalidInput { msg }
}

fn invalid_value(what: &str, raw: &[u8]) -> HostError {
    invalid(format!("{what}: {raw:X?}"))
}

/// The number of `SIZE`-byte elements in `data`.
///
/// # Errors
/// `AltBn128InvalidInput` when `data` is not a whole number of elements.
pub(crate) fn element_count<const SIZE: usize>(data: &[u8]) -> Result<usize, HostError> {
    if data.len().is_multiple_of(SIZE) {
        Ok(data.len() / SIZE)
    } else {
        Err(invalid(format!("slice of size {} cannot be precisely split into chunks of size {SIZE}", data.len())))
    }
}

fn u256(raw: &[u8]) -> bn::arith::U256 {
    let (low, high) = raw.split_at(16);
    let word = |bytes: &[u8]| u128::from_le_bytes(bytes.try_into().unwrap_or_default());
    bn::arith::U256([word(low), word(high)])
}

fn fq(raw: &[u8]) -> Result<bn::Fq, HostError> {
    bn::Fq::from_u256(u256(raw)).map_err(|_| invalid_value("invalid fq", raw))
}

fn fr(raw: &[u8]) -> Result<bn::Fr, HostError> {
    bn::Fr::new(u256(raw)).ok_or_else(|| invalid_value("invalid fr", raw))
}

fn g1(raw: &[u8]) -> Result<bn::G1, HostError> {
    let (x, y) = (fq(&raw[..SCALAR])?, fq(&raw[SCALAR..])?);
    if x.is_zero() && y.is_zero() {
        return Ok(bn::G1::zero());
    }
    bn::AffineG1::new(x, y).map(bn::G1::from).map_err(|_| invalid_value("invalid g1", raw))
}

fn g2(raw: &[u8]) -> Result<bn::G2, HostError> {
    let fq2 = |raw: &[u8]| Ok::<_, HostError>(bn::Fq2::new(fq(&raw[..SCALAR])?, fq(&raw[SCALAR..])?));
    let (x, y) = (fq2(&raw[..G1])?, fq2(&raw[G1..])?);
    if x.is_zero() && y.is_zero() {
        return Ok(bn::G2::zero());
    }
    bn::AffineG2::new(x, y).map(bn::G2::from).map_err(|_| invalid_value("invalid g2", raw))
}

fn encode_g1(point: bn::G1) -> Vec<u8> {
    let mut out = vec![0; G1];
    if let Some(affine) = bn::AffineG1::from_jacobian(point) {
        for (coordinate, slot) in [affine.x(), affine.y()].into_iter().zip(out.chunks_exact_mut(SCALAR)) {
            let bn::arith::U256([low, high]) = coordinate.into_u256();
            slot[..16].copy_from_slice(&low.to_le_bytes());
            slot[16..].copy_from_slice(&high.to_le_bytes());
        }
    }
    out
}

/// `Σ scalar_i × point_i` over `data`'s [`MULTIEXP_ELEMENT`]s, encoded as a G1 point.
///
/// # Errors
/// `AltBn128InvalidInput` for the first invalid point or scalar.
pub(crate) fn g1_multiexp(data: &[u8]) -> Result<Vec<u8>, HostError> {
    let terms = data
        .chunks_exact(MULTIEXP_ELEMENT)
        .map(|chunk| Ok((g1(&chunk[..G1])?, fr(&chunk[G1..])?)))
        .collect::<Result<Vec<_>, HostError>>()?;
    Ok(encode_g1(bn::G1::multiexp(&terms)))
}

/// `Σ ±point_i` over `data`'s [`SUM_ELEMENT`]s (sign byte 1: subtract), encoded as a G1 point.
///
/// # Errors
/// `AltBn128InvalidInput` for the first invalid sign or point.
pub(crate) fn g1_sum(data: &[u8]) -> Result<Vec<u8>, HostError> {
    let mut sum = bn::G1::zero();
    let terms = data
        .chunks_exact(SUM_ELEMENT)
        .map(|chunk| {
            let negative = match chunk[0] {
                0 => false,
                1 => true,
                _ => return Err(invalid_value("invalid bool", &chunk[..1])),
            };
            Ok((negative, g1(&chunk[1..])?))
        })
        .collect::<Result<Vec<_>, HostError>>()?;
    for (negative, point) in terms {
        sum = if negative { sum - point } else { sum + point };
    }
    Ok(encode_g1(sum))
}

/// Whether the product of the pairings of `data`'s [`PAIRING_ELEMENT`]s is one.
///
/// # Errors
/// `AltBn128InvalidInput` for the first invalid point.
pub(crate) fn pairing_check(data: &[u8]) -> Result<bool, HostError> {
    let pairs = data
        .chunks_exact(PAIRING_ELEMENT)
        .map(|chunk| Ok((g1(&chunk[..G1])?, g2(&chunk[G1..])?)))
        .collect::<Result<Vec<_>, HostError>>()?;
    Ok(bn::pairing_batch(&pairs) == bn::Gt::one())
}
