//! The example server, scraped by a real Prometheus.
//!
//! One Prometheus (Debian's `prometheus` package) on a free loopback port
//! scrapes three server processes with the right bearer token and one with a
//! wrong token, every second, and loads docs/prometheus/rustok-common.rules.yml
//! and the example's generated docs/prometheus/rustok.rules.yml.
//! The test drives known traffic into each server and checks what arrives
//! through Prometheus' HTTP API: targets up or down (401), exact counters
//! summed over instances, histograms and HTTP metrics; then it runs every
//! PromQL expression of the dashboard and the rules against it, and
//! `promtool check metrics` on the served exposition.
//!
//! Without `prometheus`/`promtool` installed the test is skipped with a
//! printed reason; under `CI` it is required (`.ci/run` installs them).

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::process::Command;
use std::time::Duration;

use rustok_metrics_testkit::prometheus::{self as testkit, wait_for};
use serde_json::Value;
use support::{
    RULE_FILES, Server, dashboard_queries, get, post_json, print_rules, repo_root, rule_files,
    start_server, until_none_fail,
};

mod support;

use rustok_metrics_testkit::{promtool_check_metrics, tools_available};

const TOKEN: &str = "test-token-3f9a";

/// A real Prometheus (from `testkit`), read as JSON.
struct Prometheus(testkit::Prometheus);

