//! Fees: what each action burns when its receipt is sent and when it executes, and what a
//! transaction costs its signer up front. Corresponds to nearcore's `runtime/runtime/src/config.rs`.

use near_parameters::transfer_fees::transfer_costs;
use near_parameters::{ActionCosts, ParameterCost, RuntimeConfig, gas_key_fees};
use near_primitives::action::{Action, AddKeyAction};
use near_primitives::crypto::PublicKey;
use near_primitives::transaction::Transaction;
use near_primitives::types::{AccountId, Balance, Gas};
use near_primitives::universal_state_init::UniversalStateInit;

/// A sum of gas or tokens overflowed: the transaction or receipt is invalid, never wrapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("integer overflow while computing a cost")]
pub struct IntegerOverflowError;

fn add_gas(a: Gas, b: Gas) -> Result<Gas, IntegerOverflowError> {
    a.checked_add(b).ok_or(IntegerOverflowError)
}

fn mul_gas(a: Gas, b: u64) -> Result<Gas, IntegerOverflowError> {
    a.checked_mul(b).ok_or(IntegerOverflowError)
}

/// The number of bytes a function-call access key's method names are charged for: each name
/// plus one byte (nearcore counts a terminator per name).
pub fn method_names_bytes(method_names: &[String]) -> u64 {
    method_names.iter().map(|name| name.len() as u64 + 1).sum()
}

/// One fee kind an action is charged: its cost, and its units in the send half and in the
/// execution half (equal for most actions; gas-key fees count different bytes on each side).
type FeeTerm = gas_key_fees::GasKeyTerm;

/// The fee terms of an action whose receipt goes to `receiver_id`: `(base, 1, 1)` plus
/// per-byte and per-entry terms where the action has them (unused slots have no units).
fn action_fee_terms(config: &RuntimeConfig, action: &Action, receiver_id: &AccountId) -> [FeeTerm; 4] {
    const NONE: FeeTerm = (ActionCosts::transfer, 0, 0);
    let both = |cost, units| (cost, units, units);
    let one = |cost| [both(cost, 1), NONE, NONE, NONE];
    let receiver_len = receiver_id.len();
    match action {
        Action::CreateAccount(_) => one(ActionCosts::create_account),
        Action::DeployContract(deploy) => [
            both(ActionCosts::deploy_contract_base, 1),
            both(ActionCosts::deploy_contract_byte, deploy.code.len() as u64),
            NONE,
            NONE,
        ],
        Action::FunctionCall(call) => [
            both(ActionCosts::function_call_base, 1),
            both(ActionCosts::function_call_byte, call.method_name.len() as u64 + call.args.len() as u64),
            NONE,
            NONE,
        ],
        Action::Transfer(_) => {
            let mut terms = [NONE; 4];
            for (term, &cost) in terms.iter_mut().zip(transfer_costs(&config.wasm_config, receiver_id)) {
                *term = both(cost, 1);
            }
            terms
        }
        Action::Stake(_) => one(ActionCosts::stake),
        Action::AddKey(add_key) => add_key_fee_terms(add_key, receiver_len),
        Action::DeleteKey(_) => one(ActionCosts::delete_key),
        Action::DeleteAccount(_) => one(ActionCosts::delete_account),
        Action::DeployGlobalContract(deploy) => [
            both(ActionCosts::deploy_global_contract_base, 1),
            both(ActionCosts::deploy_global_contract_byte, deploy.code.len() as u64),
            NONE,
            NONE,
        ],
        Action::UseGlobalContract(action) => [
            both(ActionCosts::use_global_contract_base, 1),
            both(ActionCosts::use_global_contract_byte, action.contract_identifier.len() as u64),
            NONE,
            NONE,
        ],
        Action::DeterministicStateInit(init) => [
            both(ActionCosts::deterministic_state_init_base, 1),
            both(ActionCosts::deterministic_state_init_byte, init.state_init.data_bytes()),
            both(ActionCosts::deterministic_state_init_entry, init.state_init.data().len() as u64),
            NONE,
        ],
        Action::TransferToGasKey(action) => gas_key_transfer_terms(&action.public_key, receiver_len),
        Action::WithdrawFromGasKey(action) => gas_key_transfer_terms(&action.public_key, receiver_len),
        // Priced on what the bytes decode to, any well-formed encoding (nearcore's
        // `state_init_counts`); each committed key as a full-access key.
        Action::UniversalStateInit(init) => {
            let counts = UniversalStateInit::counts(&init.state_init);
            [
                both(ActionCosts::universal_state_init_base, 1),
                both(ActionCosts::universal_state_init_byte, init.state_init.len() as u64),
                both(ActionCosts::universal_state_init_entry, counts.num_entries),
                both(ActionCosts::add_full_access_key, counts.num_keys),
            ]
        }
        Action::DeploySubmodule(deploy) => [
            both(ActionCosts::deploy_submodule_base, 1),
            both(ActionCosts::deploy_submodule_byte, deploy.key.len() as u64 + deploy.code.len() as u64),
            NONE,
            NONE,
        ],
        Action::RemoveSubmodule(_) => one(ActionCosts::remove_submodule_base),
    }
}

