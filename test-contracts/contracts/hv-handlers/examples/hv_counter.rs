//! A counter: `on_create(start)`, `inc`, `dec` (handler error 1 on underflow), `get`
//! (readonly), `pure_constant` (pure, answers `42`), `on_migrate` (keeps the count).
#![no_std]

extern crate alloc;

use alloc::vec::Vec;
use hv_handlers::u64_of;
use near_hypervisor_guest::{codes, handler, Request, Volatility};

fn count(request: &Request) -> Result<u64, u16> {
    Ok(u64_of(request.state_get(b"count")?.as_deref()))
}

fn store(request: &Request, value: u64) -> Result<Vec<u8>, u16> {
    request.state_set(b"count", &value.to_le_bytes())?;
    Ok(value.to_le_bytes().to_vec())
}

fn handle(request: &Request) -> Result<Vec<u8>, u16> {
    match request.name {
        "on_create" => store(request, u64_of(Some(request.data))),
        "inc" => store(request, count(request)? + 1),
        "dec" => {
            let value = count(request)?.checked_sub(1).ok_or(codes::handler(1))?;
            store(request, value)
        }
        "get" => Ok(count(request)?.to_le_bytes().to_vec()),
        "on_migrate" => Ok(Vec::new()),
        "pure_constant" => Ok(b"42".to_vec()),
        _ => Err(codes::OTHER),
    }
}

handler! {
    messages: [
        ("on_create", Volatility::Volatile),
        ("inc", Volatility::Volatile),
        ("dec", Volatility::Volatile),
        ("get", Volatility::Readonly),
        ("on_migrate", Volatility::Volatile),
        ("pure_constant", Volatility::Pure),
    ],
    handle: handle,
}
