//! Keys in scenarios: public keys (given, or derived from a seed name), access keys and their
//! permissions (full access, function call, and the two gas-key kinds), and the gas key a
//! transaction may be signed with.

use super::{Node, Parsed, child};
use near_primitives::account::{AccessKey, AccessKeyPermission, FunctionCallPermission, GasKeyInfo};
use near_primitives::crypto::{PublicKey, SecretKey};
use near_primitives::types::AccountId;
use serde_json::Value;

/// The gas key a transaction is signed with: the key derived from `key_of`, at nonce
/// `nonce_index` (a V1 transaction with strict nonces).
#[derive(Debug, Clone)]
pub struct GasKeySigner {
    /// The seed the key derives from (`SecretKey::from_seed`).
    pub key_of: AccountId,
    /// Which of its nonces.
    pub nonce_index: u16,
}

/// `public_key` (text form) or `public_key_of` (the key derived from that seed name).
pub(super) fn parse_public_key(node: Node<'_>) -> Parsed<PublicKey> {
    if let Some(account_id) = optional!(node, "public_key_of", |n| n.account_id())? {
        return Ok(SecretKey::from_seed(account_id.as_str()).public_key());
    }
    required!(node, "public_key", |n| n
        .str()?
        .parse()
        .map_or_else(|e| n.fail(format!("invalid public key: {e:?}")), Ok))
}

/// `{"key_of", "nonce_index"}`.
pub(super) fn parse_gas_key_signer(node: Node<'_>) -> Parsed<GasKeySigner> {
    node.only(&["key_of", "nonce_index"])?;
    Ok(GasKeySigner {
        key_of: required!(node, "key_of", |n| n.account_id())?,
        nonce_index: required!(node, "nonce_index", |n| n
            .u64()
            .and_then(|v| u16::try_from(v).map_or_else(|_| n.fail("a nonce index is at most 65535"), Ok)))?,
    })
}

/// `{"nonce", "permission"}`.
pub(super) fn parse_access_key(node: Node<'_>) -> Parsed<AccessKey> {
    node.only(&["nonce", "permission"])?;
    let nonce = optional!(node, "nonce", |n| n.u64())?.unwrap_or(0);
    let permission = required!(node, "permission", |p| parse_permission(p))?;
    Ok(AccessKey { nonce, permission })
}

/// `"FullAccess"`, `{"FunctionCall": {...}}`, `{"GasKeyFullAccess": {"num_nonces"}}` or
/// `{"GasKeyFunctionCall": {"num_nonces", "receiver_id", "method_names"}}` (a gas key starts
/// with no balance; `TransferToGasKey` funds it).
fn parse_permission(node: Node<'_>) -> Parsed<AccessKeyPermission> {
    if node.value.as_str() == Some("FullAccess") {
        return Ok(AccessKeyPermission::FullAccess);
    }
    let Value::Object(map) = node.value else { return node.fail("expected \"FullAccess\" or an object") };
    let [(kind, _)] = map.iter().collect::<Vec<_>>()[..] else {
        return node.fail("expected exactly one permission kind");
    };
    match kind.as_str() {
        "FunctionCall" => required!(node, "FunctionCall", |f| {
            f.only(&["allowance", "receiver_id", "method_names"])?;
            parse_function_call(f, optional!(f, "allowance", |n| n.balance())?).map(AccessKeyPermission::FunctionCall)
        }),
        "GasKeyFullAccess" => required!(node, "GasKeyFullAccess", |g| {
            g.only(&["num_nonces"])?;
            Ok(AccessKeyPermission::GasKeyFullAccess(parse_gas_key_info(g)?))
        }),
        "GasKeyFunctionCall" => required!(node, "GasKeyFunctionCall", |g| {
            g.only(&["num_nonces", "receiver_id", "method_names"])?;
            Ok(AccessKeyPermission::GasKeyFunctionCall(parse_gas_key_info(g)?, parse_function_call(g, None)?))
        }),
        other => node.fail(format!("unknown permission `{other}`")),
    }
}

fn parse_gas_key_info(node: Node<'_>) -> Parsed<GasKeyInfo> {
    let num_nonces = required!(node, "num_nonces", |n| n
        .u64()
        .and_then(|v| u16::try_from(v).map_or_else(|_| n.fail("at most 65535 nonces"), Ok)))?;
    Ok(GasKeyInfo { balance: 0, num_nonces })
}

fn parse_function_call(node: Node<'_>, allowance: Option<u128>) -> Parsed<FunctionCallPermission> {
    Ok(FunctionCallPermission {
        allowance,
        receiver_id: required!(node, "receiver_id", |n| n.str().map(str::to_string))?,
        method_names: optional!(node, "method_names", |list| {
            list.array()?
                .iter()
                .map(|name| name.as_str().map(str::to_string).map_or_else(|| list.fail("expected strings"), Ok))
                .collect::<Parsed<Vec<String>>>()
        })?
        .unwrap_or_default(),
    })
}
