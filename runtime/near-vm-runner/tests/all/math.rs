//! Hash and signature host functions against known vectors.

use crate::{module, returned, run_wat};
use near_primitives::crypto::{PublicKey, SecretKey, Signature};
use near_primitives::errors::{FunctionCallError, HostError};

const IMPORTS: &str = r#"
  (import "env" "sha256" (func $sha256 (param i64 i64 i64)))
  (import "env" "keccak256" (func $keccak256 (param i64 i64 i64)))
  (import "env" "keccak512" (func $keccak512 (param i64 i64 i64)))
  (import "env" "ripemd160" (func $ripemd160 (param i64 i64 i64)))
  (import "env" "sha3_256" (func $sha3_256 (param i64 i64 i64)))
  (import "env" "ed25519_verify" (func $verify (param i64 i64 i64 i64 i64 i64) (result i64)))
  (import "env" "value_return" (func $value_return (param i64 i64)))
"#;

fn digest_of_abc(function: &str) -> String {
    let body = format!(
        r#"(data (i32.const 0) "abc")
           (func (export "f") (call ${function} (i64.const 3) (i64.const 0) (i64.const 0))
             (call $value_return (i64.const -1) (i64.const 0)))"#
    );
    hex::encode(returned(&run_wat(&module(IMPORTS, &body), "f")))
}

