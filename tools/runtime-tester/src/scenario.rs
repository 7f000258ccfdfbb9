//! The scenario format (documented in docs/runtime-tester.md) and its parser. Parsing walks
//! the JSON by hand so every error names the file, the path inside it and the field, e.g.
//! `blocks[2].transactions[0].actions[1].FunctionCall.gas: expected an integer`; a key the
//! format does not have is an error too (`$.blocks[0].views[0].args: unknown field`), never
//! silently dropped.

use crate::captures::ArgsSpec;
use base64::Engine;
use near_primitives::account::AccessKey;
use near_primitives::action::{
    Action, AddKeyAction, CreateAccountAction, DeleteAccountAction, DeleteKeyAction, DeployContractAction,
    DeployGlobalContractAction, DeploySubmoduleAction, RemoveSubmoduleAction, StakeAction, TransferAction,
    TransferToGasKeyAction, UseGlobalContractAction, WithdrawFromGasKeyAction,
};
use near_primitives::global_contract::{GlobalContractDeployMode, GlobalContractIdentifier};
use near_primitives::types::{AccountId, Balance, Gas};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A scenario file that cannot be run: where, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {path}: {problem}")]
pub struct ScenarioError {
    /// The scenario file.
    pub file: String,
    /// Where in it (`blocks[0].transactions[1].signer_id`), or `-` for the whole file.
    pub path: String,
    /// What is wrong.
    pub problem: String,
}

/// A genesis account.
#[derive(Debug, Clone)]
pub struct GenesisSpec {
    /// The account.
    pub account_id: AccountId,
    /// Its balance in yocto.
    pub balance: Balance,
    /// Its contract's bytes.
    pub code: Option<Vec<u8>>,
}

/// An action; a function call's arguments may name captured values.
#[derive(Debug, Clone)]
pub enum ActionSpec {
    /// Any action with fixed contents.
    Ready(Action),
    /// A function call whose arguments are resolved when the transaction is signed.
    FunctionCall {
        /// The method.
        method_name: String,
        /// The arguments.
        args: ArgsSpec,
        /// Attached gas.
        gas: Gas,
        /// Attached deposit.
        deposit: Balance,
    },
}

/// A transaction, signed by the runner with the signer's derived key.
#[derive(Debug, Clone)]
pub struct TransactionSpec {
    /// Where it is in the file (`$.blocks[1].transactions[0]`).
    pub path: String,
    /// The signer.
    pub signer_id: AccountId,
    /// The receiver.
    pub receiver_id: AccountId,
    /// The actions.
    pub actions: Vec<ActionSpec>,
    /// Saves the return value of the receipt this transaction becomes under this name.
    pub capture: Option<String>,
    /// Signs with this gas key (a V1 transaction) instead of the signer's derived key.
    pub gas_key: Option<GasKeySigner>,
    /// Signs with the key derived from this seed name instead of the signer's (for an
    /// uninitialized universal signer: its self-signed state init, at its bootstrap nonce).
    pub key_of: Option<String>,
}

/// A view call run after a block.
#[derive(Debug, Clone)]
pub struct ViewSpec {
    /// Where it is in the file.
    pub path: String,
    /// The contract.
    pub account_id: AccountId,
    /// The method.
    pub method_name: String,
    /// The arguments (`args_json` or `args_base64`; `{}` when neither is given).
    pub args: ArgsSpec,
    /// Saves the view's result under this name.
    pub capture: Option<String>,
}

/// One item of `blocks`.
#[derive(Debug, Clone)]
pub enum BlockSpec {
    /// A block with these transactions, and views after it.
    Block {
        /// Transactions.
        transactions: Vec<TransactionSpec>,
        /// Views.
        views: Vec<ViewSpec>,
    },
    /// Blocks without transactions.
    Empty(u64),
}

/// A parsed scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The file it was read from (for errors while it runs).
    pub file: String,
    /// Genesis accounts.
    pub genesis: Vec<GenesisSpec>,
    /// The blocks.
    pub blocks: Vec<BlockSpec>,
    /// The chunk compute limit, if set (`gas_limit`).
    pub gas_limit: Option<Gas>,
    /// The yield timeout, if set (`yield_timeout_length_in_blocks`).
    pub yield_timeout_length_in_blocks: Option<u64>,
    /// The bound on empty blocks after the last item (`max_trailing_blocks`).
    pub max_trailing_blocks: Option<u64>,
}

