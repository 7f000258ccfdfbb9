//! `boom`: writes state, then traps (a panic is a wasm `unreachable`); `peek` (readonly) reads
//! what `boom` wrote (nothing, once rolled back).
#![no_std]

extern crate alloc;

use alloc::vec::Vec;
use near_hypervisor_guest::{handler, Request, Volatility};

fn handle(request: &Request) -> Result<Vec<u8>, u16> {
    if request.name == "peek" {
        return Ok(request.state_get(b"written")?.unwrap_or_default());
    }
    request.state_set(b"written", b"yes")?;
    panic!("boom")
}

handler! { messages: [("boom", Volatility::Volatile), ("peek", Volatility::Readonly)], handle: handle }
