//! The hypervisor's rules with the handlers in either VM: every test body runs once with
//! native handlers (`twins`) and once with the same handlers in wasm.

use crate::*;
use near_hypervisor::vm::AuthorizationMiddleware;
use near_primitives::types::StateRoot;

/// Runs `test` over both VMs, each in a fresh session.
fn each_vm(test: impl Fn(&mut Session<'_>, Vm)) {
    let hv = hypervisor();
    for vm in VMS {
        let mut session = Session::new(&hv, StateRoot::default());
        test(&mut session, vm);
    }
}

fn ok(outcome: CallOutcome, vm: Vm) -> Vec<u8> {
    outcome.result.unwrap_or_else(|e| panic!("{vm:?}: expected success, got {e:?}"))
}

fn caught_error(code: ErrorCode) -> Vec<u8> {
    [&[1u8][..], &code.code().to_le_bytes()].concat()
}

#[test]
fn counter_counts_and_refuses_to_underflow_in_both_vms() {
    each_vm(|s, vm| {
        let counter = deploy_on(s, vm, "hv_counter", &1u64.to_le_bytes());
        assert_eq!(u64_le(&ok(call(s, &counter, "inc", b"", GAS), vm)), 2);
        assert_eq!(u64_le(&ok(call(s, &counter, "dec", b"", GAS), vm)), 1);
        assert_eq!(u64_le(&ok(call(s, &counter, "dec", b"", GAS), vm)), 0);
        assert_eq!(call(s, &counter, "dec", b"", GAS).result, Err(ErrorCode::Handler(1)), "{vm:?}");
        assert_eq!(u64_le(&ok(s.query(Some(&counter), &name("get"), b"", GAS).unwrap(), vm)), 0);
        assert_eq!(call(s, &counter, "nope", b"", GAS).result, Err(ErrorCode::MessageNotHandled));
    });
}

#[test]
fn volatility_rules_hold_in_both_vms() {
    each_vm(|s, vm| {
        let caller = deploy_on(s, vm, "hv_caller", b"");
        let counter = deploy_on(s, vm, "hv_counter", &5u64.to_le_bytes());
        let writer = deploy_on(s, vm, "hv_readonly_writer", b"");
        let via = |s: &mut Session<'_>, how: &str, message: &str| {
            call(s, &caller, how, &spec(&counter, message, GAS / 10, b""), GAS).result
        };
        let violation = Err(ErrorCode::VolatilityViolation);
        assert!(via(s, "call", "inc").is_ok(), "{vm:?}: volatile calls anything");
        assert_eq!(via(s, "call_readonly", "inc"), violation, "{vm:?}: readonly cannot call volatile");
        assert!(via(s, "call_readonly", "get").is_ok());
        assert_eq!(via(s, "call_readonly", "pure_constant"), Ok(b"42".to_vec()));
        assert_eq!(via(s, "call_pure", "get"), violation, "{vm:?}: pure calls pure only");
        assert_eq!(via(s, "call_pure", "pure_constant"), Ok(b"42".to_vec()));
        assert_eq!(call(s, &writer, "sneak", b"", GAS).result, violation, "{vm:?}: readonly cannot write");
        assert_eq!(call(s, &writer, "pure_read", b"", GAS).result, violation, "{vm:?}: pure cannot read");
        assert_eq!(s.query(Some(&counter), &name("inc"), b"", GAS).unwrap().result, violation, "queries are readonly");
    });
}

#[test]
fn the_caller_is_passed_to_volatile_and_readonly_never_to_pure_in_both_vms() {
    each_vm(|s, vm| {
        let (a, b) = (deploy_on(s, vm, "hv_caller", b""), deploy_on(s, vm, "hv_caller", b""));
        assert_eq!(ok(call(s, &b, "whoami", b"", GAS), vm), b"alice");
        let through = |s: &mut Session<'_>, how: &str, message: &str| {
            ok(call(s, &a, how, &spec(&b, message, GAS / 10, b""), GAS), vm)
        };
        assert_eq!(through(s, "call", "whoami"), a.as_bytes());
        assert_eq!(through(s, "call_readonly", "whoami_readonly"), a.as_bytes());
        assert_eq!(through(s, "call", "whoami_pure"), b"", "{vm:?}: pure gets no caller");
        assert_eq!(ok(s.query(Some(&b), &name("whoami_readonly"), b"", GAS).unwrap(), vm), b"", "a query has none");
    });
}

