//! The `Database` trait and its two backends: RocksDB (column families) and memory.

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::path::Path;
use std::sync::RwLock;

/// Columns of the database. Each is a RocksDB column family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DBCol {
    /// Trie nodes by hash. Values carry a reference count (see [`crate::Store`]).
    State,
    /// Small named records kept by tools (e.g. the latest state root).
    Misc,
}

impl DBCol {
    /// Every column.
    pub const ALL: [DBCol; 2] = [DBCol::State, DBCol::Misc];

    /// The column family's name.
    pub fn name(self) -> &'static str {
        match self {
            DBCol::State => "State",
            DBCol::Misc => "Misc",
        }
    }

    /// Whether values in this column carry a reference count.
    pub fn is_rc(self) -> bool {
        matches!(self, DBCol::State)
    }
}

/// One write of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DBOp {
    /// Sets `key` to `value`.
    Set {
        /// Column.
        col: DBCol,
        /// Key.
        key: Vec<u8>,
        /// Value.
        value: Vec<u8>,
    },
    /// Deletes `key`.
    Delete {
        /// Column.
        col: DBCol,
        /// Key.
        key: Vec<u8>,
    },
}

/// A batch of writes, applied atomically.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DBTransaction {
    /// The writes, in order.
    pub ops: Vec<DBOp>,
}

/// A key-value database with columns and atomic batches.
pub trait Database: Send + Sync {
    /// The value of `key` in `col`.
    ///
    /// # Errors
    /// I/O errors of the backend.
    fn get_raw(&self, col: DBCol, key: &[u8]) -> io::Result<Option<Vec<u8>>>;

    /// Applies every op of `transaction`, all or nothing.
    ///
    /// # Errors
    /// I/O errors of the backend; then nothing was written.
    fn write(&self, transaction: DBTransaction) -> io::Result<()>;

    /// Number of keys in `col` (for tests and tools; walks the column).
    ///
    /// # Errors
    /// I/O errors of the backend.
    fn count_keys(&self, col: DBCol) -> io::Result<usize>;
}

/// Every column's sorted key-value map.
type Columns = HashMap<DBCol, BTreeMap<Vec<u8>, Vec<u8>>>;

/// An in-memory database, for tests and the scenario runner's default.
#[derive(Default)]
pub struct MemoryDB {
    columns: RwLock<Columns>,
}

impl MemoryDB {
    /// An empty database.
    pub fn new() -> MemoryDB {
        MemoryDB::default()
    }
}

fn poisoned() -> io::Error {
    io::Error::other("memory database lock poisoned by a panicking writer")
}

impl Database for MemoryDB {
    fn get_raw(&self, col: DBCol, key: &[u8]) -> io::Result<Option<Vec<u8>>> {
        let columns = self.columns.read().map_err(|_| poisoned())?;
        Ok(columns.get(&col).and_then(|c| c.get(key)).cloned())
    }

    fn write(&self, transaction: DBTransaction) -> io::Result<()> {
        let mut columns = self.columns.write().map_err(|_| poisoned())?;
        for op in transaction.ops {
            match op {
                DBOp::Set { col, key, value } => {
                    columns.entry(col).or_default().insert(key, value);
                }
                DBOp::Delete { col, key } => {
                    columns.entry(col).or_default().remove(&key);
                }
            }
        }
        Ok(())
    }

    fn count_keys(&self, col: DBCol) -> io::Result<usize> {
        let columns = self.columns.read().map_err(|_| poisoned())?;
        Ok(columns.get(&col).map_or(0, BTreeMap::len))
    }
}

/// A RocksDB database with one column family per [`DBCol`].
pub struct RocksDB {
    db: rocksdb::DB,
}

fn rocks_error(error: rocksdb::Error) -> io::Error {
    io::Error::other(error.into_string())
}

impl RocksDB {
    /// Opens (creating if needed) the database at `path`.
    ///
    /// # Errors
    /// When the path cannot be opened or is locked by another process.
    pub fn open(path: &Path) -> io::Result<RocksDB> {
        let mut options = rocksdb::Options::default();
        options.create_if_missing(true);
        options.create_missing_column_families(true);
        let names = DBCol::ALL.iter().map(|c| c.name());
        let db = rocksdb::DB::open_cf(&options, path, names).map_err(rocks_error)?;
        Ok(RocksDB { db })
    }

    fn cf(&self, col: DBCol) -> io::Result<&rocksdb::ColumnFamily> {
        self.db.cf_handle(col.name()).ok_or_else(|| io::Error::other(format!("column family {} missing", col.name())))
    }
}

impl Database for RocksDB {
    fn get_raw(&self, col: DBCol, key: &[u8]) -> io::Result<Option<Vec<u8>>> {
        self.db.get_cf(self.cf(col)?, key).map_err(rocks_error)
    }

    fn write(&self, transaction: DBTransaction) -> io::Result<()> {
        let mut batch = rocksdb::WriteBatch::default();
        for op in transaction.ops {
            match op {
                DBOp::Set { col, key, value } => batch.put_cf(self.cf(col)?, key, value),
                DBOp::Delete { col, key } => batch.delete_cf(self.cf(col)?, key),
            }
        }
        self.db.write(batch).map_err(rocks_error)
    }

    fn count_keys(&self, col: DBCol) -> io::Result<usize> {
        let mut count = 0;
        for item in self.db.iterator_cf(self.cf(col)?, rocksdb::IteratorMode::Start) {
            item.map_err(rocks_error)?;
            count += 1;
        }
        Ok(count)
    }
}
