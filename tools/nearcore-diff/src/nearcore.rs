//! nearcore's published runner (near-vm-runner 0.38, protocol 88, mainnet parameters).

use crate::context::Context;
use crate::{Outcome, b64};
use nc_parameters::{ExtCosts, RuntimeConfigStore};
use nc_primitives_core::account::AccountContract;
use nc_vm_runner::ContractCode;
use nc_vm_runner::logic::mocks::mock_external::MockedExternal;
use nc_vm_runner::logic::{ReturnData, VMContext};
use serde_json::{Map, Value, json};
use strum::IntoEnumIterator;

/// The protocol version compared against.
pub(crate) const PROTOCOL_VERSION: u32 = 88;

pub(crate) fn run(code: &[u8], method: &str, c: &Context) -> Result<Outcome, String> {
    let store = RuntimeConfigStore::new(None);
    let config = store.get_config(PROTOCOL_VERSION).clone();
    let contract = ContractCode::new(code.to_vec(), None);
    let code_hash = *contract.hash();
    let mut ext = MockedExternal::with_code(contract);
    let account = |id: &str| id.parse().map_err(|e| format!("account id `{id}`: {e:?}"));
    let signer_pk = near_primitives::crypto::SecretKey::from_seed(&c.signer_account_id).public_key();
    let context = VMContext {
        current_account_id: account(&c.current_account_id)?,
        signer_account_id: account(&c.signer_account_id)?,
        signer_account_pk: borsh_of_key(&signer_pk),
        predecessor_account_id: account(&c.predecessor_account_id)?,
        refund_to_account_id: account(&c.predecessor_account_id)?,
        input: c.input.clone().into(),
        promise_results: Vec::new().into(),
        block_height: c.block_height,
        block_timestamp: c.block_timestamp,
        epoch_height: c.epoch_height,
        account_balance: nc_primitives_core::types::Balance::from_yoctonear(c.account_balance),
        account_locked_balance: nc_primitives_core::types::Balance::from_yoctonear(c.account_locked_balance),
        storage_usage: c.storage_usage,
        account_contract: AccountContract::Local(code_hash),
        attached_deposit: nc_primitives_core::types::Balance::from_yoctonear(c.attached_deposit),
        prepaid_gas: nc_primitives_core::types::Gas::from_gas(c.prepaid_gas),
        random_seed: c.random_seed.clone(),
        view_config: None,
        output_data_receivers: vec![],
    };
    let gas_counter = context.make_gas_counter(&config.wasm_config);
    let prepared = nc_vm_runner::prepare(&ext, config.wasm_config.clone(), None, gas_counter, method);
    let outcome = nc_vm_runner::run(prepared, &mut ext, &context, config.fees.clone()).map_err(|e| format!("{e:?}"))?;
    let mut profile = Map::new();
    for cost in ExtCosts::iter() {
        let gas = gas_u64(outcome.profile.get_ext_cost(cost));
        if gas != 0 {
            profile.insert(cost.to_string(), json!(gas));
        }
    }
    let wasm = gas_u64(outcome.profile.get_wasm_cost());
    if wasm != 0 {
        profile.insert("wasm".into(), json!(wasm));
    }
    let mut storage = Map::new();
    if outcome.aborted.is_none() {
        for (key, value) in &ext.fake_trie {
            storage.insert(b64(key), json!(b64(value)));
        }
    }
    Ok(Outcome {
        aborted: outcome.aborted.as_ref().map(ToString::to_string),
        return_data: match &outcome.return_data {
            ReturnData::Value(bytes) => json!({ "Value": b64(bytes) }),
            ReturnData::ReceiptIndex(index) => json!({ "ReceiptIndex": index }),
            ReturnData::None => Value::Null,
        },
        logs: outcome.logs.clone(),
        burnt_gas: gas_u64(outcome.burnt_gas),
        used_gas: gas_u64(outcome.used_gas),
        compute_usage: outcome.compute_usage,
        profile,
        storage,
    })
}

fn gas_u64(gas: nc_primitives_core::types::Gas) -> u64 {
    gas.as_gas()
}

/// The signer key as nearcore's context holds it: borsh of the public key.
fn borsh_of_key(key: &near_primitives::crypto::PublicKey) -> Vec<u8> {
    borsh::to_vec(key).unwrap_or_default()
}
