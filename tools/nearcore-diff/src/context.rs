//! The call's context, as a JSON file: every field optional, unknown keys refused with their
//! path. Fields: `current_account_id`, `signer_account_id`, `predecessor_account_id`,
//! `block_height`, `block_timestamp`, `epoch_height`, `account_balance`,
//! `account_locked_balance`, `storage_usage`, `attached_deposit`, `prepaid_gas`,
//! `random_seed_base64`. Balances are decimal strings or numbers (yocto).

use serde_json::Value;

/// The context both runners get.
#[derive(Debug, Clone)]
pub(crate) struct Context {
    pub(crate) current_account_id: String,
    pub(crate) signer_account_id: String,
    pub(crate) predecessor_account_id: String,
    pub(crate) input: Vec<u8>,
    pub(crate) block_height: u64,
    pub(crate) block_timestamp: u64,
    pub(crate) epoch_height: u64,
    pub(crate) account_balance: u128,
    pub(crate) account_locked_balance: u128,
    pub(crate) storage_usage: u64,
    pub(crate) attached_deposit: u128,
    pub(crate) prepaid_gas: u64,
    pub(crate) random_seed: Vec<u8>,
}

const FIELDS: &[&str] = &[
    "current_account_id",
    "signer_account_id",
    "predecessor_account_id",
    "block_height",
    "block_timestamp",
    "epoch_height",
    "account_balance",
    "account_locked_balance",
    "storage_usage",
    "attached_deposit",
    "prepaid_gas",
    "random_seed_base64",
];

fn u128_of(value: &Value, path: &str) -> Result<u128, String> {
    match value {
        Value::String(text) => text.parse().map_err(|_| format!("{path}: expected a decimal amount")),
        Value::Number(n) => {
            n.as_u64().map(u128::from).ok_or_else(|| format!("{path}: expected a non-negative integer"))
        }
        _ => Err(format!("{path}: expected a decimal string or an integer")),
    }
}

/// Reads the context file (defaults for what it leaves out).
///
/// # Errors
/// A message naming the JSON path of what is wrong.
pub(crate) fn load(path: Option<&std::path::Path>, input: Vec<u8>) -> Result<Context, String> {
    let mut context = Context {
        current_account_id: "alice.near".into(),
        signer_account_id: "bob.near".into(),
        predecessor_account_id: "carol.near".into(),
        input,
        block_height: 10,
        block_timestamp: 42,
        epoch_height: 1,
        account_balance: 10u128.pow(25),
        account_locked_balance: 0,
        storage_usage: 1000,
        attached_deposit: 0,
        prepaid_gas: 300_000_000_000_000,
        random_seed: vec![7; 32],
    };
    let Some(path) = path else { return Ok(context) };
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let value: Value = serde_json::from_str(&text).map_err(|e| format!("{}: $: invalid JSON: {e}", path.display()))?;
    let object = value.as_object().ok_or_else(|| format!("{}: $: expected an object", path.display()))?;
    for (key, value) in object {
        let at = format!("{}: $.{key}", path.display());
        let text = || value.as_str().map(str::to_string).ok_or_else(|| format!("{at}: expected a string"));
        let number = || value.as_u64().ok_or_else(|| format!("{at}: expected a non-negative integer"));
        match key.as_str() {
            "current_account_id" => context.current_account_id = text()?,
            "signer_account_id" => context.signer_account_id = text()?,
            "predecessor_account_id" => context.predecessor_account_id = text()?,
            "block_height" => context.block_height = number()?,
            "block_timestamp" => context.block_timestamp = number()?,
            "epoch_height" => context.epoch_height = number()?,
            "account_balance" => context.account_balance = u128_of(value, &at)?,
            "account_locked_balance" => context.account_locked_balance = u128_of(value, &at)?,
            "storage_usage" => context.storage_usage = number()?,
            "attached_deposit" => context.attached_deposit = u128_of(value, &at)?,
            "prepaid_gas" => context.prepaid_gas = number()?,
            "random_seed_base64" => {
                use base64::Engine;
                context.random_seed = base64::engine::general_purpose::STANDARD
                    .decode(text()?)
                    .map_err(|_| format!("{at}: invalid base64"))?;
            }
            _ => return Err(format!("{at}: unknown field (known: {})", FIELDS.join(", "))),
        }
    }
    Ok(context)
}
