//! Trie benchmarks: insert + commit of a fresh batch, and point lookups, at 10k and 100k keys,
//! over the in-memory and RocksDB backends. Results: docs/benchmarks.md.
#![allow(missing_docs, reason = "criterion_group! generates undocumented functions")]

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use near_store::{EMPTY_ROOT, Store};
use std::hint::black_box;

/// `count` pseudo-random 32-byte keys (sha256 of the index, like account-data keys would be).
fn keys(count: u32) -> Vec<Vec<u8>> {
    (0..count).map(|i| near_primitives::hash::hash(&i.to_le_bytes()).0.to_vec()).collect()
}

fn insert_and_commit(store: &Store, keys: &[Vec<u8>]) -> near_primitives::types::StateRoot {
    let changes = store.trie(EMPTY_ROOT).update(keys.iter().map(|k| (k.clone(), Some(k[..8].to_vec())))).unwrap();
    store.commit_trie_changes(&changes).unwrap();
    changes.new_root
}

fn bench_insert_commit(c: &mut Criterion) {
    let mut group = c.benchmark_group("trie_insert_commit");
    group.sample_size(10);
    for count in [10_000u32, 100_000] {
        let keys = keys(count);
        group.throughput(Throughput::Elements(u64::from(count)));
        group.bench_with_input(BenchmarkId::new("memory", count), &keys, |b, keys| {
            b.iter(|| black_box(insert_and_commit(&Store::memory(), keys)))
        });
        group.bench_with_input(BenchmarkId::new("rocksdb", count), &keys, |b, keys| {
            b.iter_with_setup(
                || tempfile::tempdir().unwrap(),
                |dir| black_box(insert_and_commit(&Store::rocksdb(dir.path()).unwrap(), keys)),
            )
        });
    }
    group.finish();
}

fn bench_lookup(c: &mut Criterion) {
    let mut group = c.benchmark_group("trie_lookup");
    for count in [10_000u32, 100_000] {
        let keys = keys(count);
        let memory = Store::memory();
        let memory_root = insert_and_commit(&memory, &keys);
        let dir = tempfile::tempdir().unwrap();
        let rocks = Store::rocksdb(dir.path()).unwrap();
        let rocks_root = insert_and_commit(&rocks, &keys);
        group.throughput(Throughput::Elements(1));
        for (name, store, root) in [("memory", &memory, memory_root), ("rocksdb", &rocks, rocks_root)] {
            let trie = store.trie(root);
            let mut i = 0usize;
            group.bench_function(BenchmarkId::new(name, count), |b| {
                b.iter(|| {
                    i = (i + 7919) % keys.len();
                    black_box(trie.get(&keys[i]).unwrap())
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench_insert_commit, bench_lookup);
criterion_main!(benches);
