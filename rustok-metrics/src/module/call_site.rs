//! One metered function: what it is, and where its calls are counted.

use std::sync::OnceLock;

use super::computed_kinds::ComputedKinds;
use super::directory::live;
use super::families::ModuleMetrics;
use super::name::is_metric_name_segment;
use super::operation::Operation;
use crate::label::KindValue;
use crate::objective::Objective;
use crate::record::{Guard, Recorder};

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
    computed_kinds: OnceLock<ComputedKinds>,
}

/// How a call site is found before `main`: `inventory` collects one per site.
#[doc(hidden)]
#[derive(Debug)]
pub struct SiteEntry(pub &'static CallSite);

inventory::collect!(SiteEntry);

/// One metered call, started: the clock runs and it counts as in flight.
/// Generated code hands it to an [`Exit`](super::Exit), which records how
/// it ends; dropped on its own, it records a panic or a cancellation.
#[must_use = "a call is recorded when its guard ends or drops"]
pub struct CallGuard(Guard);

impl CallGuard {
    pub(super) fn into_guard(self) -> Guard {
        self.0
    }
}

impl std::fmt::Debug for CallGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallGuard").finish_non_exhaustive()
    }
}

impl CallSite {
    /// A call site of `operation` in `module` with a static `kind` (`""` for
    /// none), or with a kind computed per call when `computed_kind`. `line`
    /// is the line of the function's name.
    ///
    /// # Panics
    /// At compile time, in the `static` initialiser, when `module` is not a
    /// metric-name segment; `#[metered]` reports that earlier and better.
    #[must_use]
    pub const fn new(
        module: &'static str,
        operation: &'static str,
        kind: &'static str,
        computed_kind: bool,
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
                computed_kind,
                file,
                line,
                objective: None,
            },
            recorder: OnceLock::new(),
            computed_kinds: OnceLock::new(),
        }
    }

    /// This site with an objective (`#[metered(.., objective = ..)]`).
    #[must_use]
    pub const fn with_objective(mut self, objective: Objective) -> Self {
        self.operation.objective = Some(objective);
        self
    }

    /// Starts measuring one call of a site with a static kind.
    #[inline(always)]
    pub fn start(&'static self) -> CallGuard {
        CallGuard(Guard::start(
            self.recorder.get_or_init(|| self.new_recorder()),
        ))
    }

    /// Starts measuring one call whose kind was computed from its arguments.
    #[inline]
    pub fn start_with(&'static self, kind: KindValue<'_>) -> CallGuard {
        let kinds = self
            .computed_kinds
            .get_or_init(|| ComputedKinds::new(&self.operation, self.module_families()));
        CallGuard(Guard::start(kinds.recorder(kind).1))
    }

    /// As [`start`](Self::start), with the call's `kind` label, for its span.
    #[inline]
    pub fn start_spanned(&'static self) -> (CallGuard, &'static str) {
        (self.start(), self.operation.kind)
    }

    /// As [`start_with`](Self::start_with), with the label value the call is
    /// recorded under (`other` past the cap), for its span.
    #[inline]
    pub fn start_with_spanned(&'static self, kind: KindValue<'_>) -> (CallGuard, &'static str) {
        let kinds = self
            .computed_kinds
            .get_or_init(|| ComputedKinds::new(&self.operation, self.module_families()));
        let (kind, recorder) = kinds.recorder(kind);
        (CallGuard(Guard::start(recorder)), kind)
    }

    /// What this site is.
    pub(crate) fn operation(&'static self) -> &'static Operation {
        &self.operation
    }

    /// The first call's set-up: this site's module, with the site in it.
    fn module_families(&'static self) -> &'static ModuleMetrics {
        let module = live(self.operation.module);
        module.join(self);
        module
    }

    fn new_recorder(&'static self) -> Recorder {
        self.module_families().new_recorder()
    }

    /// How many kinds [`for_each_kind`](Self::for_each_kind) visits, and
    /// with how many recorders: both only grow, so equal counts mean the
    /// same kinds and recorders.
    pub(super) fn kinds_and_recorders(&'static self) -> (usize, usize) {
        if !self.operation.computed_kind {
            (1, usize::from(self.recorder.get().is_some()))
        } else {
            let kinds = self.computed_kinds.get().map_or(0, ComputedKinds::len);
            (kinds, kinds)
        }
    }

    /// Calls `visit` with each kind this site records under and its
    /// recorder: the static kind (no recorder before the first call, so it
    /// renders as zeros), or each computed value seen, plus `other` once
    /// values overflowed.
    pub(super) fn for_each_kind(
        &'static self,
        mut visit: impl FnMut(&'static str, Option<&'static Recorder>),
    ) {
        if !self.operation.computed_kind {
            visit(self.operation.kind, self.recorder.get());
        } else if let Some(kinds) = self.computed_kinds.get() {
            kinds.for_each(|kind, recorder| visit(kind, Some(recorder)));
        }
    }
}

impl std::fmt::Debug for CallSite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.operation.fmt(f)
    }
}
