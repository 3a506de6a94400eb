//! `promtool check metrics` finds nothing to complain about in our exposition.

use std::panic::catch_unwind;

use rustok_metrics::metered;
use rustok_metrics::platform::{commerce, content};
use rustok_metrics_testkit::{promtool_check_metrics, tools_available};

use crate::support::{YieldOnce, block_on, scrape};

#[derive(Debug)]
struct CheckoutError;

#[metered(module = "content", op = "it_promtool_publish", kind = "post")]
async fn publish(id: u32) -> Result<u32, String> {
    YieldOnce(false).await;
    if id == 0 { Err("empty".into()) } else { Ok(id) }
}

#[metered(module = "commerce", op = "it_promtool_checkout")]
fn checkout(total: u32) -> Result<u32, CheckoutError> {
    assert!(total < 1_000, "total overflow");
    if total == 0 {
        Err(CheckoutError)
    } else {
        Ok(total)
    }
}

#[test]
fn promtool_check_metrics_has_no_findings_on_a_realistic_run() {
    if !tools_available(&["promtool"]) {
        return;
    }

    for id in [1, 2, 0] {
        let _ = block_on(publish(id));
    }
    for total in [10, 0] {
        let _ = checkout(total);
    }
    let _ = catch_unwind(|| checkout(5_000));
    content::nodes().set("post", 12);
    commerce::products().set("physical", 3);
    commerce::orders().set("standard", 7);

    let scrape = scrape();
    assert_eq!(
        scrape.calls("commerce", "it_promtool_checkout", "", "panic"),
        Some(1)
    );

    if let Err(findings) = promtool_check_metrics(&scrape.text) {
        panic!(
            "promtool findings:\n{findings}\n--- exposition ---\n{}",
            scrape.text
        );
    }
}
