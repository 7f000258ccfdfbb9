use crate::{builder_with_contracts, id, init_contracts};
use near_primitives::action::{Action, FunctionCallAction};

#[test]
fn receipts_over_the_chunk_limit_are_delayed_and_applied_later() {
    // A chunk limit of 300 Tgas: each `burn` call spends tens of Tgas.
    let mut env = init_contracts(builder_with_contracts().gas_limit(300_000_000_000_000).build().unwrap());
    let call = || {
        Action::FunctionCall(Box::new(FunctionCallAction {
            method_name: "burn".into(),
            args: br#"{"rounds":1}"#.to_vec(),
            gas: 200_000_000_000_000,
            deposit: 0,
        }))
    };
    let transactions: Vec<_> =
        (0..12).map(|_| env.sign(&id("alice.near"), &id("status.near"), vec![call()]).unwrap()).collect();
    let hashes: Vec<_> = transactions.iter().map(|tx| tx.get_hash()).collect();
    env.produce_block(&transactions).unwrap();
    let mut delayed_seen = 0;
    let mut blocks = 0;
    while env.has_pending_work().unwrap() {
        let block = env.produce_block(&[]).unwrap();
        delayed_seen = delayed_seen.max(block.delayed_receipts);
        assert!(
            block.stats.compute_usage < 300_000_000_000_000 + 200_000_000_000_000,
            "one receipt may cross the limit"
        );
        blocks += 1;
        assert!(blocks < 50, "the queue drains");
    }
    assert!(delayed_seen > 0, "some receipts waited in the delayed queue");
    assert!(blocks > 2, "the work spread over several chunks");
    for hash in hashes {
        let result = env.tx_result(&hash).unwrap();
        assert!(result.complete && result.is_success(), "{:?}", result.status);
    }
}
