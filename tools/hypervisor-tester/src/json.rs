//! A JSON walker that names where it is: every error carries the path (`$.blocks[1].messages[0].send.gas`),
//! and objects refuse keys the format does not have.

use crate::ScenarioError;
use serde_json::Value;

/// A value and its path.
#[derive(Clone, Copy)]
pub(crate) struct Node<'a> {
    pub(crate) value: &'a Value,
    path: &'a str,
}

/// The owned path of a child (kept alive by the caller).
pub(crate) struct Child {
    path: String,
    value: Value,
}

impl Child {
    pub(crate) fn node(&self) -> Node<'_> {
        Node { value: &self.value, path: &self.path }
    }
}

impl<'a> Node<'a> {
    pub(crate) fn root(value: &'a Value) -> Node<'a> {
        Node { value, path: "$" }
    }

    pub(crate) fn path(&self) -> &str {
        self.path
    }

    pub(crate) fn error(&self, problem: impl Into<String>) -> ScenarioError {
        ScenarioError { path: self.path.to_string(), problem: problem.into() }
    }

    /// Fails on a key outside `allowed` (the node must be an object).
    pub(crate) fn only(&self, allowed: &[&str]) -> Result<&'a serde_json::Map<String, Value>, ScenarioError> {
        let object = self.value.as_object().ok_or_else(|| self.error("expected an object"))?;
        if let Some(key) = object.keys().find(|key| !allowed.contains(&key.as_str())) {
            return Err(ScenarioError { path: format!("{}.{key}", self.path), problem: "unknown field".into() });
        }
        Ok(object)
    }

    /// The field `key`, if present.
    pub(crate) fn field(&self, key: &str) -> Option<Child> {
        let value = self.value.get(key)?.clone();
        Some(Child { path: format!("{}.{key}", self.path), value })
    }

    /// The field `key`, required.
    pub(crate) fn required(&self, key: &str) -> Result<Child, ScenarioError> {
        self.field(key).ok_or_else(|| ScenarioError { path: format!("{}.{key}", self.path), problem: "missing".into() })
    }

    /// The elements of an array.
    pub(crate) fn items(&self) -> Result<Vec<Child>, ScenarioError> {
        let array = self.value.as_array().ok_or_else(|| self.error("expected an array"))?;
        Ok(array
            .iter()
            .enumerate()
            .map(|(i, value)| Child { path: format!("{}[{i}]", self.path), value: value.clone() })
            .collect())
    }

    pub(crate) fn str(&self) -> Result<&'a str, ScenarioError> {
        self.value.as_str().ok_or_else(|| self.error("expected a string"))
    }

    pub(crate) fn u64(&self) -> Result<u64, ScenarioError> {
        self.value.as_u64().ok_or_else(|| self.error("expected a non-negative integer"))
    }
}
