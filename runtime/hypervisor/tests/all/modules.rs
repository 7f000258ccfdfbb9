//! Modules: loading, routing by name, pre/post handlers in module-name order, the bank, and
//! delegated execution through a middleware.

use crate::*;

fn mint(s: &mut Session<'_>, as_: &Address, to: &str, amount: u64) -> CallOutcome {
    let data = borsh::to_vec(&(to.as_bytes().to_vec(), amount)).unwrap();
    s.execute(as_, None, &name("module:mint"), &data, GAS).unwrap()
}

fn send(s: &mut Session<'_>, as_: &Address, to: &str, amount: u64) -> CallOutcome {
    let data = borsh::to_vec(&(to.as_bytes().to_vec(), amount)).unwrap();
    s.execute(as_, None, &name("module:send"), &data, GAS).unwrap()
}

fn balance(s: &mut Session<'_>, of: &str) -> u64 {
    u64_le(&ok(s.query(None, &name("module:balance"), of.as_bytes(), GAS).unwrap()))
}

fn supply(s: &mut Session<'_>) -> u64 {
    u64_le(&ok(s.query(None, &name("module:supply"), b"", GAS).unwrap()))
}

#[test]
fn bank_module_mints_sends_burns_and_refuses_unauthorized_mints() {
    let hv = hypervisor();
    with_session(&hv, |s| {
        let (alice, bob) = (addr("alice"), addr("bob"));
        let bank = s.load_module("bank", "module:bank", b"alice").unwrap().unwrap();
        assert_eq!(bank.as_bytes(), b"mod:bank");
        ok(mint(s, &alice, "bob", 50));
        assert_eq!(err(mint(s, &bob, "bob", 1_000)), ErrorCode::Handler(1));
        assert_eq!((balance(s, "bob"), supply(s)), (50, 50), "the refused mint changed nothing");
        ok(send(s, &bob, "carol", 20));
        assert_eq!(err(send(s, &bob, "carol", 31)), ErrorCode::Handler(2), "no overdraft");
        let burn = s.execute(&bob, None, &name("module:burn"), &5u64.to_le_bytes(), GAS).unwrap();
        ok(burn);
        assert_eq!((balance(s, "bob"), balance(s, "carol"), supply(s)), (25, 20, 45));
        // Module messages can also be sent to the module's address directly.
        let direct = s.query(Some(&bank), &name("module:supply"), b"", GAS).unwrap();
        assert_eq!(u64_le(&ok(direct)), 45);
        assert_eq!(s.query(None, &name("module:unknown"), b"", GAS).unwrap().result, Err(ErrorCode::MessageNotHandled));
    });
}

#[test]
fn a_failing_pre_handler_stops_the_call_and_post_handlers_run_after() {
    let hv = hypervisor();
    with_session(&hv, |s| {
        let alice = addr("alice");
        s.load_module("bank", "module:bank", b"alice").unwrap().unwrap();
        s.load_module("limits", "module:limits", &10u64.to_le_bytes()).unwrap().unwrap();
        ok(mint(s, &alice, "alice", 100));
        ok(send(s, &alice, "bob", 10));
        assert_eq!(err(send(s, &alice, "bob", 11)), ErrorCode::Handler(3));
        assert_eq!((balance(s, "alice"), balance(s, "bob")), (90, 10));
        let seen = s.query(None, &name("module:sends_seen"), b"", GAS).unwrap();
        assert_eq!(u64_le(&ok(seen)), 1, "the post-handler saw only the successful send");
    });
}

#[test]
fn pre_handlers_run_in_module_name_order() {
    let log = Log::default();
    let hv = hypervisor_with(Store::memory(), log.clone());
    with_session(&hv, |s| {
        let alice = addr("alice");
        s.load_module("bank", "module:bank", b"alice").unwrap().unwrap();
        // Loaded zeta first; alpha still runs first.
        s.load_module("zeta", "module:rec_z", b"").unwrap().unwrap();
        s.load_module("alpha", "module:rec_a", b"").unwrap().unwrap();
        ok(mint(s, &alice, "alice", 5));
        ok(send(s, &alice, "bob", 1));
        assert_eq!(*log.lock().unwrap(), vec!["alpha", "zeta"]);
    });
}

