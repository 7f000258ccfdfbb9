//! Names, addresses, volatility, tokens and authorization, nested state, gas, depth,
//! re-entrancy, error tiers.

use crate::*;
use near_hypervisor::vm::AuthorizationMiddleware;

#[test]
fn addresses_and_names_are_checked_before_dispatch() {
    assert_eq!(Address::new(Vec::new()), Err(ErrorCode::Encoding));
    assert_eq!(Address::new(vec![1; 64]), Err(ErrorCode::Encoding));
    let longest = Address::new(vec![9; 63]).unwrap();
    assert_eq!(Address::from_slot(&longest.to_slot()), Ok(Some(longest)));
    assert_eq!(Address::from_slot(&[0; 64]), Ok(None));
    let mut bad_slot = [0u8; 64];
    bad_slot[0] = 64;
    assert_eq!(Address::from_slot(&bad_slot), Err(ErrorCode::Encoding));
    assert!(MessageName::new("a".repeat(127)).is_ok());
    for bad in [String::new(), "a".repeat(128), "has space".into(), "dash-ed".into(), "é".into()] {
        assert_eq!(MessageName::new(bad.clone()), Err(ErrorCode::Encoding), "{bad}");
    }
    let ok_name = MessageName::new("module:bank/v1.send_x").unwrap();
    assert_eq!(MessageName::from_slot(&ok_name.to_slot()), Ok(ok_name));
    // A handler sending a malformed name or address gets `Encoding` back (the proxy decodes them).
    let hv = hypervisor();
    with_session(&hv, |s| {
        let proxy = create(s, &addr("alice"), "native:proxy", b"");
        let mut send = Send::module("module:x", b"");
        send.name = "bad name".into();
        assert_eq!(err(call(s, &addr("alice"), &proxy, "send", &send.bytes())), ErrorCode::Encoding);
        let mut send = Send::module("module:x", b"");
        send.receiver = Some(vec![1; 64]);
        assert_eq!(err(call(s, &addr("alice"), &proxy, "send", &send.bytes())), ErrorCode::Encoding);
        // A plain message without a receiver cannot be routed.
        let send = Send { receiver: None, ..Send::module("inc", b"") };
        assert_eq!(err(call(s, &addr("alice"), &proxy, "send", &send.bytes())), ErrorCode::Encoding);
        assert_eq!(err(call(s, &addr("alice"), &addr("nobody"), "inc", b"")), ErrorCode::AccountNotFound);
        assert_eq!(err(call(s, &addr("alice"), &proxy, "no_such", b"")), ErrorCode::MessageNotHandled);
    });
}

#[test]
fn counter_increments_decrements_and_refuses_to_underflow() {
    let hv = hypervisor();
    with_session(&hv, |s| {
        let alice = addr("alice");
        let counter = create(s, &alice, "native:counter", &1u64.to_le_bytes());
        assert_eq!(u64_le(&ok(call(s, &alice, &counter, "inc", b""))), 2);
        assert_eq!(u64_le(&ok(call(s, &alice, &counter, "dec", b""))), 1);
        assert_eq!(u64_le(&ok(call(s, &alice, &counter, "dec", b""))), 0);
        assert_eq!(err(call(s, &alice, &counter, "dec", b"")), ErrorCode::Handler(1));
        assert_eq!(ErrorCode::Handler(1).code(), 257);
        let value = s.query(Some(&counter), &name("get"), b"", GAS).unwrap();
        assert_eq!(u64_le(&ok(value)), 0, "the failed dec changed nothing");
    });
}

#[test]
fn volatility_rules_hold_for_calls_and_state() {
    let hv = hypervisor();
    with_session(&hv, |s| {
        let alice = addr("alice");
        let proxy = create(s, &alice, "native:proxy", b"");
        let counter = create(s, &alice, "native:counter", &5u64.to_le_bytes());
        let send = |s: &mut Session<'_>, via: &str, message: &str| {
            call(s, &alice, &proxy, via, &Send::to(&counter, message, b"").bytes())
        };
        // volatile may call anything
        assert!(send(s, "send", "inc").result.is_ok());
        // readonly: readonly and pure only
        assert_eq!(err(send(s, "send_readonly", "inc")), ErrorCode::VolatilityViolation);
        assert!(send(s, "send_readonly", "get").result.is_ok());
        assert!(send(s, "send_readonly", "pure_constant").result.is_ok());
        // pure: pure only, and no state at all
        assert_eq!(err(send(s, "send_pure", "get")), ErrorCode::VolatilityViolation);
        assert_eq!(ok(send(s, "send_pure", "pure_constant")), b"42");
        assert_eq!(err(call(s, &alice, &counter, "pure_get", b"")), ErrorCode::VolatilityViolation);
        assert_eq!(err(call(s, &alice, &counter, "sneaky_write", b"")), ErrorCode::VolatilityViolation);
        // queries are readonly
        assert_eq!(
            s.query(Some(&counter), &name("inc"), b"", GAS).unwrap().result,
            Err(ErrorCode::VolatilityViolation)
        );
        assert_eq!(u64_le(&ok(s.query(Some(&counter), &name("get"), b"", GAS).unwrap())), 6);
    });
}

