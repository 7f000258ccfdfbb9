//! One call through the host functions and actions nearcore's test contract covers in its
//! `sanity_check` (that contract is not published, so `tools/nearcore-diff/fixtures/host_tour.wat` is this workspace's
//! own tour of the same surface, plus protocol 88's additions): the call, its promises, the
//! batches they send and the accounts those create must all behave as nearcore's runtime would.

use crate::id;
use integration_tests::{GenesisAccount, NEAR, TestEnv};
use near_primitives::transaction::ExecutionStatus;

#[test]
fn one_call_through_every_kind_of_host_function_and_action() {
    let tour = wat::parse_str(include_str!("../../../tools/nearcore-diff/fixtures/host_tour.wat")).unwrap();
    let (alice, host) = (id("alice.near"), id("tour.near"));
    let mut env = TestEnv::builder()
        .account(GenesisAccount::new(alice.clone(), 100 * NEAR))
        .account(GenesisAccount::new(host.clone(), 100 * NEAR).with_code(tour))
        .build()
        .unwrap();
    let code = near_test_contracts::raw_nostd().to_vec();
    let result = env.call(&alice, &host, "tour").args(code).gas(300_000_000_000_000).transact().unwrap();
    assert!(result.is_success(), "{:?}", result.status);
    // log_utf8 and log_utf16, then the deployed contract's two calls on foo.tour.near.
    assert_eq!(result.logs(), ["hello", "hello", "incremented", "incremented"]);
    // The two panicking promises fail, with the texts nearcore records; nothing else does.
    let failures: Vec<String> = result
        .receipt_failures()
        .iter()
        .map(|outcome| match &outcome.outcome.status {
            ExecutionStatus::Failure(error) => error.to_string(),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(failures.len(), 2, "{failures:?}");
    assert!(failures.iter().any(|f| f.contains("explicit guest panic")), "{failures:?}");
    assert!(failures.iter().any(|f| f.contains("xyz")), "{failures:?}");
    // foo.tour.near was created, ran the deployed contract, took and lost keys and was deleted;
    // bar.tour.near stakes.
    assert!(env.view_account(&id("foo.tour.near")).unwrap().is_none(), "deleted by its own batch");
    let bar = env.view_account(&id("bar.tour.near")).unwrap().expect("created");
    assert_eq!((bar.amount, bar.locked), (2 * NEAR / 100, 3 * NEAR / 100));
    assert!(env.view_state(&host, b"hi").unwrap().is_empty(), "written, read and removed");
}
