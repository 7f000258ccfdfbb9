//! Runs a parsed scenario: a hypervisor with the built-in native handlers and the wasm VM,
//! code stored and modules loaded in the first block's session, then one session per block.

use crate::natives::{Delegations, native_vm};
use crate::scenario::{AddressSpec, BorshItem, DataSpec, MessageSpec, Scenario};
use crate::{RunError, ScenarioError};
use base64::Engine;
use near_hypervisor::{Address, CallOutcome, Hypervisor, MessageName, Session};
use near_hypervisor_wasm::WasmVm;
use near_primitives::types::StateRoot;
use near_store::Store;
use near_vm_runner::engine::Compiler;
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::sync::Arc;

/// The account that stores the scenario's code (the signer of `module:store_code`).
pub const DEPLOYER: &str = "hypervisor-tester";

/// What later messages can refer to.
#[derive(Default)]
struct Names {
    aliases: HashMap<String, Address>,
    code: HashMap<String, String>,
}

fn scenario_error(path: &str, problem: impl Into<String>) -> RunError {
    RunError::Scenario(ScenarioError { path: path.to_string(), problem: problem.into() })
}

fn node_fault(error: impl std::fmt::Display) -> RunError {
    RunError::Node(error.to_string())
}

impl Names {
    fn address(&self, spec: &AddressSpec, path: &str) -> Result<Address, RunError> {
        match spec {
            AddressSpec::Literal(address) => Ok(address.clone()),
            AddressSpec::Alias(alias) => self
                .aliases
                .get(alias)
                .cloned()
                .ok_or_else(|| scenario_error(path, format!("unknown alias `@{alias}`"))),
        }
    }

    fn json(&self, value: &Value, path: &str) -> Result<Value, RunError> {
        Ok(match value {
            Value::String(text) => match text.strip_prefix('@') {
                Some(alias) => {
                    let address = self.address(&AddressSpec::Alias(alias.to_string()), path)?;
                    Value::String(format!("0x{}", hex::encode(address.as_bytes())))
                }
                None => value.clone(),
            },
            Value::Array(items) => Value::Array(items.iter().map(|v| self.json(v, path)).collect::<Result<_, _>>()?),
            Value::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(k, v)| Ok((k.clone(), self.json(v, path)?)))
                    .collect::<Result<Map<_, _>, RunError>>()?,
            ),
            other => other.clone(),
        })
    }

    fn data(&self, spec: &DataSpec, path: &str) -> Result<Vec<u8>, RunError> {
        Ok(match spec {
            DataSpec::Json(value) => self.json(value, path)?.to_string().into_bytes(),
            DataSpec::Bytes(bytes) => bytes.clone(),
            DataSpec::Borsh(items) => {
                let mut out = Vec::new();
                for item in items {
                    let encoded = match item {
                        BorshItem::Address(a) => borsh::to_vec(&self.address(a, path)?.as_bytes().to_vec()),
                        BorshItem::String(s) => borsh::to_vec(s),
                        BorshItem::U64(n) => borsh::to_vec(n),
                        BorshItem::Bytes(b) => borsh::to_vec(b),
                        BorshItem::Handler(h) => borsh::to_vec(&self.handler(h, path)?),
                    };
                    out.extend(encoded.map_err(node_fault)?);
                }
                out
            }
            DataSpec::Call { receiver, message, gas, payload } => {
                let receiver = receiver.as_ref().map(|r| self.address(r, path)).transpose()?;
                let payload = self.data(payload, path)?;
                near_hypervisor_wasm::call_spec::encode(receiver.as_ref(), message, *gas, &payload)
                    .ok_or_else(|| scenario_error(path, "message name too long"))?
            }
        })
    }
}

impl Names {
    /// A handler id, `code:NAME` resolved to the stored code's id.
    fn handler(&self, handler: &str, path: &str) -> Result<String, RunError> {
        match handler.strip_prefix("code:") {
            Some(label) => {
                self.code.get(label).cloned().ok_or_else(|| scenario_error(path, format!("no code named `{label}`")))
            }
            None => Ok(handler.to_string()),
        }
    }
}

fn name(text: &str, path: &str) -> Result<MessageName, RunError> {
    MessageName::new(text).map_err(|_| scenario_error(path, format!("`{text}` is not a valid message name")))
}

/// Bytes as the report shows them: base64, and readings when they apply: `utf8` (printable
/// text) and `u64` (exactly 8 bytes, little-endian).
pub fn bytes_json(bytes: &[u8]) -> Value {
    let mut out = json!({ "base64": base64::engine::general_purpose::STANDARD.encode(bytes) });
    if let Ok(text) = std::str::from_utf8(bytes)
        && !text.chars().any(|c| c.is_control() && !c.is_whitespace())
    {
        out["utf8"] = json!(text);
    }
    if let Ok(array) = <[u8; 8]>::try_from(bytes) {
        out["u64"] = json!(u64::from_le_bytes(array));
    }
    out
}

fn outcome_json(outcome: &CallOutcome) -> Value {
    match &outcome.result {
        Ok(bytes) => json!({ "ok": bytes_json(bytes), "gas_used": outcome.gas_used }),
        Err(code) => {
            json!({ "error": { "code": code.code(), "name": code.to_string() }, "gas_used": outcome.gas_used })
        }
    }
}

