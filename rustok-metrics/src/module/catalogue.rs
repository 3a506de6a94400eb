//! The catalogue: every metered operation in the binary, known before main.

use std::sync::Once;

use super::call_site::SiteEntry;
use super::directory::live;
use super::operation::Operation;

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
