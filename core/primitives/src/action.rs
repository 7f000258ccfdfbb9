//! Actions: the operations a transaction or action receipt performs on its receiver.
//!
//! Borsh tags follow nearcore: 0 CreateAccount, 1 DeployContract, 2 FunctionCall, 3 Transfer,
//! 4 Stake, 5 AddKey, 6 DeleteKey, 7 DeleteAccount, 9 DeployGlobalContract, 10
//! UseGlobalContract, 11 DeterministicStateInit, 12 TransferToGasKey, 13 WithdrawFromGasKey, 15
//! UniversalStateInit. nearcore's meta transactions (8 Delegate, 14 DelegateV2) are not
//! implemented and are rejected when decoding. The NEP-481 actions come after nearcore's
//! range: 16 DeploySubmodule, 17 RemoveSubmodule.

use crate::account::AccessKey;
use crate::crypto::PublicKey;
use crate::deterministic_account_id::DeterministicAccountStateInit;
use crate::global_contract::{GlobalContractDeployMode, GlobalContractIdentifier};
use crate::types::{AccountId, Balance, Gas, base64_format, dec_format};
use borsh::{BorshDeserialize, BorshSerialize};
use std::io;

/// Borsh tags of [`Action`] variants.
pub mod tag {
    /// `Action::CreateAccount`.
    pub const CREATE_ACCOUNT: u8 = 0;
    /// `Action::DeployContract`.
    pub const DEPLOY_CONTRACT: u8 = 1;
    /// `Action::FunctionCall`.
    pub const FUNCTION_CALL: u8 = 2;
    /// `Action::Transfer`.
    pub const TRANSFER: u8 = 3;
    /// `Action::Stake`.
    pub const STAKE: u8 = 4;
    /// `Action::AddKey`.
    pub const ADD_KEY: u8 = 5;
    /// `Action::DeleteKey`.
    pub const DELETE_KEY: u8 = 6;
    /// `Action::DeleteAccount`.
    pub const DELETE_ACCOUNT: u8 = 7;
    /// nearcore's `Action::Delegate` (a meta transaction), not implemented.
    pub const DELEGATE: u8 = 8;
    /// `Action::DeployGlobalContract`.
    pub const DEPLOY_GLOBAL_CONTRACT: u8 = 9;
    /// `Action::UseGlobalContract`.
    pub const USE_GLOBAL_CONTRACT: u8 = 10;
    /// `Action::DeterministicStateInit`.
    pub const DETERMINISTIC_STATE_INIT: u8 = 11;
    /// `Action::TransferToGasKey`.
    pub const TRANSFER_TO_GAS_KEY: u8 = 12;
    /// `Action::WithdrawFromGasKey`.
    pub const WITHDRAW_FROM_GAS_KEY: u8 = 13;
    /// nearcore's `Action::DelegateV2`, not implemented.
    pub const DELEGATE_V2: u8 = 14;
    /// `Action::UniversalStateInit`.
    pub const UNIVERSAL_STATE_INIT: u8 = 15;
    /// `Action::DeploySubmodule` (NEP-481).
    pub const DEPLOY_SUBMODULE: u8 = 16;
    /// `Action::RemoveSubmodule` (NEP-481).
    pub const REMOVE_SUBMODULE: u8 = 17;
}

/// Creates the receiver account; must come first in a receipt to a new account.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize,
)]
pub struct CreateAccountAction {}

/// Deploys (replaces) the receiver's contract.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub struct DeployContractAction {
    /// The wasm code.
    #[serde(with = "base64_format")]
    pub code: Vec<u8>,
}

/// Calls a method of the receiver's contract.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub struct FunctionCallAction {
    /// Exported method to call.
    pub method_name: String,
    /// Input bytes, readable with the `input` host function.
    #[serde(with = "base64_format")]
    pub args: Vec<u8>,
    /// Gas attached for the call.
    pub gas: Gas,
    /// Deposit attached, credited to the receiver.
    #[serde(with = "dec_format")]
    pub deposit: Balance,
}

/// Moves tokens to the receiver.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub struct TransferAction {
    /// Amount moved.
    #[serde(with = "dec_format")]
    pub deposit: Balance,
}

/// Locks `stake` of the receiver's balance as a validator stake under `public_key`.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub struct StakeAction {
    /// New total stake.
    #[serde(with = "dec_format")]
    pub stake: Balance,
    /// Validator key.
    pub public_key: PublicKey,
}

/// Adds an access key to the receiver.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub struct AddKeyAction {
    /// The key.
    pub public_key: PublicKey,
    /// Its nonce and permission.
    pub access_key: AccessKey,
}

/// Removes an access key from the receiver.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub struct DeleteKeyAction {
    /// The key.
    pub public_key: PublicKey,
}

/// Deletes the receiver and sends its balance to `beneficiary_id`.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub struct DeleteAccountAction {
    /// Who receives the remaining balance.
    pub beneficiary_id: AccountId,
}

