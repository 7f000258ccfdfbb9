//! The scenario format (docs/hypervisor-tester.md) and its parser: every error names the JSON
//! path, unknown keys are errors.

use crate::json::Node;
use crate::{ScenarioError, natives::Delegation};
use base64::Engine;
use near_hypervisor::Address;
use serde_json::Value;
use std::path::Path;

/// An address as written: `@alias` (an account created earlier with `as`), `0x…` hex, or the
/// string's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddressSpec {
    /// The bytes.
    Literal(Address),
    /// A created account's alias.
    Alias(String),
}

/// Message data as written (resolved when it is sent, since it may name aliases).
#[derive(Debug, Clone)]
pub enum DataSpec {
    /// `data_json`: the JSON text's bytes; strings `"@alias"` become `"0x<hex>"`.
    Json(Value),
    /// `data_base64`, `data_hex`, `data_utf8`, `data_u64` (8 bytes LE), or nothing (empty).
    Bytes(Vec<u8>),
    /// `data_borsh`: a list of `{"address"}`, `{"string"}`, `{"u64"}`, `{"bytes_base64"}`,
    /// `{"handler"}`, concatenated as borsh (an address or bytes as `Vec<u8>`, a handler id
    /// as a string).
    Borsh(Vec<BorshItem>),
    /// `data_call`: the call spec `hv_caller` forwards (`len ‖ receiver ‖ len ‖ name ‖ gas ‖
    /// payload`).
    Call {
        /// Receiver (`None`: a `module:` message).
        receiver: Option<AddressSpec>,
        /// Message name.
        message: String,
        /// Gas for the inner call.
        gas: u64,
        /// Its data.
        payload: Box<DataSpec>,
    },
}

/// One borsh item of `data_borsh`.
#[derive(Debug, Clone)]
pub enum BorshItem {
    /// An address, as `Vec<u8>`.
    Address(AddressSpec),
    /// A string.
    String(String),
    /// A u64.
    U64(u64),
    /// Bytes, as `Vec<u8>`.
    Bytes(Vec<u8>),
    /// A handler id as a string (`code:NAME` names stored code).
    Handler(String),
}

/// One message of a block.
#[derive(Debug, Clone)]
pub enum MessageSpec {
    /// `create`: an account running `handler` (`code:NAME` for stored code).
    Create {
        /// Path in the file.
        path: String,
        /// The creator.
        caller: AddressSpec,
        /// The handler id, or `code:NAME`.
        handler: String,
        /// `init_*` data.
        init: DataSpec,
        /// Gas limit.
        gas: u64,
        /// Alias for later references.
        alias: Option<String>,
    },
    /// `send`: a message from `caller` (sent by `signer` acting as `caller` when given).
    Send {
        /// Path in the file.
        path: String,
        /// The caller.
        caller: AddressSpec,
        /// The real signer, when acting as `caller` (needs a middleware delegation).
        signer: Option<AddressSpec>,
        /// Receiver (`None` for `module:` messages).
        receiver: Option<AddressSpec>,
        /// Message name.
        message: String,
        /// Data.
        data: DataSpec,
        /// Gas limit.
        gas: u64,
    },
    /// `query`: a readonly message without a caller.
    Query {
        /// Path in the file.
        path: String,
        /// Receiver (`None` for `module:` messages).
        receiver: Option<AddressSpec>,
        /// Message name.
        message: String,
        /// Data.
        data: DataSpec,
        /// Gas limit.
        gas: u64,
    },
}

/// A module to load.
#[derive(Debug, Clone)]
pub struct ModuleSpec {
    /// Path in the file.
    pub path: String,
    /// Module name.
    pub name: String,
    /// Its handler id (`module:<config name>`).
    pub handler_id: String,
    /// `config_*` bytes.
    pub config: DataSpec,
}

/// A parsed scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The file.
    pub file: String,
    /// Wasm code to store: `(name, bytes)`.
    pub code: Vec<(String, Vec<u8>)>,
    /// Built-in native handlers to register (`None`: all).
    pub native: Option<Vec<String>>,
    /// Middleware delegations.
    pub middleware: Vec<Delegation>,
    /// Modules to load.
    pub modules: Vec<ModuleSpec>,
    /// Blocks of messages.
    pub blocks: Vec<Vec<MessageSpec>>,
}

/// Gas of a message that does not say (300 Tgas).
pub const DEFAULT_GAS: u64 = 300_000_000_000_000;

