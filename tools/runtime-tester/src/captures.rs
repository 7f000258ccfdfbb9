//! Named captures: a value one block produces (a call's return value, a view's result), used in
//! the arguments of a later block's transactions and views.
//!
//! - `"capture": "NAME"` on a transaction saves the return value of the receipt the
//!   transaction becomes (the call itself, not the end of its promise chain) once that receipt
//!   has executed; on a view, the view's result.
//! - In `args_json`, a string that is exactly `"${NAME}"` becomes the captured value parsed as
//!   JSON (a contract returning `"abc"` gives the string `abc`, one returning `7` the number);
//!   `"${NAME:base64}"` becomes the captured bytes in base64; `${NAME}` inside a longer string is
//!   replaced by the captured text (a JSON string's content, other JSON as its text).
//! - `"args_base64": "${NAME}"` passes the captured bytes unchanged; `"args_base64": ["AQ==",
//!   "${NAME}", "aGk="]` concatenates base64 parts and captured bytes (binary ABIs).
//!
//! A reference must name a capture declared in an earlier block (checked when the scenario
//! loads); using it before its receipt has executed, or after the receipt failed, stops the run
//! with an error naming the JSON path.

use base64::Engine;
use serde_json::Value;
use std::collections::BTreeMap;

/// Arguments of a call, possibly naming captured values.
#[derive(Debug, Clone, PartialEq)]
pub enum ArgsSpec {
    /// Fixed bytes (`args_base64`, or `args_json` without references).
    Bytes(Vec<u8>),
    /// `args_json` with `${NAME}` references, resolved when the call is made.
    Json(Value),
    /// `args_base64` with `${NAME}` parts: fixed and captured bytes, concatenated.
    Parts(Vec<ArgsPart>),
}

/// A part of `args_base64`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgsPart {
    /// Decoded base64.
    Bytes(Vec<u8>),
    /// A capture's bytes.
    Captured(String),
}

/// What a capture holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Captured {
    /// The bytes returned.
    Value(Vec<u8>),
    /// The receipt or view failed: why.
    Failed(String),
}

/// The captures made so far, by name.
pub type Captures = BTreeMap<String, Captured>;

/// A `${NAME}` or `${NAME:base64}` reference.
struct Reference<'a> {
    name: &'a str,
    base64: bool,
}

/// Whether `text` is a valid capture name: letters, digits, `_` and `-`, not empty.
pub(crate) fn is_name(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// A text split around its references: (literal before, reference) pairs, then the tail.
type Split<'a> = (Vec<(&'a str, Reference<'a>)>, &'a str);

/// Splits `text` around its `${...}` references.
fn references(text: &str) -> Result<Split<'_>, String> {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let Some(len) = rest[start..].find('}') else { return Err(format!("unclosed `${{` in `{text}`")) };
        let inner = &rest[start + 2..start + len];
        let (name, base64) = match inner.strip_suffix(":base64") {
            Some(name) => (name, true),
            None => (inner, false),
        };
        if !is_name(name) {
            return Err(format!("`${{{inner}}}`: a capture name is letters, digits, `_` and `-`"));
        }
        parts.push((&rest[..start], Reference { name, base64 }));
        rest = &rest[start + len + 1..];
    }
    Ok((parts, rest))
}

impl ArgsSpec {
    /// Arguments from `args_json`: fixed bytes unless a string in it references a capture.
    ///
    /// # Errors
    /// A malformed reference.
    pub fn from_json(value: &Value) -> Result<ArgsSpec, String> {
        let mut names = Vec::new();
        collect_names(value, &mut names)?;
        Ok(if names.is_empty() {
            ArgsSpec::Bytes(value.to_string().into_bytes())
        } else {
            ArgsSpec::Json(value.clone())
        })
    }

