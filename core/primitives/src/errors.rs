//! Errors recorded in execution outcomes: invalid transactions, failed actions and the contract
//! errors (compilation, linking, method resolution, wasm traps and host-function errors).
//!
//! Everything here is a *guest-visible* outcome: serializable with borsh and serde, deterministic,
//! and bounded in size. Faults of the node itself (storage corruption, a broken invariant) are
//! never expressed with these types; they are `StorageError`/runner errors in the crates that own
//! them.

use crate::crypto::PublicKey;
use crate::hash::CryptoHash;
use crate::types::{AccountId, Balance, Gas, Nonce, dec_format};
use borsh::{BorshDeserialize, BorshSerialize};

macro_rules! outcome_error {
    // Contract errors: their text is nearcore's (`display.rs`), as stored in outcomes.
    (@nearcore_text $(#[$meta:meta])* pub enum $name:ident { $($body:tt)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
        pub enum $name { $($body)* }
        impl std::error::Error for $name {}
    };
    ($(#[$meta:meta])* pub enum $name:ident { $($body:tt)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
        pub enum $name { $($body)* }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                // The JSON form is the documented, stable text form of every outcome error.
                match serde_json::to_string(self) {
                    Ok(text) => f.write_str(&text),
                    Err(_) => write!(f, "{self:?}"),
                }
            }
        }
        impl std::error::Error for $name {}
    };
}

mod contract;
mod display;

pub use contract::*;

/// Why a gas key transaction's deposits could not be paid (nearcore's, borsh tags 0 and 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub enum DepositCostFailureReason {
    /// The balance is below the deposits.
    NotEnoughBalance,
    /// After the deposits, the account could not pay for its storage.
    LackBalanceForState,
}

outcome_error! {
    /// Why a transaction or receipt failed.
    pub enum TxExecutionError {
        /// An action failed.
        ActionError(ActionError),
        /// The transaction was invalid.
        InvalidTxError(InvalidTxError),
    }
}

/// A failed action and its position in the receipt.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub struct ActionError {
    /// Index of the failed action, `None` when the failure is not tied to one action.
    pub index: Option<u64>,
    /// What went wrong.
    pub kind: ActionErrorKind,
}

