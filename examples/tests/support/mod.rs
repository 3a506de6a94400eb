//! What the example tests share: the example server as a child process, and
//! a minimal HTTP client. Servers listen on 127.0.0.1 only, on a port the OS
//! picks, and are killed when the test drops them.
//!
//! Each test binary compiles this module and uses a part of it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

/// A child process killed (and reaped) when dropped, pass or fail.
pub struct KillOnDrop(pub Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A running example server.
pub struct Server {
    process: KillOnDrop,
    pub addr: SocketAddr,
}

/// What `server --print-rules` prints.
pub fn print_rules() -> String {
    let out = Command::new(server_binary())
        .arg("--print-rules")
        .output()
        .expect("run the server example");
    assert!(out.status.success(), "server --print-rules failed");
    String::from_utf8(out.stdout).expect("UTF-8 rules")
}

/// The example server, built (if out of date) with this test's profile:
/// `cargo test --test <name>` alone would not build examples.
fn server_binary() -> &'static PathBuf {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let deps = std::env::current_exe()
            .unwrap()
            .parent()
            .unwrap()
            .to_owned();
        let profile_dir = deps.parent().unwrap().to_owned();
        let mut build = Command::new(env!("CARGO"));
        build.args([
            "build",
            "--quiet",
            "-p",
            "rustok-metrics-examples",
            "--example",
            "server",
        ]);
        if profile_dir
            .file_name()
            .is_some_and(|name| name == "release")
        {
            build.arg("--release");
        }
        assert!(
            build.status().unwrap().success(),
            "cargo build --example server"
        );
        profile_dir.join("examples").join("server")
    })
}

/// Starts the example server on a free loopback port with extra `args`,
/// its span lines (stderr) discarded.
pub fn start_server(args: &[&str]) -> Server {
    let mut command = Command::new(server_binary());
    command.stderr(Stdio::null());
    spawn_server(command, args)
}

/// Starts the example server as [`start_server`] does, with `RUST_LOG` set
/// to `filter`: the lines it writes on stderr, as they come.
pub fn start_server_printing_spans(
    args: &[&str],
    filter: &str,
) -> (Server, std::sync::mpsc::Receiver<String>) {
    let mut command = Command::new(server_binary());
    command.env("RUST_LOG", filter).stderr(Stdio::piped());
    let mut server = spawn_server(command, args);
    let stderr = BufReader::new(server.process.0.stderr.take().unwrap());
    let (lines, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in stderr.lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    (server, received)
}

fn spawn_server(mut command: Command, args: &[&str]) -> Server {
    let mut child = command
        .args(["--listen", "127.0.0.1:0"])
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the example server");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let process = KillOnDrop(child);
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    // Keep reading, so the server never writes into a closed pipe.
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let addr = first
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .parse()
        .unwrap();
    Server { process, addr }
}

/// Sends raw bytes and reads until the server closes: the status code (0
/// when there was no HTTP response) and the body.
pub fn raw(addr: SocketAddr, request: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let _ = stream.write_all(request);
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let response = String::from_utf8_lossy(&response).into_owned();
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// An HTTP/1.0 request (no chunked bodies; the server closes after it).
pub fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    let mut request = format!(
        "{method} {path} HTTP/1.0\r\nHost: {addr}\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    raw(addr, request.as_bytes())
}

pub fn get(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
    request(addr, "GET", path, headers, "")
}

pub fn post_json(addr: SocketAddr, path: &str, body: &str) -> u16 {
    request(
        addr,
        "POST",
        path,
        &[("Content-Type", "application/json")],
        body,
    )
    .0
}

/// The value of one sample line of an exposition, by its exact series.
pub fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.trim().parse().ok())
}

/// The rules an installation loads: the common ones, and those the example
/// generates (`server --print-rules`), in `docs/prometheus`.
pub const RULE_FILES: [&str; 2] = ["rustok-common.rules.yml", "rustok.rules.yml"];

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// The text of the [`RULE_FILES`].
pub fn rule_files() -> Vec<String> {
    RULE_FILES
        .iter()
        .map(|name| {
            std::fs::read_to_string(repo_root().join("docs/prometheus").join(name)).unwrap()
        })
        .collect()
}

/// Every PromQL expression in the dashboard, once per module of the
/// generated rules (its `module` variable lists those).
pub fn dashboard_queries() -> Vec<String> {
    let root = repo_root();
    let dashboard: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("docs/grafana/rustok-overview.json")).unwrap(),
    )
    .unwrap();
    let generated = std::fs::read_to_string(root.join("docs/prometheus/rustok.rules.yml")).unwrap();
    let modules: Vec<&str> = generated
        .lines()
        .filter_map(|line| line.trim().strip_prefix("- name: rustok-module-"))
        .collect();
    assert!(modules.contains(&"content") && modules.contains(&"commerce"));
    let mut queries = Vec::new();
    for panel in dashboard["panels"].as_array().unwrap() {
        for target in panel["targets"].as_array().into_iter().flatten() {
            let expr = target["expr"].as_str().unwrap();
            for module in &modules {
                queries.push(expr.replace("${module}", module).replace("$module", module));
            }
        }
    }
    queries
}

/// Calls `failing` every second until it lists nothing or `limit` passes:
/// what it listed last.
pub fn until_none_fail(limit: Duration, mut failing: impl FnMut() -> Vec<String>) -> Vec<String> {
    let start = std::time::Instant::now();
    let mut failed = failing();
    while !failed.is_empty() && start.elapsed() < limit {
        std::thread::sleep(Duration::from_secs(1));
        failed = failing();
    }
    failed
}
