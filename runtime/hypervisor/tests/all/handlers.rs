//! Native test handlers: a counter, a proxy that sends whatever it is told, gas burners,
//! migration versions, a bank module, a limits module with a pre-handler, a vesting account,
//! and a delegation middleware.

use borsh::{BorshDeserialize, BorshSerialize};
use near_hypervisor::vm::AuthorizationMiddleware;
use near_hypervisor::{
    AccountHandler, Address, ErrorCode, HandlerMetadata, Host, Invoke, MessageMetadata, MessageName, MessageRequest,
    Volatility,
};

pub(crate) fn name(text: &str) -> MessageName {
    MessageName::new(text).unwrap()
}

pub(crate) fn meta(messages: &[(&str, Volatility)]) -> HandlerMetadata {
    HandlerMetadata {
        messages: messages
            .iter()
            .map(|(n, volatility)| MessageMetadata { name: name(n), volatility: *volatility, extra: Vec::new() })
            .collect(),
        ..HandlerMetadata::default()
    }
}

fn u64_of(bytes: Option<Vec<u8>>) -> u64 {
    bytes.and_then(|b| b.try_into().ok()).map_or(0, u64::from_le_bytes)
}

/// `on_create(start)`, `inc`, `dec` (underflow: handler error 1), `get` (readonly), `pure_get`
/// (pure: tries to read), `sneaky_write` (readonly: tries to write).
pub(crate) struct Counter;

impl Counter {
    pub(crate) fn metadata() -> HandlerMetadata {
        use Volatility::*;
        meta(&[
            ("on_create", Volatile),
            ("inc", Volatile),
            ("dec", Volatile),
            ("get", Readonly),
            ("pure_get", Pure),
            ("sneaky_write", Readonly),
            ("pure_constant", Pure),
        ])
    }
}

impl AccountHandler for Counter {
    fn handle(&self, request: &MessageRequest<'_>, host: &mut dyn Host) -> Result<Vec<u8>, ErrorCode> {
        let token = &request.state_token;
        let value = |host: &mut dyn Host| host.state_get(token, b"n").map(u64_of);
        match request.name.as_str() {
            "on_create" => {
                let start = u64_of(Some(request.data.to_vec()));
                host.state_set(token, b"n", &start.to_le_bytes())?;
                Ok(Vec::new())
            }
            "inc" => {
                let next = value(host)? + 1;
                host.state_set(token, b"n", &next.to_le_bytes())?;
                Ok(next.to_le_bytes().to_vec())
            }
            "dec" => {
                let next = value(host)?.checked_sub(1).ok_or(ErrorCode::Handler(1))?;
                host.state_set(token, b"n", &next.to_le_bytes())?;
                Ok(next.to_le_bytes().to_vec())
            }
            "get" | "pure_get" => Ok(value(host)?.to_le_bytes().to_vec()),
            "sneaky_write" => host.state_set(token, b"n", &7u64.to_le_bytes()).map(|()| Vec::new()),
            "pure_constant" => Ok(b"42".to_vec()),
            _ => Err(ErrorCode::MessageNotHandled),
        }
    }
}

/// What the proxy sends.
#[derive(Debug, Clone, BorshSerialize, BorshDeserialize)]
pub(crate) struct Send {
    pub(crate) receiver: Option<Vec<u8>>,
    pub(crate) act_as: Option<Vec<u8>>,
    pub(crate) name: String,
    pub(crate) data: Vec<u8>,
    pub(crate) gas_limit: u64,
    /// 0: its own token; 1: a forged one; 2: the one `save_token` stored.
    pub(crate) token: u8,
    /// Write `touched` to its own state before sending (to check rollbacks).
    pub(crate) touch: bool,
    /// Return `Ok(code LE)` when the call fails, instead of failing.
    pub(crate) catch: bool,
}

impl Send {
    pub(crate) fn to(receiver: &Address, name: &str, data: &[u8]) -> Send {
        Send {
            receiver: Some(receiver.as_bytes().to_vec()),
            act_as: None,
            name: name.to_string(),
            data: data.to_vec(),
            gas_limit: u64::MAX,
            token: 0,
            touch: false,
            catch: false,
        }
    }

    pub(crate) fn module(name: &str, data: &[u8]) -> Send {
        Send { receiver: None, ..Send::to(&Address::new(b"x".to_vec()).unwrap(), name, data) }
    }

