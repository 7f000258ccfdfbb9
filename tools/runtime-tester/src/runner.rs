//! Runs a [`Scenario`] on an in-process chain and reports each block.

use crate::captures::{Captured, Captures};
use crate::error::RunError;
use crate::resume::Resume;
use crate::scenario::{ActionSpec, BlockSpec, Scenario, ScenarioError, TransactionSpec, ViewSpec};
use base64::Engine;
use integration_tests::{GenesisAccount, HarnessError, TestEnv};
use near_parameters::RuntimeConfig;
use near_primitives::action::{Action, FunctionCallAction};
use near_primitives::crypto::SecretKey;
use near_primitives::hash::CryptoHash;
use near_primitives::transaction::{ExecutionOutcomeWithId, ExecutionStatus, SignedTransaction};
use near_store::Store;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
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
    /// Values captured in this block, by name (`{base64, utf8}`, or `{"failed": why}`); absent
    /// when none.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub captures: BTreeMap<String, Value>,
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
    /// Continue the chain `store` already holds (see [`crate::resume`]) instead of writing
    /// genesis over it; blocks up to its head are replayed silently.
    pub resume: bool,
}

/// Runs `scenario`, calling `report` after every block.
///
/// # Errors
/// [`RunError::Node`]: a node fault (including a balance mismatch) or a store failure;
/// [`RunError::Scenario`]: a capture used before it has a value. Contract and transaction
/// failures are reported in outcomes, never as errors.
pub fn run(
    scenario: &Scenario,
    options: RunOptions,
    mut report: impl FnMut(&BlockReport),
) -> Result<Vec<BlockReport>, RunError> {
    let mut config = RuntimeConfig::mainnet();
    if let Some(timeout) = scenario.yield_timeout_length_in_blocks {
        Arc::make_mut(&mut config.wasm_config).limit_config.yield_timeout_length_in_blocks = timeout;
    }
    let (store, mut resume) = Resume::plan(options.store, options.resume, &scenario.file)?;
    let mut builder = TestEnv::builder().config(config).store(store);
    if let Some(gas_limit) = scenario.gas_limit {
        builder = builder.gas_limit(gas_limit);
    }
    for account in &scenario.genesis {
        let mut genesis = GenesisAccount::new(account.account_id.clone(), account.balance);
        genesis.code = account.code.clone();
        builder = builder.account(genesis);
    }
    let mut env = builder.build()?;
    let mut reported = |env: &mut TestEnv| resume.as_mut().map_or(Ok(true), |resume| resume.report(env));
    reported(&mut env)?;
    let mut state = RunState { file: scenario.file.clone(), ..RunState::default() };
    let mut reports = Vec::new();
    let mut emit = |block: integration_tests::BlockResult, views: Vec<Value>, state: &mut RunState| {
        let captures = std::mem::take(&mut state.fresh);
        let block_report = BlockReport {
            height: block.height,
            state_root: block.state_root.to_string(),
            outcomes: block.outcomes.iter().map(outcome_json).collect(),
            views,
            outgoing_receipts: block.outgoing_receipts,
            delayed_receipts: block.delayed_receipts,
            captures,
        };
        report(&block_report);
        reports.push(block_report);
    };
    for item in &scenario.blocks {
        match item {
            BlockSpec::Empty(count) => {
                for _ in 0..*count {
                    let block = env.produce_block(&[])?;
                    state.collect(&block.outcomes);
                    if reported(&mut env)? {
                        emit(block, Vec::new(), &mut state);
                    } else {
                        state.fresh.clear();
                    }
                }
            }
            BlockSpec::Block { transactions, views } => {
                let mut signed = Vec::with_capacity(transactions.len());
                for tx in transactions {
                    signed.push(state.sign(&mut env, tx)?);
                }
                let block = env.produce_block(&signed)?;
                state.collect(&block.outcomes);
                let mut view_results = Vec::with_capacity(views.len());
                for view in views {
                    view_results.push(state.view(&env, view)?);
                }
                if reported(&mut env)? {
                    emit(block, view_results, &mut state);
                } else {
                    state.fresh.clear();
                }
            }
        }
    }
    let bound = options.max_trailing_blocks.or(scenario.max_trailing_blocks).unwrap_or(DEFAULT_MAX_TRAILING_BLOCKS);
    let mut trailing = 0;
    while trailing < bound && env.has_pending_work()? {
        let block = env.produce_block(&[])?;
        state.collect(&block.outcomes);
        if reported(&mut env)? {
            emit(block, Vec::new(), &mut state);
        } else {
            state.fresh.clear();
        }
        trailing += 1;
    }
    if let Some(resume) = &resume {
        resume.finish(&env)?;
    }
    Ok(reports)
}

/// Captures made and awaited during a run.
#[derive(Default)]
struct RunState {
    file: String,
    captures: Captures,
    /// Transactions (by hash) whose receipt's return value is awaited, and the capture name.
    awaited_transactions: BTreeMap<CryptoHash, String>,
    /// Receipts (by id) whose return value is awaited, and the capture name.
    awaited_receipts: BTreeMap<CryptoHash, String>,
    /// Captured in the current block and not reported yet.
    fresh: BTreeMap<String, Value>,
}

