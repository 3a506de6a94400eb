//! The message of the panic a thread is unwinding from, for the span of a
//! metered call that panicked (`otel.status_description`).
//!
//! A `Drop` cannot see the panic's payload, so a panic hook keeps each
//! thread's latest string message: installed the first time a call opens a
//! span someone listens to, in front of the hook that was there (which still
//! runs, so panics print as before). A hook set after ours replaces it, and
//! then spans of panicked calls get no description (or a stale one, from a
//! panic before the replacement on the same thread).

use std::cell::RefCell;
use std::sync::Once;

thread_local! {
    static LATEST: RefCell<Option<String>> = const { RefCell::new(None) };
}

static HOOK: Once = Once::new();

/// Installs the hook once; not from a thread that is panicking, where
/// `set_hook` itself would panic.
#[inline]
pub(super) fn watch() {
    if HOOK.is_completed() || std::thread::panicking() {
        return;
    }
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let message = payload
                .downcast_ref::<&str>()
                .map(|message| (*message).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned());
            // During thread teardown the slot may be gone: no message then.
            let _ = LATEST.try_with(|latest| {
                if let Ok(mut latest) = latest.try_borrow_mut() {
                    *latest = message;
                }
            });
            previous(info);
        }));
    });
}

/// Calls `f` with the message of this thread's latest panic, if it was a string.
pub(super) fn with_current(f: impl FnOnce(&str)) {
    let _ = LATEST.try_with(|latest| {
        if let Ok(latest) = latest.try_borrow()
            && let Some(message) = latest.as_deref()
        {
            f(message);
        }
    });
}
