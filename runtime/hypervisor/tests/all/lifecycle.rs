//! create / destroy / migrate / force_migrate / get_handler_id, and deterministic addresses.

use crate::*;
use sha2::Digest;

fn handler_id(s: &mut Session<'_>, caller: &Address, account: &Address) -> Result<String, ErrorCode> {
    let data = borsh::to_vec(&account.as_bytes().to_vec()).unwrap();
    let outcome = s.execute(caller, None, &name("module:get_handler_id"), &data, GAS).unwrap();
    outcome.result.map(|bytes| String::from_utf8(bytes).unwrap())
}

#[test]
fn create_runs_on_create_and_rejects_unknown_or_module_handlers() {
    let hv = hypervisor();
    with_session(&hv, |s| {
        let alice = addr("alice");
        let counter = create(s, &alice, "native:counter", &41u64.to_le_bytes());
        assert_eq!(u64_le(&ok(call(s, &alice, &counter, "inc", b""))), 42, "on_create set the start");
        assert_eq!(s.create(&alice, "native:nope", b"", GAS).unwrap().result, Err(ErrorCode::HandlerNotFound));
        assert_eq!(s.create(&alice, "wasm:nope", b"", GAS).unwrap().result, Err(ErrorCode::HandlerNotFound));
        assert_eq!(s.create(&alice, "module:bank", b"", GAS).unwrap().result, Err(ErrorCode::InvalidHandler));
        assert_eq!(s.create(&alice, "native:counter", b"", 5_000).unwrap().result, Err(ErrorCode::OutOfGas));
        let bad = s.execute(&alice, None, &name("module:create"), b"\x01", GAS).unwrap();
        assert_eq!(bad.result, Err(ErrorCode::Encoding));
        // A query cannot create.
        let data = borsh::to_vec(&("native:counter".to_string(), Vec::<u8>::new())).unwrap();
        assert_eq!(
            s.query(None, &name("module:create"), &data, GAS).unwrap().result,
            Err(ErrorCode::VolatilityViolation)
        );
    });
}

#[test]
fn addresses_are_deterministic_and_key_accounts_predictable() {
    let hv = hypervisor();
    let (first, second) = with_session(&hv, |s| {
        let a = create(s, &addr("alice"), "native:counter", b"");
        let b = create(s, &addr("alice"), "native:counter", b"");
        assert_ne!(a, b, "a creator's nonce advances");
        // native:h1 accounts are key accounts: the address is sha256("key" ‖ key)[..20].
        let key = [7u8; 32];
        let account = create(s, &addr("alice"), "native:h1", &key);
        let expected = sha2::Sha256::digest([b"key".as_slice(), &key].concat())[..20].to_vec();
        assert_eq!(account.as_bytes(), expected.as_slice());
        assert_eq!(s.create(&addr("bob"), "native:h1", &key, GAS).unwrap().result, Err(ErrorCode::AccountExists));
        (a, b)
    });
    let again = with_session(&hv, |s| {
        (create(s, &addr("alice"), "native:counter", b""), create(s, &addr("alice"), "native:counter", b""))
    });
    assert_eq!((first, second), again, "same inputs, same addresses");
}

#[test]
fn only_the_account_destroys_itself_and_then_it_is_gone() {
    let hv = hypervisor();
    with_session(&hv, |s| {
        let alice = addr("alice");
        let proxy = create(s, &alice, "native:proxy", b"");
        let counter = create(s, &alice, "native:counter", b"");
        let destroy =
            |target: &Address| Send::module("module:destroy", &borsh::to_vec(&target.as_bytes().to_vec()).unwrap());
        assert_eq!(err(call(s, &alice, &proxy, "send", &destroy(&counter).bytes())), ErrorCode::UnauthorizedCaller);
        assert!(call(s, &alice, &counter, "inc", b"").result.is_ok());
        ok(call(s, &alice, &proxy, "send", &destroy(&proxy).bytes()));
        assert_eq!(err(call(s, &alice, &proxy, "touched", b"")), ErrorCode::AccountNotFound);
        assert_eq!(handler_id(s, &alice, &proxy), Err(ErrorCode::AccountNotFound));
    });
}

