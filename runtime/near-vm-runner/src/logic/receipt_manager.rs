//! `ReceiptManager`: the receipts a contract creates, in order, with their data dependencies.
//! The runtime turns them into real receipts (ids, signer, gas price) after a successful call.

use near_primitives::action::{Action, FunctionCallAction};
use near_primitives::errors::HostError;
use near_primitives::hash::CryptoHash;
use near_primitives::receipt::DataReceiver;
use near_primitives::types::{AccountId, Gas, GasWeight};

/// Index of a receipt created by this execution.
pub type ReceiptIndex = u64;

/// An action receipt the contract created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionReceiptMetadata {
    /// Who receives it.
    pub receiver_id: AccountId,
    /// Who waits for its result.
    pub output_data_receivers: Vec<DataReceiver>,
    /// Results it waits for.
    pub input_data_ids: Vec<CryptoHash>,
    /// Its actions.
    pub actions: Vec<Action>,
    /// NEP-519: a yielded receipt (its one input data id is the yield's), stored by the runtime
    /// until resumed or timed out.
    pub is_promise_yield: bool,
    /// Who gets its deposit refunds instead of the current account (`promise_set_refund_to`).
    pub refund_to: Option<AccountId>,
}

/// NEP-519: data a resume delivers to a yield.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YieldResume {
    /// The yield's data id.
    pub data_id: CryptoHash,
    /// The payload.
    pub payload: Vec<u8>,
    /// `true`: the yield is pending in the state (sent as a `PromiseResume` receipt);
    /// `false`: the yield was created by this same execution and turned into a plain receipt
    /// waiting for a plain data receipt.
    pub to_pending_yield: bool,
}

/// A receipt index as a vector position. Indices are only ever created by this manager (promise
/// indices are validated before they are resolved to receipts), so they always fit.
fn slot(index: ReceiptIndex) -> usize {
    usize::try_from(index).expect("receipt indices are positions in action_receipts")
}

/// The receipts of one execution.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReceiptManager {
    /// Receipts in creation order.
    pub action_receipts: Vec<ActionReceiptMetadata>,
    /// NEP-519: resumes submitted by this execution.
    pub yield_resumes: Vec<YieldResume>,
    /// Function calls that asked for a share of unused gas.
    pub gas_weights: Vec<WeightedCall>,
}

/// A function call that asked for a share of the gas its creator leaves unused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeightedCall {
    /// Its receipt's position in `action_receipts`.
    pub receipt: usize,
    /// Its position among the receipt's actions.
    pub action: usize,
    /// Its weight.
    pub weight: GasWeight,
}

impl ReceiptManager {
    /// The receiver of receipt `index` (the caller checked the index).
    pub fn receiver(&self, index: ReceiptIndex) -> &AccountId {
        &self.action_receipts[slot(index)].receiver_id
    }

    /// Adds a receipt to `receiver_id` waiting for the results of `dependencies`, each linked by
    /// a fresh data id from `next_data_id`.
    pub fn create_action_receipt(
        &mut self,
        dependencies: &[ReceiptIndex],
        receiver_id: AccountId,
        mut next_data_id: impl FnMut() -> CryptoHash,
    ) -> ReceiptIndex {
        let mut input_data_ids = Vec::with_capacity(dependencies.len());
        for &dependency in dependencies {
            let data_id = next_data_id();
            self.action_receipts[slot(dependency)]
                .output_data_receivers
                .push(DataReceiver { data_id, receiver_id: receiver_id.clone() });
            input_data_ids.push(data_id);
        }
        self.action_receipts.push(ActionReceiptMetadata {
            receiver_id,
            output_data_receivers: Vec::new(),
            input_data_ids,
            actions: Vec::new(),
            is_promise_yield: false,
            refund_to: None,
        });
        self.action_receipts.len() as u64 - 1
    }

    /// NEP-519: a yielded receipt to `receiver_id` (the current account) waiting on `data_id`.
    pub fn create_promise_yield_receipt(&mut self, receiver_id: AccountId, data_id: CryptoHash) -> ReceiptIndex {
        self.action_receipts.push(ActionReceiptMetadata {
            receiver_id,
            output_data_receivers: Vec::new(),
            input_data_ids: vec![data_id],
            actions: Vec::new(),
            is_promise_yield: true,
            refund_to: None,
        });
        self.action_receipts.len() as u64 - 1
    }

