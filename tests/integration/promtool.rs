//! `promtool check metrics` finds nothing to complain about in our exposition.

use std::io::Write;
use std::panic::catch_unwind;
use std::process::{Command, Stdio};

use rustok_metrics::metered;
use rustok_metrics::platform::{commerce, content};

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

/// `promtool` when installed; `None` locally without it, a failure under CI.
fn promtool() -> Option<&'static str> {
    let found = Command::new("promtool")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success());
    if found {
        return Some("promtool");
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "promtool is required under CI: .ci/run installs Debian's `prometheus` package"
    );
    eprintln!("skipped: promtool is not installed (apt-get install prometheus)");
    None
}

#[test]
fn promtool_check_metrics_has_no_findings_on_a_realistic_run() {
    let Some(promtool) = promtool() else { return };

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

    let mut child = Command::new(promtool)
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start promtool");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(scrape.text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let findings = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success() && findings.trim().is_empty(),
        "promtool findings:\n{findings}\n--- exposition ---\n{}",
        scrape.text
    );
}
