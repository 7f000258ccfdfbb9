//! `--layouts`: the borsh bytes of every `Action`, `Transaction`, `SignedTransaction`, `Receipt`,
//! `AccessKey` and `Account` variant, and the bytes of every `TrieKey` both crates have, built from the same
//! field values here and in nearcore's `near-primitives` 0.38; NEP-481 additions (actions 16
//! and 17, trie columns 24 and 25) are not compared, nor what only nearcore has (meta
//! transactions, buffered receipts, gas-key nonces, `ActionReceiptV2`). Prints one JSON line
//! per comparison and a summary; returns whether every layout is identical.

use nc_crypto::{KeyType, PublicKeyHandle};
use nc_primitives::types::{Balance as NcBalance, Gas as NcGas};
use near_primitives as ours;
use serde_json::{Value, json};

const ALICE: &str = "alice.near";
const BOB: &str = "bob.near";
const KEY: [u8; 32] = [7; 32];
const SIGNATURE: [u8; 64] = [9; 64];
const HASH: [u8; 32] = [3; 32];

fn id(name: &str) -> ours::types::AccountId {
    name.parse().unwrap_or_else(|e| unreachable!("fixed account id: {e}"))
}

fn nc_id(name: &str) -> nc_primitives::types::AccountId {
    name.parse().unwrap_or_else(|e| unreachable!("fixed account id: {e}"))
}

fn nc_key() -> nc_crypto::PublicKey {
    nc_crypto::PublicKey::ED25519(nc_crypto::ED25519PublicKey(KEY))
}

fn nc_hash() -> nc_primitives::hash::CryptoHash {
    nc_primitives::hash::CryptoHash(HASH)
}

fn nc_yocto(amount: u128) -> NcBalance {
    NcBalance::from_yoctonear(amount)
}

fn bytes<T: borsh::BorshSerialize>(value: &T) -> Vec<u8> {
    borsh::to_vec(value).unwrap_or_else(|e| unreachable!("borsh into a Vec: {e}"))
}

/// The same actions in both crates, by name.
fn actions() -> Vec<(&'static str, ours::action::Action, nc_primitives::action::Action)> {
    use nc_primitives::action as nc;
    use ours::action as o;
    let permission = ours::account::FunctionCallPermission {
        allowance: Some(5),
        receiver_id: BOB.into(),
        method_names: vec!["m".into(), "n".into()],
    };
    let nc_permission = nc_primitives::account::FunctionCallPermission {
        allowance: Some(nc_yocto(5)),
        receiver_id: BOB.into(),
        method_names: vec!["m".into(), "n".into()],
    };
    vec![
        (
            "Action::CreateAccount",
            o::Action::CreateAccount(o::CreateAccountAction {}),
            nc::Action::CreateAccount(nc::CreateAccountAction {}),
        ),
        (
            "Action::DeployContract",
            o::Action::DeployContract(o::DeployContractAction { code: vec![0, 97, 115, 109] }),
            nc::Action::DeployContract(nc::DeployContractAction { code: vec![0, 97, 115, 109] }),
        ),
        (
            "Action::FunctionCall",
            o::Action::FunctionCall(Box::new(o::FunctionCallAction {
                method_name: "set".into(),
                args: vec![1, 2],
                gas: 30,
                deposit: 7,
            })),
            nc::Action::FunctionCall(Box::new(nc::FunctionCallAction {
                method_name: "set".into(),
                args: vec![1, 2],
                gas: NcGas::from_gas(30),
                deposit: nc_yocto(7),
            })),
        ),
        (
            "Action::Transfer",
            o::Action::Transfer(o::TransferAction { deposit: 11 }),
            nc::Action::Transfer(nc::TransferAction { deposit: nc_yocto(11) }),
        ),
        (
            "Action::Stake",
            o::Action::Stake(Box::new(o::StakeAction { stake: 13, public_key: ours::crypto::PublicKey::ED25519(KEY) })),
            nc::Action::Stake(Box::new(nc::StakeAction { stake: nc_yocto(13), public_key: nc_key() })),
        ),
        (
            "Action::AddKey (full access)",
            o::Action::AddKey(Box::new(o::AddKeyAction {
                public_key: ours::crypto::PublicKey::ED25519(KEY),
                access_key: ours::account::AccessKey {
                    nonce: 3,
                    permission: ours::account::AccessKeyPermission::FullAccess,
                },
            })),
            nc::Action::AddKey(Box::new(nc::AddKeyAction {
                public_key: nc_key(),
                access_key: nc_primitives::account::AccessKey {
                    nonce: 3,
                    permission: nc_primitives::account::AccessKeyPermission::FullAccess,
                },
            })),
        ),
        (
            "Action::AddKey (function call)",
            o::Action::AddKey(Box::new(o::AddKeyAction {
                public_key: ours::crypto::PublicKey::ED25519(KEY),
                access_key: ours::account::AccessKey {
                    nonce: 4,
                    permission: ours::account::AccessKeyPermission::FunctionCall(permission),
                },
            })),
            nc::Action::AddKey(Box::new(nc::AddKeyAction {
                public_key: nc_key(),
                access_key: nc_primitives::account::AccessKey {
                    nonce: 4,
                    permission: nc_primitives::account::AccessKeyPermission::FunctionCall(nc_permission),
                },
            })),
        ),
        (
            "Action::DeleteKey",
            o::Action::DeleteKey(Box::new(o::DeleteKeyAction { public_key: ours::crypto::PublicKey::ED25519(KEY) })),
            nc::Action::DeleteKey(Box::new(nc::DeleteKeyAction { public_key: nc_key() })),
        ),
        (
            "Action::DeleteAccount",
            o::Action::DeleteAccount(o::DeleteAccountAction { beneficiary_id: id(BOB) }),
            nc::Action::DeleteAccount(nc::DeleteAccountAction { beneficiary_id: nc_id(BOB) }),
        ),
    ]
    .into_iter()
    .chain(later_actions())
    .collect()
}