/// A JSON value with its path, for error messages.
#[derive(Clone, Copy)]
struct Node<'a> {
    ctx: &'a Ctx,
    path: &'a str,
    value: &'a Value,
}

struct Ctx {
    file: String,
    dir: PathBuf,
    /// The scenario's named universal state inits (`state_inits`).
    state_inits: std::collections::BTreeMap<String, state_inits::NamedStateInit>,
}

type Parsed<T> = Result<T, ScenarioError>;

impl Ctx {
    fn error(&self, path: &str, problem: impl Into<String>) -> ScenarioError {
        ScenarioError { file: self.file.clone(), path: path.to_string(), problem: problem.into() }
    }
}

impl<'a> Node<'a> {
    fn fail<T>(&self, problem: impl Into<String>) -> Parsed<T> {
        Err(self.ctx.error(self.path, problem))
    }

    /// Fails on a key of this object that is not in `allowed`, naming its path.
    fn only(&self, allowed: &[&str]) -> Parsed<()> {
        let Value::Object(map) = self.value else { return self.fail("expected an object") };
        match map.keys().find(|key| !allowed.contains(&key.as_str())) {
            None => Ok(()),
            Some(key) => Err(self.ctx.error(
                &format!("{}.{key}", self.path),
                format!("unknown field `{key}`; expected one of: {}", allowed.join(", ")),
            )),
        }
    }

    fn field(&self, name: &str) -> Parsed<Option<(String, &'a Value)>> {
        let Value::Object(map) = self.value else { return self.fail("expected an object") };
        Ok(map.get(name).map(|value| (format!("{}.{name}", self.path), value)))
    }

    fn str(&self) -> Parsed<&'a str> {
        self.value.as_str().map_or_else(|| self.fail("expected a string"), Ok)
    }

    fn u64(&self) -> Parsed<u64> {
        match self.value {
            Value::Number(n) => n.as_u64().map_or_else(|| self.fail("expected a non-negative integer"), Ok),
            Value::String(s) => s.replace('_', "").parse().map_or_else(|_| self.fail("expected an integer"), Ok),
            _ => self.fail("expected an integer"),
        }
    }

    fn balance(&self) -> Parsed<Balance> {
        match self.value {
            Value::String(text) => parse_balance(text).map_or_else(|problem| self.fail(problem), Ok),
            Value::Number(n) => n.as_u64().map(u128::from).map_or_else(|| self.fail("expected a balance"), Ok),
            _ => self.fail("expected a balance: a decimal string of yocto or `N NEAR`"),
        }
    }

    /// An account id, or `universal:NAME`: the `0u` id of a declared state init.
    fn account_id(&self) -> Parsed<AccountId> {
        let text = self.str()?;
        if let Some(name) = text.strip_prefix(state_inits::UNIVERSAL_PREFIX) {
            return state_inits::universal_account(*self, name);
        }
        text.parse().map_or_else(|e| self.fail(format!("invalid account id: {e}")), Ok)
    }

    fn array(&self) -> Parsed<&'a Vec<Value>> {
        self.value.as_array().map_or_else(|| self.fail("expected an array"), Ok)
    }

    fn file(&self) -> Parsed<Vec<u8>> {
        let relative = self.str()?;
        let path = self.ctx.dir.join(relative);
        let bytes =
            std::fs::read(&path).map_or_else(|e| self.fail(format!("cannot read {}: {e}", path.display())), Ok)?;
        if path.extension().is_some_and(|ext| ext == "wat") {
            return wat::parse_bytes(&bytes)
                .map(|wasm| wasm.into_owned())
                .map_or_else(|e| self.fail(format!("invalid WAT: {e}")), Ok);
        }
        Ok(bytes)
    }
}

/// Parses a balance: decimal yocto (`"1000"`), or NEAR with a ` NEAR` suffix (`"1.5 NEAR"`).
///
/// # Errors
/// What is malformed.
pub fn parse_balance(text: &str) -> Result<Balance, String> {
    const YOCTO_PER_NEAR: u32 = 24;
    let text = text.trim().replace('_', "");
    let Some(near) = text.strip_suffix("NEAR").map(str::trim) else {
        return text.parse().map_err(|_| format!("`{text}` is not a decimal amount of yocto"));
    };
    let (whole, fraction) = near.split_once('.').unwrap_or((near, ""));
    if fraction.len() > YOCTO_PER_NEAR as usize || !fraction.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("`{text}`: at most 24 decimal places"));
    }
    let whole: u128 = whole.parse().map_err(|_| format!("`{text}` is not an amount of NEAR"))?;
    let padded = format!("{fraction:0<24}");
    let fraction: u128 = padded.parse().map_err(|_| format!("`{text}` is not an amount of NEAR"))?;
    whole
        .checked_mul(10u128.pow(YOCTO_PER_NEAR))
        .and_then(|w| w.checked_add(fraction))
        .ok_or_else(|| format!("`{text}` overflows"))
}

