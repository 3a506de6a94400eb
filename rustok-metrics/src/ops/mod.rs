//! What operators and reviewers get out of the catalogue: Prometheus rules
//! for every module and objective in the binary, and a review file that
//! shows metric changes in a pull request.

mod promql;
mod review;
mod rules;

pub use review::{REVIEW_ENV, catalogue_markdown, check_review_file};
pub use rules::prometheus_rules;