/// `TransferToGasKey` / `WithdrawFromGasKey`: the send half counts the key's bytes, the
/// execution half the bytes of its record ([`near_parameters::gas_key_fees`]).
fn gas_key_transfer_terms(public_key: &PublicKey, receiver_len: usize) -> [FeeTerm; 4] {
    const NONE: FeeTerm = (ActionCosts::transfer, 0, 0);
    // At protocol 88 (before nearcore's `FixMlDsaCostCharging`) a transaction's gas-key actions
    // count the key's handle on both halves (33 bytes for an ML-DSA-65 key); a contract's count
    // its borsh length (the runner).
    let trie_len = public_key.trie_id_len();
    let [base, bytes] = gas_key_fees::transfer_terms(receiver_len, trie_len, trie_len);
    [base, bytes, NONE, NONE]
}

/// `AddKey`: the access key's fee (full access, or function call per byte of method names),
/// and for a gas key its nonces and record bytes ([`near_parameters::gas_key_fees`]).
fn add_key_fee_terms(add_key: &AddKeyAction, receiver_len: usize) -> [FeeTerm; 4] {
    const NONE: FeeTerm = (ActionCosts::transfer, 0, 0);
    let permission = &add_key.access_key.permission;
    let [base, bytes] = match permission.function_call_permission() {
        None => [(ActionCosts::add_full_access_key, 1, 1), NONE],
        Some(permission) => {
            let names = method_names_bytes(&permission.method_names);
            [(ActionCosts::add_function_call_key_base, 1, 1), (ActionCosts::add_function_call_key_byte, names, names)]
        }
    };
    let Some(info) = permission.gas_key_info() else { return [base, bytes, NONE, NONE] };
    let [writes, record] = gas_key_fees::add_key_terms(receiver_len, add_key.public_key.trie_id_len(), info.num_nonces);
    [base, bytes, writes, record]
}

/// The send fee of one action of a receipt to `receiver_id`.
///
/// # Errors
/// Overflow.
pub fn send_fee(
    config: &RuntimeConfig,
    sender_is_receiver: bool,
    action: &Action,
    receiver_id: &AccountId,
) -> Result<Gas, IntegerOverflowError> {
    action_fee_terms(config, action, receiver_id).iter().try_fold(0, |total, &(cost, units, _)| {
        add_gas(total, mul_gas(config.fees.fee(cost).send_fee(sender_is_receiver), units)?)
    })
}

/// The execution fee of one action of a receipt to `receiver_id`.
///
/// # Errors
/// Overflow.
pub fn exec_fee(config: &RuntimeConfig, action: &Action, receiver_id: &AccountId) -> Result<Gas, IntegerOverflowError> {
    exec_cost(config, action, receiver_id).map(|(gas, _)| gas)
}