fn child<'a>(ctx: &'a Ctx, path: &'a str, value: &'a Value) -> Node<'a> {
    Node { ctx, path, value }
}

macro_rules! required {
    ($node:expr, $name:expr, |$child:ident| $body:expr) => {{
        match $node.field($name)? {
            Some((path, value)) => {
                let $child = child($node.ctx, &path, value);
                $body
            }
            None => $node.fail(format!("missing field `{}`", $name)),
        }
    }};
}

macro_rules! optional {
    ($node:expr, $name:expr, |$child:ident| $body:expr) => {{
        match $node.field($name)? {
            Some((_, Value::Null)) | None => Ok(None),
            Some((path, value)) => {
                let $child = child($node.ctx, &path, value);
                $body.map(Some)
            }
        }
    }};
}

mod keys;
mod state_inits;

pub use keys::GasKeySigner;
use keys::{parse_access_key, parse_gas_key_signer, parse_public_key};

/// Reads and parses the scenario at `path` (code files are relative to it).
///
/// # Errors
/// The file cannot be read, is not JSON, or a field is missing or malformed.
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    let mut ctx = Ctx {
        file: path.display().to_string(),
        dir: path.parent().map(Path::to_path_buf).unwrap_or_default(),
        state_inits: Default::default(),
    };
    let text = std::fs::read_to_string(path).map_err(|e| ctx.error("-", format!("cannot read: {e}")))?;
    let value: Value = serde_json::from_str(&text).map_err(|e| ctx.error("-", format!("not JSON: {e}")))?;
    let root = child(&ctx, "$", &value);
    root.only(&[
        "genesis",
        "blocks",
        "gas_limit",
        "yield_timeout_length_in_blocks",
        "max_trailing_blocks",
        "state_inits",
    ])?;
    // Named state inits first: account id fields anywhere below may name their accounts.
    let state_inits = optional!(root, "state_inits", |n| state_inits::parse_state_inits(n))?.unwrap_or_default();
    ctx.state_inits = state_inits;
    let root = child(&ctx, "$", &value);
    let genesis = required!(root, "genesis", |genesis| required!(genesis, "accounts", |accounts| {
        genesis.only(&["accounts"])?;
        let mut parsed = Vec::new();
        for (i, account) in accounts.array()?.iter().enumerate() {
            let path = format!("{}[{i}]", accounts.path);
            parsed.push(parse_genesis_account(child(&ctx, &path, account))?);
        }
        Ok(parsed)
    }))?;
    let blocks = required!(root, "blocks", |blocks| {
        let mut parsed = Vec::new();
        for (i, block) in blocks.array()?.iter().enumerate() {
            let path = format!("{}[{i}]", blocks.path);
            parsed.push(parse_block(child(&ctx, &path, block))?);
        }
        Ok(parsed)
    })?;
    check_captures(&ctx, &blocks)?;
    Ok(Scenario {
        file: ctx.file.clone(),
        genesis,
        blocks,
        gas_limit: optional!(root, "gas_limit", |n| n.u64())?,
        yield_timeout_length_in_blocks: optional!(root, "yield_timeout_length_in_blocks", |n| n.u64())?,
        max_trailing_blocks: optional!(root, "max_trailing_blocks", |n| n.u64())?,
    })
}