    /// Arguments from `args_base64`: parts, each base64 text or `${NAME}`, concatenated.
    ///
    /// # Errors
    /// Bad base64 or a malformed reference, naming the part.
    pub fn from_base64(parts: &[&str]) -> Result<ArgsSpec, String> {
        let mut parsed = Vec::with_capacity(parts.len());
        for (index, text) in parts.iter().enumerate() {
            let at = if parts.len() > 1 { format!("part {index}: ") } else { String::new() };
            parsed.push(match text.strip_prefix("${").and_then(|t| t.strip_suffix('}')) {
                Some(name) if is_name(name) => ArgsPart::Captured(name.to_string()),
                Some(_) => return Err(format!("{at}`{text}`: a capture name is letters, digits, `_` and `-`")),
                None => ArgsPart::Bytes(
                    base64::engine::general_purpose::STANDARD
                        .decode(text)
                        .map_err(|e| format!("{at}bad base64: {e}"))?,
                ),
            });
        }
        if parsed.iter().all(|part| matches!(part, ArgsPart::Bytes(_))) {
            let bytes = parsed.into_iter().flat_map(|part| match part {
                ArgsPart::Bytes(bytes) => bytes,
                ArgsPart::Captured(_) => Vec::new(),
            });
            return Ok(ArgsSpec::Bytes(bytes.collect()));
        }
        Ok(ArgsSpec::Parts(parsed))
    }

    /// The capture names these arguments use.
    pub fn names(&self) -> Vec<String> {
        let mut names = Vec::new();
        match self {
            ArgsSpec::Bytes(_) => {}
            ArgsSpec::Json(value) => collect_names(value, &mut names).unwrap_or_default(),
            ArgsSpec::Parts(parts) => names.extend(parts.iter().filter_map(|part| match part {
                ArgsPart::Captured(name) => Some(name.clone()),
                ArgsPart::Bytes(_) => None,
            })),
        }
        names
    }

    /// The argument bytes, with references replaced by captured values.
    ///
    /// # Errors
    /// A capture without a value yet, one whose receipt failed, or one that is not JSON where
    /// JSON is needed.
    pub fn resolve(&self, captures: &Captures) -> Result<Vec<u8>, String> {
        match self {
            ArgsSpec::Bytes(bytes) => Ok(bytes.clone()),
            ArgsSpec::Parts(parts) => {
                let mut bytes = Vec::new();
                for part in parts {
                    match part {
                        ArgsPart::Bytes(fixed) => bytes.extend_from_slice(fixed),
                        ArgsPart::Captured(name) => bytes.extend_from_slice(lookup(captures, name)?),
                    }
                }
                Ok(bytes)
            }
            ArgsSpec::Json(value) => Ok(substitute(value, captures)?.to_string().into_bytes()),
        }
    }
}

fn collect_names(value: &Value, names: &mut Vec<String>) -> Result<(), String> {
    match value {
        Value::String(text) => {
            names.extend(references(text)?.0.into_iter().map(|(_, r)| r.name.to_string()));
        }
        Value::Array(items) => items.iter().try_for_each(|item| collect_names(item, names))?,
        Value::Object(map) => map.values().try_for_each(|item| collect_names(item, names))?,
        _ => {}
    }
    Ok(())
}

fn lookup<'a>(captures: &'a Captures, name: &str) -> Result<&'a [u8], String> {
    match captures.get(name) {
        Some(Captured::Value(bytes)) => Ok(bytes),
        Some(Captured::Failed(why)) => Err(format!("capture `{name}` has no value: {why}")),
        None => Err(format!(
            "capture `{name}` has no value yet: the receipt it captures has not executed (add empty blocks before this one)"
        )),
    }
}

fn captured_json(captures: &Captures, name: &str) -> Result<Value, String> {
    let bytes = lookup(captures, name)?;
    serde_json::from_slice(bytes).map_err(|_| {
        format!("capture `{name}` is not JSON; use `${{{name}:base64}}`, or `args_base64` for the raw bytes")
    })
}

