//! Runtime throughput (receipts applied per second) and NEP-519 costs.
#![allow(missing_docs, reason = "criterion_group! generates an undocumented function")]
//!
//! Each measurement applies one chunk with `Runtime::apply` against a prepared state root;
//! the result is not committed, so every iteration applies the same chunk to the same state.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use integration_tests::genesis::{GenesisAccount, NEAR, signer_key, write_genesis};
use near_parameters::RuntimeConfig;
use near_primitives::action::{Action, FunctionCallAction, TransferAction};
use near_primitives::hash::CryptoHash;
use near_primitives::receipt::{
    ActionReceipt, PromiseYieldIndices, PromiseYieldStatus, PromiseYieldTimeout, Receipt, ReceiptEnum,
};
use near_primitives::transaction::ExecutionStatus;
use near_primitives::trie_key::TrieKey;
use near_primitives::types::{AccountId, StateRoot};
use near_store::utils::set;
use near_store::{EMPTY_ROOT, Store, TrieUpdate};
use node_runtime::{ApplyState, Runtime};
use std::sync::Arc;

const BATCH: usize = 100;

fn id(name: &str) -> AccountId {
    name.parse().unwrap()
}

struct Chain {
    store: Store,
    root: StateRoot,
    runtime: Runtime,
    config: Arc<RuntimeConfig>,
}

impl Chain {
    fn new(accounts: &[GenesisAccount], extra: impl FnOnce(&mut TrieUpdate)) -> Chain {
        let config = Arc::new(RuntimeConfig::test());
        let store = Store::memory();
        let mut state = TrieUpdate::new(store.trie(EMPTY_ROOT));
        write_genesis(&config, &mut state, accounts);
        extra(&mut state);
        state.commit();
        let changes = state.finalize().unwrap();
        store.commit_trie_changes(&changes).unwrap();
        Chain { store, root: changes.new_root, runtime: Runtime::new().unwrap(), config }
    }

    fn apply(&self, height: u64, receipts: &[Receipt]) -> node_runtime::ApplyResult {
        let apply_state = ApplyState::new(height, self.config.clone());
        self.runtime.apply(self.store.trie(self.root), &apply_state, &[], receipts).unwrap()
    }

    fn commit(&mut self, result: &node_runtime::ApplyResult) {
        self.store.commit_trie_changes(&result.trie_changes).unwrap();
        self.root = result.state_root;
    }
}

fn receipt(index: usize, signer: &AccountId, receiver: &AccountId, action: Action) -> Receipt {
    Receipt {
        predecessor_id: signer.clone(),
        receiver_id: receiver.clone(),
        receipt_id: CryptoHash::hash_bytes(&(index as u64).to_le_bytes()),
        receipt: ReceiptEnum::Action(ActionReceipt {
            signer_id: signer.clone(),
            refund_to: None,
            signer_public_key: signer_key(signer).public_key(),
            gas_price: node_runtime::DEFAULT_GAS_PRICE,
            output_data_receivers: vec![],
            input_data_ids: vec![],
            actions: vec![action],
        }),
    }
}

fn call(method: &str, args: Vec<u8>) -> Action {
    Action::FunctionCall(Box::new(FunctionCallAction {
        method_name: method.into(),
        args,
        gas: 30_000_000_000_000,
        deposit: 0,
    }))
}

fn genesis(contract: &[u8]) -> Vec<GenesisAccount> {
    vec![
        GenesisAccount::new(id("alice.near"), 1_000_000 * NEAR),
        GenesisAccount::new(id("bob.near"), 1_000 * NEAR),
        GenesisAccount::new(id("contract.near"), 1_000 * NEAR).with_code(contract.to_vec()),
    ]
}

fn throughput(c: &mut Criterion) {
    let mut group = c.benchmark_group("apply_receipts");
    group.throughput(Throughput::Elements(BATCH as u64));
    group.sample_size(20);
    let chain = Chain::new(&genesis(near_test_contracts::raw_nostd()), |_| {});
    let transfers: Vec<_> = (0..BATCH)
        .map(|i| receipt(i, &id("alice.near"), &id("bob.near"), Action::Transfer(TransferAction { deposit: 1 })))
        .collect();
    group.bench_function("transfers", |b| b.iter(|| chain.apply(1, &transfers)));
    let calls: Vec<_> =
        (0..BATCH).map(|i| receipt(i, &id("alice.near"), &id("contract.near"), call("increment", vec![]))).collect();
    group.bench_function("function_calls", |b| b.iter(|| chain.apply(1, &calls)));
    group.finish();
}