/// The same global contract identifiers in both crates: by hash and by account.
fn identifiers()
-> [(ours::global_contract::GlobalContractIdentifier, nc_primitives::action::GlobalContractIdentifier); 2] {
    use nc_primitives::action::GlobalContractIdentifier as Nc;
    use ours::global_contract::GlobalContractIdentifier as O;
    [
        (O::CodeHash(ours::hash::CryptoHash(HASH)), Nc::CodeHash(nc_hash())),
        (O::AccountId(id(BOB)), Nc::AccountId(nc_id(BOB))),
    ]
}

/// Global contracts (77), deterministic state init (82), gas keys (85), universal state init (88).
fn later_actions() -> Vec<(&'static str, ours::action::Action, nc_primitives::action::Action)> {
    use nc_primitives::action as nc;
    use ours::action as o;
    let [(hash, nc_hash_id), (by_account, nc_by_account)] = identifiers();
    let data: std::collections::BTreeMap<Vec<u8>, Vec<u8>> =
        [(b"k1".to_vec(), b"v1".to_vec()), (b"k0".to_vec(), vec![])].into();
    let state_init = ours::deterministic_account_id::DeterministicAccountStateInit::V1(
        ours::deterministic_account_id::DeterministicAccountStateInitV1 {
            code: by_account.clone(),
            data: data.clone(),
        },
    );
    let nc_state_init = nc_primitives::deterministic_account_id::DeterministicAccountStateInit::V1(
        nc_primitives::deterministic_account_id::DeterministicAccountStateInitV1 { code: nc_by_account.clone(), data },
    );
    let gas_key = ours::account::GasKeyInfo { balance: 77, num_nonces: 3 };
    let nc_gas_key = nc_primitives::account::GasKeyInfo { balance: nc_yocto(77), num_nonces: 3 };
    let permission = ours::account::FunctionCallPermission {
        allowance: None,
        receiver_id: BOB.into(),
        method_names: vec!["m".into()],
    };
    let nc_permission = nc_primitives::account::FunctionCallPermission {
        allowance: None,
        receiver_id: BOB.into(),
        method_names: vec!["m".into()],
    };
    let add_key = |permission| {
        o::Action::AddKey(Box::new(o::AddKeyAction {
            public_key: ours::crypto::PublicKey::ED25519(KEY),
            access_key: ours::account::AccessKey { nonce: 0, permission },
        }))
    };
    let nc_add_key = |permission| {
        nc::Action::AddKey(Box::new(nc::AddKeyAction {
            public_key: nc_key(),
            access_key: nc_primitives::account::AccessKey { nonce: 0, permission },
        }))
    };
    vec![
        (
            "Action::DeployGlobalContract (by hash)",
            o::Action::DeployGlobalContract(o::DeployGlobalContractAction {
                code: vec![0, 97, 115, 109],
                deploy_mode: ours::global_contract::GlobalContractDeployMode::CodeHash,
            }),
            nc::Action::DeployGlobalContract(nc::DeployGlobalContractAction {
                code: vec![0, 97, 115, 109].into(),
                deploy_mode: nc::GlobalContractDeployMode::CodeHash,
            }),
        ),
        (
            "Action::DeployGlobalContract (by account)",
            o::Action::DeployGlobalContract(o::DeployGlobalContractAction {
                code: vec![1],
                deploy_mode: ours::global_contract::GlobalContractDeployMode::AccountId,
            }),
            nc::Action::DeployGlobalContract(nc::DeployGlobalContractAction {
                code: vec![1].into(),
                deploy_mode: nc::GlobalContractDeployMode::AccountId,
            }),
        ),
        (
            "Action::UseGlobalContract (by hash)",
            o::Action::UseGlobalContract(Box::new(o::UseGlobalContractAction { contract_identifier: hash })),
            nc::Action::UseGlobalContract(Box::new(nc::UseGlobalContractAction { contract_identifier: nc_hash_id })),
        ),
        (
            "Action::UseGlobalContract (by account)",
            o::Action::UseGlobalContract(Box::new(o::UseGlobalContractAction { contract_identifier: by_account })),
            nc::Action::UseGlobalContract(Box::new(nc::UseGlobalContractAction { contract_identifier: nc_by_account })),
        ),
        (
            "Action::DeterministicStateInit",
            o::Action::DeterministicStateInit(Box::new(o::DeterministicStateInitAction { state_init, deposit: 12 })),
            nc::Action::DeterministicStateInit(Box::new(nc::DeterministicStateInitAction {
                state_init: nc_state_init,
                deposit: nc_yocto(12),
            })),
        ),
        (
            "Action::TransferToGasKey",
            o::Action::TransferToGasKey(Box::new(o::TransferToGasKeyAction {
                public_key: ours::crypto::PublicKey::ED25519(KEY),
                deposit: 13,
            })),
            nc::Action::TransferToGasKey(Box::new(nc::TransferToGasKeyAction {
                public_key: nc_key(),
                deposit: nc_yocto(13),
            })),
        ),
        (
            "Action::WithdrawFromGasKey",
            o::Action::WithdrawFromGasKey(Box::new(o::WithdrawFromGasKeyAction {
                public_key: ours::crypto::PublicKey::ED25519(KEY),
                amount: 14,
            })),
            nc::Action::WithdrawFromGasKey(Box::new(nc::WithdrawFromGasKeyAction {
                public_key: nc_key(),
                amount: nc_yocto(14),
            })),
        ),
        (
            "Action::UniversalStateInit",
            o::Action::UniversalStateInit(Box::new(o::UniversalStateInitAction {
                state_init: vec![1, 2, 3],
                deposit: 15,
            })),
            nc::Action::UniversalStateInit(Box::new(nc::UniversalStateInitAction {
                state_init: nc_primitives::universal_state_init::RawStateInit(vec![1, 2, 3]),
                deposit: nc_yocto(15),
            })),
        ),
        (
            "Action::AddKey (gas key, full access)",
            add_key(ours::account::AccessKeyPermission::GasKeyFullAccess(gas_key.clone())),
            nc_add_key(nc_primitives::account::AccessKeyPermission::GasKeyFullAccess(nc_gas_key.clone())),
        ),
        (
            "Action::AddKey (gas key, function call)",
            add_key(ours::account::AccessKeyPermission::GasKeyFunctionCall(gas_key, permission)),
            nc_add_key(nc_primitives::account::AccessKeyPermission::GasKeyFunctionCall(nc_gas_key, nc_permission)),
        ),
    ]
}

