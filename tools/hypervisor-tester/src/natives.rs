//! The built-in native handlers scenarios can use, and the authorization middleware.
//!
//! - `native:counter`: the same state and encoding as the wasm `hv_counter` (so accounts can
//!   migrate between them): `on_create(u64 LE)`, `inc`, `dec` (handler error 1 below zero),
//!   `get` (readonly), `on_migrate`; responses are the count, u64 LE.
//! - `module:bank` (load it with the admin's address as config): JSON data, addresses as
//!   strings (`0x…` hex, else UTF-8): `module:mint {"to", "amount"}` (admin only, else handler
//!   error 1), `module:send {"to", "amount"}` (from the caller; handler error 2 when short),
//!   `module:burn {"amount"}`, `module:balance {"of"}` and `module:supply` (readonly); amounts
//!   answer as JSON numbers.
//! - `native:caller`: `call(spec)` sends the message a call spec describes (the format of the
//!   wasm `hv_caller`, built with `data_call`) and answers its response;
//! - `native:vesting`: `on_create {"beneficiary"}`; `unlock` (the beneficiary only) sends the
//!   account's whole bank balance to the beneficiary, destroys the account and answers the
//!   amount.

use near_hypervisor::vm::AuthorizationMiddleware;
use near_hypervisor::{
    AccountHandler, Address, ErrorCode, HandlerMetadata, Host, Invoke, MessageMetadata, MessageName, MessageRequest,
    NativeVm, Volatility,
};
use serde_json::{Value, json};

fn metadata(messages: &[(&str, Volatility)]) -> HandlerMetadata {
    let messages = messages
        .iter()
        .map(|(name, volatility)| MessageMetadata {
            name: MessageName::new(*name).expect("built-in message names are valid"),
            volatility: *volatility,
            extra: Vec::new(),
        })
        .collect();
    HandlerMetadata { messages, ..HandlerMetadata::default() }
}

/// Registers the built-ins named in `names` (all of `counter`, `bank`, `vesting`, `caller` when
/// `None`).
///
/// # Errors
/// The name of an unknown built-in.
pub fn native_vm(names: Option<&[String]>) -> Result<NativeVm, String> {
    let mut vm = NativeVm::new();
    let all = ["counter", "bank", "vesting", "caller"].map(String::from);
    for name in names.unwrap_or(&all) {
        let registered = match name.as_str() {
            "counter" => vm.register("counter", Counter, Counter::metadata()),
            "bank" => vm.register_module("bank", Bank, Bank::metadata()),
            "vesting" => vm.register("vesting", Vesting, Vesting::metadata()),
            "caller" => vm.register("caller", Caller, metadata(&[("call", Volatility::Volatile)])),
            other => return Err(format!("no built-in native handler `{other}` (counter, bank, vesting, caller)")),
        };
        registered.map_err(|_| format!("built-in `{name}` listed twice"))?;
    }
    Ok(vm)
}

fn u64_of(bytes: Option<Vec<u8>>) -> u64 {
    bytes.and_then(|b| b.get(..8).map(|b| u64::from_le_bytes(b.try_into().unwrap_or([0; 8])))).unwrap_or(0)
}

struct Counter;

impl Counter {
    fn metadata() -> HandlerMetadata {
        metadata(&[
            ("on_create", Volatility::Volatile),
            ("inc", Volatility::Volatile),
            ("dec", Volatility::Volatile),
            ("get", Volatility::Readonly),
            ("on_migrate", Volatility::Volatile),
        ])
    }
}

impl AccountHandler for Counter {
    fn handle(&self, request: &MessageRequest<'_>, host: &mut dyn Host) -> Result<Vec<u8>, ErrorCode> {
        let token = &request.state_token;
        let count = u64_of(host.state_get(token, b"count")?);
        let next = match request.name.as_str() {
            "on_create" => u64_of(Some(request.data.to_vec())),
            "inc" => count.checked_add(1).ok_or(ErrorCode::Handler(2))?,
            "dec" => count.checked_sub(1).ok_or(ErrorCode::Handler(1))?,
            "on_migrate" => return Ok(Vec::new()),
            _ => return Ok(count.to_le_bytes().to_vec()),
        };
        host.state_set(token, b"count", &next.to_le_bytes())?;
        Ok(next.to_le_bytes().to_vec())
    }
}

/// An address written in JSON data: `0x…` hex, else the string's bytes.
pub fn address_of(value: &Value) -> Result<Vec<u8>, ErrorCode> {
    let text = value.as_str().ok_or(ErrorCode::Encoding)?;
    match text.strip_prefix("0x") {
        Some(hex) => hex::decode(hex).map_err(|_| ErrorCode::Encoding),
        None => Ok(text.as_bytes().to_vec()),
    }
}

fn json(data: &[u8]) -> Result<Value, ErrorCode> {
    serde_json::from_slice(data).map_err(|_| ErrorCode::Encoding)
}

fn amount(data: &Value) -> Result<u64, ErrorCode> {
    data.get("amount").and_then(Value::as_u64).ok_or(ErrorCode::Encoding)
}

fn balance_key(address: &[u8]) -> Vec<u8> {
    [b"balance/".as_slice(), address].concat()
}

fn add(host: &mut dyn Host, token: &[u8; 32], key: &[u8], delta: i128) -> Result<(), ErrorCode> {
    let now = i128::from(u64_of(host.state_get(token, key)?));
    let next = u64::try_from(now + delta).map_err(|_| ErrorCode::Handler(2))?;
    host.state_set(token, key, &next.to_le_bytes())
}

