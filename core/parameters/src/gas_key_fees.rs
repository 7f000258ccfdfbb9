//! The parts of gas-key fees that depend on the action's content (nearcore's
//! `gas_key_transfer_send_fee`, `gas_key_transfer_exec_fee`, `gas_key_add_key_send_fee` and
//! `gas_key_add_key_exec_fee`), as terms `(cost, send units, execution units)`: each half of the
//! fee is each term's cost times its units for that half. The runner charges them when a
//! contract creates the action, the runtime when a transaction carries it and when it executes;
//! both read the same terms, so what is prepaid is what executing costs.
//!
//! ```
//! use near_parameters::ActionCosts;
//! use near_parameters::gas_key_fees::transfer_terms;
//! // An ed25519 key (1 tag byte, 32 key bytes) of `alice.near`: the send half counts the key,
//! // the execution half its trie key (1 + 10 + 1 + 33) and the smallest gas key record (27).
//! assert_eq!(
//!     transfer_terms(10, 33, 33),
//!     [(ActionCosts::gas_key_transfer_base, 1, 1), (ActionCosts::gas_key_byte, 33, 45 + 27)]
//! );
//! ```

use crate::ActionCosts;
use near_primitives::account::{AccessKey, GasKeyInfo};

/// Bytes of an access key's trie key: column, account id, separator, the key's handle.
pub fn access_key_key_len(account_id_len: usize, trie_key_len: usize) -> u64 {
    (1 + account_id_len + 1 + trie_key_len) as u64
}

/// One gas-key fee term: its cost, its units in the send half, its units in the execution half.
pub type GasKeyTerm = (ActionCosts, u64, u64);

/// `TransferToGasKey` / `WithdrawFromGasKey` to an account id of `account_id_len` bytes: the
/// base in both halves; a byte per byte of the key when sent (`send_key_len`), and per byte of
/// the key's trie key (with a key of `exec_key_len` bytes) and of the smallest gas key record
/// when executed (what the receiver reads and writes). Which length of an ML-DSA-65 key each
/// half counts (its 1,953-byte borsh or its 33-byte handle) is the caller's: at protocol 88 the
/// runner counts the borsh on both halves, the runtime the handle on both (nearcore's
/// `FixMlDsaCostCharging`, not yet on, would make it borsh sent, handle executed).
pub fn transfer_terms(account_id_len: usize, send_key_len: usize, exec_key_len: usize) -> [GasKeyTerm; 2] {
    let record = access_key_key_len(account_id_len, exec_key_len) + AccessKey::MIN_GAS_KEY_RECORD_LEN;
    [(ActionCosts::gas_key_transfer_base, 1, 1), (ActionCosts::gas_key_byte, send_key_len as u64, record)]
}

/// `AddKey` of a gas key with `num_nonces` nonces, on top of the access key's own fee: when
/// executed, a nonce write per nonce and a byte per byte of each nonce record (its trie key, with
/// a key of `key_len` bytes, and its `u64` value); when sent, a byte per byte of the
/// `GasKeyInfo`.
pub fn add_key_terms(account_id_len: usize, key_len: usize, num_nonces: u16) -> [GasKeyTerm; 2] {
    let nonces = u64::from(num_nonces);
    let nonce_record =
        access_key_key_len(account_id_len, key_len) + AccessKey::NONCE_INDEX_LEN + AccessKey::NONCE_VALUE_LEN;
    [
        (ActionCosts::gas_key_nonce_write_base, 0, nonces),
        (ActionCosts::gas_key_byte, GasKeyInfo::BORSH_LEN, nonce_record * nonces),
    ]
}
