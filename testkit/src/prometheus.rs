//! A real Prometheus (Debian's `prometheus` package) on a free loopback
//! port, with a temporary config and data directory, killed on drop.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::daemon::Daemon;

/// A free TCP port on 127.0.0.1 (free when asked).
///
/// # Panics
/// When no port can be bound.
#[must_use]
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

/// A running Prometheus; killed, and its directory removed, on drop.
#[derive(Debug)]
pub struct Prometheus {
    daemon: Daemon,
    /// Where its HTTP API listens.
    pub addr: SocketAddr,
}

impl Prometheus {
    /// Starts Prometheus scraping `targets` every second under job `job`,
    /// with `flags` added (`--enable-feature=native-histograms`), and waits
    /// until it is ready.
    ///
    /// # Panics
    /// When it cannot start or does not get ready within 30 s.
    #[must_use]
    pub fn start(job: &str, targets: &[SocketAddr], flags: &[&str]) -> Self {
        Self::start_with_rules(job, targets, flags, &[])
    }

    /// As [`start`](Self::start), with these rule files (YAML text) loaded
    /// and evaluated every second.
    ///
    /// # Panics
    /// As [`start`](Self::start).
    #[must_use]
    pub fn start_with_rules(
        job: &str,
        targets: &[SocketAddr],
        flags: &[&str],
        rules: &[&str],
    ) -> Self {
        let targets: Vec<String> = targets.iter().map(|a| format!("'{a}'")).collect();
        let scrape_configs = format!(
            "  - job_name: {job}\n    static_configs: [{{targets: [{}]}}]\n",
            targets.join(", ")
        );
        Self::launch(job, &scrape_configs, rules, flags)
    }

    /// Starts Prometheus named `name` (its temporary directory), scraping
    /// every second as `scrape_configs` (the YAML list items) say, with the
    /// rule files (YAML text) evaluated every second: their groups' own
    /// `interval: 30s` is shortened to `1s`, so recorded series and alerts
    /// appear within a test.
    ///
    /// # Panics
    /// As [`start`](Self::start).
    #[must_use]
    pub fn launch(name: &str, scrape_configs: &str, rules: &[&str], flags: &[&str]) -> Self {
        Self::launch_config(name, scrape_configs, rules, flags, "")
    }

    /// As [`launch`](Self::launch), also sending every sample it scrapes
    /// or records to `url` over Prometheus remote write.
    ///
    /// # Panics
    /// As [`start`](Self::start).
    #[must_use]
    pub fn launch_remote_writing(
        name: &str,
        scrape_configs: &str,
        rules: &[&str],
        url: &str,
    ) -> Self {
        let remote_write = format!("remote_write:\n  - url: '{url}'\n");
        Self::launch_config(name, scrape_configs, rules, &[], &remote_write)
    }

    fn launch_config(
        name: &str,
        scrape_configs: &str,
        rules: &[&str],
        flags: &[&str],
        more_config: &str,
    ) -> Self {
        let dir = Daemon::fresh_dir(&format!("prometheus-{name}"));
        let rule_files = write_rules(&dir, rules, "1s");
        let rule_files: Vec<String> = rule_files
            .iter()
            .map(|path| format!("'{}'", path.display()))
            .collect();
        let config = format!(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files: [{}]\nscrape_configs:\n{scrape_configs}{more_config}",
            rule_files.join(", "),
        );
        std::fs::write(dir.join("prometheus.yml"), config).expect("config");
        let addr: SocketAddr = ([127, 0, 0, 1], free_port()).into();
        let mut daemon = Daemon::spawn(
            dir.clone(),
            Command::new("prometheus")
                .arg(format!(
                    "--config.file={}",
                    dir.join("prometheus.yml").display()
                ))
                .arg(format!(
                    "--storage.tsdb.path={}",
                    dir.join("data").display()
                ))
                .arg(format!("--web.listen-address={addr}"))
                .args(flags),
        );
        daemon.wait_ready(addr, "/-/ready", Duration::from_secs(120));
        Prometheus { daemon, addr }
    }

    /// The body of `/api/v1/query?query=<promql>`, as JSON text.
    #[must_use]
    pub fn query(&self, promql: &str) -> String {
        instant_query(self.addr, promql)
    }

    /// What it has logged so far.
    #[must_use]
    pub fn log(&self) -> String {
        self.daemon.log()
    }

    /// The body of `/api/v1/query_exemplars` for `promql` over the last
    /// hour, as JSON text (needs `--enable-feature=exemplar-storage`).
    #[must_use]
    pub fn query_exemplars(&self, promql: &str) -> String {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_secs());
        let path = format!(
            "/api/v1/query_exemplars?query={}&start={}&end={}",
            percent_encode(promql),
            now.saturating_sub(3600),
            now + 60
        );
        http_get(self.addr, &path)
            .map(|(_, body)| body)
            .unwrap_or_default()
    }
}

/// Writes the rule files (YAML text) into `dir` with their groups'
/// `interval: 30s` shortened to `interval`, so recorded series and alerts
/// appear within a test; their paths.
///
/// # Panics
/// When a file cannot be written.
#[must_use]
pub fn write_rules(
    dir: &std::path::Path,
    rules: &[&str],
    interval: &str,
) -> Vec<std::path::PathBuf> {
    rules
        .iter()
        .enumerate()
        .map(|(index, text)| {
            let path = dir.join(format!("rules-{index}.yml"));
            let text = text.replace("interval: 30s", &format!("interval: {interval}"));
            std::fs::write(&path, text).expect("rules");
            path
        })
        .collect()
}

/// The body of `/api/v1/query?query=<promql>` of the Prometheus-compatible
/// API at `addr`, as JSON text (empty when it did not answer).
#[must_use]
pub fn instant_query(addr: SocketAddr, promql: &str) -> String {
    let path = format!("/api/v1/query?query={}", percent_encode(promql));
    http_get(addr, &path)
        .map(|(_, body)| body)
        .unwrap_or_default()
}

/// Calls `ready` every 250 ms until it is true.
///
/// # Panics
/// When `limit` passes first.
pub fn wait_for(what: &str, limit: Duration, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(
            start.elapsed() < limit,
            "timed out after {limit:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// A plain HTTP/1.0 GET: the status and the body.
#[must_use]
pub fn http_get(addr: SocketAddr, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.split(' ').nth(1)?.parse().ok()?;
    let body = response.split_once("\r\n\r\n").map_or("", |(_, body)| body);
    Some((status, body.to_owned()))
}

/// `text` as a URL query value.
#[must_use]
pub fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
