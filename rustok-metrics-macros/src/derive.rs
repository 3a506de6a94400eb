//! `#[derive(MetricLabel)]`: an enum's variants as label values.
//!
//! Input:
//! ```text
//! enum NodeKind { BlogPost, #[metric_label = "page"] Static { slug: String } }
//! ```
//! Output:
//! ```text
//! impl ::rustok_metrics::MetricLabel for NodeKind {
//!     fn metric_label(&self) -> &'static str {
//!         match self { Self::BlogPost => "blog_post", Self::Static { .. } => "page" }
//!     }
//! }
//! ```

use proc_macro2::TokenStream;
use quote::quote;
use syn::ext::IdentExt;
use syn::{Attribute, Data, DeriveInput, Expr, ExprLit, Fields, Lit, LitStr, Meta};

use crate::args::Problems;

pub(crate) fn derive_metric_label(input: TokenStream) -> TokenStream {
    match syn::parse2::<DeriveInput>(input).and_then(|input| expand(&input)) {
        Ok(tokens) => tokens,
        Err(error) => error.to_compile_error(),
    }
}

fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let Data::Enum(data) = &input.data else {
        let keyword = match &input.data {
            Data::Struct(data) => data.struct_token.span,
            Data::Union(data) => data.union_token.span,
            Data::Enum(data) => data.enum_token.span,
        };
        return Err(syn::Error::new(
            keyword,
            "#[derive(MetricLabel)] is for enums, whose variants are a fixed set of label values; for another type, implement `rustok_metrics::MetricLabel` by hand",
        ));
    };
    let mut problems = Problems::default();
    let mut arms = Vec::new();
    for variant in &data.variants {
        let label = match label_override(&variant.attrs) {
            Ok(Some(label)) => label,
            Ok(None) => LitStr::new(
                // `r#Type` is the variant `Type`: its label is "type".
                &snake_case(&variant.ident.unraw().to_string()),
                variant.ident.span(),
            ),
            Err(error) => {
                problems.add(error);
                continue;
            }
        };
        let ident = &variant.ident;
        let pattern = match &variant.fields {
            Fields::Named(_) => quote!(Self::#ident { .. }),
            Fields::Unnamed(_) => quote!(Self::#ident(..)),
            Fields::Unit => quote!(Self::#ident),
        };
        arms.push(quote!(#pattern => #label,));
    }
    problems.into_result(())?;
    let name = &input.ident;
    let (impl_generics, type_generics, where_clause) = input.generics.split_for_impl();
    Ok(quote! {
        impl #impl_generics ::rustok_metrics::MetricLabel for #name #type_generics #where_clause {
            fn metric_label(&self) -> &'static str {
                match *self {
                    #(#arms)*
                }
            }
        }
    })
}

/// The value of a variant's `#[metric_label = "..."]`, if it has one.
fn label_override(attrs: &[Attribute]) -> syn::Result<Option<LitStr>> {
    let mut found = None;
    for attr in attrs
        .iter()
        .filter(|attr| attr.path().is_ident("metric_label"))
    {
        let value = match &attr.meta {
            Meta::NameValue(pair) => match &pair.value {
                Expr::Lit(ExprLit {
                    lit: Lit::Str(value),
                    ..
                }) => value.clone(),
                other => {
                    return Err(syn::Error::new_spanned(
                        other,
                        "`metric_label` takes a string: write #[metric_label = \"...\"]",
                    ));
                }
            },
            _ => {
                return Err(syn::Error::new_spanned(
                    attr,
                    "write #[metric_label = \"...\"] to give this variant its label value",
                ));
            }
        };
        if value.value().is_empty() {
            return Err(syn::Error::new(
                value.span(),
                "a label value cannot be empty: give the variant a name, or leave the attribute out to use its name in snake_case",
            ));
        }
        if found.is_some() {
            return Err(syn::Error::new_spanned(
                attr,
                "a second #[metric_label] on this variant: keep one",
            ));
        }
        found = Some(value);
    }
    Ok(found)
}

/// `BlogPost` -> `blog_post`, `HTTPError` -> `http_error`, `V2Api` -> `v2_api`.
pub(crate) fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() && i > 0 {
            let previous = chars[i - 1];
            let next_is_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if previous.is_lowercase()
                || previous.is_ascii_digit()
                || (previous.is_uppercase() && next_is_lower)
            {
                out.push('_');
            }
        }
        out.extend(c.to_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::snake_case;

    #[test]
    fn variant_names_become_snake_case() {
        for (name, label) in [
            ("BlogPost", "blog_post"),
            ("NotFound", "not_found"),
            ("HTTPError", "http_error"),
            ("V2Api", "v2_api"),
            ("A", "a"),
            ("Already_snake", "already_snake"),
        ] {
            assert_eq!(snake_case(name), label);
        }
    }
}
