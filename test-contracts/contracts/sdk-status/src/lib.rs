//! A near-sdk 5.x test contract: storage, logs, JSON arguments, and a promise with a callback.

use near_sdk::store::LookupMap;
use near_sdk::{env, log, near, AccountId, Gas, PanicOnDefault, Promise, PromiseError};

#[near(contract_state)]
#[derive(PanicOnDefault)]
pub struct StatusMessage {
    records: LookupMap<AccountId, String>,
    calls: u64,
}

#[near]
impl StatusMessage {
    #[init]
    pub fn new() -> Self {
        Self { records: LookupMap::new(b"r"), calls: 0 }
    }

    /// Stores the caller's status and logs it.
    pub fn set_status(&mut self, message: String) {
        let account_id = env::predecessor_account_id();
        log!("{} set status to {}", account_id, message);
        self.records.insert(account_id, message);
        self.calls += 1;
    }

    /// The status of `account_id`.
    pub fn get_status(&self, account_id: AccountId) -> Option<String> {
        self.records.get(&account_id).cloned()
    }

    /// How many statuses were set.
    pub fn calls(&self) -> u64 {
        self.calls
    }

    /// sha256 of `text`, hex, via the host function.
    pub fn hash(&self, text: String) -> String {
        env::sha256(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Panics with a message.
    pub fn fail(&self) {
        env::panic_str("requested failure");
    }

    /// Calls `get_status` on `target` and handles the answer in `on_status`.
    pub fn ask_status(&self, target: AccountId, account_id: AccountId) -> Promise {
        Promise::new(target)
            .function_call(
                "get_status".to_string(),
                near_sdk::serde_json::json!({ "account_id": account_id }).to_string().into_bytes(),
                near_sdk::NearToken::from_yoctonear(0),
                Gas::from_tgas(10),
            )
            .then(Self::ext(env::current_account_id()).with_static_gas(Gas::from_tgas(10)).on_status())
    }

    /// Callback of `ask_status`.
    #[private]
    pub fn on_status(&self, #[callback_result] status: Result<Option<String>, PromiseError>) -> String {
        match status {
            Ok(Some(status)) => format!("status: {status}"),
            Ok(None) => "no status".to_string(),
            Err(_) => "call failed".to_string(),
        }
    }
}
