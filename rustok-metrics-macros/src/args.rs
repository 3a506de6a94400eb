//! Parsing and validating the arguments of `#[metered(...)]`.
//!
//! Two stages, each with its own type: [`RawArgs`] is what was written (a
//! list of `key = value` and bare flags), [`MeteredArgs`] is what is valid
//! where the attribute stands ([`Placement`]). Every problem becomes a
//! `syn::Error` on the offending token, and all problems are reported at once.

use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, Ident, Lit, LitBool, LitStr, Token};

const EXAMPLE: &str = r#"#[metered(module = "content", op = "create")]"#;

/// Where the attribute stands; each place accepts different keys.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// On a function or method of its own.
    Function,
    /// On an `impl` block: meters each method.
    Impl,
    /// On a method inside an `impl` that carries `#[metered]`.
    Method,
}

impl Placement {
    fn keys(self) -> &'static str {
        match self {
            Placement::Function => "`module`, `op`, `kind` and `docs`",
            Placement::Impl => "`module`, `kind` and `docs`",
            Placement::Method => "`op`, `kind`, `docs` and `skip`",
        }
    }
}

/// One argument as written: `key = value`, or a bare flag such as `skip`.
struct Arg {
    key: Ident,
    value: Option<Expr>,
}

impl Parse for Arg {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        // `parse_any` accepts keywords too, so `type = ".."` gets the
        // "unknown key" message rather than a bare "expected identifier".
        let key = Ident::parse_any(input)?;
        let value = if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            Some(input.parse()?)
        } else {
            None
        };
        Ok(Arg { key, value })
    }
}

/// The attribute's arguments, parsed but not yet checked.
pub struct RawArgs(Punctuated<Arg, Token![,]>);

impl Parse for RawArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        Punctuated::parse_terminated(input).map(RawArgs)
    }
}

/// The `kind` label: fixed at compile time, or computed per call.
#[derive(Clone)]
pub enum Kind {
    Static(LitStr),
    Computed(Box<Expr>),
}

/// Checked arguments. Which are present depends on the placement.
#[derive(Default)]
pub struct MeteredArgs {
    pub module: Option<LitStr>,
    pub op: Option<LitStr>,
    pub kind: Option<Kind>,
    /// `docs = false` turns off the generated "Metrics" section.
    pub docs: Option<LitBool>,
    pub skip: Option<Ident>,
}

/// Collects every problem instead of stopping at the first.
#[derive(Default)]
pub struct Problems(Option<syn::Error>);

impl Problems {
    pub fn add(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    pub fn into_result<T>(self, value: T) -> syn::Result<T> {
        match self.0 {
            Some(error) => Err(error),
            None => Ok(value),
        }
    }
}

impl RawArgs {
    /// Checks keys and values for `placement`. `attr_span` is where a
    /// missing key is reported.
    pub fn validate(self, placement: Placement, attr_span: Span) -> syn::Result<MeteredArgs> {
        let mut problems = Problems::default();
        let mut args = MeteredArgs::default();
        let mut seen: Vec<String> = Vec::new();

        for Arg { key, value } in self.0 {
            let name = key.to_string();
            if seen.contains(&name) {
                problems.add(syn::Error::new(
                    key.span(),
                    format!("duplicate key `{key}`: give it once and remove this one"),
                ));
                continue;
            }
            seen.push(name.clone());
            if let Err(error) = args.set(placement, &key, value) {
                problems.add(error);
            }
        }

        for error in args.missing_or_conflicting(placement, &seen, attr_span) {
            problems.add(error);
        }
        problems.into_result(args)
    }
}

impl MeteredArgs {
    fn set(&mut self, placement: Placement, key: &Ident, value: Option<Expr>) -> syn::Result<()> {
        match (key.to_string().as_str(), placement) {
            ("module", Placement::Method) => Err(syn::Error::new(
                key.span(),
                "`module` is set by the `#[metered(module = \"...\")]` on the impl block: remove it here, or move this method to an impl of that module",
            )),
            ("op", Placement::Impl) => Err(syn::Error::new(
                key.span(),
                "`op` names one operation: on an impl block each method's name is its operation; to rename one, put `#[metered(op = \"...\")]` on the method",
            )),
            ("skip", Placement::Method) => match value {
                None => {
                    self.skip = Some(key.clone());
                    Ok(())
                }
                Some(value) => Err(syn::Error::new_spanned(
                    value,
                    "`skip` takes no value: write `#[metered(skip)]`",
                )),
            },
            ("skip", _) => Err(syn::Error::new(
                key.span(),
                "`skip` only exempts a method inside an impl block that has `#[metered(module = \"...\")]`; here, remove the attribute instead",
            )),
            ("module", _) => {
                let module = string_value(key, value)?;
                check_module(&module)?;
                self.module = Some(module);
                Ok(())
            }
            ("op", _) => {
                self.op = Some(string_value(key, value)?);
                Ok(())
            }
            ("kind", _) => {
                self.kind = Some(kind_value(key, value, placement)?);
                Ok(())
            }
            ("docs", _) => match value {
                Some(Expr::Lit(ExprLit {
                    lit: Lit::Bool(flag),
                    ..
                })) => {
                    self.docs = Some(flag);
                    Ok(())
                }
                _ => Err(syn::Error::new(
                    key.span(),
                    "`docs` takes `true` or `false`: `docs = false` leaves the function's documentation without the generated \"Metrics\" section",
                )),
            },
            (other, _) => Err(syn::Error::new(
                key.span(),
                format!(
                    "unknown key `{other}`: here #[metered] accepts {}, as in {EXAMPLE}",
                    placement.keys()
                ),
            )),
        }
    }

