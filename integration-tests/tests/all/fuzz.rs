//! Transactions and receipts the runtime never saw: random signed transactions (random signers,
//! receivers (implicit and universal ids too), nonces, keys (ML-DSA-65 too), V0 and gas-key V1
//! transactions, self-signed universal bootstraps, and every action kind with random fields, gas
//! keys and universal state inits included), the same with random bytes of their borsh flipped (signatures broken, fields scrambled, lengths corrupted), and receipts
//! from real blocks with random bytes flipped, arriving as if from another shard. Every block
//! must apply (the balance checker runs on every chunk and a mismatch is a node fault that
//! fails the test; the only node fault allowed is an integer overflow a scrambled deposit in a
//! forged incoming receipt can cause, which no honest shard can send; a forged receipt worth more
//! than the total supply is not sent at all), and nothing may panic.
//! `FUZZ_ITERATIONS` / `FUZZ_SEED` scale it (`scripts/fuzz.sh`).

use crate::{env_with_contracts, id};
use integration_tests::{NEAR, TestEnv, signer_key};
use near_primitives::account::{AccessKey, AccessKeyPermission, FunctionCallPermission, GasKeyInfo};
use near_primitives::action::{
    Action, AddKeyAction, CreateAccountAction, DeleteAccountAction, DeleteKeyAction, DeployContractAction,
    DeploySubmoduleAction, FunctionCallAction, RemoveSubmoduleAction, StakeAction, TransferAction,
    TransferToGasKeyAction, UniversalStateInitAction, WithdrawFromGasKeyAction,
};
use near_primitives::crypto::SecretKey;
use near_primitives::hash::CryptoHash;
use near_primitives::receipt::Receipt;
use near_primitives::transaction::{SignedTransaction, Transaction};
use near_primitives::types::AccountId;
use near_primitives::universal_state_init::{UniversalStateInit, UniversalStateInitV1, universal_account_id};
use node_runtime::RuntimeError;
use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};
use std::collections::BTreeMap;

/// More than NEAR's total supply, in yoctoNEAR.
const MAX_SUPPLY: u128 = 2_000_000_000 * NEAR;

const ACCOUNTS: &[&str] = &["alice.near", "bob.near", "status.near", "other.near", "new.alice.near", "nobody.near"];

/// Ids a transfer may create: NEAR-implicit, ETH-implicit, deterministic.
const IMPLICIT: &[&str] = &[
    "1111111111111111111111111111111111111111111111111111111111111111",
    "0x2222222222222222222222222222222222222222",
    "0s3333333333333333333333333333333333333333",
];

/// The state init of the fuzzed universal account: key `k0` (which `AddKey` may also add
/// elsewhere, and which signs its bootstrap) and one entry.
fn universal_state_init() -> Vec<u8> {
    let init = UniversalStateInit::V1(UniversalStateInitV1 {
        code: None,
        data: [(b"k".to_vec(), b"v".to_vec())].into(),
        access_keys: [(&gas_key_at(0).public_key()).into()].into(),
    });
    borsh::to_vec(&init).expect("borsh")
}

/// A receiver: mostly a named account, sometimes an implicit or the universal id.
fn receiver(rng: &mut StdRng) -> AccountId {
    match rng.gen_range(0..10) {
        0 => id(pick(rng, IMPLICIT)),
        1 => universal_account_id(&universal_state_init()),
        _ => id(pick(rng, ACCOUNTS)),
    }
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn pick<'a>(rng: &mut StdRng, items: &[&'a str]) -> &'a str {
    items[rng.gen_range(0..items.len())]
}

fn amount(rng: &mut StdRng) -> u128 {
    match rng.gen_range(0..5) {
        0 => 0,
        1 => u128::MAX,
        2 => 1_000 * NEAR,
        _ => rng.gen_range(0..10 * NEAR),
    }
}

fn bytes(rng: &mut StdRng, max: usize) -> Vec<u8> {
    let mut out = vec![0u8; rng.gen_range(0..max)];
    rng.fill_bytes(&mut out);
    out
}