fn substitute(value: &Value, captures: &Captures) -> Result<Value, String> {
    Ok(match value {
        Value::String(text) => {
            let (parts, tail) = references(text)?;
            match parts.as_slice() {
                [] => value.clone(),
                [("", reference)] if tail.is_empty() => whole(reference, captures)?,
                _ => {
                    let mut out = String::new();
                    for (literal, reference) in &parts {
                        out.push_str(literal);
                        match whole(reference, captures)? {
                            Value::String(inner) => out.push_str(&inner),
                            other => out.push_str(&other.to_string()),
                        }
                    }
                    out.push_str(tail);
                    Value::String(out)
                }
            }
        }
        Value::Array(items) => Value::Array(items.iter().map(|i| substitute(i, captures)).collect::<Result<_, _>>()?),
        Value::Object(map) => Value::Object(
            map.iter().map(|(k, v)| Ok((k.clone(), substitute(v, captures)?))).collect::<Result<_, String>>()?,
        ),
        other => other.clone(),
    })
}

fn whole(reference: &Reference<'_>, captures: &Captures) -> Result<Value, String> {
    if reference.base64 {
        let bytes = lookup(captures, reference.name)?;
        return Ok(Value::String(base64::engine::general_purpose::STANDARD.encode(bytes)));
    }
    captured_json(captures, reference.name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn captures() -> Captures {
        let mut captures = Captures::new();
        captures.insert("id".into(), Captured::Value(b"\"abc\"".to_vec()));
        captures.insert("n".into(), Captured::Value(b"7".to_vec()));
        captures.insert("raw".into(), Captured::Value(vec![0, 255]));
        captures.insert("bad".into(), Captured::Failed("the receipt failed: boom".into()));
        captures
    }

    #[test]
    fn json_references_resolve_by_type() {
        let args =
            ArgsSpec::from_json(&json!({"a": "${id}", "b": ["${n}"], "c": "x-${id}-${n}", "d": "${raw:base64}"}))
                .unwrap();
        assert_eq!(args.names(), vec!["id", "n", "id", "n", "raw"]);
        let resolved: Value = serde_json::from_slice(&args.resolve(&captures()).unwrap()).unwrap();
        assert_eq!(resolved, json!({"a": "abc", "b": [7], "c": "x-abc-7", "d": "AP8="}));
    }

    #[test]
    fn plain_arguments_are_fixed_bytes() {
        assert_eq!(ArgsSpec::from_json(&json!({"a": 1})).unwrap(), ArgsSpec::Bytes(b"{\"a\":1}".to_vec()));
        assert_eq!(ArgsSpec::from_base64(&["aGk="]).unwrap(), ArgsSpec::Bytes(b"hi".to_vec()));
        assert_eq!(ArgsSpec::from_base64(&["aA==", "aQ=="]).unwrap(), ArgsSpec::Bytes(b"hi".to_vec()));
        assert_eq!(ArgsSpec::from_base64(&["${raw}"]).unwrap().resolve(&captures()).unwrap(), vec![0, 255]);
        let parts = ArgsSpec::from_base64(&["AQ==", "${raw}", "aGk="]).unwrap();
        assert_eq!(parts.names(), vec!["raw"]);
        assert_eq!(parts.resolve(&captures()).unwrap(), vec![1, 0, 255, b'h', b'i']);
    }

    #[test]
    fn missing_failed_and_non_json_captures_are_errors() {
        let pending = ArgsSpec::from_json(&json!({"a": "${later}"})).unwrap().resolve(&captures()).unwrap_err();
        assert!(pending.contains("has no value yet"), "{pending}");
        let failed = ArgsSpec::from_json(&json!({"a": "${bad}"})).unwrap().resolve(&captures()).unwrap_err();
        assert!(failed.contains("boom"), "{failed}");
        let raw = ArgsSpec::from_json(&json!({"a": "${raw}"})).unwrap().resolve(&captures()).unwrap_err();
        assert!(raw.contains("not JSON"), "{raw}");
        assert!(ArgsSpec::from_json(&json!({"a": "${a b}"})).is_err());
        assert!(ArgsSpec::from_json(&json!({"a": "${open"})).is_err());
        assert!(ArgsSpec::from_base64(&["${}"]).is_err());
        assert!(ArgsSpec::from_base64(&["aGk=", "!!"]).unwrap_err().starts_with("part 1: bad base64"));
    }
}