fn transactions() -> Vec<(&'static str, Vec<u8>, Vec<u8>)> {
    use nc_primitives::transaction::{NonceMode as NcMode, TransactionNonce, TransactionV1};
    use ours::transaction::{NonceMode, TransactionVersion};
    let (ours_actions, nc_actions): (Vec<_>, Vec<_>) = actions().into_iter().map(|(_, o, n)| (o, n)).unzip();
    let tx = ours::transaction::Transaction {
        signer_id: id(ALICE),
        public_key: ours::crypto::PublicKey::ED25519(KEY),
        nonce: 42,
        receiver_id: id(BOB),
        block_hash: ours::hash::CryptoHash(HASH),
        actions: ours_actions,
        version: TransactionVersion::V0,
    };
    let nc_tx = nc_primitives::transaction::Transaction::V0(nc_primitives::transaction::TransactionV0 {
        signer_id: nc_id(ALICE),
        public_key: nc_key(),
        nonce: 42,
        receiver_id: nc_id(BOB),
        block_hash: nc_hash(),
        actions: nc_actions.clone(),
    });
    let signed = ours::transaction::SignedTransaction::new(ours::crypto::Signature::ED25519(SIGNATURE), tx.clone());
    let nc_signature = nc_crypto::Signature::from_parts(KeyType::ED25519, &SIGNATURE)
        .unwrap_or_else(|e| unreachable!("64 bytes are an ed25519 signature: {e}"));
    let nc_signed = nc_primitives::transaction::SignedTransaction::new(nc_signature, nc_tx.clone());
    let mut pairs =
        vec![("Transaction", bytes(&tx), bytes(&nc_tx)), ("SignedTransaction", bytes(&signed), bytes(&nc_signed))];
    // V1: a gas key's nonce index with strict nonces, and a plain nonce with monotonic ones.
    // Ours are also decoded from nearcore's bytes (what is compared is their re-encoding).
    let cases = [
        ("Transaction V1 (gas key nonce 513, strict)", Some(513u16), NonceMode::Strict, NcMode::Strict),
        ("Transaction V1 (plain nonce, monotonic)", None, NonceMode::Monotonic, NcMode::Monotonic),
    ];
    // Signed with an ML-DSA-65 key (tag 2: 1,952 key bytes, 3,309 signature bytes).
    let (pq_key, pq_signature) = (vec![5u8; 1952], vec![6u8; 3309]);
    let pq_tx = ours::transaction::Transaction {
        public_key: ours::crypto::PublicKey::MLDSA65(pq_key.clone().try_into().unwrap_or_else(|_| unreachable!())),
        ..tx.clone()
    };
    let pq_signed = ours::transaction::SignedTransaction::new(
        ours::crypto::Signature::MLDSA65(pq_signature.clone().try_into().unwrap_or_else(|_| unreachable!())),
        pq_tx,
    );
    let nc_pq_key = nc_crypto::PublicKey::MLDSA65(nc_crypto::MlDsa65PublicKey(
        pq_key.clone().try_into().unwrap_or_else(|_| unreachable!("1,952 bytes")),
    ));
    let nc_pq_tx = nc_primitives::transaction::Transaction::V0(nc_primitives::transaction::TransactionV0 {
        signer_id: nc_id(ALICE),
        public_key: nc_pq_key,
        nonce: 42,
        receiver_id: nc_id(BOB),
        block_hash: nc_hash(),
        actions: nc_actions.clone(),
    });
    let nc_pq_signature = nc_crypto::Signature::from_parts(KeyType::MLDSA65, &pq_signature)
        .unwrap_or_else(|e| unreachable!("3,309 bytes are an ML-DSA-65 signature: {e}"));
    let nc_pq_signed = nc_primitives::transaction::SignedTransaction::new(nc_pq_signature, nc_pq_tx);
    pairs.push(("SignedTransaction (ML-DSA-65)", bytes(&pq_signed), bytes(&nc_pq_signed)));
    for (name, nonce_index, mode, nc_mode) in cases {
        let version = TransactionVersion::V1 { nonce_index, nonce_mode: mode };
        let v1 = ours::transaction::Transaction { version, ..tx.clone() };
        let nonce = match nonce_index {
            Some(index) => TransactionNonce::from_nonce_and_index(42, index),
            None => TransactionNonce::from_nonce(42),
        };
        let nc_v1 = nc_primitives::transaction::Transaction::V1(TransactionV1 {
            signer_id: nc_id(ALICE),
            public_key: nc_key(),
            nonce,
            receiver_id: nc_id(BOB),
            block_hash: nc_hash(),
            actions: nc_actions.clone(),
            nonce_mode: nc_mode,
        });
        let nc_bytes = bytes(&nc_v1);
        let decoded = borsh::from_slice::<ours::transaction::Transaction>(&nc_bytes).ok().filter(|d| *d == v1);
        pairs.push((name, decoded.map_or_else(Vec::new, |d| bytes(&d)), nc_bytes));
    }
    pairs
}