impl RunState {
    fn scenario_error(&self, path: &str, problem: String) -> RunError {
        RunError::Scenario(ScenarioError { file: self.file.clone(), path: path.to_string(), problem })
    }

    /// Signs `tx` with its capture references resolved; awaits its capture, if any.
    fn sign(&mut self, env: &mut TestEnv, tx: &TransactionSpec) -> Result<SignedTransaction, RunError> {
        let mut actions = Vec::with_capacity(tx.actions.len());
        for (index, action) in tx.actions.iter().enumerate() {
            actions.push(match action {
                ActionSpec::Ready(action) => action.clone(),
                ActionSpec::FunctionCall { method_name, args, gas, deposit } => {
                    let args = args.resolve(&self.captures).map_err(|problem| {
                        self.scenario_error(&format!("{}.actions[{index}].FunctionCall", tx.path), problem)
                    })?;
                    Action::FunctionCall(Box::new(FunctionCallAction {
                        method_name: method_name.clone(),
                        args,
                        gas: *gas,
                        deposit: *deposit,
                    }))
                }
            });
        }
        let signed = match (&tx.gas_key, &tx.key_of) {
            (Some(gas_key), _) => {
                let secret = SecretKey::from_seed(gas_key.key_of.as_str());
                env.sign_with_gas_key(&secret, gas_key.nonce_index, &tx.signer_id, &tx.receiver_id, actions)?
            }
            (None, Some(seed)) => {
                let secret = SecretKey::from_seed(seed);
                let uninitialized = env.view_account(&tx.signer_id)?.is_some_and(|account| !account.is_initialized());
                if uninitialized {
                    env.sign_bootstrap(&secret, &tx.signer_id, actions)?
                } else {
                    env.sign_with_key(&secret, &tx.signer_id, &tx.receiver_id, actions)?
                }
            }
            (None, None) => env.sign(&tx.signer_id, &tx.receiver_id, actions)?,
        };
        if let Some(name) = &tx.capture {
            self.awaited_transactions.insert(signed.get_hash(), name.clone());
        }
        Ok(signed)
    }

    /// Follows awaited transactions to the receipts they became and captures the values of
    /// awaited receipts that executed (outcomes come in execution order, so a local receipt
    /// executed in its transaction's block is caught in the same pass).
    fn collect(&mut self, outcomes: &[ExecutionOutcomeWithId]) {
        for outcome in outcomes {
            let status = &outcome.outcome.status;
            if let Some(name) = self.awaited_transactions.remove(&outcome.id) {
                match status {
                    ExecutionStatus::SuccessReceiptId(receipt_id) => {
                        self.awaited_receipts.insert(*receipt_id, name);
                    }
                    other => {
                        self.record(name, Captured::Failed(format!("the transaction failed: {}", status_text(other))))
                    }
                }
            } else if let Some(name) = self.awaited_receipts.remove(&outcome.id) {
                let captured = match status {
                    ExecutionStatus::SuccessValue(value) => Captured::Value(value.clone()),
                    ExecutionStatus::SuccessReceiptId(_) => {
                        Captured::Failed("the call returned a promise, not a value".to_string())
                    }
                    other => Captured::Failed(format!("the call failed: {}", status_text(other))),
                };
                self.record(name, captured);
            }
        }
    }

    fn record(&mut self, name: String, captured: Captured) {
        let shown = match &captured {
            Captured::Value(bytes) => bytes_json(bytes),
            Captured::Failed(why) => json!({ "failed": why }),
        };
        self.fresh.insert(name.clone(), shown);
        self.captures.insert(name, captured);
    }

    /// Runs a view with its references resolved; captures its result when asked.
    fn view(&mut self, env: &TestEnv, view: &ViewSpec) -> Result<Value, RunError> {
        let args = view.args.resolve(&self.captures).map_err(|problem| self.scenario_error(&view.path, problem))?;
        let mut value = json!({ "account_id": view.account_id, "method_name": view.method_name });
        let captured = match env.view(&view.account_id, &view.method_name, &args) {
            Ok(result) => {
                value["result"] = bytes_json(&result.result);
                value["logs"] = json!(result.logs);
                Captured::Value(result.result)
            }
            Err(HarnessError::View(node_runtime::state_viewer::ViewError::FunctionCall(error))) => {
                value["error"] = json!(error);
                Captured::Failed(format!("the view failed: {}", value["error"]))
            }
            Err(error) => {
                value["error"] = Value::String(error.to_string());
                Captured::Failed(format!("the view failed: {error}"))
            }
        };
        if let Some(name) = &view.capture {
            self.record(name.clone(), captured);
        }
        Ok(value)
    }
}

fn status_text(status: &ExecutionStatus) -> String {
    match status {
        ExecutionStatus::Failure(error) => error.to_string(),
        other => format!("{other:?}"),
    }
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
    for (name, value) in &report.captures {
        line.push_str(&format!("\n  capture {name} = {}", value.get("utf8").or(value.get("failed")).unwrap_or(value)));
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
