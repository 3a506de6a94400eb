//! A server a test starts: its own temporary directory, its output in a
//! log file there, killed and the directory removed when dropped, also
//! when the test panics.

use std::fs::File;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::prometheus::{http_get, wait_for};

/// A running server process; killed (and reaped), and its directory
/// removed, on drop.
#[derive(Debug)]
pub struct Daemon {
    child: Child,
    dir: PathBuf,
    program: String,
}

impl Daemon {
    /// An empty temporary directory for the server `name` of this test
    /// process.
    ///
    /// # Panics
    /// When it cannot be made.
    #[must_use]
    pub fn fresh_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("rustok-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temporary directory");
        dir
    }

    /// Starts `command` with its stdout and stderr in `dir/output.log`;
    /// `dir` is removed on drop.
    ///
    /// # Panics
    /// When it cannot start.
    #[must_use]
    pub fn spawn(dir: PathBuf, command: &mut Command) -> Self {
        let program = command.get_program().to_string_lossy().into_owned();
        let log = File::create(dir.join("output.log")).expect("log file");
        let child = command
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log file"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|error| panic!("start {program}: {error}"));
        Daemon {
            child,
            dir,
            program,
        }
    }

    /// Waits until `GET path` on `addr` answers 200.
    ///
    /// # Panics
    /// When the process exits first (with its log) or `limit` passes.
    pub fn wait_ready(&mut self, addr: SocketAddr, path: &str, limit: Duration) {
        let what = format!("{} ready on {addr}", self.program);
        wait_for(&what, limit, || {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("{} exited ({status}):\n{}", self.program, self.log());
            }
            http_get(addr, path).is_some_and(|(status, _)| status == 200)
        });
    }

    /// Its temporary directory.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// What it has written to stdout and stderr so far.
    #[must_use]
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("output.log")).unwrap_or_default()
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