    pub(crate) fn bytes(&self) -> Vec<u8> {
        borsh::to_vec(self).unwrap()
    }
}

/// `send` (volatile), `send_readonly` (readonly), `send_pure` (pure): send what the data says;
/// `save_token`: stores its context token; `on_create`, `on_migrate`: accept.
pub(crate) struct Proxy;

impl Proxy {
    pub(crate) fn metadata() -> HandlerMetadata {
        use Volatility::*;
        meta(&[
            ("send", Volatile),
            ("send_readonly", Readonly),
            ("send_pure", Pure),
            ("save_token", Volatile),
            ("on_create", Volatile),
            ("touched", Readonly),
        ])
    }
}

impl AccountHandler for Proxy {
    fn handle(&self, request: &MessageRequest<'_>, host: &mut dyn Host) -> Result<Vec<u8>, ErrorCode> {
        match request.name.as_str() {
            "on_create" => Ok(Vec::new()),
            "save_token" => host.state_set(&request.state_token, b"token", &request.context_token).map(|()| Vec::new()),
            "touched" => host.state_get(&request.state_token, b"touched").map(Option::unwrap_or_default),
            _ => {
                let send = Send::try_from_slice(request.data).map_err(|_| ErrorCode::Encoding)?;
                if send.touch {
                    host.state_set(&request.state_token, b"touched", b"yes")?;
                }
                let context_token = match send.token {
                    0 => request.context_token,
                    1 => [7; 32],
                    _ => {
                        let saved = host.state_get(&request.state_token, b"token")?.unwrap_or_default();
                        saved.try_into().map_err(|_| ErrorCode::Encoding)?
                    }
                };
                let invoke = Invoke {
                    receiver: send.receiver.map(Address::new).transpose()?,
                    caller: send.act_as.map(Address::new).transpose()?,
                    name: MessageName::new(send.name)?,
                    data: send.data,
                    context_token,
                    gas_limit: send.gas_limit,
                };
                match host.invoke(invoke) {
                    Err(code) if send.catch => Ok(code.code().to_le_bytes().to_vec()),
                    other => other,
                }
            }
        }
    }
}

/// `burn(n)`: writes a key, then consumes `n` gas; `whoami`: returns its caller.
pub(crate) struct Burner;

impl Burner {
    pub(crate) fn metadata() -> HandlerMetadata {
        meta(&[
            ("burn", Volatility::Volatile),
            ("whoami", Volatility::Volatile),
            ("whoami_readonly", Volatility::Readonly),
            ("whoami_pure", Volatility::Pure),
            ("burnt", Volatility::Readonly),
        ])
    }
}

impl AccountHandler for Burner {
    fn handle(&self, request: &MessageRequest<'_>, host: &mut dyn Host) -> Result<Vec<u8>, ErrorCode> {
        match request.name.as_str() {
            "burn" => {
                host.state_set(&request.state_token, b"burnt", b"1")?;
                host.consume_gas(u64_of(Some(request.data.to_vec())))?;
                Ok(Vec::new())
            }
            "burnt" => host.state_get(&request.state_token, b"burnt").map(Option::unwrap_or_default),
            _ => Ok(request.caller.as_ref().map_or_else(Vec::new, |c| c.as_bytes().to_vec())),
        }
    }
}

/// A handler version `v` (`native:h<v>`): `version` returns it; `on_migrate` accepts any old
/// handler in `accepts` (and stores it), fails otherwise.
pub(crate) struct Versioned {
    pub(crate) version: &'static str,
    pub(crate) accepts: &'static [&'static str],
}

impl Versioned {
    pub(crate) fn metadata(with_on_migrate: bool) -> HandlerMetadata {
        let mut messages = vec![
            ("version", Volatility::Readonly),
            ("migrated_from", Volatility::Readonly),
            ("migrate_to", Volatility::Volatile),
            ("force_to", Volatility::Volatile),
            ("set", Volatility::Volatile),
            ("get", Volatility::Readonly),
        ];
        if with_on_migrate {
            messages.push(("on_migrate", Volatility::Volatile));
        }
        messages.push(("on_create", Volatility::Volatile));
        meta(&messages)
    }
}

