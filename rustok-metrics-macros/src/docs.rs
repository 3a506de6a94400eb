//! The "Metrics" section appended to a metered function's rustdoc: what it
//! records and ready PromQL, where reviewers read code (`cargo doc`, IDE
//! hovers). `docs = false` turns it off.

use syn::{Attribute, parse_quote};

use crate::args::Kind;
use crate::args::Site;

/// `#[doc = ".."]` lines to append after the function's own docs.
pub(crate) fn metrics_section(site: &Site) -> Vec<Attribute> {
    let module = site.module.value();
    let op = site.op.value();
    let calls = format!("rustok_{module}_operations_total");
    let durations = format!("rustok_{module}_operation_duration_seconds");
    let (selector, kind_note, by) = match &site.kind {
        Some(Kind::Static(kind)) => (
            format!(r#"operation="{op}",kind="{}""#, kind.value()),
            format!("`kind=\"{}\"`", kind.value()),
            "",
        ),
        Some(Kind::Computed(_)) => (
            format!(r#"operation="{op}""#),
            "`kind` computed from the arguments on each call".to_owned(),
            ", kind",
        ),
        None => (
            format!(r#"operation="{op}",kind="""#),
            "`kind=\"\"`".to_owned(),
            "",
        ),
    };
    let lines = [
        String::new(),
        "# Metrics".to_owned(),
        String::new(),
        format!(
            "Measured by `#[metered]`: every call is counted and timed under `operation=\"{op}\"`, {kind_note}."
        ),
        String::new(),
        format!(
            "- `{calls}{{operation, kind, status, error_kind}}`: calls by outcome (`status` is `success`, `error`, `panic` or `cancelled`; `error_kind` labels errors whose type implements `MetricLabel`)."
        ),
        format!("- `{durations}{{operation, kind}}`: a histogram of durations in seconds."),
        String::new(),
        "```text".to_owned(),
        "# request rate (calls per second)".to_owned(),
        format!("sum by (operation{by}) (rate({calls}{{{selector}}}[5m]))"),
        "# error ratio".to_owned(),
        format!(
            "sum by (operation{by}) (rate({calls}{{{selector},status=\"error\"}}[5m])) / sum by (operation{by}) (rate({calls}{{{selector}}}[5m]))"
        ),
        "# p95 and p99 latency (seconds)".to_owned(),
        format!(
            "histogram_quantile(0.95, sum by (le{by}) (rate({durations}_bucket{{{selector}}}[5m])))"
        ),
        format!(
            "histogram_quantile(0.99, sum by (le{by}) (rate({durations}_bucket{{{selector}}}[5m])))"
        ),
        "```".to_owned(),
    ];
    lines
        .iter()
        .map(|line| {
            let line = format!(" {line}");
            parse_quote!(#[doc = #line])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use quote::quote;
    use syn::{Expr, ExprLit, ItemFn, Lit, Meta};

    use crate::metered_tokens as metered;

    /// The rustdoc lines of a function after expansion.
    fn docs_after(attr: proc_macro2::TokenStream, item: proc_macro2::TokenStream) -> Vec<String> {
        let function: ItemFn = syn::parse2(metered(attr, item)).unwrap();
        function
            .attrs
            .iter()
            .filter_map(|attr| match &attr.meta {
                Meta::NameValue(pair) if pair.path.is_ident("doc") => match &pair.value {
                    Expr::Lit(ExprLit {
                        lit: Lit::Str(line),
                        ..
                    }) => Some(line.value()),
                    _ => None,
                },
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_section_follows_the_functions_own_docs() {
        let docs = docs_after(
            quote!(module = "content", op = "create", kind = "post"),
            quote! {
                /// Creates a post.
                fn create() {}
            },
        );
        assert_eq!(
            docs[0], " Creates a post.",
            "the user's docs come first, unchanged"
        );
        assert!(docs.contains(&" # Metrics".to_owned()));
        let text = docs.join("\n");
        assert!(
            text.contains("`rustok_content_operations_total{operation, kind, status, error_kind}`")
        );
        assert!(text.contains(
            r#"sum by (operation) (rate(rustok_content_operations_total{operation="create",kind="post"}[5m]))"#
        ));
        assert!(text.contains(r#"status="error"}[5m])) / sum by (operation)"#));
        assert!(text.contains(
            r#"histogram_quantile(0.99, sum by (le) (rate(rustok_content_operation_duration_seconds_bucket{operation="create",kind="post"}[5m])))"#
        ));
        // Not a doctest: rustdoc must not try to compile PromQL.
        assert!(text.contains("```text"));
    }

    #[test]
    fn a_computed_kind_groups_by_kind() {
        let text = docs_after(
            quote!(module = "shop", op = "pay", kind = method),
            quote!(
                fn pay(method: M) {}
            ),
        )
        .join("\n");
        assert!(text.contains(r#"sum by (le, kind) (rate(rustok_shop_operation_duration_seconds_bucket{operation="pay"}[5m]))"#));
    }

    #[test]
    fn docs_false_leaves_the_docs_alone() {
        let docs = docs_after(
            quote!(module = "content", op = "create", docs = false),
            quote! {
                /// Only this.
                fn create() {}
            },
        );
        assert_eq!(docs, [" Only this."]);
    }
}