#[test]
fn the_caller_is_passed_to_volatile_and_readonly_never_to_pure() {
    let hv = hypervisor();
    with_session(&hv, |s| {
        let alice = addr("alice");
        let proxy = create(s, &alice, "native:proxy", b"");
        let burner = create(s, &alice, "native:burner", b"");
        let via = |s: &mut Session<'_>, how: &str, message: &str| {
            ok(call(s, &alice, &proxy, how, &Send::to(&burner, message, b"").bytes()))
        };
        assert_eq!(via(s, "send", "whoami"), proxy.as_bytes());
        assert_eq!(via(s, "send_readonly", "whoami_readonly"), proxy.as_bytes());
        assert_eq!(via(s, "send", "whoami_pure"), b"");
        assert_eq!(
            ok(s.query(Some(&burner), &name("whoami_readonly"), b"", GAS).unwrap()),
            b"",
            "queries have no caller"
        );
        assert_eq!(ok(call(s, &alice, &burner, "whoami", b"")), b"alice");
    });
}

#[test]
fn forged_and_replayed_context_tokens_are_rejected() {
    let hv = hypervisor();
    with_session(&hv, |s| {
        let alice = addr("alice");
        let proxy = create(s, &alice, "native:proxy", b"");
        let burner = create(s, &alice, "native:burner", b"");
        let mut forged = Send::to(&burner, "whoami", b"");
        forged.token = 1;
        assert_eq!(err(call(s, &alice, &proxy, "send", &forged.bytes())), ErrorCode::UnauthorizedCaller);
        ok(call(s, &alice, &proxy, "save_token", b""));
        let mut replayed = Send::to(&burner, "whoami", b"");
        replayed.token = 2;
        assert_eq!(err(call(s, &alice, &proxy, "send", &replayed.bytes())), ErrorCode::UnauthorizedCaller);
        // Acting as another account needs a middleware.
        let mut act_as = Send::to(&burner, "whoami", b"");
        act_as.act_as = Some(b"bob".to_vec());
        assert_eq!(err(call(s, &alice, &proxy, "send", &act_as.bytes())), ErrorCode::UnauthorizedCaller);
        // Naming oneself is fine.
        act_as.act_as = Some(proxy.as_bytes().to_vec());
        assert_eq!(ok(call(s, &alice, &proxy, "send", &act_as.bytes())), proxy.as_bytes());
    });
}

struct AllowAll;

impl AuthorizationMiddleware for AllowAll {
    fn authorize(&self, _: &Address, _: &near_hypervisor::Invoke) -> bool {
        true
    }
}

#[test]
fn a_middleware_lets_a_real_caller_act_as_another() {
    let mut hv = hypervisor();
    hv.set_middleware(Arc::new(AllowAll));
    with_session(&hv, |s| {
        let alice = addr("alice");
        let proxy = create(s, &alice, "native:proxy", b"");
        let burner = create(s, &alice, "native:burner", b"");
        let mut act_as = Send::to(&burner, "whoami", b"");
        act_as.act_as = Some(b"bob".to_vec());
        assert_eq!(ok(call(s, &alice, &proxy, "send", &act_as.bytes())), b"bob");
        // Tokens are still checked.
        act_as.token = 1;
        assert_eq!(err(call(s, &alice, &proxy, "send", &act_as.bytes())), ErrorCode::UnauthorizedCaller);
    });
}

#[test]
fn a_failed_call_leaves_no_state_and_its_caller_keeps_its_own() {
    let hv = hypervisor();
    with_session(&hv, |s| {
        let alice = addr("alice");
        let proxy = create(s, &alice, "native:proxy", b"");
        let counter = create(s, &alice, "native:counter", b"");
        // Caught: the proxy's own earlier write stays, the failed dec left nothing.
        let mut send = Send::to(&counter, "dec", b"");
        send.touch = true;
        send.catch = true;
        assert_eq!(ok(call(s, &alice, &proxy, "send", &send.bytes())), 257u16.to_le_bytes());
        assert_eq!(ok(call(s, &alice, &proxy, "touched", b"")), b"yes");
        // Not caught: the proxy's call fails as a whole, its write is gone too.
        let other = create(s, &alice, "native:proxy", b"");
        let mut send = Send::to(&counter, "dec", b"");
        send.touch = true;
        assert_eq!(err(call(s, &alice, &other, "send", &send.bytes())), ErrorCode::Handler(1));
        assert_eq!(ok(call(s, &alice, &other, "touched", b"")), b"");
    });
}

