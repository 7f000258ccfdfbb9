//! Universal accounts in scenarios: named state inits (`state_inits` at the top level), whose
//! `0u` ids any account id field may name as `universal:NAME`, and the `UniversalStateInit`
//! action carrying one (or raw bytes, to try malformed ones).

use super::{Node, Parsed, child};
use base64::Engine;
use near_primitives::action::UniversalStateInitAction;
use near_primitives::crypto::{KeyHandle, SecretKey};
use near_primitives::types::AccountId;
use near_primitives::universal_state_init::{UniversalStateInit, UniversalStateInitV1, universal_account_id};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The prefix naming a state init's account in an account id field.
pub(super) const UNIVERSAL_PREFIX: &str = "universal:";

/// A named state init: its canonical bytes and the `0u` id they derive.
#[derive(Debug, Clone)]
pub(super) struct NamedStateInit {
    pub(super) bytes: Vec<u8>,
    pub(super) account_id: AccountId,
}

/// `{"NAME": {"keys_of", "public_keys", "data", "code"}, ...}`.
pub(super) fn parse_state_inits(node: Node<'_>) -> Parsed<BTreeMap<String, NamedStateInit>> {
    let Value::Object(map) = node.value else { return node.fail("expected an object of named state inits") };
    let mut parsed = BTreeMap::new();
    for (name, spec) in map {
        let path = format!("{}.{name}", node.path);
        let spec = child(node.ctx, &path, spec);
        if !crate::captures::is_name(name) {
            return spec.fail("a state init's name is letters, digits, `_` and `-`");
        }
        parsed.insert(name.clone(), parse_state_init(spec)?);
    }
    Ok(parsed)
}

/// `keys_of` (seed names whose derived keys it commits to), `public_keys` (text form), `data`
/// (UTF-8 keys and values) and `code` (a global contract: `account_id`, `code_hash` or
/// `code_hash_of`); every field optional.
fn parse_state_init(node: Node<'_>) -> Parsed<NamedStateInit> {
    node.only(&["keys_of", "public_keys", "data", "code"])?;
    let mut access_keys = BTreeSet::new();
    optional!(node, "keys_of", |list| {
        for (i, seed) in list.array()?.iter().enumerate() {
            let path = format!("{}[{i}]", list.path);
            let seed = child(node.ctx, &path, seed).str()?;
            access_keys.insert(KeyHandle::from(&SecretKey::from_seed(seed).public_key()));
        }
        Ok(())
    })?;
    optional!(node, "public_keys", |list| {
        for (i, key) in list.array()?.iter().enumerate() {
            let path = format!("{}[{i}]", list.path);
            let key = child(node.ctx, &path, key);
            let parsed = key.str()?.parse().map_or_else(|e| key.fail(format!("invalid public key: {e:?}")), Ok)?;
            access_keys.insert(KeyHandle::from(&parsed));
        }
        Ok(())
    })?;
    let data = optional!(node, "data", |entries| {
        let Value::Object(map) = entries.value else { return entries.fail("expected an object of strings") };
        let mut data = BTreeMap::new();
        for (key, value) in map {
            let path = format!("{}.{key}", entries.path);
            let value = child(node.ctx, &path, value).str()?;
            data.insert(key.as_bytes().to_vec(), value.as_bytes().to_vec());
        }
        Ok(data)
    })?;
    let code = optional!(node, "code", |n| super::parse_global_contract_identifier(n))?;
    let init = UniversalStateInit::V1(UniversalStateInitV1 { code, data: data.unwrap_or_default(), access_keys });
    let bytes = borsh::to_vec(&init).map_or_else(|e| node.fail(format!("cannot encode: {e}")), Ok)?;
    let account_id = universal_account_id(&bytes);
    Ok(NamedStateInit { bytes, account_id })
}

/// `universal:NAME`: the account of a declared state init.
pub(super) fn universal_account(node: Node<'_>, name: &str) -> Parsed<AccountId> {
    match node.ctx.state_inits.get(name) {
        Some(init) => Ok(init.account_id.clone()),
        None => node.fail(format!("`{UNIVERSAL_PREFIX}{name}` names no state init declared in `state_inits`")),
    }
}

/// `{"state_init": "NAME" | "state_init_base64": "...", "deposit"}`.
pub(super) fn parse_universal_state_init_action(node: Node<'_>) -> Parsed<UniversalStateInitAction> {
    node.only(&["state_init", "state_init_base64", "deposit"])?;
    let named = optional!(node, "state_init", |n| {
        let name = n.str()?;
        n.ctx.state_inits.get(name).map_or_else(
            || n.fail(format!("`{name}` names no state init declared in `state_inits`")),
            |init| Ok(init.bytes.clone()),
        )
    })?;
    let raw = optional!(node, "state_init_base64", |n| base64::engine::general_purpose::STANDARD
        .decode(n.str()?)
        .map_or_else(|e| n.fail(format!("bad base64: {e}")), Ok))?;
    let state_init = match (named, raw) {
        (Some(bytes), None) | (None, Some(bytes)) => bytes,
        _ => return node.fail("expected exactly one of `state_init`, `state_init_base64`"),
    };
    let deposit = optional!(node, "deposit", |n| n.balance())?.unwrap_or(0);
    Ok(UniversalStateInitAction { state_init, deposit })
}
