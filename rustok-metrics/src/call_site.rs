//! One metered function: what it is, and where its calls are counted.

use std::sync::OnceLock;

use prometheus::IntCounter;

use crate::bounded_table::BoundedTable;
use crate::guard::CallGuard;
use crate::label::KindValue;
use crate::module::{ModuleMetrics, is_metric_name_segment, live};
use crate::operation::Operation;
use crate::recorder::Recorder;
use crate::registry::label_overflow_total;

/// The `static` that `#[metered]` puts in each function. Generated code only.
///
/// Every site registers itself before `main` (see [`SiteEntry`]), so its
/// series can be rendered at zero before the first call. The first call
/// creates the site's recorder; later calls go straight to it: no hashing,
/// locking or allocation.
pub struct CallSite {
    operation: Operation,
    /// For a site with a static kind.
    recorder: OnceLock<Recorder>,
    /// For a site whose kind is computed per call.
    kinds: OnceLock<Kinds>,
}

/// The recorders of a site with a computed kind, one per distinct value up
/// to the module's label cap, and `other` for the rest.
struct Kinds {
    bounds: &'static [f64],
    seen: BoundedTable<&'static str, Recorder>,
    other: Recorder,
    overflow: IntCounter,
}

/// How a call site is found before `main`: `inventory` collects one per site.
#[doc(hidden)]
pub struct SiteEntry(pub &'static CallSite);

inventory::collect!(SiteEntry);

impl CallSite {
    /// A call site of `operation` in `module` with a static `kind` (`""` for
    /// none), or with a kind computed per call when `dynamic_kind`.
    ///
    /// # Panics
    /// At compile time, in the `static` initialiser, when `module` is not a
    /// metric-name segment; `#[metered]` reports that earlier and better.
    #[must_use]
    pub const fn new(
        module: &'static str,
        operation: &'static str,
        kind: &'static str,
        dynamic_kind: bool,
        file: &'static str,
        line: u32,
    ) -> Self {
        assert!(
            is_metric_name_segment(module),
            "module must match [a-z][a-z0-9_]*"
        );
        CallSite {
            operation: Operation {
                module,
                operation,
                kind,
                dynamic_kind,
                file,
                line,
            },
            recorder: OnceLock::new(),
            kinds: OnceLock::new(),
        }
    }

    /// Starts measuring one call of a site with a static kind.
    #[inline]
    pub fn start(&'static self) -> CallGuard {
        CallGuard::new(self.recorder.get_or_init(|| self.new_recorder()))
    }

    /// Starts measuring one call whose kind was computed from its arguments.
    #[inline]
    pub fn start_with(&'static self, kind: KindValue<'_>) -> CallGuard {
        CallGuard::new(self.kinds().recorder(kind))
    }

    pub(crate) fn module(&self) -> &'static str {
        self.operation.module
    }

    /// What this site is.
    pub(crate) fn operation(&'static self) -> &'static Operation {
        &self.operation
    }

    /// The first call's set-up: this site's module, with the site in it.
    fn families(&'static self) -> &'static ModuleMetrics {
        let module = live(self.operation.module);
        module.include(self);
        module
    }

    fn new_recorder(&'static self) -> Recorder {
        Recorder::new(self.families().bounds())
    }

    fn kinds(&'static self) -> &'static Kinds {
        self.kinds.get_or_init(|| {
            let module = self.families();
            Kinds {
                bounds: module.bounds(),
                seen: BoundedTable::new(module.label_cap()),
                other: self.new_recorder(),
                overflow: label_overflow_total()
                    .with_label_values(&[self.operation.module, self.operation.operation]),
            }
        })
    }

    /// Calls `visit` with each kind this site records under and its
    /// recorder: the static kind (no recorder before the first call, so it
    /// renders as zeros), or each computed value seen, plus `other` once
    /// values overflowed.
    pub(crate) fn for_each_kind(&self, mut visit: impl FnMut(&'static str, Option<&Recorder>)) {
        if !self.operation.dynamic_kind {
            visit(self.operation.kind, self.recorder.get());
            return;
        }
        let Some(kinds) = self.kinds.get() else {
            return;
        };
        for (kind, recorder) in kinds.seen.iter() {
            visit(kind, Some(recorder));
        }
        if kinds.overflow.get() > 0 {
            visit("other", Some(&kinds.other));
        }
    }
}

impl Kinds {
    #[inline]
    fn recorder(&'static self, kind: KindValue<'_>) -> &'static Recorder {
        let value = match kind {
            KindValue::Fixed(value) | KindValue::Bounded(value) => value,
        };
        let kept = self.seen.get_or_add(
            |known| std::ptr::eq(*known, value) || *known == value,
            || {
                let key: &'static str = match kind {
                    KindValue::Fixed(value) => value,
                    // Bounded by the cap: at most `label_cap` strings per site.
                    KindValue::Bounded(value) => Box::leak(value.into()),
                };
                (key, Recorder::new(self.bounds))
            },
        );
        kept.unwrap_or_else(|| {
            self.overflow.inc();
            &self.other
        })
    }
}

impl std::fmt::Debug for CallSite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.operation.fmt(f)
    }
}
