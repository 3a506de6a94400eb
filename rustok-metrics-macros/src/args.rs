//! Parsing and validating the arguments of `#[metered(...)]`.
//!
//! Two stages, each with its own type: [`RawArgs`] is what was written (a
//! list of `key = value` and bare flags); validation turns it into what is
//! valid where the attribute stands: [`Site`] on a function, [`ImplArgs`]
//! on an impl block, [`MethodArgs`] on a method of a metered impl. A key that
//! validation requires is a plain field of the typed result, never an
//! `Option`. Every problem becomes a `syn::Error` on the offending token, and
//! all problems are reported at once.

use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, Ident, Lit, LitBool, LitStr, Token};

const EXAMPLE: &str = r#"#[metered(module = "content", op = "create")]"#;

/// What one call site records under: `#[metered(module = "..", op = "..")]`
/// on a function as validated (both names required), or a method's keys
/// resolved against its block's (`site.rs`).
pub(crate) struct Site {
    pub(crate) module: LitStr,
    pub(crate) op: LitStr,
    pub(crate) kind: Option<Kind>,
    /// An expression of type `rustok_metrics::catalogue::Objective`,
    /// evaluated in the call site's `static`.
    pub(crate) objective: Option<Box<Expr>>,
    pub(crate) docs: bool,
    /// The call's own span and error event, if asked for.
    pub(crate) traced: Traced,
}

/// `#[metered(module = "..")]` on an impl block: the defaults of its methods.
pub(crate) struct ImplArgs {
    pub(crate) module: LitStr,
    /// Only a literal: a computed kind reads a method's own arguments.
    pub(crate) kind: Option<LitStr>,
    /// Every method's objective, unless it names its own.
    pub(crate) objective: Option<Box<Expr>>,
    pub(crate) docs: Option<bool>,
    /// `span` and `err`, inherited by every method (`fields` is a method's own).
    pub(crate) traced: Traced,
}

/// A method's own `#[metered(..)]` inside a metered impl block.
// Made once per method while expanding: its size does not matter, and a
// `Box` would keep `DEFAULT` from being a constant.
#[allow(clippy::large_enum_variant)]
pub(crate) enum MethodArgs {
    /// `#[metered(skip)]`: leave the method as written.
    Skip,
    /// What the method overrides of the impl block's defaults.
    Measure {
        op: Option<LitStr>,
        kind: Option<Kind>,
        objective: Option<Box<Expr>>,
        docs: Option<bool>,
        traced: Traced,
    },
}

impl MethodArgs {
    /// A method without an attribute of its own.
    pub(crate) const DEFAULT: MethodArgs = MethodArgs::Measure {
        op: None,
        kind: None,
        objective: None,
        docs: None,
        traced: Traced::NONE,
    };
}

/// `span`, `err` and `fields`: the call's own `tracing` span and error event.
#[derive(Clone)]
pub(crate) struct Traced {
    pub(crate) span: Option<SpanKey>,
    pub(crate) err: Option<ErrKey>,
    pub(crate) fields: Option<FieldsKey>,
}

/// `span`, or `span = "debug"`: the key (where a missing feature is said)
/// and the level's name in `tracing::Level` (`INFO`).
#[derive(Clone)]
pub(crate) struct SpanKey {
    pub(crate) key: Ident,
    pub(crate) level: Ident,
}

/// `err`, `err = "warn"`, `err(Debug)`, `err(Debug, level = "warn")`.
#[derive(Clone)]
pub(crate) struct ErrKey {
    pub(crate) key: Ident,
    pub(crate) level: Ident,
    /// `Display` or `Debug`: how the `error` field is written.
    pub(crate) format: Ident,
}

/// `fields(name = expr, ..)`, as `tracing::span!` takes them.
#[derive(Clone)]
pub(crate) struct FieldsKey {
    pub(crate) key: Ident,
    pub(crate) tokens: TokenStream,
}

impl Traced {
    pub(crate) const NONE: Traced = Traced {
        span: None,
        err: None,
        fields: None,
    };

    /// A method's own keys over its impl block's.
    pub(crate) fn over(self, block: &Traced) -> Traced {
        Traced {
            span: self.span.or_else(|| block.span.clone()),
            err: self.err.or_else(|| block.err.clone()),
            fields: self.fields.or_else(|| block.fields.clone()),
        }
    }

    /// `err` and `fields` are about the span: without `span`, an error on
    /// each.
    pub(crate) fn check(&self) -> syn::Result<()> {
        if self.span.is_some() {
            return Ok(());
        }
        let mut problems = Problems::default();
        if let Some(err) = &self.err {
            problems.add(syn::Error::new(
                err.key.span(),
                "`err` reports the error as an event inside the call's own span: add `span`, as in #[metered(module = \"content\", op = \"create\", span, err)]",
            ));
        }
        if let Some(fields) = &self.fields {
            problems.add(syn::Error::new(
                fields.key.span(),
                "`fields` are recorded on the call's own span: add `span`, as in #[metered(module = \"content\", op = \"create\", span, fields(id = id))]",
            ));
        }
        problems.into_result(())
    }
}

