//! The 64 KiB packet: size, alignment, byte layout, round trips, external buffers.

use crate::*;
use near_hypervisor::packet::{
    DATA_CAPACITY, DATA_OFFSET, FLAG_EXTERNAL_REQUEST, PACKET_SIZE, Packet, PacketData, ReadRequest, offsets,
};

/// A request with inline `data`, owned (write it with `as_request`).
fn request(data: Vec<u8>) -> ReadRequest {
    ReadRequest {
        address: addr("counter"),
        caller: Some(addr("alice")),
        name: name("module:bank.send"),
        data: PacketData::Inline(data),
        state_token: [3; 32],
        context_token: [4; 32],
        gas_limit: 0x0102_0304_0506_0708,
    }
}

#[test]
fn a_packet_is_64_kib_aligned_with_at_least_56_kib_for_data() {
    let packet = Packet::new();
    assert_eq!(PACKET_SIZE, 65_536);
    assert_eq!(packet.bytes().as_ptr() as usize % 65_536, 0, "64 KiB-aligned");
    const { assert!(DATA_CAPACITY >= 56 * 1024) };
    assert_eq!(DATA_OFFSET + DATA_CAPACITY, PACKET_SIZE);
}

#[test]
fn the_header_layout_is_as_documented() {
    let mut packet = Packet::new();
    packet.write_request(&request(b"hello".to_vec()).as_request(), None);
    let b = packet.bytes();
    assert_eq!(offsets::ADDRESS, 0);
    assert_eq!(&b[0..8], b"\x07counter");
    assert_eq!(offsets::CALLER, 64);
    assert_eq!(&b[64..70], b"\x05alice");
    assert_eq!(offsets::NAME, 128);
    assert_eq!(b[128], 16);
    assert_eq!(&b[129..145], b"module:bank.send");
    assert_eq!((offsets::STATE_TOKEN, offsets::CONTEXT_TOKEN), (256, 288));
    assert_eq!(&b[256..288], &[3; 32]);
    assert_eq!(&b[288..320], &[4; 32]);
    assert_eq!(offsets::GAS_LIMIT, 320);
    assert_eq!(&b[320..328], &0x0102_0304_0506_0708u64.to_le_bytes());
    assert_eq!((offsets::GAS_USED, offsets::DATA_LEN, offsets::RESPONSE_LEN), (328, 336, 340));
    assert_eq!(&b[336..340], &5u32.to_le_bytes());
    assert_eq!(
        (offsets::ERROR_CODE, offsets::FLAGS, offsets::REQUEST_BUFFER, offsets::RESPONSE_BUFFER),
        (344, 346, 352, 360)
    );
    assert_eq!(&b[1024..1029], b"hello");
    assert_eq!((offsets::REQUEST_BUFFER_LEN, offsets::RESPONSE_BUFFER_LEN), (368, 376));
    assert!(b[368..1024].iter().all(|&x| x == 0), "external lengths unset, reserved bytes zero");
    // The response goes after the request data.
    packet.write_response(&Ok(b"world".to_vec()), 99, None);
    let b = packet.bytes();
    assert_eq!(&b[328..336], &99u64.to_le_bytes());
    assert_eq!(&b[340..344], &5u32.to_le_bytes());
    assert_eq!(&b[344..346], &0u16.to_le_bytes());
    assert_eq!(&b[1029..1034], b"world");
    packet.write_response(&Err(ErrorCode::OutOfGas), 7, None);
    assert_eq!(&packet.bytes()[344..346], &131u16.to_le_bytes());
}

#[test]
fn requests_round_trip_and_big_data_goes_to_an_external_buffer() {
    let mut packet = Packet::new();
    let original = request(vec![5; 1000]);
    packet.write_request(&original.as_request(), None);
    assert_eq!(packet.read_request().unwrap(), original);
    let big = request(vec![6; 100_000]);
    packet.write_request(&big.as_request(), Some(42));
    assert_eq!(packet.bytes()[offsets::FLAGS] & FLAG_EXTERNAL_REQUEST, FLAG_EXTERNAL_REQUEST);
    let read = packet.read_request().unwrap();
    assert_eq!(read.data, PacketData::External(42));
    assert_eq!(near_hypervisor::packet::u64_at(packet.bytes(), offsets::REQUEST_BUFFER_LEN), 100_000);
    assert_eq!(read.as_request().data, b"", "external data is fetched by id");
    assert_eq!(ReadRequest { data: big.data.clone(), ..read }, big);
    assert!(!packet.response_fits(DATA_CAPACITY + 1));
    // A corrupted length is an encoding error, not a panic.
    packet.bytes_mut()[offsets::FLAGS] = 0;
    packet.bytes_mut()[offsets::DATA_LEN..offsets::DATA_LEN + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_eq!(packet.read_request().unwrap_err(), ErrorCode::Encoding);
    packet.bytes_mut()[offsets::ADDRESS] = 200;
    assert_eq!(packet.read_request().unwrap_err(), ErrorCode::Encoding);
}
