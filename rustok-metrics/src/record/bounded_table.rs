//! A table of at most `cap` entries that threads add to once and then only
//! read: the distinct label values a call site keeps.
//!
//! Lookups scan the entries added so far without locking; adding one takes a
//! mutex, once per distinct key. When the table is full, `get_or_add`
//! returns `None` and the caller counts the value elsewhere (`other`).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use crate::lock::lock;

pub(crate) struct BoundedTable<K, V> {
    entries: Box<[OnceLock<(K, V)>]>,
    /// Entries below this are set; readers look no further.
    len: AtomicUsize,
    adding: Mutex<()>,
}

impl<K, V> BoundedTable<K, V> {
    pub(crate) fn new(cap: usize) -> Self {
        BoundedTable {
            entries: (0..cap).map(|_| OnceLock::new()).collect(),
            len: AtomicUsize::new(0),
            adding: Mutex::new(()),
        }
    }

    /// How many entries were added so far.
    pub(crate) fn len(&self) -> usize {
        self.len.load(Ordering::Acquire)
    }

    /// Every entry added so far, in the order added.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &(K, V)> {
        let len = self.len.load(Ordering::Acquire);
        self.entries[..len].iter().filter_map(OnceLock::get)
    }

    /// The value of the entry `matches` finds, or a new entry made by `make`
    /// (called at most once, under the lock), or `None` when the table is full.
    #[inline]
    pub(crate) fn get_or_add(
        &self,
        matches: impl Fn(&K) -> bool,
        make: impl FnOnce() -> (K, V),
    ) -> Option<&V> {
        if let Some((_, value)) = self.iter().find(|(key, _)| matches(key)) {
            return Some(value);
        }
        if self.len.load(Ordering::Acquire) >= self.entries.len() {
            return None;
        }
        self.add(matches, make)
    }

    /// As [`get_or_add`](Self::get_or_add), with the entry's key: the one
    /// stored, which may outlive the key `matches` was looking for.
    #[inline]
    pub(crate) fn get_or_add_entry(
        &self,
        matches: impl Fn(&K) -> bool,
        make: impl FnOnce() -> (K, V),
    ) -> Option<&(K, V)> {
        if let Some(entry) = self.iter().find(|(key, _)| matches(key)) {
            return Some(entry);
        }
        self.get_or_add(&matches, make)?;
        self.iter().find(|(key, _)| matches(key))
    }

    #[cold]
    fn add(&self, matches: impl Fn(&K) -> bool, make: impl FnOnce() -> (K, V)) -> Option<&V> {
        let _adding = lock(&self.adding);
        if let Some((_, value)) = self.iter().find(|(key, _)| matches(key)) {
            return Some(value);
        }
        let len = self.len.load(Ordering::Acquire);
        let (_, value) = self.entries.get(len)?.get_or_init(make);
        self.len.store(len + 1, Ordering::Release);
        Some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::BoundedTable;

    #[test]
    fn keeps_at_most_cap_entries_and_finds_them_again() {
        let table: BoundedTable<u32, u32> = BoundedTable::new(2);
        assert_eq!(table.get_or_add(|k| *k == 1, || (1, 10)), Some(&10));
        assert_eq!(table.get_or_add(|k| *k == 2, || (2, 20)), Some(&20));
        assert_eq!(table.get_or_add(|k| *k == 3, || (3, 30)), None);
        assert_eq!(table.get_or_add(|k| *k == 1, || unreachable!()), Some(&10));
        assert_eq!(table.iter().count(), 2);
    }
}
