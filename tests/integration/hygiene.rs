//! A user's own `core`, `prometheus` and `rustok_metrics` modules, and local
//! names that collide with generated ones, break nothing.

#[allow(dead_code)]
mod core {
    pub struct Option;
}

#[allow(dead_code)]
mod prometheus {
    pub fn register() {}
}

#[allow(dead_code)]
mod rustok_metrics {
    pub mod __private {}
}

use ::rustok_metrics::metered;

use crate::support::scrape;

#[metered(module = "it_hygiene", op = "shadow")]
fn shadow(value: u32) -> Result<u32, String> {
    let __metered_guard = value;
    let __metered_result = __metered_guard + 1;
    let value = __metered_result;
    #[allow(non_upper_case_globals)]
    static SITE: u32 = 1;
    Ok(value + SITE)
}

#[test]
fn user_modules_and_locals_do_not_collide() {
    assert_eq!(shadow(1), Ok(3));
    assert_eq!(scrape().statuses("it_hygiene", "shadow"), [1, 0, 0, 0]);
}
