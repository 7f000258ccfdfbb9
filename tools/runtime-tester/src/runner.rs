//! Runs a [`Scenario`] on an in-process chain and reports each block.

use crate::scenario::{BlockSpec, Scenario};
use base64::Engine;
use integration_tests::{GenesisAccount, HarnessError, TestEnv};
use near_parameters::RuntimeConfig;
use near_primitives::transaction::{ExecutionOutcomeWithId, ExecutionStatus};
use near_store::Store;
use serde::Serialize;
use serde_json::{Value, json};
use std::sync::Arc;

/// Empty blocks produced after the last item while receipts are pending, unless set.
pub const DEFAULT_MAX_TRAILING_BLOCKS: u64 = 100;

/// What one block did, as printed.
#[derive(Debug, Clone, Serialize)]
pub struct BlockReport {
    /// The block's height.
    pub height: u64,
    /// The state root after it (base58).
    pub state_root: String,
    /// Outcomes of transactions and executed receipts.
    pub outcomes: Vec<Value>,
    /// Results of the views run after the block.
    pub views: Vec<Value>,
    /// Receipts sent to the next block.
    pub outgoing_receipts: usize,
    /// Receipts waiting in the delayed queue.
    pub delayed_receipts: u64,
}

/// Bytes as `{"base64", "utf8"}` (utf8 only when printable).
pub fn bytes_json(bytes: &[u8]) -> Value {
    let mut value = json!({ "base64": base64::engine::general_purpose::STANDARD.encode(bytes) });
    if let Ok(text) = std::str::from_utf8(bytes)
        && !text.chars().any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        value["utf8"] = Value::String(text.to_string());
    }
    value
}

/// An outcome as printed: `id`, `executor_id`, `status`, `logs`, `gas_burnt`, `tokens_burnt`,
/// `receipt_ids`.
pub fn outcome_json(outcome: &ExecutionOutcomeWithId) -> Value {
    let status = match &outcome.outcome.status {
        ExecutionStatus::SuccessValue(value) => json!({ "SuccessValue": bytes_json(value) }),
        ExecutionStatus::SuccessReceiptId(id) => json!({ "SuccessReceiptId": id.to_string() }),
        ExecutionStatus::Failure(error) => json!({ "Failure": error }),
        ExecutionStatus::Unknown => json!("Unknown"),
    };
    json!({
        "id": outcome.id.to_string(),
        "executor_id": outcome.outcome.executor_id,
        "status": status,
        "logs": outcome.outcome.logs,
        "gas_burnt": outcome.outcome.gas_burnt,
        "tokens_burnt": outcome.outcome.tokens_burnt.to_string(),
        "receipt_ids": outcome.outcome.receipt_ids.iter().map(ToString::to_string).collect::<Vec<_>>(),
    })
}

/// Options of a run.
#[derive(Clone)]
pub struct RunOptions {
    /// Where the state lives.
    pub store: Store,
    /// Bound on trailing empty blocks (overrides the scenario's).
    pub max_trailing_blocks: Option<u64>,
}

