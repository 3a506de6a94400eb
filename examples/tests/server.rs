//! The example server under load and bad input: concurrent scrapes while the
//! services take traffic, garbage and huge headers, unknown paths. Bounded
//! in count, loopback only, and the server is stopped by the test.

use std::time::{Duration, Instant};

use support::{get, post_json, raw, sample, start_server};

mod support;

fn create_node(addr: std::net::SocketAddr, n: u32) -> u16 {
    post_json(
        addr,
        "/api/nodes",
        &format!(r#"{{"kind":"post","title":"n{n}"}}"#),
    )
}

#[test]
fn bad_requests_get_the_right_status_and_break_nothing() {
    let server = start_server(&["--token", "right"]);
    let addr = server.addr;
    for header in [
        "Bearer",
        "Bearer ",
        "Bearer wrong",
        "Basic cmlnaHQ6cmlnaHQ=",
        "bearer  right-but-longer",
        "Bearer r\u{e9}ght",
    ] {
        let (status, body) = get(addr, "/metrics", &[("Authorization", header)]);
        assert_eq!(status, 401, "{header:?}");
        assert!(!body.contains("rustok_"), "{header:?} leaked metrics");
    }
    let (status, _) = raw(
        addr,
        b"GET /metrics HTTP/1.0\r\nAuthorization: Bearer \xff\xfe\r\n\r\n",
    );
    assert_eq!(status, 401, "non-UTF-8 token");
    // Control characters make the request malformed: the HTTP server says 400.
    let (status, body) = raw(
        addr,
        b"GET /metrics HTTP/1.0\r\nAuthorization: \x01\x02garbage\r\n\r\n",
    );
    assert_eq!(status, 400);
    assert!(!body.contains("rustok_"));
    // The scheme is case-insensitive, as RFC 9110 says.
    assert_eq!(
        get(addr, "/metrics", &[("Authorization", "bearer right")]).0,
        200
    );

    // A huge header is refused by the HTTP server, not a crash.
    let huge = "x".repeat(1 << 20);
    let (status, _) = get(addr, "/metrics", &[("X-Huge", &huge)]);
    assert!(
        status == 431 || status == 400 || status == 0,
        "huge header: {status}"
    );
    // Unknown paths and methods.
    assert_eq!(get(addr, "/nope", &[]).0, 404);
    assert_eq!(get(addr, "/api/nodes/not-a-number", &[]).0, 400);
    assert_eq!(raw(addr, b"BREW /api/nodes HTTP/1.0\r\n\r\n").0, 405);
    assert_eq!(raw(addr, b"\x00\x01 not http at all\r\n\r\n").0, 400);

    // Still serving, and it counted what it saw by route template.
    let (status, text) = get(addr, "/metrics", &[("Authorization", "Bearer right")]);
    assert_eq!(status, 200);
    assert_eq!(
        sample(
            &text,
            r#"rustok_http_requests_total{method="GET",route="unmatched",status="404"}"#
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &text,
            r#"rustok_http_requests_total{method="other",route="/api/nodes",status="405"}"#
        ),
        Some(1.0)
    );
    assert!(
        !text.contains("not-a-number"),
        "raw paths never become labels"
    );
}

#[test]
fn concurrent_scrapes_during_traffic_all_succeed_and_counts_stay_exact() {
    const SCRAPERS: usize = 4;
    const SCRAPES: usize = 150;
    const WRITERS: u32 = 2;
    const CREATES: u32 = 500;
    let server = start_server(&[]);
    let addr = server.addr;

    let started = Instant::now();
    let (latencies, statuses) = std::thread::scope(|scope| {
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                scope.spawn(move || {
                    (0..CREATES)
                        .map(|n| create_node(addr, w * CREATES + n))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let scrapers: Vec<_> = (0..SCRAPERS)
            .map(|_| {
                scope.spawn(move || {
                    let mut latencies = Vec::with_capacity(SCRAPES);
                    let mut previous = 0.0;
                    for _ in 0..SCRAPES {
                        let start = Instant::now();
                        let (status, text) = get(addr, "/metrics", &[]);
                        latencies.push(start.elapsed());
                        assert_eq!(status, 200, "a scrape failed");
                        let created = sample(
                            &text,
                            r#"rustok_content_operations_total{error_kind="",kind="post",operation="create",status="success"}"#,
                        )
                        .unwrap_or(0.0);
                        assert!(created >= previous, "counter went down: {previous} -> {created}");
                        previous = created;
                    }
                    latencies
                })
            })
            .collect();
        let statuses: Vec<u16> = writers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect();
        let latencies: Vec<Duration> = scrapers
            .into_iter()
            .flat_map(|s| s.join().unwrap())
            .collect();
        (latencies, statuses)
    });
    let elapsed = started.elapsed();
    assert!(
        statuses.iter().all(|&status| status == 201),
        "every create succeeded"
    );

    let (_, text) = get(addr, "/metrics", &[]);
    let total = f64::from(WRITERS * CREATES);
    assert_eq!(
        sample(
            &text,
            r#"rustok_content_operations_total{error_kind="",kind="post",operation="create",status="success"}"#
        ),
        Some(total)
    );
    assert_eq!(
        sample(
            &text,
            r#"rustok_http_requests_total{method="POST",route="/api/nodes",status="201"}"#
        ),
        Some(total)
    );
    assert_eq!(sample(&text, "rustok_http_requests_in_flight"), Some(0.0));

    let mut sorted = latencies.clone();
    sorted.sort();
    let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q) as usize];
    // Reported in docs/benchmarks.md; printed with `--nocapture`.
    println!(
        "load: {} scrapes by {SCRAPERS} scrapers during {} creates in {elapsed:?}: scrape p50 {:?}, p99 {:?}; {:.0} requests/s",
        latencies.len(),
        WRITERS * CREATES,
        at(0.50),
        at(0.99),
        (latencies.len() + statuses.len()) as f64 / elapsed.as_secs_f64()
    );
}

/// Without native histograms the classic buckets are all a scraper sees:
/// the default bounds must spread the example's fastest operation over
/// several of them, not one.
#[test]
fn the_examples_traffic_spreads_over_several_classic_buckets() {
    let server = start_server(&["--traffic", "--traffic-rate", "200"]);
    let calls = |text: &str, module: &str, operation: &str| {
        sample(
            text,
            &format!(
                r#"rustok_{module}_operation_duration_seconds_count{{kind="",operation="{operation}"}}"#
            ),
        )
    };
    let mut text = String::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        text = get(server.addr, "/metrics", &[]).1;
        if calls(&text, "commerce", "checkout").unwrap_or(0.0) >= 30.0
            && calls(&text, "content", "get").unwrap_or(0.0) >= 30.0
        {
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    // The fastest of the operations the traffic calls, by mean duration.
    let mean = |module: &str, operation: &str| {
        let sum = sample(
            &text,
            &format!(
                r#"rustok_{module}_operation_duration_seconds_sum{{kind="",operation="{operation}"}}"#
            ),
        )
        .unwrap_or(f64::NAN);
        sum / calls(&text, module, operation).unwrap_or(f64::NAN)
    };
    let (module, operation) = [("commerce", "checkout"), ("content", "get")]
        .into_iter()
        .min_by(|a, b| mean(a.0, a.1).total_cmp(&mean(b.0, b.1)))
        .unwrap();
    let cumulative: Vec<f64> = rustok_metrics::settings::DEFAULT_DURATION_BUCKETS
        .iter()
        .map(|bound| {
            let series = format!(
                r#"rustok_{module}_operation_duration_seconds_bucket{{kind="",operation="{operation}",le="{bound}"}}"#
            );
            sample(&text, &series).unwrap_or_else(|| panic!("no {series}"))
        })
        .collect();
    let populated = std::iter::once(cumulative[0])
        .chain(cumulative.windows(2).map(|pair| pair[1] - pair[0]))
        .filter(|&count| count > 0.0)
        .count();
    assert!(
        populated >= 3,
        "{module}/{operation} in {populated} buckets: {cumulative:?}"
    );
}
