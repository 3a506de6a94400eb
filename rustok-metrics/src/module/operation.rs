//! One metered function, as the catalogue lists it: a leaf that call sites,
//! the catalogue and a site's computed kinds all read.

use crate::objective::Objective;

/// One metered function: the labels it records under and where it is.
///
/// ```
/// #[rustok_metrics::metered(module = "docs_catalogue", op = "list")]
/// fn list() {}
///
/// let list = rustok_metrics::catalogue::operations()
///     .find(|op| op.module() == "docs_catalogue")
///     .unwrap();
/// assert_eq!(list.operation(), "list");
/// assert!(list.file().ends_with(".rs"));
/// ```
#[derive(Debug, PartialEq)]
pub struct Operation {
    pub(crate) module: &'static str,
    pub(crate) operation: &'static str,
    pub(crate) kind: &'static str,
    pub(crate) computed_kind: bool,
    pub(crate) file: &'static str,
    pub(crate) line: u32,
    pub(crate) objective: Option<Objective>,
}

impl Operation {
    /// The `module` of `#[metered(module = "..")]`.
    #[must_use]
    pub fn module(&self) -> &'static str {
        self.module
    }

    /// The `operation` label.
    #[must_use]
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The static `kind` label; empty when there is none or it is computed
    /// per call (see [`has_computed_kind`](Self::has_computed_kind)).
    #[must_use]
    pub fn kind(&self) -> &'static str {
        self.kind
    }

    /// Whether the kind is computed per call (`kind = <expression>`).
    #[must_use]
    pub fn has_computed_kind(&self) -> bool {
        self.computed_kind
    }

    /// The source file of the metered function.
    #[must_use]
    pub fn file(&self) -> &'static str {
        self.file
    }

    /// The line of the metered function's name (`fn name`).
    #[must_use]
    pub fn line(&self) -> u32 {
        self.line
    }

    /// The objective of `#[metered(.., objective = ..)]`, if any.
    #[must_use]
    pub fn objective(&self) -> Option<&Objective> {
        self.objective.as_ref()
    }
}
