//! Part of `--layouts`: the node side of universal accounts, on byte strings a contract may hand
//! the host: whether they are a canonical state init (and why not), what a `UniversalStateInit`
//! action carrying them is charged for, and their `0u` id, here
//! (`near_primitives::universal_state_init`) and in nearcore's `near-primitives` 0.38
//! (`from_raw_strict`, `state_init_send_counts`, `derive_universal_account_id`).

use nc_primitives::universal_state_init::{DecodeMode, RawStateInit, UniversalStateInit, state_init_send_counts};
use near_primitives::universal_state_init as ours;
use serde_json::{Value, json};

/// Byte strings: canonical state inits (empty, with code, entries and keys of every kind),
/// the same with entries or keys out of order or repeated, trailing bytes, unknown tags,
/// truncations and noise.
fn samples() -> Vec<(&'static str, Vec<u8>)> {
    use ours::{KeyHandle, UniversalStateInit as S, UniversalStateInitV1 as V1};
    let full = S::V1(V1 {
        code: Some(near_primitives::global_contract::GlobalContractIdentifier::AccountId(
            "factory.near".parse().unwrap_or_else(|_| unreachable!()),
        )),
        data: [(b"a".to_vec(), b"1".to_vec()), (b"b".to_vec(), vec![])].into(),
        access_keys: [KeyHandle::Ed25519([1; 32]), KeyHandle::Secp256k1([2; 64]), KeyHandle::MlDsa65Hash([3; 32])]
            .into(),
    });
    let empty = S::V1(V1 { code: None, data: Default::default(), access_keys: Default::default() });
    let bytes = |s: &S| borsh::to_vec(s).unwrap_or_default();
    let full_bytes = bytes(&full);
    let entries_at = 1 + 1 + 1 + 4 + 12 + 4;
    let mut unsorted_entries = full_bytes.clone();
    unsorted_entries[entries_at..entries_at + 19].rotate_left(10);
    let keys_at = full_bytes.len() - (33 + 65 + 33);
    let mut unsorted_keys = full_bytes.clone();
    unsorted_keys[keys_at..keys_at + 98].rotate_left(33);
    let mut repeated_entry = full_bytes[..entries_at - 4].to_vec();
    repeated_entry.extend(2u32.to_le_bytes());
    repeated_entry.extend([1, 0, 0, 0, b'a', 1, 0, 0, 0, b'1', 1, 0, 0, 0, b'a', 1, 0, 0, 0, b'1']);
    repeated_entry.extend(0u32.to_le_bytes());
    let mut trailing = full_bytes.clone();
    trailing.push(0);
    let mut ml_dsa_full_tag = full_bytes.clone();
    let last_key = full_bytes.len() - 33;
    ml_dsa_full_tag[last_key] = 2;
    let mut version_1 = bytes(&empty);
    version_1[0] = 1;
    let noise: Vec<u8> = (0..200u32).map(|i| (i.wrapping_mul(2654435761) >> 24) as u8).collect();
    vec![
        ("empty V1", bytes(&empty)),
        ("V1 with code, entries and every key kind", full_bytes.clone()),
        ("entries out of order", unsorted_entries),
        ("keys out of order", unsorted_keys),
        ("a repeated entry", repeated_entry),
        ("trailing byte", trailing),
        ("ML-DSA-65 full key tag", ml_dsa_full_tag),
        ("unknown version", version_1),
        ("truncated", full_bytes[..full_bytes.len() - 5].to_vec()),
        ("nothing", Vec::new()),
        ("noise", noise),
    ]
}

fn our_view(bytes: &[u8]) -> Value {
    let verdict = match ours::UniversalStateInit::from_canonical_bytes(bytes) {
        Ok(_) => 0,
        Err(error) => error.exit_status(),
    };
    let counts = ours::UniversalStateInit::send_counts(bytes);
    json!({
        "status": verdict,
        "entries": counts.num_entries,
        "keys": counts.num_keys,
        "id": ours::universal_account_id(bytes).to_string(),
    })
}

fn their_view(bytes: &[u8]) -> Value {
    let raw = RawStateInit(bytes.to_vec());
    let verdict = match UniversalStateInit::from_raw_strict(&raw) {
        Ok(_) => 0,
        Err(error) => error.exit_status(),
    };
    let counts = state_init_send_counts(&raw, DecodeMode::Strict);
    json!({
        "status": verdict,
        "entries": counts.num_entries,
        "keys": counts.num_keys,
        "id": nc_primitives::utils::derive_universal_account_id(&raw).to_string(),
    })
}

/// Each sample: name, ours, nearcore's (as JSON text, compared as bytes by the caller).
pub(crate) fn comparisons() -> Vec<(String, Vec<u8>, Vec<u8>)> {
    samples()
        .into_iter()
        .map(|(name, bytes)| {
            let name = format!("UniversalStateInit verdict ({name})");
            (name, our_view(&bytes).to_string().into_bytes(), their_view(&bytes).to_string().into_bytes())
        })
        .collect()
}
