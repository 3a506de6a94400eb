//! The `#[metered]` attribute of [`rustok-metrics`](https://docs.rs/rustok-metrics).
//!
//! Depend on `rustok-metrics`, not on this crate: it re-exports the attribute
//! as `rustok_metrics::metered`, and the code the attribute generates calls
//! into it through `::rustok_metrics::__private`. Renaming the `rustok-metrics`
//! dependency in `Cargo.toml` is therefore not supported.
//!
//! The pipeline is `args` (parse and validate the attribute) -> `target`
//! (accept the item) -> `expand` (generate the metered function).

mod args;
mod async_trait;
mod expand;
mod target;

use proc_macro::TokenStream;

/// Measures every call of a function in Prometheus. See the `rustok-metrics`
/// crate documentation for the metrics it records and the rules of `status`.
#[proc_macro_attribute]
pub fn metered(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand::metered(attr.into(), item.into()).into()
}