impl AccountHandler for Versioned {
    fn handle(&self, request: &MessageRequest<'_>, host: &mut dyn Host) -> Result<Vec<u8>, ErrorCode> {
        match request.name.as_str() {
            "version" => Ok(self.version.as_bytes().to_vec()),
            "migrated_from" => host.state_get(&request.state_token, b"from").map(Option::unwrap_or_default),
            "on_create" => host.state_set(&request.state_token, b"init", request.data).map(|()| Vec::new()),
            "set" => host.state_set(&request.state_token, b"value", request.data).map(|()| Vec::new()),
            "get" => host.state_get(&request.state_token, b"value").map(Option::unwrap_or_default),
            "migrate_to" | "force_to" => {
                let own = request.address.as_bytes().to_vec();
                let handler_id = String::from_utf8(request.data.to_vec()).map_err(|_| ErrorCode::Encoding)?;
                let (name, data) = if request.name.as_str() == "migrate_to" {
                    ("module:migrate", borsh::to_vec(&(own, handler_id)))
                } else {
                    ("module:force_migrate", borsh::to_vec(&(own, handler_id, b"fresh".to_vec())))
                };
                host.invoke(Invoke {
                    receiver: None,
                    caller: None,
                    name: MessageName::new(name)?,
                    data: data.map_err(|_| ErrorCode::Encoding)?,
                    context_token: request.context_token,
                    gas_limit: u64::MAX,
                })
            }
            _ => {
                let old = String::from_utf8(request.data.to_vec()).map_err(|_| ErrorCode::Encoding)?;
                if !self.accepts.contains(&old.as_str()) {
                    return Err(ErrorCode::Handler(9));
                }
                host.state_set(&request.state_token, b"from", old.as_bytes())?;
                Ok(Vec::new())
            }
        }
    }
}

/// The bank module: `module:mint` (only the minter in its config), `module:send`,
/// `module:burn`, `module:supply` and `module:balance` (readonly). Amounts u64 LE.
pub(crate) struct Bank;

impl Bank {
    pub(crate) fn metadata() -> HandlerMetadata {
        use Volatility::*;
        meta(&[
            ("module:mint", Volatile),
            ("module:send", Volatile),
            ("module:burn", Volatile),
            ("module:supply", Readonly),
            ("module:balance", Readonly),
        ])
    }
}

fn balance_key(address: &[u8]) -> Vec<u8> {
    [b"b/".as_slice(), address].concat()
}

fn add(host: &mut dyn Host, token: &[u8; 32], key: &[u8], delta: i128) -> Result<(), ErrorCode> {
    let now = i128::from(u64_of(host.state_get(token, key)?));
    let next = u64::try_from(now + delta).map_err(|_| ErrorCode::Handler(2))?;
    host.state_set(token, key, &next.to_le_bytes())
}

impl AccountHandler for Bank {
    fn handle(&self, request: &MessageRequest<'_>, host: &mut dyn Host) -> Result<Vec<u8>, ErrorCode> {
        let token = &request.state_token;
        let caller = request.caller.as_ref().map(|c| c.as_bytes().to_vec());
        match request.name.as_str() {
            "module:mint" => {
                let (to, amount) = <(Vec<u8>, u64)>::try_from_slice(request.data).map_err(|_| ErrorCode::Encoding)?;
                let minter = host.state_get(token, b"config")?;
                if caller.is_none() || caller != minter {
                    return Err(ErrorCode::Handler(1));
                }
                add(host, token, &balance_key(&to), i128::from(amount))?;
                add(host, token, b"supply", i128::from(amount))?;
                Ok(Vec::new())
            }
            "module:send" => {
                let (to, amount) = <(Vec<u8>, u64)>::try_from_slice(request.data).map_err(|_| ErrorCode::Encoding)?;
                let from = caller.ok_or(ErrorCode::UnauthorizedCaller)?;
                add(host, token, &balance_key(&from), -i128::from(amount))?;
                add(host, token, &balance_key(&to), i128::from(amount))?;
                Ok(Vec::new())
            }
            "module:burn" => {
                let amount = u64_of(Some(request.data.to_vec()));
                let from = caller.ok_or(ErrorCode::UnauthorizedCaller)?;
                add(host, token, &balance_key(&from), -i128::from(amount))?;
                add(host, token, b"supply", -i128::from(amount))?;
                Ok(Vec::new())
            }
            "module:supply" => Ok(u64_of(host.state_get(token, b"supply")?).to_le_bytes().to_vec()),
            "module:balance" => Ok(u64_of(host.state_get(token, &balance_key(request.data))?).to_le_bytes().to_vec()),
            _ => Err(ErrorCode::MessageNotHandled),
        }
    }
}