#[test]
fn hashes_of_abc() {
    assert_eq!(digest_of_abc("sha256"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_eq!(digest_of_abc("keccak256"), "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
    assert_eq!(digest_of_abc("ripemd160"), "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc");
    assert_eq!(digest_of_abc("sha3_256"), "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532");
    assert_eq!(digest_of_abc("keccak512").len(), 128);
}

fn verify(signature: &[u8], message: &[u8], public_key: &[u8]) -> Result<u64, Option<FunctionCallError>> {
    let data = |offset: usize, bytes: &[u8]| {
        let escaped: String = bytes.iter().map(|b| format!("\\{b:02x}")).collect();
        format!(r#"(data (i32.const {offset}) "{escaped}")"#)
    };
    let body = format!(
        r#"{} {} {}
           (func (export "f")
             (i64.store (i32.const 1000)
               (call $verify (i64.const {}) (i64.const 0) (i64.const {}) (i64.const 200) (i64.const {}) (i64.const 400)))
             (call $value_return (i64.const 8) (i64.const 1000)))"#,
        data(0, signature),
        data(200, message),
        data(400, public_key),
        signature.len(),
        message.len(),
        public_key.len(),
    );
    let ran = run_wat(&module(IMPORTS, &body), "f");
    match &ran.outcome.aborted {
        None => Ok(u64::from_le_bytes(returned(&ran).try_into().unwrap())),
        other => Err(other.clone()),
    }
}

#[test]
fn ed25519_verify_accepts_valid_and_rejects_forged_signatures() {
    let key = SecretKey::from_seed("signer");
    let PublicKey::ED25519(public_key) = key.public_key() else { unreachable!() };
    let Signature::ED25519(signature) = key.sign(b"message") else { unreachable!() };
    assert_eq!(verify(&signature, b"message", &public_key), Ok(1));
    assert_eq!(verify(&signature, b"massage", &public_key), Ok(0));
    let error = verify(&signature[..63], b"message", &public_key).unwrap_err();
    assert_eq!(
        error,
        Some(FunctionCallError::HostError(HostError::Ed25519VerifyInvalidInput {
            msg: "invalid signature length".into()
        }))
    );
}

fn ecrecover(
    hash: &[u8],
    signature: &[u8],
    v: u64,
    malleability_flag: u64,
) -> Result<Option<Vec<u8>>, Option<FunctionCallError>> {
    let escaped = |bytes: &[u8]| bytes.iter().map(|b| format!("\\{b:02x}")).collect::<String>();
    let wat = format!(
        r#"(module
             (import "env" "ecrecover" (func $ecrecover (param i64 i64 i64 i64 i64 i64 i64) (result i64)))
             (import "env" "value_return" (func $value_return (param i64 i64)))
             (memory 1)
             (data (i32.const 0) "{}") (data (i32.const 100) "{}")
             (func (export "f")
               (if (i64.eqz (call $ecrecover (i64.const {}) (i64.const 0) (i64.const {}) (i64.const 100)
                                              (i64.const {v}) (i64.const {malleability_flag}) (i64.const 1)))
                 (then (call $value_return (i64.const 0) (i64.const 0)))
                 (else (call $value_return (i64.const -1) (i64.const 1))))))"#,
        escaped(hash),
        escaped(signature),
        hash.len(),
        signature.len(),
    );
    let ran = run_wat(&wat, "f");
    match &ran.outcome.aborted {
        None => {
            let value = returned(&ran);
            Ok((!value.is_empty()).then_some(value))
        }
        other => Err(other.clone()),
    }
}

#[test]
fn ecrecover_recovers_the_signer_and_rejects_bad_input() {
    let key = k256::ecdsa::SigningKey::from_slice(&[7u8; 32]).unwrap();
    let hash = [0x42u8; 32];
    let (signature, recovery_id) = key.sign_prehash_recoverable(&hash).unwrap();
    let expected = key.verifying_key().to_encoded_point(false).as_bytes()[1..].to_vec();
    let bytes = signature.to_bytes();
    let v = u64::from(recovery_id.to_byte());
    assert_eq!(ecrecover(&hash, &bytes, v, 0), Ok(Some(expected.clone())));
    assert_eq!(ecrecover(&hash, &bytes, v, 1), Ok(Some(expected)), "k256 signs with low s");
    let wrong = ecrecover(&[0x43; 32], &bytes, v, 0).unwrap();
    assert_ne!(wrong, Some(key.verifying_key().to_encoded_point(false).as_bytes()[1..].to_vec()));
    let ecrecover_error = |msg: &str| Some(FunctionCallError::HostError(HostError::ECRecoverError { msg: msg.into() }));
    assert_eq!(
        ecrecover(&hash, &bytes[..63], v, 0),
        Err(ecrecover_error("The length of the signature: 63, exceeds the limit of 64 bytes"))
    );
    assert_eq!(
        ecrecover(&hash, &bytes, 4, 0),
        Err(ecrecover_error("V recovery byte 0 through 3 are valid but was provided 4"))
    );
    assert_eq!(
        ecrecover(&hash[..31], &bytes, v, 0),
        Err(ecrecover_error("The length of the hash: 31, exceeds the limit of 32 bytes"))
    );
    assert_eq!(
        ecrecover(&hash, &bytes, v, 2),
        Err(ecrecover_error("Malleability flag needs to be 0 or 1, but is instead 2"))
    );
    assert_eq!(ecrecover(&hash, &[0u8; 64], v, 0), Ok(None), "zero r and s recover nothing");
}

/// `p256_verify` and `chain_id` through the no_std contract's vectors (RFC 6979 A.2.5's key and
/// its signature over the prehash 32 × 0x07); every call is also compared with nearcore's
/// runner by the nearcore-diff corpus in CI.
#[test]
fn p256_verify_and_chain_id_on_the_contracts_vectors() {
    use near_parameters::{ExtCosts, RuntimeConfig};
    let call = |method: &str| {
        crate::run_code(
            near_test_contracts::raw_nostd(),
            method,
            Box::new(near_vm_runner::logic::mocks::MockedExternal::default()),
            crate::context(),
        )
    };
    let value = |method: &str| u64::from_le_bytes(returned(&call(method)).try_into().unwrap());
    assert_eq!(value("p256_valid"), 1);
    assert_eq!(value("p256_tampered"), 0);
    assert_eq!(value("p256_zero_signature"), 0);
    for (method, msg) in
        [("p256_short_signature", "invalid signature length"), ("p256_short_key", "invalid public key length")]
    {
        let invalid = HostError::P256VerifyInvalidInput { msg: msg.into() };
        assert_eq!(call(method).outcome.aborted, Some(FunctionCallError::HostError(invalid)), "{method}");
    }
    // The byte cost is charged for the 32-byte prehash, but not when the signature is refused.
    let costs = &RuntimeConfig::mainnet().wasm_config.ext_costs;
    let per_byte = |method: &str| call(method).outcome.profile.ext[ExtCosts::p256_verify_byte as usize];
    assert_eq!(per_byte("p256_valid"), 32 * costs.gas_cost(ExtCosts::p256_verify_byte));
    assert_eq!(per_byte("p256_zero_signature"), 0);
    assert_eq!(returned(&call("get_chain_id")), b"test");
}

/// The alt_bn128 fixture nearcore-diff compares with nearcore; here its results are checked
/// against the algebra they must satisfy.
fn alt_bn128(method: &str) -> crate::Ran {
    crate::run_fixture("alt_bn128.wat", method)
}

/// alt_bn128's field modulus, little-endian (p = 0x30644e72…d87cfd47).
fn modulus() -> Vec<u8> {
    let mut le = hex::decode("30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47").unwrap();
    le.reverse();
    le
}

/// `a + b` of two 32-byte little-endian integers, as 33 bytes.
fn add_le(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut carry = 0u16;
    let mut sum: Vec<u8> = a
        .iter()
        .zip(b)
        .map(|(&x, &y)| {
            let [low, high] = (u16::from(x) + u16::from(y) + carry).to_le_bytes();
            carry = u16::from(high);
            low
        })
        .collect();
    sum.push(carry.to_le_bytes()[0]);
    sum
}

#[test]
fn alt_bn128_results_satisfy_the_group_laws() {
    let mut generator = vec![0; 64];
    (generator[0], generator[32]) = (1, 2);
    assert_eq!(returned(&alt_bn128("sum_g_plus_g_minus_g")), generator, "G + G - G = G");
    // -G + (-G) = -2G: the same x as 2G, and y + y' = p.
    let (two_g, minus_two_g) =
        (returned(&alt_bn128("multiexp_generator_times_two")), returned(&alt_bn128("sum_minus_g_plus_minus_g")));
    assert_eq!(two_g[..32], minus_two_g[..32]);
    assert_eq!(add_le(&two_g[32..], &minus_two_g[32..]), [modulus(), vec![0]].concat());
    assert_eq!(returned(&alt_bn128("multiexp_point_at_infinity")), vec![0; 64], "9 × O = O");
    assert_eq!(returned(&alt_bn128("multiexp_empty")), vec![0; 64], "the empty sum is O");
    assert_eq!(returned(&alt_bn128("multiexp_two_terms")), returned(&alt_bn128("multiexp_input_from_a_register")));
    assert_eq!(returned(&alt_bn128("pairing_check_holds")), 1u64.to_le_bytes(), "e(G, H) · e(-G, H) = 1");
    assert_eq!(returned(&alt_bn128("pairing_check_fails")), 0u64.to_le_bytes(), "e(G, H) ≠ 1");
    assert_eq!(returned(&alt_bn128("pairing_check_empty")), 1u64.to_le_bytes(), "the empty product is 1");
    for method in [
        "multiexp_length_not_a_multiple",
        "multiexp_coordinate_not_below_modulus",
        "multiexp_point_off_the_curve",
        "multiexp_scalar_not_below_group_order",
        "sum_sign_not_a_bool",
        "sum_length_not_a_multiple",
        "pairing_check_g2_off_the_curve",
        "pairing_check_length_not_a_multiple",
    ] {
        let aborted = alt_bn128(method).outcome.aborted;
        assert!(
            matches!(aborted, Some(FunctionCallError::HostError(HostError::AltBn128InvalidInput { .. }))),
            "{method}: {aborted:?}"
        );
    }
}

/// The BLS12-381 fixture nearcore-diff compares with nearcore; here its results are checked
/// against each other and the algebra (status first, 8 bytes, then the register).
fn bls12381_run(method: &str) -> crate::Ran {
    crate::run_fixture("bls12381.wat", method)
}

fn bls12381(method: &str) -> (u64, Vec<u8>) {
    let bytes = returned(&bls12381_run(method));
    let (status, rest) = bytes.split_at(8);
    (u64::from_le_bytes(status.try_into().unwrap()), rest.to_vec())
}

#[test]
fn bls12381_results_agree_with_each_other_and_the_group_laws() {
    let (status, g1) = bls12381("p1_decompress_generator");
    assert_eq!((status, g1.len()), (0, 96));
    assert_eq!(bls12381("p1_sum_g_plus_g_minus_g"), (0, g1.clone()), "G + G - G = G");
    let mut infinity = vec![0; 96];
    infinity[0] = 0x40;
    assert_eq!(bls12381("p1_sum_g_minus_g_is_infinity"), (0, infinity.clone()), "G - G = O");
    assert_eq!(bls12381("p1_sum_empty"), (0, infinity), "the empty sum is O");
    assert_eq!(bls12381("g1_multiexp_five_g_minus_two_g"), bls12381("g1_multiexp_three_g"), "5G + 2(-G) = 3G");
    let (status, two_g2) = bls12381("p2_decompress_two_generators");
    assert_eq!((status, two_g2.len()), (0, 384));
    assert_eq!(bls12381("p2_sum_g_minus_g_plus_g"), (0, two_g2[..192].to_vec()), "G - G + G = G on G2");
    assert_eq!(bls12381("map_fp_to_g1_two_elements").1[..96], bls12381("map_fp_to_g1_of_one").1[..]);
    for invalid in [
        "p1_sum_sign_not_a_bool",
        "p1_sum_point_outside_the_subgroup",
        "p1_sum_compressed_flag_set",
        "g1_multiexp_point_outside_the_subgroup",
        "map_fp_to_g1_not_below_the_modulus",
        "map_fp2_to_g2_c0_not_below_the_modulus",
        "p1_decompress_without_the_compression_flag",
    ] {
        assert_eq!(bls12381(invalid), (1, vec![]), "{invalid}");
    }
    // As nearcore, elements are charged from the length argument before reading: a register's
    // `u64::MAX` overflows the charge.
    let from_register = bls12381_run("p1_sum_input_from_a_register").outcome.aborted;
    assert_eq!(from_register, Some(FunctionCallError::HostError(HostError::IntegerOverflow)));
    // The pairing check returns its status alone (8 bytes, nothing after).
    let pairing = |method| {
        let (status, rest) = bls12381(method);
        assert!(rest.is_empty(), "{method} returned more than its status");
        status
    };
    assert_eq!(pairing("pairing_check_holds"), 0, "e(G1, G2) · e(-G1, G2) = 1");
    assert_eq!(pairing("pairing_check_fails"), 2);
    assert_eq!(pairing("pairing_check_point_outside_the_subgroup"), 1);
    assert_eq!(pairing("pairing_check_empty"), 0, "the empty product is 1");
}

#[test]
fn ml_dsa_verify_accepts_the_signature_and_nothing_else() {
    let run = |method| crate::run_fixture("ml_dsa.wat", method);
    let verified = |method| u64::from_le_bytes(returned(&run(method)).try_into().unwrap());
    assert_eq!(verified("verify_valid_signature"), 1);
    assert_eq!(verified("verify_from_registers"), 1);
    assert_eq!(verified("verify_other_message"), 0);
    assert_eq!(verified("verify_corrupted_signature"), 0);
    for method in ["verify_signature_too_short", "verify_key_too_long", "verify_signature_as_the_key_is_too_long"] {
        let aborted = run(method).outcome.aborted;
        assert!(
            matches!(aborted, Some(FunctionCallError::HostError(HostError::MlDsaVerifyInvalidInput { .. }))),
            "{method}: {aborted:?}"
        );
    }
}
