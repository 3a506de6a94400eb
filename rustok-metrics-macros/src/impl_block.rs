//! `#[metered(module = "...")]` on an impl block: every method measured.
//!
//! Input:
//!     #[metered(module = "content")]
//!     impl Service {
//!         fn create(&self) { .. }
//!         #[metered(op = "read", kind = "post")] fn get(&self) { .. }
//!         #[metered(skip)] fn helper(&self) { .. }
//!         const LIMIT: u32 = 10;
//!     }
//! Output: `create` measured as op "create", `get` as op "read" with kind
//! "post", `helper` and `LIMIT` untouched; the method attributes consumed.
//!
//! Every `fn` item is measured unless it says `#[metered(skip)]`, whatever its
//! visibility; a `const fn` or a `fn` returning `!`, which cannot be measured,
//! is left alone. With `#[async_trait]` on the same impl either order works:
//! below us it sees our `async fn`s; above us it hands us its boxed futures.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::spanned::Spanned;
use syn::{Attribute, ImplItem, ItemImpl, Meta};

use crate::args::{MeteredArgs, Placement, Problems, RawArgs};
use crate::expand::{Site, instrument, method_op};
use crate::target::unmeasurable;

pub fn instrument_impl(args: &MeteredArgs, mut item: ItemImpl) -> TokenStream {
    let mut problems = Problems::default();
    // First take every method's own #[metered(..)] out, so that on an error
    // the item is emitted without them (they would each report again).
    let mut per_method = Vec::new();
    for impl_item in &mut item.items {
        let ImplItem::Fn(method) = impl_item else {
            continue;
        };
        match method_args(&mut method.attrs) {
            Ok(own) => per_method.push(own),
            Err(error) => {
                problems.add(error);
                per_method.push(MeteredArgs::default());
            }
        }
    }
    if let Err(error) = problems.into_result(()) {
        let error = error.to_compile_error();
        return quote!(#error #item);
    }

    let methods = item
        .items
        .iter_mut()
        .filter_map(|impl_item| match impl_item {
            ImplItem::Fn(method) => Some(method),
            _ => None,
        });
    for (method, own) in methods.zip(per_method) {
        if own.skip.is_some() || unmeasurable(&method.sig).is_some() {
            continue;
        }
        let site = Site {
            module: args
                .module
                .clone()
                .unwrap_or_else(|| syn::LitStr::new("", Span::call_site())),
            op: own.op.unwrap_or_else(|| method_op(&method.sig)),
            kind: own.kind.or_else(|| args.kind.clone()),
            docs: own
                .docs
                .or_else(|| args.docs.clone())
                .is_none_or(|flag| flag.value),
        };
        instrument(&site, &mut method.attrs, &method.sig, &mut method.block);
    }
    quote!(#item)
}

/// Removes the method's `#[metered(..)]` from `attrs` and checks it.
fn method_args(attrs: &mut Vec<Attribute>) -> syn::Result<MeteredArgs> {
    let (ours, others): (Vec<Attribute>, Vec<Attribute>) =
        std::mem::take(attrs).into_iter().partition(is_metered);
    *attrs = others;
    match ours.as_slice() {
        [] => Ok(MeteredArgs::default()),
        [attr] => {
            let raw = match &attr.meta {
                Meta::Path(_) => syn::parse2::<RawArgs>(TokenStream::new())?,
                _ => attr.parse_args::<RawArgs>()?,
            };
            raw.validate(Placement::Method, attr.span())
        }
        [_, second, ..] => Err(syn::Error::new_spanned(
            second,
            "a second #[metered] on this method: merge them into one",
        )),
    }
}

/// `#[metered]` or `#[rustok_metrics::metered]`.
fn is_metered(attr: &Attribute) -> bool {
    attr.path()
        .segments
        .last()
        .is_some_and(|segment| segment.ident == "metered")
}
