//! Typed access to records: borsh values by [`TrieKey`], and the common account records.

use crate::trie::StorageError;
use crate::trie_update::TrieUpdate;
use borsh::{BorshDeserialize, BorshSerialize};
use near_primitives::account::{AccessKey, Account};
use near_primitives::crypto::{KeyHandle, PublicKey};
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
    get(update, &TrieKey::AccessKey { account_id: account_id.clone(), key_handle: public_key.into() })
}

/// Writes an access key of an account.
pub fn set_access_key(update: &mut TrieUpdate, account_id: AccountId, public_key: PublicKey, key: &AccessKey) {
    set_access_key_by_handle(update, account_id, (&public_key).into(), key);
}

/// Writes an access key of an account by its on-trie handle (a universal state init names its
/// keys only by handle).
pub fn set_access_key_by_handle(
    update: &mut TrieUpdate,
    account_id: AccountId,
    key_handle: KeyHandle,
    key: &AccessKey,
) {
    set(update, TrieKey::AccessKey { account_id, key_handle }, key);
}

/// A record under the access-key column: an access key, or one of a gas key's nonces (their
/// values are 8 bytes, a `u64`; every access key record is longer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessKeyRecord {
    /// An access key.
    Key(AccessKey),
    /// A gas key's nonce.
    GasKeyNonce(Nonce),
}

/// Decodes a value stored under the access-key column.
///
/// # Errors
/// [`StorageError::StorageInconsistentState`] when it is neither record.
pub fn decode_access_key_record(value: &[u8]) -> Result<AccessKeyRecord, StorageError> {
    let inconsistent = |_| StorageError::StorageInconsistentState("an access-key record does not decode".into());
    if value.len() as u64 == AccessKey::NONCE_VALUE_LEN {
        return Nonce::try_from_slice(value).map(AccessKeyRecord::GasKeyNonce).map_err(inconsistent);
    }
    AccessKey::try_from_slice(value).map(AccessKeyRecord::Key).map_err(inconsistent)
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
    get(update, &TrieKey::GasKeyNonce { account_id: account_id.clone(), key_handle: public_key.into(), index })
}

/// Writes one nonce of a gas key.
pub fn set_gas_key_nonce(
    update: &mut TrieUpdate,
    account_id: AccountId,
    public_key: PublicKey,
    index: u16,
    nonce: Nonce,
) {
    set(update, TrieKey::GasKeyNonce { account_id, key_handle: (&public_key).into(), index }, &nonce);
}

/// The account's contract code.
///
/// # Errors
/// Storage faults.
pub fn get_code(update: &TrieUpdate, account_id: &AccountId) -> Result<Option<Vec<u8>>, StorageError> {
    update.get(&TrieKey::ContractCode { account_id: account_id.clone() })
}