/// NEP-481: stores `code` as the receiver's submodule under `key`, replacing any previous one.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub struct DeploySubmoduleAction {
    /// The submodule's key within the account.
    #[serde(with = "base64_format")]
    pub key: Vec<u8>,
    /// The wasm code.
    #[serde(with = "base64_format")]
    pub code: Vec<u8>,
}

/// NEP-481: removes the receiver's submodule stored under `key`.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub struct RemoveSubmoduleAction {
    /// The submodule's key within the account.
    #[serde(with = "base64_format")]
    pub key: Vec<u8>,
}

/// Deploys code as a global contract (protocol 77), named by its hash or by the receiver.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub struct DeployGlobalContractAction {
    /// The wasm code.
    #[serde(with = "base64_format")]
    pub code: Vec<u8>,
    /// How it is named.
    pub deploy_mode: GlobalContractDeployMode,
}

/// Makes the receiver run a global contract (protocol 77).
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub struct UseGlobalContractAction {
    /// The global contract.
    pub contract_identifier: GlobalContractIdentifier,
}

/// Creates the receiver, a deterministic account, from its initial state (protocol 82), or
/// only deposits when it exists.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub struct DeterministicStateInitAction {
    /// The state the receiver's id is derived from.
    pub state_init: DeterministicAccountStateInit,
    /// Tokens credited to it.
    #[serde(with = "dec_format")]
    pub deposit: Balance,
}

/// Adds tokens to a gas key's balance (protocol 85).
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub struct TransferToGasKeyAction {
    /// The gas key.
    pub public_key: PublicKey,
    /// Tokens added.
    #[serde(with = "dec_format")]
    pub deposit: Balance,
}

/// Moves tokens from a gas key's balance back to its account (protocol 85).
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub struct WithdrawFromGasKeyAction {
    /// The gas key.
    pub public_key: PublicKey,
    /// Tokens withdrawn.
    #[serde(with = "dec_format")]
    pub amount: Balance,
}

/// Creates a universal account from the borsh of its initial state (protocol 88), kept as
/// the bytes its id commits to.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub struct UniversalStateInitAction {
    /// The borsh of nearcore's `UniversalStateInit`.
    #[serde(with = "base64_format")]
    pub state_init: Vec<u8>,
    /// Tokens credited to it.
    #[serde(with = "dec_format")]
    pub deposit: Balance,
}

/// One operation on the receiver. JSON is externally tagged, as nearcore's
/// (`{"Transfer": {"deposit": "1"}}`); borsh tags are listed in [`tag`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Action {
    /// See [`CreateAccountAction`].
    CreateAccount(CreateAccountAction),
    /// See [`DeployContractAction`].
    DeployContract(DeployContractAction),
    /// See [`FunctionCallAction`].
    FunctionCall(Box<FunctionCallAction>),
    /// See [`TransferAction`].
    Transfer(TransferAction),
    /// See [`StakeAction`].
    Stake(Box<StakeAction>),
    /// See [`AddKeyAction`].
    AddKey(Box<AddKeyAction>),
    /// See [`DeleteKeyAction`].
    DeleteKey(Box<DeleteKeyAction>),
    /// See [`DeleteAccountAction`].
    DeleteAccount(DeleteAccountAction),
    /// See [`DeployGlobalContractAction`].
    DeployGlobalContract(DeployGlobalContractAction),
    /// See [`UseGlobalContractAction`].
    UseGlobalContract(Box<UseGlobalContractAction>),
    /// See [`DeterministicStateInitAction`].
    DeterministicStateInit(Box<DeterministicStateInitAction>),
    /// See [`TransferToGasKeyAction`].
    TransferToGasKey(Box<TransferToGasKeyAction>),
    /// See [`WithdrawFromGasKeyAction`].
    WithdrawFromGasKey(Box<WithdrawFromGasKeyAction>),
    /// See [`UniversalStateInitAction`].
    UniversalStateInit(Box<UniversalStateInitAction>),
    /// See [`DeploySubmoduleAction`].
    DeploySubmodule(DeploySubmoduleAction),
    /// See [`RemoveSubmoduleAction`].
    RemoveSubmodule(RemoveSubmoduleAction),
}

impl Action {
    /// The borsh tag of this variant.
    pub fn tag(&self) -> u8 {
        match self {
            Action::CreateAccount(_) => tag::CREATE_ACCOUNT,
            Action::DeployContract(_) => tag::DEPLOY_CONTRACT,
            Action::FunctionCall(_) => tag::FUNCTION_CALL,
            Action::Transfer(_) => tag::TRANSFER,
            Action::Stake(_) => tag::STAKE,
            Action::AddKey(_) => tag::ADD_KEY,
            Action::DeleteKey(_) => tag::DELETE_KEY,
            Action::DeleteAccount(_) => tag::DELETE_ACCOUNT,
            Action::DeployGlobalContract(_) => tag::DEPLOY_GLOBAL_CONTRACT,
            Action::UseGlobalContract(_) => tag::USE_GLOBAL_CONTRACT,
            Action::DeterministicStateInit(_) => tag::DETERMINISTIC_STATE_INIT,
            Action::TransferToGasKey(_) => tag::TRANSFER_TO_GAS_KEY,
            Action::WithdrawFromGasKey(_) => tag::WITHDRAW_FROM_GAS_KEY,
            Action::UniversalStateInit(_) => tag::UNIVERSAL_STATE_INIT,
            Action::DeploySubmodule(_) => tag::DEPLOY_SUBMODULE,
            Action::RemoveSubmodule(_) => tag::REMOVE_SUBMODULE,
        }
    }

