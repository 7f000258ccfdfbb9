//! A vesting account for the JSON bank module (`hypervisor-tester`'s `module:bank`):
//! `on_create(beneficiary address)`; `unlock` (the beneficiary only, else `UnauthorizedCaller`)
//! sends the account's whole bank balance to the beneficiary, destroys the account and answers
//! the amount (JSON number).
#![no_std]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use near_hypervisor_guest::{codes, handler, Request, Volatility};

const UNAUTHORIZED_CALLER: u16 = 4;

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::from("0x");
    for byte in bytes {
        out.push(DIGITS[usize::from(byte >> 4)] as char);
        out.push(DIGITS[usize::from(byte & 15)] as char);
    }
    out
}

fn number(bytes: &[u8]) -> Result<u64, u16> {
    let text = core::str::from_utf8(bytes).map_err(|_| codes::ENCODING)?;
    text.trim().parse().map_err(|_| codes::ENCODING)
}

fn handle(request: &Request) -> Result<Vec<u8>, u16> {
    if request.name == "on_create" {
        return request.state_set(b"beneficiary", request.data).map(|()| Vec::new());
    }
    let beneficiary = request.state_get(b"beneficiary")?.ok_or(codes::handler(4))?;
    if request.caller != Some(beneficiary.as_slice()) {
        return Err(UNAUTHORIZED_CALLER);
    }
    let of = format!("{{\"of\":\"{}\"}}", hex(request.address));
    let balance = number(&request.invoke(None, "module:balance", of.as_bytes(), u64::MAX)?)?;
    let send = format!("{{\"to\":\"{}\",\"amount\":{}}}", hex(&beneficiary), balance);
    request.invoke(None, "module:send", send.as_bytes(), u64::MAX)?;
    let mut own = (request.address.len() as u32).to_le_bytes().to_vec();
    own.extend_from_slice(request.address);
    request.invoke(None, "module:destroy", &own, u64::MAX)?;
    Ok(format!("{balance}").into_bytes())
}

handler! {
    messages: [("on_create", Volatility::Volatile), ("unlock", Volatility::Volatile)],
    handle: handle,
}
