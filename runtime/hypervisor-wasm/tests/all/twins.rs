//! Native twins of the wasm test handlers (`test-contracts/contracts/hv-handlers`): the same
//! messages, volatility, state keys and answers, so every rule is tested over both VMs with one
//! test body.

use near_hypervisor::{
    AccountHandler, Address, ErrorCode, HandlerMetadata, Host, Invoke, MessageMetadata, MessageName, MessageRequest,
    NativeVm, Token, Volatility,
};
use near_hypervisor_wasm::call_spec::decode as parse_call;

fn metadata(messages: &[(&str, Volatility)]) -> HandlerMetadata {
    let messages = messages
        .iter()
        .map(|(n, v)| MessageMetadata { name: MessageName::new(*n).unwrap(), volatility: *v, extra: vec![] })
        .collect();
    HandlerMetadata { messages, ..HandlerMetadata::default() }
}

fn u64_of(bytes: Option<&[u8]>) -> u64 {
    bytes.and_then(|b| b.get(..8)).map_or(0, |b| u64::from_le_bytes(b.try_into().unwrap()))
}

struct Counter;

impl AccountHandler for Counter {
    fn handle(&self, request: &MessageRequest<'_>, host: &mut dyn Host) -> Result<Vec<u8>, ErrorCode> {
        let token = &request.state_token;
        let next = match request.name.as_str() {
            "pure_constant" => return Ok(b"42".to_vec()),
            "on_migrate" => return Ok(Vec::new()),
            "on_create" => u64_of(Some(request.data)),
            name => {
                let count = u64_of(host.state_get(token, b"count")?.as_deref());
                match name {
                    "inc" => count + 1,
                    "dec" => count.checked_sub(1).ok_or(ErrorCode::Handler(1))?,
                    _ => return Ok(count.to_le_bytes().to_vec()),
                }
            }
        };
        host.state_set(token, b"count", &next.to_le_bytes())?;
        Ok(next.to_le_bytes().to_vec())
    }
}

struct Caller;

fn send(
    request: &MessageRequest<'_>,
    host: &mut dyn Host,
    spec: &[u8],
    caller: Option<Address>,
    token: Token,
) -> Result<Vec<u8>, ErrorCode> {
    let (receiver, name, gas_limit, data) = parse_call(spec).ok_or(ErrorCode::Encoding)?;
    let _ = request;
    host.invoke(Invoke { receiver, caller, name, data, context_token: token, gas_limit })
}

fn caught(result: Result<Vec<u8>, ErrorCode>) -> Vec<u8> {
    match result {
        Ok(response) => [&[0u8][..], &response].concat(),
        Err(code) => [&[1u8][..], &code.code().to_le_bytes()].concat(),
    }
}

impl AccountHandler for Caller {
    fn handle(&self, request: &MessageRequest<'_>, host: &mut dyn Host) -> Result<Vec<u8>, ErrorCode> {
        let (data, token, state) = (request.data, request.context_token, &request.state_token);
        match request.name.as_str() {
            "call" | "call_readonly" | "call_pure" => send(request, host, data, None, token),
            "call_catch" => Ok(caught(send(request, host, data, None, token))),
            "call_n" => {
                for _ in 0..u64_of(Some(data)) {
                    send(request, host, &data[8..], None, token)?;
                }
                Ok(Vec::new())
            }
            "call_as" => {
                let len = usize::from(*data.first().ok_or(ErrorCode::Encoding)?);
                let caller = Address::new(data.get(1..1 + len).ok_or(ErrorCode::Encoding)?.to_vec())?;
                send(request, host, &data[1 + len..], Some(caller), token)
            }
            "call_forged" => {
                let mut forged = token;
                forged[0] ^= 1;
                send(request, host, data, None, forged)
            }
            "save_token" => host.state_set(state, b"token", &token).map(|()| Vec::new()),
            "call_saved" => {
                let saved = host.state_get(state, b"token")?.ok_or(ErrorCode::Other)?;
                send(request, host, data, None, saved.try_into().map_err(|_| ErrorCode::Other)?)
            }
            "recurse" => {
                let n = u64_of(Some(data));
                if n == 0 {
                    return Ok(0u64.to_le_bytes().to_vec());
                }
                let inner = host.invoke(Invoke {
                    receiver: Some(request.address.clone()),
                    caller: None,
                    name: request.name.clone(),
                    data: (n - 1).to_le_bytes().to_vec(),
                    context_token: token,
                    gas_limit: u64::MAX,
                })?;
                Ok((u64_of(Some(&inner)) + 1).to_le_bytes().to_vec())
            }
            "whoami" | "whoami_readonly" | "whoami_pure" => {
                Ok(request.caller.map(|c| c.as_bytes().to_vec()).unwrap_or_default())
            }
            "set" => host.state_set(state, b"value", data).map(|()| Vec::new()),
            "get" => Ok(host.state_get(state, b"value")?.unwrap_or_default()),
            "set_then_call" => {
                host.state_set(state, b"value", b"before")?;
                send(request, host, data, None, token)
            }
            "set_then_catch" => {
                host.state_set(state, b"value", b"before")?;
                Ok(caught(send(request, host, data, None, token)))
            }
            "on_create" | "on_migrate" => Ok(Vec::new()),
            _ => Err(ErrorCode::Other),
        }
    }
}

