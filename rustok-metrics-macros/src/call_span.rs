//! `span`, `err` and `fields`: the call's own `tracing` span.
//!
//! The span itself is written by the runtime's `spanned_exit!`, so this
//! crate needs no `tracing` and the runtime decides, by its `tracing`
//! feature, whether `span` compiles: without it, `spanned_exit!` is a
//! `compile_error!` located at the `span` key.
//!
//! Input:
//! ```text
//! #[metered(module = "content", op = "create", span, err, fields(id = id))]
//! fn create(id: u64) -> Result<Node, ContentError> { body }
//! ```
//! Output: the guard of `expand`, made by
//! ```text
//! let exit = spanned_exit! {
//!     start: { static SITE ..; CallSite::start_spanned(&SITE) },
//!     level: INFO, name: "content.create", module: "content",
//!     operation: "create", function: "create",
//!     fields: (, id = id), err: (ERROR, Display),
//! };
//! ```
//! and each exit classified through `exit.described(outcome, error)`, which
//! hands the error to the span (see `classify`).

use proc_macro2::{Delimiter, Group, Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::Ident;
use syn::ext::IdentExt;

use crate::args::Site;
use crate::args::SpanKey;

/// The expression that makes the call's `Exit` from `start`, the started
/// call (`CallSite::start_spanned`'s tuple when the site has a span).
pub(crate) fn exit(site: &Site, function: &Ident, start: &TokenStream) -> TokenStream {
    let Some(SpanKey { key, level }) = &site.traced.span else {
        return quote!(::rustok_metrics::__private::Exit::new(#start));
    };
    let name = format!("{}.{}", site.module.value(), site.op.value());
    let module = &site.module;
    let op = &site.op;
    let function = function.unraw().to_string();
    let fields = site.traced.fields.as_ref().map(|fields| {
        let tokens = &fields.tokens;
        quote!(, #tokens)
    });
    let err = site.traced.err.as_ref().map(|err| {
        let level = &err.level;
        let format = &err.format;
        quote!(#level, #format)
    });
    // The macro call located at the `span` key, from its path to its closing
    // brace: without the `tracing` feature its `compile_error!` is reported
    // there.
    let path = quote_spanned!(key.span()=> ::rustok_metrics::__private::spanned_exit!);
    let mut arguments = Group::new(
        Delimiter::Brace,
        quote! {
            start: #start,
            level: #level,
            name: #name,
            module: #module,
            operation: #op,
            function: #function,
            fields: (#fields),
            err: (#err),
        },
    );
    arguments.set_span(key.span());
    quote!(#path #arguments)
}

/// The classifying closure's body for the value `value` (a `&T`) of a call
/// on `exit`: its `Outcome`, and with a span, the error handed to it.
pub(crate) fn classify(spanned: bool, exit: &Ident, value: &Ident) -> TokenStream {
    let outcome = quote! {
        (&&::rustok_metrics::__private::classify::Classify(#value)).__rustok_outcome()
    };
    if !spanned {
        return outcome;
    }
    quote! {
        #exit.described(
            #outcome,
            (&&&&::rustok_metrics::__private::describe::Describe(#value)).__rustok_error(),
        )
    }
}

/// The traits `classify` calls through: imported anonymously, first in the
/// body.
pub(crate) fn imports(spanned: bool) -> TokenStream {
    let describe = spanned.then(|| {
        quote! {
            use ::rustok_metrics::__private::describe::{
                DescribeBoth as _, DescribeDebug as _, DescribeDisplay as _,
                DescribeOther as _, DescribeResult as _,
            };
        }
    });
    let at = Span::call_site();
    quote_spanned! {at=>
        #[allow(unused_imports)]
        use ::rustok_metrics::__private::classify::{
            ClassifyError as _, ClassifyLabelledError as _, ClassifyOther as _,
        };
        #describe
    }
}
