//! Parsing and validating `#[metered(module = "...", op = "...", kind = "...")]`.
//!
//! Two stages, each with its own type: [`RawArgs`] is what was written (any
//! `key = expr` list), [`MeteredArgs`] is what is valid. Every problem becomes
//! a `syn::Error` on the offending token, and all problems are reported at once.

use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, Ident, Lit, LitStr, Token};

const EXAMPLE: &str = r#"#[metered(module = "content", op = "create")]"#;

/// One `key = value` pair as written.
struct KeyValue {
    key: Ident,
    value: Expr,
}

impl Parse for KeyValue {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        // `parse_any` accepts keywords too, so `type = ".."` gets the
        // "unknown key" message rather than a bare "expected identifier".
        let key = Ident::parse_any(input)?;
        if !input.peek(Token![=]) {
            return Err(syn::Error::new(
                key.span(),
                format!("expected `{key} = \"...\"`: every key of #[metered] takes a string value"),
            ));
        }
        input.parse::<Token![=]>()?;
        let value = input.parse()?;
        Ok(KeyValue { key, value })
    }
}

/// The attribute's arguments, parsed but not yet checked.
pub struct RawArgs(Punctuated<KeyValue, Token![,]>);

impl Parse for RawArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        Punctuated::parse_terminated(input).map(RawArgs)
    }
}

/// Checked arguments: the labels a call site records under.
pub struct MeteredArgs {
    pub module: LitStr,
    pub op: LitStr,
    /// `None` records `kind=""`.
    pub kind: Option<LitStr>,
}

/// Collects every problem instead of stopping at the first.
#[derive(Default)]
struct Problems(Option<syn::Error>);

impl Problems {
    fn add(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }
}

impl RawArgs {
    /// Checks keys and values. `attr_span` is where a missing key is reported.
    pub fn validate(self, attr_span: Span) -> syn::Result<MeteredArgs> {
        let mut problems = Problems::default();
        let (mut module, mut op, mut kind) = (Slot::default(), Slot::default(), Slot::default());

        for KeyValue { key, value } in self.0 {
            let slot = match key.to_string().as_str() {
                "module" => &mut module,
                "op" => &mut op,
                "kind" => &mut kind,
                other => {
                    problems.add(syn::Error::new(
                        key.span(),
                        format!(
                            "unknown key `{other}`: #[metered] accepts `module`, `op` and `kind`, as in {EXAMPLE}"
                        ),
                    ));
                    continue;
                }
            };
            if slot.seen {
                problems.add(syn::Error::new(
                    key.span(),
                    format!("duplicate key `{key}`: give it once and remove this one"),
                ));
                continue;
            }
            slot.seen = true;
            match string_value(&key, value) {
                Ok(lit) => slot.value = Some(lit),
                Err(error) => problems.add(error),
            }
        }

        if let Some(name) = &module.value {
            if !is_metric_name_segment(&name.value()) {
                problems.add(syn::Error::new(
                    name.span(),
                    format!(
                        "`module = {:?}` is not a metric-name segment: use lowercase ASCII letters, digits and `_`, starting with a letter (it becomes `rustok_<module>_operations_total`), for example `module = \"content\"`",
                        name.value()
                    ),
                ));
            }
        }
        match (module.seen, op.seen) {
            (false, false) => problems.add(syn::Error::new(
                attr_span,
                format!("#[metered] needs `module` and `op`: write {EXAMPLE}"),
            )),
            (false, true) | (true, false) => {
                let key = if module.seen { "op" } else { "module" };
                problems.add(syn::Error::new(
                    attr_span,
                    format!(
                        "missing `{key} = \"...\"`: every #[metered] needs a module and an operation name, as in {EXAMPLE}"
                    ),
                ));
            }
            (true, true) => {}
        }

        match (problems.0, module.value, op.value) {
            (None, Some(module), Some(op)) => Ok(MeteredArgs {
                module,
                op,
                kind: kind.value,
            }),
            (Some(error), ..) => Err(error),
            // A seen key without a value always left a problem behind.
            (None, ..) => Err(syn::Error::new(attr_span, "invalid #[metered] arguments")),
        }
    }
}

/// One key's state while validating: written at all, and its valid value.
#[derive(Default)]
struct Slot {
    seen: bool,
    value: Option<LitStr>,
}

/// The value of `key = value` as a non-empty string literal.
fn string_value(key: &Ident, value: Expr) -> syn::Result<LitStr> {
    let lit = match value {
        Expr::Lit(ExprLit {
            lit: Lit::Str(lit), ..
        }) => lit,
        other => {
            return Err(syn::Error::new_spanned(
                other,
                format!("`{key}` takes a string literal: write `{key} = \"...\"`"),
            ));
        }
    };
    if lit.value().is_empty() {
        let fix = if key == "kind" {
            "leave `kind` out to record an empty kind label".to_owned()
        } else {
            format!("give `{key}` a name, as in {EXAMPLE}")
        };
        return Err(syn::Error::new(
            lit.span(),
            format!("`{key}` cannot be empty: {fix}"),
        ));
    }
    Ok(lit)
}

/// `[a-z][a-z0-9_]*`: what may stand between `rustok_` and `_operations_total`.
pub fn is_metric_name_segment(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}
