//! Modules: loading (records, routes, hooks), routing module messages by name, and the pre
//! and post handlers of a message in module-name order.

use crate::state::{AccountRecord, ModuleRecord, NestedState, account_key, module_key, state_prefix};
use crate::types::{Address, ErrorCode, MessageName};
use crate::vm::HandlerMetadata;
use near_store::StorageError;

/// The state key under which a module finds its configuration bytes (in its own state).
pub const MODULE_CONFIG_KEY: &[u8] = b"config";

/// The trie key routing a module message to its module's address.
pub(crate) fn route_key(message: &str) -> Vec<u8> {
    [&[4u8][..], message.as_bytes()].concat()
}

/// The trie key of a hook: `05 ‖ kind ‖ hooked name ‖ 00 ‖ module name` (so a prefix scan
/// yields hooks ordered by module name).
fn hook_key(kind: u8, hooked: &str, module: &str) -> Vec<u8> {
    [&[5u8, kind][..], hooked.as_bytes(), &[0], module.as_bytes()].concat()
}

const PRE: u8 = 0;
const POST: u8 = 1;

/// The pre and post handlers of a message: (module address, handler message name).
#[derive(Debug, Default)]
pub(crate) struct Hooks {
    pub(crate) pre: Vec<(Address, MessageName)>,
    pub(crate) post: Vec<(Address, MessageName)>,
}

/// The name hooks are registered under: the message name without `module:`.
fn hooked_name(name: &MessageName) -> Option<&str> {
    let bare = name.as_str().strip_prefix("module:").unwrap_or(name.as_str());
    (!bare.starts_with("pre:") && !bare.starts_with("post:")).then_some(bare)
}

/// Whether any loaded module has a pre or post handler.
///
/// # Errors
/// Storage faults.
pub(crate) fn any_hooks(state: &mut NestedState) -> Result<bool, StorageError> {
    Ok(!state.scan_prefix(&[5u8])?.is_empty())
}

pub(crate) fn hooks_for(state: &mut NestedState, name: &MessageName) -> Result<Hooks, StorageError> {
    let mut hooks = Hooks::default();
    let Some(bare) = hooked_name(name) else { return Ok(hooks) };
    for (kind, list, prefix) in [(PRE, &mut hooks.pre, "module:pre:"), (POST, &mut hooks.post, "module:post:")] {
        let scan = [&[5u8, kind][..], bare.as_bytes(), &[0]].concat();
        for (_, value) in state.scan_prefix(&scan)? {
            let address = borsh::from_slice::<Vec<u8>>(&value).ok().and_then(|a| Address::new(a).ok());
            let (Some(address), Ok(message)) = (address, MessageName::new(format!("{prefix}{bare}"))) else {
                continue;
            };
            list.push((address, message));
        }
    }
    Ok(hooks)
}

/// Whether `name` can name a module (1..=59 characters of a message name, so that
/// `mod:<name>` is an address).
pub(crate) fn valid_module_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= 59 && MessageName::new(name.to_string()).is_ok()
}

/// Stores module `name` running `handler_id` (with `metadata`): its record, its account, its
/// routes and hooks, and its config in its own state.
///
/// # Errors
/// `Ok(Err(..))`: `AccountExists` when loaded already, `InvalidHandler` for a module message
/// another module routes. `Err`: storage faults.
pub(crate) fn load(
    state: &mut NestedState,
    name: &str,
    handler_id: &str,
    metadata: &HandlerMetadata,
    config: &[u8],
) -> Result<Result<Address, ErrorCode>, StorageError> {
    if state.get(&module_key(name))?.is_some() {
        return Ok(Err(ErrorCode::AccountExists));
    }
    let Ok(address) = Address::new(format!("mod:{name}").into_bytes()) else { return Ok(Err(ErrorCode::Encoding)) };
    let mut routes = Vec::new();
    for message in &metadata.messages {
        let text = message.name.as_str();
        if let Some(hooked) = text.strip_prefix("module:pre:") {
            routes.push(hook_key(PRE, hooked, name));
        } else if let Some(hooked) = text.strip_prefix("module:post:") {
            routes.push(hook_key(POST, hooked, name));
        } else if message.name.is_module_message() {
            if state.get(&route_key(text))?.is_some() {
                return Ok(Err(ErrorCode::InvalidHandler));
            }
            routes.push(route_key(text));
        }
    }
    let record = ModuleRecord { handler_id: handler_id.to_string(), address: address.clone(), config: config.to_vec() };
    let account = AccountRecord { handler_id: handler_id.to_string() };
    let encode = |value: &dyn Fn() -> std::io::Result<Vec<u8>>| value().unwrap_or_default();
    state.set(module_key(name), encode(&|| borsh::to_vec(&record)));
    state.set(account_key(address.as_bytes()), encode(&|| borsh::to_vec(&account)));
    let routed = encode(&|| borsh::to_vec(&address.as_bytes().to_vec()));
    for key in routes {
        state.set(key, routed.clone());
    }
    state.set([state_prefix(address.as_bytes()), MODULE_CONFIG_KEY.to_vec()].concat(), config.to_vec());
    Ok(Ok(address))
}