impl Prometheus {
    /// Scrapes `good` with the token and `wrong_token` with another, every
    /// second, with the repository's rules loaded.
    fn start(good: &[SocketAddr], wrong_token: SocketAddr) -> Self {
        let targets = |addrs: &[SocketAddr]| {
            addrs
                .iter()
                .map(|a| format!("'{a}'"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let scrape_configs = format!(
            "\x20 - job_name: rustok\n    authorization: {{credentials: '{TOKEN}'}}\n    static_configs: [{{targets: [{good}]}}]\n\
             \x20 - job_name: rustok_wrong_token\n    authorization: {{credentials: 'not-the-token'}}\n    static_configs: [{{targets: [{wrong}]}}]\n",
            good = targets(good),
            wrong = targets(&[wrong_token]),
        );
        let rules = rule_files();
        let rules: Vec<&str> = rules.iter().map(String::as_str).collect();
        Prometheus(testkit::Prometheus::launch(
            "examples",
            &scrape_configs,
            &rules,
            &[],
        ))
    }

    /// `/api/v1/query`: the status and the result vector.
    fn query(&self, promql: &str) -> (String, Vec<Value>) {
        let body = self.0.query(promql);
        let json: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
        let status = json["status"].as_str().unwrap_or("unparsable").to_owned();
        let result = json["data"]["result"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if status != "success" {
            eprintln!("query {promql} -> {body}");
        }
        (status, result)
    }

    /// The single value of a query, if it returned exactly one sample.
    fn value(&self, promql: &str) -> Option<f64> {
        match self.query(promql).1.as_slice() {
            [sample] => sample["value"][1].as_str()?.parse().ok(),
            _ => None,
        }
    }
}

/// Creates `creates` nodes (one empty title, which fails), reads one that
/// exists and one that does not, orders twice (one empty cart), and asks
/// for an unknown path.
fn drive_traffic(addr: SocketAddr, creates: u32) {
    for n in 0..creates {
        assert_eq!(
            post_json(
                addr,
                "/api/nodes",
                &format!(r#"{{"kind":"post","title":"t{n}"}}"#)
            ),
            201
        );
    }
    assert_eq!(
        post_json(addr, "/api/nodes", r#"{"kind":"page","title":""}"#),
        422
    );
    assert_eq!(get(addr, "/api/nodes/1", &[]).0, 200);
    assert_eq!(get(addr, "/api/nodes/9999", &[]).0, 404);
    assert_eq!(post_json(addr, "/api/checkout", r#"{"items":[1,2]}"#), 200);
    assert_eq!(post_json(addr, "/api/checkout", r#"{"items":[]}"#), 422);
    assert_eq!(get(addr, "/no/such/page", &[]).0, 404);
}

/// Every PromQL expression in the dashboard, once per module, and in the
/// rules files, with whether it is an alert.
fn repo_queries() -> Vec<(String, bool)> {
    let mut queries: Vec<(String, bool)> = dashboard_queries()
        .into_iter()
        .map(|query| (query, false))
        .collect();
    for rules in rule_files() {
        queries.extend(rule_expressions(&rules));
    }
    queries
}

/// The `expr:` entries of a rules file (YAML), on one line or as a `|`
/// block, with whether each belongs to an alert.
fn rule_expressions(rules: &str) -> Vec<(String, bool)> {
    let mut queries = Vec::new();
    let mut lines = rules.lines().peekable();
    let mut is_alert = false;
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("- alert:") {
            is_alert = true;
        } else if trimmed.starts_with("- record:") {
            is_alert = false;
        }
        let Some(expr) = trimmed.strip_prefix("expr:") else {
            continue;
        };
        let expr = expr.trim();
        if expr == "|" {
            let indent = lines
                .peek()
                .map_or(0, |next| next.len() - next.trim_start().len());
            let mut block = Vec::new();
            while let Some(next) = lines.peek() {
                if next.trim().is_empty() || next.len() - next.trim_start().len() < indent {
                    break;
                }
                block.push(next.trim().to_owned());
                lines.next();
            }
            queries.push((block.join(" "), is_alert));
        } else {
            queries.push((expr.to_owned(), is_alert));
        }
    }
    queries
}

#[test]
fn a_real_prometheus_scrapes_three_instances_and_refuses_a_wrong_token() {
    if !tools_available(&["prometheus", "promtool"]) {
        return;
    }
    let servers: Vec<Server> = (0..3).map(|_| start_server(&["--token", TOKEN])).collect();
    let good: Vec<SocketAddr> = servers.iter().map(|server| server.addr).collect();
    let wrong_server = start_server(&["--token", TOKEN]);
    let wrong_addr = wrong_server.addr;
    let prometheus = Prometheus::start(&good, wrong_addr);

    // Known traffic: instance i creates 2 + i nodes.
    for (i, addr) in good.iter().enumerate() {
        drive_traffic(*addr, 2 + u32::try_from(i).unwrap());
    }
    let creates = f64::from(2 + 3 + 4);

    // Prometheus applies new targets on a 5 s tick; then scrapes every second.
    wait_for("3 targets up", Duration::from_secs(120), || {
        prometheus.value(r#"sum(up{job="rustok"})"#) == Some(3.0)
    });
    let created = r#"sum by (operation) (rustok_content_operations_total{job="rustok",operation="create",status="success"})"#;
    wait_for(
        "the test's calls in Prometheus",
        Duration::from_secs(120),
        || prometheus.value(created) == Some(creates),
    );

    // Counters summed over the instances equal the calls made.
    let failed = r#"sum by (operation) (rustok_content_operations_total{job="rustok",operation="create",status="error",error_kind="empty_title"})"#;
    assert_eq!(prometheus.value(failed), Some(3.0));
    let checkouts =
        r#"sum by (status) (rustok_commerce_operations_total{job="rustok",operation="checkout"})"#;
    let by_status: BTreeSet<(String, String)> = prometheus
        .query(checkouts)
        .1
        .iter()
        .map(|s| {
            (
                s["metric"]["status"].as_str().unwrap().to_owned(),
                s["value"][1].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        by_status.contains(&("success".into(), "3".into())),
        "{by_status:?}"
    );
    assert!(
        by_status.contains(&("error".into(), "3".into())),
        "{by_status:?}"
    );
    // Histograms: every call observed once, in identical buckets everywhere.
    let observed =
        r#"sum(rustok_content_operation_duration_seconds_count{job="rustok",operation="create"})"#;
    assert_eq!(prometheus.value(observed), Some(creates + 3.0));
    let inf = r#"sum(rustok_content_operation_duration_seconds_bucket{job="rustok",operation="create",le="+Inf"})"#;
    assert_eq!(prometheus.value(inf), Some(creates + 3.0));
    let layouts = r#"count(count by (le) (rustok_content_operation_duration_seconds_bucket{job="rustok",operation="create"}))"#;
    // The objectives' thresholds (50 and 100 ms) are default bounds already.
    let bounds = rustok_metrics::settings::DEFAULT_DURATION_BUCKETS.len() as f64;
    assert_eq!(
        prometheus.value(layouts),
        Some(bounds + 1.0),
        "the default bounds and +Inf"
    );
    // HTTP metrics, by route template, never the raw path.
    let routes =
        r#"sum by (route, status) (rustok_http_requests_total{job="rustok",method="GET"})"#;
    let seen: BTreeSet<(String, String)> = prometheus
        .query(routes)
        .1
        .iter()
        .map(|s| {
            (
                s["metric"]["route"].as_str().unwrap().to_owned(),
                s["metric"]["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        seen.contains(&("/api/nodes/{id}".into(), "200".into())),
        "{seen:?}"
    );
    assert!(
        seen.contains(&("/api/nodes/{id}".into(), "404".into())),
        "{seen:?}"
    );
    assert!(
        seen.contains(&("unmatched".into(), "404".into())),
        "{seen:?}"
    );
    assert!(
        !seen.iter().any(|(route, _)| route.contains("9999")),
        "{seen:?}"
    );
    assert_eq!(
        prometheus.value(
            r#"sum(rustok_http_requests_total{job="rustok",route="/api/nodes",status="201"})"#
        ),
        Some(creates)
    );
    assert_eq!(
        prometheus.value(r#"sum(rustok_http_requests_in_flight{job="rustok"})"#),
        Some(0.0)
    );

    // The wrong token: the target is down with a 401, and what it was sent
    // held no metrics.
    wait_for(
        "the wrong-token target scraped",
        Duration::from_secs(120),
        || prometheus.value(r#"up{job="rustok_wrong_token"}"#) == Some(0.0),
    );
    let (_, targets) = get(prometheus.0.addr, "/api/v1/targets", &[]);
    let targets: Value = serde_json::from_str(&targets).unwrap();
    let wrong = targets["data"]["activeTargets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["labels"]["job"] == "rustok_wrong_token")
        .unwrap();
    assert!(
        wrong["lastError"].as_str().unwrap().contains("401"),
        "{wrong}"
    );
    let (status, body) = get(
        wrong_addr,
        "/metrics",
        &[("Authorization", "Bearer not-the-token")],
    );
    assert_eq!(status, 401);
    assert!(
        !body.contains("rustok_"),
        "a refused scrape leaked metrics: {body}"
    );

    // Every query of the dashboard and the rules parses and returns data.
    // Alerts return data only while failing, so for them parsing is checked
    // here, and their inputs (recording rules) return data above.
    // Recording rules evaluate every second once loaded; give each a moment.
    let queries = repo_queries();
    let failures = |queries: &[(String, bool)]| -> Vec<String> {
        queries
            .iter()
            .filter_map(|(query, is_alert)| {
                let (status, result) = prometheus.query(query);
                (status != "success" || (!is_alert && result.is_empty()))
                    .then(|| format!("{status}, {} samples: {query}", result.len()))
            })
            .collect()
    };
    let missing = until_none_fail(Duration::from_secs(120), || failures(&queries));
    assert!(
        missing.is_empty(),
        "queries without data:\n{}",
        missing.join("\n")
    );

    // promtool finds nothing to complain about in the served exposition.
    let (status, exposition) = get(
        good[0],
        "/metrics",
        &[("Authorization", &format!("Bearer {TOKEN}"))],
    );
    assert_eq!(status, 200);
    if let Err(findings) = promtool_check_metrics(&exposition) {
        panic!("promtool findings: {findings}");
    }
}

#[test]
fn the_rules_pass_promtool_check_and_their_unit_tests() {
    if !tools_available(&["prometheus", "promtool"]) {
        return;
    }
    let dir = repo_root().join("docs/prometheus");
    for args in [
        vec!["check", "rules", RULE_FILES[0], RULE_FILES[1]],
        vec!["test", "rules", "rustok.rules.test.yml"],
    ] {
        let out = Command::new("promtool")
            .args(&args)
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "promtool {}: {}{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn the_checked_in_rules_are_what_the_example_generates() {
    let generated = print_rules();
    let path = repo_root().join("docs/prometheus/rustok.rules.yml");
    if std::env::var_os("RUSTOK_RULES").is_some_and(|value| value == "overwrite") {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap();
    assert!(
        checked_in == generated,
        "docs/prometheus/rustok.rules.yml is not what `server --print-rules` prints; \
         regenerate it with RUSTOK_RULES=overwrite cargo test -p rustok-metrics-examples --test prometheus"
    );
}

/// `--traffic` as the README runs it, scraped by a Prometheus with native
/// histograms and one with exemplar storage: the native quantiles and
/// counts of the example's operations exist, and its latency buckets carry
/// the trace ids of its requests' spans.
#[test]
fn the_examples_traffic_has_native_histograms_and_exemplars() {
    if !tools_available(&["prometheus"]) {
        return;
    }
    let server = start_server(&["--traffic", "--traffic-rate", "50"]);
    let native = testkit::Prometheus::start(
        "examples_native",
        &[server.addr],
        &["--enable-feature=native-histograms"],
    );
    let exemplars = testkit::Prometheus::start(
        "examples_exemplars",
        &[server.addr],
        &["--enable-feature=exemplar-storage"],
    );
    let value = |prometheus: &testkit::Prometheus, promql: &str| -> Option<f64> {
        let json: Value = serde_json::from_str(&prometheus.query(promql)).ok()?;
        match json["data"]["result"].as_array()?.as_slice() {
            [sample] => sample["value"][1].as_str()?.parse().ok(),
            _ => None,
        }
    };
    let count = "histogram_count(sum(rustok_content_operation_duration_seconds))";
    wait_for(
        "native content histograms",
        Duration::from_secs(120),
        || value(&native, count).is_some_and(|count| count >= 5.0),
    );
    let median = value(
        &native,
        "histogram_quantile(0.5, sum(rustok_content_operation_duration_seconds))",
    )
    .unwrap_or(f64::NAN);
    // The services' stand-in storage takes 50 µs to 3 ms.
    assert!((1e-5..0.01).contains(&median), "median {median} s");
    assert!(
        value(
            &native,
            "histogram_count(sum(rustok_http_request_duration_seconds))"
        )
        .is_some_and(|count| count > 0.0),
        "native HTTP histograms"
    );

    let trace_id = |body: &str| -> Vec<String> {
        let json: Value = serde_json::from_str(body).unwrap_or(Value::Null);
        json["data"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|series| series["exemplars"].as_array().cloned().unwrap_or_default())
            .filter_map(|exemplar| exemplar["labels"]["trace_id"].as_str().map(str::to_owned))
            .collect()
    };
    for family in [
        "rustok_content_operation_duration_seconds_bucket",
        "rustok_http_request_duration_seconds_bucket",
        "rustok_commerce_operations_total",
    ] {
        wait_for(
            &format!("exemplars of {family}"),
            Duration::from_secs(120),
            || {
                let ids = trace_id(&exemplars.query_exemplars(family));
                !ids.is_empty()
                    && ids
                        .iter()
                        .all(|id| id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()))
            },
        );
    }
}
