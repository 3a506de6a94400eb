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
        "{} required under CI: .ci/run installs Debian's `prometheus` and `victoria-metrics` packages",
        missing.join(", ")
    );
    eprintln!(
        "skipped: {} not installed (apt-get install prometheus victoria-metrics)",
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

/// One sample of an exposition, as an independent parser read it: the
/// sample's name (`x_total`, `x_bucket`, ...), its labels and its value.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    /// The sample name, suffix included.
    pub name: String,
    /// Label pairs, by name.
    pub labels: std::collections::BTreeMap<String, String>,
    /// The value.
    pub value: f64,
    /// The sample's exemplar, when the format has them and it has one.
    pub exemplar: Option<Exemplar>,
}

/// An exemplar as a parser read it.
#[derive(Clone, Debug, PartialEq)]
pub struct Exemplar {
    /// Its label pairs (`trace_id`, `span_id`).
    pub labels: std::collections::BTreeMap<String, String>,
    /// Its value.
    pub value: f64,
    /// Seconds since the epoch, when it has a timestamp.
    pub timestamp: Option<f64>,
}

/// The Python of the virtualenv `.ci/run` makes (`target/venv`), with
/// `prometheus_client` installed; or `RUSTOK_PYTHON`. `None` (printing why)
/// when it is missing locally.
///
/// # Panics
/// Under `CI`, when it is missing.
#[must_use]
pub fn python_with_prometheus_client() -> Option<std::path::PathBuf> {
    let python = std::env::var_os("RUSTOK_PYTHON").map_or_else(
        || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/venv/bin/python3"),
        std::path::PathBuf::from,
    );
    let works = Command::new(&python)
        .args(["-c", "import prometheus_client.openmetrics.parser"])
        .output()
        .is_ok_and(|out| out.status.success());
    if works {
        return Some(python);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{} with prometheus_client required under CI: .ci/run makes it",
        python.display()
    );
    eprintln!(
        "skipped: no {} with prometheus_client (python3 -m venv target/venv && target/venv/bin/pip install prometheus_client)",
        python.display()
    );
    None
}

/// Which of `prometheus_client`'s parsers to use.
#[derive(Clone, Copy, Debug)]
pub enum PythonParser {
    /// `prometheus_client.openmetrics.parser`: strict OpenMetrics 1.0,
    /// `# EOF` required.
    OpenMetrics,
    /// `prometheus_client.parser`: the text format 0.0.4.
    Text,
}

const PARSE_SCRIPT: &str = r"
import sys
from prometheus_client.openmetrics import parser as om
from prometheus_client import parser as text
module = om if sys.argv[1] == 'openmetrics' else text
def pairs(labels):
    return ','.join(k.encode().hex() + '=' + v.encode().hex() for k, v in sorted(labels.items()))
for family in module.text_string_to_metric_families(sys.stdin.read()):
    for s in family.samples:
        e = getattr(s, 'exemplar', None)
        exemplar = ['-', '-', '-'] if e is None else [
            pairs(e.labels), repr(float(e.value)), '-' if e.timestamp is None else repr(float(e.timestamp))]
        print(family.type, s.name, pairs(s.labels), repr(float(s.value)), *exemplar, sep='\t')
";

/// Parses `exposition` with Python's `prometheus_client`: every sample, or
/// the parser's error. Samples of OpenMetrics counters are named `x_total`,
/// as they appear in the exposition.
///
/// # Errors
/// The parser's error, or why it could not run.
pub fn parse_with_prometheus_client(
    python: &std::path::Path,
    parser: PythonParser,
    exposition: &str,
) -> Result<Vec<Sample>, String> {
    let which = match parser {
        PythonParser::OpenMetrics => "openmetrics",
        PythonParser::Text => "text",
    };
    let mut child = Command::new(python)
        .args(["-c", PARSE_SCRIPT, which])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| format!("cannot start python: {error}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(exposition.as_bytes())
            .map_err(|error| format!("cannot write to python: {error}"))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|error| format!("python did not finish: {error}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let unhex = |hex: &str| -> String {
        let bytes: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|at| u8::from_str_radix(&hex[at..at + 2], 16).unwrap_or(b'?'))
            .collect();
        String::from_utf8_lossy(&bytes).into_owned()
    };
    let labels_of = |pairs: &str| {
        pairs
            .split(',')
            .filter(|pair| !pair.is_empty())
            .filter_map(|pair| pair.split_once('='))
            .map(|(name, value)| (unhex(name), unhex(value)))
            .collect()
    };
    let number = |value: &str| -> Result<f64, String> {
        match value {
            "inf" => Ok(f64::INFINITY),
            "-inf" => Ok(f64::NEG_INFINITY),
            "nan" => Ok(f64::NAN),
            value => value.parse().map_err(|_| format!("bad number {value}")),
        }
    };
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            let [
                _,
                name,
                labels,
                value,
                exemplar_labels,
                exemplar_value,
                exemplar_time,
            ] = fields[..]
            else {
                return Err(format!("unexpected parser output: {line}"));
            };
            let exemplar = if exemplar_value == "-" {
                None
            } else {
                Some(Exemplar {
                    labels: labels_of(exemplar_labels),
                    value: number(exemplar_value)?,
                    timestamp: match exemplar_time {
                        "-" => None,
                        time => Some(number(time)?),
                    },
                })
            };
            Ok(Sample {
                name: name.to_owned(),
                labels: labels_of(labels),
                value: number(value)?,
                exemplar,
            })
        })
        .collect()
}

pub mod daemon;
pub mod prometheus;
pub mod protobuf;
pub mod victoria_metrics;
