//! Reading the flat `name: value` YAML table into typed values, refusing unknown or missing names.

use crate::cost::{Fee, ParameterCost};
use serde_yaml::Value;
use std::collections::BTreeMap;

/// Why a parameter file could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ParameterError {
    /// The text is not YAML or not a mapping of names to values.
    #[error("parameter file is not a YAML mapping: {0}")]
    Yaml(String),
    /// A parameter the runtime needs is absent.
    #[error("missing parameter `{0}`")]
    Missing(String),
    /// A parameter no part of the runtime reads (a typo, or a parameter of another version).
    #[error("unknown parameter(s): {0}")]
    Unknown(String),
    /// A value has the wrong shape.
    #[error("parameter `{name}`: {problem}")]
    Invalid {
        /// The parameter.
        name: String,
        /// What is wrong with its value.
        problem: String,
    },
}

/// The parsed table. Every `take_*` removes the entry, so whatever remains at the end is unknown.
pub(crate) struct ParameterTable {
    entries: BTreeMap<String, Value>,
}

fn invalid(name: &str, problem: impl Into<String>) -> ParameterError {
    ParameterError::Invalid { name: name.to_string(), problem: problem.into() }
}

/// A number written as a YAML integer or as a string with `_` separators.
fn number(name: &str, value: &Value) -> Result<u128, ParameterError> {
    match value {
        Value::Number(n) => n.as_u64().map(u128::from).ok_or_else(|| invalid(name, "not a non-negative integer")),
        Value::String(text) => {
            text.replace('_', "").parse::<u128>().map_err(|e| invalid(name, format!("`{text}`: {e}")))
        }
        other => Err(invalid(name, format!("expected a number, got {other:?}"))),
    }
}

fn field<'a>(name: &str, value: &'a Value, key: &str) -> Result<&'a Value, ParameterError> {
    value.get(key).ok_or_else(|| invalid(name, format!("missing field `{key}`")))
}

impl ParameterTable {
    pub(crate) fn parse(text: &str) -> Result<ParameterTable, ParameterError> {
        let entries: BTreeMap<String, Value> =
            serde_yaml::from_str(text).map_err(|e| ParameterError::Yaml(e.to_string()))?;
        Ok(ParameterTable { entries })
    }

    fn take(&mut self, name: &str) -> Result<Value, ParameterError> {
        self.entries.remove(name).ok_or_else(|| ParameterError::Missing(name.to_string()))
    }

    pub(crate) fn take_u128(&mut self, name: &str) -> Result<u128, ParameterError> {
        let value = self.take(name)?;
        number(name, &value)
    }

    pub(crate) fn take_u64(&mut self, name: &str) -> Result<u64, ParameterError> {
        let value = self.take_u128(name)?;
        u64::try_from(value).map_err(|_| invalid(name, "does not fit in u64"))
    }

    pub(crate) fn take_u32(&mut self, name: &str) -> Result<u32, ParameterError> {
        let value = self.take_u64(name)?;
        u32::try_from(value).map_err(|_| invalid(name, "does not fit in u32"))
    }

    pub(crate) fn take_bool(&mut self, name: &str) -> Result<bool, ParameterError> {
        match self.take(name)? {
            Value::Bool(b) => Ok(b),
            other => Err(invalid(name, format!("expected true or false, got {other:?}"))),
        }
    }

    pub(crate) fn take_string(&mut self, name: &str) -> Result<String, ParameterError> {
        match self.take(name)? {
            Value::String(s) => Ok(s),
            other => Err(invalid(name, format!("expected text, got {other:?}"))),
        }
    }

    /// `{numerator: N, denominator: D}` with D > 0.
    pub(crate) fn take_ratio(&mut self, name: &str) -> Result<(u64, u64), ParameterError> {
        let value = self.take(name)?;
        let numerator = number(name, field(name, &value, "numerator")?)?;
        let denominator = number(name, field(name, &value, "denominator")?)?;
        if denominator == 0 {
            return Err(invalid(name, "denominator is zero"));
        }
        let to_u64 = |n: u128| u64::try_from(n).map_err(|_| invalid(name, "does not fit in u64"));
        Ok((to_u64(numerator)?, to_u64(denominator)?))
    }

    pub(crate) fn take_fee(&mut self, name: &str) -> Result<Fee, ParameterError> {
        let value = self.take(name)?;
        let gas = |key: &str| -> Result<u64, ParameterError> {
            let n = number(name, field(name, &value, key)?)?;
            u64::try_from(n).map_err(|_| invalid(name, "does not fit in u64"))
        };
        let execution = field(name, &value, "execution")?;
        let (execution, execution_compute) = if execution.is_mapping() {
            let part = |key: &str| -> Result<u64, ParameterError> {
                u64::try_from(number(name, field(name, execution, key)?)?)
                    .map_err(|_| invalid(name, "does not fit in u64"))
            };
            (part("gas")?, part("compute")?)
        } else {
            let gas = gas("execution")?;
            (gas, gas)
        };
        Ok(Fee { send_sir: gas("send_sir")?, send_not_sir: gas("send_not_sir")?, execution, execution_compute })
    }

    /// `G` or `{gas: G, compute: C}`.
    pub(crate) fn take_cost(&mut self, name: &str) -> Result<ParameterCost, ParameterError> {
        let value = self.take(name)?;
        let as_gas = |v: &Value| -> Result<u64, ParameterError> {
            u64::try_from(number(name, v)?).map_err(|_| invalid(name, "does not fit in u64"))
        };
        if value.is_mapping() {
            Ok(ParameterCost {
                gas: as_gas(field(name, &value, "gas")?)?,
                compute: as_gas(field(name, &value, "compute")?)?,
            })
        } else {
            let gas = as_gas(&value)?;
            Ok(ParameterCost { gas, compute: gas })
        }
    }

    /// Removes every entry whose name is a field of `T` and deserializes `T` from them.
    pub(crate) fn take_struct<T>(&mut self, fields: &[&str]) -> Result<T, ParameterError>
    where
        T: serde::de::DeserializeOwned,
    {
        let mut object = serde_json::Map::new();
        for &name in fields {
            let value = self.take_u128(name)?;
            let json =
                u64::try_from(value).map(serde_json::Value::from).map_err(|_| invalid(name, "does not fit in u64"))?;
            object.insert(name.to_string(), json);
        }
        serde_json::from_value(serde_json::Value::Object(object))
            .map_err(|e| ParameterError::Invalid { name: "limits".into(), problem: e.to_string() })
    }

    /// Fails when any entry was not taken.
    pub(crate) fn finish(self) -> Result<(), ParameterError> {
        if self.entries.is_empty() {
            Ok(())
        } else {
            Err(ParameterError::Unknown(self.entries.keys().cloned().collect::<Vec<_>>().join(", ")))
        }
    }
}
