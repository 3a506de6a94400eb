//! `span` needs the `tracing` feature, which this crate does not enable.

use rustok_metrics::metered;

#[metered(module = "content", op = "create", span, err)]
pub fn create(id: u64) -> Result<u64, std::fmt::Error> {
    Ok(id)
}
