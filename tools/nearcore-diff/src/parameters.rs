//! `--parameters`: this workspace's mainnet table against nearcore's resolved protocol-88
//! config (`RuntimeConfigStore`), by name: every action fee (gas and compute of each half),
//! every host-function cost (gas and compute), every VM limit and the wasm operation costs.
//! Also the storage, economics and account-creation scalars, and the content-dependent
//! gas-key fees (`crate::gas_key_fees`). Prints one JSON line per difference
//! (or per name only one side has) and a summary; returns whether everything nearcore has is
//! identical here, except values listed in `KNOWN_MISSING` with the reason. NEP-481's additions,
//! which nearcore does not have, are listed as `ours_only` and do not fail.

use crate::nearcore::PROTOCOL_VERSION;
use nc_parameters::{RuntimeConfigStore, cost::SignatureKind};
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

/// nearcore's values this table does not have yet, each with the reason; listed, not failed.
/// Any other value only nearcore has is a difference.
const KNOWN_MISSING: &[(&str, &str)] = &[
    (
        "flag.fix_contract_loading_error",
        "on at protocol 87: its behaviour is this runner's only one (the corpus compares loading errors)",
    ),
    (
        "flag.fix_ml_dsa_cost_charging",
        "off at protocol 88: its behaviour is this runner's only one (the gas-keys fixture compares it)",
    ),
    (
        "flag.bls12381_not_in_group_fix",
        "off at protocol 88: its behaviour is this runner's only one (the BLS12-381 fixture compares it)",
    ),
    (
        "flag.storage_get_mode",
        "FlatStorage at protocol 88: no trie-node costs for contract reads, as here (docs/parity.md)",
    ),
];

/// The VM's feature flags and kind: nearcore's by name (its `Config` is not serializable), ours
/// from the JSON of this table's `Config`.
fn flags(theirs: &nc_parameters::RuntimeConfig, ours: &near_parameters::RuntimeConfig) -> Vec<Entry> {
    let c = &*theirs.wasm_config;
    let theirs_flags = [
        ("fix_contract_loading_cost", c.fix_contract_loading_cost),
        ("fix_contract_loading_error", c.fix_contract_loading_error),
        ("eth_implicit_accounts", c.eth_implicit_accounts),
        ("universal_accounts", c.universal_accounts),
        ("canonical_universal_state_init", c.canonical_universal_state_init),
        ("discard_custom_sections", c.discard_custom_sections),
        ("global_contract_host_fns", c.global_contract_host_fns),
        ("reftypes_bulk_memory", c.reftypes_bulk_memory),
        ("gas_key_host_fns", c.gas_key_host_fns),
        ("fix_ml_dsa_cost_charging", c.fix_ml_dsa_cost_charging),
        ("one_yocto_on_promise", c.one_yocto_on_promise),
        ("p256_verify_host_fn", c.p256_verify_host_fn),
        ("ml_dsa_verify_host_fn", c.ml_dsa_verify_host_fn),
        ("sha3_host_fns", c.sha3_host_fns),
        ("yield_with_id_host_fns", c.yield_with_id_host_fns),
        ("chain_id_host_fn", c.chain_id_host_fn),
        ("bls12381_not_in_group_fix", c.bls12381_not_in_group_fix),
    ];
    let mine = to_json(&*ours.wasm_config);
    let mut entries: Vec<Entry> = theirs_flags
        .into_iter()
        .map(|(name, value)| Entry { name: format!("flag.{name}"), ours: None, nearcore: Some(json!(value)) })
        .collect();
    let storage_get_mode = json!(format!("{:?}", c.storage_get_mode));
    entries.push(Entry { name: "flag.storage_get_mode".into(), ours: None, nearcore: Some(storage_get_mode) });
    let vm_kind = Some(json!(format!("{:?}", c.vm_kind)));
    entries.push(Entry { name: "flag.vm_kind".into(), ours: mine.get("vm_kind").cloned(), nearcore: vm_kind });
    for (name, value) in mine.as_object().into_iter().flatten() {
        if value.is_boolean() {
            set_ours(&mut entries, &format!("flag.{name}"), value.clone());
        }
    }
    entries
}

