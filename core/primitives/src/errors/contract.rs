//! The errors of a contract call (`FunctionCallError` and what it carries): borsh and serde as
//! nearcore stores them, Display as nearcore prints them (`display.rs`).

use crate::types::AccountId;
use borsh::{BorshDeserialize, BorshSerialize};

outcome_error! {
    @nearcore_text
    /// Why a contract call failed. Stored in outcomes; nearcore's `FunctionCallErrorSer` order.
    pub enum FunctionCallError {
        /// The contract could not be compiled.
        CompilationError(CompilationError),
        /// An import could not be linked.
        LinkError {
            /// What failed, bounded in length.
            msg: String,
        },
        /// The method could not be found or has the wrong signature.
        MethodResolveError(MethodResolveError),
        /// The wasm trapped.
        WasmTrap(WasmTrap),
        /// An unknown wasm error.
        WasmUnknownError,
        /// A host function failed.
        HostError(HostError),
        /// Placeholder keeping nearcore's tag for a removed variant.
        _EVMError,
        /// A free-form execution error.
        ExecutionError(String),
    }
}

outcome_error! {
    @nearcore_text
    /// Why a contract could not be compiled.
    pub enum CompilationError {
        /// No contract is deployed.
        CodeDoesNotExist {
            /// The account.
            account_id: AccountId,
        },
        /// Validation or instrumentation rejected the code.
        PrepareError(PrepareError),
        /// The engine failed to compile the prepared code.
        WasmerCompileError {
            /// The engine's message, bounded in length.
            msg: String,
        },
    }
}

outcome_error! {
    @nearcore_text
    /// Why validation or instrumentation rejected a contract.
    pub enum PrepareError {
        /// The module could not be encoded again.
        Serialization,
        /// The module is not valid wasm, or uses a feature that is not accepted.
        Deserialization,
        /// The module declares its own memory where the host provides it.
        InternalMemoryDeclared,
        /// Gas instrumentation failed.
        GasInstrumentation,
        /// Stack-height instrumentation failed.
        StackHeightInstrumentation,
        /// The module could not be instantiated.
        Instantiate,
        /// The memory limits are invalid.
        Memory,
        /// Too many functions.
        TooManyFunctions,
        /// Too many locals.
        TooManyLocals,
        /// Too many tables.
        TooManyTables,
        /// Too many table elements.
        TooManyTableElements,
        /// NEP-481: a submodule imports a function outside the submodule import set.
        ForbiddenImport {
            /// The import's name in `env`.
            name: String,
        },
        /// NEP-481: a submodule does not export `main: () -> ()`.
        MissingMainExport,
    }
}

outcome_error! {
    @nearcore_text
    /// Why the method could not be called.
    pub enum MethodResolveError {
        /// The method name is empty.
        MethodEmptyName,
        /// No such export.
        MethodNotFound,
        /// The export is not a function of type `[] -> []`.
        MethodInvalidSignature,
    }
}

outcome_error! {
    @nearcore_text
    /// A wasm trap.
    pub enum WasmTrap {
        /// `unreachable` executed.
        Unreachable,
        /// `call_indirect` with the wrong signature.
        IncorrectCallIndirectSignature,
        /// Memory access out of bounds.
        MemoryOutOfBounds,
        /// `call_indirect` index out of the table.
        CallIndirectOOB,
        /// Division by zero or integer overflow.
        IllegalArithmetic,
        /// Misaligned atomic access.
        MisalignedAtomicAccess,
        /// `call_indirect` to a null entry.
        IndirectCallToNull,
        /// The wasm stack overflowed.
        StackOverflow,
        /// Any other trap.
        GenericTrap,
    }
}

