#!/usr/bin/env python3
"""Compile cost of #[metered]: a crate with 200 functions built three ways
(no attribute, #[metered], #[autometrics]), and the expanded lines each
attribute adds per function.

    python3 benches/compile_cost.py

Generates the crates under target/compile-cost/, builds their dependencies
once, then times `cargo build` (debug) of each crate alone, three times after
touching its source, and prints a Markdown table with the medians.
"""
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
WORK = ROOT / "target" / "compile-cost"
FUNCTIONS = 200
RUNS = 3

VARIANTS = {
    "plain": ("", ""),
    "metered": (
        'rustok-metrics = { path = "%s" }' % (ROOT / "rustok-metrics"),
        '#[rustok_metrics::metered(module = "cost", op = "f{i}")]',
    ),
    "autometrics": (
        'autometrics = { version = "3", default-features = false, features = ["prometheus-0_14"] }',
        "#[autometrics::autometrics]",
    ),
}


def write_crate(name, dependency, attribute):
    crate = WORK / name
    (crate / "src").mkdir(parents=True, exist_ok=True)
    (crate / "Cargo.toml").write_text(
        f'[package]\nname = "cost-{name}"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n'
        f"[dependencies]\n{dependency}\n\n[workspace]\n"
    )
    body = ["#![allow(dead_code)]", "#[derive(Debug)] pub struct E;"]
    for i in range(FUNCTIONS):
        body.append(attribute.replace("{i}", str(i)))
        body.append(
            f"pub fn f{i}(x: u64) -> Result<u64, E> {{ if x == {i} {{ Err(E) }} else {{ Ok(x + {i}) }} }}"
        )
    (crate / "src" / "lib.rs").write_text("\n".join(body) + "\n")
    return crate


def cargo(crate, *args, env=None):
    subprocess.run(
        ["cargo", *args, "--quiet", "--offline"],
        cwd=crate,
        check=True,
        env={**os.environ, "CARGO_TARGET_DIR": str(WORK / "target"), **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def expanded_lines(crate):
    out = subprocess.run(
        ["cargo", "rustc", "--quiet", "--offline", "--", "-Zunpretty=expanded"],
        cwd=crate,
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "RUSTC_BOOTSTRAP": "1", "CARGO_TARGET_DIR": str(WORK / "target-expand")},
    ).stdout
    return sum(1 for line in out.splitlines() if line.strip())


def main():
    if WORK.exists():
        shutil.rmtree(WORK / "target", ignore_errors=True)
    results = {}
    for name, (dependency, attribute) in VARIANTS.items():
        crate = write_crate(name, dependency, attribute)
        cargo(crate, "build")  # dependencies, once
        times = []
        for _ in range(RUNS):
            (crate / "src" / "lib.rs").touch()
            start = time.perf_counter()
            cargo(crate, "build")
            times.append(time.perf_counter() - start)
        results[name] = (statistics.median(times), expanded_lines(crate))
        print(f"{name}: {results[name]}", file=sys.stderr)

    plain_time, plain_lines = results["plain"]
    print(f"| crate ({FUNCTIONS} functions) | build, s (median of {RUNS}) | vs plain | expanded lines added per function |")
    print("|---|---:|---:|---:|")
    for name, (seconds, lines) in results.items():
        added = (lines - plain_lines) / FUNCTIONS
        print(f"| {name} | {seconds:.2f} | {seconds / plain_time:.1f}x | {added:.1f} |")


if __name__ == "__main__":
    main()