#[test]
fn forged_and_replayed_context_tokens_are_rejected_in_both_vms() {
    each_vm(|s, vm| {
        let caller = deploy_on(s, vm, "hv_caller", b"");
        let counter = deploy_on(s, vm, "hv_counter", b"");
        let inc = spec(&counter, "inc", GAS / 10, b"");
        let unauthorized = Err(ErrorCode::UnauthorizedCaller);
        assert_eq!(call(s, &caller, "call_forged", &inc, GAS).result, unauthorized, "{vm:?}: forged");
        ok(call(s, &caller, "save_token", b"", GAS), vm);
        assert_eq!(call(s, &caller, "call_saved", &inc, GAS).result, unauthorized, "{vm:?}: replayed");
        assert_eq!(u64_le(&ok(call(s, &caller, "call", &inc, GAS), vm)), 1, "the real token works");
    });
}

#[test]
fn a_failed_call_leaves_no_state_and_its_caller_keeps_its_own_in_both_vms() {
    each_vm(|s, vm| {
        let caller = deploy_on(s, vm, "hv_caller", b"");
        let trapper = deploy_on(s, vm, "hv_trapper", b"");
        let looper = deploy_on(s, vm, "hv_looper", b"");
        let boom = spec(&trapper, "boom", GAS / 10, b"");
        assert_eq!(ok(call(s, &caller, "set_then_catch", &boom, GAS), vm), caught_error(ErrorCode::Other));
        assert_eq!(ok(call(s, &caller, "get", b"", GAS), vm), b"before", "{vm:?}: the caller's write stays");
        assert_eq!(ok(call(s, &trapper, "peek", b"", GAS), vm), b"", "{vm:?}: the trapper's is gone");
        let spin = spec(&looper, "spin", GAS / 100, b"");
        assert_eq!(ok(call(s, &caller, "call_catch", &spin, GAS), vm), caught_error(ErrorCode::OutOfGas));
        assert_eq!(ok(call(s, &looper, "peek", b"", GAS), vm), b"", "{vm:?}: the looper's is gone");
        ok(call(s, &caller, "set", b"after", GAS), vm);
        assert_eq!(call(s, &caller, "set_then_call", &boom, GAS).result, Err(ErrorCode::Other));
        assert_eq!(ok(call(s, &caller, "get", b"", GAS), vm), b"after", "{vm:?}: a failed call undoes itself");
    });
}

#[test]
fn gas_limits_nest_and_out_of_gas_is_an_error_the_caller_handles_in_both_vms() {
    each_vm(|s, vm| {
        let caller = deploy_on(s, vm, "hv_caller", b"");
        let counter = deploy_on(s, vm, "hv_counter", b"");
        let starved = spec(&counter, "inc", 100, b"");
        assert_eq!(ok(call(s, &caller, "call_catch", &starved, GAS), vm), caught_error(ErrorCode::OutOfGas));
        let limit = GAS / 10;
        let generous = spec(&counter, "inc", u64::MAX, b"");
        let outcome = call(s, &caller, "call", &generous, limit);
        assert_eq!(u64_le(&ok(outcome.clone(), vm)), 1, "{vm:?}: the starved call left nothing behind");
        assert!(outcome.gas_used > 0 && outcome.gas_used <= limit, "{vm:?}: capped at the caller's limit");
        let looper = deploy_on(s, vm, "hv_looper", b"");
        let out = call(s, &looper, "spin", b"", limit);
        assert_eq!((out.result, out.gas_used), (Err(ErrorCode::OutOfGas), limit), "{vm:?}: burns exactly its limit");
    });
}

#[test]
fn the_call_depth_is_limited_and_reentrancy_is_allowed_in_both_vms() {
    each_vm(|s, vm| {
        let a = deploy_on(s, vm, "hv_caller", b"");
        let b = deploy_on(s, vm, "hv_caller", b"");
        assert_eq!(u64_le(&ok(call(s, &a, "recurse", &10u64.to_le_bytes(), GAS), vm)), 10);
        let deep = call(s, &a, "recurse", &100u64.to_le_bytes(), GAS);
        assert_eq!(deep.result, Err(ErrorCode::CallStackOverflow), "{vm:?}");
        ok(call(s, &a, "set", b"a's", GAS), vm);
        let back = spec(&a, "get", GAS / 10, b"");
        assert_eq!(ok(call(s, &a, "call", &spec(&b, "call", GAS / 5, &back), GAS), vm), b"a's", "{vm:?}: A → B → A");
    });
}

