//! [`TxResult`]: a transaction and every receipt it caused, with the final status found by
//! following the receipts it returned (as nearcore's `FinalExecutionOutcome`).

use near_primitives::errors::TxExecutionError;
use near_primitives::hash::CryptoHash;
use near_primitives::transaction::{ExecutionOutcome, ExecutionOutcomeWithId, ExecutionStatus};
use near_primitives::types::{Balance, Gas};
use std::collections::HashMap;

/// Where a transaction's result stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FinalStatus {
    /// Some receipt on the result's path has not executed yet.
    Pending,
    /// The value the last receipt on the path returned.
    SuccessValue(Vec<u8>),
    /// The transaction was invalid, or a receipt on the path failed.
    Failure(TxExecutionError),
}

/// A transaction's outcome and those of the receipts it caused.
#[derive(Debug, Clone)]
pub struct TxResult {
    /// The transaction's own outcome (conversion into a receipt).
    pub transaction: ExecutionOutcomeWithId,
    /// Outcomes of the receipts it caused, in breadth-first order.
    pub receipts: Vec<ExecutionOutcomeWithId>,
    /// The final status.
    pub status: FinalStatus,
    /// Whether every receipt it caused has executed.
    pub complete: bool,
}

impl TxResult {
    /// Gathers the outcomes reachable from `transaction` in `outcomes`.
    pub fn collect(transaction: ExecutionOutcomeWithId, outcomes: &HashMap<CryptoHash, ExecutionOutcome>) -> TxResult {
        let mut receipts = Vec::new();
        let mut queue: std::collections::VecDeque<CryptoHash> =
            transaction.outcome.receipt_ids.iter().copied().collect();
        let mut complete = true;
        while let Some(id) = queue.pop_front() {
            match outcomes.get(&id) {
                Some(outcome) => {
                    queue.extend(outcome.receipt_ids.iter().copied());
                    receipts.push(ExecutionOutcomeWithId { id, outcome: outcome.clone() });
                }
                None => complete = false,
            }
        }
        let status = final_status(&transaction.outcome, outcomes);
        TxResult { transaction, receipts, status, complete }
    }

    /// Whether the final status is a success.
    pub fn is_success(&self) -> bool {
        matches!(self.status, FinalStatus::SuccessValue(_))
    }

    /// Whether the final status is a failure.
    pub fn is_failure(&self) -> bool {
        matches!(self.status, FinalStatus::Failure(_))
    }

    /// The returned bytes, on success.
    pub fn value(&self) -> Option<&[u8]> {
        match &self.status {
            FinalStatus::SuccessValue(value) => Some(value),
            _ => None,
        }
    }

    /// The returned value parsed as JSON.
    ///
    /// # Errors
    /// Not a success, or not JSON of type `T`.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, crate::HarnessError> {
        let value = self.value().ok_or_else(|| crate::HarnessError::NotSuccess(format!("{:?}", self.status)))?;
        Ok(serde_json::from_slice(value)?)
    }

    /// The failure, if the final status is one.
    pub fn failure(&self) -> Option<&TxExecutionError> {
        match &self.status {
            FinalStatus::Failure(error) => Some(error),
            _ => None,
        }
    }

    /// Every log of every receipt, in order.
    pub fn logs(&self) -> Vec<&str> {
        self.receipts.iter().flat_map(|r| r.outcome.logs.iter().map(String::as_str)).collect()
    }

    /// Receipt outcomes that failed (whether or not on the result's path).
    pub fn receipt_failures(&self) -> Vec<&ExecutionOutcomeWithId> {
        self.receipts.iter().filter(|r| matches!(r.outcome.status, ExecutionStatus::Failure(_))).collect()
    }

    /// Gas burnt by the transaction and all its receipts.
    pub fn total_gas_burnt(&self) -> Gas {
        self.transaction.outcome.gas_burnt + self.receipts.iter().map(|r| r.outcome.gas_burnt).sum::<Gas>()
    }

    /// Tokens burnt by the transaction and all its receipts.
    pub fn total_tokens_burnt(&self) -> Balance {
        self.transaction.outcome.tokens_burnt + self.receipts.iter().map(|r| r.outcome.tokens_burnt).sum::<Balance>()
    }
}

fn final_status(transaction: &ExecutionOutcome, outcomes: &HashMap<CryptoHash, ExecutionOutcome>) -> FinalStatus {
    let mut status = &transaction.status;
    // Bounded by the number of outcomes: each step follows a receipt returned by the previous.
    for _ in 0..=outcomes.len() {
        match status {
            ExecutionStatus::Failure(error) => return FinalStatus::Failure(error.clone()),
            ExecutionStatus::SuccessValue(value) => return FinalStatus::SuccessValue(value.clone()),
            ExecutionStatus::Unknown => return FinalStatus::Pending,
            ExecutionStatus::SuccessReceiptId(id) => match outcomes.get(id) {
                Some(outcome) => status = &outcome.status,
                None => return FinalStatus::Pending,
            },
        }
    }
    FinalStatus::Pending
}
