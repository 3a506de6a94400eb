//! A method's call site, resolved from its own keys and its block's.

use syn::ext::IdentExt;
use syn::{Expr, LitStr, Signature};

use crate::args::{ImplArgs, Kind, Site, Traced};

impl Site {
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
