"""Draws the ratio bar chart for bench/run.py: bench/.venv/bin/python bench/plot.py SPEC OUT.

SPEC is a JSON file written by run.py: {"benchmarks": [...], "series": {label: [ratio or
null, ...]}, "goal": 1.5, "title": "...", "colors": [one per series, optional]}. Grouped
bars per benchmark, log scale, a line at 1.0 (parity), one at the goal and, if the spec
has "jit_goal", one at the JIT's goal for loop-heavy programs. The series are
strand / python3, strand JIT off / python3 (strand with -X jit=off) and strand / pypy3,
whichever the run has.
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402


def main(spec_path, out_path):
    with open(spec_path) as f:
        spec = json.load(f)
    names = spec["benchmarks"]
    series = spec["series"]
    n = len(series)
    width = 0.8 / max(n, 1)
    colors = spec.get("colors") or ["#c0392b", "#f0a08a", "#2c7fb8", "#7f7f7f"]
    fig, ax = plt.subplots(figsize=(max(8, 0.9 * len(names) + 2), 5.2))
    values = []
    missing = []
    for k, (label, ratios) in enumerate(series.items()):
        xs = [i + (k - (n - 1) / 2) * width for i in range(len(names))]
        ys = [r if r else 0 for r in ratios]
        values += [r for r in ratios if r]
        bars = ax.bar(xs, ys, width, label=label, color=colors[k % len(colors)])
        for bar, r in zip(bars, ratios):
            if not r:
                missing.append(bar.get_x() + bar.get_width() / 2)
            else:
                ax.annotate("%.2f" % r if r < 10 else "%.0f" % r,
                            (bar.get_x() + bar.get_width() / 2, r),
                            ha="center", va="bottom", fontsize=7, rotation=90,
                            xytext=(0, 2), textcoords="offset points")
    ax.set_yscale("log")
    lo = min(values + [0.5, spec.get("jit_goal") or 0.5]) / 1.5
    hi = max(values + [spec["goal"]]) * 2.0
    ax.set_ylim(lo, hi)
    for x in missing:
        ax.annotate("n/a", (x, lo), ha="center", va="bottom", fontsize=7, rotation=90,
                    xytext=(0, 3), textcoords="offset points", color="#555555")
    ax.axhline(1.0, color="black", linewidth=1.0, label="1.0 (parity)")
    ax.axhline(spec["goal"], color="green", linestyle="--", linewidth=1.0,
               label="%.1f (goal vs python3)" % spec["goal"])
    if spec.get("jit_goal"):
        ax.axhline(spec["jit_goal"], color="green", linestyle=":", linewidth=1.0,
                   label="%.1f (JIT goal vs python3, loop-heavy programs)" % spec["jit_goal"])
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: "%g" % v))
    ax.yaxis.set_minor_formatter(FuncFormatter(lambda v, _: "%g" % v))
    ax.tick_params(axis="y", which="minor", labelsize=7)
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels(names, rotation=30, ha="right")
    if names and names[-1] == "geomean":
        ax.axvline(len(names) - 1.5, color="#999999", linewidth=0.8, linestyle=":")
    ax.set_ylabel("ratio of wall times (log scale, lower is better)")
    ax.set_title(spec["title"])
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(axis="y", which="both", alpha=0.25)
    fig.tight_layout()
    fig.savefig(out_path, dpi=110)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