    /// Keys a placement requires, and `skip` written with others.
    fn missing_or_conflicting(
        &self,
        placement: Placement,
        seen: &[String],
        attr_span: Span,
    ) -> Vec<syn::Error> {
        let has = |key: &str| seen.iter().any(|seen| seen == key);
        let mut errors = Vec::new();
        match placement {
            // `skip` there is already reported; missing keys would be noise.
            Placement::Function if has("skip") => {}
            Placement::Function => match (has("module"), has("op")) {
                (false, false) => errors.push(syn::Error::new(
                    attr_span,
                    format!("#[metered] needs `module` and `op`: write {EXAMPLE}"),
                )),
                (true, false) | (false, true) => {
                    let key = if has("module") { "op" } else { "module" };
                    errors.push(syn::Error::new(
                        attr_span,
                        format!(
                            "missing `{key} = \"...\"`: every #[metered] needs a module and an operation name, as in {EXAMPLE}"
                        ),
                    ));
                }
                (true, true) => {}
            },
            Placement::Impl => {
                if !has("module") {
                    errors.push(syn::Error::new(
                        attr_span,
                        "missing `module = \"...\"`: #[metered] on an impl block needs the module its methods record into, as in #[metered(module = \"content\")]",
                    ));
                }
            }
            Placement::Method => {
                if let Some(skip) = &self.skip
                    && seen.len() > 1
                {
                    errors.push(syn::Error::new(
                        skip.span(),
                        "`skip` leaves this method unmetered, so other keys have no effect: write `#[metered(skip)]` alone",
                    ));
                }
            }
        }
        errors
    }
}

/// The value of `key = value` as a non-empty string literal.
fn string_value(key: &Ident, value: Option<Expr>) -> syn::Result<LitStr> {
    let lit = match value {
        Some(Expr::Lit(ExprLit {
            lit: Lit::Str(lit), ..
        })) => lit,
        Some(other) => {
            return Err(syn::Error::new_spanned(
                other,
                format!("`{key}` takes a string literal: write `{key} = \"...\"`"),
            ));
        }
        None => {
            return Err(syn::Error::new(
                key.span(),
                format!("expected `{key} = \"...\"`: `{key}` takes a string value"),
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

/// `kind = "literal"`, or an expression evaluated per call (not on an impl).
fn kind_value(key: &Ident, value: Option<Expr>, placement: Placement) -> syn::Result<Kind> {
    match value {
        Some(Expr::Lit(ExprLit {
            lit: Lit::Str(_), ..
        }))
        | None => string_value(key, value).map(Kind::Static),
        Some(expr) if placement == Placement::Impl => Err(syn::Error::new_spanned(
            expr,
            "a computed `kind` reads a method's arguments, so it goes on the method: `#[metered(kind = ...)]`; on the impl block `kind` takes a string",
        )),
        Some(expr) => Ok(Kind::Computed(Box::new(expr))),
    }
}

fn check_module(module: &LitStr) -> syn::Result<()> {
    if is_metric_name_segment(&module.value()) {
        return Ok(());
    }
    Err(syn::Error::new(
        module.span(),
        format!(
            "`module = {:?}` is not a metric-name segment: use lowercase ASCII letters, digits and `_`, starting with a letter (it becomes `rustok_<module>_operations_total`), for example `module = \"content\"`",
            module.value()
        ),
    ))
}

/// `[a-z][a-z0-9_]*`: what may stand between `rustok_` and `_operations_total`.
/// The runtime's `CallSite::new` checks the same at compile time as a
/// backstop; this check is here for the spanned message.
pub fn is_metric_name_segment(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}