/// Builds the hypervisor a scenario runs on.
///
/// # Errors
/// An unknown built-in (scenario) or an engine that cannot start (node).
pub fn hypervisor(scenario: &Scenario, store: Store) -> Result<Hypervisor, RunError> {
    let natives = native_vm(scenario.native.as_deref()).map_err(|e| scenario_error("$.native", e))?;
    let mut hv = Hypervisor::new(store);
    hv.add_vm(Arc::new(natives)).map_err(node_fault)?;
    // Cranelift: a handler is compiled once per code and called many times; its calls are
    // 15-20% faster than Winch's (docs/benchmarks.md).
    hv.add_vm(Arc::new(WasmVm::new(Compiler::Cranelift).map_err(node_fault)?)).map_err(node_fault)?;
    if !scenario.middleware.is_empty() {
        hv.set_middleware(Arc::new(Delegations(scenario.middleware.clone())));
    }
    Ok(hv)
}

fn setup(scenario: &Scenario, session: &mut Session<'_>, names: &mut Names) -> Result<Value, RunError> {
    let deployer = Address::new(DEPLOYER.as_bytes().to_vec()).map_err(node_fault)?;
    let mut code = Map::new();
    for (index, (label, bytes)) in scenario.code.iter().enumerate() {
        let path = format!("$.code[{index}]");
        let data = borsh::to_vec(&("wasm".to_string(), bytes.clone())).map_err(node_fault)?;
        let store = name("module:store_code", &path)?;
        let outcome = session.execute(&deployer, None, &store, &data, u64::MAX).map_err(node_fault)?;
        let id = outcome.result.map_err(|e| scenario_error(&path, format!("the wasm VM refused the code: {e}")))?;
        let id = String::from_utf8(id).map_err(node_fault)?;
        code.insert(label.clone(), json!(id));
        names.code.insert(label.clone(), id);
    }
    let mut modules = Map::new();
    for module in &scenario.modules {
        let config = names.data(&module.config, &module.path)?;
        let loaded = session.load_module(&module.name, &module.handler_id, &config).map_err(node_fault)?;
        let address = loaded.map_err(|e| scenario_error(&module.path, format!("cannot load the module: {e}")))?;
        modules.insert(module.name.clone(), json!(format!("0x{}", hex::encode(address.as_bytes()))));
    }
    Ok(json!({ "code": code, "modules": modules }))
}

fn send(message: &MessageSpec, session: &mut Session<'_>, names: &mut Names) -> Result<Value, RunError> {
    Ok(match message {
        MessageSpec::Create { path, caller, handler, init, gas, alias } => {
            let caller = names.address(caller, path)?;
            let handler = names.handler(handler, path)?;
            let outcome = session.create(&caller, &handler, &names.data(init, path)?, *gas).map_err(node_fault)?;
            let mut out = outcome_json(&outcome);
            if let Ok(bytes) = &outcome.result {
                let address = Address::new(bytes.clone()).map_err(node_fault)?;
                out["created"] = json!(format!("0x{}", hex::encode(address.as_bytes())));
                if let Some(alias) = alias {
                    out["as"] = json!(alias);
                    names.aliases.insert(alias.clone(), address);
                }
            }
            out
        }
        MessageSpec::Send { path, caller, signer, receiver, message, data, gas } => {
            let caller = names.address(caller, path)?;
            let receiver = receiver.as_ref().map(|r| names.address(r, path)).transpose()?;
            let (name, data) = (name(message, path)?, names.data(data, path)?);
            let outcome = match signer {
                Some(signer) => {
                    let signer = names.address(signer, path)?;
                    session.execute_as(&signer, &caller, receiver.as_ref(), &name, &data, *gas)
                }
                None => session.execute(&caller, receiver.as_ref(), &name, &data, *gas),
            };
            outcome_json(&outcome.map_err(node_fault)?)
        }
        MessageSpec::Query { path, receiver, message, data, gas } => {
            let receiver = receiver.as_ref().map(|r| names.address(r, path)).transpose()?;
            let (name, data) = (name(message, path)?, names.data(data, path)?);
            outcome_json(&session.query(receiver.as_ref(), &name, &data, *gas).map_err(node_fault)?)
        }
    })
}

/// Runs `scenario` on `store`, handing each block's report to `emit` as it is made.
///
/// # Errors
/// `RunError::Scenario` for what the scenario gets wrong (unknown alias, refused code or
/// module); `RunError::Node` when the store or the engine fails.
pub fn run(scenario: &Scenario, store: Store, mut emit: impl FnMut(&Value)) -> Result<Vec<Value>, RunError> {
    let hv = hypervisor(scenario, store)?;
    let mut names = Names::default();
    let mut root = StateRoot::default();
    let mut reports = Vec::new();
    for (index, block) in scenario.blocks.iter().enumerate() {
        let mut session = Session::new(&hv, root);
        let mut report = json!({ "block": index });
        if index == 0 {
            report["setup"] = setup(scenario, &mut session, &mut names)?;
        }
        let mut messages = Vec::new();
        for message in block {
            messages.push(send(message, &mut session, &mut names)?);
        }
        report["messages"] = Value::Array(messages);
        root = session.finish().map_err(node_fault)?;
        report["state_root"] = json!(root.to_string());
        emit(&report);
        reports.push(report);
    }
    Ok(reports)
}