fn action(rng: &mut StdRng) -> Action {
    let key = signer_key(&id(pick(rng, ACCOUNTS))).public_key();
    match rng.gen_range(0..13) {
        0 => Action::CreateAccount(CreateAccountAction {}),
        1 => Action::DeployContract(DeployContractAction {
            code: if rng.gen_bool(0.5) { near_test_contracts::raw_nostd().to_vec() } else { bytes(rng, 200) },
        }),
        2 | 3 => Action::FunctionCall(Box::new(FunctionCallAction {
            method_name: pick(rng, &["set_status", "get_status", "new", "", "nope", "panic_with_message"]).into(),
            args: if rng.gen_bool(0.5) { br#"{"message":"hi"}"#.to_vec() } else { bytes(rng, 64) },
            gas: [0, 1, 5_000_000_000_000, 300_000_000_000_000, u64::MAX][rng.gen_range(0..5)],
            deposit: amount(rng),
        })),
        4 | 5 => Action::Transfer(TransferAction { deposit: amount(rng) }),
        6 => Action::Stake(Box::new(StakeAction { stake: amount(rng), public_key: key })),
        7 => Action::AddKey(Box::new(AddKeyAction {
            public_key: if rng.gen_bool(0.2) { post_quantum_key().public_key() } else { gas_key(rng).public_key() },
            access_key: AccessKey {
                nonce: rng.next_u64(),
                permission: match rng.gen_range(0..4) {
                    0 => AccessKeyPermission::FullAccess,
                    1 => AccessKeyPermission::FunctionCall(FunctionCallPermission {
                        allowance: Some(amount(rng)),
                        receiver_id: pick(rng, ACCOUNTS).into(),
                        method_names: vec!["set_status".into()],
                    }),
                    // Gas keys, sometimes invalid (no nonces, too many, a balance).
                    _ => AccessKeyPermission::GasKeyFullAccess(GasKeyInfo {
                        balance: if rng.gen_bool(0.2) { amount(rng) } else { 0 },
                        num_nonces: [0, 1, 3, 1024, 1025][rng.gen_range(0..5)],
                    }),
                },
            },
        })),
        8 => Action::DeleteKey(Box::new(DeleteKeyAction { public_key: key })),
        9 => Action::DeleteAccount(DeleteAccountAction { beneficiary_id: id(pick(rng, ACCOUNTS)) }),
        10 if rng.gen_bool(0.5) => Action::TransferToGasKey(Box::new(TransferToGasKeyAction {
            public_key: gas_key(rng).public_key(),
            deposit: amount(rng),
        })),
        10 => Action::WithdrawFromGasKey(Box::new(WithdrawFromGasKeyAction {
            public_key: gas_key(rng).public_key(),
            amount: amount(rng),
        })),
        // Its own bytes (valid only to the universal id), or noise.
        12 => Action::UniversalStateInit(Box::new(UniversalStateInitAction {
            state_init: if rng.gen_bool(0.7) { universal_state_init() } else { bytes(rng, 80) },
            deposit: amount(rng),
        })),
        _ if rng.gen_bool(0.5) => Action::DeploySubmodule(DeploySubmoduleAction {
            key: bytes(rng, 70),
            code: if rng.gen_bool(0.5) { near_test_contracts::submodule_nostd().to_vec() } else { bytes(rng, 100) },
        }),
        _ => Action::RemoveSubmodule(RemoveSubmoduleAction { key: bytes(rng, 70) }),
    }
}

/// One of the keys `AddKey` may add (some of them gas keys by then).
fn gas_key(rng: &mut StdRng) -> SecretKey {
    gas_key_at(rng.gen_range(0..4))
}

/// An ML-DSA-65 key `AddKey` may add, and which then signs.
fn post_quantum_key() -> SecretKey {
    SecretKey::ml_dsa_65_from_seed("fuzz post-quantum")
}

fn gas_key_at(index: u8) -> SecretKey {
    SecretKey::from_seed(&format!("k{index}"))
}

fn transaction(env: &mut TestEnv, rng: &mut StdRng) -> SignedTransaction {
    let signer = id(pick(rng, ACCOUNTS));
    let receiver = receiver(rng);
    let mut actions: Vec<Action> = (0..rng.gen_range(0..4)).map(|_| action(rng)).collect();
    if rng.gen_bool(0.05) {
        // The universal account's own state init, self-signed (valid while it is uninitialized).
        let universal = universal_account_id(&universal_state_init());
        let init = UniversalStateInitAction { state_init: universal_state_init(), deposit: amount(rng) };
        actions.insert(0, Action::UniversalStateInit(Box::new(init)));
        return env.sign_bootstrap(&gas_key_at(0), &universal, actions).expect("signing reads the store");
    }
    if rng.gen_bool(0.15) {
        // A V1 transaction signed by a key that may be a gas key, at a nonce index it may have.
        let index = [0, 1, 2, 9][rng.gen_range(0..4)];
        return env
            .sign_with_gas_key(&gas_key(rng), index, &signer, &receiver, actions)
            .expect("signing reads the store");
    }
    if rng.gen_bool(0.7) {
        return env.sign(&signer, &receiver, actions).expect("signing reads the store");
    }
    if rng.gen_bool(0.2) {
        return env.sign_with_key(&post_quantum_key(), &signer, &receiver, actions).expect("signing reads the store");
    }
    // A stale, future or arbitrary nonce, a key that may not exist, a block hash of nothing.
    let secret = if rng.gen_bool(0.5) { signer_key(&signer) } else { SecretKey::from_seed("stranger") };
    let transaction = Transaction {
        signer_id: signer,
        public_key: secret.public_key(),
        nonce: [0, 1, rng.next_u64(), u64::MAX][rng.gen_range(0..4)],
        receiver_id: receiver,
        block_hash: CryptoHash::hash_bytes(&rng.next_u64().to_le_bytes()),
        actions,
        version: near_primitives::transaction::TransactionVersion::V0,
    };
    transaction.sign(&secret)
}

/// `value` with 1–8 random bytes of its borsh replaced, if that still decodes.
fn mutated<T: borsh::BorshSerialize + borsh::BorshDeserialize>(value: &T, rng: &mut StdRng) -> Option<T> {
    let mut bytes = borsh::to_vec(value).ok()?;
    if bytes.is_empty() {
        return None;
    }
    for _ in 0..rng.gen_range(1..9) {
        let at = rng.gen_range(0..bytes.len());
        bytes[at] = rng.gen_range(0..=255);
    }
    borsh::from_slice(&bytes).ok()
}

#[test]
fn random_and_mutated_transactions_and_receipts_apply_or_fail_typed() {
    let iterations = env_u64("FUZZ_ITERATIONS", 120);
    let mut rng = StdRng::seed_from_u64(env_u64("FUZZ_SEED", 0));
    let mut env = env_with_contracts();
    let mut seen_receipts: Vec<Receipt> = Vec::new();
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    for iteration in 0..iterations {
        let mut transactions: Vec<SignedTransaction> =
            (0..rng.gen_range(1..6)).map(|_| transaction(&mut env, &mut rng)).collect();
        for _ in 0..rng.gen_range(0..3) {
            let original = transaction(&mut env, &mut rng);
            if let Some(forged) = mutated(&original, &mut rng) {
                transactions.push(forged);
                *counts.entry("mutated transactions that decoded").or_default() += 1;
            }
        }
        let mut forged_receipt = None;
        if !seen_receipts.is_empty() && rng.gen_bool(0.5) {
            let original = &seen_receipts[rng.gen_range(0..seen_receipts.len())];
            let forged = mutated(original, &mut rng);
            // No shard can send more than the total supply (about 1.2 × 10⁹ NEAR); a forged receipt
            // minting more would leave a balance near u128::MAX that later honest chunks overflow.
            let beyond_supply = |r: &Receipt| {
                node_runtime::balance_checker::receipt_value(env.config(), r).map_or(true, |v| v > MAX_SUPPLY)
            };
            if forged.as_ref().is_some_and(beyond_supply) {
                *counts.entry("mutated receipts beyond the total supply (not sent)").or_default() += 1;
            } else if let Some(forged) = forged {
                env.queue_receipts([forged.clone()]);
                forged_receipt = Some(forged);
                *counts.entry("mutated receipts that decoded").or_default() += 1;
            }
        }
        seen_receipts.extend(env.pending_receipts().iter().cloned());
        seen_receipts.truncate(200);
        *counts.entry("transactions").or_default() += transactions.len() as u64;
        match env.produce_block(&transactions) {
            Ok(block) => {
                *counts.entry("blocks applied").or_default() += 1;
                *counts.entry("outcomes").or_default() += block.outcomes.len() as u64;
            }
            Err(integration_tests::HarnessError::Runtime(RuntimeError::UnexpectedIntegerOverflow(_)))
                if forged_receipt.is_some() =>
            {
                // A forged deposit near u128::MAX: refused as a node fault, nothing committed;
                // the honest receipts stay queued, the forged one is dropped.
                *counts.entry("forged receipts refused (overflow)").or_default() += 1;
                env.retain_pending_receipts(|r| Some(r) != forged_receipt.as_ref());
            }
            Err(error) => panic!(
                "iteration {iteration}: {error}\nforged receipt: {forged_receipt:?}\ntransactions: {transactions:?}"
            ),
        }
    }
    eprintln!("{iterations} blocks: {counts:#?}");
    assert!(counts.get("blocks applied").copied().unwrap_or(0) > iterations / 2);
}