outcome_error! {
    /// Why an action failed.
    pub enum ActionErrorKind {
        /// The account to create already exists.
        AccountAlreadyExists {
            /// The account.
            account_id: AccountId,
        },
        /// The receiver does not exist (and the action does not create it).
        AccountDoesNotExist {
            /// The account.
            account_id: AccountId,
        },
        /// A top-level account may only be created by the registrar.
        CreateAccountOnlyByRegistrar {
            /// The account to create.
            account_id: AccountId,
            /// The registrar.
            registrar_account_id: AccountId,
            /// Who tried.
            predecessor_id: AccountId,
        },
        /// Only the parent account may create a sub-account.
        CreateAccountNotAllowed {
            /// The account to create.
            account_id: AccountId,
            /// Who tried.
            predecessor_id: AccountId,
        },
        /// The actor may not perform this action on the account.
        ActorNoPermission {
            /// The account acted on.
            account_id: AccountId,
            /// Who tried.
            actor_id: AccountId,
        },
        /// The key to delete does not exist.
        DeleteKeyDoesNotExist {
            /// The account.
            account_id: AccountId,
            /// The key.
            public_key: Box<PublicKey>,
        },
        /// The key to add already exists.
        AddKeyAlreadyExists {
            /// The account.
            account_id: AccountId,
            /// The key.
            public_key: Box<PublicKey>,
        },
        /// A staking account cannot be deleted.
        DeleteAccountStaking {
            /// The account.
            account_id: AccountId,
        },
        /// `TransferToGasKey` or `WithdrawFromGasKey` names a key that is not a gas key of the
        /// account (or no key at all).
        GasKeyDoesNotExist {
            /// The account.
            account_id: AccountId,
            /// The key.
            public_key: Box<PublicKey>,
        },
        /// `WithdrawFromGasKey` asks for more than the gas key holds.
        InsufficientGasKeyBalance {
            /// The account.
            account_id: AccountId,
            /// The gas key.
            public_key: Box<PublicKey>,
            /// What it holds.
            #[serde(with = "dec_format")]
            balance: Balance,
            /// What was asked.
            #[serde(with = "dec_format")]
            required: Balance,
        },
        /// Deleting a gas key (or an account with gas keys) would burn more than
        /// `GasKeyInfo::MAX_BALANCE_TO_BURN`: withdraw first.
        GasKeyBalanceTooHigh {
            /// The account.
            account_id: AccountId,
            /// The key (`DeleteKey`), or none (`DeleteAccount`: the sum over its gas keys).
            public_key: Option<Box<PublicKey>>,
            /// The balance that would be burnt.
            #[serde(with = "dec_format")]
            balance: Balance,
        },
        /// `UseGlobalContract` (or a state init) names a global contract not deployed.
        GlobalContractDoesNotExist {
            /// The contract's name.
            identifier: crate::global_contract::GlobalContractIdentifier,
        },
        /// After the action the account could not pay for its storage.
        LackBalanceForState {
            /// The account.
            account_id: AccountId,
            /// Balance missing.
            #[serde(with = "dec_format")]
            amount: Balance,
        },
        /// Unstaking from an account that does not stake.
        TriesToUnstake {
            /// The account.
            account_id: AccountId,
        },
        /// Staking more than the account has.
        TriesToStake {
            /// The account.
            account_id: AccountId,
            /// Requested stake.
            #[serde(with = "dec_format")]
            stake: Balance,
            /// Currently locked.
            #[serde(with = "dec_format")]
            locked: Balance,
            /// Liquid balance.
            #[serde(with = "dec_format")]
            balance: Balance,
        },
        /// The stake is below the minimum.
        InsufficientStake {
            /// The account.
            account_id: AccountId,
            /// Requested stake.
            #[serde(with = "dec_format")]
            stake: Balance,
            /// Minimum accepted.
            #[serde(with = "dec_format")]
            minimum_stake: Balance,
        },
        /// The contract call failed.
        FunctionCallError(FunctionCallError),
        /// A receipt the contract created is invalid.
        NewReceiptValidationError(ReceiptValidationError),
        /// Only implicit accounts can be created by a transfer.
        OnlyImplicitAccountCreationAllowed {
            /// The account.
            account_id: AccountId,
        },
        /// The account has too much state to delete in one receipt.
        DeleteAccountWithLargeState {
            /// The account.
            account_id: AccountId,
        },
        /// NEP-481: no submodule is stored under this key.
        SubmoduleDoesNotExist {
            /// The account.
            account_id: AccountId,
            /// The key, as given.
            key: Vec<u8>,
        },
        /// NEP-481: the submodule code failed validation for the submodule import set.
        SubmoduleCodeInvalid {
            /// The account.
            account_id: AccountId,
            /// Why it was rejected.
            error: CompilationError,
        },
        /// The action needs an account whose state is in place, but the receiver is an
        /// uninitialized universal account (funded, no keys, code or data yet).
        AccountNotInitialized {
            /// The account.
            account_id: AccountId,
        },
        /// A `UniversalStateInit`'s bytes are not a state init (validation refuses those, so
        /// only a receipt that bypassed it meets this).
        MalformedUniversalStateInit,
    }
}

