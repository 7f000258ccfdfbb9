//! `node-runtime`: applies a chunk (signed transactions and incoming receipts) to a state root
//! and produces the new root, outgoing receipts and execution outcomes. Single shard, in
//! nearcore's order: transactions are converted into receipts (local ones run in the same
//! chunk), then the delayed queue, then incoming receipts, each while the chunk's compute
//! limit lasts (the rest is delayed in the trie), then end-of-chunk work; last, the balance
//! checker. Receipts to other accounts leave the chunk and arrive in the next.
//!
//! Module map (each next to the nearcore file it corresponds to): [`config`] fees, [`verifier`]
//! transaction and receipt validation, `receipts` receipt execution, data dependencies and
//! refunds, [`actions`] one action at a time, `submodules` (NEP-481) and `yield_resume`
//! (NEP-519) per-feature state, [`ext`] the runner's `External`, [`balance_checker`],
//! [`state_viewer`] view calls and queries, `types` the data they share.
//!
//! Imports point one way: this file → `receipts` → `actions` → `submodules` / `yield_resume`
//! → `types`; `config`, `verifier`, `ext` and `types` import no module above them.

pub mod access_keys;
pub mod actions;
pub mod balance_checker;
pub mod config;
mod delayed;
mod deterministic_account_id;
pub mod ext;
mod global_contracts;
mod receipts;
pub mod state_viewer;
mod submodules;
mod types;
mod universal_account_id;
pub mod verifier;
mod yield_resume;

use balance_checker::{check_balance, receipts_value};
use delayed::DelayedReceiptQueue;
use near_primitives::errors::TxExecutionError;
use near_primitives::receipt::{ActionReceipt, Receipt, ReceiptEnum, create_receipt_id_from_transaction};
use near_primitives::transaction::{ExecutionOutcome, ExecutionOutcomeWithId, ExecutionStatus, SignedTransaction};
use near_primitives::types::{AccountId, Gas, StateRoot};
use near_store::{Trie, TrieChanges, TrieUpdate};
use near_vm_runner::ContractRunner;
use near_vm_runner::engine::Compiler;
use receipts::{ReceiptExecution, ReceiptExecutor};
use state_viewer::{ViewError, ViewResult};

pub use ext::ValidatorStakes;
pub use types::{
    ActionResult, ApplyState, BalanceStats, DEFAULT_CHUNK_GAS_LIMIT, DEFAULT_GAS_PRICE, RuntimeError, ValidatorProposal,
};

/// Counters of one chunk.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ApplyStats {
    /// Transactions converted (valid ones).
    pub transactions: u64,
    /// Receipts executed (action receipts, not counting postponement).
    pub receipts_executed: u64,
    /// Receipts put into the delayed queue by this chunk.
    pub receipts_delayed: u64,
    /// Gas burnt by transactions and receipts.
    pub gas_burnt: Gas,
    /// Compute spent on receipts.
    pub compute_usage: u64,
    /// Token flows, as checked.
    pub balance: BalanceStats,
}

/// What applying a chunk produced.
#[derive(Debug)]
pub struct ApplyResult {
    /// The new state root.
    pub state_root: StateRoot,
    /// The trie nodes to store for the new root.
    pub trie_changes: TrieChanges,
    /// Receipts for the next chunk.
    pub outgoing_receipts: Vec<Receipt>,
    /// Outcomes of transactions and executed receipts, in execution order.
    pub outcomes: Vec<ExecutionOutcomeWithId>,
    /// Stake changes.
    pub validator_proposals: Vec<ValidatorProposal>,
    /// Receipts waiting in the delayed queue after this chunk.
    pub delayed_receipts_count: u64,
    /// Counters.
    pub stats: ApplyStats,
}

/// Applies chunks. Holds the contract runner (and its compiled-module cache).
pub struct Runtime {
    runner: ContractRunner,
}

/// The chunk being built.
#[derive(Default)]
struct ChunkProgress {
    outcomes: Vec<ExecutionOutcomeWithId>,
    outgoing: Vec<Receipt>,
    proposals: Vec<ValidatorProposal>,
    stats: ApplyStats,
}

