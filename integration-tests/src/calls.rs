//! Building and sending transactions the way near-workspaces does: `env.call(signer, contract,
//! "method").args_json(..).deposit(..).gas(..).transact()`, plus one-line helpers for the
//! other actions.

use crate::genesis::signer_key;
use crate::{HarnessError, TestEnv, TxResult};
use near_primitives::account::AccessKey;
use near_primitives::action::{
    Action, AddKeyAction, CreateAccountAction, DeleteAccountAction, DeployContractAction, FunctionCallAction,
    TransferAction,
};
use near_primitives::types::{AccountId, Balance, Gas};

/// Gas attached to calls unless set: 100 Tgas.
pub const DEFAULT_CALL_GAS: Gas = 100_000_000_000_000;

/// A function call being built.
pub struct CallBuilder<'a> {
    env: &'a mut TestEnv,
    signer_id: AccountId,
    receiver_id: AccountId,
    call: FunctionCallAction,
}

impl CallBuilder<'_> {
    /// JSON arguments.
    pub fn args_json(mut self, args: serde_json::Value) -> Self {
        self.call.args = args.to_string().into_bytes();
        self
    }

    /// Raw arguments.
    pub fn args(mut self, args: Vec<u8>) -> Self {
        self.call.args = args;
        self
    }

    /// Attached gas.
    pub fn gas(mut self, gas: Gas) -> Self {
        self.call.gas = gas;
        self
    }

    /// Attached deposit.
    pub fn deposit(mut self, deposit: Balance) -> Self {
        self.call.deposit = deposit;
        self
    }

    /// The call as an action (to combine with others).
    pub fn into_action(self) -> Action {
        Action::FunctionCall(Box::new(self.call))
    }

    /// Signs, submits and runs the call to completion.
    ///
    /// # Errors
    /// As [`TestEnv::execute`].
    pub fn transact(self) -> Result<TxResult, HarnessError> {
        let action = Action::FunctionCall(Box::new(self.call));
        self.env.transact(&self.signer_id, &self.receiver_id, vec![action])
    }
}

impl TestEnv {
    /// Starts a function call of `method_name` on `receiver_id`, signed by `signer_id`.
    pub fn call(&mut self, signer_id: &AccountId, receiver_id: &AccountId, method_name: &str) -> CallBuilder<'_> {
        CallBuilder {
            env: self,
            signer_id: signer_id.clone(),
            receiver_id: receiver_id.clone(),
            call: FunctionCallAction {
                method_name: method_name.to_string(),
                args: Vec::new(),
                gas: DEFAULT_CALL_GAS,
                deposit: 0,
            },
        }
    }

    /// Deploys `code` to `account_id` (signed by the account itself).
    ///
    /// # Errors
    /// As [`TestEnv::execute`].
    pub fn deploy(&mut self, account_id: &AccountId, code: Vec<u8>) -> Result<TxResult, HarnessError> {
        self.transact(account_id, account_id, vec![Action::DeployContract(DeployContractAction { code })])
    }

    /// Creates `new_account_id` from `creator_id` with `balance` and a full-access key derived
    /// from its id (so the harness can sign for it).
    ///
    /// # Errors
    /// As [`TestEnv::execute`].
    pub fn create_account(
        &mut self,
        creator_id: &AccountId,
        new_account_id: &AccountId,
        balance: Balance,
    ) -> Result<TxResult, HarnessError> {
        let actions = vec![
            Action::CreateAccount(CreateAccountAction {}),
            Action::Transfer(TransferAction { deposit: balance }),
            Action::AddKey(Box::new(AddKeyAction {
                public_key: signer_key(new_account_id).public_key(),
                access_key: AccessKey::full_access(),
            })),
        ];
        self.transact(creator_id, new_account_id, actions)
    }

    /// Transfers `amount` from `sender_id` to `receiver_id`.
    ///
    /// # Errors
    /// As [`TestEnv::execute`].
    pub fn transfer(
        &mut self,
        sender_id: &AccountId,
        receiver_id: &AccountId,
        amount: Balance,
    ) -> Result<TxResult, HarnessError> {
        self.transact(sender_id, receiver_id, vec![Action::Transfer(TransferAction { deposit: amount })])
    }

    /// Deletes `account_id`, sending its balance to `beneficiary_id`.
    ///
    /// # Errors
    /// As [`TestEnv::execute`].
    pub fn delete_account(
        &mut self,
        account_id: &AccountId,
        beneficiary_id: &AccountId,
    ) -> Result<TxResult, HarnessError> {
        let action = Action::DeleteAccount(DeleteAccountAction { beneficiary_id: beneficiary_id.clone() });
        self.transact(account_id, account_id, vec![action])
    }
}
