//! Generates the probe's many call sites, each a function as a user writes
//! it: `memory_sites.rs` (1,000 operations of one static kind) and
//! `render_sites.rs` (200 operations whose kind each call computes), for
//! the binaries of the same names.

use std::fmt::Write;

/// What differs between the two files of call sites.
struct Sites {
    file: &'static str,
    operations: usize,
    /// `module` and `kind` of the attribute, after `op`.
    attribute: &'static str,
    /// The function's name, before the operation's number.
    prefix: &'static str,
    arguments: &'static str,
    body: &'static str,
    /// The type of the array of every function, `MEMORY_OPS` or `RENDER_OPS`.
    array: &'static str,
    pointer: &'static str,
}

fn main() {
    generate(&Sites {
        file: "memory_sites.rs",
        operations: 1_000,
        attribute: "module = \"probe_memory\", kind = \"post\"",
        prefix: "memory_",
        arguments: "spin_nanos: u64",
        body: "spin(spin_nanos)",
        array: "MEMORY_OPS",
        pointer: "fn(u64) -> Result<u64, ProbeError>",
    });
    generate(&Sites {
        file: "render_sites.rs",
        operations: 200,
        attribute: "module = \"probe_render\", kind = rustok_metrics::bounded(kind)",
        prefix: "render_",
        arguments: "kind: &str, x: u64",
        body: "work(x)",
        array: "RENDER_OPS",
        pointer: "fn(&str, u64) -> Result<u64, ProbeError>",
    });
}

fn generate(sites: &Sites) {
    let Sites {
        file,
        operations,
        attribute,
        prefix,
        arguments,
        body,
        array,
        pointer,
    } = sites;
    let mut code = String::new();
    for op in 0..*operations {
        writeln!(
            code,
            "#[rustok_metrics::metered(op = \"op_{op}\", {attribute})]\n\
             fn {prefix}{op}({arguments}) -> Result<u64, ProbeError> {{ {body} }}"
        )
        .unwrap();
    }
    let names: Vec<String> = (0..*operations).map(|op| format!("{prefix}{op}")).collect();
    writeln!(
        code,
        "pub static {array}: [{pointer}; {operations}] = [{}];",
        names.join(", ")
    )
    .unwrap();
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap()).join(file);
    std::fs::write(out, code).unwrap();
}
