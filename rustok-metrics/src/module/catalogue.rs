//! The catalogue: every metered operation in the binary, known before main.

use std::sync::Once;

use super::call_site::SiteEntry;
use super::directory::live;
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

/// Every metered operation in the binary, whether called yet or not: the
/// table a reviewer or a dashboard author needs. The order is unspecified.
pub fn operations() -> impl Iterator<Item = &'static Operation> {
    inventory::iter::<SiteEntry>().map(|entry| entry.0.operation())
}

/// Pairs of different functions that record under the same module and
/// operation name. Their counts add up into the same series, which is
/// rarely what was meant.
///
/// ```
/// #[rustok_metrics::metered(module = "docs_duplicates", op = "save")]
/// fn save_draft() {}
/// #[rustok_metrics::metered(module = "docs_duplicates", op = "save")]
/// fn save_final() {}
///
/// let pairs = rustok_metrics::catalogue::duplicate_operations();
/// assert!(pairs.iter().any(|[a, _]| a.module() == "docs_duplicates"));
/// ```
#[must_use]
pub fn duplicate_operations() -> Vec<[&'static Operation; 2]> {
    let mut all: Vec<&'static Operation> = operations().collect();
    all.sort_by_key(|op| (op.module, op.operation, op.file, op.line));
    all.windows(2)
        .filter(|pair| pair[0].module == pair[1].module && pair[0].operation == pair[1].operation)
        .map(|pair| [pair[0], pair[1]])
        .collect()
}

/// Creates the families of every module that has a metered function, so
/// their series exist, at zero, from the first render on.
pub(crate) fn make_catalogue_live() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for operation in operations() {
            live(operation.module());
        }
    });
}