outcome_error! {
    /// Why a transaction is invalid; an invalid transaction changes nothing.
    pub enum InvalidTxError {
        /// A problem with the access key.
        InvalidAccessKeyError(InvalidAccessKeyError),
        /// The signer id is not a valid account id.
        InvalidSignerId {
            /// The text given.
            signer_id: String,
        },
        /// The signer does not exist.
        SignerDoesNotExist {
            /// The signer.
            signer_id: AccountId,
        },
        /// The nonce is not above the access key's nonce.
        InvalidNonce {
            /// The transaction's nonce.
            tx_nonce: Nonce,
            /// The access key's nonce.
            ak_nonce: Nonce,
        },
        /// The nonce is too far ahead.
        NonceTooLarge {
            /// The transaction's nonce.
            tx_nonce: Nonce,
            /// The largest accepted.
            upper_bound: Nonce,
        },
        /// The receiver id is not a valid account id.
        InvalidReceiverId {
            /// The text given.
            receiver_id: String,
        },
        /// The nonce index does not name one of the gas key's nonces: a gas key signed without
        /// one (`tx_nonce_index: None`), or an index the key does not have (0 nonces: not a gas
        /// key).
        InvalidNonceIndex {
            /// The transaction's nonce index, if it has one.
            tx_nonce_index: Option<u16>,
            /// The key's number of nonces (0 for a key that is not a gas key).
            num_nonces: u16,
        },
        /// The gas key cannot pay for the transaction's gas.
        NotEnoughGasKeyBalance {
            /// The signer.
            signer_id: AccountId,
            /// The gas key's balance.
            #[serde(with = "dec_format")]
            balance: Balance,
            /// What the gas costs.
            #[serde(with = "dec_format")]
            cost: Balance,
        },
        /// A gas key paid for the gas, but the account cannot pay the deposits: the transaction's
        /// gas of converting it is still burnt (from the key), and no receipt is made.
        NotEnoughBalanceForDeposit {
            /// The signer.
            signer_id: AccountId,
            /// The account's balance (after the deposits, for `LackBalanceForState`).
            #[serde(with = "dec_format")]
            balance: Balance,
            /// The deposits (or the storage stake missing).
            #[serde(with = "dec_format")]
            cost: Balance,
            /// Which check failed.
            reason: DepositCostFailureReason,
        },
        /// The signature does not match.
        InvalidSignature,
        /// The signer cannot pay for gas and deposits.
        NotEnoughBalance {
            /// The signer.
            signer_id: AccountId,
            /// Its balance.
            #[serde(with = "dec_format")]
            balance: Balance,
            /// What the transaction costs.
            #[serde(with = "dec_format")]
            cost: Balance,
        },
        /// After paying, the signer could not pay for its storage.
        LackBalanceForState {
            /// The signer.
            signer_id: AccountId,
            /// Balance missing.
            #[serde(with = "dec_format")]
            amount: Balance,
        },
        /// Cost computation overflowed.
        CostOverflow,
        /// The transaction is for another chain.
        InvalidChain,
        /// The transaction expired.
        Expired,
        /// An action is invalid.
        ActionsValidation(ActionsValidationError),
        /// The transaction is too large.
        TransactionSizeExceeded {
            /// Its size.
            size: u64,
            /// The limit.
            limit: u64,
        },
    }
}

outcome_error! {
    /// Why the access key cannot sign this transaction.
    pub enum InvalidAccessKeyError {
        /// No such key on the account.
        AccessKeyNotFound {
            /// The account.
            account_id: AccountId,
            /// The key.
            public_key: Box<PublicKey>,
        },
        /// A function-call key may only call its receiver.
        ReceiverMismatch {
            /// The transaction's receiver.
            tx_receiver: AccountId,
            /// The key's receiver.
            ak_receiver: String,
        },
        /// The method is not among the key's methods.
        MethodNameMismatch {
            /// The method called.
            method_name: String,
        },
        /// A function-call key may only sign exactly one function call.
        RequiresFullAccess,
        /// The key's allowance does not cover the gas.
        NotEnoughAllowance {
            /// The account.
            account_id: AccountId,
            /// The key.
            public_key: Box<PublicKey>,
            /// Remaining allowance.
            #[serde(with = "dec_format")]
            allowance: Balance,
            /// What the transaction costs.
            #[serde(with = "dec_format")]
            cost: Balance,
        },
        /// A function-call key may not attach a deposit.
        DepositWithFunctionCall,
    }
}