/// The `kind` label: fixed at compile time, or computed per call.
#[derive(Clone)]
pub(crate) enum Kind {
    Static(LitStr),
    Computed(Box<Expr>),
}

/// One argument as written: `key = value`, or a bare flag such as `skip`.
struct Arg {
    key: Ident,
    value: Option<Expr>,
    /// `key(..)`: what the parentheses hold.
    list: Option<TokenStream>,
}

impl Parse for Arg {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        // `parse_any` accepts keywords too, so `type = ".."` gets the
        // "unknown key" message rather than a bare "expected identifier".
        let key = Ident::parse_any(input)?;
        let mut list = None;
        let value = if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            Some(ungroup(input.parse()?))
        } else if input.peek(syn::token::Paren) {
            let content;
            syn::parenthesized!(content in input);
            list = Some(content.parse()?);
            None
        } else {
            None
        };
        Ok(Arg { key, value, list })
    }
}

/// A fragment passed through `macro_rules!` (`$op:literal`, `$kind:expr`)
/// arrives wrapped in an invisible group; what matters is what it holds.
fn ungroup(expr: Expr) -> Expr {
    match expr {
        Expr::Group(group) => ungroup(*group.expr),
        other => other,
    }
}

/// The attribute's arguments, parsed but not yet checked.
pub(crate) struct RawArgs(Punctuated<Arg, Token![,]>);

impl Parse for RawArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        Punctuated::parse_terminated(input).map(RawArgs)
    }
}

/// Where the attribute stands; each place accepts different keys.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Placement {
    Function,
    Impl,
    Method,
}

/// A function's keys, then `skip`: a method takes all but `module`.
const SITE_KEYS: [&str; 9] = [
    "module",
    "op",
    "kind",
    "objective",
    "docs",
    "span",
    "err",
    "fields",
    "skip",
];

impl Placement {
    fn keys(self) -> &'static [&'static str] {
        match self {
            Placement::Function => &SITE_KEYS[..8],
            Placement::Impl => &["module", "kind", "objective", "docs", "span", "err"],
            Placement::Method => &SITE_KEYS[1..],
        }
    }

    fn listed(self) -> &'static str {
        match self {
            Placement::Function => {
                "`module`, `op`, `kind`, `objective`, `docs`, `span`, `err` and `fields`"
            }
            Placement::Impl => "`module`, `kind`, `objective`, `docs`, `span` and `err`",
            Placement::Method => {
                "`op`, `kind`, `objective`, `docs`, `span`, `err`, `fields` and `skip`"
            }
        }
    }
}

/// Collects every problem instead of stopping at the first.
#[derive(Default)]
pub(crate) struct Problems(Option<syn::Error>);

impl Problems {
    pub(crate) fn add(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    pub(crate) fn into_result<T>(self, value: T) -> syn::Result<T> {
        match self.0 {
            Some(error) => Err(error),
            None => Ok(value),
        }
    }
}

/// What the keys said, each checked on its own; which are required is
/// decided by the typed constructors below.
#[derive(Default)]
struct Written {
    module: Option<LitStr>,
    op: Option<LitStr>,
    kind: Option<Kind>,
    objective: Option<Box<Expr>>,
    docs: Option<LitBool>,
    skip: Option<Ident>,
    span: Option<SpanKey>,
    err: Option<ErrKey>,
    fields: Option<FieldsKey>,
    /// Keys written, or meant by a misspelling already reported: neither is
    /// reported again as missing.
    seen: Vec<String>,
}

impl Written {
    fn has(&self, key: &str) -> bool {
        self.seen.iter().any(|seen| seen == key)
    }
}

impl RawArgs {
    /// On a function: `module` and `op` are required.
    pub(crate) fn into_site(self, attr_span: Span) -> syn::Result<Site> {
        let (written, mut problems) = self.check(Placement::Function);
        // With `skip` (already reported) a missing key would be noise.
        let missing = match (written.has("module"), written.has("op")) {
            _ if written.has("skip") => None,
            (false, false) => Some(format!(
                "#[metered] needs `module` and `op`: write {EXAMPLE}"
            )),
            (true, false) | (false, true) => {
                let key = if written.has("module") {
                    "op"
                } else {
                    "module"
                };
                Some(format!(
                    "missing `{key} = \"...\"`: every #[metered] needs a module and an operation name, as in {EXAMPLE}"
                ))
            }
            (true, true) => None,
        };
        if let Some(message) = missing {
            problems.add(syn::Error::new(attr_span, message));
        }
        let args = match (written.module, written.op) {
            (Some(module), Some(op)) => Some(Site {
                module,
                op,
                kind: written.kind,
                objective: written.objective,
                docs: written.docs.is_none_or(|flag| flag.value),
                traced: Traced {
                    span: written.span,
                    err: written.err,
                    fields: written.fields,
                },
            }),
            _ => None,
        };
        if let Some(args) = &args
            && let Err(error) = args.traced.check()
        {
            problems.add(error);
        }
        finish(problems, args)
    }