#[test]
fn only_the_account_destroys_or_migrates_itself_in_both_vms() {
    each_vm(|s, vm| {
        let (a, b) = (deploy_on(s, vm, "hv_caller", b""), deploy_on(s, vm, "hv_caller", b""));
        // A call spec without a receiver: a lifecycle (module) message.
        let lifecycle = |message: &str, payload: Vec<u8>| {
            let mut out = vec![0u8, u8::try_from(message.len()).unwrap()];
            out.extend_from_slice(message.as_bytes());
            out.extend_from_slice(&(GAS / 10).to_le_bytes());
            out.extend_from_slice(&payload);
            out
        };
        let destroy_b = lifecycle("module:destroy", borsh::to_vec(&b.as_bytes().to_vec()).unwrap());
        assert_eq!(call(s, &a, "call", &destroy_b, GAS).result, Err(ErrorCode::UnauthorizedCaller), "{vm:?}");
        let counter_id = handler_id(s, vm, "hv_counter");
        let migrate_a =
            lifecycle("module:migrate", borsh::to_vec(&(a.as_bytes().to_vec(), counter_id.clone())).unwrap());
        ok(call(s, &a, "call", &migrate_a, GAS), vm);
        let id = s.query(None, &name("module:get_handler_id"), &borsh::to_vec(&a.as_bytes().to_vec()).unwrap(), GAS);
        assert_eq!(ok(id.unwrap(), vm), counter_id.as_bytes(), "{vm:?}: now a counter");
        assert_eq!(u64_le(&ok(call(s, &a, "inc", b"", GAS), vm)), 1);
        let destroy_self = lifecycle("module:destroy", borsh::to_vec(&b.as_bytes().to_vec()).unwrap());
        ok(call(s, &b, "call", &destroy_self, GAS), vm);
        assert_eq!(call(s, &b, "get", b"", GAS).result, Err(ErrorCode::AccountNotFound), "{vm:?}: gone");
    });
}

/// Lets `delegate` act as `alice` for `whoami`.
struct LetActAsAlice(Vec<Address>);

impl AuthorizationMiddleware for LetActAsAlice {
    fn authorize(&self, real_caller: &Address, invoke: &near_hypervisor::Invoke) -> bool {
        self.0.contains(real_caller) && invoke.caller == Some(addr("alice")) && invoke.name.as_str() == "whoami"
    }
}

#[test]
fn a_middleware_lets_a_handler_act_as_another_in_both_vms() {
    for with_middleware in [false, true] {
        let mut hv = hypervisor();
        let mut session = Session::new(&hv, StateRoot::default());
        let mut accounts = Vec::new();
        for vm in VMS {
            accounts.push((
                vm,
                deploy_on(&mut session, vm, "hv_caller", b""),
                deploy_on(&mut session, vm, "hv_caller", b""),
            ));
        }
        let root = session.finish().unwrap();
        if with_middleware {
            hv.set_middleware(Arc::new(LetActAsAlice(accounts.iter().map(|(_, a, _)| a.clone()).collect())));
        }
        let mut session = Session::new(&hv, root);
        for (vm, a, b) in &accounts {
            let data = [&[5u8][..], b"alice", &spec(b, "whoami", GAS / 10, b"")].concat();
            let outcome = call(&mut session, a, "call_as", &data, GAS).result;
            if with_middleware {
                assert_eq!(outcome, Ok(b"alice".to_vec()), "{vm:?}");
            } else {
                assert_eq!(outcome, Err(ErrorCode::UnauthorizedCaller), "{vm:?}");
            }
        }
    }
}

#[test]
fn modules_route_by_name_and_hook_around_messages_in_both_vms() {
    let hv = hypervisor();
    for vm in VMS {
        let mut session = Session::new(&hv, StateRoot::default());
        let s = &mut session;
        let module_id = if vm == Vm::Native { "module:hv_module_native" } else { "module:hv_module" };
        s.load_module("m", module_id, b"cfg").unwrap().unwrap();
        let counter = deploy_on(s, vm, "hv_counter", b"");
        assert_eq!(u64_le(&ok(call(s, &counter, "inc", b"", GAS), vm)), 1);
        assert_eq!(call(s, &counter, "inc", b"block", GAS).result, Err(ErrorCode::Handler(3)), "{vm:?}: pre stops it");
        assert_eq!(u64_le(&ok(call(s, &counter, "get", b"", GAS), vm)), 1, "{vm:?}: and changes nothing");
        let query = |s: &mut Session<'_>, message: &str| ok(s.query(None, &name(message), b"", GAS).unwrap(), vm);
        assert_eq!(u64_le(&query(s, "module:count")), 1, "{vm:?}: post ran once");
        assert_eq!(query(s, "module:config"), b"cfg");
        let ping = s.execute(&addr("alice"), None, &name("module:ping"), b"", GAS).unwrap();
        assert_eq!(ok(ping, vm), b"alice", "{vm:?}: routed by name");
        let caller = deploy_on(s, vm, "hv_caller", b"");
        let mut to_module = vec![0u8, 11];
        to_module.extend_from_slice(b"module:ping");
        to_module.extend_from_slice(&(GAS / 10).to_le_bytes());
        assert_eq!(ok(call(s, &caller, "call", &to_module, GAS), vm), caller.as_bytes(), "{vm:?}: from a handler");
    }
}