outcome_error! {
    /// Why a list of actions is invalid.
    pub enum ActionsValidationError {
        /// DeleteAccount must be the last action.
        DeleteActionMustBeFinal,
        /// The actions attach more gas than allowed.
        TotalPrepaidGasExceeded {
            /// Gas attached.
            total_prepaid_gas: Gas,
            /// The limit.
            limit: Gas,
        },
        /// Too many actions.
        TotalNumberOfActionsExceeded {
            /// Actions given.
            total_number_of_actions: u64,
            /// The limit.
            limit: u64,
        },
        /// Method names of an access key are too long in total.
        AddKeyMethodNamesNumberOfBytesExceeded {
            /// Bytes given.
            total_number_of_bytes: u64,
            /// The limit.
            limit: u64,
        },
        /// A method name of an access key is too long.
        AddKeyMethodNameLengthExceeded {
            /// Its length.
            length: u64,
            /// The limit.
            limit: u64,
        },
        /// An integer overflowed.
        IntegerOverflow,
        /// An account id is invalid.
        InvalidAccountId {
            /// The text given.
            account_id: String,
        },
        /// The contract is too large.
        ContractSizeExceeded {
            /// Its size.
            size: u64,
            /// The limit.
            limit: u64,
        },
        /// A method name is too long.
        FunctionCallMethodNameLengthExceeded {
            /// Its length.
            length: u64,
            /// The limit.
            limit: u64,
        },
        /// Arguments are too long.
        FunctionCallArgumentsLengthExceeded {
            /// Their length.
            length: u64,
            /// The limit.
            limit: u64,
        },
        /// The stake key is not a valid validator key.
        UnsuitableStakingKey {
            /// The key.
            public_key: Box<PublicKey>,
        },
        /// A function call attaches zero gas.
        FunctionCallZeroAttachedGas,
        /// Too many deploy actions.
        DeployContractActionsExceeded {
            /// Deploy actions given.
            total_number_of_deploy_actions: u64,
            /// The limit.
            limit: u64,
        },
        /// An action of a protocol feature this runtime does not run (nearcore's error; no
        /// protocol-88 action is refused this way today).
        UnsupportedProtocolFeature {
            /// The feature's name (nearcore's `ProtocolFeature`).
            protocol_feature: String,
            /// The protocol version that introduced it.
            version: u32,
        },
        /// A `DeterministicStateInit` sent to another account than the one its state derives.
        InvalidDeterministicStateInitReceiver {
            /// The receiver.
            receiver_id: AccountId,
            /// The id derived from the state init.
            derived_id: AccountId,
        },
        /// A `DeterministicStateInit` key is longer than a storage key may be.
        DeterministicStateInitKeyLengthExceeded {
            /// Its length.
            length: u64,
            /// The limit (`max_length_storage_key`).
            limit: u64,
        },
        /// A `DeterministicStateInit` value is longer than a storage value may be.
        DeterministicStateInitValueLengthExceeded {
            /// Its length.
            length: u64,
            /// The limit (`max_length_storage_value`).
            limit: u64,
        },
        /// The state inits of one new receipt carry too many entries in total.
        TotalNumberOfStateInitEntriesExceeded {
            /// Entries given.
            number_of_entries: u64,
            /// The limit (`max_state_init_entries`).
            limit: u64,
        },
        /// A gas key asks for no nonces or more than `MAX_NONCES_FOR_GAS_KEY`.
        GasKeyInvalidNumNonces {
            /// Nonces asked for.
            requested_nonces: u16,
            /// The limit.
            limit: u16,
        },
        /// A gas key is added with a balance: it must start empty (`TransferToGasKey` funds it).
        AddGasKeyWithNonZeroBalance {
            /// The balance given.
            #[serde(with = "dec_format")]
            balance: Balance,
        },
        /// A function-call gas key with an allowance: gas keys pay from their balance.
        GasKeyFunctionCallAllowanceNotAllowed,
        /// NEP-481: a submodule key is empty or too long.
        SubmoduleKeyLengthInvalid {
            /// Its length.
            length: u64,
            /// The limit.
            limit: u64,
        },
        /// A `UniversalStateInit` sent to another account than the `0u` id its bytes derive.
        InvalidUniversalStateInitReceiver {
            /// The receiver.
            receiver_id: AccountId,
            /// The id derived from the state init.
            derived_id: AccountId,
        },
        /// A `UniversalStateInit` key is longer than a storage key may be.
        UniversalStateInitKeyLengthExceeded {
            /// Its length.
            length: u64,
            /// The limit (`max_length_storage_key`).
            limit: u64,
        },
        /// A `UniversalStateInit` value is longer than a storage value may be.
        UniversalStateInitValueLengthExceeded {
            /// Its length.
            length: u64,
            /// The limit (`max_length_storage_value`).
            limit: u64,
        },
        /// A `UniversalStateInit`'s bytes are not the canonical borsh of a state init.
        MalformedUniversalStateInit,
        /// The state inits of one receipt commit to too many access keys in total.
        TotalNumberOfStateInitKeysExceeded {
            /// Keys given.
            number_of_keys: u64,
            /// The limit (`max_universal_state_init_keys`).
            limit: u64,
        },
    }
}