/// Fee-level and runtime-level scalars: storage, economics, account creation.
fn scalars(theirs: &nc_parameters::RuntimeConfig, ours: &near_parameters::RuntimeConfig) -> Vec<Entry> {
    let (t, o) = (&theirs.fees, &ours.fees);
    let ratio = |r: &num_rational::Rational32| json!([r.numer(), r.denom()]);
    // In lowest terms, as nearcore's `Rational32` keeps them (0/100 is 0/1).
    let our_ratio = |r: &near_parameters::config::Ratio| {
        let gcd = (1..=r.denominator.max(1))
            .rev()
            .find(|d| r.numerator.is_multiple_of(*d) && r.denominator.is_multiple_of(*d))
            .unwrap_or(1);
        json!([r.numerator / gcd, r.denominator / gcd])
    };
    let yocto = |b: nc_primitives_core::types::Balance| json!(b.as_yoctonear().to_string());
    let both =
        |name: &str, ours: Value, theirs: Value| Entry { name: name.into(), ours: Some(ours), nearcore: Some(theirs) };
    let (ts, os) = (&t.storage_usage_config, &o.storage_usage_config);
    let mut entries = vec![
        both("storage.num_bytes_account", json!(os.num_bytes_account), json!(ts.num_bytes_account)),
        both("storage.num_extra_bytes_record", json!(os.num_extra_bytes_record), json!(ts.num_extra_bytes_record)),
        both(
            "storage.storage_amount_per_byte",
            json!(os.storage_amount_per_byte.to_string()),
            yocto(ts.storage_amount_per_byte),
        ),
        both(
            "storage.global_contract_storage_amount_per_byte",
            json!(os.global_contract_storage_amount_per_byte.to_string()),
            yocto(ts.global_contract_storage_amount_per_byte),
        ),
        both("fees.burnt_gas_reward", our_ratio(&o.burnt_gas_reward), ratio(&t.burnt_gas_reward)),
        both(
            "fees.pessimistic_gas_price_inflation_ratio",
            our_ratio(&o.pessimistic_gas_price_inflation_ratio),
            ratio(&t.pessimistic_gas_price_inflation_ratio),
        ),
        both(
            "fees.deploy_global_contract_execution_base",
            json!(o.deploy_global_contract_execution_base),
            json!(t.deploy_global_contract_execution_base),
        ),
        both(
            "fees.deploy_global_contract_execution_per_byte",
            json!(o.deploy_global_contract_execution_per_byte),
            json!(t.deploy_global_contract_execution_per_byte),
        ),
        both(
            "runtime.min_gas_purchase_price",
            json!(o.min_gas_purchase_price.to_string()),
            yocto(theirs.min_gas_purchase_price),
        ),
        both(
            "account_creation.min_allowed_top_level_account_length",
            json!(ours.account_creation_config.min_allowed_top_level_account_length),
            json!(theirs.account_creation_config.min_allowed_top_level_account_length),
        ),
        both(
            "account_creation.registrar_account_id",
            json!(ours.account_creation_config.registrar_account_id.to_string()),
            json!(theirs.account_creation_config.registrar_account_id.to_string()),
        ),
        both(
            "runtime.account_creation_charge",
            json!(o.account_creation_charge.to_string()),
            yocto(theirs.account_creation_charge),
        ),
        both("fees.gas_refund_penalty", our_ratio(&o.gas_refund_penalty), ratio(&t.gas_refund_penalty)),
        both("fees.min_gas_refund_penalty", json!(o.min_gas_refund_penalty), json!(t.min_gas_refund_penalty.as_gas())),
    ];
    for (kind, cost) in &t.signature_verification_costs {
        let value = json!({ "gas": cost.gas.as_gas(), "compute": cost.compute });
        let name = format!("fees.signature_verification_costs.{kind:?}");
        // Only ML-DSA-65 costs extra; ed25519 and secp256k1 are part of receipt creation.
        let mine = match kind {
            SignatureKind::MlDsa65 => o.ml_dsa_65_verification_cost,
            SignatureKind::Ed25519 | SignatureKind::Secp256k1 => near_parameters::ParameterCost::default(),
        };
        entries.push(both(&name, json!({ "gas": mine.gas, "compute": mine.compute }), value));
    }
    entries
}

/// Runs the comparison; `true` when every value nearcore has is identical here.
pub(crate) fn run() -> bool {
    let store = RuntimeConfigStore::new(None);
    let theirs = store.get_config(PROTOCOL_VERSION);
    let ours = near_parameters::RuntimeConfig::mainnet();
    let mut entries = action_fees(theirs, &ours);
    entries.extend(ext_costs(theirs, &ours));
    entries.extend(scalars(theirs, &ours));
    entries.extend(flags(theirs, &ours));
    let gas_key_fees = crate::gas_key_fees::entries(theirs, &ours);
    entries.extend(gas_key_fees.into_iter().map(|(name, a, b)| Entry { name, ours: Some(a), nearcore: Some(b) }));
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
    let (mut identical, mut different, mut ours_only, mut known_missing) = (0, 0, 0, 0);
    for entry in &entries {
        let known = KNOWN_MISSING.iter().find(|(name, _)| *name == entry.name);
        match (&entry.ours, &entry.nearcore, known) {
            (Some(a), Some(b), _) if a == b => identical += 1,
            (Some(_), None, _) => {
                ours_only += 1;
                println!("{}", json!({ "parameter": entry.name, "ours_only": entry.ours }));
            }
            (None, Some(b), Some((_, reason))) => {
                known_missing += 1;
                println!("{}", json!({ "parameter": entry.name, "nearcore_only": b, "known": reason }));
            }
            _ => {
                different += 1;
                println!("{}", json!({ "parameter": entry.name, "ours": entry.ours, "nearcore": entry.nearcore }));
            }
        }
    }
    let seen = |name: &&str| entries.iter().any(|e| e.name == *name && e.ours.is_none());
    let stale: Vec<&str> = KNOWN_MISSING.iter().map(|(name, _)| *name).filter(|name| !seen(name)).collect();
    let summary = json!({
        "parameters": identical + different + known_missing,
        "identical": identical,
        "different": different,
        "known_missing": known_missing,
        "known_but_not_seen": stale,
        "ours_only": ours_only,
    });
    println!("{summary}");
    different == 0 && stale.is_empty()
}
