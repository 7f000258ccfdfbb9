//! Account and access-key records, as stored under `TrieKey::Account` and `TrieKey::AccessKey`.

use crate::global_contract::GlobalContractIdentifier;
use crate::hash::CryptoHash;
use crate::types::{AccountId, Balance, Nonce, StorageUsage, dec_format, option_dec_format};
use borsh::{BorshDeserialize, BorshSerialize};
use std::io;

/// The contract an account runs.
#[derive(Debug, Clone, PartialEq, Eq, Default, BorshSerialize, BorshDeserialize)]
pub enum AccountContract {
    /// None.
    #[default]
    None,
    /// Its own code (`TrieKey::ContractCode`), by hash.
    Local(CryptoHash),
    /// A global contract named by its code hash.
    Global(CryptoHash),
    /// The global contract the named account deployed (whatever it deploys next).
    GlobalByAccount(AccountId),
}

impl AccountContract {
    /// The global contract this names, if it is one.
    pub fn global_identifier(&self) -> Option<GlobalContractIdentifier> {
        match self {
            AccountContract::Global(hash) => Some(GlobalContractIdentifier::CodeHash(*hash)),
            AccountContract::GlobalByAccount(account_id) => {
                Some(GlobalContractIdentifier::AccountId(account_id.clone()))
            }
            AccountContract::None | AccountContract::Local(_) => None,
        }
    }

    /// Local code's hash, if the account has its own code.
    pub fn local_code(&self) -> Option<CryptoHash> {
        match self {
            AccountContract::Local(hash) => Some(*hash),
            _ => None,
        }
    }
}

/// An account's state. Stored as nearcore stores it: an account with no contract or its own
/// code in the original layout (`amount: u128, locked: u128, code_hash: [u8; 32],
/// storage_usage: u64`, all-zero hash for none); an account using a global contract as
/// `u128::MAX`, version tag 0, then `amount, locked, storage_usage, contract`; an uninitialized
/// universal account as `u128::MAX`, tag 1, then `amount, storage_usage, bootstrap_nonce`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Liquid balance.
    pub amount: Balance,
    /// Balance locked by staking.
    pub locked: Balance,
    /// The contract it runs.
    pub contract: AccountContract,
    /// Bytes of state this account pays storage staking for.
    pub storage_usage: StorageUsage,
    /// `Some` while the account is uninitialized (nearcore's `Account::Uninitialized`): a
    /// universal (`0u`) account a transfer funded before its state init ran. It has no keys,
    /// code, data or stake; the nonce is what its own state-init transaction (the one it can
    /// sign before it has keys) must follow. `None` for every other account.
    pub bootstrap_nonce: Option<Nonce>,
}

/// The first `u128` of a versioned account record (it cannot be a balance: the total supply is
/// far smaller).
const VERSIONED_SENTINEL: Balance = Balance::MAX;
/// The version tag of an account record using a global contract.
const VERSION_2: u8 = 0;
/// The version tag of an uninitialized account record.
const UNINITIALIZED: u8 = 1;

impl Account {
    /// A new account with `amount`, no contract and `storage_usage` bytes.
    pub fn new(amount: Balance, storage_usage: StorageUsage) -> Account {
        Account { amount, locked: 0, contract: AccountContract::None, storage_usage, bootstrap_nonce: None }
    }

    /// A new uninitialized universal account (see [`Account::bootstrap_nonce`]).
    pub fn new_uninitialized(amount: Balance, storage_usage: StorageUsage, bootstrap_nonce: Nonce) -> Account {
        Account { bootstrap_nonce: Some(bootstrap_nonce), ..Account::new(amount, storage_usage) }
    }

    /// Whether the account's state is in place (every account but an uninitialized universal one).
    pub fn is_initialized(&self) -> bool {
        self.bootstrap_nonce.is_none()
    }

    /// Makes an uninitialized account an ordinary one, keeping its balance and storage usage
    /// (its state init installs keys, code and data next).
    pub fn initialize(&mut self) {
        self.bootstrap_nonce = None;
    }

    /// Whether a contract (its own or a global one) is set.
    pub fn has_contract(&self) -> bool {
        self.contract != AccountContract::None
    }

    /// Whether the record uses the original (unversioned) layout.
    fn is_v1(&self) -> bool {
        matches!(self.contract, AccountContract::None | AccountContract::Local(_))
    }
}

impl BorshSerialize for Account {
    fn serialize<W: io::Write>(&self, writer: &mut W) -> io::Result<()> {
        if let Some(nonce) = self.bootstrap_nonce {
            return (VERSIONED_SENTINEL, UNINITIALIZED, self.amount, self.storage_usage, nonce).serialize(writer);
        }
        if self.is_v1() {
            let code_hash = self.contract.local_code().unwrap_or_default();
            return (self.amount, self.locked, code_hash, self.storage_usage).serialize(writer);
        }
        (VERSIONED_SENTINEL, VERSION_2, self.amount, self.locked, self.storage_usage, &self.contract).serialize(writer)
    }
}

