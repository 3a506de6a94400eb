//! `#[metered(module = "...")]` on an impl block: every method measured.
//!
//! Input:
//! ```text
//! #[metered(module = "content")]
//! impl Service {
//!     fn create(&self) { .. }
//!     #[metered(op = "read", kind = "post")] fn get(&self) { .. }
//!     #[metered(skip)] fn helper(&self) { .. }
//!     #[cfg_attr(test, metered(skip))] fn probe(&self) { .. }
//!     const LIMIT: u32 = 10;
//! }
//! ```
//! Output: `create` measured as op "create", `get` as op "read" with kind
//! "post", `helper` and `LIMIT` untouched, `probe` twice under `#[cfg(test)]`
//! (untouched) and `#[cfg(not(test))]` (measured); the method attributes
//! consumed.
//!
//! Every `fn` item is measured unless it says `#[metered(skip)]`, whatever its
//! visibility; a `const fn` or a `fn` returning `!`, which cannot be measured,
//! is left alone. With `#[async_trait]` on the same impl either order works:
//! below us it sees our `async fn`s; above us it hands us its boxed futures.

use proc_macro2::TokenStream;
use quote::quote;
use syn::punctuated::Punctuated;
use syn::{Attribute, ImplItem, ImplItemFn, ItemImpl, Meta, Token};

use crate::args::Site;
use crate::args::{ImplArgs, MethodArgs, Problems, RawArgs};
use crate::expand::instrument;
use crate::target::unmeasurable;

/// A method's own `#[metered(..)]`, written plainly or under `cfg_attr`.
enum Own {
    Always(MethodArgs),
    /// `#[cfg_attr(predicate, metered(..))]`: these arguments where the
    /// predicate holds, the impl's defaults elsewhere.
    When(Box<Meta>, MethodArgs),
}

pub(crate) fn instrument_impl(args: &ImplArgs, mut item: ItemImpl) -> TokenStream {
    let mut problems = Problems::default();
    // First take every method's own #[metered(..)] out, so that on an error
    // the item is emitted without them (they would each report again).
    let mut per_method = Vec::new();
    for impl_item in &mut item.items {
        let ImplItem::Fn(method) = impl_item else {
            continue;
        };
        match own_args(&mut method.attrs) {
            Ok(own) => per_method.push(own),
            Err(error) => {
                problems.add(error);
                per_method.push(Own::Always(MethodArgs::DEFAULT));
            }
        }
    }
    if let Err(error) = std::mem::take(&mut problems).into_result(()) {
        let error = error.to_compile_error();
        return quote!(#error #item);
    }

    let original = item.clone();
    let mut per_method = per_method.into_iter();
    let mut items = Vec::with_capacity(item.items.len());
    for impl_item in std::mem::take(&mut item.items) {
        let ImplItem::Fn(method) = impl_item else {
            items.push(impl_item);
            continue;
        };
        let own = per_method
            .next()
            .unwrap_or(Own::Always(MethodArgs::DEFAULT));
        let measured = match own {
            Own::Always(own) => measure(args, own, method).map(|method| vec![method]),
            Own::When(predicate, own) => {
                let mut when = measure(args, own, method.clone());
                let mut otherwise = measure(args, MethodArgs::DEFAULT, method);
                if let (Ok(when), Ok(otherwise)) = (&mut when, &mut otherwise) {
                    when.attrs.insert(0, syn::parse_quote!(#[cfg(#predicate)]));
                    otherwise
                        .attrs
                        .insert(0, syn::parse_quote!(#[cfg(not(#predicate))]));
                }
                when.and_then(|when| otherwise.map(|otherwise| vec![when, otherwise]))
            }
        };
        match measured {
            Ok(methods) => items.extend(methods.into_iter().map(ImplItem::Fn)),
            Err(error) => problems.add(error),
        }
    }
    item.items = items;
    match problems.into_result(()) {
        Ok(()) => quote!(#item),
        Err(error) => {
            let error = error.to_compile_error();
            quote!(#error #original)
        }
    }
}

/// One method with the impl's defaults and its own arguments.
fn measure(block: &ImplArgs, own: MethodArgs, mut method: ImplItemFn) -> syn::Result<ImplItemFn> {
    let MethodArgs::Measure {
        op,
        kind,
        objective,
        docs,
        traced,
    } = own
    else {
        return Ok(method);
    };
    if unmeasurable(&method.sig).is_some() {
        return Ok(method);
    }
    let site = Site::of_method(block, op, kind, objective, docs, traced, &method.sig)?;
    instrument(&site, &mut method.attrs, &method.sig, &mut method.block)?;
    Ok(method)
}

/// Removes the method's `#[metered(..)]` (plain or under `cfg_attr`) from
/// `attrs` and checks it.
fn own_args(attrs: &mut Vec<Attribute>) -> syn::Result<Own> {
    let mut found: Vec<(Option<Meta>, Attribute, TokenStream)> = Vec::new();
    let mut kept = Vec::with_capacity(attrs.len());
    for attr in std::mem::take(attrs) {
        if is_metered(attr.path()) {
            let args = match &attr.meta {
                Meta::Path(_) => TokenStream::new(),
                _ => attr.meta.require_list()?.tokens.clone(),
            };
            found.push((None, attr, args));
            continue;
        }
        if let Some((predicate, ours, rest)) = cfg_attr_metered(&attr)? {
            if !rest.is_empty() {
                kept.push(syn::parse_quote!(#[cfg_attr(#predicate, #(#rest),*)]));
            }
            found.push((Some(predicate), attr, ours));
            continue;
        }
        kept.push(attr);
    }
    *attrs = kept;
    match found.as_slice() {
        [] => Ok(Own::Always(MethodArgs::DEFAULT)),
        [(predicate, _, args)] => {
            let own = syn::parse2::<RawArgs>(args.clone())?.into_method_args()?;
            Ok(match predicate {
                None => Own::Always(own),
                Some(predicate) => Own::When(Box::new(predicate.clone()), own),
            })
        }
        [_, (_, second, _), ..] => Err(syn::Error::new_spanned(
            second,
            "a second #[metered] on this method: merge them into one",
        )),
    }
}

/// `#[cfg_attr(predicate, .., metered(args), ..)]`: the predicate, our
/// arguments, and the other attributes under the same predicate.
fn cfg_attr_metered(attr: &Attribute) -> syn::Result<Option<(Meta, TokenStream, Vec<Meta>)>> {
    if !attr.path().is_ident("cfg_attr") {
        return Ok(None);
    }
    let metas = attr.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)?;
    let mut metas = metas.into_iter();
    let Some(predicate) = metas.next() else {
        return Ok(None);
    };
    let (ours, rest): (Vec<Meta>, Vec<Meta>) = metas.partition(|meta| is_metered(meta.path()));
    let Some(ours) = ours.into_iter().next() else {
        return Ok(None);
    };
    let args = match ours {
        Meta::Path(_) => TokenStream::new(),
        Meta::List(list) => list.tokens,
        Meta::NameValue(pair) => {
            return Err(syn::Error::new_spanned(
                pair,
                "write `metered(..)` inside `cfg_attr`, as in #[cfg_attr(test, metered(skip))]",
            ));
        }
    };
    Ok(Some((predicate, args, rest)))
}

/// `metered` or `rustok_metrics::metered`.
fn is_metered(path: &syn::Path) -> bool {
    path.segments
        .last()
        .is_some_and(|segment| segment.ident == "metered")
}