struct Trapper;

impl AccountHandler for Trapper {
    fn handle(&self, request: &MessageRequest<'_>, host: &mut dyn Host) -> Result<Vec<u8>, ErrorCode> {
        if request.name.as_str() == "peek" {
            return Ok(host.state_get(&request.state_token, b"written")?.unwrap_or_default());
        }
        host.state_set(&request.state_token, b"written", b"yes")?;
        panic!("boom")
    }
}

/// The native way to loop forever: burn gas until it runs out.
struct Looper;

impl AccountHandler for Looper {
    fn handle(&self, request: &MessageRequest<'_>, host: &mut dyn Host) -> Result<Vec<u8>, ErrorCode> {
        if request.name.as_str() == "peek" {
            return Ok(host.state_get(&request.state_token, b"written")?.unwrap_or_default());
        }
        host.state_set(&request.state_token, b"written", b"yes")?;
        loop {
            host.consume_gas(1_000_000)?;
        }
    }
}

struct ReadonlyWriter;

impl AccountHandler for ReadonlyWriter {
    fn handle(&self, request: &MessageRequest<'_>, host: &mut dyn Host) -> Result<Vec<u8>, ErrorCode> {
        let token = &request.state_token;
        match request.name.as_str() {
            "sneak" => host.state_set(token, b"key", b"value").map(|()| Vec::new()),
            _ => Ok(host.state_get(token, b"key")?.unwrap_or_default()),
        }
    }
}

struct Module;

impl AccountHandler for Module {
    fn handle(&self, request: &MessageRequest<'_>, host: &mut dyn Host) -> Result<Vec<u8>, ErrorCode> {
        let token = &request.state_token;
        match request.name.as_str() {
            "module:pre:inc" if request.data == b"block" => Err(ErrorCode::Handler(3)),
            "module:pre:inc" => Ok(Vec::new()),
            "module:post:inc" => {
                let seen = u64_of(host.state_get(token, b"seen")?.as_deref()) + 1;
                host.state_set(token, b"seen", &seen.to_le_bytes()).map(|()| Vec::new())
            }
            "module:count" => Ok(u64_of(host.state_get(token, b"seen")?.as_deref()).to_le_bytes().to_vec()),
            "module:ping" => Ok(request.caller.map(|c| c.as_bytes().to_vec()).unwrap_or_default()),
            "module:config" => Ok(host.state_get(token, b"config")?.unwrap_or_default()),
            _ => Err(ErrorCode::Other),
        }
    }
}

/// Registers the twins as `native:hv_counter`, `native:hv_caller`, `native:hv_trapper`,
/// `native:hv_looper`, `native:hv_readonly_writer` and the module `module:hv_module_native`
/// (the wasm one is `module:hv_module`).
pub(crate) fn register(vm: &mut NativeVm) {
    use Volatility::{Pure, Readonly, Volatile};
    let counter = metadata(&[
        ("on_create", Volatile),
        ("inc", Volatile),
        ("dec", Volatile),
        ("get", Readonly),
        ("on_migrate", Volatile),
        ("pure_constant", Pure),
    ]);
    vm.register("hv_counter", Counter, counter).unwrap();
    let caller = metadata(&[
        ("call", Volatile),
        ("call_readonly", Readonly),
        ("call_pure", Pure),
        ("call_catch", Volatile),
        ("call_n", Volatile),
        ("call_as", Volatile),
        ("call_forged", Volatile),
        ("save_token", Volatile),
        ("call_saved", Volatile),
        ("recurse", Volatile),
        ("whoami", Volatile),
        ("whoami_readonly", Readonly),
        ("whoami_pure", Pure),
        ("set", Volatile),
        ("get", Readonly),
        ("set_then_call", Volatile),
        ("set_then_catch", Volatile),
        ("on_create", Volatile),
        ("on_migrate", Volatile),
    ]);
    vm.register("hv_caller", Caller, caller).unwrap();
    vm.register("hv_trapper", Trapper, metadata(&[("boom", Volatile), ("peek", Readonly)])).unwrap();
    vm.register("hv_looper", Looper, metadata(&[("spin", Volatile), ("peek", Readonly)])).unwrap();
    let writer = metadata(&[("sneak", Readonly), ("peek", Readonly), ("pure_read", Pure)]);
    vm.register("hv_readonly_writer", ReadonlyWriter, writer).unwrap();
    let module = metadata(&[
        ("module:pre:inc", Readonly),
        ("module:post:inc", Volatile),
        ("module:count", Readonly),
        ("module:ping", Volatile),
        ("module:config", Readonly),
    ]);
    vm.register_module("hv_module_native", Module, module).unwrap();
}