    /// Gas attached to this action (only function calls attach gas).
    pub fn get_prepaid_gas(&self) -> Gas {
        match self {
            Action::FunctionCall(call) => call.gas,
            _ => 0,
        }
    }

    /// Tokens this action moves to the receiver.
    pub fn get_deposit_balance(&self) -> Balance {
        match self {
            Action::FunctionCall(call) => call.deposit,
            Action::Transfer(transfer) => transfer.deposit,
            Action::DeterministicStateInit(init) => init.deposit,
            Action::UniversalStateInit(init) => init.deposit,
            Action::TransferToGasKey(transfer) => transfer.deposit,
            _ => 0,
        }
    }
}

impl BorshSerialize for Action {
    fn serialize<W: io::Write>(&self, writer: &mut W) -> io::Result<()> {
        writer.write_all(&[self.tag()])?;
        match self {
            Action::CreateAccount(a) => a.serialize(writer),
            Action::DeployContract(a) => a.serialize(writer),
            Action::FunctionCall(a) => a.serialize(writer),
            Action::Transfer(a) => a.serialize(writer),
            Action::Stake(a) => a.serialize(writer),
            Action::AddKey(a) => a.serialize(writer),
            Action::DeleteKey(a) => a.serialize(writer),
            Action::DeleteAccount(a) => a.serialize(writer),
            Action::DeployGlobalContract(a) => a.serialize(writer),
            Action::UseGlobalContract(a) => a.serialize(writer),
            Action::DeterministicStateInit(a) => a.serialize(writer),
            Action::TransferToGasKey(a) => a.serialize(writer),
            Action::WithdrawFromGasKey(a) => a.serialize(writer),
            Action::UniversalStateInit(a) => a.serialize(writer),
            Action::DeploySubmodule(a) => a.serialize(writer),
            Action::RemoveSubmodule(a) => a.serialize(writer),
        }
    }
}

impl BorshDeserialize for Action {
    fn deserialize_reader<R: io::Read>(reader: &mut R) -> io::Result<Self> {
        let action_tag = u8::deserialize_reader(reader)?;
        Ok(match action_tag {
            tag::CREATE_ACCOUNT => Action::CreateAccount(BorshDeserialize::deserialize_reader(reader)?),
            tag::DEPLOY_CONTRACT => Action::DeployContract(BorshDeserialize::deserialize_reader(reader)?),
            tag::FUNCTION_CALL => Action::FunctionCall(BorshDeserialize::deserialize_reader(reader)?),
            tag::TRANSFER => Action::Transfer(BorshDeserialize::deserialize_reader(reader)?),
            tag::STAKE => Action::Stake(BorshDeserialize::deserialize_reader(reader)?),
            tag::ADD_KEY => Action::AddKey(BorshDeserialize::deserialize_reader(reader)?),
            tag::DELETE_KEY => Action::DeleteKey(BorshDeserialize::deserialize_reader(reader)?),
            tag::DELETE_ACCOUNT => Action::DeleteAccount(BorshDeserialize::deserialize_reader(reader)?),
            tag::DEPLOY_GLOBAL_CONTRACT => Action::DeployGlobalContract(BorshDeserialize::deserialize_reader(reader)?),
            tag::USE_GLOBAL_CONTRACT => Action::UseGlobalContract(BorshDeserialize::deserialize_reader(reader)?),
            tag::DETERMINISTIC_STATE_INIT => {
                Action::DeterministicStateInit(BorshDeserialize::deserialize_reader(reader)?)
            }
            tag::TRANSFER_TO_GAS_KEY => Action::TransferToGasKey(BorshDeserialize::deserialize_reader(reader)?),
            tag::WITHDRAW_FROM_GAS_KEY => Action::WithdrawFromGasKey(BorshDeserialize::deserialize_reader(reader)?),
            tag::UNIVERSAL_STATE_INIT => Action::UniversalStateInit(BorshDeserialize::deserialize_reader(reader)?),
            tag::DEPLOY_SUBMODULE => Action::DeploySubmodule(BorshDeserialize::deserialize_reader(reader)?),
            tag::REMOVE_SUBMODULE => Action::RemoveSubmodule(BorshDeserialize::deserialize_reader(reader)?),
            tag::DELEGATE | tag::DELEGATE_V2 => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "action tag {action_tag} is a nearcore meta transaction, which this runtime does not implement"
                    ),
                ));
            }
            other => {
                return Err(io::Error::new(io::ErrorKind::InvalidData, format!("unknown action tag {other}")));
            }
        })
    }
}