impl BorshDeserialize for Account {
    fn deserialize_reader<R: io::Read>(reader: &mut R) -> io::Result<Self> {
        let first = Balance::deserialize_reader(reader)?;
        if first != VERSIONED_SENTINEL {
            let (locked, code_hash, storage_usage) = <(Balance, CryptoHash, StorageUsage)>::deserialize_reader(reader)?;
            let contract = if code_hash == CryptoHash::default() {
                AccountContract::None
            } else {
                AccountContract::Local(code_hash)
            };
            return Ok(Account { amount: first, locked, contract, storage_usage, bootstrap_nonce: None });
        }
        match u8::deserialize_reader(reader)? {
            VERSION_2 => {
                let (amount, locked, storage_usage, contract) = BorshDeserialize::deserialize_reader(reader)?;
                Ok(Account { amount, locked, contract, storage_usage, bootstrap_nonce: None })
            }
            UNINITIALIZED => {
                let (amount, storage_usage, nonce) = BorshDeserialize::deserialize_reader(reader)?;
                Ok(Account::new_uninitialized(amount, storage_usage, nonce))
            }
            version => Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("account record version {version} is not one this runtime reads (0 and 1 are)"),
            )),
        }
    }
}

/// The JSON form (nearcore's account view without `storage_paid_at`): `code_hash` is the local
/// or global code's hash (zeroes for none or a contract used by account), plus the global
/// contract's hash or account when one is used, and for an uninitialized account
/// `"state": "uninitialized"` and its `bootstrap_nonce`.
#[derive(serde::Serialize, serde::Deserialize)]
struct AccountJson {
    #[serde(with = "dec_format")]
    amount: Balance,
    #[serde(with = "dec_format")]
    locked: Balance,
    code_hash: CryptoHash,
    storage_usage: StorageUsage,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    global_contract_hash: Option<CryptoHash>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    global_contract_account_id: Option<AccountId>,
    #[serde(default, skip_serializing_if = "AccountState::is_initialized")]
    state: AccountState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    bootstrap_nonce: Option<Nonce>,
}

/// Whether an account's state is in place (nearcore's `AccountState`, as its views spell it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum AccountState {
    #[default]
    Initialized,
    Uninitialized,
}

impl AccountState {
    fn is_initialized(&self) -> bool {
        *self == AccountState::Initialized
    }
}

impl serde::Serialize for Account {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (code_hash, global_contract_hash, global_contract_account_id) = match &self.contract {
            AccountContract::None => (CryptoHash::default(), None, None),
            AccountContract::Local(hash) => (*hash, None, None),
            AccountContract::Global(hash) => (*hash, Some(*hash), None),
            AccountContract::GlobalByAccount(id) => (CryptoHash::default(), None, Some(id.clone())),
        };
        AccountJson {
            amount: self.amount,
            locked: self.locked,
            code_hash,
            storage_usage: self.storage_usage,
            global_contract_hash,
            global_contract_account_id,
            state: if self.is_initialized() { AccountState::Initialized } else { AccountState::Uninitialized },
            bootstrap_nonce: self.bootstrap_nonce,
        }
        .serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for Account {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Account, D::Error> {
        let json = AccountJson::deserialize(d)?;
        let contract = match (json.global_contract_hash, json.global_contract_account_id) {
            (Some(hash), None) => AccountContract::Global(hash),
            (None, Some(id)) => AccountContract::GlobalByAccount(id),
            (Some(_), Some(_)) => {
                return Err(serde::de::Error::custom("an account uses one global contract, by hash or by account"));
            }
            (None, None) if json.code_hash == CryptoHash::default() => AccountContract::None,
            (None, None) => AccountContract::Local(json.code_hash),
        };
        let bootstrap_nonce = match (json.state, json.bootstrap_nonce) {
            (AccountState::Initialized, None) => None,
            (AccountState::Uninitialized, Some(nonce)) if json.locked == 0 && contract == AccountContract::None => {
                Some(nonce)
            }
            (AccountState::Initialized, Some(_)) => {
                return Err(serde::de::Error::custom("only an uninitialized account carries a bootstrap_nonce"));
            }
            (AccountState::Uninitialized, _) => {
                return Err(serde::de::Error::custom(
                    "an uninitialized account has a bootstrap_nonce and no stake or contract",
                ));
            }
        };
        Ok(Account {
            amount: json.amount,
            locked: json.locked,
            contract,
            storage_usage: json.storage_usage,
            bootstrap_nonce,
        })
    }
}

/// An access key: its nonce and what it may sign.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub struct AccessKey {
    /// The last nonce used by a transaction signed with this key.
    pub nonce: Nonce,
    /// What the key may do.
    pub permission: AccessKeyPermission,
}