fn address(node: Node<'_>) -> Result<AddressSpec, ScenarioError> {
    let text = node.str()?;
    let bytes = if let Some(alias) = text.strip_prefix('@') {
        return Ok(AddressSpec::Alias(alias.to_string()));
    } else if let Some(hex) = text.strip_prefix("0x") {
        hex::decode(hex).map_err(|_| node.error("invalid hex"))?
    } else {
        text.as_bytes().to_vec()
    };
    Address::new(bytes).map(AddressSpec::Literal).map_err(|_| node.error("an address is 1 to 63 bytes"))
}

const DATA_FORMS: [&str; 7] = ["json", "base64", "hex", "utf8", "u64", "borsh", "call"];

/// The `{prefix}_*` data of an object (at most one form).
fn data(node: Node<'_>, prefix: &str) -> Result<DataSpec, ScenarioError> {
    let mut found = None;
    for form in DATA_FORMS {
        let key = format!("{prefix}_{form}");
        if let Some(child) = node.field(&key) {
            if found.is_some() {
                return Err(child.node().error(format!("more than one `{prefix}_*` given")));
            }
            found = Some((form, child));
        }
    }
    let Some((form, child)) = found else { return Ok(DataSpec::Bytes(Vec::new())) };
    let n = child.node();
    Ok(match form {
        "json" => DataSpec::Json(n.value.clone()),
        "base64" => DataSpec::Bytes(
            base64::engine::general_purpose::STANDARD.decode(n.str()?).map_err(|_| n.error("invalid base64"))?,
        ),
        "hex" => DataSpec::Bytes(hex::decode(n.str()?).map_err(|_| n.error("invalid hex"))?),
        "utf8" => DataSpec::Bytes(n.str()?.as_bytes().to_vec()),
        "u64" => DataSpec::Bytes(n.u64()?.to_le_bytes().to_vec()),
        "borsh" => DataSpec::Borsh(n.items()?.iter().map(|item| borsh_item(item.node())).collect::<Result<_, _>>()?),
        _ => {
            n.only(&[
                "receiver",
                "message",
                "gas",
                "payload_json",
                "payload_base64",
                "payload_hex",
                "payload_utf8",
                "payload_u64",
                "payload_borsh",
                "payload_call",
            ])?;
            DataSpec::Call {
                receiver: n.field("receiver").map(|r| address(r.node())).transpose()?,
                message: n.required("message")?.node().str()?.to_string(),
                gas: n.field("gas").map(|g| g.node().u64()).transpose()?.unwrap_or(DEFAULT_GAS / 10),
                payload: Box::new(data(n, "payload")?),
            }
        }
    })
}

fn borsh_item(node: Node<'_>) -> Result<BorshItem, ScenarioError> {
    let object = node.only(&["address", "string", "u64", "bytes_base64", "handler"])?;
    if object.len() != 1 {
        return Err(node.error("expected exactly one of address, string, u64, bytes_base64, handler"));
    }
    let (key, _) = object.iter().next().ok_or_else(|| node.error("empty"))?;
    let child = node.required(key)?;
    let n = child.node();
    Ok(match key.as_str() {
        "address" => BorshItem::Address(address(n)?),
        "string" => BorshItem::String(n.str()?.to_string()),
        "u64" => BorshItem::U64(n.u64()?),
        "handler" => BorshItem::Handler(n.str()?.to_string()),
        _ => BorshItem::Bytes(
            base64::engine::general_purpose::STANDARD.decode(n.str()?).map_err(|_| n.error("invalid base64"))?,
        ),
    })
}

fn data_keys(prefix: &str) -> impl Iterator<Item = String> + '_ {
    DATA_FORMS.iter().map(move |form| format!("{prefix}_{form}"))
}

fn keys<'a>(fixed: &[&'a str], owned: &'a [String]) -> Vec<&'a str> {
    fixed.iter().copied().chain(owned.iter().map(String::as_str)).collect()
}

fn gas(node: Node<'_>) -> Result<u64, ScenarioError> {
    Ok(node.field("gas").map(|g| g.node().u64()).transpose()?.unwrap_or(DEFAULT_GAS))
}

