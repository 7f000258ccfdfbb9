//! The lifecycle messages, handled by the hypervisor itself as a module: `module:create`,
//! `module:destroy`, `module:migrate`, `module:force_migrate` (volatile) and
//! `module:get_handler_id` (readonly). Data is borsh:
//!
//! | message | data | response |
//! |---|---|---|
//! | `module:create` | `(handler_id: String, init_data: Vec<u8>)` | the new address's bytes |
//! | `module:destroy` | `address: Vec<u8>` | empty |
//! | `module:migrate` | `(address: Vec<u8>, new_handler_id: String)` | empty |
//! | `module:force_migrate` | `(address: Vec<u8>, new_handler_id: String, init_data: Vec<u8>)` | empty |
//! | `module:get_handler_id` | `address: Vec<u8>` | the handler id, UTF-8 |
//! | `module:store_code` | `(machine_id: String, code: Vec<u8>)` | the handler id, UTF-8 |
//!
//! Only the account itself may destroy or migrate it. `create` runs `on_create` (if the
//! handler has it) with the creator as caller; `migrate` requires `on_migrate` on the new
//! handler, runs it with the old handler id as data, and fails (changing nothing) if it fails;
//! `force_migrate` destroys the old state and runs the new handler's `on_create`.

use crate::exec::{Call, Exec, SystemMessages};
use crate::state::{AccountRecord, account_key, code_key, nonce_key};
use crate::types::{Address, ErrorCode, MessageName, Volatility};
use crate::vm::Invoke;

/// The lifecycle message names.
pub mod names {
    use crate::types::MessageName;

    fn name(text: &str) -> MessageName {
        MessageName::new(text).expect("lifecycle names are valid message names")
    }

    /// `module:create`.
    pub fn create() -> MessageName {
        name("module:create")
    }
    /// `module:destroy`.
    pub fn destroy() -> MessageName {
        name("module:destroy")
    }
    /// `module:migrate`.
    pub fn migrate() -> MessageName {
        name("module:migrate")
    }
    /// `module:force_migrate`.
    pub fn force_migrate() -> MessageName {
        name("module:force_migrate")
    }
    /// `module:get_handler_id`.
    pub fn get_handler_id() -> MessageName {
        name("module:get_handler_id")
    }
    /// `on_create`.
    pub fn on_create() -> MessageName {
        name("on_create")
    }
    /// `on_migrate`.
    pub fn on_migrate() -> MessageName {
        name("on_migrate")
    }
}

const LIFECYCLE: [&str; 6] = [
    "module:create",
    "module:destroy",
    "module:migrate",
    "module:force_migrate",
    "module:get_handler_id",
    "module:store_code",
];

/// The lifecycle module, plugged into every session.
pub(crate) struct Lifecycle;

impl SystemMessages for Lifecycle {
    fn handles(&self, name: &MessageName) -> bool {
        name.is_module_message() && LIFECYCLE.contains(&name.as_str())
    }

    fn handle(&self, exec: &mut Exec<'_>, caller: Option<&Address>, invoke: &Invoke) -> Result<Vec<u8>, ErrorCode> {
        handle(exec, caller, invoke)
    }
}

fn decode<T: borsh::BorshDeserialize>(data: &[u8]) -> Result<T, ErrorCode> {
    borsh::from_slice(data).map_err(|_| ErrorCode::Encoding)
}

/// Handles a lifecycle message sent as `caller` (already authorized).
fn handle(exec: &mut Exec<'_>, caller: Option<&Address>, invoke: &Invoke) -> Result<Vec<u8>, ErrorCode> {
    let volatility = exec.current().map_or(Volatility::Pure, |(_, v)| v);
    let name = invoke.name.as_str();
    if name == "module:get_handler_id" {
        if volatility == Volatility::Pure {
            return Err(ErrorCode::VolatilityViolation);
        }
        let address = Address::new(decode::<Vec<u8>>(&invoke.data)?)?;
        return exec.handler_of(&address).map(|bound| bound.handler_id.as_bytes().to_vec());
    }
    if volatility != Volatility::Volatile {
        return Err(ErrorCode::VolatilityViolation);
    }
    let caller = caller.ok_or(ErrorCode::UnauthorizedCaller)?;
    exec.charge(exec.hv.config.gas.lifecycle_base)?;
    exec.handlers.clear();
    exec.state.begin();
    let result = (|| match name {
        "module:create" => {
            let (handler_id, init) = decode::<(String, Vec<u8>)>(&invoke.data)?;
            create(exec, caller, &handler_id, &init, invoke.gas_limit).map(|a| a.as_bytes().to_vec())
        }
        "module:store_code" => {
            let (machine_id, code) = decode::<(String, Vec<u8>)>(&invoke.data)?;
            store_code(exec, &machine_id, &code)
        }
        "module:destroy" => {
            destroy(exec, caller, &Address::new(decode::<Vec<u8>>(&invoke.data)?)?).map(|()| Vec::new())
        }
        "module:migrate" => {
            let (address, handler_id) = decode::<(Vec<u8>, String)>(&invoke.data)?;
            migrate(exec, caller, &Address::new(address)?, &handler_id, invoke.gas_limit).map(|()| Vec::new())
        }
        _ => {
            let (address, handler_id, init) = decode::<(Vec<u8>, String, Vec<u8>)>(&invoke.data)?;
            force_migrate(exec, caller, &Address::new(address)?, &handler_id, &init, invoke.gas_limit)
                .map(|()| Vec::new())
        }
    })();
    match result {
        Ok(_) => exec.state.commit(),
        Err(_) => exec.rollback(),
    }
    exec.handlers.clear();
    result
}