/// Every capture is declared once, and referenced only from a later block.
fn check_captures(ctx: &Ctx, blocks: &[BlockSpec]) -> Parsed<()> {
    let mut declared = std::collections::BTreeMap::<String, String>::new();
    for block in blocks {
        let BlockSpec::Block { transactions, views } = block else { continue };
        let uses = transactions
            .iter()
            .flat_map(|tx| tx.actions.iter().map(move |a| (&tx.path, a)))
            .filter_map(|(path, action)| match action {
                ActionSpec::FunctionCall { args, .. } => Some((path, args)),
                ActionSpec::Ready(_) => None,
            })
            .chain(views.iter().map(|view| (&view.path, &view.args)));
        for (path, args) in uses {
            if let Some(name) = args.names().into_iter().find(|name| !declared.contains_key(name)) {
                return Err(ctx.error(path, format!("`${{{name}}}` names no capture declared in an earlier block")));
            }
        }
        let captures =
            transactions.iter().map(|t| (&t.path, &t.capture)).chain(views.iter().map(|v| (&v.path, &v.capture)));
        for (path, capture) in captures {
            let Some(name) = capture else { continue };
            if let Some(first) = declared.insert(name.clone(), path.clone()) {
                return Err(
                    ctx.error(&format!("{path}.capture"), format!("capture `{name}` is already declared at {first}"))
                );
            }
        }
    }
    Ok(())
}

fn parse_genesis_account(node: Node<'_>) -> Parsed<GenesisSpec> {
    node.only(&["account_id", "balance", "code_file"])?;
    Ok(GenesisSpec {
        account_id: required!(node, "account_id", |n| n.account_id())?,
        balance: required!(node, "balance", |n| n.balance())?,
        code: optional!(node, "code_file", |n| n.file())?,
    })
}

/// The most empty blocks one item may ask for (a typo of a few digits would otherwise run for
/// days).
pub const MAX_EMPTY_BLOCKS: u64 = 1_000_000;

fn parse_block(node: Node<'_>) -> Parsed<BlockSpec> {
    if let Some(count) = optional!(node, "empty_blocks", |n| n.u64())? {
        node.only(&["empty_blocks"])?;
        if count > MAX_EMPTY_BLOCKS {
            return node
                .fail(format!("`empty_blocks` is {count}, more than the {MAX_EMPTY_BLOCKS} one item may ask for"));
        }
        return Ok(BlockSpec::Empty(count));
    }
    node.only(&["transactions", "views"])?;
    let transactions = optional!(node, "transactions", |list| {
        let mut parsed = Vec::new();
        for (i, tx) in list.array()?.iter().enumerate() {
            let path = format!("{}[{i}]", list.path);
            parsed.push(parse_transaction(child(node.ctx, &path, tx))?);
        }
        Ok(parsed)
    })?;
    let views = optional!(node, "views", |list| {
        let mut parsed = Vec::new();
        for (i, view) in list.array()?.iter().enumerate() {
            let path = format!("{}[{i}]", list.path);
            parsed.push(parse_view(child(node.ctx, &path, view))?);
        }
        Ok(parsed)
    })?;
    if transactions.is_none() && views.is_none() {
        return node.fail("expected `transactions` and/or `views`, or `empty_blocks`");
    }
    Ok(BlockSpec::Block { transactions: transactions.unwrap_or_default(), views: views.unwrap_or_default() })
}

fn parse_capture(node: Node<'_>) -> Parsed<Option<String>> {
    optional!(node, "capture", |n| {
        let name = n.str()?;
        if crate::captures::is_name(name) {
            Ok(name.to_string())
        } else {
            n.fail("a capture name is letters, digits, `_` and `-`")
        }
    })
}

fn parse_transaction(node: Node<'_>) -> Parsed<TransactionSpec> {
    node.only(&["signer_id", "receiver_id", "actions", "capture", "gas_key", "key_of"])?;
    let gas_key = optional!(node, "gas_key", |n| parse_gas_key_signer(n))?;
    let key_of = optional!(node, "key_of", |n| n.str().map(str::to_string))?;
    if gas_key.is_some() && key_of.is_some() {
        return node.fail("give `gas_key` or `key_of`, not both");
    }
    Ok(TransactionSpec {
        path: node.path.to_string(),
        capture: parse_capture(node)?,
        gas_key,
        key_of,
        signer_id: required!(node, "signer_id", |n| n.account_id())?,
        receiver_id: required!(node, "receiver_id", |n| n.account_id())?,
        actions: required!(node, "actions", |list| {
            let mut parsed = Vec::new();
            for (i, action) in list.array()?.iter().enumerate() {
                let path = format!("{}[{i}]", list.path);
                parsed.push(parse_action(child(node.ctx, &path, action))?);
            }
            Ok(parsed)
        })?,
    })
}

fn parse_view(node: Node<'_>) -> Parsed<ViewSpec> {
    node.only(&["account_id", "method_name", "args_json", "args_base64", "capture"])?;
    Ok(ViewSpec {
        path: node.path.to_string(),
        account_id: required!(node, "account_id", |n| n.account_id())?,
        method_name: required!(node, "method_name", |n| n.str().map(str::to_string))?,
        args: parse_args(node)?.unwrap_or_else(|| ArgsSpec::Bytes(b"{}".to_vec())),
        capture: parse_capture(node)?,
    })
}

