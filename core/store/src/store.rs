//! [`Store`]: typed access over a [`Database`], with reference-counted values in rc columns.
//!
//! An rc column's stored value is `payload ‖ refcount (i64 LE)`. A batch collects refcount
//! deltas per key; at commit each key is read once, its count adjusted, and the entry written or,
//! at zero, deleted — all in one atomic database write. Commits to one store must not run
//! concurrently (the runtime has a single writer).

use crate::db::{DBCol, DBOp, DBTransaction, Database, MemoryDB, RocksDB};
use std::collections::BTreeMap;
use std::io;
use std::path::Path;
use std::sync::Arc;

/// A handle to a database; cheap to clone.
#[derive(Clone)]
pub struct Store {
    db: Arc<dyn Database>,
}

impl Store {
    /// A store over `db`.
    pub fn new(db: Arc<dyn Database>) -> Store {
        Store { db }
    }

    /// A fresh in-memory store.
    pub fn memory() -> Store {
        Store::new(Arc::new(MemoryDB::new()))
    }

    /// A store over RocksDB at `path`.
    ///
    /// # Errors
    /// When RocksDB cannot open the path.
    pub fn rocksdb(path: &Path) -> io::Result<Store> {
        Ok(Store::new(Arc::new(RocksDB::open(path)?)))
    }

    /// The payload of `key` in `col` (for rc columns, without the count; absent at count ≤ 0).
    ///
    /// # Errors
    /// Backend I/O errors, or a malformed rc value.
    pub fn get(&self, col: DBCol, key: &[u8]) -> io::Result<Option<Vec<u8>>> {
        let Some(raw) = self.db.get_raw(col, key)? else { return Ok(None) };
        if !col.is_rc() {
            return Ok(Some(raw));
        }
        let (payload, rc) = decode_rc(&raw)?;
        Ok((rc > 0).then(|| payload.to_vec()))
    }

    /// The reference count of `key` in an rc column (0 when absent).
    ///
    /// # Errors
    /// Backend I/O errors, or a malformed rc value.
    pub fn refcount(&self, col: DBCol, key: &[u8]) -> io::Result<i64> {
        match self.db.get_raw(col, key)? {
            Some(raw) => Ok(decode_rc(&raw)?.1),
            None => Ok(0),
        }
    }

    /// Number of keys stored in `col`.
    ///
    /// # Errors
    /// Backend I/O errors.
    pub fn count_keys(&self, col: DBCol) -> io::Result<usize> {
        self.db.count_keys(col)
    }

    /// Starts a batch of writes.
    pub fn store_update(&self) -> StoreUpdate {
        StoreUpdate { store: self.clone(), ops: Vec::new(), rc_deltas: BTreeMap::new() }
    }
}

fn decode_rc(raw: &[u8]) -> io::Result<(&[u8], i64)> {
    if raw.len() < 8 {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "refcounted value shorter than its count"));
    }
    let (payload, count) = raw.split_at(raw.len() - 8);
    let count = i64::from_le_bytes(count.try_into().expect("split_at leaves exactly 8 bytes"));
    Ok((payload, count))
}

/// Refcount changes per (column, key): the value to store (if any) and the delta.
type RcDeltas = BTreeMap<(DBCol, Vec<u8>), (Option<Vec<u8>>, i64)>;

/// A batch of writes to a [`Store`], applied atomically by [`StoreUpdate::commit`].
pub struct StoreUpdate {
    store: Store,
    ops: Vec<DBOp>,
    rc_deltas: RcDeltas,
}

impl StoreUpdate {
    /// Sets `key` in a plain column.
    pub fn set(&mut self, col: DBCol, key: &[u8], value: &[u8]) {
        debug_assert!(!col.is_rc(), "use increment_refcount for rc columns");
        self.ops.push(DBOp::Set { col, key: key.to_vec(), value: value.to_vec() });
    }

    /// Deletes `key` from a plain column.
    pub fn delete(&mut self, col: DBCol, key: &[u8]) {
        debug_assert!(!col.is_rc(), "use decrement_refcount for rc columns");
        self.ops.push(DBOp::Delete { col, key: key.to_vec() });
    }

    /// Adds `by` references to `key` in an rc column, storing `value` if it is new.
    pub fn increment_refcount(&mut self, col: DBCol, key: &[u8], value: &[u8], by: u32) {
        let entry = self.rc_deltas.entry((col, key.to_vec())).or_insert((None, 0));
        entry.0 = Some(value.to_vec());
        entry.1 += i64::from(by);
    }

    /// Removes `by` references from `key` in an rc column; the entry goes at zero.
    pub fn decrement_refcount(&mut self, col: DBCol, key: &[u8], by: u32) {
        let entry = self.rc_deltas.entry((col, key.to_vec())).or_insert((None, 0));
        entry.1 -= i64::from(by);
    }

    /// Applies the batch atomically.
    ///
    /// # Errors
    /// Backend I/O errors (nothing is written), or a refcount that would go negative, which
    /// means the caller released references it never took.
    pub fn commit(self) -> io::Result<()> {
        let mut ops = self.ops;
        for ((col, key), (value, delta)) in self.rc_deltas {
            if delta == 0 {
                continue;
            }
            let existing = self.store.db.get_raw(col, &key)?;
            let (payload, count) = match &existing {
                Some(raw) => {
                    let (payload, count) = decode_rc(raw)?;
                    (Some(payload.to_vec()), count)
                }
                None => (None, 0),
            };
            let new_count = count + delta;
            if new_count < 0 {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("refcount of a {} entry would drop to {new_count}", col.name()),
                ));
            }
            if new_count == 0 {
                ops.push(DBOp::Delete { col, key });
                continue;
            }
            let Some(mut payload) = payload.or(value) else {
                return Err(io::Error::new(io::ErrorKind::InvalidData, "refcount raised on an entry with no value"));
            };
            payload.extend_from_slice(&new_count.to_le_bytes());
            ops.push(DBOp::Set { col, key, value: payload });
        }
        self.store.db.write(DBTransaction { ops })
    }
}
