//! The recorders of a call site whose `kind` is computed per call: one per
//! distinct value up to the module's label cap, and `other` for the rest.

use prometheus::IntCounter;

use super::families::ModuleMetrics;
use super::operation::Operation;
use crate::label::KindValue;
use crate::record::{BoundedTable, Recorder};
use crate::registry::label_overflow_total;
use crate::same_text::same_text;

/// The label value of calls past the cap.
const OVERFLOW_KIND: &str = "other";

pub(super) struct ComputedKinds {
    module: &'static ModuleMetrics,
    kept: BoundedTable<&'static str, Recorder>,
    overflow: Recorder,
    /// `rustok_metrics_label_overflow_total{module, operation}` of the site.
    overflow_total: IntCounter,
}

impl ComputedKinds {
    pub(super) fn new(operation: &Operation, module: &'static ModuleMetrics) -> Self {
        ComputedKinds {
            module,
            kept: BoundedTable::new(module.label_cap()),
            overflow: module.new_recorder(),
            overflow_total: label_overflow_total()
                .with_label_values(&[operation.module(), operation.operation()]),
        }
    }

    /// The recorder of `kind`, added on its first call while under the cap,
    /// and the label value it records under (`other` past the cap).
    #[inline]
    pub(super) fn recorder(
        &'static self,
        kind: KindValue<'_>,
    ) -> (&'static str, &'static Recorder) {
        let value = match kind {
            KindValue::Fixed(value) | KindValue::Bounded(value) => value,
        };
        let kept = self.kept.get_or_add_entry(
            |known| same_text(known, value),
            || {
                let key: &'static str = match kind {
                    KindValue::Fixed(value) => value,
                    // Bounded by the cap: at most `label_cap` strings per site.
                    KindValue::Bounded(value) => Box::leak(value.into()),
                };
                (key, self.module.new_recorder())
            },
        );
        kept.map_or_else(
            || {
                self.overflow_total.inc();
                (OVERFLOW_KIND, &self.overflow)
            },
            |(kind, recorder)| (*kind, recorder),
        )
    }

    /// How many kinds [`for_each`](Self::for_each) visits: the kinds kept,
    /// and `other` once values overflowed. It only grows.
    pub(super) fn len(&self) -> usize {
        self.kept.len() + usize::from(self.overflow_total.get() > 0)
    }

    /// Each kind kept and its recorder, then `other` once values overflowed.
    pub(super) fn for_each(&'static self, mut visit: impl FnMut(&'static str, &'static Recorder)) {
        for (kind, recorder) in self.kept.iter() {
            visit(kind, recorder);
        }
        if self.overflow_total.get() > 0 {
            visit(OVERFLOW_KIND, &self.overflow);
        }
    }
}
