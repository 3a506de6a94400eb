//! Label values taken from a call's arguments or its error, kept bounded.
//!
//! A label value that comes from data is a new time series per distinct
//! value. [`MetricLabel`] types have a fixed set of values by construction
//! (an enum's variants); a string from input is accepted only through
//! [`bounded`], and every call site caps the distinct values it keeps.

/// A value with a fixed, small set of label values: what `kind = <expr>` and
/// an error type's `error_kind` accept.
///
/// Derive it for enums: `NodeKind::BlogPost` becomes `"blog_post"`, and
/// `#[metric_label = "..."]` on a variant overrides that.
///
/// ```
/// use rustok_metrics::MetricLabel;
///
/// #[derive(MetricLabel)]
/// enum NodeKind {
///     BlogPost,
///     #[metric_label = "page"]
///     StaticPage { slug: String },
/// }
///
/// assert_eq!(NodeKind::BlogPost.metric_label(), "blog_post");
/// assert_eq!(NodeKind::StaticPage { slug: "about".into() }.metric_label(), "page");
/// assert_eq!(true.metric_label(), "true");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a `MetricLabel`",
    note = "derive it on an enum with `#[derive(rustok_metrics::MetricLabel)]`, or implement `metric_label` returning one of a fixed set of `&'static str`"
)]
pub trait MetricLabel {
    /// The label value.
    fn metric_label(&self) -> &'static str;
}

impl MetricLabel for &'static str {
    fn metric_label(&self) -> &'static str {
        self
    }
}

impl MetricLabel for bool {
    fn metric_label(&self) -> &'static str {
        if *self { "true" } else { "false" }
    }
}

impl<T: MetricLabel + ?Sized> MetricLabel for &T {
    fn metric_label(&self) -> &'static str {
        (**self).metric_label()
    }
}

impl<T: MetricLabel + ?Sized> MetricLabel for Box<T> {
    fn metric_label(&self) -> &'static str {
        (**self).metric_label()
    }
}

/// A label value from data, accepted as `kind = rustok_metrics::bounded(&value)`.
///
/// Each call site keeps at most its module's label cap of distinct values
/// (64 unless the module declares another, [`ModuleSettings::label_cap`](crate::settings::ModuleSettings::label_cap)); later
/// new values are counted under `kind="other"` and in
/// `rustok_metrics_label_overflow_total{module, operation}`. Memory stays
/// bounded whatever the input.
///
/// ```
/// #[rustok_metrics::metered(module = "docs_bounded", op = "upload", kind = rustok_metrics::bounded(mime))]
/// fn upload(mime: &str) -> usize {
///     mime.len()
/// }
/// upload("image/png");
/// ```
#[must_use]
pub fn bounded(value: &str) -> Bounded<'_> {
    Bounded(value)
}

/// A label value from data: see [`bounded`].
#[derive(Clone, Copy, Debug)]
pub struct Bounded<'a>(&'a str);

/// A `kind` value as a call site receives it.
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub enum KindValue<'a> {
    /// From a [`MetricLabel`]: a fixed set.
    Fixed(&'static str),
    /// From [`bounded`]: capped per call site.
    Bounded(&'a str),
}

/// What `kind = <expr>` accepts: [`MetricLabel`] values and [`bounded`] ones.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a metric label: its values are not a fixed set",
    label = "this value would become a label of its own",
    note = "every distinct label value is a new time series; values from data (a `String`, an id) can create millions and exhaust Prometheus",
    note = "derive `rustok_metrics::MetricLabel` on an enum of the values you expect, or pass `rustok_metrics::bounded(&value)` to keep at most a capped number of distinct values per call site (the rest are counted as `other`)"
)]
pub trait IntoKind {
    /// The value for this call.
    fn kind_value(&self) -> KindValue<'_>;
}

impl<T: MetricLabel + ?Sized> IntoKind for T {
    #[inline]
    fn kind_value(&self) -> KindValue<'_> {
        KindValue::Fixed(self.metric_label())
    }
}

impl IntoKind for Bounded<'_> {
    #[inline]
    fn kind_value(&self) -> KindValue<'_> {
        KindValue::Bounded(self.0)
    }
}
