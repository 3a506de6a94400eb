//! `spanned_exit!`: the `Exit` of a call with a span of its own, written at
//! the call site (so the span's and the event's target are the user's
//! module), or, without the `tracing` feature, the error that says so.

/// The `Exit` of a call with `#[metered(.., span)]`: the call's span, made
/// by `tracing::span!` at the call site (so its target is the user's
/// module), and its `err` event. Generated code only, through
/// `__private::spanned_exit!`.
#[cfg(feature = "tracing")]
#[doc(hidden)]
#[macro_export]
macro_rules! __rustok_metrics_spanned_exit {
    (
        start: $start:expr,
        level: $level:ident,
        name: $name:literal,
        module: $module:literal,
        operation: $operation:literal,
        function: $function:literal,
        fields: ($($fields:tt)*),
        err: ($($err:tt)*) $(,)?
    ) => {
        $crate::__private::Exit::spanned(
            $start,
            $crate::__private::gated($crate::__private::tracing::Level::$level, |kind| $crate::__private::tracing::span!(
                target: ::core::module_path!(),
                $crate::__private::tracing::Level::$level,
                $name,
                module = $module,
                operation = $operation,
                kind = kind,
                "code.function.name" = ::core::concat!(::core::module_path!(), "::", $function),
                status = $crate::__private::tracing::field::Empty,
                "error.type" = $crate::__private::tracing::field::Empty,
                "otel.status_code" = $crate::__private::tracing::field::Empty,
                "otel.status_description" = $crate::__private::tracing::field::Empty
                $($fields)*
            )),
            $crate::__rustok_metrics_spanned_exit!(@err $($err)*),
        )
    };
    (@err) => { ::core::option::Option::None };
    (@err $level:ident, $format:ident) => {
        ::core::option::Option::Some(
            |error: &$crate::__private::ErrorFields<'_>, error_type: &str| {
                $crate::__private::tracing::event!(
                    target: ::core::module_path!(),
                    $crate::__private::tracing::Level::$level,
                    error = $crate::__rustok_metrics_spanned_exit!(@value error $format),
                    "error.type" = error_type,
                );
            },
        )
    };
    (@value $error:ident Display) => {
        $error.display().map($crate::__private::tracing::field::display)
    };
    (@value $error:ident Debug) => {
        $error.debug().map($crate::__private::tracing::field::debug)
    };
}

/// Without the `tracing` feature, `span` is an error at the `span` key.
#[cfg(not(feature = "tracing"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __rustok_metrics_spanned_exit {
    (start: $start:expr, $($rest:tt)*) => {{
        ::core::compile_error!(
            "`span` needs the \"tracing\" feature of rustok-metrics: enable the \"tracing\" feature of rustok-metrics in Cargo.toml (`rustok-metrics = { version = \"..\", features = [\"tracing\"] }`), or remove `span`"
        );
        $crate::__private::Exit::new($start.0)
    }};
}
