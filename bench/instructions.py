#!/usr/bin/env python3
"""Machine instructions executed by strand and by python3 on the same programs.

Wall-clock times move with whatever else the machine runs; the instruction count that
valgrind's callgrind reports for a run does not (the same binary, input and
environment give the same count). This script runs each benchmark with a small input
under callgrind, for strand and for python3, and prints both counts, their ratio, and
the counts with an empty program's (start-up) subtracted.

    python3 bench/instructions.py                 # every benchmark, small inputs
    python3 bench/instructions.py nbody richards  # some of them
    python3 bench/instructions.py --strand target/release/strand
    python3 bench/instructions.py -X jit=off      # strand with -X options

Needs valgrind (`apt-get install valgrind`) and a release build of strand.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "benchmarks")

# Small inputs: a few hundred million instructions at most under python3.
SIZES = {
    "bank_sim": ["1"],
    "connect_four": ["4"],
    "coroutines": ["2"],
    "deep_containers": ["1"],
    "deltablue": ["3"],
    "fannkuch": ["6"],
    "float_points": ["2000"],
    "gc_cycles": ["1"],
    "generators_pipeline": ["10000"],
    "nbody": ["1000"],
    "nqueens": ["6"],
    "pidigits": ["100"],
    "raytrace": ["24"],
    "richards": ["1"],
    "spectral_norm": ["20"],
    "unpacking": ["5"],
}


def count(cmd, env):
    """Instructions callgrind counted for `cmd` (the whole process)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "callgrind.out")
        proc = subprocess.run(
            ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out] + cmd,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env, cwd=BENCH)
        m = re.search(r"Collected : (\d+)", proc.stderr)
        if proc.returncode != 0 or not m:
            sys.exit("callgrind failed for %s:\n%s" % (" ".join(cmd), proc.stderr[-2000:]))
        return int(m.group(1))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("names", nargs="*", help="benchmarks (default: all)")
    ap.add_argument("--strand", default=os.path.join(ROOT, "target", "release", "strand"))
    ap.add_argument("--python", default="python3")
    ap.add_argument("-X", dest="xoptions", action="append", default=[],
                    help="an -X option for strand (repeatable)")
    args = ap.parse_args()
    strand = [args.strand] + [a for x in args.xoptions for a in ("-X", x)]
    names = args.names or sorted(SIZES)
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1")
    empty = os.path.join(tempfile.gettempdir(), "strand-empty.py")
    with open(empty, "w") as f:
        f.write("pass\n")
    base = {impl: count(exe + [empty], env)
            for impl, exe in (("strand", strand), ("python3", [args.python]))}
    print("start-up (empty program): strand %.1f M, python3 %.1f M instructions"
          % (base["strand"] / 1e6, base["python3"] / 1e6))
    print("%-20s %14s %14s %8s %14s %14s %8s" % (
        "benchmark", "strand (M)", "python3 (M)", "ratio", "strand-start", "python3-start",
        "ratio"))
    ratios = []
    for name in names:
        prog = [os.path.join(BENCH, name + ".py")] + SIZES.get(name, [])
        s = count(strand + prog, env)
        p = count([args.python] + prog, env)
        net_s, net_p = s - base["strand"], p - base["python3"]
        r = net_s / net_p if net_p > 0 else float("nan")
        ratios.append(r)
        print("%-20s %14.1f %14.1f %8.2f %14.1f %14.1f %8.2f" % (
            name, s / 1e6, p / 1e6, s / p, net_s / 1e6, net_p / 1e6, r))
    good = [r for r in ratios if r == r and r > 0]
    if good:
        geo = 1.0
        for r in good:
            geo *= r
        print("geomean of net ratios over %d: %.2f" % (len(good), geo ** (1 / len(good))))


if __name__ == "__main__":
    main()