#[test]
fn module_loading_rejects_duplicates_and_non_modules() {
    let hv = hypervisor();
    with_session(&hv, |s| {
        s.load_module("bank", "module:bank", b"alice").unwrap().unwrap();
        assert_eq!(s.load_module("bank", "module:limits", b"").unwrap(), Err(ErrorCode::AccountExists));
        assert_eq!(s.load_module("bank2", "module:bank", b"").unwrap(), Err(ErrorCode::InvalidHandler), "routes taken");
        assert_eq!(s.load_module("x", "native:counter", b"").unwrap(), Err(ErrorCode::InvalidHandler));
        assert_eq!(s.load_module("y", "module:none", b"").unwrap(), Err(ErrorCode::HandlerNotFound));
        assert_eq!(s.load_module("bad name", "module:limits", b"").unwrap(), Err(ErrorCode::Encoding));
    });
    // Module handlers are unique across VMs.
    let mut hv = hypervisor();
    let mut other = NativeVm::new();
    other.register_module("bank", Bank, Bank::metadata()).unwrap();
    struct Renamed(NativeVm);
    impl near_hypervisor::VirtualMachine for Renamed {
        fn machine_id(&self) -> &str {
            "other"
        }
        fn module_handlers(&self) -> Vec<String> {
            self.0.module_handlers()
        }
        fn resolve(
            &self,
            id: &str,
            code: &mut dyn near_hypervisor::vm::CodeSource,
        ) -> Result<Option<near_hypervisor::vm::ResolvedHandler>, ErrorCode> {
            self.0.resolve(id, code)
        }
    }
    assert_eq!(hv.add_vm(Arc::new(Renamed(other))), Err(ErrorCode::InvalidHandler));
    assert_eq!(hv.add_vm(Arc::new(NativeVm::new())), Err(ErrorCode::InvalidHandler), "machine id taken");
}

#[test]
fn delegated_execution_is_allowed_by_a_middleware_and_refused_without() {
    let data = borsh::to_vec(&(b"bob".to_vec(), 3u64)).unwrap();
    let setup = |s: &mut Session<'_>| {
        s.load_module("bank", "module:bank", b"alice").unwrap().unwrap();
        ok(mint(s, &addr("alice"), "alice", 10));
    };
    // Without a middleware: dave cannot act as alice.
    let hv = hypervisor();
    with_session(&hv, |s| {
        setup(s);
        let as_alice = s.execute_as(&addr("dave"), &addr("alice"), None, &name("module:send"), &data, GAS).unwrap();
        assert_eq!(as_alice.result, Err(ErrorCode::UnauthorizedCaller));
        assert_eq!(balance(s, "alice"), 10);
    });
    // With one that lets dave act as alice for module:send only.
    let mut hv = hypervisor();
    hv.set_middleware(Arc::new(Delegation { delegate: addr("dave"), principal: addr("alice") }));
    with_session(&hv, |s| {
        setup(s);
        ok(s.execute_as(&addr("dave"), &addr("alice"), None, &name("module:send"), &data, GAS).unwrap());
        assert_eq!((balance(s, "alice"), balance(s, "bob")), (7, 3));
        let mint_as = s.execute_as(&addr("dave"), &addr("alice"), None, &name("module:mint"), &data, GAS).unwrap();
        assert_eq!(mint_as.result, Err(ErrorCode::UnauthorizedCaller));
        let erin = s.execute_as(&addr("erin"), &addr("alice"), None, &name("module:send"), &data, GAS).unwrap();
        assert_eq!(erin.result, Err(ErrorCode::UnauthorizedCaller), "only the delegate");
        // A handler (here a proxy, not dave) cannot either.
        let proxy = create(s, &addr("alice"), "native:proxy", b"");
        let mut as_alice = Send::module("module:send", &data);
        as_alice.act_as = Some(b"alice".to_vec());
        assert_eq!(err(call(s, &addr("alice"), &proxy, "send", &as_alice.bytes())), ErrorCode::UnauthorizedCaller);
    });
}
