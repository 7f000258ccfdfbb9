//! A module (load it with `load_module`): `module:pre:inc` (readonly; handler error 3 when the
//! message data is `block`), `module:post:inc` (counts the `inc`s it saw), `module:count`
//! (readonly), `module:ping` (answers its caller), `module:config` (readonly; its config).
#![no_std]

extern crate alloc;

use alloc::vec::Vec;
use hv_handlers::u64_of;
use near_hypervisor_guest::{codes, handler, Request, Volatility};

fn handle(request: &Request) -> Result<Vec<u8>, u16> {
    match request.name {
        "module:pre:inc" if request.data == b"block" => Err(codes::handler(3)),
        "module:pre:inc" => Ok(Vec::new()),
        "module:post:inc" => {
            let seen = u64_of(request.state_get(b"seen")?.as_deref()) + 1;
            request.state_set(b"seen", &seen.to_le_bytes()).map(|()| Vec::new())
        }
        "module:count" => Ok(u64_of(request.state_get(b"seen")?.as_deref()).to_le_bytes().to_vec()),
        "module:ping" => Ok(request.caller.map(<[u8]>::to_vec).unwrap_or_default()),
        "module:config" => Ok(request.state_get(b"config")?.unwrap_or_default()),
        _ => Err(codes::OTHER),
    }
}

handler! {
    messages: [
        ("module:pre:inc", Volatility::Readonly),
        ("module:post:inc", Volatility::Volatile),
        ("module:count", Volatility::Readonly),
        ("module:ping", Volatility::Volatile),
        ("module:config", Volatility::Readonly),
    ],
    handle: handle,
}
