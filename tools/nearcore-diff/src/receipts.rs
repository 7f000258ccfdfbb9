//! The receipts a call created, in one shape for both runners: receipts in creation order, each
//! with its receiver, the receipts it waits for (by position), whether it is a NEP-519 yield
//! (and its data id), its `refund_to` and its actions in order; then the yield resumes the call
//! submitted.
//!
//! nearcore's `MockedExternal` logs every step (`MockAction`) and numbers receipts by their
//! position in that log; this workspace's runner returns the receipts themselves. Both are
//! brought to positions among the receipts.

use crate::b64;
use nc_vm_runner::logic::mocks::mock_external::MockAction;
use near_primitives::action::Action;
use near_vm_runner::logic::VMOutcome;
use serde_json::{Map, Value, json};
use std::collections::HashMap;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Code is shown by length and sha256 (it can be large).
fn code(bytes: &[u8]) -> Value {
    use sha2::Digest;
    json!({ "len": bytes.len(), "sha256": hex(&sha2::Sha256::digest(bytes)) })
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn receipt(receiver_id: String, depends_on: Vec<usize>, yield_data_id: Option<String>) -> Map<String, Value> {
    let mut r = Map::new();
    r.insert("receiver_id".into(), json!(receiver_id));
    r.insert("depends_on".into(), json!(depends_on));
    r.insert("yield_data_id".into(), json!(yield_data_id));
    r.insert("refund_to".into(), Value::Null);
    r.insert("actions".into(), json!([]));
    r
}

fn push_action(receipt: &mut Map<String, Value>, action: Value) {
    if let Some(Value::Array(actions)) = receipt.get_mut("actions") {
        actions.push(action);
    }
}

fn function_call_permission(allowance: Option<u128>, receiver_id: &str, method_names: Vec<String>) -> Value {
    json!({ "FunctionCall": {
        "allowance": allowance.map(|a| a.to_string()),
        "receiver_id": receiver_id,
        "method_names": method_names,
    }})
}

/// nearcore's log of one call (the entries it appended) in the shared shape.
pub(crate) fn theirs(log: &[MockAction]) -> Value {
    // Log position of a receipt-creating entry -> position among receipts.
    let mut position: HashMap<u64, usize> = HashMap::new();
    let mut receipts: Vec<Map<String, Value>> = Vec::new();
    let mut created_yields: Vec<String> = Vec::new();
    let mut resumes = Vec::new();
    for (index, entry) in log.iter().enumerate() {
        let (target, action) = match entry {
            MockAction::CreateReceipt { receipt_indices, receiver_id } => {
                let depends_on = receipt_indices.iter().filter_map(|i| position.get(i).copied()).collect();
                position.insert(index as u64, receipts.len());
                receipts.push(receipt(receiver_id.to_string(), depends_on, None));
                continue;
            }
            MockAction::YieldCreate { data_id, receiver_id, .. } => {
                position.insert(index as u64, receipts.len());
                created_yields.push(hex(&data_id.0));
                receipts.push(receipt(receiver_id.to_string(), Vec::new(), Some(hex(&data_id.0))));
                continue;
            }
            MockAction::YieldResume { data_id, data } => {
                // The mock logs every attempt; a resume happens only for a yield it knows.
                if created_yields.contains(&hex(&data_id.0)) {
                    resumes.push(json!({ "data_id": hex(&data_id.0), "payload": b64(data) }));
                }
                continue;
            }
            MockAction::SetRefundTo { receipt_index, refund_to } => {
                if let Some(r) = position.get(receipt_index).and_then(|&p| receipts.get_mut(p)) {
                    r.insert("refund_to".into(), json!(refund_to.to_string()));
                }
                continue;
            }
            other => their_action(other),
        };
        if let Some(r) = position.get(&target).and_then(|&p| receipts.get_mut(p)) {
            push_action(r, action);
        }
    }
    json!({ "receipts": receipts, "yield_resumes": resumes })
}

/// The position among the call's receipts of the one nearcore's mock numbers `log_index` (its
/// place in the log the call appended to, `log`), as a returned promise names it.
pub(crate) fn their_receipt_position(log: &[MockAction], log_index: u64) -> Option<usize> {
    let creates =
        |entry: &MockAction| matches!(entry, MockAction::CreateReceipt { .. } | MockAction::YieldCreate { .. });
    let index = usize::try_from(log_index).ok()?;
    log.get(index).filter(|entry| creates(entry))?;
    Some(log[..index].iter().filter(|entry| creates(entry)).count())
}

/// One of nearcore's logged actions: the receipt it goes to and the action.
fn their_action(entry: &MockAction) -> (u64, Value) {
    use nc_vm_runner::logic::types::{GlobalContractDeployMode, GlobalContractIdentifier};
    let contract_id = |id: &GlobalContractIdentifier| match id {
        GlobalContractIdentifier::CodeHash(hash) => json!({ "CodeHash": hex(&hash.0) }),
        GlobalContractIdentifier::AccountId(account) => json!({ "AccountId": account.to_string() }),
    };
    let yocto = |b: &nc_primitives_core::types::Balance| b.as_yoctonear().to_string();
    let their_permission = |allowance: &Option<nc_primitives_core::types::Balance>,
                            receiver_id: &nc_primitives_core::types::AccountId,
                            names: &[Vec<u8>]| {
        let names = names.iter().map(|n| lossy(n)).collect();
        function_call_permission(allowance.map(|a| a.as_yoctonear()), receiver_id.as_str(), names)
    };
    match entry {
        MockAction::CreateAccount { receipt_index } => (*receipt_index, json!({ "CreateAccount": {} })),
        MockAction::DeployContract { receipt_index, code: c } => {
            (*receipt_index, json!({ "DeployContract": { "code": code(c) } }))
        }
        MockAction::DeployGlobalContract { receipt_index, code: c, mode } => {
            let mode = match mode {
                GlobalContractDeployMode::CodeHash => "CodeHash",
                GlobalContractDeployMode::AccountId => "AccountId",
            };
            (*receipt_index, json!({ "DeployGlobalContract": { "code": code(c), "mode": mode } }))
        }
        MockAction::UseGlobalContract { receipt_index, contract_id: id } => {
            (*receipt_index, json!({ "UseGlobalContract": { "contract_id": contract_id(id) } }))
        }
        MockAction::DeterministicStateInit { receipt_index, state_init, amount } => {
            let data: Map<String, Value> = state_init.data().iter().map(|(k, v)| (b64(k), json!(b64(v)))).collect();
            let code = match state_init.code() {
                nc_primitives_core::global_contract::GlobalContractIdentifier::CodeHash(hash) => {
                    json!({ "CodeHash": hex(&hash.0) })
                }
                nc_primitives_core::global_contract::GlobalContractIdentifier::AccountId(account) => {
                    json!({ "AccountId": account.to_string() })
                }
            };
            let action = json!({ "DeterministicStateInit": { "code": code, "data": data, "deposit": yocto(amount) } });
            (*receipt_index, action)
        }
        MockAction::UniversalStateInit { receipt_index, state_init, amount } => {
            let action = json!({ "UniversalStateInit": { "state_init": b64(state_init), "deposit": yocto(amount) } });
            (*receipt_index, action)
        }
        MockAction::FunctionCallWeight {
            receipt_index,
            method_name,
            args,
            attached_deposit,
            prepaid_gas,
            gas_weight,
        } => {
            let action = json!({ "FunctionCall": {
                "method_name": lossy(method_name),
                "args": b64(args),
                "deposit": yocto(attached_deposit),
                "gas": prepaid_gas.as_gas(),
                "gas_weight": gas_weight.0,
            }});
            (*receipt_index, action)
        }
        MockAction::Transfer { receipt_index, deposit } => {
            (*receipt_index, json!({ "Transfer": { "deposit": yocto(deposit) } }))
        }
        MockAction::TransferToGasKey { receipt_index, public_key, deposit } => {
            let action =
                json!({ "TransferToGasKey": { "public_key": public_key.to_string(), "deposit": yocto(deposit) } });
            (*receipt_index, action)
        }
        MockAction::Stake { receipt_index, stake, public_key } => {
            (*receipt_index, json!({ "Stake": { "stake": yocto(stake), "public_key": public_key.to_string() } }))
        }
        MockAction::DeleteAccount { receipt_index, beneficiary_id } => {
            (*receipt_index, json!({ "DeleteAccount": { "beneficiary_id": beneficiary_id.to_string() } }))
        }
        MockAction::DeleteKey { receipt_index, public_key } => {
            (*receipt_index, json!({ "DeleteKey": { "public_key": public_key.to_string() } }))
        }
        MockAction::AddKeyWithFunctionCall {
            receipt_index,
            public_key,
            nonce,
            allowance,
            receiver_id,
            method_names,
        } => {
            let permission = their_permission(allowance, receiver_id, method_names);
            let key = json!({ "public_key": public_key.to_string(), "nonce": nonce, "permission": permission });
            (*receipt_index, json!({ "AddKey": key }))
        }
        MockAction::AddKeyWithFullAccess { receipt_index, public_key, nonce } => {
            let key = json!({ "public_key": public_key.to_string(), "nonce": nonce, "permission": "FullAccess" });
            (*receipt_index, json!({ "AddKey": key }))
        }
        MockAction::AddGasKeyWithFullAccess { receipt_index, public_key, num_nonces } => {
            let key =
                json!({ "public_key": public_key.to_string(), "num_nonces": num_nonces, "permission": "FullAccess" });
            (*receipt_index, json!({ "AddGasKey": key }))
        }
        MockAction::AddGasKeyWithFunctionCall {
            receipt_index,
            public_key,
            num_nonces,
            allowance,
            receiver_id,
            method_names,
        } => {
            let permission = their_permission(allowance, receiver_id, method_names);
            let key =
                json!({ "public_key": public_key.to_string(), "num_nonces": num_nonces, "permission": permission });
            (*receipt_index, json!({ "AddGasKey": key }))
        }
        // Receipt-level entries are handled by the caller.
        MockAction::CreateReceipt { .. }
        | MockAction::YieldCreate { .. }
        | MockAction::YieldResume { .. }
        | MockAction::SetRefundTo { .. } => (u64::MAX, Value::Null),
    }
}

/// This runner's receipts of one call in the shared shape.
pub(crate) fn ours(outcome: &VMOutcome) -> Value {
    let own_yields: Vec<_> = outcome.yield_resumes.iter().filter(|r| !r.to_pending_yield).map(|r| r.data_id).collect();
    // Data id -> the receipt that produces it.
    let mut producer = HashMap::new();
    for (index, r) in outcome.action_receipts.iter().enumerate() {
        for receiver in &r.output_data_receivers {
            producer.insert(receiver.data_id, index);
        }
    }
    let receipts: Vec<Value> = outcome
        .action_receipts
        .iter()
        .enumerate()
        .map(|(index, r)| {
            let is_yield = r.is_promise_yield || r.input_data_ids.first().is_some_and(|id| own_yields.contains(id));
            let (yield_data_id, depends_on) = if is_yield {
                (r.input_data_ids.first().map(|id| hex(&id.0)), Vec::new())
            } else {
                (None, r.input_data_ids.iter().filter_map(|id| producer.get(id).copied()).collect())
            };
            let mut out = receipt(r.receiver_id.to_string(), depends_on, yield_data_id);
            if let Some(refund_to) = &r.refund_to {
                out.insert("refund_to".into(), json!(refund_to.to_string()));
            }
            for (position, action) in r.actions.iter().enumerate() {
                let weight = outcome
                    .gas_weights
                    .iter()
                    .find(|w| w.receipt == index && w.action == position)
                    .map_or(0, |w| w.weight.0);
                push_action(&mut out, our_action(action, weight));
            }
            Value::Object(out)
        })
        .collect();
    let resumes: Vec<Value> = outcome
        .yield_resumes
        .iter()
        .map(|r| json!({ "data_id": hex(&r.data_id.0), "payload": b64(&r.payload) }))
        .collect();
    json!({ "receipts": receipts, "yield_resumes": resumes })
}

fn our_contract_id(id: &near_primitives::global_contract::GlobalContractIdentifier) -> Value {
    use near_primitives::global_contract::GlobalContractIdentifier as Id;
    match id {
        Id::CodeHash(hash) => json!({ "CodeHash": hex(&hash.0) }),
        Id::AccountId(account) => json!({ "AccountId": account.to_string() }),
    }
}

fn our_action(action: &Action, gas_weight: u64) -> Value {
    use near_primitives::account::AccessKeyPermission;
    match action {
        Action::CreateAccount(_) => json!({ "CreateAccount": {} }),
        Action::DeployContract(deploy) => json!({ "DeployContract": { "code": code(&deploy.code) } }),
        Action::FunctionCall(call) => json!({ "FunctionCall": {
            "method_name": call.method_name,
            "args": b64(&call.args),
            "deposit": call.deposit.to_string(),
            "gas": call.gas,
            "gas_weight": gas_weight,
        }}),
        Action::Transfer(transfer) => json!({ "Transfer": { "deposit": transfer.deposit.to_string() } }),
        Action::Stake(stake) => {
            json!({ "Stake": { "stake": stake.stake.to_string(), "public_key": stake.public_key.to_string() } })
        }
        Action::AddKey(add) => {
            let permission = match &add.access_key.permission {
                AccessKeyPermission::FullAccess | AccessKeyPermission::GasKeyFullAccess(_) => json!("FullAccess"),
                AccessKeyPermission::FunctionCall(p) | AccessKeyPermission::GasKeyFunctionCall(_, p) => {
                    function_call_permission(p.allowance, &p.receiver_id, p.method_names.clone())
                }
            };
            let public_key = add.public_key.to_string();
            match add.access_key.permission.gas_key_info() {
                Some(info) => json!({ "AddGasKey": {
                    "public_key": public_key,
                    "num_nonces": info.num_nonces,
                    "permission": permission,
                }}),
                None => json!({ "AddKey": {
                    "public_key": public_key,
                    "nonce": add.access_key.nonce,
                    "permission": permission,
                }}),
            }
        }
        Action::DeleteKey(delete) => json!({ "DeleteKey": { "public_key": delete.public_key.to_string() } }),
        Action::DeleteAccount(delete) => {
            json!({ "DeleteAccount": { "beneficiary_id": delete.beneficiary_id.to_string() } })
        }
        Action::DeployGlobalContract(deploy) => {
            let mode = match deploy.deploy_mode {
                near_primitives::global_contract::GlobalContractDeployMode::CodeHash => "CodeHash",
                near_primitives::global_contract::GlobalContractDeployMode::AccountId => "AccountId",
            };
            json!({ "DeployGlobalContract": { "code": code(&deploy.code), "mode": mode } })
        }
        Action::UseGlobalContract(action) => {
            json!({ "UseGlobalContract": { "contract_id": our_contract_id(&action.contract_identifier) } })
        }
        Action::DeterministicStateInit(init) => {
            let data: Map<String, Value> =
                init.state_init.data().iter().map(|(k, v)| (b64(k), json!(b64(v)))).collect();
            json!({ "DeterministicStateInit": {
                "code": our_contract_id(init.state_init.code()),
                "data": data,
                "deposit": init.deposit.to_string(),
            }})
        }
        Action::UniversalStateInit(init) => json!({ "UniversalStateInit": {
            "state_init": b64(&init.state_init),
            "deposit": init.deposit.to_string(),
        }}),
        Action::TransferToGasKey(transfer) => json!({ "TransferToGasKey": {
            "public_key": transfer.public_key.to_string(),
            "deposit": transfer.deposit.to_string(),
        }}),
        Action::WithdrawFromGasKey(withdraw) => json!({ "WithdrawFromGasKey": {
            "public_key": withdraw.public_key.to_string(),
            "amount": withdraw.amount.to_string(),
        }}),
        Action::DeploySubmodule(deploy) => {
            json!({ "DeploySubmodule": { "key": b64(&deploy.key), "code": code(&deploy.code) } })
        }
        Action::RemoveSubmodule(remove) => json!({ "RemoveSubmodule": { "key": b64(&remove.key) } }),
    }
}
