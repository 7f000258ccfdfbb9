//! The parts of gas-key fees that depend on the action's content (nearcore's
//! `gas_key_transfer_send_fee`, `gas_key_transfer_exec_fee`, `gas_key_add_key_send_fee` and
//! `gas_key_add_key_exec_fee`), as `(cost, units)` terms: the fee is each term's cost times its
//! units, per half. The runner charges them when a contract creates the action, the runtime when
//! a transaction carries it and when it executes; both read the same terms, so what is prepaid
//! is what executing costs.
//!
//! ```
//! use near_parameters::ActionCosts;
//! use near_parameters::gas_key_fees::transfer_send_terms;
//! // An ed25519 key: 1 tag byte and 32 key bytes.
//! assert_eq!(transfer_send_terms(33), [(ActionCosts::gas_key_transfer_base, 1), (ActionCosts::gas_key_byte, 33)]);
//! ```

use crate::ActionCosts;
use near_primitives::account::{AccessKey, GasKeyInfo};

/// Bytes of a nonce's index in its trie key (a `u16`).
const NONCE_INDEX_LEN: u64 = 2;

/// Bytes of an access key's trie key: column, account id, separator, borsh public key.
pub fn access_key_key_len(account_id_len: usize, public_key_len: usize) -> u64 {
    (1 + account_id_len + 1 + public_key_len) as u64
}

/// `TransferToGasKey` / `WithdrawFromGasKey`, send half: the base, and a byte per byte of the
/// borsh public key (what the sender writes).
pub fn transfer_send_terms(public_key_len: usize) -> [(ActionCosts, u64); 2] {
    [(ActionCosts::gas_key_transfer_base, 1), (ActionCosts::gas_key_byte, public_key_len as u64)]
}

/// `TransferToGasKey` / `WithdrawFromGasKey`, execution half: the base, and a byte per byte of
/// the key's trie key and of the smallest gas key record (what the receiver reads and writes).
pub fn transfer_exec_terms(account_id_len: usize, public_key_len: usize) -> [(ActionCosts, u64); 2] {
    let bytes = access_key_key_len(account_id_len, public_key_len) + AccessKey::MIN_GAS_KEY_RECORD_LEN;
    [(ActionCosts::gas_key_transfer_base, 1), (ActionCosts::gas_key_byte, bytes)]
}

/// `AddKey` of a gas key, send half, on top of the access key's own fee: a byte per byte of
/// the `GasKeyInfo`.
pub fn add_key_send_terms() -> [(ActionCosts, u64); 1] {
    [(ActionCosts::gas_key_byte, GasKeyInfo::BORSH_LEN)]
}

/// `AddKey` of a gas key, execution half, on top of the access key's own fee: a nonce write per
/// nonce, and a byte per byte of each nonce record (its trie key and its `u64` value).
pub fn add_key_exec_terms(account_id_len: usize, public_key_len: usize, num_nonces: u16) -> [(ActionCosts, u64); 2] {
    let nonces = u64::from(num_nonces);
    let nonce_record =
        access_key_key_len(account_id_len, public_key_len) + NONCE_INDEX_LEN + AccessKey::NONCE_VALUE_LEN;
    [(ActionCosts::gas_key_nonce_write_base, nonces), (ActionCosts::gas_key_byte, nonce_record * nonces)]
}
