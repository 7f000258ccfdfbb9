//! `--corpus DIR [--known FILE]`: every exported function of every `.wasm` (or `.wat`) file in DIR through
//! both runners, with the default context and empty input, each call against a fresh mocked
//! state (setup `empty`); and, for contracts that export `new`, every export again with input
//! `{}` after `new({})` (setup `after_new`: a near-sdk contract's state). Prints one JSON line
//! per call that differs, then one summary line. Returns whether everything matched the known
//! differences exactly: every difference listed, and every listed difference still there. A
//! `.wat` file must be a valid protocol-88 module (an error otherwise: an invalid fixture would
//! fail alike on both runners and compare nothing).
//!
//! The known-differences file (JSON, unknown keys refused with their path):
//! `{"differences": [{"contract": "x.wasm", "method": "m", "setup": "empty" | "after_new",
//! "fields": ["burnt_gas", ...], "reason": "why this is deliberate"}]}`; `"fields": ["*"]` matches
//! any set of differing fields (for a call nearcore cannot run at all, e.g. a NEP-481 contract).

use crate::context::{self, Context};
use crate::nearcore::Theirs;
use crate::ours::Ours;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::Path;

/// A difference the known-differences file explains.
struct Known {
    contract: String,
    method: String,
    setup: String,
    fields: BTreeSet<String>,
}

impl Known {
    fn matches(&self, fields: &BTreeSet<String>) -> bool {
        self.fields.contains("*") || self.fields == *fields
    }
}

/// Runs the corpus; `Ok(true)` when the differences are exactly the known ones.
///
/// # Errors
/// An unreadable directory, contract or known-differences file, or a runner failing with a node
/// fault.
pub(crate) fn run(dir: &Path, known: Option<&Path>) -> Result<bool, String> {
    let mut known = match known {
        Some(path) => load_known(path)?,
        None => Vec::new(),
    };
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "wasm" || ext == "wat"))
        .collect();
    files.sort();
    let (mut methods, mut calls, mut identical, mut unexpected) = (0usize, 0usize, 0usize, 0usize);
    for path in &files {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let code = read_code(path)?;
        if path.extension().is_some_and(|ext| ext == "wat") {
            // A fixture that does not validate fails alike on both runners, which would count as
            // identical while comparing nothing: refuse it instead.
            let features = near_vm_runner::prepare::validate::accepted_features();
            wasmparser::Validator::new_with_features(features)
                .validate_all(&code)
                .map_err(|e| format!("{name}: not a valid protocol-88 module: {e}"))?;
        }
        let exports = exported_functions(&code).map_err(|e| format!("{name}: {e}"))?;
        methods += exports.len();
        let setups: &[&str] = if exports.iter().any(|m| m == "new") { &["empty", "after_new"] } else { &["empty"] };
        for &setup in setups {
            let (mut ours, mut theirs) = runners(&code, setup)?;
            for method in &exports {
                let input: &[u8] = if setup == "after_new" { b"{}" } else { b"" };
                let call_context = context::load(None, input.to_vec())?;
                let mine = ours.call(&code, method, &call_context, false)?.json();
                let other = theirs.call(&code, method, &call_context, false)?.json();
                calls += 1;
                let differences = crate::differences(&mine, &other);
                if differences.is_empty() {
                    identical += 1;
                    continue;
                }
                let fields: BTreeSet<String> =
                    differences.iter().filter_map(|d| d["field"].as_str().map(str::to_string)).collect();
                let position = known
                    .iter()
                    .position(|k| k.contract == name && k.method == *method && k.setup == setup && k.matches(&fields));
                let is_known = position.map(|i| known.remove(i)).is_some();
                unexpected += usize::from(!is_known);
                let line = json!({ "contract": name, "method": method, "setup": setup, "known": is_known, "differences": differences });
                println!("{line}");
            }
        }
    }
    let stale: Vec<Value> =
        known.iter().map(|k| json!({ "contract": k.contract, "method": k.method, "setup": k.setup })).collect();
    let summary = json!({
        "contracts": files.len(), "methods": methods, "calls": calls, "identical": identical,
        "known_differences": calls - identical - unexpected, "unexpected_differences": unexpected,
        "known_but_not_seen": stale,
    });
    println!("{summary}");
    Ok(unexpected == 0 && stale.is_empty())
}

