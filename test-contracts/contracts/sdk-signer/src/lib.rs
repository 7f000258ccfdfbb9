//! A near-sdk 5.x contract in the chain-signatures style (NEP-519): `sign` yields a request;
//! an off-chain responder (the `responder` account) answers with `respond`, which resumes the
//! yield; the caller of `sign` gets the signature, or a timeout error.

use near_sdk::store::LookupMap;
use near_sdk::{env, near, require, AccountId, Gas, GasWeight, PanicOnDefault, PromiseError};

/// Register the yield's data id is written to.
const DATA_ID_REGISTER: u64 = 0;

#[near(contract_state)]
#[derive(PanicOnDefault)]
pub struct Signer {
    responder: AccountId,
    /// Pending requests: request id → the yield's data id.
    pending: LookupMap<u64, Vec<u8>>,
    next_request: u64,
}

#[near]
impl Signer {
    #[init]
    pub fn new(responder: AccountId) -> Self {
        Self { responder, pending: LookupMap::new(b"p"), next_request: 0 }
    }

    /// Asks for a signature of `payload`; the result arrives when the responder answers (or
    /// the request times out).
    pub fn sign(&mut self, payload: String) {
        let request_id = self.next_request;
        self.next_request += 1;
        let args = near_sdk::serde_json::json!({ "request_id": request_id, "payload": payload }).to_string();
        let promise =
            env::promise_yield_create("on_response", args, Gas::from_tgas(10), GasWeight(0), DATA_ID_REGISTER);
        let data_id = env::read_register(DATA_ID_REGISTER).expect("the yield's data id");
        self.pending.insert(request_id, data_id);
        env::log_str(&format!("sign request {request_id}: {payload}"));
        env::promise_return(promise);
    }

    /// The responder's answer to `request_id`. Returns whether a pending request took it.
    pub fn respond(&mut self, request_id: u64, signature: String) -> bool {
        require!(env::predecessor_account_id() == self.responder, "only the responder may respond");
        let Some(data_id) = self.pending.remove(&request_id) else { return false };
        let data_id: [u8; 32] = data_id.try_into().expect("data ids are 32 bytes");
        let answer = near_sdk::serde_json::to_vec(&signature).expect("a string serializes");
        env::promise_yield_resume(&data_id, answer)
    }

    /// The yield's callback: the signature, or a panic on timeout.
    #[private]
    pub fn on_response(
        &self,
        request_id: u64,
        payload: String,
        #[callback_result] signature: Result<String, PromiseError>,
    ) -> String {
        match signature {
            Ok(signature) => format!("{payload} signed: {signature}"),
            Err(_) => env::panic_str(&format!("request {request_id} timed out")),
        }
    }

    /// Requests still waiting.
    pub fn is_pending(&self, request_id: u64) -> bool {
        self.pending.contains_key(&request_id)
    }
}
