//! This workspace's runner.

use crate::context::Context;
use crate::{Outcome, b64};
use near_parameters::{ExtCosts, RuntimeConfig};
use near_vm_runner::ContractRunner;
use near_vm_runner::engine::Compiler;
use near_vm_runner::logic::mocks::MockedExternal;
use near_vm_runner::logic::{ReturnData, VMContext, VMOutcome};
use serde_json::{Map, Value, json};

/// This workspace's runner with its module cache, and the state calls start from.
pub(crate) struct Ours {
    runner: ContractRunner,
    config: RuntimeConfig,
    state: MockedExternal,
}

impl Ours {
    pub(crate) fn new() -> Result<Ours, String> {
        let runner = ContractRunner::new(Compiler::Winch).map_err(|e| e.to_string())?;
        Ok(Ours { runner, config: RuntimeConfig::mainnet(), state: MockedExternal::default() })
    }

    /// Runs `method` from the current state; with `keep`, its state becomes the current one.
    pub(crate) fn call(&mut self, code: &[u8], method: &str, c: &Context, keep: bool) -> Result<Outcome, String> {
        let context = vm_context(c)?;
        let ext = Box::new(self.state.clone());
        let (outcome, ext) = self.runner.run(code, method, ext, context, &self.config).map_err(|e| e.to_string())?;
        let any: Box<dyn std::any::Any> = ext;
        let after = any.downcast::<MockedExternal>().map_err(|_| "the runner returned another External".to_string())?;
        let outcome = to_outcome(&outcome, &after);
        if keep {
            self.state = *after;
        }
        Ok(outcome)
    }

    /// Runs `method` from the current state and returns how long the runner took (the context
    /// and state are built before the clock starts).
    pub(crate) fn time(&self, code: &[u8], method: &str, c: &Context) -> Result<std::time::Duration, String> {
        let context = vm_context(c)?;
        let ext = Box::new(self.state.clone());
        // A node knows the hash from the account, as nearcore's runner gets it in its context.
        let code_hash = near_primitives::hash::CryptoHash::hash_bytes(code);
        let start = std::time::Instant::now();
        let result = self.runner.run_with_code_hash(code_hash, code, method, ext, context, &self.config);
        let elapsed = start.elapsed();
        result.map(drop).map_err(|e| e.to_string())?;
        Ok(elapsed)
    }
}

fn vm_context(c: &Context) -> Result<VMContext, String> {
    let signer_pk = near_primitives::crypto::SecretKey::from_seed(&c.signer_account_id).public_key();
    let account = |id: &str| id.parse().map_err(|e| format!("account id `{id}`: {e}"));
    Ok(VMContext {
        current_account_id: account(&c.current_account_id)?,
        signer_account_id: account(&c.signer_account_id)?,
        signer_account_pk: signer_pk,
        predecessor_account_id: account(&c.predecessor_account_id)?,
        refund_to_account_id: None,
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
    })
}

fn to_outcome(outcome: &VMOutcome, ext: &MockedExternal) -> Outcome {
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
        for (key, value) in &ext.storage {
            storage.insert(b64(key), json!(b64(value)));
        }
    }
    Outcome {
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
        receipts: if outcome.aborted.is_none() { crate::receipts::ours(outcome) } else { Value::Null },
        subsidized_amount: outcome.subsidized_amount.to_string(),
    }
}