fn receipts() -> Vec<(&'static str, Vec<u8>, Vec<u8>)> {
    use nc_primitives::receipt as nc;
    use ours::receipt as o;
    let (ours_actions, nc_actions): (Vec<_>, Vec<_>) = actions().into_iter().map(|(_, o, n)| (o, n)).unzip();
    let action = o::ActionReceipt {
        signer_id: id(ALICE),
        refund_to: None,
        signer_public_key: ours::crypto::PublicKey::ED25519(KEY),
        gas_price: 100,
        output_data_receivers: vec![o::DataReceiver { data_id: ours::hash::CryptoHash(HASH), receiver_id: id(BOB) }],
        input_data_ids: vec![ours::hash::CryptoHash(HASH)],
        actions: ours_actions,
    };
    let nc_action = nc::ActionReceipt {
        signer_id: nc_id(ALICE),
        signer_public_key: nc_key(),
        gas_price: nc_yocto(100),
        output_data_receivers: vec![nc::DataReceiver { data_id: nc_hash(), receiver_id: nc_id(BOB) }],
        input_data_ids: vec![nc_hash()],
        actions: nc_actions,
    };
    let action_v2 = o::ActionReceipt { refund_to: Some(id(BOB)), ..action.clone() };
    let nc_action_v2 = nc::ActionReceiptV2 {
        signer_id: nc_action.signer_id.clone(),
        refund_to: Some(nc_id(BOB)),
        signer_public_key: nc_action.signer_public_key.clone(),
        gas_price: nc_action.gas_price,
        output_data_receivers: nc_action.output_data_receivers.clone(),
        input_data_ids: nc_action.input_data_ids.clone(),
        actions: nc_action.actions.clone(),
    };
    let data = o::DataReceipt { data_id: ours::hash::CryptoHash(HASH), data: Some(vec![5, 6]) };
    let nc_data = nc::DataReceipt { data_id: nc_hash(), data: Some(vec![5, 6]) };
    let kinds: Vec<(&'static str, o::ReceiptEnum, nc::ReceiptEnum)> = vec![
        ("Receipt (Action)", o::ReceiptEnum::Action(action.clone()), nc::ReceiptEnum::Action(nc_action.clone())),
        ("Receipt (Data)", o::ReceiptEnum::Data(data.clone()), nc::ReceiptEnum::Data(nc_data.clone())),
        ("Receipt (PromiseYield)", o::ReceiptEnum::PromiseYield(action), nc::ReceiptEnum::PromiseYield(nc_action)),
        ("Receipt (PromiseResume)", o::ReceiptEnum::PromiseResume(data), nc::ReceiptEnum::PromiseResume(nc_data)),
        (
            "Receipt (ActionV2, refund_to)",
            o::ReceiptEnum::Action(action_v2.clone()),
            nc::ReceiptEnum::ActionV2(nc_action_v2.clone()),
        ),
        (
            "Receipt (PromiseYieldV2, refund_to)",
            o::ReceiptEnum::PromiseYield(action_v2),
            nc::ReceiptEnum::PromiseYieldV2(nc_action_v2),
        ),
        (
            "Receipt (GlobalContractDistribution V2)",
            o::ReceiptEnum::GlobalContractDistribution(o::GlobalContractDistributionReceipt::V2(
                o::GlobalContractDistributionReceiptV2 {
                    id: identifiers()[1].0.clone(),
                    target_shard: 0,
                    already_delivered_shards: vec![3],
                    code: vec![0, 97, 115, 109],
                    nonce: 5,
                },
            )),
            nc::ReceiptEnum::GlobalContractDistribution(nc::GlobalContractDistributionReceipt::new(
                identifiers()[1].1.clone(),
                nc_primitives::types::ShardId::new(0),
                vec![nc_primitives::types::ShardId::new(3)],
                vec![0, 97, 115, 109].into(),
                5,
            )),
        ),
    ];
    kinds
        .into_iter()
        .map(|(name, receipt, nc_receipt)| {
            let mine = o::Receipt {
                predecessor_id: id(ALICE),
                receiver_id: id(BOB),
                receipt_id: ours::hash::CryptoHash(HASH),
                receipt,
            };
            let theirs = nc::Receipt::V0(nc::ReceiptV0 {
                predecessor_id: nc_id(ALICE),
                receiver_id: nc_id(BOB),
                receipt_id: nc_hash(),
                receipt: nc_receipt,
            });
            (name, bytes(&mine), bytes(&theirs))
        })
        .collect()
}

