//! `spin`: writes state, then loops forever (until its gas runs out); `peek` (readonly) reads
//! what `spin` wrote (nothing, once rolled back).
#![no_std]

extern crate alloc;

use alloc::vec::Vec;
use near_hypervisor_guest::{handler, Request, Volatility};

fn handle(request: &Request) -> Result<Vec<u8>, u16> {
    if request.name == "peek" {
        return Ok(request.state_get(b"written")?.unwrap_or_default());
    }
    request.state_set(b"written", b"yes")?;
    let mut x: u64 = 1;
    loop {
        x = core::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
    }
}

handler! { messages: [("spin", Volatility::Volatile), ("peek", Volatility::Readonly)], handle: handle }