outcome_error! {
    /// Why a receipt created by a contract is invalid.
    pub enum ReceiptValidationError {
        /// The predecessor id is invalid.
        InvalidPredecessorId {
            /// The text given.
            account_id: String,
        },
        /// The receiver id is invalid.
        InvalidReceiverId {
            /// The text given.
            account_id: String,
        },
        /// The signer id is invalid.
        InvalidSignerId {
            /// The text given.
            account_id: String,
        },
        /// A data receiver id is invalid.
        InvalidDataReceiverId {
            /// The text given.
            account_id: String,
        },
        /// Returned data is too long.
        ReturnedValueLengthExceeded {
            /// Its length.
            length: u64,
            /// The limit.
            limit: u64,
        },
        /// Too many input data dependencies.
        NumberInputDataDependenciesExceeded {
            /// Dependencies given.
            number_of_input_data_dependencies: u64,
            /// The limit.
            limit: u64,
        },
        /// An action is invalid.
        ActionsValidation(ActionsValidationError),
        /// The receipt is too large.
        ReceiptSizeExceeded {
            /// Its size.
            size: u64,
            /// The limit.
            limit: u64,
        },
    }
}

/// A data id, for errors that name one.
pub type DataId = CryptoHash;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcome_errors_display_as_their_json_and_contract_errors_as_nearcore_does() {
        let invalid = InvalidTxError::InvalidSignature;
        assert_eq!(invalid.to_string(), r#""InvalidSignature""#);
        let error = FunctionCallError::HostError(HostError::GuestPanic { panic_msg: "boom".into() });
        assert_eq!(error.to_string(), "Smart contract panicked: boom");
        let missing = FunctionCallError::MethodResolveError(MethodResolveError::MethodNotFound);
        assert_eq!(missing.to_string(), "MethodNotFound");
    }

    #[test]
    fn borsh_tags_of_outcome_errors() {
        let tag = |e: &FunctionCallError| borsh::to_vec(e).unwrap()[0];
        assert_eq!(tag(&FunctionCallError::HostError(HostError::BadUTF8)), 5);
        assert_eq!(tag(&FunctionCallError::ExecutionError(String::new())), 7);
        assert_eq!(borsh::to_vec(&HostError::ProhibitedInView { method_name: String::new() }).unwrap()[0], 20);
        assert_eq!(borsh::to_vec(&HostError::YieldPayloadLength { length: 0, limit: 0 }).unwrap()[0], 34);
    }
}