/// The execution fee of one action of a receipt to `receiver_id` and its compute (the gas
/// unless the parameters set it apart).
///
/// # Errors
/// Overflow.
pub fn exec_cost(
    config: &RuntimeConfig,
    action: &Action,
    receiver_id: &AccountId,
) -> Result<(Gas, u64), IntegerOverflowError> {
    action_fee_terms(config, action, receiver_id).iter().try_fold((0, 0), |(gas, compute), &(cost, _, units)| {
        let fee = config.fees.fee(cost);
        Ok((add_gas(gas, mul_gas(fee.exec_fee(), units)?)?, add_gas(compute, mul_gas(fee.exec_compute(), units)?)?))
    })
}

/// The send fees of all `actions` of a receipt to `receiver_id`.
///
/// # Errors
/// Overflow.
pub fn total_send_fees(
    config: &RuntimeConfig,
    sender_is_receiver: bool,
    actions: &[Action],
    receiver_id: &AccountId,
) -> Result<Gas, IntegerOverflowError> {
    actions
        .iter()
        .try_fold(0, |total, action| add_gas(total, send_fee(config, sender_is_receiver, action, receiver_id)?))
}

/// The execution fees of all `actions` of a receipt to `receiver_id` (not counting the
/// receipt's own creation fee).
///
/// # Errors
/// Overflow.
pub fn total_prepaid_exec_fees(
    config: &RuntimeConfig,
    actions: &[Action],
    receiver_id: &AccountId,
) -> Result<Gas, IntegerOverflowError> {
    actions.iter().try_fold(0, |total, action| add_gas(total, exec_fee(config, action, receiver_id)?))
}

/// Gas attached to the function calls among `actions`.
///
/// # Errors
/// Overflow.
pub fn total_prepaid_gas(actions: &[Action]) -> Result<Gas, IntegerOverflowError> {
    actions.iter().try_fold(0, |total, action| add_gas(total, action.get_prepaid_gas()))
}

/// Tokens attached to `actions` (transfers, function calls, stakes count only as locks).
///
/// # Errors
/// Overflow.
pub fn total_deposit(actions: &[Action]) -> Result<Balance, IntegerOverflowError> {
    actions
        .iter()
        .try_fold(0u128, |total, action| total.checked_add(action.get_deposit_balance()).ok_or(IntegerOverflowError))
}

/// What a transaction costs its signer when it is converted into a receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransactionCost {
    /// Gas burnt at conversion: the send fees of the receipt and its actions, and verifying an
    /// ML-DSA-65 signature.
    pub gas_burnt: Gas,
    /// Compute of the conversion (the gas, unless the parameters set the signature's apart).
    pub compute_burnt: u64,
    /// Gas bought for later: execution fees plus the gas attached to function calls.
    pub gas_remaining: Gas,
    /// The gas price the receipt carries (refunds are paid at it).
    pub receipt_gas_price: Balance,
    /// Tokens taken from the signer: all gas at its price plus the deposits.
    pub total_cost: Balance,
    /// Tokens burnt at conversion.
    pub burnt_amount: Balance,
    /// The gas part of `total_cost` (what a gas key pays).
    pub gas_cost: Balance,
    /// The deposits part of `total_cost` (what the account pays when a gas key signs).
    pub deposit_cost: Balance,
}