fn write_record(exec: &mut Exec<'_>, address: &Address, handler_id: &str) -> Result<(), ErrorCode> {
    let record =
        borsh::to_vec(&AccountRecord { handler_id: handler_id.to_string() }).map_err(|_| ErrorCode::Encoding)?;
    exec.state.set(account_key(address.as_bytes()), record);
    Ok(())
}

/// An account handler (not a module handler) for `handler_id`.
fn account_handler(exec: &mut Exec<'_>, handler_id: &str) -> Result<crate::vm::ResolvedHandler, ErrorCode> {
    if handler_id.starts_with("module:") {
        return Err(ErrorCode::InvalidHandler);
    }
    let hv = exec.hv;
    hv.resolve(handler_id, exec)
}

/// Stores `code` for the VM `machine_id` (which checks it) and returns its handler id.
fn store_code(exec: &mut Exec<'_>, machine_id: &str, code: &[u8]) -> Result<Vec<u8>, ErrorCode> {
    let gas = exec.hv.config.gas;
    exec.charge(gas.state_write_base.saturating_add(gas.state_byte.saturating_mul(code.len() as u64)))?;
    let id = exec.hv.vm(machine_id)?.accept_code(code)?;
    let handler_id = format!("{machine_id}:{id}");
    exec.state.set(code_key(&handler_id), code.to_vec());
    Ok(handler_id.into_bytes())
}

fn run_lifecycle_message(
    exec: &mut Exec<'_>,
    address: &Address,
    caller: &Address,
    name: &MessageName,
    data: &[u8],
    gas_limit: u64,
) -> Result<(), ErrorCode> {
    let bound = exec.handler_of(address)?;
    let call = Call { address, caller: Some(caller), name, data, gas_limit };
    exec.run(&call, &bound.resolved).map(drop)
}

fn create(
    exec: &mut Exec<'_>,
    creator: &Address,
    handler_id: &str,
    init: &[u8],
    gas: u64,
) -> Result<Address, ErrorCode> {
    let resolved = account_handler(exec, handler_id)?;
    let nonce: u64 = exec.read(&nonce_key(creator.as_bytes()))?.unwrap_or(0);
    let address = exec.hv.addresses.address(creator, handler_id, init, nonce)?;
    if exec.read::<AccountRecord>(&account_key(address.as_bytes()))?.is_some() {
        return Err(ErrorCode::AccountExists);
    }
    exec.state.set(nonce_key(creator.as_bytes()), borsh::to_vec(&(nonce + 1)).map_err(|_| ErrorCode::Encoding)?);
    write_record(exec, &address, handler_id)?;
    exec.handlers.clear();
    let state_handler = exec.hv.state_handler.clone();
    state_handler.create(&mut exec.state, &address, &resolved.metadata.state_config)?;
    if resolved.metadata.message(&names::on_create()).is_some() {
        run_lifecycle_message(exec, &address, creator, &names::on_create(), init, gas)?;
    }
    Ok(address)
}

fn destroy(exec: &mut Exec<'_>, caller: &Address, address: &Address) -> Result<(), ErrorCode> {
    if caller != address {
        return Err(ErrorCode::UnauthorizedCaller);
    }
    exec.handler_of(address)?;
    exec.state.remove(account_key(address.as_bytes()));
    let state_handler = exec.hv.state_handler.clone();
    state_handler.destroy(&mut exec.state, address)
}

fn migrate(
    exec: &mut Exec<'_>,
    caller: &Address,
    address: &Address,
    handler_id: &str,
    gas: u64,
) -> Result<(), ErrorCode> {
    if caller != address {
        return Err(ErrorCode::UnauthorizedCaller);
    }
    let old = exec.handler_of(address)?;
    let new = account_handler(exec, handler_id)?;
    if new.metadata.message(&names::on_migrate()).is_none() {
        return Err(ErrorCode::InvalidHandler);
    }
    write_record(exec, address, handler_id)?;
    let state_handler = exec.hv.state_handler.clone();
    state_handler.migrate(&mut exec.state, address, &old.resolved.metadata.state_config, &new.metadata.state_config)?;
    exec.handlers.clear();
    run_lifecycle_message(exec, address, caller, &names::on_migrate(), old.handler_id.as_bytes(), gas)
}

fn force_migrate(
    exec: &mut Exec<'_>,
    caller: &Address,
    address: &Address,
    handler_id: &str,
    init: &[u8],
    gas: u64,
) -> Result<(), ErrorCode> {
    if caller != address {
        return Err(ErrorCode::UnauthorizedCaller);
    }
    exec.handler_of(address)?;
    let new = account_handler(exec, handler_id)?;
    let state_handler = exec.hv.state_handler.clone();
    state_handler.destroy(&mut exec.state, address)?;
    write_record(exec, address, handler_id)?;
    exec.handlers.clear();
    state_handler.create(&mut exec.state, address, &new.metadata.state_config)?;
    if new.metadata.message(&names::on_create()).is_some() {
        run_lifecycle_message(exec, address, caller, &names::on_create(), init, gas)?;
    }
    Ok(())
}