impl AccessKey {
    /// Borsh length of a gas key nonce record's value (a `u64`).
    pub const NONCE_VALUE_LEN: u64 = 8;
    /// Bytes of a gas key nonce's index at the end of its trie key (a `u16`).
    pub const NONCE_INDEX_LEN: u64 = 2;
    /// Borsh length of the smallest gas key record (`nonce: u64`, permission tag,
    /// `GasKeyInfo`): what a transfer to a gas key is charged for reading and writing.
    pub const MIN_GAS_KEY_RECORD_LEN: u64 = 8 + 1 + GasKeyInfo::BORSH_LEN;

    /// A full-access key with nonce 0.
    pub fn full_access() -> AccessKey {
        AccessKey { nonce: 0, permission: AccessKeyPermission::FullAccess }
    }

    /// The gas key's balance and nonces, for gas keys.
    pub fn gas_key_info(&self) -> Option<&GasKeyInfo> {
        self.permission.gas_key_info()
    }

    /// The gas key's balance and nonces, mutably, for gas keys.
    pub fn gas_key_info_mut(&mut self) -> Option<&mut GasKeyInfo> {
        match &mut self.permission {
            AccessKeyPermission::GasKeyFunctionCall(info, _) | AccessKeyPermission::GasKeyFullAccess(info) => {
                Some(info)
            }
            AccessKeyPermission::FunctionCall(_) | AccessKeyPermission::FullAccess => None,
        }
    }
}

/// What an access key may sign. Borsh tags: FunctionCall = 0, FullAccess = 1,
/// GasKeyFunctionCall = 2, GasKeyFullAccess = 3 (nearcore's).
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub enum AccessKeyPermission {
    /// Only function calls to one receiver, optionally limited to some methods, paid from an
    /// allowance.
    FunctionCall(FunctionCallPermission),
    /// Anything.
    FullAccess,
    /// A gas key (its own prepaid balance pays for gas) limited as a function-call key.
    GasKeyFunctionCall(GasKeyInfo, FunctionCallPermission),
    /// A gas key with full access.
    GasKeyFullAccess(GasKeyInfo),
}

impl AccessKeyPermission {
    /// The most nonces a gas key may have (nearcore's `MAX_NONCES_FOR_GAS_KEY`).
    pub const MAX_NONCES_FOR_GAS_KEY: u16 = 1024;

    /// The function-call limits, for function-call keys and gas keys.
    pub fn function_call_permission(&self) -> Option<&FunctionCallPermission> {
        match self {
            AccessKeyPermission::FunctionCall(p) | AccessKeyPermission::GasKeyFunctionCall(_, p) => Some(p),
            AccessKeyPermission::FullAccess | AccessKeyPermission::GasKeyFullAccess(_) => None,
        }
    }

    /// The gas key's balance and nonces, for gas keys.
    pub fn gas_key_info(&self) -> Option<&GasKeyInfo> {
        match self {
            AccessKeyPermission::GasKeyFunctionCall(info, _) | AccessKeyPermission::GasKeyFullAccess(info) => {
                Some(info)
            }
            AccessKeyPermission::FunctionCall(_) | AccessKeyPermission::FullAccess => None,
        }
    }
}

/// A gas key's prepaid balance and its number of parallel nonces.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub struct GasKeyInfo {
    /// Balance that pays for the gas of transactions it signs.
    #[serde(with = "dec_format")]
    pub balance: Balance,
    /// Number of independent nonces (nearcore's `NonceIndex`, at most 1024).
    pub num_nonces: u16,
}

impl GasKeyInfo {
    /// Borsh length of a `GasKeyInfo` (`balance: u128`, `num_nonces: u16`).
    pub const BORSH_LEN: u64 = 16 + 2;
    /// The most a key's (or an account's, summed over its gas keys) balance may be when deleting
    /// burns it: 1 NEAR. Deleting more fails with `GasKeyBalanceTooHigh`.
    pub const MAX_BALANCE_TO_BURN: Balance = 1_000_000_000_000_000_000_000_000;
}

/// The limits of a function-call access key.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
pub struct FunctionCallPermission {
    /// Gas fees this key may still spend; `None` is unlimited.
    #[serde(with = "option_dec_format", default)]
    pub allowance: Option<Balance>,
    /// The only account this key may call.
    pub receiver_id: String,
    /// Methods it may call; empty means any.
    pub method_names: Vec<String>,
}
