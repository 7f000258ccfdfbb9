use crate::{env_with_contracts, id};
use near_primitives::account::Account;
use near_store::utils::set_account;
use near_store::{Trie, TrieUpdate};
use node_runtime::balance_checker::check_balance;
use node_runtime::{BalanceStats, RuntimeError};
use serde_json::json;

#[test]
fn every_chunk_of_a_mixed_workload_balances() {
    // `produce_block` fails on any mismatch; run a mix of transfers, calls, refunds, failures.
    let mut env = env_with_contracts();
    let mut transactions = Vec::new();
    for n in 0..5u128 {
        let transfer =
            near_primitives::action::Action::Transfer(near_primitives::action::TransferAction { deposit: n + 1 });
        transactions.push(env.sign(&id("alice.near"), &id("bob.near"), vec![transfer]).unwrap());
        let call = env.call(&id("bob.near"), &id("status.near"), "deposit_then_fail").deposit(n + 1).into_action();
        transactions.push(env.sign(&id("bob.near"), &id("status.near"), vec![call]).unwrap());
        let ask = env
            .call(&id("alice.near"), &id("status.near"), "ask_status")
            .args_json(json!({"target": "other.near", "account_id": "bob.near"}))
            .into_action();
        transactions.push(env.sign(&id("alice.near"), &id("status.near"), vec![ask]).unwrap());
    }
    let first = env.produce_block(&transactions).unwrap();
    assert_eq!(first.stats.transactions, 15);
    let mut blocks = 1;
    while env.has_pending_work().unwrap() {
        env.produce_block(&[]).unwrap();
        blocks += 1;
    }
    assert!(blocks >= 3);
}

#[test]
fn the_checker_catches_minted_tokens() {
    let env = env_with_contracts();
    let trie: Trie = env.trie();
    let mut state = TrieUpdate::new(trie.clone());
    let mut alice: Account = env.view_account(&id("alice.near")).unwrap().unwrap();
    alice.amount += 1;
    set_account(&mut state, id("alice.near"), &alice);
    state.commit();
    let error = check_balance(env.config(), &trie, &state, &BalanceStats::default()).unwrap_err();
    assert!(matches!(error, RuntimeError::BalanceMismatch { after, before, .. } if after == before + 1));
}

/// Found by the transaction fuzz target: a refund (from `system`) naming a gas price arrived
/// from another shard. The runtime charges and refunds no gas for refunds, but the checker
/// counted the receipt's gas at that price as incoming: a mismatch, a node fault. Refunds now
/// carry only their deposits, as in nearcore's checker.
#[test]
fn a_refund_naming_a_gas_price_still_balances() {
    let mut env = env_with_contracts();
    let mut refund = near_primitives::receipt::Receipt::new_balance_refund(&id("status.near"), 5);
    refund.receipt_id = near_primitives::hash::CryptoHash::hash_bytes(b"forged refund");
    if let near_primitives::receipt::ReceiptEnum::Action(action) = &mut refund.receipt {
        action.gas_price = 9_175_040;
    }
    let before = env.balance(&id("status.near")).unwrap();
    env.queue_receipts([refund]);
    env.produce_block(&[]).expect("the chunk balances");
    assert_eq!(env.balance(&id("status.near")).unwrap(), before + 5);
}
