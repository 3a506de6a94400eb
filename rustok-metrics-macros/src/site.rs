//! What one call site records under, resolved from the typed arguments.

use syn::ext::IdentExt;
use syn::{Expr, LitStr, Signature};

use crate::args::{FnArgs, ImplArgs, Kind};

/// The labels and options of one metered function or method.
pub struct Site {
    pub module: LitStr,
    pub op: LitStr,
    pub kind: Option<Kind>,
    /// An expression of type `rustok_metrics::Objective`, evaluated in the
    /// call site's `static`.
    pub objective: Option<Box<Expr>>,
    pub docs: bool,
}

impl Site {
    /// A function's own attribute.
    pub fn of_function(args: FnArgs) -> Self {
        let FnArgs {
            module,
            op,
            kind,
            objective,
            docs,
        } = args;
        Site {
            module,
            op,
            kind,
            objective,
            docs,
        }
    }

    /// A method of a metered impl block: its own keys, else the block's,
    /// else its name as the operation.
    pub fn of_method(
        block: &ImplArgs,
        op: Option<LitStr>,
        kind: Option<Kind>,
        objective: Option<Box<Expr>>,
        docs: Option<bool>,
        sig: &Signature,
    ) -> Self {
        Site {
            module: block.module.clone(),
            op: op.unwrap_or_else(|| LitStr::new(&sig.ident.unraw().to_string(), sig.ident.span())),
            kind: kind.or_else(|| block.kind.clone().map(Kind::Static)),
            objective: objective.or_else(|| block.objective.clone()),
            docs: docs.or(block.docs).unwrap_or(true),
        }
    }
}