/// `args_json` or `args_base64` (at most one), `None` when neither is given.
fn parse_args(node: Node<'_>) -> Parsed<Option<ArgsSpec>> {
    let json = optional!(node, "args_json", |n| ArgsSpec::from_json(n.value).map_or_else(|e| n.fail(e), Ok))?;
    let base64 = optional!(node, "args_base64", |n| {
        let parts: Vec<&str> = match n.value {
            Value::Array(items) => items
                .iter()
                .map(|item| item.as_str().map_or_else(|| n.fail("expected base64 strings"), Ok))
                .collect::<Parsed<_>>()?,
            _ => vec![n.str()?],
        };
        ArgsSpec::from_base64(&parts).map_or_else(|e| n.fail(e), Ok)
    })?;
    match (json, base64) {
        (Some(_), Some(_)) => node.fail("give `args_json` or `args_base64`, not both"),
        (json, base64) => Ok(json.or(base64)),
    }
}

/// A global contract: `account_id` (deployed by that account), `code_hash` (base58) or
/// `code_hash_of` (the hash of a code file); exactly one.
fn parse_global_contract_identifier(node: Node<'_>) -> Parsed<GlobalContractIdentifier> {
    let by_account = optional!(node, "account_id", |n| n.account_id())?.map(GlobalContractIdentifier::AccountId);
    let by_hash = optional!(node, "code_hash", |n| n
        .str()?
        .parse()
        .map_or_else(|e| n.fail(format!("invalid code hash: {e}")), Ok))?;
    let by_file = optional!(node, "code_hash_of", |n| n.file())?.map(|code| near_primitives::hash::hash(&code));
    let by_hash = by_hash.map(GlobalContractIdentifier::CodeHash);
    let by_file = by_file.map(GlobalContractIdentifier::CodeHash);
    match [by_account, by_hash, by_file] {
        [Some(id), None, None] | [None, Some(id), None] | [None, None, Some(id)] => Ok(id),
        _ => node.fail("expected exactly one of `account_id`, `code_hash`, `code_hash_of`"),
    }
}

fn parse_submodule_key(node: Node<'_>) -> Parsed<Vec<u8>> {
    if let Some(key) = optional!(node, "key_base64", |n| {
        base64::engine::general_purpose::STANDARD
            .decode(n.str()?)
            .map_or_else(|e| n.fail(format!("bad base64: {e}")), Ok)
    })? {
        return Ok(key);
    }
    required!(node, "key", |n| n.str().map(|s| s.as_bytes().to_vec()))
}

/// The keys each action's body may have.
fn action_fields(kind: &str) -> &'static [&'static str] {
    const KEY: &[&str] = &["public_key", "public_key_of"];
    match kind {
        "DeployContract" => &["code_file"],
        "FunctionCall" => &["method_name", "args_json", "args_base64", "gas", "deposit"],
        "Transfer" => &["deposit"],
        "Stake" => &["stake", "public_key", "public_key_of"],
        "AddKey" => &["public_key", "public_key_of", "access_key"],
        "DeleteKey" => KEY,
        "TransferToGasKey" => &["public_key", "public_key_of", "deposit"],
        "WithdrawFromGasKey" => &["public_key", "public_key_of", "amount"],
        "DeleteAccount" => &["beneficiary_id"],
        "DeployGlobalContract" => &["code_file", "deploy_mode"],
        "UseGlobalContract" => &["code_hash", "code_hash_of", "account_id"],
        "DeploySubmodule" => &["key", "key_base64", "code_file"],
        "RemoveSubmodule" => &["key", "key_base64"],
        "UniversalStateInit" => &["state_init", "state_init_base64", "deposit"],
        _ => &[],
    }
}

