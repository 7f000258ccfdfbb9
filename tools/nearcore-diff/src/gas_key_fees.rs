//! Part of `--parameters`: the content-dependent gas-key fees. nearcore computes them with
//! `near_parameters::cost::{gas_key_transfer_send_fee, gas_key_transfer_exec_fee,
//! gas_key_add_key_send_fee, gas_key_add_key_exec_fee}`; this workspace with the `(cost, send
//! units, execution units)` terms of `near_parameters::gas_key_fees` (shared by the runner and the runtime) times its fee
//! table. Compared for both key types, short and long receivers, both sender-is-receiver cases
//! and nonce counts from 1 to the limit: each component's gas (and the execution halves'
//! compute).

use near_parameters::gas_key_fees::{self, GasKeyTerm};
use serde_json::{Value, json};

/// Gas (and compute) of our terms: the send half at `sir`, or the execution half (`None`).
fn ours(config: &near_parameters::RuntimeConfig, terms: &[GasKeyTerm], sir: Option<bool>) -> Value {
    let (mut gas, mut compute) = (0u64, 0u64);
    for &(cost, send_units, exec_units) in terms {
        let fee = config.fees.fee(cost);
        let (g, c, units) = match sir {
            Some(sir) => (fee.send_fee(sir), fee.send_fee(sir), send_units),
            None => (fee.exec_fee(), fee.exec_compute(), exec_units),
        };
        gas += g * units;
        compute += c * units;
    }
    json!({ "gas": gas, "compute": compute })
}

fn theirs(cost: nc_parameters::ParameterCost) -> Value {
    json!({ "gas": cost.gas.as_gas(), "compute": cost.compute })
}

/// One comparison: its name, our value, nearcore's.
pub(crate) type Compared = (String, Value, Value);

fn entry(name: String, ours: Value, nearcore: Value) -> Compared {
    (name, ours, nearcore)
}

/// The comparisons, one entry per case and fee component.
pub(crate) fn entries(
    theirs_config: &nc_parameters::RuntimeConfig,
    config: &near_parameters::RuntimeConfig,
) -> Vec<Compared> {
    use nc_parameters::cost::{
        gas_key_add_key_exec_fee, gas_key_add_key_send_fee, gas_key_transfer_exec_fee, gas_key_transfer_send_fee,
    };
    let fees = &theirs_config.fees;
    let mut entries = Vec::new();
    // ed25519, secp256k1 and ML-DSA-65 keys (borsh length sent, handle length stored), a short
    // and the longest account id.
    for (key_len, trie_len) in [(33usize, 33usize), (65, 65), (1953, 33)] {
        for sir in [true, false] {
            // The send half does not depend on the receiver.
            let send = gas_key_fees::transfer_terms(2, key_len, trie_len);
            let nc = gas_key_transfer_send_fee(fees, sir, key_len);
            let name = |part: &str| format!("gas_key_fee.transfer_send.{part}(key {key_len}, sir {sir})");
            entries.push(entry(name("base"), ours(config, &send[..1], Some(sir)), theirs(nc.base)));
            entries.push(entry(name("per_byte"), ours(config, &send[1..], Some(sir)), theirs(nc.per_byte)));
        }
        for account_len in [2usize, 64] {
            let exec = gas_key_fees::transfer_terms(account_len, key_len, trie_len);
            let nc = gas_key_transfer_exec_fee(fees, account_len, trie_len);
            let name = |part: &str| format!("gas_key_fee.transfer_exec.{part}(account {account_len}, key {key_len})");
            entries.push(entry(name("base"), ours(config, &exec[..1], None), theirs(nc.base)));
            entries.push(entry(name("per_byte"), ours(config, &exec[1..], None), theirs(nc.per_byte)));
            for nonces in [1u16, 7, 1024] {
                let exec = gas_key_fees::add_key_terms(account_len, trie_len, nonces);
                let nc = gas_key_add_key_exec_fee(fees, account_len, trie_len, nonces);
                let name = |part: &str| {
                    format!("gas_key_fee.add_key_exec.{part}(account {account_len}, key {key_len}, nonces {nonces})")
                };
                entries.push(entry(name("base"), ours(config, &exec[..1], None), theirs(nc.base)));
                entries.push(entry(name("per_byte"), ours(config, &exec[1..], None), theirs(nc.per_byte)));
            }
        }
    }
    for sir in [true, false] {
        // The send half counts neither the receiver, the key nor the nonces.
        let send = gas_key_fees::add_key_terms(2, 33, 1);
        let name = format!("gas_key_fee.add_key_send(sir {sir})");
        entries.push(entry(name, ours(config, &send, Some(sir)), theirs(gas_key_add_key_send_fee(fees, sir))));
    }
    entries
}