impl ChunkProgress {
    fn record(&mut self, execution: ReceiptExecution) {
        self.stats.receipts_executed += 1;
        self.stats.compute_usage = self.stats.compute_usage.saturating_add(execution.compute_usage);
        self.stats.balance.other_burnt = self.stats.balance.other_burnt.saturating_add(execution.other_burnt);
        self.stats.balance.subsidized = self.stats.balance.subsidized.saturating_add(execution.subsidized);
        self.outgoing.extend(execution.outgoing);
        self.proposals.extend(execution.validator_proposals);
        if let Some(outcome) = execution.outcome {
            self.stats.gas_burnt = self.stats.gas_burnt.saturating_add(outcome.outcome.gas_burnt);
            let burnt = &mut self.stats.balance.receipts_burnt;
            *burnt = burnt.saturating_add(outcome.outcome.tokens_burnt);
            self.outcomes.push(outcome);
        }
    }
}

impl Runtime {
    /// A runtime with a Winch runner and an in-memory module cache.
    ///
    /// # Errors
    /// The engine could not be created.
    pub fn new() -> Result<Runtime, RuntimeError> {
        let runner = ContractRunner::new(Compiler::Winch).map_err(|e| RuntimeError::VMFault(e.to_string()))?;
        Ok(Runtime { runner })
    }

    /// A runtime over `runner`.
    pub fn with_runner(runner: ContractRunner) -> Runtime {
        Runtime { runner }
    }

    /// The contract runner.
    pub fn runner(&self) -> &ContractRunner {
        &self.runner
    }

    /// Applies a chunk to the state at `trie`'s root.
    ///
    /// # Errors
    /// Node faults only (storage, runner, balance mismatch); invalid transactions and failing
    /// receipts are outcomes.
    pub fn apply(
        &self,
        trie: Trie,
        apply_state: &ApplyState,
        transactions: &[SignedTransaction],
        incoming_receipts: &[Receipt],
    ) -> Result<ApplyResult, RuntimeError> {
        let config = &*apply_state.config;
        let initial = trie.clone();
        let mut state = TrieUpdate::new(trie);
        let mut chunk = ChunkProgress::default();
        chunk.stats.balance.incoming_receipts = receipts_value(config, incoming_receipts)?;
        let mut local_receipts = Vec::new();
        for transaction in transactions {
            if let Some(receipt) = self.convert_transaction(&mut state, apply_state, transaction, &mut chunk)? {
                if receipt.receiver_id == transaction.transaction.signer_id {
                    local_receipts.push(receipt);
                } else {
                    chunk.outgoing.push(receipt);
                }
            }
        }
        let executor = ReceiptExecutor { runner: &self.runner, apply_state };
        let mut delayed = DelayedReceiptQueue::load(&state)?;
        let over_limit = |chunk: &ChunkProgress| chunk.stats.compute_usage >= apply_state.gas_limit;
        for receipt in &local_receipts {
            if over_limit(&chunk) {
                delayed.push(&mut state, receipt);
                chunk.stats.receipts_delayed += 1;
            } else if let Some(execution) = executor.process_receipt(&mut state, receipt)? {
                chunk.record(execution);
            }
        }
        let mut processed_delayed = 0u64;
        while processed_delayed < delayed.len_at_start() && !over_limit(&chunk) {
            let Some(receipt) = delayed.pop(&mut state)? else { break };
            processed_delayed += 1;
            if let Some(execution) = executor.process_receipt(&mut state, &receipt)? {
                chunk.record(execution);
            }
        }
        for receipt in incoming_receipts {
            if over_limit(&chunk) {
                delayed.push(&mut state, receipt);
                chunk.stats.receipts_delayed += 1;
            } else if let Some(execution) = executor.process_receipt(&mut state, receipt)? {
                chunk.record(execution);
            }
        }
        delayed.save(&mut state);
        state.commit();
        let timeouts = yield_resume::resolve_yield_timeouts(&mut state, apply_state, chunk.stats.compute_usage)?;
        chunk.outgoing.extend(timeouts);
        chunk.stats.balance.outgoing_receipts = receipts_value(config, &chunk.outgoing)?;
        check_balance(config, &initial, &state, &chunk.stats.balance)?;
        let trie_changes = state.finalize()?;
        Ok(ApplyResult {
            state_root: trie_changes.new_root,
            trie_changes,
            outgoing_receipts: chunk.outgoing,
            outcomes: chunk.outcomes,
            validator_proposals: chunk.proposals,
            delayed_receipts_count: delayed.len(),
            stats: chunk.stats,
        })
    }

