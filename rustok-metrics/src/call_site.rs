//! One metered function: its labels, and where its calls are counted.

use std::sync::OnceLock;

use crate::Status;
use crate::guard::CallGuard;
use crate::module::{is_metric_name_segment, live};
use crate::recorder::{Recorder, Snapshot};

/// The `static` that `#[metered]` puts in each function. Generated code only.
///
/// The first call creates the site's recorder and registers the site with
/// its module, whose collector then renders its series (all four statuses,
/// at zero until they happen). Later calls go straight to the recorder: no
/// hashing, locking or allocation.
pub struct CallSite {
    module: &'static str,
    operation: &'static str,
    kind: &'static str,
    recorder: OnceLock<Recorder>,
}

impl CallSite {
    /// A call site of `operation` in `module`, with a static `kind` (`""` for none).
    ///
    /// # Panics
    /// At compile time, in the `static` initialiser, when `module` is not a
    /// metric-name segment; `#[metered]` reports that earlier and better.
    #[must_use]
    pub const fn new(module: &'static str, operation: &'static str, kind: &'static str) -> Self {
        assert!(
            is_metric_name_segment(module),
            "module must match [a-z][a-z0-9_]*"
        );
        CallSite {
            module,
            operation,
            kind,
            recorder: OnceLock::new(),
        }
    }

    /// Starts measuring one call.
    #[inline]
    pub fn start(&'static self) -> CallGuard {
        self.recorder();
        CallGuard::new(self)
    }

    #[inline]
    pub(crate) fn record(&'static self, status: Status, nanos: u64) {
        self.recorder().record(status, nanos);
    }

    #[inline]
    fn recorder(&'static self) -> &'static Recorder {
        self.recorder.get_or_init(|| {
            let module = live(self.module);
            let recorder = Recorder::new(module.bounds());
            module.add_site(self);
            recorder
        })
    }

    /// `(operation, kind)`: the labels this site records under.
    pub(crate) fn labels(&self) -> (&'static str, &'static str) {
        (self.operation, self.kind)
    }

    /// Adds this site's counts into `into`; nothing if it has not run yet.
    pub(crate) fn add_to(&self, into: &mut Snapshot) {
        if let Some(recorder) = self.recorder.get() {
            recorder.add_to(into);
        }
    }
}

impl std::fmt::Debug for CallSite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallSite")
            .field("module", &self.module)
            .field("operation", &self.operation)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}
