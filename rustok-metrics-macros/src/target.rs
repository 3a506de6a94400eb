//! What #[metered] may be put on: a function with a body that runs at run time.

use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned;
use syn::{Item, ItemFn, ItemImpl, ReturnType, Signature, TraitItemFn, Type};

/// What #[metered] can stand on.
pub(crate) enum Target {
    Function(ItemFn),
    Impl(ItemImpl),
}

/// The item as a function or an impl block, or an error on the token that
/// makes it unfit.
pub(crate) fn parse_target(item: TokenStream) -> syn::Result<Target> {
    if let Ok(function) = syn::parse2::<ItemFn>(item.clone()) {
        return match unmeasurable(&function.sig) {
            Some(error) => Err(error),
            None => Ok(Target::Function(function)),
        };
    }
    if let Ok(Item::Impl(item)) = syn::parse2::<Item>(item.clone()) {
        return Ok(Target::Impl(item));
    }
    if let Ok(declaration) = syn::parse2::<TraitItemFn>(item.clone()) {
        return Err(syn::Error::new(
            declaration
                .semi_token
                .map_or(declaration.sig.ident.span(), |semi| semi.span),
            "#[metered] needs a function body to measure, and this declaration has none: for a trait method, put it on the method in each `impl`; a function of an `extern` block cannot be measured",
        ));
    }
    let (span, what) = match syn::parse2::<Item>(item) {
        Ok(item) => describe(&item),
        Err(_) => (Span::call_site(), "this item"),
    };
    Err(syn::Error::new(
        span,
        format!(
            "#[metered] goes on a function or method, not on {what}: move it to the `fn` to measure"
        ),
    ))
}

/// The keyword that names what the item is, and what to call it.
fn describe(item: &Item) -> (Span, &'static str) {
    match item {
        Item::Struct(item) => (item.struct_token.span, "a struct"),
        Item::Enum(item) => (item.enum_token.span, "an enum"),
        Item::Union(item) => (item.union_token.span, "a union"),
        Item::Trait(item) => (item.trait_token.span, "a trait"),
        Item::Mod(item) => (item.mod_token.span, "a module"),
        Item::Const(item) => (item.const_token.span, "a const"),
        Item::Static(item) => (item.static_token.span, "a static"),
        Item::Type(item) => (item.type_token.span, "a type alias"),
        Item::Use(item) => (item.use_token.span, "a use declaration"),
        Item::Macro(item) => (item.mac.path.span(), "a macro invocation"),
        Item::ForeignMod(item) => (item.abi.extern_token.span, "an `extern` block"),
        other => (other.span(), "this item"),
    }
}

/// Why a function cannot be measured at all, if it cannot.
pub(crate) fn unmeasurable(sig: &Signature) -> Option<syn::Error> {
    if let Some(const_token) = sig.constness {
        return Some(syn::Error::new(
            const_token.span,
            "#[metered] cannot measure a `const fn`: it reads a clock and updates counters at run time; remove `const` or the attribute",
        ));
    }
    if let ReturnType::Type(_, ty) = &sig.output
        && let Type::Never(never) = &**ty
    {
        return Some(syn::Error::new(
            never.span(),
            "#[metered] cannot measure a function that returns `!`: it never completes, so there is no outcome to record; remove the attribute",
        ));
    }
    None
}