/// The cost of `transaction` at `gas_price`.
///
/// # Errors
/// Overflow.
pub fn tx_cost(
    config: &RuntimeConfig,
    transaction: &Transaction,
    gas_price: Balance,
) -> Result<TransactionCost, IntegerOverflowError> {
    let sender_is_receiver = transaction.signer_id == transaction.receiver_id;
    let receipt_fee = config.fees.fee(ActionCosts::new_action_receipt);
    let send_fees = add_gas(
        receipt_fee.send_fee(sender_is_receiver),
        total_send_fees(config, sender_is_receiver, &transaction.actions, &transaction.receiver_id)?,
    )?;
    // Verifying the signature, burnt at conversion (protocol 85: only ML-DSA-65 costs extra).
    let signature = match transaction.public_key {
        PublicKey::MLDSA65(_) => config.fees.ml_dsa_65_verification_cost,
        PublicKey::ED25519(_) | PublicKey::SECP256K1(_) => ParameterCost::default(),
    };
    let gas_burnt = add_gas(send_fees, signature.gas)?;
    let compute_burnt = add_gas(send_fees, signature.compute)?;
    let gas_remaining = add_gas(
        add_gas(
            receipt_fee.exec_fee(),
            total_prepaid_exec_fees(config, &transaction.actions, &transaction.receiver_id)?,
        )?,
        total_prepaid_gas(&transaction.actions)?,
    )?;
    let inflation = config.fees.pessimistic_gas_price_inflation_ratio;
    let receipt_gas_price = gas_price.checked_mul(u128::from(inflation.numerator)).ok_or(IntegerOverflowError)?
        / u128::from(inflation.denominator.max(1));
    // NEP-642 (protocol 85): never bought below the minimum purchase price.
    let receipt_gas_price = receipt_gas_price.max(gas_price).max(config.fees.min_gas_purchase_price);
    let burnt_amount = u128::from(gas_burnt).checked_mul(gas_price).ok_or(IntegerOverflowError)?;
    let remaining_amount = u128::from(gas_remaining).checked_mul(receipt_gas_price).ok_or(IntegerOverflowError)?;
    let gas_cost = burnt_amount.checked_add(remaining_amount).ok_or(IntegerOverflowError)?;
    let deposit_cost = total_deposit(&transaction.actions)?;
    let total_cost = gas_cost.checked_add(deposit_cost).ok_or(IntegerOverflowError)?;
    Ok(TransactionCost {
        gas_burnt,
        compute_burnt,
        gas_remaining,
        receipt_gas_price,
        total_cost,
        burnt_amount,
        gas_cost,
        deposit_cost,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use near_primitives::action::{FunctionCallAction, TransferAction};
    use near_primitives::crypto::SecretKey;
    use near_primitives::hash::CryptoHash;

    fn transaction(actions: Vec<Action>, receiver: &str) -> Transaction {
        Transaction {
            signer_id: "alice.near".parse().unwrap(),
            public_key: SecretKey::from_seed("alice.near").public_key(),
            nonce: 1,
            receiver_id: receiver.parse().unwrap(),
            block_hash: CryptoHash::default(),
            actions,
            version: near_primitives::transaction::TransactionVersion::V0,
        }
    }

    #[test]
    fn transfer_costs_nearcore_fees() {
        let config = RuntimeConfig::mainnet();
        let tx = transaction(vec![Action::Transfer(TransferAction { deposit: 5 })], "bob.near");
        let cost = tx_cost(&config, &tx, 100_000_000).unwrap();
        // action_receipt_creation send (108_059_500_000) + action_transfer send (115_123_062_500).
        assert_eq!(cost.gas_burnt, 223_182_562_500);
        assert_eq!(cost.gas_remaining, 223_182_562_500);
        // Burnt at the gas price, the execution half bought at the minimum purchase price.
        assert_eq!(cost.receipt_gas_price, config.fees.min_gas_purchase_price);
        let bought = 223_182_562_500 * config.fees.min_gas_purchase_price;
        assert_eq!(cost.total_cost, 223_182_562_500 * 100_000_000 + bought + 5);
    }

    #[test]
    fn function_call_counts_method_and_args_bytes_and_attached_gas() {
        let config = RuntimeConfig::mainnet();
        let call = FunctionCallAction { method_name: "go".into(), args: vec![0; 10], gas: 7, deposit: 0 };
        let tx = transaction(vec![Action::FunctionCall(Box::new(call))], "alice.near");
        let cost = tx_cost(&config, &tx, 1).unwrap();
        assert_eq!(cost.gas_burnt, 108_059_500_000 + 200_000_000_000 + 12 * 2_235_934);
        assert_eq!(cost.gas_remaining, 108_059_500_000 + 780_000_000_000 + 12 * 2_235_934 + 7);
    }

    #[test]
    fn overflow_is_an_error() {
        let config = RuntimeConfig::mainnet();
        let calls = (0..2)
            .map(|_| {
                Action::FunctionCall(Box::new(FunctionCallAction {
                    method_name: "m".into(),
                    args: vec![],
                    gas: u64::MAX,
                    deposit: 0,
                }))
            })
            .collect();
        assert_eq!(tx_cost(&config, &transaction(calls, "bob.near"), 1), Err(IntegerOverflowError));
    }
}
