#!/usr/bin/env python3
"""Turns criterion's results into the tables and chart of docs/benchmarks.md.

Reads target/criterion/<group>/<variant>/new/estimates.json (median), prints
Markdown tables with ratios computed within the same run, and writes
docs/benchmarks-per-call.svg. Usage, after `cargo bench -p rustok-metrics-benches`:

    python3 benches/report.py
"""
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CRITERION = ROOT / "target" / "criterion"
ORDER = [
    "bare", "instant_now_x2", "rustok_metered_sync", "rustok_metered_async",
    "rustok_metered_sync_classic_only", "rustok_metered_sync_in_span",
    "prometheus_with_label_values", "prometheus_resolved", "autometrics_3",
    "metered_0_9", "metrics_0_24",
]
# Finite bounds of rustok_metrics::settings::DEFAULT_DURATION_BUCKETS.
BUCKETS = 16


def median_ns(group, variant):
    path = CRITERION / group / variant / "new" / "estimates.json"
    if not path.exists():
        return None
    return json.loads(path.read_text())["median"]["point_estimate"]


def per_call_table():
    one = {v: median_ns("per_call_1_thread", v) for v in ORDER}
    two = {v: median_ns("per_call_2_threads", v) for v in ORDER}
    lines = [
        "| variant | ns/call, 1 thread | overhead vs bare | ns/call/thread, 2 threads | overhead vs bare | 1-thread overhead ÷ rustok sync | 2-thread overhead ÷ rustok sync |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    base1, base2 = one["bare"], two["bare"]
    ours1 = one["rustok_metered_sync"] - base1
    ours2 = two["rustok_metered_sync"] - base2
    for v in ORDER:
        if one[v] is None or two[v] is None:
            continue
        o1, o2 = one[v] - base1, two[v] - base2
        lines.append(
            f"| `{v}` | {one[v]:.1f} | {o1:.1f} | {two[v]:.1f} | {o2:.1f} | "
            f"{o1 / ours1:.1f}x | {o2 / ours2:.1f}x |"
        )
    return "\n".join(lines), one, two


RENDER_GROUPS = [("render_10", 10, 1), ("render_100", 100, 1), ("render_1000", 1000, 1), ("render_200x25", 200, 25)]
RENDER_FORMATS = [("rustok_text", "text 0.0.4"), ("rustok_openmetrics", "OpenMetrics"), ("rustok_protobuf", "protobuf")]


def render_table():
    lines = [
        "| module | series (counter + histogram) | lines (text) | format | rustok (µs) | ns/line | prometheus vecs + `TextEncoder` (µs) | ns/line | speed-up |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for group, ops, kinds in RENDER_GROUPS:
        base = median_ns(group, "prometheus_text_encoder")
        if base is None:
            continue
        series = ops * kinds
        # 4 statuses; the buckets, +Inf, _sum, _count; in flight; HELP/TYPE of 3 families
        text_lines = series * 4 + series * (BUCKETS + 3) + series + 6
        for variant, label in RENDER_FORMATS:
            ours = median_ns(group, variant)
            if ours is None:
                continue
            lines.append(
                f"| {ops} ops x {kinds} kinds | {series * 4} + {series} | {text_lines} | {label} | {ours / 1000:.1f} | "
                f"{ours / text_lines:.1f} | {base / 1000:.1f} | {base / text_lines:.1f} | {base / ours:.1f}x |"
            )
    return "\n".join(lines) if len(lines) > 2 else ""


def svg_chart(one, two, path):
    rows = [v for v in ORDER if v != "bare" and one.get(v) is not None and two.get(v) is not None]
    over1 = {v: max(one[v] - one["bare"], 0.0) for v in rows}
    over2 = {v: max(two[v] - two["bare"], 0.0) for v in rows}
    top = max(max(over1.values()), max(over2.values()))
    width, label_w, bar_h, gap = 760, 230, 12, 10
    scale = (width - label_w - 70) / top
    height = 50 + len(rows) * (2 * bar_h + gap) + 20
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
        '<rect width="100%" height="100%" fill="white"/>',
        '<text x="10" y="20" font-size="14" font-weight="bold">Per-call overhead over the bare call (ns, median, lower is better)</text>',
        f'<rect x="{label_w}" y="30" width="12" height="10" fill="#4878d0"/><text x="{label_w + 16}" y="39">1 thread</text>',
        f'<rect x="{label_w + 90}" y="30" width="12" height="10" fill="#ee854a"/><text x="{label_w + 106}" y="39">2 threads, same series (per thread)</text>',
    ]
    y = 50
    for v in rows:
        out.append(f'<text x="{label_w - 8}" y="{y + bar_h + 4}" text-anchor="end">{v}</text>')
        for value, color, dy in ((over1[v], "#4878d0", 0), (over2[v], "#ee854a", bar_h)):
            w = max(value * scale, 1)
            out.append(f'<rect x="{label_w}" y="{y + dy}" width="{w:.1f}" height="{bar_h - 1}" fill="{color}"/>')
            out.append(f'<text x="{label_w + w + 4:.1f}" y="{y + dy + bar_h - 2}" font-size="10">{value:.0f}</text>')
        y += 2 * bar_h + gap
    out.append("</svg>")
    path.write_text("\n".join(out) + "\n")


def main():
    if not CRITERION.exists():
        sys.exit("no criterion results: run `cargo bench -p rustok-metrics-benches` first")
    table, one, two = per_call_table()
    print("## Per call\n")
    print(table)
    render = render_table()
    if render:
        print("\n## Render\n")
        print(render)
    svg_chart(one, two, ROOT / "docs" / "benchmarks-per-call.svg")
    print("\nwrote docs/benchmarks-per-call.svg", file=sys.stderr)


if __name__ == "__main__":
    main()