    /// On an impl block: `module` is required; `kind` is a literal.
    pub(crate) fn into_impl_args(self, attr_span: Span) -> syn::Result<ImplArgs> {
        let (written, mut problems) = self.check(Placement::Impl);
        if !written.has("module") {
            problems.add(syn::Error::new(
                attr_span,
                "missing `module = \"...\"`: #[metered] on an impl block needs the module its methods record into, as in #[metered(module = \"content\")]",
            ));
        }
        let kind = match written.kind {
            Some(Kind::Static(kind)) => Some(kind),
            // Refused while checking the key.
            Some(Kind::Computed(_)) | None => None,
        };
        let objective = written.objective;
        let traced = Traced {
            span: written.span,
            err: written.err,
            fields: None,
        };
        if let Err(error) = traced.check() {
            problems.add(error);
        }
        let args = written.module.map(|module| ImplArgs {
            module,
            kind,
            objective,
            docs: written.docs.map(|flag| flag.value),
            traced,
        });
        finish(problems, args)
    }

    /// On a method of a metered impl: everything optional; `skip` alone.
    pub(crate) fn into_method_args(self) -> syn::Result<MethodArgs> {
        let (written, mut problems) = self.check(Placement::Method);
        if let Some(skip) = &written.skip {
            if written.seen.len() > 1 {
                problems.add(syn::Error::new(
                    skip.span(),
                    "`skip` leaves this method unmetered, so other keys have no effect: write `#[metered(skip)]` alone",
                ));
            }
            return problems.into_result(MethodArgs::Skip);
        }
        problems.into_result(MethodArgs::Measure {
            op: written.op,
            kind: written.kind,
            objective: written.objective,
            docs: written.docs.map(|flag| flag.value),
            traced: Traced {
                span: written.span,
                err: written.err,
                fields: written.fields,
            },
        })
    }

    /// Checks each key and value on its own, for `placement`.
    fn check(self, placement: Placement) -> (Written, Problems) {
        let mut problems = Problems::default();
        let mut written = Written::default();
        for Arg { key, value, list } in self.0 {
            let name = key.to_string();
            if written.has(&name) {
                problems.add(syn::Error::new(
                    key.span(),
                    format!("duplicate key `{key}`: give it once and remove this one"),
                ));
                continue;
            }
            let set = match list {
                Some(list) => written.set_list(placement, &key, list),
                None => written.set(placement, &key, value),
            };
            match set {
                Ok(()) => written.seen.push(name),
                Err(error) => {
                    // A misspelt or misplaced key is reported once, as itself.
                    written
                        .seen
                        .push(closest_key(placement, &name).unwrap_or(&name).to_owned());
                    problems.add(error);
                }
            }
        }
        (written, problems)
    }
}

fn finish<T>(problems: Problems, args: Option<T>) -> syn::Result<T> {
    match args {
        Some(args) => problems.into_result(args),
        // A required key is missing, so `problems` holds its error.
        None => Err(problems
            .0
            .unwrap_or_else(|| syn::Error::new(Span::call_site(), "invalid #[metered] arguments"))),
    }
}

impl Written {
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
            ("objective", _) => match value {
                // Checked by the compiler where it is used: a constant
                // `rustok_metrics::catalogue::Objective`, as the error there says.
                Some(objective) => {
                    self.objective = Some(Box::new(objective));
                    Ok(())
                }
                None => Err(syn::Error::new(
                    key.span(),
                    "`objective` takes a `rustok_metrics::catalogue::Objective` constant: write `objective = CHECKOUT` with `const CHECKOUT: Objective = Objective::new(\"checkout\").success_rate(99.9);`",
                )),
            },
            ("span", _) => {
                let level = level_value(key, value, "INFO")?;
                self.span = Some(SpanKey {
                    key: key.clone(),
                    level,
                });
                Ok(())
            }
            ("err", _) => {
                let level = level_value(key, value, "ERROR")?;
                self.err = Some(ErrKey {
                    key: key.clone(),
                    level,
                    format: Ident::new("Display", key.span()),
                });
                Ok(())
            }
            ("fields", Placement::Impl) => Err(syn::Error::new(
                key.span(),
                "`fields` read a method's arguments, so they go on the method: `#[metered(fields(id = id))]`",
            )),
            ("fields", _) => Err(syn::Error::new(
                key.span(),
                "`fields` takes a list, as `#[tracing::instrument]` does: write `fields(id = id, user = %user.name)`",
            )),
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
            (other, _) => {
                let suggestion = closest_key(placement, other)
                    .map(|key| format!("did you mean `{key}`? "))
                    .unwrap_or_default();
                Err(syn::Error::new(
                    key.span(),
                    format!(
                        "unknown key `{other}`: {suggestion}here #[metered] accepts {}, as in {EXAMPLE}",
                        placement.listed()
                    ),
                ))
            }
        }
    }
}