fn yields(c: &mut Criterion) {
    let mut group = c.benchmark_group("yield");
    group.throughput(Throughput::Elements(BATCH as u64));
    group.sample_size(20);
    let mut chain = Chain::new(&genesis(near_test_contracts::yield_nostd()), |_| {});
    let creates: Vec<_> = (0..BATCH)
        .map(|i| receipt(i, &id("alice.near"), &id("contract.near"), call("call_yield_create_return_data_id", vec![])))
        .collect();
    let noops: Vec<_> =
        (0..BATCH).map(|i| receipt(i, &id("alice.near"), &id("contract.near"), call("noop", vec![]))).collect();
    group.bench_function("baseline_noop_call", |b| b.iter(|| chain.apply(1, &noops)));
    group.bench_function("create", |b| b.iter(|| chain.apply(1, &creates)));

    let created = chain.apply(1, &creates);
    chain.commit(&created);
    let data_ids: Vec<Vec<u8>> = created
        .outcomes
        .iter()
        .filter_map(|o| match &o.outcome.status {
            ExecutionStatus::SuccessValue(v) if v.len() == 32 => Some(v.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(data_ids.len(), BATCH);
    let resumes: Vec<_> = data_ids
        .iter()
        .enumerate()
        .map(|(i, data_id)| {
            let args = [&[32u8][..], data_id, b"payload"].concat();
            receipt(BATCH + i, &id("alice.near"), &id("contract.near"), call("call_yield_resume", args))
        })
        .collect();
    group.bench_function("resume", |b| b.iter(|| chain.apply(2, &resumes)));
    group.finish();
}

/// A state with `pending` yields, of which the first `expired` expire at height 1000.
fn chain_with_yields(pending: u64, expired: u64) -> Chain {
    let contract = id("contract.near");
    Chain::new(&genesis(near_test_contracts::yield_nostd()), |state| {
        for index in 0..pending {
            let data_id = CryptoHash::hash_bytes(&index.to_le_bytes());
            let expires_at = if index < expired { 1000 } else { 1_000_000 };
            let timeout = PromiseYieldTimeout { account_id: contract.clone(), data_id, expires_at };
            set(state, TrieKey::PromiseYieldTimeout { index }, &timeout);
            set(
                state,
                TrieKey::PromiseYieldStatus { receiver_id: contract.clone(), data_id },
                &PromiseYieldStatus::Yielded,
            );
            let mut yielded = receipt(
                usize::try_from(index).expect("bench sizes fit"),
                &contract,
                &contract,
                call("check_promise_result_write_status", vec![]),
            );
            let ReceiptEnum::Action(action) = yielded.receipt else { unreachable!() };
            yielded.receipt = ReceiptEnum::PromiseYield(ActionReceipt { input_data_ids: vec![data_id], ..action });
            set(state, TrieKey::PromiseYieldReceipt { receiver_id: contract.clone(), data_id }, &yielded);
        }
        set(
            state,
            TrieKey::PromiseYieldIndices,
            &PromiseYieldIndices { first_index: 0, next_available_index: pending },
        );
    })
}

fn timeout_pass(c: &mut Criterion) {
    let mut group = c.benchmark_group("yield_timeout_pass");
    group.sample_size(20);
    for pending in [1_000u64, 10_000, 100_000] {
        let chain = chain_with_yields(pending, 0);
        group.bench_with_input(BenchmarkId::new("pending_0_expired", pending), &chain, |b, chain| {
            b.iter(|| chain.apply(1000, &[]))
        });
    }
    let chain = chain_with_yields(10_000, 1_000);
    group.bench_function("pending_10000_1000_expired", |b| b.iter(|| chain.apply(1000, &[])));
    group.finish();
}

criterion_group!(benches, throughput, yields, timeout_pass);
criterion_main!(benches);