/// Runs `scenario`, calling `report` after every block.
///
/// # Errors
/// A node fault (including a balance mismatch) or a store failure; contract and transaction
/// failures are reported in outcomes, never as errors.
pub fn run(
    scenario: &Scenario,
    options: RunOptions,
    mut report: impl FnMut(&BlockReport),
) -> Result<Vec<BlockReport>, HarnessError> {
    let mut config = RuntimeConfig::mainnet();
    if let Some(timeout) = scenario.yield_timeout_length_in_blocks {
        Arc::make_mut(&mut config.wasm_config).limit_config.yield_timeout_length_in_blocks = timeout;
    }
    let mut builder = TestEnv::builder().config(config).store(options.store);
    if let Some(gas_limit) = scenario.gas_limit {
        builder = builder.gas_limit(gas_limit);
    }
    for account in &scenario.genesis {
        let mut genesis = GenesisAccount::new(account.account_id.clone(), account.balance);
        genesis.code = account.code.clone();
        builder = builder.account(genesis);
    }
    let mut env = builder.build()?;
    let mut reports = Vec::new();
    let mut emit =
        |env: &TestEnv, block: integration_tests::BlockResult, views: Vec<Value>, reports: &mut Vec<BlockReport>| {
            let _ = env;
            let block_report = BlockReport {
                height: block.height,
                state_root: block.state_root.to_string(),
                outcomes: block.outcomes.iter().map(outcome_json).collect(),
                views,
                outgoing_receipts: block.outgoing_receipts,
                delayed_receipts: block.delayed_receipts,
            };
            report(&block_report);
            reports.push(block_report);
        };
    for item in &scenario.blocks {
        match item {
            BlockSpec::Empty(count) => {
                for _ in 0..*count {
                    let block = env.produce_block(&[])?;
                    emit(&env, block, Vec::new(), &mut reports);
                }
            }
            BlockSpec::Block { transactions, views } => {
                let mut signed = Vec::with_capacity(transactions.len());
                for tx in transactions {
                    signed.push(env.sign(&tx.signer_id, &tx.receiver_id, tx.actions.clone())?);
                }
                let block = env.produce_block(&signed)?;
                let view_results = views.iter().map(|view| run_view(&env, view)).collect();
                emit(&env, block, view_results, &mut reports);
            }
        }
    }
    let bound = options.max_trailing_blocks.or(scenario.max_trailing_blocks).unwrap_or(DEFAULT_MAX_TRAILING_BLOCKS);
    let mut trailing = 0;
    while trailing < bound && env.has_pending_work()? {
        let block = env.produce_block(&[])?;
        emit(&env, block, Vec::new(), &mut reports);
        trailing += 1;
    }
    Ok(reports)
}

fn run_view(env: &TestEnv, view: &crate::scenario::ViewSpec) -> Value {
    let mut value = json!({ "account_id": view.account_id, "method_name": view.method_name });
    match env.view(&view.account_id, &view.method_name, &view.args) {
        Ok(result) => {
            value["result"] = bytes_json(&result.result);
            value["logs"] = json!(result.logs);
        }
        Err(HarnessError::View(node_runtime::state_viewer::ViewError::FunctionCall(error))) => {
            value["error"] = json!(error);
        }
        Err(error) => value["error"] = Value::String(error.to_string()),
    }
    value
}

/// A block as one line of text.
pub fn text_line(report: &BlockReport) -> String {
    let mut line = format!("#{} root {}", report.height, report.state_root);
    for outcome in &report.outcomes {
        let status = &outcome["status"];
        let short = match status {
            Value::Object(map) if map.contains_key("SuccessValue") => {
                let value = &status["SuccessValue"];
                format!("ok {}", value.get("utf8").and_then(Value::as_str).unwrap_or("<bytes>"))
            }
            Value::Object(map) if map.contains_key("SuccessReceiptId") => "-> receipt".to_string(),
            other => format!("FAILED {}", other.get("Failure").unwrap_or(other)),
        };
        line.push_str(&format!(
            "\n  {} {} gas {} {short}",
            outcome["executor_id"].as_str().unwrap_or("?"),
            &outcome["id"].as_str().unwrap_or("?")[..8.min(outcome["id"].as_str().unwrap_or("?").len())],
            outcome["gas_burnt"],
        ));
        for log in outcome["logs"].as_array().into_iter().flatten() {
            line.push_str(&format!("\n    log: {}", log.as_str().unwrap_or("")));
        }
    }
    for view in &report.views {
        line.push_str(&format!(
            "\n  view {}.{} = {}",
            view["account_id"].as_str().unwrap_or("?"),
            view["method_name"].as_str().unwrap_or("?"),
            view.get("result").or(view.get("error")).unwrap_or(&Value::Null)
        ));
    }
    line
}