    /// Runs `method_name` of `account_id`'s contract read-only at `trie`'s root
    /// ([`state_viewer::view_call`] with this runtime's runner).
    ///
    /// # Errors
    /// The account or contract is missing, the call failed, or a node fault.
    pub fn view_call(
        &self,
        trie: &Trie,
        apply_state: &ApplyState,
        account_id: &AccountId,
        method_name: &str,
        args: &[u8],
    ) -> Result<ViewResult, ViewError> {
        state_viewer::view_call(&self.runner, trie, apply_state, account_id, method_name, args)
    }

    /// Verifies and charges a transaction; returns the receipt it becomes (none if invalid).
    fn convert_transaction(
        &self,
        state: &mut TrieUpdate,
        apply_state: &ApplyState,
        signed: &SignedTransaction,
        chunk: &mut ChunkProgress,
    ) -> Result<Option<Receipt>, RuntimeError> {
        let tx = &signed.transaction;
        let tx_hash = signed.get_hash();
        let verified = verifier::verify_and_charge_transaction(
            &apply_state.config,
            state,
            apply_state.gas_price,
            apply_state.block_height,
            signed,
        )?;
        let compute_usage = match &verified {
            verifier::TxVerdict::Invalid(_) => 0,
            verifier::TxVerdict::DepositFailed(cost, _) | verifier::TxVerdict::Charged(cost) => cost.compute_burnt,
        };
        let (status, gas_burnt, tokens_burnt, receipt) = match verified {
            verifier::TxVerdict::Invalid(error) => {
                state.rollback();
                (ExecutionStatus::Failure(TxExecutionError::InvalidTxError(error)), 0, 0, None)
            }
            verifier::TxVerdict::DepositFailed(cost, error) => {
                // The gas key paid the conversion; nothing else happens.
                state.commit();
                chunk.stats.gas_burnt = chunk.stats.gas_burnt.saturating_add(cost.gas_burnt);
                chunk.stats.balance.tx_burnt = chunk.stats.balance.tx_burnt.saturating_add(cost.burnt_amount);
                let status = ExecutionStatus::Failure(TxExecutionError::InvalidTxError(error));
                (status, cost.gas_burnt, cost.burnt_amount, None)
            }
            verifier::TxVerdict::Charged(cost) => {
                state.commit();
                let receipt = Receipt {
                    predecessor_id: tx.signer_id.clone(),
                    receiver_id: tx.receiver_id.clone(),
                    receipt_id: create_receipt_id_from_transaction(&tx_hash, apply_state.block_height),
                    receipt: ReceiptEnum::Action(ActionReceipt {
                        signer_id: tx.signer_id.clone(),
                        refund_to: None,
                        signer_public_key: tx.public_key.clone(),
                        gas_price: cost.receipt_gas_price,
                        output_data_receivers: Vec::new(),
                        input_data_ids: Vec::new(),
                        actions: tx.actions.clone(),
                    }),
                };
                chunk.stats.transactions += 1;
                chunk.stats.gas_burnt = chunk.stats.gas_burnt.saturating_add(cost.gas_burnt);
                chunk.stats.balance.tx_burnt = chunk.stats.balance.tx_burnt.saturating_add(cost.burnt_amount);
                (
                    ExecutionStatus::SuccessReceiptId(receipt.receipt_id),
                    cost.gas_burnt,
                    cost.burnt_amount,
                    Some(receipt),
                )
            }
        };
        chunk.outcomes.push(ExecutionOutcomeWithId {
            id: tx_hash,
            outcome: ExecutionOutcome {
                logs: Vec::new(),
                receipt_ids: receipt.iter().map(|r| r.receipt_id).collect(),
                gas_burnt,
                compute_usage: Some(compute_usage),
                tokens_burnt,
                executor_id: tx.signer_id.clone(),
                status,
            },
        });
        Ok(receipt)
    }
}
