//! `span` without the runtime's `tracing` feature: one compile error, on the
//! `span` key, naming the feature. trybuild builds its cases with the tests
//! crate's features (which include `tracing`), so this case is a crate of
//! its own, `no-tracing/`, checked in its own `target/no-tracing`.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

#[test]
fn span_without_the_tracing_feature_is_an_error_on_span_naming_the_feature() {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR"));
    let krate = tests.join("no-tracing");
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(["check", "--locked", "--quiet", "--message-format=json"])
        .arg("--manifest-path")
        .arg(krate.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(tests.join("../target/no-tracing"))
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .expect("run cargo check");
    assert!(!output.status.success(), "no-tracing compiled");

    let errors: Vec<Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|message| message["reason"] == "compiler-message")
        .map(|message| message["message"].clone())
        .filter(|message| message["level"] == "error")
        .collect();
    let [error] = errors.as_slice() else {
        panic!(
            "exactly one error expected: {errors:#?}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    let text = error["message"].as_str().unwrap();
    assert!(
        text.contains(r#"enable the "tracing" feature of rustok-metrics"#),
        "{text}"
    );
    let source = std::fs::read_to_string(krate.join("src/lib.rs")).unwrap();
    let (line, column) = source
        .lines()
        .enumerate()
        .find_map(|(n, l)| l.find(", span,").map(|c| (n + 1, c + 3)))
        .unwrap();
    // The primary span is inside the runtime's macro; where the user reads
    // it is the rendered location, in the user's file.
    let rendered = error["rendered"].as_str().unwrap();
    assert!(
        rendered.contains(&format!("--> src/lib.rs:{line}:{column}\n")),
        "the error points at `span`: {rendered}"
    );
    let caret_line = rendered
        .lines()
        .find(|l| l.trim_start().starts_with('|') && l.contains('^'))
        .unwrap();
    assert_eq!(caret_line.matches('^').count(), "span".len(), "{rendered}");
}