#[test]
fn migrations_h1_h2_h3_and_h1_h3_need_a_succeeding_on_migrate() {
    let hv = hypervisor();
    with_session(&hv, |s| {
        let alice = addr("alice");
        let a = create(s, &alice, "native:h1", &[1; 32]);
        ok(call(s, &alice, &a, "set", b"kept"));
        assert_eq!(handler_id(s, &alice, &a).unwrap(), "native:h1");
        ok(call(s, &alice, &a, "migrate_to", b"native:h2"));
        assert_eq!(handler_id(s, &alice, &a).unwrap(), "native:h2");
        assert_eq!(ok(call(s, &alice, &a, "version", b"")), b"h2");
        assert_eq!(ok(call(s, &alice, &a, "migrated_from", b"")), b"native:h1");
        ok(call(s, &alice, &a, "migrate_to", b"native:h3"));
        assert_eq!(handler_id(s, &alice, &a).unwrap(), "native:h3");
        assert_eq!(ok(call(s, &alice, &a, "migrated_from", b"")), b"native:h2");
        assert_eq!(ok(call(s, &alice, &a, "get", b"")), b"kept", "state survives migrations");
        // H1 -> H3 directly.
        let b = create(s, &alice, "native:h1", &[2; 32]);
        ok(call(s, &alice, &b, "migrate_to", b"native:h3"));
        assert_eq!(ok(call(s, &alice, &b, "version", b"")), b"h3");
        // h2's on_migrate refuses h3: nothing changes.
        assert_eq!(err(call(s, &alice, &b, "migrate_to", b"native:h2")), ErrorCode::Handler(9));
        assert_eq!(handler_id(s, &alice, &b).unwrap(), "native:h3");
        // A handler without on_migrate cannot be migrated to.
        assert_eq!(err(call(s, &alice, &b, "migrate_to", b"native:h1")), ErrorCode::InvalidHandler);
        // Only the account itself migrates itself.
        let data = borsh::to_vec(&(b.as_bytes().to_vec(), "native:h2".to_string())).unwrap();
        let outcome = s.execute(&alice, None, &name("module:migrate"), &data, GAS).unwrap();
        assert_eq!(outcome.result, Err(ErrorCode::UnauthorizedCaller));
    });
}

#[test]
fn force_migrate_wipes_state_and_runs_on_create() {
    let hv = hypervisor();
    with_session(&hv, |s| {
        let alice = addr("alice");
        let a = create(s, &alice, "native:h2", b"init");
        ok(call(s, &alice, &a, "set", b"old state"));
        ok(call(s, &alice, &a, "force_to", b"native:h1"));
        assert_eq!(handler_id(s, &alice, &a).unwrap(), "native:h1", "no on_migrate needed");
        assert_eq!(ok(call(s, &alice, &a, "get", b"")), b"", "old state destroyed");
        assert_eq!(ok(call(s, &alice, &a, "version", b"")), b"h1");
    });
}

#[test]
fn vesting_account_self_destructs_after_unlocking() {
    let hv = hypervisor();
    with_session(&hv, |s| {
        let (alice, bob) = (addr("alice"), addr("bob"));
        s.load_module("bank", "module:bank", b"alice").unwrap().unwrap();
        let vesting = create(s, &alice, "native:vesting", b"bob");
        let mint = borsh::to_vec(&(vesting.as_bytes().to_vec(), 100u64)).unwrap();
        ok(s.execute(&alice, None, &name("module:mint"), &mint, GAS).unwrap());
        assert_eq!(err(call(s, &alice, &vesting, "unlock", b"")), ErrorCode::UnauthorizedCaller);
        assert_eq!(u64_le(&ok(call(s, &bob, &vesting, "unlock", b""))), 100);
        let balance = s.query(None, &name("module:balance"), b"bob", GAS).unwrap();
        assert_eq!(u64_le(&ok(balance)), 100);
        assert_eq!(err(call(s, &bob, &vesting, "unlock", b"")), ErrorCode::AccountNotFound);
    });
}
