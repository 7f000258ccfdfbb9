//! A cross-VM caller. `call(spec)` sends the message the spec describes (see
//! `hv_handlers::parse_call`) and returns its response or fails with its error;
//! `call_n(n ‖ spec)` sends it n times (benchmarks); `call_catch(spec)` returns `[0] ‖ response` or `[1] ‖ code (u16 LE)`; `set(value)` and `get`
//! keep a value in state; `set_then_call(spec)` writes `before` first; `call_readonly(spec)` is
//! the same as `call` from a readonly message; `on_migrate` accepts migrations.
#![no_std]

extern crate alloc;

use alloc::vec::Vec;
use hv_handlers::parse_call;
use near_hypervisor_guest::{Request, Volatility, codes, handler};

fn send(request: &Request, spec: &[u8]) -> Result<Vec<u8>, u16> {
    let (receiver, name, gas, payload) = parse_call(spec).ok_or(codes::ENCODING)?;
    request.invoke(receiver, name, payload, gas)
}

fn handle(request: &Request) -> Result<Vec<u8>, u16> {
    match request.name.as_str() {
        "call" | "call_readonly" => send(request, &request.data),
        "call_catch" => Ok(match send(request, &request.data) {
            Ok(response) => [&[0u8][..], &response].concat(),
            Err(code) => [&[1u8][..], &code.to_le_bytes()].concat(),
        }),
        "call_n" => {
            let count = hv_handlers::u64_of(request.data.get(..8));
            for _ in 0..count {
                send(request, &request.data[8..])?;
            }
            Ok(Vec::new())
        }
        "set" => request.state_set(b"value", &request.data).map(|()| Vec::new()),
        "get" => Ok(request.state_get(b"value")?.unwrap_or_default()),
        "set_then_call" => {
            request.state_set(b"value", b"before")?;
            send(request, &request.data)
        }
        "on_create" | "on_migrate" => Ok(Vec::new()),
        _ => Err(codes::OTHER),
    }
}

handler! {
    messages: [
        ("call", Volatility::Volatile),
        ("call_catch", Volatility::Volatile),
        ("call_n", Volatility::Volatile),
        ("call_readonly", Volatility::Readonly),
        ("set", Volatility::Volatile),
        ("get", Volatility::Readonly),
        ("set_then_call", Volatility::Volatile),
        ("on_create", Volatility::Volatile),
        ("on_migrate", Volatility::Volatile),
    ],
    handle: handle,
}
