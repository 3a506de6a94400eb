//! One metered function: its labels, and its series resolved once.

use std::sync::OnceLock;
use std::time::Duration;

use prometheus::{Histogram, IntCounter};

use crate::Status;
use crate::guard::CallGuard;
use crate::module::{is_metric_name_segment, live};

/// The `static` that `#[metered]` puts in each function. Generated code only.
///
/// The first call resolves the site's series (one counter per status and the
/// histogram) and creates them at zero; every later call goes straight to
/// them: no hashing, locking or allocation.
#[derive(Debug)]
pub struct CallSite {
    module: &'static str,
    operation: &'static str,
    kind: &'static str,
    series: OnceLock<Series>,
}

#[derive(Debug)]
struct Series {
    by_status: [IntCounter; 4],
    duration: Histogram,
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
            series: OnceLock::new(),
        }
    }

    /// Starts measuring one call.
    #[inline]
    pub fn start(&'static self) -> CallGuard {
        self.series();
        CallGuard::new(self)
    }

    #[inline]
    pub(crate) fn record(&self, status: Status, elapsed: Duration) {
        let series = self.series();
        series.duration.observe(elapsed.as_secs_f64());
        series.by_status[status.index()].inc();
    }

    fn series(&self) -> &Series {
        self.series.get_or_init(|| {
            let families = live(self.module);
            let (operation, kind) = (self.operation, self.kind);
            Series {
                by_status: Status::ALL.map(|status| {
                    families.operations_total().with_label_values(&[
                        operation,
                        kind,
                        status.as_str(),
                    ])
                }),
                duration: families
                    .operation_duration_seconds()
                    .with_label_values(&[operation, kind]),
            }
        })
    }
}