    /// NEP-519: resolves a yield created by this same execution with `payload`: the receipt
    /// becomes a plain one and the data follows it. Returns whether such a yield was pending.
    pub fn resolve_own_yield(&mut self, data_id: &CryptoHash, payload: &[u8]) -> bool {
        let pending = self
            .action_receipts
            .iter_mut()
            .find(|receipt| receipt.is_promise_yield && receipt.input_data_ids.first() == Some(data_id));
        let Some(receipt) = pending else { return false };
        receipt.is_promise_yield = false;
        self.yield_resumes.push(YieldResume { data_id: *data_id, payload: payload.to_vec(), to_pending_yield: false });
        true
    }

    /// Sets who receives receipt `index`'s deposit refunds.
    pub fn set_refund_to(&mut self, index: ReceiptIndex, refund_to: AccountId) {
        self.action_receipts[slot(index)].refund_to = Some(refund_to);
    }

    /// Appends an action to receipt `index`; returns its position among the receipt's actions.
    pub fn append_action(&mut self, index: ReceiptIndex, action: Action) -> u64 {
        let actions = &mut self.action_receipts[slot(index)].actions;
        actions.push(action);
        actions.len() as u64 - 1
    }

    /// Adds `key → value` to the `DeterministicStateInit` at position `action` of receipt
    /// `index`.
    ///
    /// # Errors
    /// `InvalidActionIndex` when that action is not a state init, `DataEntryAlreadyExists` when
    /// the key is set.
    pub fn set_state_init_data_entry(
        &mut self,
        index: ReceiptIndex,
        action: u64,
        key: Vec<u8>,
        value: Vec<u8>,
    ) -> Result<(), HostError> {
        let actions = &mut self.action_receipts[slot(index)].actions;
        let found = usize::try_from(action).ok().and_then(|position| actions.get_mut(position));
        let Some(Action::DeterministicStateInit(init)) = found else {
            return Err(HostError::InvalidActionIndex { receipt_index: index, action_index: action });
        };
        match init.state_init.data_mut().entry(key) {
            std::collections::btree_map::Entry::Occupied(_) => Err(HostError::DataEntryAlreadyExists),
            std::collections::btree_map::Entry::Vacant(entry) => {
                entry.insert(value);
                Ok(())
            }
        }
    }

    /// Appends a function call, remembering its gas weight.
    pub fn append_function_call(&mut self, index: ReceiptIndex, call: FunctionCallAction, weight: GasWeight) {
        let receipt = &mut self.action_receipts[slot(index)];
        if weight.0 > 0 {
            self.gas_weights.push(WeightedCall { receipt: slot(index), action: receipt.actions.len(), weight });
        }
        receipt.actions.push(Action::FunctionCall(Box::new(call)));
    }
}

/// Splits `unused_gas` among the weighted function calls of `receipts` in proportion to their
/// weights (the remainder goes to the last one). Returns the gas distributed.
pub(crate) fn distribute_gas(
    receipts: &mut [ActionReceiptMetadata],
    weighted: &[WeightedCall],
    unused_gas: Gas,
) -> Gas {
    let total_weight: u128 = weighted.iter().map(|call| u128::from(call.weight.0)).sum();
    if total_weight == 0 || unused_gas == 0 {
        return 0;
    }
    let mut distributed: Gas = 0;
    let last = weighted.len() - 1;
    for (position, call) in weighted.iter().enumerate() {
        let share = if position == last {
            unused_gas - distributed
        } else {
            // share ≤ unused_gas, so it fits in u64.
            u64::try_from(u128::from(unused_gas) * u128::from(call.weight.0) / total_weight).unwrap_or(0)
        };
        if let Some(Action::FunctionCall(function_call)) =
            receipts.get_mut(call.receipt).and_then(|receipt| receipt.actions.get_mut(call.action))
        {
            function_call.gas = function_call.gas.saturating_add(share);
        }
        distributed += share;
    }
    distributed
}