#[test]
fn inner_gas_limits_are_capped_and_an_inner_out_of_gas_fails_alone() {
    let hv = hypervisor();
    with_session(&hv, |s| {
        let alice = addr("alice");
        let proxy = create(s, &alice, "native:proxy", b"");
        let burner = create(s, &alice, "native:burner", b"");
        let mut send = Send::to(&burner, "burn", &1_000_000u64.to_le_bytes());
        send.gas_limit = 50_000;
        send.catch = true;
        send.touch = true;
        let outcome = call(s, &alice, &proxy, "send", &send.bytes());
        assert_eq!(ok(outcome.clone()), ErrorCode::OutOfGas.code().to_le_bytes(), "the proxy handled it");
        assert!(outcome.gas_used < 200_000, "{}", outcome.gas_used);
        assert_eq!(ok(call(s, &alice, &burner, "burnt", b"")), b"", "the burner's write was rolled back");
        assert_eq!(ok(call(s, &alice, &proxy, "touched", b"")), b"yes");
        // A limit above the caller's remaining gas is capped: the whole call runs out.
        let mut send = Send::to(&burner, "burn", &1_000_000u64.to_le_bytes());
        send.gas_limit = u64::MAX;
        let outcome = s.execute(&alice, Some(&proxy), &name("send"), &send.bytes(), 100_000).unwrap();
        assert_eq!(outcome.result, Err(ErrorCode::OutOfGas));
        assert_eq!(outcome.gas_used, 100_000);
        // Enough gas: it runs, and gas used flows back up.
        let send = Send::to(&burner, "burn", &1_000u64.to_le_bytes());
        let outcome = call(s, &alice, &proxy, "send", &send.bytes());
        assert!(outcome.result.is_ok() && outcome.gas_used > 1_000, "{outcome:?}");
    });
}

fn nested(depth: usize, target: &Address) -> Send {
    let mut send = Send::to(target, "touched", b"");
    for _ in 0..depth {
        send = Send::to(target, "send", &send.bytes());
    }
    send
}

#[test]
fn the_call_depth_is_limited_and_reentrancy_is_allowed() {
    let hv = hypervisor();
    with_session(&hv, |s| {
        let alice = addr("alice");
        let a = create(s, &alice, "native:proxy", b"");
        let b = create(s, &alice, "native:proxy", b"");
        // A -> B -> A: allowed (each call is its own frame).
        let back_to_a = Send::to(&a, "touched", b"");
        let a_to_b = Send::to(&b, "send", &back_to_a.bytes());
        assert!(call(s, &alice, &a, "send", &a_to_b.bytes()).result.is_ok());
        assert!(call(s, &alice, &a, "send", &nested(10, &a).bytes()).result.is_ok());
        assert_eq!(err(call(s, &alice, &a, "send", &nested(70, &a).bytes())), ErrorCode::CallStackOverflow);
    });
}

#[test]
fn a_panicking_native_handler_is_an_error_not_a_crash() {
    let hv = hypervisor();
    with_session(&hv, |s| {
        let alice = addr("alice");
        let panicker = create(s, &alice, "native:panicker", b"");
        let proxy = create(s, &alice, "native:proxy", b"");
        assert_eq!(err(call(s, &alice, &panicker, "boom", b"")), ErrorCode::Other);
        let mut send = Send::to(&panicker, "boom", b"");
        send.catch = true;
        send.touch = true;
        assert_eq!(ok(call(s, &alice, &proxy, "send", &send.bytes())), ErrorCode::Other.code().to_le_bytes());
        assert_eq!(ok(call(s, &alice, &proxy, "touched", b"")), b"yes", "the session goes on");
    });
}

#[test]
fn error_codes_round_trip() {
    for code in 0..600u16 {
        if let Some(error) = ErrorCode::from_code(code) {
            assert_eq!(error.code(), code);
        }
    }
    assert_eq!(ErrorCode::from_code(129), Some(ErrorCode::MessageNotHandled));
    assert_eq!(ErrorCode::from_code(0), None);
}
