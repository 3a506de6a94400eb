//! What one call site records under, resolved from the typed arguments.

use syn::ext::IdentExt;
use syn::{Expr, LitStr, Signature};

use crate::args::{FnArgs, ImplArgs, Kind, Traced};

/// The labels and options of one metered function or method.
pub(crate) struct Site {
    pub(crate) module: LitStr,
    pub(crate) op: LitStr,
    pub(crate) kind: Option<Kind>,
    /// An expression of type `rustok_metrics::catalogue::Objective`, evaluated in the
    /// call site's `static`.
    pub(crate) objective: Option<Box<Expr>>,
    pub(crate) docs: bool,
    /// The call's own span and error event, if asked for.
    pub(crate) traced: Traced,
}

impl Site {
    /// A function's own attribute.
    pub(crate) fn of_function(args: FnArgs) -> Self {
        let FnArgs {
            module,
            op,
            kind,
            objective,
            docs,
            traced,
        } = args;
        Site {
            module,
            op,
            kind,
            objective,
            docs,
            traced,
        }
    }

    /// A method of a metered impl block: its own keys, else the block's,
    /// else its name as the operation. `err` and `fields` without a span,
    /// the method's or the block's, are an error.
    pub(crate) fn of_method(
        block: &ImplArgs,
        op: Option<LitStr>,
        kind: Option<Kind>,
        objective: Option<Box<Expr>>,
        docs: Option<bool>,
        traced: Traced,
        sig: &Signature,
    ) -> syn::Result<Self> {
        let traced = traced.over(&block.traced);
        traced.check()?;
        Ok(Site {
            module: block.module.clone(),
            op: op.unwrap_or_else(|| LitStr::new(&sig.ident.unraw().to_string(), sig.ident.span())),
            kind: kind.or_else(|| block.kind.clone().map(Kind::Static)),
            objective: objective.or_else(|| block.objective.clone()),
            docs: docs.or(block.docs).unwrap_or(true),
            traced,
        })
    }
}