fn message(node: Node<'_>) -> Result<MessageSpec, ScenarioError> {
    let object = node.only(&["create", "send", "query"])?;
    if object.len() != 1 {
        return Err(node.error("expected exactly one of create, send, query"));
    }
    let kind = object.keys().next().cloned().unwrap_or_default();
    let child = node.required(&kind)?;
    let n = child.node();
    let path = n.path().to_string();
    let data_fields: Vec<String> = data_keys(if kind == "create" { "init" } else { "data" }).collect();
    Ok(match kind.as_str() {
        "create" => {
            n.only(&keys(&["caller", "handler", "gas", "as"], &data_fields))?;
            MessageSpec::Create {
                caller: address(n.required("caller")?.node())?,
                handler: n.required("handler")?.node().str()?.to_string(),
                init: data(n, "init")?,
                gas: gas(n)?,
                alias: n.field("as").map(|a| a.node().str().map(str::to_string)).transpose()?,
                path,
            }
        }
        "send" => {
            n.only(&keys(&["caller", "signer", "receiver", "message", "gas"], &data_fields))?;
            MessageSpec::Send {
                caller: address(n.required("caller")?.node())?,
                signer: n.field("signer").map(|s| address(s.node())).transpose()?,
                receiver: n.field("receiver").map(|r| address(r.node())).transpose()?,
                message: n.required("message")?.node().str()?.to_string(),
                data: data(n, "data")?,
                gas: gas(n)?,
                path,
            }
        }
        _ => {
            n.only(&keys(&["receiver", "message", "gas"], &data_fields))?;
            MessageSpec::Query {
                receiver: n.field("receiver").map(|r| address(r.node())).transpose()?,
                message: n.required("message")?.node().str()?.to_string(),
                data: data(n, "data")?,
                gas: gas(n)?,
                path,
            }
        }
    })
}

fn literal(node: Node<'_>) -> Result<Address, ScenarioError> {
    match address(node)? {
        AddressSpec::Literal(address) => Ok(address),
        AddressSpec::Alias(_) => Err(node.error("an alias cannot be used here (no account exists yet)")),
    }
}

/// Parses the scenario at `file` (code paths are relative to it).
///
/// # Errors
/// A [`ScenarioError`] naming the path and the problem.
pub fn parse(file: &Path, text: &str) -> Result<Scenario, ScenarioError> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| ScenarioError { path: "$".into(), problem: format!("invalid JSON: {e}") })?;
    let root = Node::root(&value);
    root.only(&["code", "native", "middleware", "modules", "blocks"])?;
    let base = file.parent().unwrap_or(Path::new("."));
    let mut code = Vec::new();
    if let Some(list) = root.field("code") {
        for item in list.node().items()? {
            let n = item.node();
            n.only(&["name", "file"])?;
            let name = n.required("name")?.node().str()?.to_string();
            let path = n.required("file")?;
            let bytes = std::fs::read(base.join(path.node().str()?))
                .map_err(|e| path.node().error(format!("cannot read: {e}")))?;
            code.push((name, bytes));
        }
    }
    let native = match root.field("native") {
        Some(list) => {
            Some(list.node().items()?.iter().map(|i| i.node().str().map(str::to_string)).collect::<Result<_, _>>()?)
        }
        None => None,
    };
    let mut middleware = Vec::new();
    if let Some(list) = root.field("middleware") {
        for item in list.node().items()? {
            let n = item.node();
            n.only(&["delegate", "principal", "messages"])?;
            let messages = match n.field("messages") {
                Some(m) => {
                    m.node().items()?.iter().map(|i| i.node().str().map(str::to_string)).collect::<Result<_, _>>()?
                }
                None => Vec::new(),
            };
            middleware.push(Delegation {
                delegate: literal(n.required("delegate")?.node())?,
                principal: literal(n.required("principal")?.node())?,
                messages,
            });
        }
    }
    let mut modules = Vec::new();
    if let Some(list) = root.field("modules") {
        for item in list.node().items()? {
            let n = item.node();
            let config_fields: Vec<String> = data_keys("config").collect();
            n.only(&keys(&["name", "handler_id"], &config_fields))?;
            modules.push(ModuleSpec {
                path: n.path().to_string(),
                name: n.required("name")?.node().str()?.to_string(),
                handler_id: n.required("handler_id")?.node().str()?.to_string(),
                config: data(n, "config")?,
            });
        }
    }
    let mut blocks = Vec::new();
    for block in root.required("blocks")?.node().items()? {
        let n = block.node();
        n.only(&["messages"])?;
        let messages = n.required("messages")?.node().items()?;
        blocks.push(messages.iter().map(|m| message(m.node())).collect::<Result<_, _>>()?);
    }
    Ok(Scenario { file: file.display().to_string(), code, native, middleware, modules, blocks })
}
