//! Generates the probe's many call sites, each a function as a user writes
//! it: `memory_sites.rs` (1,000 operations of one static kind) and
//! `render_sites.rs` (200 operations whose kind each call computes), for
//! the binaries of the same names.

use std::fmt::Write;

const MEMORY_OPERATIONS: usize = 1_000;
const RENDER_OPERATIONS: usize = 200;

fn main() {
    let mut code = String::new();
    for op in 0..MEMORY_OPERATIONS {
        writeln!(
            code,
            "#[rustok_metrics::metered(module = \"probe_memory\", op = \"op_{op}\", kind = \"post\")]\n\
             fn memory_{op}(spin_nanos: u64) -> Result<u64, ProbeError> {{ spin(spin_nanos) }}"
        )
        .unwrap();
    }
    let names: Vec<String> = (0..MEMORY_OPERATIONS).map(|op| format!("memory_{op}")).collect();
    writeln!(
        code,
        "pub static MEMORY_OPS: [fn(u64) -> Result<u64, ProbeError>; {MEMORY_OPERATIONS}] = [{}];",
        names.join(", ")
    )
    .unwrap();
    write("memory_sites.rs", &std::mem::take(&mut code));
    for op in 0..RENDER_OPERATIONS {
        writeln!(
            code,
            "#[rustok_metrics::metered(module = \"probe_render\", op = \"op_{op}\", kind = rustok_metrics::bounded(kind))]\n\
             fn render_{op}(kind: &str, x: u64) -> Result<u64, ProbeError> {{ work(x) }}"
        )
        .unwrap();
    }
    let names: Vec<String> = (0..RENDER_OPERATIONS).map(|op| format!("render_{op}")).collect();
    writeln!(
        code,
        "pub static RENDER_OPS: [fn(&str, u64) -> Result<u64, ProbeError>; {RENDER_OPERATIONS}] = [{}];",
        names.join(", ")
    )
    .unwrap();
    write("render_sites.rs", &code);
}

fn write(file: &str, code: &str) {
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap()).join(file);
    std::fs::write(out, code).unwrap();
}