fn trie_keys() -> Vec<(&'static str, Vec<u8>, Vec<u8>)> {
    use nc_primitives::trie_key::TrieKey as Nc;
    use ours::trie_key::TrieKey as O;
    let h = ours::hash::CryptoHash(HASH);
    let pairs: Vec<(&'static str, O, Nc)> = vec![
        ("TrieKey::Account", O::Account { account_id: id(ALICE) }, Nc::Account { account_id: nc_id(ALICE) }),
        (
            "TrieKey::ContractCode",
            O::ContractCode { account_id: id(ALICE) },
            Nc::ContractCode { account_id: nc_id(ALICE) },
        ),
        (
            "TrieKey::AccessKey",
            O::AccessKey { account_id: id(ALICE), key_handle: ours::crypto::KeyHandle::Ed25519(KEY) },
            Nc::AccessKey { account_id: nc_id(ALICE), key_handle: PublicKeyHandle::from(nc_key()) },
        ),
        (
            "TrieKey::GasKeyNonce",
            O::GasKeyNonce { account_id: id(ALICE), key_handle: ours::crypto::KeyHandle::Ed25519(KEY), index: 513 },
            Nc::GasKeyNonce { account_id: nc_id(ALICE), key_handle: PublicKeyHandle::from(nc_key()), index: 513 },
        ),
        (
            "TrieKey::AccessKey (ML-DSA-65 handle)",
            O::AccessKey { account_id: id(ALICE), key_handle: ours::crypto::KeyHandle::MlDsa65Hash(HASH) },
            Nc::AccessKey {
                account_id: nc_id(ALICE),
                key_handle: PublicKeyHandle::MlDsa65(nc_crypto::MlDsa65PublicKeyHandle(HASH)),
            },
        ),
        (
            "TrieKey::ReceivedData",
            O::ReceivedData { receiver_id: id(ALICE), data_id: h },
            Nc::ReceivedData { receiver_id: nc_id(ALICE), data_id: nc_hash() },
        ),
        (
            "TrieKey::PostponedReceiptId",
            O::PostponedReceiptId { receiver_id: id(ALICE), data_id: h },
            Nc::PostponedReceiptId { receiver_id: nc_id(ALICE), data_id: nc_hash() },
        ),
        (
            "TrieKey::PendingDataCount",
            O::PendingDataCount { receiver_id: id(ALICE), receipt_id: h },
            Nc::PendingDataCount { receiver_id: nc_id(ALICE), receipt_id: nc_hash() },
        ),
        (
            "TrieKey::PostponedReceipt",
            O::PostponedReceipt { receiver_id: id(ALICE), receipt_id: h },
            Nc::PostponedReceipt { receiver_id: nc_id(ALICE), receipt_id: nc_hash() },
        ),
        ("TrieKey::DelayedReceiptIndices", O::DelayedReceiptIndices, Nc::DelayedReceiptIndices),
        ("TrieKey::DelayedReceipt", O::DelayedReceipt { index: 300 }, Nc::DelayedReceipt { index: 300 }),
        (
            "TrieKey::ContractData",
            O::ContractData { account_id: id(ALICE), key: b"k".to_vec() },
            Nc::ContractData { account_id: nc_id(ALICE), key: b"k".to_vec() },
        ),
        ("TrieKey::PromiseYieldIndices", O::PromiseYieldIndices, Nc::PromiseYieldIndices),
        ("TrieKey::PromiseYieldTimeout", O::PromiseYieldTimeout { index: 9 }, Nc::PromiseYieldTimeout { index: 9 }),
        (
            "TrieKey::PromiseYieldReceipt",
            O::PromiseYieldReceipt { receiver_id: id(ALICE), data_id: h },
            Nc::PromiseYieldReceipt { receiver_id: nc_id(ALICE), data_id: nc_hash() },
        ),
        (
            "TrieKey::PromiseYieldStatus",
            O::PromiseYieldStatus { receiver_id: id(ALICE), data_id: h },
            Nc::PromiseYieldStatus { receiver_id: nc_id(ALICE), data_id: nc_hash() },
        ),
        (
            "TrieKey::YieldIdToDataId",
            O::YieldIdToDataId { receiver_id: id(ALICE), yield_id: h },
            Nc::YieldIdToDataId { receiver_id: nc_id(ALICE), yield_id: nc_primitives::hash::YieldId(nc_hash()) },
        ),
        (
            "TrieKey::DataIdToYieldId",
            O::DataIdToYieldId { receiver_id: id(ALICE), data_id: h },
            Nc::DataIdToYieldId { receiver_id: nc_id(ALICE), data_id: nc_hash() },
        ),
    ];
    let mut pairs = pairs;
    for (name, (o, n)) in ["by hash", "by account"].into_iter().zip(identifiers()) {
        let code = if name == "by hash" {
            "TrieKey::GlobalContractCode (by hash)"
        } else {
            "TrieKey::GlobalContractCode (by account)"
        };
        let nonce = if name == "by hash" {
            "TrieKey::GlobalContractNonce (by hash)"
        } else {
            "TrieKey::GlobalContractNonce (by account)"
        };
        pairs.push((
            code,
            O::GlobalContractCode { identifier: o.clone() },
            Nc::GlobalContractCode { identifier: n.clone().into() },
        ));
        pairs.push((nonce, O::GlobalContractNonce { identifier: o }, Nc::GlobalContractNonce { identifier: n.into() }));
    }
    pairs.into_iter().map(|(name, o, n)| (name, o.to_vec(), n.to_vec())).collect()
}

