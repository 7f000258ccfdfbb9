//! Typed access to records: borsh values by [`TrieKey`], and the common account records.

use crate::trie::StorageError;
use crate::trie_update::TrieUpdate;
use borsh::{BorshDeserialize, BorshSerialize};
use near_primitives::account::{AccessKey, Account};
use near_primitives::crypto::PublicKey;
use near_primitives::trie_key::TrieKey;
use near_primitives::types::{AccountId, Nonce};

/// Reads and decodes the borsh value under `key`.
///
/// # Errors
/// Storage faults; a value that does not decode as `T` is [`StorageError::StorageInconsistentState`]
/// (state written by this runtime always decodes).
pub fn get<T: BorshDeserialize>(update: &TrieUpdate, key: &TrieKey) -> Result<Option<T>, StorageError> {
    let Some(bytes) = update.get(key)? else { return Ok(None) };
    T::try_from_slice(&bytes)
        .map(Some)
        .map_err(|e| StorageError::StorageInconsistentState(format!("cannot decode {key:?}: {e}")))
}

/// Encodes `value` with borsh and sets it under `key`.
pub fn set<T: BorshSerialize>(update: &mut TrieUpdate, key: TrieKey, value: &T) {
    update.set(key, borsh::to_vec(value).expect("serializing into a Vec cannot fail"));
}

/// The account record.
///
/// # Errors
/// Storage faults.
pub fn get_account(update: &TrieUpdate, account_id: &AccountId) -> Result<Option<Account>, StorageError> {
    get(update, &TrieKey::Account { account_id: account_id.clone() })
}

/// Writes the account record.
pub fn set_account(update: &mut TrieUpdate, account_id: AccountId, account: &Account) {
    set(update, TrieKey::Account { account_id }, account);
}

/// An access key of an account.
///
/// # Errors
/// Storage faults.
pub fn get_access_key(
    update: &TrieUpdate,
    account_id: &AccountId,
    public_key: &PublicKey,
) -> Result<Option<AccessKey>, StorageError> {
    get(update, &TrieKey::AccessKey { account_id: account_id.clone(), public_key: public_key.clone() })
}

/// Writes an access key of an account.
pub fn set_access_key(update: &mut TrieUpdate, account_id: AccountId, public_key: PublicKey, key: &AccessKey) {
    set(update, TrieKey::AccessKey { account_id, public_key }, key);
}

/// One nonce of a gas key.
///
/// # Errors
/// Storage faults.
pub fn get_gas_key_nonce(
    update: &TrieUpdate,
    account_id: &AccountId,
    public_key: &PublicKey,
    index: u16,
) -> Result<Option<Nonce>, StorageError> {
    get(update, &TrieKey::GasKeyNonce { account_id: account_id.clone(), public_key: public_key.clone(), index })
}

/// Writes one nonce of a gas key.
pub fn set_gas_key_nonce(
    update: &mut TrieUpdate,
    account_id: AccountId,
    public_key: PublicKey,
    index: u16,
    nonce: Nonce,
) {
    set(update, TrieKey::GasKeyNonce { account_id, public_key, index }, &nonce);
}

/// The account's contract code.
///
/// # Errors
/// Storage faults.
pub fn get_code(update: &TrieUpdate, account_id: &AccountId) -> Result<Option<Vec<u8>>, StorageError> {
    update.get(&TrieKey::ContractCode { account_id: account_id.clone() })
}
