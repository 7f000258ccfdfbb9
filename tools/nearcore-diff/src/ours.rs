//! This workspace's runner.

use crate::context::Context;
use crate::{Outcome, b64};
use near_parameters::{ExtCosts, RuntimeConfig};
use near_vm_runner::ContractRunner;
use near_vm_runner::engine::Compiler;
use near_vm_runner::logic::mocks::MockedExternal;
use near_vm_runner::logic::{ReturnData, VMContext};
use serde_json::{Map, Value, json};

pub(crate) fn run(code: &[u8], method: &str, c: &Context) -> Result<Outcome, String> {
    let signer_pk = near_primitives::crypto::SecretKey::from_seed(&c.signer_account_id).public_key();
    let account = |id: &str| id.parse().map_err(|e| format!("account id `{id}`: {e}"));
    let context = VMContext {
        current_account_id: account(&c.current_account_id)?,
        signer_account_id: account(&c.signer_account_id)?,
        signer_account_pk: signer_pk,
        predecessor_account_id: account(&c.predecessor_account_id)?,
        input: c.input.clone(),
        promise_results: vec![],
        block_height: c.block_height,
        block_timestamp: c.block_timestamp,
        epoch_height: c.epoch_height,
        account_balance: c.account_balance,
        account_locked_balance: c.account_locked_balance,
        storage_usage: c.storage_usage,
        attached_deposit: c.attached_deposit,
        prepaid_gas: c.prepaid_gas,
        random_seed: c.random_seed.clone(),
        view_config: None,
        output_data_receivers: vec![],
    };
    let runner = ContractRunner::new(Compiler::Winch).map_err(|e| e.to_string())?;
    let (outcome, ext) = runner
        .run(code, method, Box::new(MockedExternal::default()), context, &RuntimeConfig::mainnet())
        .map_err(|e| e.to_string())?;
    let mut profile = Map::new();
    for &cost in ExtCosts::ALL {
        let gas = outcome.profile.ext[cost as usize];
        if gas != 0 {
            profile.insert(cost.name().to_string(), json!(gas));
        }
    }
    if outcome.profile.wasm != 0 {
        profile.insert("wasm".into(), json!(outcome.profile.wasm));
    }
    let mut storage = Map::new();
    if outcome.aborted.is_none() {
        let any: Box<dyn std::any::Any> = ext;
        if let Ok(mocked) = any.downcast::<MockedExternal>() {
            for (key, value) in &mocked.storage {
                storage.insert(b64(key), json!(b64(value)));
            }
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
        burnt_gas: outcome.burnt_gas,
        used_gas: outcome.used_gas,
        compute_usage: outcome.compute_usage,
        profile,
        storage,
    })
}
