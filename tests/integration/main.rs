//! Integration tests: every test uses its own module or operation names, so
//! they read their own series from the shared registry in any order.

mod buckets;
mod concurrency;
mod escaping;
mod futures;
mod hygiene;
mod impl_blocks;
mod in_flight;
mod labels;
mod load;
mod objectives;
mod platform;
mod promtool;
mod receivers;
mod results;
mod shapes;
mod statuses;
mod support;
mod traits;
mod transparent;
