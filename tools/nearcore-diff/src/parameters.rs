//! `--parameters`: this workspace's mainnet table against nearcore's resolved protocol-88
//! config (`RuntimeConfigStore`), by name: every action fee (gas and compute of each half),
//! every host-function cost (gas and compute), every VM limit and the wasm operation costs.
//! Prints one JSON line per difference (or per name only one side has) and a summary; returns
//! whether everything nearcore has is identical here. NEP-481's additions, which nearcore does
//! not have, are listed as `ours_only` and do not fail.

use crate::nearcore::PROTOCOL_VERSION;
use nc_parameters::RuntimeConfigStore;
use serde_json::{Value, json};
use strum::IntoEnumIterator;

/// One compared value, by name.
struct Entry {
    name: String,
    ours: Option<Value>,
    nearcore: Option<Value>,
}

fn fee_json(send_sir: (u64, u64), send_not_sir: (u64, u64), execution: (u64, u64)) -> Value {
    let half = |(gas, compute): (u64, u64)| json!({ "gas": gas, "compute": compute });
    json!({ "send_sir": half(send_sir), "send_not_sir": half(send_not_sir), "execution": half(execution) })
}

fn action_fees(theirs: &nc_parameters::RuntimeConfig, ours: &near_parameters::RuntimeConfig) -> Vec<Entry> {
    let mut entries: Vec<Entry> = nc_parameters::ActionCosts::iter()
        .map(|cost| {
            let fee = theirs.fees.fee(cost);
            let half = |sir: Option<bool>| {
                let p = match sir {
                    Some(sir) => fee.send_fee(sir),
                    None => fee.exec_fee(),
                };
                (p.gas.as_gas(), p.compute)
            };
            let name = format!("action.{cost}");
            Entry { nearcore: Some(fee_json(half(Some(true)), half(Some(false)), half(None))), ours: None, name }
        })
        .collect();
    for &cost in near_parameters::ActionCosts::ALL {
        let fee = ours.fees.fee(cost);
        // Only the execution half has a compute of its own here (send compute is the gas).
        let value = fee_json(
            (fee.send_sir, fee.send_sir),
            (fee.send_not_sir, fee.send_not_sir),
            (fee.execution, fee.execution_compute),
        );
        set_ours(&mut entries, &format!("action.{}", cost.name()), value);
    }
    entries
}

/// Puts `value` on the entry named `name`, or adds an entry only we have.
fn set_ours(entries: &mut Vec<Entry>, name: &str, value: Value) {
    match entries.iter_mut().find(|e| e.name == name) {
        Some(entry) => entry.ours = Some(value),
        None => entries.push(Entry { name: name.to_string(), ours: Some(value), nearcore: None }),
    }
}

fn ext_costs(theirs: &nc_parameters::RuntimeConfig, ours: &near_parameters::RuntimeConfig) -> Vec<Entry> {
    let their_costs = &theirs.wasm_config.ext_costs;
    let mut entries: Vec<Entry> = nc_parameters::ExtCosts::iter()
        .map(|cost| Entry {
            name: format!("ext.{cost}"),
            ours: None,
            nearcore: Some(
                json!({ "gas": their_costs.gas_cost(cost).as_gas(), "compute": their_costs.compute_cost(cost) }),
            ),
        })
        .collect();
    let costs = &ours.wasm_config.ext_costs;
    for &cost in near_parameters::ExtCosts::ALL {
        let value = json!({ "gas": costs.gas_cost(cost), "compute": costs.compute_cost(cost) });
        set_ours(&mut entries, &format!("ext.{}", cost.name()), value);
    }
    entries
}

/// Fields of two JSON objects by name, prefixed.
fn fields(prefix: &str, ours: &Value, theirs: &Value) -> Vec<Entry> {
    let (empty_a, empty_b) = (serde_json::Map::new(), serde_json::Map::new());
    let (a, b) = (ours.as_object().unwrap_or(&empty_a), theirs.as_object().unwrap_or(&empty_b));
    let names: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    names
        .into_iter()
        .map(|name| Entry {
            name: format!("{prefix}.{name}"),
            ours: a.get(name).cloned(),
            nearcore: b.get(name).cloned(),
        })
        .collect()
}

fn to_json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// Runs the comparison; `true` when every value nearcore has is identical here.
pub(crate) fn run() -> bool {
    let store = RuntimeConfigStore::new(None);
    let theirs = store.get_config(PROTOCOL_VERSION);
    let ours = near_parameters::RuntimeConfig::mainnet();
    let mut entries = action_fees(theirs, &ours);
    entries.extend(ext_costs(theirs, &ours));
    let (mine, other) = (&ours.wasm_config, &theirs.wasm_config);
    entries.extend(fields("limit", &to_json(&mine.limit_config), &to_json(&other.limit_config)));
    let ops = [
        ("regular_op_cost", u64::from(mine.regular_op_cost), u64::from(other.regular_op_cost)),
        ("linear_op_base_cost", mine.linear_op_base_cost, other.linear_op_base_cost),
        ("linear_op_unit_cost", mine.linear_op_unit_cost, other.linear_op_unit_cost),
        ("grow_mem_cost", u64::from(mine.grow_mem_cost), u64::from(other.grow_mem_cost)),
    ];
    for (name, a, b) in ops {
        entries.push(Entry { name: format!("wasm.{name}"), ours: Some(json!(a)), nearcore: Some(json!(b)) });
    }
    let (mut identical, mut different, mut ours_only) = (0, 0, 0);
    for entry in &entries {
        match (&entry.ours, &entry.nearcore) {
            (Some(a), Some(b)) if a == b => identical += 1,
            (Some(_), None) => {
                ours_only += 1;
                println!("{}", json!({ "parameter": entry.name, "ours_only": entry.ours }));
            }
            _ => {
                different += 1;
                println!("{}", json!({ "parameter": entry.name, "ours": entry.ours, "nearcore": entry.nearcore }));
            }
        }
    }
    println!(
        "{}",
        json!({ "parameters": identical + different, "identical": identical, "different": different, "ours_only": ours_only })
    );
    different == 0
}
