//! A near-sdk 5.x test contract: storage, logs, JSON arguments, and a promise with a callback.

use near_sdk::store::LookupMap;
use near_sdk::{env, log, near, AccountId, Gas, NearToken, PanicOnDefault, Promise, PromiseError};

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

    /// Calls `method` of `target` with JSON `args` (and `deposit` yocto attached), then reports
    /// the outcome in `on_result`. The deposit comes from this contract's balance.
    pub fn call_and_report(&self, target: AccountId, method: String, args: String, deposit: Option<String>) -> Promise {
        let deposit =
            NearToken::from_yoctonear(deposit.map_or(0, |d| d.parse().expect("deposit is a decimal yocto amount")));
        Promise::new(target)
            .function_call(method, args.into_bytes(), deposit, Gas::from_tgas(20))
            .then(Self::ext(env::current_account_id()).with_static_gas(Gas::from_tgas(10)).on_result())
    }

    /// Callback of `call_and_report`: `ok: <returned bytes>` or `failed`.
    #[private]
    pub fn on_result(&self) -> String {
        match env::promise_result(0) {
            near_sdk::PromiseResult::Successful(value) => format!("ok: {}", String::from_utf8_lossy(&value)),
            near_sdk::PromiseResult::Failed => "failed".to_string(),
        }
    }

    /// Asks two contracts for `calls` at once (`promise_and`) and sums the answers in `on_join`.
    pub fn join_two(&self, first: AccountId, second: AccountId) -> Promise {
        let ask = |target: AccountId| {
            Promise::new(target).function_call(
                "calls".to_string(),
                b"{}".to_vec(),
                NearToken::from_yoctonear(0),
                Gas::from_tgas(10),
            )
        };
        ask(first)
            .and(ask(second))
            .then(Self::ext(env::current_account_id()).with_static_gas(Gas::from_tgas(10)).on_join())
    }

    /// Callback of `join_two`: the sum, or a message naming the failed side.
    #[private]
    pub fn on_join(
        &self,
        #[callback_result] first: Result<u64, PromiseError>,
        #[callback_result] second: Result<u64, PromiseError>,
    ) -> String {
        match (first, second) {
            (Ok(a), Ok(b)) => format!("sum: {}", a + b),
            (Err(_), _) => "first failed".to_string(),
            (_, Err(_)) => "second failed".to_string(),
        }
    }

    /// Sets `message` as this contract's status on each of `targets`, one after the other
    /// (a chain of `then`s).
    pub fn chain(&self, targets: Vec<AccountId>, message: String) -> Promise {
        let args = near_sdk::serde_json::json!({ "message": message }).to_string().into_bytes();
        let mut targets = targets.into_iter();
        let first = targets.next().expect("at least one target");
        let call = |target: AccountId| {
            Promise::new(target).function_call(
                "set_status".to_string(),
                args.clone(),
                NearToken::from_yoctonear(0),
                Gas::from_tgas(10),
            )
        };
        targets.fold(call(first), |chain, target| chain.then(call(target)))
    }

    /// Accepts a deposit, then fails: the deposit must come back to the caller.
    #[payable]
    pub fn deposit_then_fail(&mut self) {
        self.calls += 1;
        env::panic_str("failing after taking a deposit");
    }

    /// Burns roughly `rounds` × 10k sha256 host calls' worth of gas (for chunk-limit tests).
    pub fn burn(&self, rounds: u64) -> u64 {
        let mut digest = [0u8; 32];
        for _ in 0..rounds.saturating_mul(10_000) {
            digest = env::sha256_array(&digest);
        }
        u64::from(digest[0])
    }
}