impl Written {
    /// `key(..)`: only `fields(..)` and `err(..)` take a list.
    fn set_list(
        &mut self,
        placement: Placement,
        key: &Ident,
        list: TokenStream,
    ) -> syn::Result<()> {
        match key.to_string().as_str() {
            "fields" if placement != Placement::Impl => {
                self.fields = Some(FieldsKey {
                    key: key.clone(),
                    tokens: list,
                });
                Ok(())
            }
            "err" => {
                self.err = Some(err_list(key, list)?);
                Ok(())
            }
            _ => {
                // What the key says without a list, or why it is not known.
                self.set(placement, key, None)?;
                Err(syn::Error::new(
                    key.span(),
                    format!(
                        "`{key}` takes no list in parentheses: write `{key} = ..`, as in {EXAMPLE}"
                    ),
                ))
            }
        }
    }
}

/// `err(Debug)`, `err(Display)`, `err(level = "warn")`, or both, in any order.
fn err_list(key: &Ident, list: TokenStream) -> syn::Result<ErrKey> {
    let args = Punctuated::<Arg, Token![,]>::parse_terminated.parse2(list)?;
    let mut err = ErrKey {
        key: key.clone(),
        level: Ident::new("ERROR", key.span()),
        format: Ident::new("Display", key.span()),
    };
    for arg in args {
        match (arg.key.to_string().as_str(), &arg.value, &arg.list) {
            ("Debug" | "Display", None, None) => err.format = arg.key,
            ("level", Some(_), None) => err.level = level_value(&arg.key, arg.value, "ERROR")?,
            _ => {
                return Err(syn::Error::new(
                    arg.key.span(),
                    "`err(..)` takes `Debug` or `Display` (how the error is written) and `level = \"..\"`, as in `err(Debug, level = \"warn\")`",
                ));
            }
        }
    }
    Ok(err)
}

/// A `tracing` level by its name, in any case (`default` when none is
/// given): the `Level` constant's name.
fn level_value(key: &Ident, value: Option<Expr>, default: &str) -> syn::Result<Ident> {
    let Some(value) = value else {
        return Ok(Ident::new(default, key.span()));
    };
    let lit = string_value(key, Some(value))?;
    let name = lit.value().to_ascii_uppercase();
    if ["TRACE", "DEBUG", "INFO", "WARN", "ERROR"].contains(&name.as_str()) {
        return Ok(Ident::new(&name, lit.span()));
    }
    Err(syn::Error::new(
        lit.span(),
        format!(
            "unknown level {:?}: `{key}` takes a `tracing` level, one of \"trace\", \"debug\", \"info\", \"warn\" or \"error\"",
            lit.value()
        ),
    ))
}

/// The key accepted at `placement` that `written` is most likely a typo of.
fn closest_key(placement: Placement, written: &str) -> Option<&'static str> {
    placement
        .keys()
        .iter()
        .map(|key| (edit_distance(key, written), *key))
        .filter(|(distance, key)| *distance > 0 && *distance <= key.len().div_ceil(3).max(1))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, key)| key)
}

/// Levenshtein distance, for keys a few letters long.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

/// The value of `key = value` as a non-empty string literal.
fn string_value(key: &Ident, value: Option<Expr>) -> syn::Result<LitStr> {
    let lit = match value {
        Some(Expr::Lit(ExprLit {
            lit: Lit::Str(lit), ..
        })) => lit,
        Some(Expr::Macro(mac)) => {
            return Err(syn::Error::new_spanned(
                mac,
                format!(
                    "`{key}` takes a string literal, and macros are not expanded inside #[metered(..)]: write the string itself, as in `{key} = \"...\"`"
                ),
            ));
        }
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
pub(crate) fn is_metric_name_segment(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::edit_distance;

    #[test]
    fn typos_are_close_and_other_words_are_not() {
        assert_eq!(edit_distance("op", "opp"), 1);
        assert_eq!(edit_distance("kind", "knd"), 1);
        assert_eq!(edit_distance("module", "modul"), 1);
        assert_eq!(edit_distance("op", "type"), 3);
    }
}