/// Accounts with and without a contract (nearcore's `AccountV1` layout), with a global contract
/// (`AccountV2`) and uninitialized.
fn accounts() -> Vec<(&'static str, Vec<u8>, Vec<u8>)> {
    use nc_primitives::account::{Account as NcAccount, AccountContract};
    use ours::account::AccountContract as O;
    let mine = |contract| ours::account::Account { locked: 20, contract, ..ours::account::Account::new(1_000, 182) };
    let theirs = |contract| NcAccount::new(nc_yocto(1_000), nc_yocto(20), contract, 182);
    let h = ours::hash::CryptoHash(HASH);
    vec![
        ("Account (no contract)", bytes(&mine(O::None)), bytes(&theirs(AccountContract::None))),
        ("Account (contract)", bytes(&mine(O::Local(h))), bytes(&theirs(AccountContract::Local(nc_hash())))),
        (
            "Account (global contract by hash)",
            bytes(&mine(O::Global(h))),
            bytes(&theirs(AccountContract::Global(nc_hash()))),
        ),
        (
            "Account (global contract by account)",
            bytes(&mine(O::GlobalByAccount(id(BOB)))),
            bytes(&theirs(AccountContract::GlobalByAccount(nc_id(BOB)))),
        ),
        (
            "Account (uninitialized universal account)",
            bytes(&ours::account::Account::new_uninitialized(1_000, 182, 77_000_000)),
            bytes(&NcAccount::new_uninitialized(nc_yocto(1_000), 182, 77_000_000)),
        ),
    ]
}

