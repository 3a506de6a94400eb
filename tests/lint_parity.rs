//! Lint parity: `lint-parity/` holds `plain_*`/`metered_*` twins with the
//! same signatures and bodies. Clippy (pedantic and nursery) runs on it, and
//! every twin must be reported exactly the lints its plain twin is, by lint
//! name: none lost, none added. `missing_const_for_fn` is allowed there, since
//! a metered function can never be `const`.
//!
//! The crate is not a workspace member (it is meant to have warnings) and
//! builds in its own `target/lint-parity`, so it does not wait for the
//! workspace's build lock.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// Lints the twins are there to exercise: each must show on a plain twin, or
/// the crate no longer tests what it claims.
const EXERCISED: &[&str] = &[
    "dead_code",
    "unused_variables",
    "unused_mut",
    "unreachable_code",
    "clippy::needless_pass_by_value",
    "clippy::unused_self",
    "clippy::unused_async",
    "clippy::await_holding_lock",
    "clippy::unnecessary_wraps",
    "clippy::needless_return",
    "clippy::let_and_return",
    "clippy::missing_errors_doc",
    "clippy::missing_panics_doc",
    "clippy::must_use_candidate",
    "clippy::cast_possible_truncation",
];

/// Differences stated in the guide ("What the attribute changes"): a body
/// whose exits a macro may hide runs in a closure, which takes its arguments.
const KNOWN: &[(&str, &str)] = &[("hidden", "clippy::needless_pass_by_value")];

#[test]
fn metered_twins_are_reported_the_lints_of_their_plain_twins() {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR"));
    let krate = tests.join("lint-parity");
    let target = tests.join("../target/lint-parity");
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(["clippy", "--locked", "--quiet", "--message-format=json"])
        .arg("--manifest-path")
        .arg(krate.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target)
        .args(["--", "-W", "clippy::pedantic", "-W", "clippy::nursery"])
        // The twins are meant to warn: flags such as `-D warnings` from the
        // caller's environment do not apply to them.
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .expect("run cargo clippy");
    assert!(
        output.status.success(),
        "cargo clippy on lint-parity failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let source = std::fs::read_to_string(krate.join("src/lib.rs")).expect("read lint-parity");
    let functions = functions(&source);
    let mut lints: BTreeMap<String, [Vec<String>; 2]> = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Some((code, line)) = diagnostic(line) else {
            continue;
        };
        if let Some((side, twin)) = twin_at(&source, &functions, line) {
            lints.entry(twin).or_default()[side].push(code);
        }
    }

    let mut problems = Vec::new();
    for (twin, [plain, metered]) in &mut lints {
        plain.sort();
        metered.sort();
        for code in plain.iter().filter(|code| !metered.contains(code)) {
            if !KNOWN.contains(&(twin.as_str(), code.as_str())) {
                problems.push(format!("metered_{twin} lost `{code}`"));
            }
        }
        for code in metered.iter().filter(|code| !plain.contains(code)) {
            problems.push(format!("metered_{twin} gained `{code}`"));
        }
    }
    for (twin, code) in KNOWN {
        let [plain, metered] = &lints[*twin];
        assert!(
            plain.contains(&(*code).to_owned()) && !metered.contains(&(*code).to_owned()),
            "the known difference {twin}/{code} is gone: remove it from KNOWN and from the guide"
        );
    }
    let reported: Vec<&String> = lints.values().flat_map(|[plain, _]| plain).collect();
    for code in EXERCISED {
        if !reported.iter().any(|seen| seen == code) {
            problems.push(format!("no plain twin is reported `{code}` any more"));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}\nall lints: {lints:#?}");
}

/// The lint and the line of one `compiler-message` in `src/lib.rs`.
fn diagnostic(json: &str) -> Option<(String, usize)> {
    let message: Value = serde_json::from_str(json).ok()?;
    if message["reason"] != "compiler-message" {
        return None;
    }
    let message = &message["message"];
    let code = message["code"]["code"].as_str()?.to_owned();
    let span = message["spans"]
        .as_array()?
        .iter()
        .find(|span| span["is_primary"] == true && span["file_name"] == "src/lib.rs")?;
    Some((code, usize::try_from(span["line_start"].as_u64()?).ok()?))
}

/// Every `fn` of the source: its line (1-based) and name.
fn functions(source: &str) -> Vec<(usize, String)> {
    source
        .lines()
        .enumerate()
        .filter_map(|(index, line)| {
            let after = line.split("fn ").nth(1)?;
            let name: String = after
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            (!name.is_empty() && !line.trim_start().starts_with("//")).then_some((index + 1, name))
        })
        .collect()
}

/// Which twin a line belongs to: the `fn` that an attribute line stands on,
/// or the last `fn` at or above it. `0` is plain, `1` metered.
fn twin_at(source: &str, functions: &[(usize, String)], line: usize) -> Option<(usize, String)> {
    let text = source.lines().nth(line.checked_sub(1)?)?.trim_start();
    let name = if text.starts_with("#[") {
        &functions.iter().find(|(at, _)| *at > line)?.1
    } else {
        &functions.iter().rev().find(|(at, _)| *at <= line)?.1
    };
    if let Some(twin) = name.strip_prefix("plain_") {
        Some((0, twin.to_owned()))
    } else {
        name.strip_prefix("metered_")
            .map(|twin| (1, twin.to_owned()))
    }
}
