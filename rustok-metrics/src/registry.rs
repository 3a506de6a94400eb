//! The process-wide `prometheus` registry, and how our own families get
//! into it without ever taking its lock on a metered call's path.
//!
//! Our families (each module's, the HTTP layer's, the platform's gauges) are
//! *adopted*: kept in a list of ours. A render writes them itself, straight
//! from their recorders ([`OwnFamily`]), next to what the registry's other
//! collectors gather. For code that reads the registry through `prometheus`
//! (`registry().gather()`), one collector, [`OwnFamilies`], registered when
//! the registry is made, builds them as `prometheus` families. Adopting a
//! family takes no registry lock, so a metered call may create a module even
//! while a `gather()` is running (say, inside a user's collector). Their
//! names are *claimed* in the registry at the next render, before it
//! gathers: from then on `prometheus` refuses another collector of the same
//! name, and a name someone else took first is reported by that render.

use std::cell::Cell;
use std::sync::{LazyLock, Mutex};

use prometheus::core::{Collector, Desc};
use prometheus::proto::MetricFamily;
use prometheus::{IntCounterVec, Opts, Registry};

use crate::lock::lock;
use crate::model::Sink;
use crate::proto::{ProtoSink, valid};

static REGISTRY: LazyLock<Registry> = LazyLock::new(|| {
    let registry = Registry::new();
    #[cfg(target_os = "linux")]
    register_or_keep_problem(
        &registry,
        Box::new(prometheus::process_collector::ProcessCollector::for_self()),
        "process metrics",
    );
    register_or_keep_problem(&registry, Box::new(OwnFamilies), "rustok-metrics");
    registry
});

/// The registry every `#[metered]` function records into.
///
/// It also holds the process metrics on Linux (`process_cpu_seconds_total`,
/// `process_resident_memory_bytes`, ...). Register your own collectors here
/// to have them rendered by [`render_metrics`](crate::render_metrics).
///
/// ```
/// use rustok_metrics::prometheus::{IntCounter, Opts};
///
/// let jobs = IntCounter::with_opts(Opts::new("docs_jobs_total", "Jobs run.")).unwrap();
/// rustok_metrics::by_hand::registry().register(Box::new(jobs.clone())).unwrap();
/// jobs.inc();
/// assert!(rustok_metrics::render_metrics().unwrap().contains("docs_jobs_total 1"));
/// ```
#[must_use]
pub fn registry() -> &'static Registry {
    &REGISTRY
}

/// Families of ours that write themselves into any format.
pub(crate) trait OwnFamily: Send + Sync {
    /// The descriptions of the families it writes (their names, claimed in
    /// the registry), in name order.
    fn descs(&self) -> Vec<&Desc>;

    /// Writes its families (as one block) from one read of its counts, and
    /// leaves out a family with no series.
    fn write(&self, sink: &mut dyn Sink);
}

/// A family of ours: written by us, or a `prometheus` metric (the gauges)
/// whose gathered family is encoded like any other collector's.
#[derive(Clone, Copy)]
pub(crate) enum Adopted {
    Ours(&'static dyn OwnFamily),
    Prometheus(&'static (dyn Collector + 'static)),
}

impl Adopted {
    fn descs(&self) -> Vec<&Desc> {
        match self {
            Adopted::Ours(family) => family.descs(),
            Adopted::Prometheus(collector) => collector.desc(),
        }
    }
}

/// Families of ours, in the order adopted.
static ADOPTED: Mutex<Vec<Adopted>> = Mutex::new(Vec::new());

/// How many of [`ADOPTED`] have their names claimed in the registry.
static CLAIMED: Mutex<usize> = Mutex::new(0);

/// Families that could not be registered or claimed. Kept, not panicked on,
/// because they are found on a caller's path; every render reports them.
static PROBLEMS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Makes `family` part of every render and gather from now on. Takes no
/// registry lock.
pub(crate) fn adopt(family: Adopted) {
    lock(&ADOPTED).push(family);
}

/// Every family of ours, the crate's overflow counter included.
pub(crate) fn adopted() -> Vec<Adopted> {
    let mut all = vec![Adopted::Prometheus(&*LABEL_OVERFLOW_TOTAL)];
    all.extend(lock(&ADOPTED).iter().copied());
    all
}

thread_local! {
    /// Set while a render of ours gathers: it writes our families itself.
    static RENDERING: Cell<bool> = const { Cell::new(false) };
}

/// What the registry's other collectors gather (process metrics, users'
/// own), without our families. `prometheus` gathers on the calling thread.
pub(crate) fn gather_others() -> Vec<MetricFamily> {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            RENDERING.with(|rendering| rendering.set(false));
        }
    }
    RENDERING.with(|rendering| rendering.set(true));
    let _reset = Reset;
    registry().gather()
}

/// Claims the names of families adopted since the last claim. Called by a
/// render before it gathers, never while a gather runs.
pub(crate) fn claim_names() {
    let registry = registry();
    let mut claimed = lock(&CLAIMED);
    let unclaimed: Vec<_> = lock(&ADOPTED)[*claimed..].to_vec();
    for family in unclaimed {
        let descs: Vec<Desc> = family.descs().into_iter().cloned().collect();
        let what = descs
            .iter()
            .map(|desc| desc.fq_name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        register_or_keep_problem(registry, Box::new(NameClaim(descs)), &what);
        *claimed += 1;
    }
}

/// Every registration problem so far, one line each.
pub(crate) fn problems() -> Vec<String> {
    lock(&PROBLEMS).clone()
}

fn register_or_keep_problem(registry: &Registry, collector: Box<dyn Collector>, what: &str) {
    if let Err(error) = registry.register(collector) {
        lock(&PROBLEMS).push(format!("{what}: {error}"));
    }
}

static LABEL_OVERFLOW_TOTAL: LazyLock<IntCounterVec> = LazyLock::new(|| {
    valid(IntCounterVec::new(
        Opts::new(
            "rustok_metrics_label_overflow_total",
            "Calls counted as kind=\"other\" because their call site already kept its cap of distinct computed kinds, by module and operation.",
        ),
        &["module", "operation"],
    ))
});

/// `rustok_metrics_label_overflow_total{module, operation}`: the crate's own
/// family, rendered (and its name claimed) with the registry.
pub(crate) fn label_overflow_total() -> &'static IntCounterVec {
    &LABEL_OVERFLOW_TOTAL
}

/// Gathers every adopted family as `prometheus` families, and the overflow
/// family whose name it claims for itself, for code that reads the registry
/// through `prometheus`; nothing while a render of ours gathers. Our lock is
/// held only to copy the list, so no metered call ever waits on a gather.
struct OwnFamilies;

impl Collector for OwnFamilies {
    fn desc(&self) -> Vec<&Desc> {
        LABEL_OVERFLOW_TOTAL.desc()
    }

    fn collect(&self) -> Vec<MetricFamily> {
        if RENDERING.with(Cell::get) {
            return Vec::new();
        }
        let mut families = Vec::new();
        for family in adopted() {
            match family {
                Adopted::Ours(family) => {
                    let mut sink = ProtoSink::default();
                    family.write(&mut sink);
                    families.extend(sink.into_families());
                }
                Adopted::Prometheus(collector) => families.extend(collector.collect()),
            }
        }
        families
    }
}

/// Holds a family's names in the registry; [`OwnFamilies`] renders it.
struct NameClaim(Vec<Desc>);

impl Collector for NameClaim {
    fn desc(&self) -> Vec<&Desc> {
        self.0.iter().collect()
    }

    fn collect(&self) -> Vec<MetricFamily> {
        Vec::new()
    }
}