outcome_error! {
    @nearcore_text
    /// A host function failed because of what the contract asked.
    pub enum HostError {
        /// Invalid UTF-16.
        BadUTF16,
        /// Invalid UTF-8.
        BadUTF8,
        /// Prepaid gas ran out.
        GasExceeded,
        /// The per-call gas limit was reached.
        GasLimitExceeded,
        /// The account's balance does not cover the deposits.
        BalanceExceeded,
        /// A method name is empty.
        EmptyMethodName,
        /// The contract panicked.
        GuestPanic {
            /// Its message, bounded in length.
            panic_msg: String,
        },
        /// An integer overflowed.
        IntegerOverflow,
        /// No promise with this index.
        InvalidPromiseIndex {
            /// The index.
            promise_idx: u64,
        },
        /// Actions cannot be added to a joint promise.
        CannotAppendActionToJointPromise,
        /// A joint promise cannot be returned.
        CannotReturnJointPromise,
        /// No promise result with this index.
        InvalidPromiseResultIndex {
            /// The index.
            result_idx: u64,
        },
        /// No register with this id.
        InvalidRegisterId {
            /// The id.
            register_id: u64,
        },
        /// The iterator was invalidated.
        IteratorWasInvalidated {
            /// Its index.
            iterator_index: u64,
        },
        /// Memory access out of bounds.
        MemoryAccessViolation,
        /// No receipt with this index.
        InvalidReceiptIndex {
            /// The index.
            receipt_index: u64,
        },
        /// No iterator with this index.
        InvalidIteratorIndex {
            /// The index.
            iterator_index: u64,
        },
        /// An account id is invalid.
        InvalidAccountId,
        /// A method name is invalid.
        InvalidMethodName,
        /// A public key is invalid.
        InvalidPublicKey,
        /// The function is not allowed in view calls.
        ProhibitedInView {
            /// The function's name.
            method_name: String,
        },
        /// Too many logs.
        NumberOfLogsExceeded {
            /// The limit.
            limit: u64,
        },
        /// A storage key is too long.
        KeyLengthExceeded {
            /// Its length.
            length: u64,
            /// The limit.
            limit: u64,
        },
        /// A storage value is too long.
        ValueLengthExceeded {
            /// Its length.
            length: u64,
            /// The limit.
            limit: u64,
        },
        /// Logs are too long in total.
        TotalLogLengthExceeded {
            /// Their length.
            length: u64,
            /// The limit.
            limit: u64,
        },
        /// Too many promises.
        NumberPromisesExceeded {
            /// Promises created.
            number_of_promises: u64,
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
        /// The returned value is too long.
        ReturnedValueLengthExceeded {
            /// Its length.
            length: u64,
            /// The limit.
            limit: u64,
        },
        /// The deployed contract is too large.
        ContractSizeExceeded {
            /// Its size.
            size: u64,
            /// The limit.
            limit: u64,
        },
        /// The function is deprecated.
        Deprecated {
            /// The function's name.
            method_name: String,
        },
        /// Invalid ecrecover input.
        ECRecoverError {
            /// Why.
            msg: String,
        },
        /// Invalid alt_bn128 input.
        AltBn128InvalidInput {
            /// Why.
            msg: String,
        },
        /// Invalid ed25519_verify input.
        Ed25519VerifyInvalidInput {
            /// Why.
            msg: String,
        },
        /// Invalid BLS12-381 input.
        Bls12381InvalidInput {
            /// Why.
            msg: String,
        },
        /// NEP-519: the yield payload is too long.
        YieldPayloadLength {
            /// Its length.
            length: u64,
            /// The limit.
            limit: u64,
        },
        /// NEP-519: a data id is not 32 bytes.
        DataIdMalformed,
        /// This runtime links the function (so contracts that import it deploy) but does not
        /// implement it (gas keys, global contracts, state init, refund-to, `current_contract_code`).
        UnsupportedHostFunction {
            /// The function's name.
            method_name: String,
        },
        /// A yield id is not 32 bytes.
        YieldIdMalformed,
        /// `p256_verify`: a signature not 64 bytes or a public key not 33 bytes.
        P256VerifyInvalidInput {
            /// What was wrong.
            msg: String,
        },
        /// `ml_dsa_verify`: a signature not 3309 bytes or a public key not 1952 bytes.
        MlDsaVerifyInvalidInput {
            /// What was wrong.
            msg: String,
        },
        /// `promise_set_refund_to` on a promise made by `promise_and`.
        CannotSetRefundToOnJointPromise,
        /// `set_state_init_data_entry` named an action that is not a state init of the receipt.
        InvalidActionIndex {
            /// The receipt.
            receipt_index: u64,
            /// The action.
            action_index: u64,
        },
        /// A code hash that is not 32 bytes.
        ContractCodeHashMalformed,
        /// `set_state_init_data_entry` for a key the state init already has.
        DataEntryAlreadyExists,
    }
}
