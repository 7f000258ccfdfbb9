//! The in-memory contract storage the standalone runner runs against.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use near_primitives::hash::CryptoHash;
use near_primitives::types::{AccountId, Balance};
use near_vm_runner::logic::{External, ExternalFault};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

type Storage = BTreeMap<Vec<u8>, Vec<u8>>;

/// Storage shared between the runner's `External` and the tool, with its initial contents.
#[derive(Clone, Default)]
pub(crate) struct SharedState {
    initial: Arc<Storage>,
    current: Arc<Mutex<Storage>>,
    data_ids: Arc<std::sync::atomic::AtomicU64>,
    /// Yield ids registered by this call (the standalone state holds no pending yields).
    yield_ids: Arc<Mutex<BTreeMap<CryptoHash, CryptoHash>>>,
}

impl SharedState {
    /// Reads `{"<base64 key>": "<base64 value>", ...}`.
    pub(crate) fn from_json(bytes: &[u8]) -> Result<SharedState, String> {
        let value: Value = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        let Value::Object(entries) = value else { return Err("expected a JSON object".into()) };
        let mut storage = Storage::new();
        for (key, value) in entries {
            let key_bytes = BASE64.decode(&key).map_err(|e| format!("key `{key}`: {e}"))?;
            let text = value.as_str().ok_or_else(|| format!("value of `{key}`: expected base64 text"))?;
            let value_bytes = BASE64.decode(text).map_err(|e| format!("value of `{key}`: {e}"))?;
            storage.insert(key_bytes, value_bytes);
        }
        Ok(SharedState {
            initial: Arc::new(storage.clone()),
            current: Arc::new(Mutex::new(storage)),
            data_ids: Default::default(),
            yield_ids: Default::default(),
        })
    }

    fn storage(&self) -> std::sync::MutexGuard<'_, Storage> {
        self.current.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Keys whose value changed (`null` for removed); empty when the call failed, since a
    /// failed call's changes are discarded.
    pub(crate) fn changes_json(&self, succeeded: bool) -> Value {
        if !succeeded {
            return json!({});
        }
        let current = self.storage();
        let mut changes = serde_json::Map::new();
        let keys: std::collections::BTreeSet<&Vec<u8>> = self.initial.keys().chain(current.keys()).collect();
        for key in keys {
            let (before, after) = (self.initial.get(key), current.get(key));
            if before != after {
                let value = after.map(|v| json!({"base64": BASE64.encode(v), "utf8": std::str::from_utf8(v).ok()}));
                changes.insert(BASE64.encode(key), value.unwrap_or(Value::Null));
            }
        }
        Value::Object(changes)
    }
}

impl External for SharedState {
    fn storage_set(&mut self, key: &[u8], value: &[u8]) -> Result<Option<Vec<u8>>, ExternalFault> {
        Ok(self.storage().insert(key.to_vec(), value.to_vec()))
    }

    fn storage_get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, ExternalFault> {
        Ok(self.storage().get(key).cloned())
    }

    fn storage_remove(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, ExternalFault> {
        Ok(self.storage().remove(key))
    }

    fn submit_yield_resume(&mut self, _data_id: &CryptoHash) -> Result<bool, ExternalFault> {
        // One call against a plain storage map: no yield is pending in this state.
        Ok(false)
    }

    fn yield_data_id(&self, yield_id: &CryptoHash) -> Result<Option<CryptoHash>, ExternalFault> {
        Ok(self.yield_ids.lock().unwrap_or_else(|p| p.into_inner()).get(yield_id).copied())
    }

    fn register_yield_id(&mut self, yield_id: &CryptoHash, data_id: &CryptoHash) -> Result<(), ExternalFault> {
        self.yield_ids.lock().unwrap_or_else(|p| p.into_inner()).insert(*yield_id, *data_id);
        Ok(())
    }

    fn generate_data_id(&mut self) -> near_primitives::hash::CryptoHash {
        let count = self.data_ids.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        near_primitives::hash::CryptoHash::hash_bytes(&count.to_le_bytes())
    }

    fn validator_stake(&self, _account_id: &AccountId) -> Result<Option<Balance>, ExternalFault> {
        Ok(None)
    }

    fn validator_total_stake(&self) -> Result<Balance, ExternalFault> {
        Ok(0)
    }

    /// "test", as nearcore's mock.
    fn chain_id(&self) -> String {
        "test".to_string()
    }
}