/// A module with a pre-handler on `send`: fails (handler error 3) above the amount in its
/// config, and counts the sends it saw in a post-handler.
pub(crate) struct Limits;

impl Limits {
    pub(crate) fn metadata() -> HandlerMetadata {
        meta(&[
            ("module:pre:send", Volatility::Readonly),
            ("module:post:send", Volatility::Volatile),
            ("module:sends_seen", Volatility::Readonly),
        ])
    }
}

impl AccountHandler for Limits {
    fn handle(&self, request: &MessageRequest<'_>, host: &mut dyn Host) -> Result<Vec<u8>, ErrorCode> {
        let token = &request.state_token;
        match request.name.as_str() {
            "module:pre:send" => {
                let (_, amount) = <(Vec<u8>, u64)>::try_from_slice(request.data).map_err(|_| ErrorCode::Encoding)?;
                let max = u64_of(host.state_get(token, b"config")?);
                if amount > max { Err(ErrorCode::Handler(3)) } else { Ok(Vec::new()) }
            }
            "module:post:send" => add(host, token, b"seen", 1).map(|()| Vec::new()),
            _ => Ok(u64_of(host.state_get(token, b"seen")?).to_le_bytes().to_vec()),
        }
    }
}

/// A vesting account: `on_create(beneficiary)`; `unlock` (only the beneficiary) sends its
/// whole bank balance to the beneficiary and destroys itself.
pub(crate) struct Vesting;

impl Vesting {
    pub(crate) fn metadata() -> HandlerMetadata {
        meta(&[("on_create", Volatility::Volatile), ("unlock", Volatility::Volatile)])
    }
}

impl AccountHandler for Vesting {
    fn handle(&self, request: &MessageRequest<'_>, host: &mut dyn Host) -> Result<Vec<u8>, ErrorCode> {
        let token = &request.state_token;
        if request.name.as_str() == "on_create" {
            return host.state_set(token, b"beneficiary", request.data).map(|()| Vec::new());
        }
        let beneficiary = host.state_get(token, b"beneficiary")?.ok_or(ErrorCode::Handler(4))?;
        if request.caller.as_ref().map(|c| c.as_bytes()) != Some(beneficiary.as_slice()) {
            return Err(ErrorCode::UnauthorizedCaller);
        }
        let own = request.address.as_bytes().to_vec();
        let send = |host: &mut dyn Host, name: &str, data: Vec<u8>| {
            host.invoke(Invoke {
                receiver: None,
                caller: None,
                name: MessageName::new(name)?,
                data,
                context_token: request.context_token,
                gas_limit: u64::MAX,
            })
        };
        let balance = u64_of(Some(send(host, "module:balance", own.clone())?));
        send(host, "module:send", borsh::to_vec(&(beneficiary, balance)).map_err(|_| ErrorCode::Encoding)?)?;
        send(host, "module:destroy", borsh::to_vec(&own).map_err(|_| ErrorCode::Encoding)?)?;
        Ok(balance.to_le_bytes().to_vec())
    }
}

/// Lets `delegate` act as `principal`, for `module:send` only.
pub(crate) struct Delegation {
    pub(crate) delegate: Address,
    pub(crate) principal: Address,
}

impl AuthorizationMiddleware for Delegation {
    fn authorize(&self, real_caller: &Address, invoke: &Invoke) -> bool {
        real_caller == &self.delegate
            && invoke.caller.as_ref() == Some(&self.principal)
            && invoke.name.as_str() == "module:send"
    }
}

/// Panics (a bug in native code must not take the node down).
pub(crate) struct Panicker;

impl AccountHandler for Panicker {
    fn handle(&self, _: &MessageRequest<'_>, host: &mut dyn Host) -> Result<Vec<u8>, ErrorCode> {
        let _ = host.gas_left();
        panic!("a native handler bug")
    }
}

/// A module whose `module:pre:send` appends its name to a shared log (to see the order).
pub(crate) struct Recorder {
    pub(crate) name: &'static str,
    pub(crate) log: std::sync::Arc<std::sync::Mutex<Vec<&'static str>>>,
}

impl AccountHandler for Recorder {
    fn handle(&self, _: &MessageRequest<'_>, _: &mut dyn Host) -> Result<Vec<u8>, ErrorCode> {
        self.log.lock().unwrap().push(self.name);
        Ok(Vec::new())
    }
}