/// Runs every comparison; `true` when all are identical.
pub(crate) fn run() -> bool {
    let mut all: Vec<(&'static str, Vec<u8>, Vec<u8>)> =
        actions().into_iter().map(|(name, o, n)| (name, bytes(&o), bytes(&n))).collect();
    all.extend(transactions());
    all.extend(receipts());
    all.extend(trie_keys());
    all.extend(accounts());
    let mut differing = 0;
    for (name, mine, theirs) in &all {
        differing += usize::from(!report(name, mine, theirs, None));
    }
    // The node's verdicts on universal state inits, compared as JSON.
    let verdicts = crate::state_inits::comparisons();
    for (name, mine, theirs) in &verdicts {
        let verdict: Value = serde_json::from_slice(mine).unwrap_or(Value::Null);
        differing += usize::from(!report(name, mine, theirs, Some(verdict)));
    }
    let count = all.len() + verdicts.len();
    println!("{}", json!({ "layouts": count, "identical": count - differing, "different": differing }));
    differing == 0
}

/// Prints one comparison's line (with `value`, when given, shown as what was compared);
/// whether the two are identical.
fn report(name: &str, mine: &[u8], theirs: &[u8], value: Option<Value>) -> bool {
    let identical = mine == theirs;
    let mut line = json!({ "layout": name, "identical": identical, "bytes": mine.len() });
    if let Some(value) = value {
        line["ours"] = value;
        if !identical {
            line["nearcore"] = json!(String::from_utf8_lossy(theirs));
        }
    } else if !identical {
        line["ours"] = json!(hex(mine));
        line["nearcore"] = json!(hex(theirs));
    }
    println!("{line}");
    identical
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