fn parse_action(node: Node<'_>) -> Parsed<ActionSpec> {
    let Value::Object(map) = node.value else { return node.fail("expected an object like {\"Transfer\": {...}}") };
    let [(kind, body)] = map.iter().collect::<Vec<_>>()[..] else {
        return node.fail("expected exactly one action kind");
    };
    let path = format!("{}.{kind}", node.path);
    let body = child(node.ctx, &path, body);
    if matches!(
        kind.as_str(),
        "CreateAccount"
            | "DeployContract"
            | "FunctionCall"
            | "Transfer"
            | "Stake"
            | "AddKey"
            | "DeleteKey"
            | "TransferToGasKey"
            | "WithdrawFromGasKey"
            | "DeleteAccount"
            | "DeployGlobalContract"
            | "UseGlobalContract"
            | "DeploySubmodule"
            | "RemoveSubmodule"
            | "UniversalStateInit"
    ) {
        body.only(action_fields(kind))?;
    }
    Ok(ActionSpec::Ready(match kind.as_str() {
        "CreateAccount" => Action::CreateAccount(CreateAccountAction {}),
        "DeployContract" => {
            Action::DeployContract(DeployContractAction { code: required!(body, "code_file", |n| n.file())? })
        }
        "FunctionCall" => {
            return Ok(ActionSpec::FunctionCall {
                method_name: required!(body, "method_name", |n| n.str().map(str::to_string))?,
                args: parse_args(body)?.unwrap_or(ArgsSpec::Bytes(Vec::new())),
                gas: optional!(body, "gas", |n| n.u64())?.unwrap_or(100_000_000_000_000),
                deposit: optional!(body, "deposit", |n| n.balance())?.unwrap_or(0),
            });
        }
        "Transfer" => Action::Transfer(TransferAction { deposit: required!(body, "deposit", |n| n.balance())? }),
        "Stake" => Action::Stake(Box::new(StakeAction {
            stake: required!(body, "stake", |n| n.balance())?,
            public_key: parse_public_key(body)?,
        })),
        "AddKey" => Action::AddKey(Box::new(AddKeyAction {
            public_key: parse_public_key(body)?,
            access_key: optional!(body, "access_key", |n| parse_access_key(n))?.unwrap_or_else(AccessKey::full_access),
        })),
        "DeleteKey" => Action::DeleteKey(Box::new(DeleteKeyAction { public_key: parse_public_key(body)? })),
        "TransferToGasKey" => Action::TransferToGasKey(Box::new(TransferToGasKeyAction {
            public_key: parse_public_key(body)?,
            deposit: required!(body, "deposit", |n| n.balance())?,
        })),
        "WithdrawFromGasKey" => Action::WithdrawFromGasKey(Box::new(WithdrawFromGasKeyAction {
            public_key: parse_public_key(body)?,
            amount: required!(body, "amount", |n| n.balance())?,
        })),
        "DeleteAccount" => Action::DeleteAccount(DeleteAccountAction {
            beneficiary_id: required!(body, "beneficiary_id", |n| n.account_id())?,
        }),
        "DeployGlobalContract" => Action::DeployGlobalContract(DeployGlobalContractAction {
            code: required!(body, "code_file", |n| n.file())?,
            deploy_mode: required!(body, "deploy_mode", |n| match n.str()? {
                "CodeHash" => Ok(GlobalContractDeployMode::CodeHash),
                "AccountId" => Ok(GlobalContractDeployMode::AccountId),
                _ => n.fail("expected \"CodeHash\" or \"AccountId\""),
            })?,
        }),
        "UseGlobalContract" => Action::UseGlobalContract(Box::new(UseGlobalContractAction {
            contract_identifier: parse_global_contract_identifier(body)?,
        })),
        "DeploySubmodule" => Action::DeploySubmodule(DeploySubmoduleAction {
            key: parse_submodule_key(body)?,
            code: required!(body, "code_file", |n| n.file())?,
        }),
        "RemoveSubmodule" => Action::RemoveSubmodule(RemoveSubmoduleAction { key: parse_submodule_key(body)? }),
        "UniversalStateInit" => {
            Action::UniversalStateInit(Box::new(state_inits::parse_universal_state_init_action(body)?))
        }
        other => return node.fail(format!("unknown action `{other}`")),
    }))
}

#[cfg(test)]
mod tests {
    use super::parse_balance;

    #[test]
    fn balances() {
        assert_eq!(parse_balance("1000"), Ok(1000));
        assert_eq!(parse_balance("1 NEAR"), Ok(10u128.pow(24)));
        assert_eq!(parse_balance("1.5 NEAR"), Ok(15 * 10u128.pow(23)));
        assert_eq!(parse_balance("0.000000000000000000000001 NEAR"), Ok(1));
        assert!(parse_balance("1.0000000000000000000000001 NEAR").is_err());
        assert!(parse_balance("lots").is_err());
    }
}
