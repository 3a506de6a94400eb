//! What the test suites of `tests/` and `examples/` share: finding the
//! external tools that check our exposition, and running them.

use std::io::Write;
use std::process::{Command, Stdio};

/// Whether every one of `programs` is installed (answers `--version`).
/// Locally a missing one skips the caller's test with a printed reason;
/// under `CI` it fails it, since `.ci/run` installs them.
///
/// # Panics
/// Under `CI`, when a program is missing.
#[must_use]
pub fn tools_available(programs: &[&str]) -> bool {
    let missing: Vec<&str> = programs
        .iter()
        .copied()
        .filter(|program| !installed(program))
        .collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{} required under CI: .ci/run installs Debian's `prometheus` package",
        missing.join(", ")
    );
    eprintln!(
        "skipped: {} not installed (apt-get install prometheus)",
        missing.join(", ")
    );
    false
}

fn installed(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success())
}

/// `promtool check metrics` on a text exposition: `Ok` when it exits
/// cleanly with no findings, else `Err` with its findings.
///
/// # Errors
/// The findings, or why promtool could not run.
pub fn promtool_check_metrics(text: &str) -> Result<(), String> {
    let mut child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| format!("cannot start promtool: {error}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(text.as_bytes())
            .map_err(|error| format!("cannot write to promtool: {error}"))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|error| format!("promtool did not finish: {error}"))?;
    let findings = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if out.status.success() && findings.trim().is_empty() {
        Ok(())
    } else {
        Err(format!("exit {}: {findings}", out.status))
    }
}
