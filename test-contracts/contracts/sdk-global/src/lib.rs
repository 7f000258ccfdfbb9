//! A near-sdk 5.30 factory: deploys global contracts, makes accounts use them, creates a
//! deterministic and a universal account, sets a promise's `refund_to` and adds a gas key, all
//! through near-sdk's `Promise` and `env` APIs (so the host functions are called as near-sdk
//! calls them). Every method takes no arguments, so nearcore-diff's corpus runs each one.

use near_sdk::state_init::{StateInit, StateInitV1};
use near_sdk::universal_state_init::{UniversalStateInit, UniversalStateInitV1};
use near_sdk::{env, near, AccountId, GlobalContractId, NearToken, Promise, PublicKey};

/// The smallest valid wasm module: the code deployed as a global contract.
const CODE: &[u8] = b"\0asm\x01\0\0\0";

#[near(contract_state)]
#[derive(Default)]
pub struct Factory {}

fn own() -> Promise {
    Promise::new(env::current_account_id())
}

/// The universal state init of a key-only account with the signer's key, running this
/// account's global contract.
fn universal_state_init() -> UniversalStateInit {
    UniversalStateInit::V1(
        UniversalStateInitV1::default()
            .with_code(GlobalContractId::AccountId(env::current_account_id()))
            .with_access_key(env::signer_account_pk()),
    )
}

/// The state init of the deterministic account running this account's global contract.
fn state_init() -> StateInit {
    let code = GlobalContractId::AccountId(env::current_account_id());
    StateInit::V1(
        StateInitV1::code(code).with_data_entry(b"owner".to_vec(), env::current_account_id().as_bytes().to_vec()),
    )
}

#[near]
impl Factory {
    /// Deploys [`CODE`] as a global contract named by this account.
    pub fn deploy_global_by_account(&self) -> Promise {
        own().deploy_global_contract_by_account_id(CODE.to_vec())
    }

    /// Deploys [`CODE`] as a global contract named by its hash.
    pub fn deploy_global_by_hash(&self) -> Promise {
        own().deploy_global_contract(CODE.to_vec())
    }

    /// Makes this account run the global contract it deployed by account (replacing this code).
    pub fn use_own_global(&self) -> Promise {
        own().use_global_contract_by_account_id(env::current_account_id())
    }

    /// Makes this account run the global contract with [`CODE`]'s hash.
    pub fn use_global_by_hash(&self) -> Promise {
        own().use_global_contract(env::sha256_array(CODE))
    }

    /// The id of the deterministic account [`Factory::create_deterministic`] creates.
    pub fn deterministic_id(&self) -> AccountId {
        state_init().derive_account_id()
    }

    /// Creates the deterministic account running this account's global contract, with one data
    /// entry, funded with 1 milliNEAR (what its storage does not need comes back).
    pub fn create_deterministic(&self) -> Promise {
        let init = state_init();
        Promise::new(init.derive_account_id()).state_init(init, NearToken::from_millinear(1))
    }

    /// The `0u` id of [`universal_state_init`], asked of the host (which decodes the bytes).
    pub fn universal_id(&self) -> AccountId {
        env::universal_state_init_to_account_id(&universal_state_init().to_raw()).unwrap_or_else(|_| env::abort())
    }

    /// Whether the host refuses bytes that are not a state init (the status it reports).
    pub fn universal_id_of_garbage(&self) -> String {
        let raw = near_sdk::universal_state_init::RawStateInit::from(b"garbage".to_vec());
        match env::universal_state_init_to_account_id(&raw) {
            Ok(id) => id.to_string(),
            Err(error) => format!("{error:?}"),
        }
    }

    /// Creates the universal account of [`universal_state_init`], funded with 1 milliNEAR.
    pub fn create_universal(&self) -> Promise {
        let init = universal_state_init();
        Promise::new(init.derive_account_id()).universal_state_init(init, NearToken::from_millinear(1))
    }

    /// Sends 1 yoctoNEAR to a missing account with `refund_to` set: the deposit comes back to
    /// `refund.near` when the transfer fails.
    pub fn transfer_with_refund_to(&self) -> Promise {
        let missing: AccountId = "missing.near".parse().unwrap_or_else(|_| env::abort());
        let refund: AccountId = "refund.near".parse().unwrap_or_else(|_| env::abort());
        Promise::new(missing).transfer(NearToken::from_yoctonear(1)).refund_to(refund)
    }

    /// Adds an ed25519 gas key with 4 nonces to this account.
    pub fn add_gas_key(&self) -> Promise {
        let key: PublicKey =
            "ed25519:6E8sCci9badyRkXb3JoRpBj5p8C6Tw41ELDZoiihKEtp".parse().unwrap_or_else(|_| env::abort());
        own().add_gas_key_full_access(key, 4)
    }
}
