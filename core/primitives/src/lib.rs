//! Chain types shared by every crate of the workspace, laid out like nearcore's `near-primitives`
//! so each type maps onto the nearcore type it mirrors: hashes ([`hash`]), keys ([`crypto`]),
//! accounts ([`account`]), actions ([`action`]), transactions and outcomes ([`transaction`]),
//! receipts ([`receipt`]), outcome errors ([`errors`]) and state layout ([`trie_key`]).
//!
//! Borsh layouts and tags are part of the protocol: `tests::borsh_layout` pins them.

pub mod account;
pub mod action;
pub mod crypto;
pub mod deterministic_account_id;
pub mod error_messages;
pub mod errors;
pub mod global_contract;
pub mod hash;
pub mod receipt;
pub mod transaction;
pub mod trie_key;
pub mod types;
pub mod universal_state_init;

pub use hash::CryptoHash;
pub use types::AccountId;

#[cfg(test)]
mod tests {
    mod borsh_layout {
        use crate::account::{AccessKey, Account};
        use crate::action::*;
        use crate::crypto::PublicKey;
        use crate::hash::CryptoHash;
        use crate::receipt::{ActionReceipt, DataReceipt, Receipt, ReceiptEnum};
        use borsh::BorshDeserialize;

        fn first_byte<T: borsh::BorshSerialize>(value: &T) -> u8 {
            borsh::to_vec(value).unwrap()[0]
        }

        fn sample_actions() -> Vec<(Action, u8)> {
            let pk = PublicKey::ED25519([1; 32]);
            vec![
                (Action::CreateAccount(CreateAccountAction {}), 0),
                (Action::DeployContract(DeployContractAction { code: vec![0, 97, 115, 109] }), 1),
                (
                    Action::FunctionCall(Box::new(FunctionCallAction {
                        method_name: "m".into(),
                        args: vec![1],
                        gas: 5,
                        deposit: 6,
                    })),
                    2,
                ),
                (Action::Transfer(TransferAction { deposit: 1 }), 3),
                (Action::Stake(Box::new(StakeAction { stake: 1, public_key: pk.clone() })), 4),
                (
                    Action::AddKey(Box::new(AddKeyAction {
                        public_key: pk.clone(),
                        access_key: AccessKey::full_access(),
                    })),
                    5,
                ),
                (Action::DeleteKey(Box::new(DeleteKeyAction { public_key: pk })), 6),
                (Action::DeleteAccount(DeleteAccountAction { beneficiary_id: "bob.near".parse().unwrap() }), 7),
                (Action::DeploySubmodule(DeploySubmoduleAction { key: b"os".to_vec(), code: vec![0] }), 16),
                (Action::RemoveSubmodule(RemoveSubmoduleAction { key: b"os".to_vec() }), 17),
            ]
        }

        #[test]
        fn action_tags_and_round_trip() {
            for (action, expected_tag) in sample_actions() {
                let bytes = borsh::to_vec(&action).unwrap();
                assert_eq!(bytes[0], expected_tag, "{action:?}");
                assert_eq!(Action::try_from_slice(&bytes).unwrap(), action);
                let json = serde_json::to_value(&action).unwrap();
                assert_eq!(serde_json::from_value::<Action>(json).unwrap(), action);
            }
        }

        #[test]
        fn function_call_bytes() {
            let action = Action::FunctionCall(Box::new(FunctionCallAction {
                method_name: "go".into(),
                args: vec![0xff],
                gas: 1,
                deposit: 2,
            }));
            let expected = [
                &[2u8][..],
                &2u32.to_le_bytes(),
                b"go",
                &1u32.to_le_bytes(),
                &[0xff],
                &1u64.to_le_bytes(),
                &2u128.to_le_bytes(),
            ]
            .concat();
            assert_eq!(borsh::to_vec(&action).unwrap(), expected);
        }

        #[test]
        fn reserved_and_unknown_action_tags_are_errors() {
            for tag in [8u8, 15, 18, 255] {
                let error = Action::try_from_slice(&[tag]).unwrap_err();
                assert_eq!(error.kind(), std::io::ErrorKind::InvalidData, "tag {tag}");
            }
        }

        #[test]
        fn receipt_enum_tags() {
            let action_receipt = ActionReceipt {
                signer_id: "a.near".parse().unwrap(),
                refund_to: None,
                signer_public_key: PublicKey::ED25519([0; 32]),
                gas_price: 0,
                output_data_receivers: vec![],
                input_data_ids: vec![],
                actions: vec![],
            };
            let data = DataReceipt { data_id: CryptoHash::default(), data: None };
            assert_eq!(first_byte(&ReceiptEnum::Action(action_receipt.clone())), 0);
            assert_eq!(first_byte(&ReceiptEnum::Data(data.clone())), 1);
            assert_eq!(first_byte(&ReceiptEnum::PromiseYield(action_receipt)), 2);
            assert_eq!(first_byte(&ReceiptEnum::PromiseResume(data.clone())), 3);
            let receipt = Receipt {
                predecessor_id: "a.near".parse().unwrap(),
                receiver_id: "b.near".parse().unwrap(),
                receipt_id: CryptoHash([3; 32]),
                receipt: ReceiptEnum::Data(data),
            };
            let bytes = borsh::to_vec(&receipt).unwrap();
            assert_eq!(Receipt::try_from_slice(&bytes).unwrap(), receipt);
        }

        #[test]
        fn account_v1_layout() {
            use crate::account::AccountContract;
            let local = AccountContract::Local(CryptoHash([9; 32]));
            let account = Account { locked: 2, contract: local, ..Account::new(1, 3) };
            let bytes = borsh::to_vec(&account).unwrap();
            let expected = [&1u128.to_le_bytes()[..], &2u128.to_le_bytes(), &[9; 32], &3u64.to_le_bytes()].concat();
            assert_eq!(bytes, expected);
            assert_eq!(Account::try_from_slice(&bytes).unwrap(), account);
            assert_eq!(first_byte(&crate::account::AccessKeyPermission::FullAccess), 1);
        }

        /// An account using a global contract: `u128::MAX`, version 0, then the fields; both
        /// layouts decode back, and an uninitialized account's (tag 1); an unknown version is an error.
        #[test]
        fn account_v2_layout_round_trips() {
            use crate::account::AccountContract;
            let by_account = AccountContract::GlobalByAccount("b.near".parse().unwrap());
            for contract in [AccountContract::Global(CryptoHash([4; 32])), by_account, AccountContract::None] {
                let account = Account { contract, ..Account::new(5, 7) };
                let bytes = borsh::to_vec(&account).unwrap();
                assert_eq!(Account::try_from_slice(&bytes).unwrap(), account);
            }
            let uninitialized = Account::new_uninitialized(5, 100, 42);
            let bytes = borsh::to_vec(&uninitialized).unwrap();
            let expected =
                [&u128::MAX.to_le_bytes()[..], &[1], &5u128.to_le_bytes(), &100u64.to_le_bytes(), &42u64.to_le_bytes()]
                    .concat();
            assert_eq!(bytes, expected);
            assert_eq!(Account::try_from_slice(&bytes).unwrap(), uninitialized);
            let json = serde_json::to_value(&uninitialized).unwrap();
            assert_eq!((json["state"].as_str(), json["bootstrap_nonce"].as_u64()), (Some("uninitialized"), Some(42)));
            assert_eq!(serde_json::from_value::<Account>(json).unwrap(), uninitialized);
            let mut bytes = u128::MAX.to_le_bytes().to_vec();
            bytes.push(2);
            assert!(Account::try_from_slice(&bytes).is_err());
        }
    }
}