struct Bank;

impl Bank {
    fn metadata() -> HandlerMetadata {
        metadata(&[
            ("module:mint", Volatility::Volatile),
            ("module:send", Volatility::Volatile),
            ("module:burn", Volatility::Volatile),
            ("module:balance", Volatility::Readonly),
            ("module:supply", Volatility::Readonly),
        ])
    }
}

impl AccountHandler for Bank {
    fn handle(&self, request: &MessageRequest<'_>, host: &mut dyn Host) -> Result<Vec<u8>, ErrorCode> {
        let token = &request.state_token;
        let caller = request.caller.map(|c| c.as_bytes().to_vec());
        let number = |n: u64| Ok(json!(n).to_string().into_bytes());
        match request.name.as_str() {
            "module:supply" => number(u64_of(host.state_get(token, b"supply")?)),
            "module:balance" => {
                let of = address_of(json(request.data)?.get("of").ok_or(ErrorCode::Encoding)?)?;
                number(u64_of(host.state_get(token, &balance_key(&of))?))
            }
            "module:mint" => {
                let data = json(request.data)?;
                if caller.is_none() || caller != host.state_get(token, near_hypervisor::MODULE_CONFIG_KEY)? {
                    return Err(ErrorCode::Handler(1));
                }
                let to = address_of(data.get("to").ok_or(ErrorCode::Encoding)?)?;
                add(host, token, &balance_key(&to), i128::from(amount(&data)?))?;
                add(host, token, b"supply", i128::from(amount(&data)?))?;
                Ok(Vec::new())
            }
            "module:send" => {
                let data = json(request.data)?;
                let from = caller.ok_or(ErrorCode::UnauthorizedCaller)?;
                let to = address_of(data.get("to").ok_or(ErrorCode::Encoding)?)?;
                add(host, token, &balance_key(&from), -i128::from(amount(&data)?))?;
                add(host, token, &balance_key(&to), i128::from(amount(&data)?))?;
                Ok(Vec::new())
            }
            "module:burn" => {
                let data = json(request.data)?;
                let from = caller.ok_or(ErrorCode::UnauthorizedCaller)?;
                add(host, token, &balance_key(&from), -i128::from(amount(&data)?))?;
                add(host, token, b"supply", -i128::from(amount(&data)?))?;
                Ok(Vec::new())
            }
            _ => Err(ErrorCode::MessageNotHandled),
        }
    }
}

struct Caller;

impl AccountHandler for Caller {
    fn handle(&self, request: &MessageRequest<'_>, host: &mut dyn Host) -> Result<Vec<u8>, ErrorCode> {
        let (receiver, name, gas_limit, data) =
            near_hypervisor_wasm::call_spec::decode(request.data).ok_or(ErrorCode::Encoding)?;
        host.invoke(Invoke { receiver, caller: None, name, data, context_token: request.context_token, gas_limit })
    }
}

struct Vesting;

impl Vesting {
    fn metadata() -> HandlerMetadata {
        metadata(&[("on_create", Volatility::Volatile), ("unlock", Volatility::Volatile)])
    }
}

impl AccountHandler for Vesting {
    fn handle(&self, request: &MessageRequest<'_>, host: &mut dyn Host) -> Result<Vec<u8>, ErrorCode> {
        let token = &request.state_token;
        if request.name.as_str() == "on_create" {
            let beneficiary = address_of(json(request.data)?.get("beneficiary").ok_or(ErrorCode::Encoding)?)?;
            return host.state_set(token, b"beneficiary", &beneficiary).map(|()| Vec::new());
        }
        let beneficiary = host.state_get(token, b"beneficiary")?.ok_or(ErrorCode::Handler(4))?;
        if request.caller.map(Address::as_bytes) != Some(beneficiary.as_slice()) {
            return Err(ErrorCode::UnauthorizedCaller);
        }
        let own = request.address.as_bytes();
        let mut send = |name: &str, data: Vec<u8>| {
            host.invoke(Invoke {
                receiver: None,
                caller: None,
                name: MessageName::new(name)?,
                data,
                context_token: request.context_token,
                gas_limit: u64::MAX,
            })
        };
        let of = json!({ "of": format!("0x{}", hex::encode(own)) });
        let balance =
            json(&send("module:balance", of.to_string().into_bytes())?)?.as_u64().ok_or(ErrorCode::Encoding)?;
        let to = format!("0x{}", hex::encode(&beneficiary));
        send("module:send", json!({ "to": to, "amount": balance }).to_string().into_bytes())?;
        send("module:destroy", borsh::to_vec(&own.to_vec()).map_err(|_| ErrorCode::Encoding)?)?;
        Ok(json!(balance).to_string().into_bytes())
    }
}

/// Lets `delegate` act as `principal` for the listed messages (all when empty).
#[derive(Debug, Clone)]
pub struct Delegation {
    /// Who acts.
    pub delegate: Address,
    /// As whom.
    pub principal: Address,
    /// For which messages.
    pub messages: Vec<String>,
}

/// The scenario's delegations, as one middleware.
pub struct Delegations(pub Vec<Delegation>);

impl AuthorizationMiddleware for Delegations {
    fn authorize(&self, real_caller: &Address, invoke: &Invoke) -> bool {
        self.0.iter().any(|d| {
            &d.delegate == real_caller
                && invoke.caller.as_ref() == Some(&d.principal)
                && (d.messages.is_empty() || d.messages.iter().any(|m| m == invoke.name.as_str()))
        })
    }
}