/// Both runners, at the setup's state.
fn runners(code: &[u8], setup: &str) -> Result<(Ours, Theirs), String> {
    let mut ours = Ours::new()?;
    let mut theirs = Theirs::new()?;
    if setup == "after_new" {
        let init: Context = context::load(None, b"{}".to_vec())?;
        ours.call(code, "new", &init, true)?;
        theirs.call(code, "new", &init, true)?;
    }
    Ok((ours, theirs))
}

/// The names of the functions `code` exports, in order.
fn exported_functions(code: &[u8]) -> Result<Vec<String>, String> {
    let mut names = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(code) {
        if let wasmparser::Payload::ExportSection(reader) = payload.map_err(|e| e.to_string())? {
            for export in reader {
                let export = export.map_err(|e| e.to_string())?;
                if export.kind == wasmparser::ExternalKind::Func {
                    names.push(export.name.to_string());
                }
            }
        }
    }
    Ok(names)
}

/// Reads the known-differences file, refusing unknown keys with their JSON path.
fn load_known(path: &Path) -> Result<Vec<Known>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let value: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let at = |where_: &str, problem: &str| format!("{}: {where_}: {problem}", path.display());
    let root = value.as_object().ok_or_else(|| at("$", "expected an object"))?;
    if let Some(key) = root.keys().find(|k| *k != "differences") {
        return Err(at(&format!("$.{key}"), "unknown key"));
    }
    let list =
        root.get("differences").and_then(Value::as_array).ok_or_else(|| at("$.differences", "expected an array"))?;
    let mut known = Vec::new();
    for (i, entry) in list.iter().enumerate() {
        let here = format!("$.differences[{i}]");
        let object = entry.as_object().ok_or_else(|| at(&here, "expected an object"))?;
        const KEYS: &[&str] = &["contract", "method", "setup", "fields", "reason"];
        if let Some(key) = object.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(at(&format!("{here}.{key}"), "unknown key"));
        }
        let text = |key: &str| {
            object
                .get(key)
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| at(&format!("{here}.{key}"), "expected a string"))
        };
        let (contract, method, setup, reason) = (text("contract")?, text("method")?, text("setup")?, text("reason")?);
        if setup != "empty" && setup != "after_new" {
            return Err(at(&format!("{here}.setup"), "expected \"empty\" or \"after_new\""));
        }
        if reason.trim().is_empty() {
            return Err(at(&format!("{here}.reason"), "a known difference needs its reason"));
        }
        let fields = object
            .get("fields")
            .and_then(Value::as_array)
            .ok_or_else(|| at(&format!("{here}.fields"), "expected an array"))?;
        let fields = fields
            .iter()
            .enumerate()
            .map(|(j, f)| {
                f.as_str().map(str::to_string).ok_or_else(|| at(&format!("{here}.fields[{j}]"), "expected a string"))
            })
            .collect::<Result<BTreeSet<_>, _>>()?;
        known.push(Known { contract, method, setup, fields });
    }
    Ok(known)
}

/// A contract file's wasm: `.wat` files are assembled, anything else read as binary.
///
/// # Errors
/// The file cannot be read, or its text is not valid WAT; the message names the file.
pub(crate) fn read_code(path: &Path) -> Result<Vec<u8>, String> {
    let code = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if path.extension().is_some_and(|ext| ext == "wat") {
        Ok(wat::parse_bytes(&code).map_err(|e| format!("{}: {e}", path.display()))?.into_owned())
    } else {
        Ok(code)
    }
}
