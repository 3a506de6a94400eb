//! What the code declares, and what operators and reviewers get from it.
//!
//! Every `#[metered]` function registers itself before `main`: the
//! [`operations`] of the process, each with its module, operation, kind,
//! source line and [`Objective`], are known before the first call. From
//! them come the Prometheus recording and alerting rules of every
//! objective ([`prometheus_rules`]), the review file a pull request shows
//! when an operation is added, renamed or loses its objective
//! ([`catalogue_markdown`], checked by [`check_review_file`]), and a check
//! that no two functions claim one operation ([`duplicate_operations`]).
//!
//! ```
//! use rustok_metrics::catalogue::{Objective, operations};
//! use rustok_metrics::metered;
//!
//! const CHECKOUT: Objective = Objective::new("docs_checkout").success_rate(99.9);
//!
//! #[metered(module = "docs_checkout", op = "checkout", objective = CHECKOUT)]
//! fn checkout(items: u32) -> Result<u32, std::io::Error> {
//!     Ok(items)
//! }
//!
//! let declared = operations().find(|op| op.module() == "docs_checkout");
//! assert_eq!(declared.map(|op| op.operation()), Some("checkout"));
//! # let _ = checkout(1);
//! ```

pub use crate::module::{Operation, duplicate_operations, operations};
pub use crate::objective::{LatencyObjective, Objective};
pub use crate::ops::{REVIEW_ENV, catalogue_markdown, check_review_file, prometheus_rules};
