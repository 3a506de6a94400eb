//! The one error type of the runtime.

/// What can go wrong when configuring or rendering metrics.
///
/// No call to a metered function ever returns or panics with this: problems
/// found on a call path (a name clash while registering a family, say) are
/// kept and reported by the next [`render_metrics`](crate::render_metrics).
/// Settings Prometheus cannot use are compile errors
/// ([`ModuleSettings`](crate::settings::ModuleSettings)).
///
/// ```
/// use rustok_metrics::TelemetryError;
///
/// let err = rustok_metrics::by_hand::module_metrics("Docs-Error").unwrap_err();
/// assert!(matches!(err, TelemetryError::InvalidModule { .. }));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TelemetryError {
    /// The Prometheus library refused an operation (registration, encoding).
    #[error("prometheus registry error: {0}")]
    Prometheus(#[from] prometheus::Error),

    /// A module name that cannot be part of a metric name.
    #[error(
        "invalid module name {module:?}: use lowercase ASCII letters, digits and `_`, starting with a letter"
    )]
    InvalidModule {
        /// The name as given.
        module: String,
    },

    /// Bucket bounds that Prometheus cannot use.
    #[error("invalid duration buckets for module `{module}`: {reason}")]
    InvalidBuckets {
        /// The module the buckets were meant for.
        module: String,
        /// What is wrong with them.
        reason: &'static str,
    },

    /// Native-histogram settings Prometheus cannot use.
    #[error("invalid native histograms for module `{module}`: {reason}")]
    InvalidNativeHistograms {
        /// The module the settings were meant for.
        module: String,
        /// What is wrong with them.
        reason: &'static str,
    },

    /// [`set_trace_source`](crate::trace::set_trace_source) was called before.
    #[error("a trace source was already set; set it once, at start-up")]
    TraceSourceSet,

    /// A label cap that is 0 or above [`MAX_LABEL_CAP`](crate::module::MAX_LABEL_CAP).
    #[error("invalid label cap {cap} for module `{module}`: use 1 to {max}")]
    InvalidLabelCap {
        /// The module the cap was meant for.
        module: String,
        /// The cap as given.
        cap: usize,
        /// The largest cap accepted.
        max: usize,
    },

    /// Buckets or the label cap were set after the module's families
    /// already existed.
    #[error(
        "settings of module `{module}` (duration buckets, native histograms, label cap) can no longer change: its metrics were already used; set them at start-up, before the first metered call or render"
    )]
    ModuleInUse {
        /// The module whose families already exist.
        module: String,
    },

    /// A setter was called for a module whose settings are declared with
    /// [`settings::declare!`](crate::settings::declare): the declaration
    /// holds.
    #[error(
        "settings of module `{module}` are declared with rustok_metrics::settings::declare!; change them there"
    )]
    ModuleDeclared {
        /// The module whose settings are declared.
        module: String,
    },

    /// Families that could not be registered, so their series are missing
    /// from the registry. Usually another collector already took the name.
    #[error("metric families missing from the registry: {}", problems.join("; "))]
    Registration {
        /// One line per family that failed.
        problems: Vec<String>,
    },

    /// Modules whose settings are declared more than once
    /// ([`settings::declare!`](crate::settings::declare)): which one holds
    /// depends on link order, so nothing renders until one is left.
    #[error("settings declared more than once for module(s) {}: declare each module's settings once", modules.join(", "))]
    DuplicateSettings {
        /// The modules declared twice or more.
        modules: Vec<&'static str>,
    },
}
