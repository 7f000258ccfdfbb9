//! nearcore's published runner (near-vm-runner 0.38, protocol 88, mainnet parameters).

use crate::context::Context;
use crate::{Outcome, b64};
use nc_parameters::{ExtCosts, RuntimeConfigStore};
use nc_primitives_core::account::AccountContract;
use nc_vm_runner::logic::mocks::mock_external::MockedExternal;
use nc_vm_runner::logic::{ReturnData, VMContext};
use nc_vm_runner::{ContractCode, FilesystemContractRuntimeCache, noop_background_spawner};
use serde_json::{Map, Value, json};
use strum::IntoEnumIterator;

/// The protocol version compared against.
pub(crate) const PROTOCOL_VERSION: u32 = 88;

/// nearcore's runner with the compiled-contract cache a node uses (on disk, with the in-memory
/// cache of loaded modules in front), and the state calls start from.
pub(crate) struct Theirs {
    config: std::sync::Arc<nc_parameters::RuntimeConfig>,
    cache: FilesystemContractRuntimeCache,
    state: Option<MockedExternal>,
    dir: std::path::PathBuf,
}

impl Theirs {
    pub(crate) fn new() -> Result<Theirs, String> {
        let store = RuntimeConfigStore::new(None);
        let config = store.get_config(PROTOCOL_VERSION).clone();
        let unique = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!("nearcore-diff-{}-{unique}", std::process::id()));
        let cache = FilesystemContractRuntimeCache::with_memory_cache(
            &dir,
            None::<&str>,
            "contract.cache",
            64,
            None,
            FilesystemContractRuntimeCache::MAX_DISK_CACHE_BYTES,
            noop_background_spawner(),
        )
        .map_err(|e| format!("nearcore's contract cache in {}: {e}", dir.display()))?;
        Ok(Theirs { config, cache, state: None, dir })
    }

    fn prepared(&self, code: &[u8], c: &Context) -> Result<(MockedExternal, VMContext), String> {
        let ext = match &self.state {
            Some(state) => state.clone(),
            None => MockedExternal::with_code(ContractCode::new(code.to_vec(), None)),
        };
        let code_hash = *ContractCode::new(code.to_vec(), None).hash();
        Ok((ext, vm_context(c, code_hash)?))
    }

    fn run(
        &self,
        ext: &mut MockedExternal,
        context: &VMContext,
        method: &str,
    ) -> Result<nc_vm_runner::logic::VMOutcome, String> {
        let gas_counter = context.make_gas_counter(&self.config.wasm_config);
        let prepared =
            nc_vm_runner::prepare(&*ext, self.config.wasm_config.clone(), Some(&self.cache), gas_counter, method);
        nc_vm_runner::run(prepared, ext, context, self.config.fees.clone()).map_err(|e| format!("{e:?}"))
    }

    /// Runs `method` from the current state; with `keep`, its state becomes the current one.
    pub(crate) fn call(&mut self, code: &[u8], method: &str, c: &Context, keep: bool) -> Result<Outcome, String> {
        let (mut ext, context) = self.prepared(code, c)?;
        let logged_before = ext.action_log.len();
        let outcome = self.run(&mut ext, &context, method)?;
        let outcome = to_outcome(&outcome, &ext, logged_before);
        if keep {
            self.state = Some(ext);
        }
        Ok(outcome)
    }

    /// Runs `method` from the current state and returns how long the runner took (the context
    /// and state are built before the clock starts).
    pub(crate) fn time(&self, code: &[u8], method: &str, c: &Context) -> Result<std::time::Duration, String> {
        let (mut ext, context) = self.prepared(code, c)?;
        let start = std::time::Instant::now();
        let result = self.run(&mut ext, &context, method);
        let elapsed = start.elapsed();
        result.map(drop)?;
        Ok(elapsed)
    }
}

impl Drop for Theirs {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn vm_context(c: &Context, code_hash: nc_primitives_core::hash::CryptoHash) -> Result<VMContext, String> {
    let account = |id: &str| id.parse().map_err(|e| format!("account id `{id}`: {e:?}"));
    let signer_pk = near_primitives::crypto::SecretKey::from_seed(&c.signer_account_id).public_key();
    Ok(VMContext {
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
    })
}

/// The outcome; the call's receipts are what the mock logged after its first `logged_before`
/// entries (a kept state keeps its log).
fn to_outcome(outcome: &nc_vm_runner::logic::VMOutcome, ext: &MockedExternal, logged_before: usize) -> Outcome {
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
    Outcome {
        aborted: outcome.aborted.as_ref().map(ToString::to_string),
        return_data: match &outcome.return_data {
            ReturnData::Value(bytes) => json!({ "Value": b64(bytes) }),
            // The mock numbers receipts by their place in its log; this runner, by creation.
            ReturnData::ReceiptIndex(index) => {
                let log = ext.action_log.get(logged_before..).unwrap_or_default();
                let log_index = index.saturating_sub(logged_before as u64);
                match crate::receipts::their_receipt_position(log, log_index) {
                    Some(position) => json!({ "ReceiptIndex": position }),
                    None => json!({ "ReceiptIndex": index, "not_a_receipt_in_the_log": true }),
                }
            }
            ReturnData::None => Value::Null,
        },
        logs: outcome.logs.clone(),
        burnt_gas: gas_u64(outcome.burnt_gas),
        used_gas: gas_u64(outcome.used_gas),
        compute_usage: outcome.compute_usage,
        profile,
        storage,
        subsidized_amount: outcome.subsidized_amount.as_yoctonear().to_string(),
        receipts: match outcome.aborted {
            None => crate::receipts::theirs(ext.action_log.get(logged_before..).unwrap_or_default()),
            Some(_) => Value::Null,
        },
    }
}

fn gas_u64(gas: nc_primitives_core::types::Gas) -> u64 {
    gas.as_gas()
}

/// The signer key as nearcore's context holds it: borsh of the public key.
fn borsh_of_key(key: &near_primitives::crypto::PublicKey) -> Vec<u8> {
    borsh::to_vec(key).unwrap_or_default()
}
