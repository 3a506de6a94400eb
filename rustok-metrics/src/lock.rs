//! Locking that never panics: our mutexes guard data that stays consistent
//! even if a holder panicked, so a poisoned lock is used as it is.

use std::sync::{Mutex, MutexGuard, PoisonError};

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
