//! VictoriaMetrics single-node, vmagent and vmalert (Debian's
//! `victoria-metrics` package, 1.79) on free loopback ports, each with a
//! temporary directory, killed on drop.
//!
//! Only what a test shortens is set: scrape and evaluation intervals.
//! Everything that decides when data becomes visible to queries
//! (VictoriaMetrics' `-search.latencyOffset`, vmalert's
//! `-datasource.queryTimeAlignment`, `-datasource.lookback`) keeps its
//! default, so tests see what operators see.

use std::net::SocketAddr;
use std::process::Command;
use std::time::Duration;

use crate::daemon::Daemon;
use crate::prometheus::{free_port, http_get, instant_query, write_rules};

fn loopback() -> SocketAddr {
    ([127, 0, 0, 1], free_port()).into()
}

/// A VictoriaMetrics single-node server.
#[derive(Debug)]
pub struct VictoriaMetrics {
    daemon: Daemon,
    /// Where it listens: queries, and remote write at `/api/v1/write`.
    pub addr: SocketAddr,
}

impl VictoriaMetrics {
    /// Starts one named `name` and waits until it is healthy.
    ///
    /// # Panics
    /// When it cannot start or is not healthy within 30 s.
    #[must_use]
    pub fn start(name: &str) -> Self {
        let dir = Daemon::fresh_dir(&format!("victoria-metrics-{name}"));
        let addr = loopback();
        let mut daemon = Daemon::spawn(
            dir.clone(),
            Command::new("victoria-metrics")
                .arg(format!("-storageDataPath={}", dir.join("data").display()))
                .arg(format!("-httpListenAddr={addr}")),
        );
        daemon.wait_ready(addr, "/health", Duration::from_secs(120));
        VictoriaMetrics { daemon, addr }
    }

    /// Its Prometheus remote-write URL.
    #[must_use]
    pub fn write_url(&self) -> String {
        format!("http://{}/api/v1/write", self.addr)
    }

    /// The body of `/api/v1/query?query=<query>` (PromQL or MetricsQL), as
    /// JSON text.
    #[must_use]
    pub fn query(&self, query: &str) -> String {
        instant_query(self.addr, query)
    }

    /// What it has logged so far.
    #[must_use]
    pub fn log(&self) -> String {
        self.daemon.log()
    }
}

/// A vmagent: scrapes every second, remote-writes to one VictoriaMetrics.
#[derive(Debug)]
pub struct Vmagent {
    daemon: Daemon,
    /// Where its own API listens (`/api/v1/targets`, `/metrics`).
    pub addr: SocketAddr,
}

impl Vmagent {
    /// Starts member `member` of `members` scraping `scrape_configs` (the
    /// YAML list items of a Prometheus scrape config) every second: each
    /// member scrapes its share of the targets (`-promscrape.cluster.*`).
    /// It writes to `storage`.
    ///
    /// # Panics
    /// When it cannot start or does not get ready within 30 s.
    #[must_use]
    pub fn start_shard(
        name: &str,
        scrape_configs: &str,
        (member, members): (usize, usize),
        storage: &VictoriaMetrics,
    ) -> Self {
        let dir = Daemon::fresh_dir(&format!("vmagent-{name}-{member}"));
        let config = dir.join("scrape.yml");
        std::fs::write(
            &config,
            format!("global:\n  scrape_interval: 1s\nscrape_configs:\n{scrape_configs}"),
        )
        .expect("scrape config");
        let addr = loopback();
        let mut daemon = Daemon::spawn(
            dir.clone(),
            Command::new("vmagent")
                .arg(format!("-promscrape.config={}", config.display()))
                .arg(format!("-promscrape.cluster.membersCount={members}"))
                .arg(format!("-promscrape.cluster.memberNum={member}"))
                .arg(format!("-remoteWrite.url={}", storage.write_url()))
                .arg(format!(
                    "-remoteWrite.tmpDataPath={}",
                    dir.join("buffer").display()
                ))
                .arg(format!("-httpListenAddr={addr}")),
        );
        daemon.wait_ready(addr, "/health", Duration::from_secs(120));
        Vmagent { daemon, addr }
    }

    /// What it has logged so far.
    #[must_use]
    pub fn log(&self) -> String {
        self.daemon.log()
    }
}

/// A vmalert evaluating rule files against one VictoriaMetrics and writing
/// recorded series and alert states back into it.
#[derive(Debug)]
pub struct Vmalert {
    daemon: Daemon,
    /// Where its API listens (`/api/v1/rules`, `/api/v1/alerts`, `/metrics`).
    pub addr: SocketAddr,
}

impl Vmalert {
    /// Starts vmalert on the rule files (YAML text), every group evaluated
    /// every `interval` (`"2s"`: the groups' own `interval: 30s` is
    /// shortened too). It refuses to start on a rule that does not parse;
    /// a function VictoriaMetrics lacks fails each evaluation instead
    /// (`lastError` in `/api/v1/rules`).
    ///
    /// # Panics
    /// When it cannot start (with its log) or does not get ready within
    /// 30 s.
    #[must_use]
    pub fn start(name: &str, rules: &[&str], interval: &str, storage: &VictoriaMetrics) -> Self {
        let dir = Daemon::fresh_dir(&format!("vmalert-{name}"));
        let addr = loopback();
        let mut command = Command::new("vmalert");
        for path in write_rules(&dir, rules, interval) {
            command.arg(format!("-rule={}", path.display()));
        }
        let storage_url = format!("http://{}", storage.addr);
        let mut daemon = Daemon::spawn(
            dir,
            command
                .arg(format!("-datasource.url={storage_url}"))
                .arg(format!("-remoteWrite.url={storage_url}"))
                // It refuses to start with alerts and no notifier; nothing
                // listens on a fresh free port, and no test reads what it
                // would have sent.
                .arg(format!("-notifier.url=http://{}", loopback()))
                .arg(format!("-evaluationInterval={interval}"))
                .arg(format!("-httpListenAddr={addr}")),
        );
        daemon.wait_ready(addr, "/health", Duration::from_secs(120));
        Vmalert { daemon, addr }
    }

    /// The body of `GET path` on its API (`/api/v1/rules`, ...), as text.
    #[must_use]
    pub fn get(&self, path: &str) -> String {
        http_get(self.addr, path)
            .map(|(_, body)| body)
            .unwrap_or_default()
    }

    /// What it has logged so far.
    #[must_use]
    pub fn log(&self) -> String {
        self.daemon.log()
    }
}
