//! `sneak` (readonly) tries to write state and fails with the hypervisor's error; `peek`
//! (readonly) reads; `pure_read` (pure) tries to read state.
#![no_std]

extern crate alloc;

use alloc::vec::Vec;
use near_hypervisor_guest::{handler, Request, Volatility};

fn handle(request: &Request) -> Result<Vec<u8>, u16> {
    match request.name {
        "sneak" => request.state_set(b"key", b"value").map(|()| Vec::new()),
        "pure_read" => request.state_get(b"key").map(|v| v.unwrap_or_default()),
        _ => Ok(request.state_get(b"key")?.unwrap_or_default()),
    }
}

handler! {
    messages: [("sneak", Volatility::Readonly), ("peek", Volatility::Readonly), ("pure_read", Volatility::Pure)],
    handle: handle,
}
