//! Nested transactions against a simple model (random begin/write/commit/rollback), the
//! snapshot boundary, and the same root on RocksDB and memory.

use crate::*;
use near_hypervisor::state::NestedState;
use near_store::TrieUpdate;
use proptest::prelude::*;
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
enum Op {
    Begin,
    Commit,
    Rollback,
    Set(u8, u8),
    Remove(u8),
    Get(u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        Just(Op::Begin),
        Just(Op::Commit),
        Just(Op::Rollback),
        (0..6u8, any::<u8>()).prop_map(|(k, v)| Op::Set(k, v)),
        (0..6u8).prop_map(Op::Remove),
        (0..6u8).prop_map(Op::Get),
    ]
}

/// The model: a stack of whole-state snapshots.
struct Model(Vec<BTreeMap<u8, u8>>);

impl Model {
    fn apply(&mut self, op: &Op) -> Option<Option<u8>> {
        let n = self.0.len();
        match op {
            Op::Begin => self.0.push(self.0[n - 1].clone()),
            Op::Commit if n > 1 => {
                let top = self.0.pop().unwrap();
                self.0[n - 2] = top;
            }
            Op::Rollback if n > 1 => {
                self.0.pop();
            }
            Op::Commit | Op::Rollback => {}
            Op::Set(k, v) => {
                self.0[n - 1].insert(*k, *v);
            }
            Op::Remove(k) => {
                self.0[n - 1].remove(k);
            }
            Op::Get(k) => return Some(self.0[n - 1].get(k).copied()),
        }
        None
    }
}

fn run_ops(store: &Store, base: &BTreeMap<u8, u8>, ops: &[Op]) -> (Vec<Option<u8>>, StateRoot) {
    let mut setup = NestedState::new(TrieUpdate::new(store.trie(StateRoot::default())));
    for (k, v) in base {
        setup.set(vec![*k], vec![*v]);
    }
    let root = setup.finish(store).unwrap();
    let mut state = NestedState::new(TrieUpdate::new(store.trie(root)));
    let mut reads = Vec::new();
    for op in ops {
        match op {
            Op::Begin => state.begin(),
            Op::Commit => state.commit(),
            Op::Rollback => {
                if state.depth() > 1 {
                    state.rollback();
                }
            }
            Op::Set(k, v) => state.set(vec![*k], vec![*v]),
            Op::Remove(k) => state.remove(vec![*k]),
            Op::Get(k) => reads.push(state.get(&[*k]).unwrap().map(|v| v[0])),
        }
    }
    (reads, state.finish(store).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn nested_transactions_match_the_model(
        base in proptest::collection::btree_map(0..6u8, any::<u8>(), 0..4),
        ops in proptest::collection::vec(op(), 0..60),
    ) {
        let mut model = Model(vec![base.clone()]);
        let expected: Vec<Option<u8>> = ops.iter().filter_map(|op| model.apply(op)).collect();
        let store = Store::memory();
        let (reads, root) = run_ops(&store, &base, &ops);
        prop_assert_eq!(reads, expected);
        // What was finished is what the model's bottom level holds.
        let final_state = NestedState::new(TrieUpdate::new(store.trie(root)));
        let mut final_state = final_state;
        let flattened = model.0.iter().skip(1).fold(model.0[0].clone(), |_, level| level.clone());
        for k in 0..6u8 {
            prop_assert_eq!(final_state.get(&[k]).unwrap().map(|v| v[0]), flattened.get(&k).copied());
        }
    }
}

#[test]
fn a_rollback_keeps_the_write_made_just_before_the_snapshot() {
    let store = Store::memory();
    let ops = [Op::Set(1, 10), Op::Begin, Op::Set(1, 11), Op::Set(2, 20), Op::Rollback, Op::Get(1), Op::Get(2)];
    let (reads, _) = run_ops(&store, &BTreeMap::new(), &ops);
    assert_eq!(reads, vec![Some(10), None], "the Cosmos state handler would lose 1=10 here");
}

fn scenario_root(store: Store) -> StateRoot {
    let hv = hypervisor_with(store, Log::default());
    let mut session = Session::new(&hv, StateRoot::default());
    let alice = addr("alice");
    session.load_module("bank", "module:bank", b"alice").unwrap().unwrap();
    let counter = create(&mut session, &alice, "native:counter", &3u64.to_le_bytes());
    ok(call(&mut session, &alice, &counter, "inc", b""));
    let _ = call(&mut session, &alice, &counter, "dec", b"");
    let mint = borsh::to_vec(&(b"bob".to_vec(), 9u64)).unwrap();
    ok(session.execute(&alice, None, &name("module:mint"), &mint, GAS).unwrap());
    session.finish().unwrap()
}

#[test]
fn rocksdb_and_memory_give_the_same_root_and_the_state_persists() {
    let memory = scenario_root(Store::memory());
    assert_eq!(memory, scenario_root(Store::memory()), "deterministic");
    let dir = tempfile::tempdir().unwrap();
    let rocks = scenario_root(Store::rocksdb(dir.path()).unwrap());
    assert_eq!(memory, rocks);
    assert_ne!(memory, StateRoot::default());
    // Reopened at that root, the state is there.
    let store = Store::rocksdb(dir.path()).unwrap();
    let hv = hypervisor_with(store, Log::default());
    let mut session = Session::new(&hv, rocks);
    let balance = session.query(None, &name("module:balance"), b"bob", GAS).unwrap();
    assert_eq!(u64_le(&ok(balance)), 9);
}
