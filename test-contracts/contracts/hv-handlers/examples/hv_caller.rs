//! A cross-VM caller (its native twin is in near-hypervisor-wasm's tests). Call specs are
//! `hv_handlers::parse_call`'s format.
//!
//! - `call(spec)` (volatile), `call_readonly(spec)` (readonly), `call_pure(spec)` (pure): send
//!   the message and answer its response, or fail with its error;
//! - `call_catch(spec)`: answers `[0] ‖ response` or `[1] ‖ code (u16 LE)`;
//! - `call_n(n ‖ spec)`: sends it n times (benchmarks);
//! - `call_as(len ‖ caller ‖ spec)`: sends acting as `caller` (needs a middleware);
//! - `call_forged(spec)`: sends with a context token that is not the one received;
//! - `save_token` / `call_saved(spec)`: keeps this call's context token in state / sends with
//!   a token saved by an earlier call (a replay);
//! - `recurse(n)`: calls itself n levels deep, answers the depth reached;
//! - `whoami`, `whoami_readonly`, `whoami_pure`: answer the caller they were given (empty: none);
//! - `set(value)`, `get` (readonly), `set_then_call(spec)` (writes `before`, then sends),
//!   `set_then_catch(spec)` (writes `before`, sends, answers like `call_catch`);
//! - `on_create`, `on_migrate`: accept.
#![no_std]

extern crate alloc;

use alloc::vec::Vec;
use hv_handlers::{parse_call, u64_of};
use near_hypervisor_guest::{codes, handler, Request, Volatility};

fn send(request: &Request, spec: &[u8]) -> Result<Vec<u8>, u16> {
    let (receiver, name, gas, payload) = parse_call(spec).ok_or(codes::ENCODING)?;
    request.invoke(receiver, name, payload, gas)
}

fn caught(result: Result<Vec<u8>, u16>) -> Vec<u8> {
    match result {
        Ok(response) => [&[0u8][..], &response].concat(),
        Err(code) => [&[1u8][..], &code.to_le_bytes()].concat(),
    }
}

fn with_token<'a>(request: &Request<'a>, token: [u8; 32]) -> Request<'a> {
    let mut other = request.clone();
    other.context_token = token;
    other
}

fn handle(request: &Request) -> Result<Vec<u8>, u16> {
    let data = request.data;
    match request.name {
        "call" | "call_readonly" | "call_pure" => send(request, data),
        "call_catch" => Ok(caught(send(request, data))),
        "call_n" => {
            for _ in 0..u64_of(data.get(..8)) {
                send(request, &data[8..])?;
            }
            Ok(Vec::new())
        }
        "call_as" => {
            let len = *data.first().ok_or(codes::ENCODING)? as usize;
            let caller = data.get(1..1 + len).ok_or(codes::ENCODING)?;
            let (receiver, name, gas, payload) = parse_call(&data[1 + len..]).ok_or(codes::ENCODING)?;
            request.invoke_as(receiver, Some(caller), name, payload, gas)
        }
        "call_forged" => {
            let mut token = request.context_token;
            token[0] ^= 1;
            send(&with_token(request, token), data)
        }
        "save_token" => request.state_set(b"token", &request.context_token).map(|()| Vec::new()),
        "call_saved" => {
            let saved = request.state_get(b"token")?.ok_or(codes::OTHER)?;
            let token: [u8; 32] = saved.as_slice().try_into().map_err(|_| codes::OTHER)?;
            send(&with_token(request, token), data)
        }
        "recurse" => {
            let n = u64_of(Some(data));
            if n == 0 {
                return Ok(0u64.to_le_bytes().to_vec());
            }
            let inner = request.invoke(Some(request.address), "recurse", &(n - 1).to_le_bytes(), u64::MAX)?;
            Ok((u64_of(Some(&inner)) + 1).to_le_bytes().to_vec())
        }
        "whoami" | "whoami_readonly" | "whoami_pure" => Ok(request.caller.map(<[u8]>::to_vec).unwrap_or_default()),
        "set" => request.state_set(b"value", data).map(|()| Vec::new()),
        "get" => Ok(request.state_get(b"value")?.unwrap_or_default()),
        "set_then_call" => {
            request.state_set(b"value", b"before")?;
            send(request, data)
        }
        "set_then_catch" => {
            request.state_set(b"value", b"before")?;
            Ok(caught(send(request, data)))
        }
        "on_create" | "on_migrate" => Ok(Vec::new()),
        _ => Err(codes::OTHER),
    }
}

handler! {
    messages: [
        ("call", Volatility::Volatile),
        ("call_readonly", Volatility::Readonly),
        ("call_pure", Volatility::Pure),
        ("call_catch", Volatility::Volatile),
        ("call_n", Volatility::Volatile),
        ("call_as", Volatility::Volatile),
        ("call_forged", Volatility::Volatile),
        ("save_token", Volatility::Volatile),
        ("call_saved", Volatility::Volatile),
        ("recurse", Volatility::Volatile),
        ("whoami", Volatility::Volatile),
        ("whoami_readonly", Volatility::Readonly),
        ("whoami_pure", Volatility::Pure),
        ("set", Volatility::Volatile),
        ("get", Volatility::Readonly),
        ("set_then_call", Volatility::Volatile),
        ("set_then_catch", Volatility::Volatile),
        ("on_create", Volatility::Volatile),
        ("on_migrate", Volatility::Volatile),
    ],
    handle: handle,
}
