#!/usr/bin/env python3
"""strand's benchmark runner: strand, JIT on and off, against python3 (and pypy3).

    python3 bench/run.py                 # full run; writes BENCHMARKS.md and bench/ratios.png
    python3 bench/run.py --quick         # CI: small inputs, one run each, checksums only
    python3 bench/run.py --no-jit-off    # without the strand -X jit=off runs
    python3 bench/run.py --criterion     # also run the criterion suites of heap, gc, objects
    python3 bench/run.py --criterion-existing   # ... or read their last results

Standard library only; run it with python3 (CPython 3.11) from anywhere.

For every program in benchmarks/ it runs each implementation interleaved (strand,
strand JIT off, python3, pypy3, strand, strand JIT off, ...): --warmup rounds that are
not counted, then --runs counted rounds. "strand" is strand as it runs by default, with
its JIT on; "strand JIT off" is the same binary with -X jit=off (left out with
--no-jit-off), so the report shows the JIT's speed-up, strand / strand JIT off, measured
side by side in the same rounds. Each child runs through bench/measure.py, a small wrapper
that forks it, reaps it with os.wait4 and reports that child's own wall time and peak
RSS (ru_maxrss), so the RSS is per child: not RUSAGE_CHILDREN's running maximum, and
not inflated by the runner's own size, which Linux would carry across a fork and exec
straight from the runner. Every run's stdout (the program's checksum) must equal python3's; a strand
mismatch, crash or timeout (JIT on or off) is reported loudly and makes the runner exit 1. pypy3 is
PyPy 3.9 with its own GC semantics: a pypy3 mismatch is flagged and its ratio left out,
but it does not fail the run.

Time per iteration: programs with an iteration loop take --report and then print
"# time-per-iteration: <seconds>" on stderr (the median of the iterations after the
first); the runner passes --report to every program and shows that steady-state
time next to the whole-process wall time (--report goes only to programs whose source
mentions it; the others take a size as their only argument).

Thread scaling: benchmarks/threaded.py runs each workload on 1 thread and on N
threads with the same total work split evenly and prints both times with --report;
speedup = t(1 thread) / t(N threads) = N * t1 / t(N) where t1 is one thread doing one
thread's share (DESIGN.md's formula). N is --threads (default: the number of cores).
Scaling is measured for strand with its JIT on (the default) and python3, and, except
with --quick or --no-jit-off, for strand JIT off too (one more threaded.py run a round).

GC: gc programs run under bench/gc_harness.py (gc.callbacks and a timed gc.collect,
in python3 and in strand alike) and, for strand, with -X stats, whose "gc:" and
"gc pauses:" lines give the collector's own count, stop-the-world pause and total
collection time.
"""
import argparse
import datetime
import json
import math
import os
import platform
import resource
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH_DIR = os.path.join(ROOT, "bench")
PROGRAMS_DIR = os.path.join(ROOT, "benchmarks")
GC_HARNESS = os.path.join(BENCH_DIR, "gc_harness.py")
MEASURE = os.path.join(BENCH_DIR, "measure.py")
VENV_PYTHON = os.path.join(BENCH_DIR, ".venv", "bin", "python")
PLOT_SCRIPT = os.path.join(BENCH_DIR, "plot.py")
PLOT_FILE = os.path.join(BENCH_DIR, "ratios.png")

# Size arguments for --quick (the first positional argument of each program); the
# full run uses each program's own default size.
QUICK_ARGS = {
    "bank_sim": ["1"],
    "connect_four": ["4"],
    "coroutines": ["2"],
    "deep_containers": ["1"],
    "deltablue": ["5"],
    "fannkuch": ["7"],
    "float_points": ["5000"],
    "gc_cycles": ["3"],
    "generators_pipeline": ["30000"],
    "nbody": ["2000"],
    "nqueens": ["6"],
    "pidigits": ["200"],
    "raytrace": ["16"],
    "richards": ["1"],
    "spectral_norm": ["30"],
    "threaded": ["20000"],
    "unpacking": ["5"],
}
# Programs whose garbage collections are measured (the GC section).
GC_PROGRAMS = ["gc_cycles", "deep_containers"]
# The thread-scaling program.
THREADED_PROGRAM = "threaded"
# The goal line in the plot: strand within 1.5x of CPython.
GOAL_RATIO = 1.5
# The implementation key (results, JSON) of strand run with -X jit=off, and how tables
# and prose name each implementation.
JIT_OFF = "strand-jit-off"
LABELS = {"strand": "strand", JIT_OFF: "strand JIT off", "python3": "python3",
          "pypy3": "pypy3"}
# Issue 14's loop-heavy set (whichever of them exist in benchmarks/): its goal is a
# geometric mean strand-with-JIT / python3 <= 0.5 over these. unpacking (integer kernels
# in tight loops, like fannkuch) joined with issue 13's programs; the other programs of
# that issue are call-, object- or generator-bound (bank_sim, connect_four, coroutines)
# and stay out.
LOOP_HEAVY = ["nbody", "spectral_norm", "float_points", "fannkuch", "nqueens", "richards",
              "chaos", "raytrace", "unpacking"]
JIT_GOAL = 0.5

# Criterion pairs: (crate, group, strand function, peer function, description, goal).
CRITERION_PAIRS = [
    ("strand-heap", "incref_decref_pair", "strand_owner", "rc",
     "owner incref+decref pair vs `Rc` clone+drop", "≤ 1.5"),
    ("strand-heap", "incref_decref_pair", "strand_owner", "arc",
     "owner pair vs `Arc` clone+drop, one thread", ""),
    ("strand-heap", "incref_decref_pair", "strand_owner", "arc_two_threads",
     "owner pair vs `Arc` clone+drop, two threads on one object", "≤ 0.33 (≥ 3x faster)"),
    ("strand-heap", "incref_decref_pair", "strand_non_owner", "arc",
     "non-owner pair (atomic, uncontended) vs `Arc`, one thread", ""),
    ("strand-heap", "alloc_free_32_bytes", "strand_freelist", "box_system_malloc",
     "alloc+free 32 B, freelist hit vs `Box` (system malloc)", "≤ 0.5 (≥ 2x faster)"),
    ("strand-heap", "alloc_free_32_bytes", "strand_mimalloc_theap", "box_system_malloc",
     "alloc+free 32 B, mimalloc theap (freelists off) vs `Box`", ""),
    ("strand-heap", "delayed_free_64_bytes", "strand_free_delayed", "crossbeam_epoch_defer",
     "`free_delayed` of 64 B vs crossbeam-epoch `defer`", ""),
    ("strand-gc", "cycles", "strand", "dumpster",
     "`cycles`: 100 dropped cycles of 21 nodes, one collection, vs dumpster", "≤ 0.5"),
    ("strand-gc", "traversal", "strand", "dumpster",
     "`traversal`: 1000 live lists (499,500 edges), one collection, vs dumpster", "≤ 0.5"),
    ("strand-objects", "dict_lookup", "strand", "hashmap_string",
     "`dict_lookup`: `d[k]`, str key, 1000 entries vs `HashMap<String, Box<i64>>::get`", ""),
    ("strand-objects", "list_append_index", "strand", "vec_box",
     "`list_append_index`: 1000 appends + 1000 indexes vs `Vec<Box<i64>>`", ""),
    ("strand-objects", "attr_load", "strand", "hashmap_string",
     "`attr_load`: `obj.x` through the method cache vs one `HashMap::get`", ""),
    ("strand-objects", "float_add", "strand", "box_f64",
     "`float_add`: `a + b` from the freelist vs `Box::new(a + b)`", ""),
]
CRITERION_CRATES = ["strand-heap", "strand-gc", "strand-objects"]

ITER_RE = re.compile(r"^# time-per-iteration: ([0-9.eE+-]+)\s*$", re.M)
THREAD_RE = re.compile(
    r"^(\w+) 1 thread ([0-9.]+) s, (\d+) threads ([0-9.]+) s, speedup [0-9.]+\s*$", re.M)
HARNESS_RE = re.compile(
    r"^# gc-harness: collections=(\d+) total=([0-9.]+) longest=([0-9.]+) "
    r"explicit_calls=(\d+) explicit_total=([0-9.]+)\s*$", re.M)
STRAND_GC_RE = re.compile(
    r"^\s*gc: (\d+) collections, (\d+) objects collected, (\d+) uncollectable\s*$", re.M)
STRAND_PAUSE_RE = re.compile(
    r"^\s*gc pauses: total ([0-9.]+) ms, longest ([0-9.]+) ms; "
    r"collection time ([0-9.]+) ms\s*$", re.M)


# ---------------------------------------------------------------------------
# Running children

class Run:
    """One finished child process."""

    def __init__(self, cmd, wall, rc, stdout, stderr, maxrss_kb, cpu, timed_out):
        self.cmd = cmd
        self.wall = wall
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.maxrss_kb = maxrss_kb  # KiB on Linux
        self.cpu = cpu
        self.timed_out = timed_out

    @property
    def ok(self):
        return self.rc == 0 and not self.timed_out

    def iteration_time(self):
        m = ITER_RE.findall(self.stderr)
        return float(m[-1]) if m else None

    def describe_failure(self):
        if self.timed_out:
            return "timed out after %.0f s" % self.wall
        if self.rc < 0:
            return "killed by signal %d" % -self.rc
        return "exit status %d" % self.rc


def run_child(cmd, timeout):
    """Runs cmd through bench/measure.py (see there why: a child's ru_maxrss is its
    own only if it was forked from a small process) with stdout and stderr captured.
    The wall time is the wrapper's, from fork to reaping, so the wrapper's own start-up
    is not counted. On timeout the whole process group is killed."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r", suffix=".json") as res:
        proc = subprocess.Popen([sys.executable, "-I", "-S", MEASURE, res.name] + cmd,
                                stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                cwd=ROOT, start_new_session=True)
        timed_out = False
        t0 = time.perf_counter()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            try:
                os.killpg(proc.pid, 9)
            except ProcessLookupError:
                pass
            proc.wait()
        outer_wall = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
        try:
            m = json.loads(res.read())
        except ValueError:
            m = None
    if m is None:  # the wrapper itself was killed (timeout) or failed
        return Run(cmd, outer_wall, proc.returncode or -9, stdout, stderr, 0, 0.0, timed_out)
    rc = os.waitstatus_to_exitcode(m["status"])
    return Run(cmd, m["wall"], rc, stdout, stderr, m["maxrss_kb"], m["utime"] + m["stime"],
               timed_out)


# ---------------------------------------------------------------------------
# Helpers

def median(xs):
    return statistics.median(xs) if xs else None


def real_executable(path):
    """The interpreter binary that `path` runs: its own `sys.executable`.

    A launcher on PATH may be a script rather than the interpreter (pyenv's shims are
    bash scripts that run `pyenv exec`), and its start-up would be timed as the
    peer's: about 40-70 ms per run on this machine, more than some whole benchmarks.
    Falls back to `path` if the interpreter cannot say or names no executable file.
    """
    try:
        out = subprocess.run([path, "-c", "import sys; sys.stdout.write(sys.executable)"],
                             capture_output=True, text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return path
    return out if out and os.path.isfile(out) and os.access(out, os.X_OK) else path


def geomean(xs):
    xs = [x for x in xs if x is not None and x > 0]
    if not xs:
        return None
    return math.exp(sum(math.log(x) for x in xs) / len(xs))


def fmt_time(s):
    if s is None:
        return "–"
    if s >= 1.0:
        return "%.2f s" % s
    if s >= 1e-3:
        return "%.1f ms" % (s * 1e3)
    if s >= 1e-6:
        return "%.1f µs" % (s * 1e6)
    if s >= 1e-7:
        return "%.0f ns" % (s * 1e9)
    return "%.3g ns" % (s * 1e9)


def fmt_ns(ns):
    return fmt_time(ns / 1e9) if ns is not None else "–"


def fmt_cores(c):
    return "%.2f" % c if c is not None else "?"


def fmt_ratio(r):
    if r is None:
        return "–"
    return "%.2f" % r if r < 100 else "%.0f" % r


def fmt_mib(kb):
    return "%.1f" % (kb / 1024.0) if kb else "–"


def ratio(a, b):
    if a is None or b is None or b <= 0:
        return None
    return a / b


def label(impl):
    """How tables and prose name an implementation."""
    return LABELS.get(impl, impl)


def first_line(cmd):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
        text = (r.stdout or r.stderr).strip()
        return text.splitlines()[0] if text else "?"
    except (OSError, subprocess.SubprocessError):
        return "?"


def all_lines(cmd):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
        return " ".join((r.stdout or r.stderr).split())
    except (OSError, subprocess.SubprocessError):
        return "?"


def git(*args):
    try:
        r = subprocess.run(["git", "-C", ROOT] + list(args), capture_output=True,
                           text=True, timeout=60)
        return r.stdout.strip() if r.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        return None


def stale_sources(binary):
    """Tracked Rust sources and manifests newer than the binary (a stale build)."""
    files = git("ls-files", "*.rs", "*Cargo.toml", "Cargo.lock")
    if not files:
        return []
    built = os.path.getmtime(binary)
    out = []
    for rel in files.splitlines():
        path = os.path.join(ROOT, rel)
        if rel.startswith("fuzz/") or not os.path.exists(path):
            continue
        if os.path.getmtime(path) > built:
            out.append(rel)
    return out


def machine_info():
    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = None
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem = int(line.split()[1]) / 1024.0 / 1024.0
                    break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "memory_gib": round(mem, 1) if mem else None,
        "os": platform.platform(),
        "loadavg": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }


def cpu_jiffies():
    """(busy, total) jiffies of all CPUs from /proc/stat, or None."""
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields[:8]) - idle, sum(fields[:8])


def own_cpu():
    """CPU seconds used by this runner and every child it has reaped."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    ch = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + ch.ru_utime + ch.ru_stime


class LoadMeter:
    """How many cores other processes kept busy while a section ran: all CPUs' busy
    time from /proc/stat minus the CPU time of this runner and its children."""

    def __init__(self):
        self.j0, self.c0, self.t0 = cpu_jiffies(), own_cpu(), time.perf_counter()

    def others(self):
        j1, c1, t1 = cpu_jiffies(), own_cpu(), time.perf_counter()
        if not self.j0 or not j1 or t1 <= self.t0:
            return None
        hz = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        busy = (j1[0] - self.j0[0]) / float(hz)
        return max(0.0, (busy - (c1 - self.c0)) / (t1 - self.t0))


def wait_quiet(limit):
    """Waits up to `limit` seconds for a 3-second window in which other processes use
    less than a fifth of one core. Returns the seconds waited, or None if never quiet."""
    t0 = time.perf_counter()
    while True:
        m = LoadMeter()
        time.sleep(3)
        others = m.others()
        if others is None or others < 0.2:
            return time.perf_counter() - t0
        if time.perf_counter() - t0 >= limit:
            return None
        say("  waiting for a quiet machine (other processes use %.1f cores)" % others)


def say(msg=""):
    print(msg, flush=True)


def loud(msg):
    bar = "!" * 78
    print("\n%s\n!!! %s\n%s" % (bar, msg, bar), file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# Whole programs

def discover_programs(only):
    names = sorted(f[:-3] for f in os.listdir(PROGRAMS_DIR)
                   if f.endswith(".py") and not f.startswith("_"))
    if only:
        unknown = [n for n in only if n not in names]
        if unknown:
            raise SystemExit("unknown benchmark(s): %s" % ", ".join(unknown))
        names = [n for n in names if n in only]
    programs = []
    for name in names:
        path = os.path.join(PROGRAMS_DIR, name + ".py")
        with open(path) as f:
            src = f.read()
        programs.append({
            "name": name,
            "path": path,
            "threaded": bool(re.search(r"^import threading|^from threading ", src, re.M)),
            # Programs that print their time per iteration (through
            # benchmarks/_report.py) or other timings take --report; the others treat
            # their first argument as a size.
            "report": '"--report"' in src or "report_time_per_iteration" in src,
        })
    return programs


def program_args(prog, args):
    """The command-line arguments a program gets in this run."""
    out = []
    if args.quick:
        if prog["name"] in QUICK_ARGS:
            out += QUICK_ARGS[prog["name"]]
        else:
            say("  note: no quick size for %s; running its default size" % prog["name"])
    if prog["name"] == THREADED_PROGRAM:
        out += ["--threads", str(args.threads)]
    return out + (["--report"] if prog["report"] else [])


def warm_bytecode_cache(strand, programs, args):
    """Runs each program once under strand, untimed, with PYTHONDONTWRITEBYTECODE and
    -B out of the way, so that strand's bytecode cache holds the standard-library
    modules (and importlib's bootstrap) the programs import. python3's installation
    ships its standard library compiled (the cpython-311 .pyc files); strand's cache
    tag changes with its compiler, and with PYTHONDONTWRITEBYTECODE set (as on the
    machines this runs on) strand would otherwise compile them on every run. The
    programs' own files are not cached by either implementation (a script run as
    __main__ never is; the env var stays set for the timed runs). Returns the number
    of programs that ran cleanly."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    ok = 0
    for prog in programs:
        try:
            r = subprocess.run([strand, prog["path"]] + program_args(prog, args),
                               cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               timeout=args.timeout)
            ok += r.returncode == 0
        except (OSError, subprocess.SubprocessError):
            pass
    # The programs' own modules (benchmarks/_report.py) stay uncached, as python3
    # leaves them with PYTHONDONTWRITEBYTECODE set.
    shutil.rmtree(os.path.join(PROGRAMS_DIR, "__pycache__"), ignore_errors=True)
    return ok


def run_programs(programs, impls, args, failures, warnings):
    results = []
    for prog in programs:
        pargs = program_args(prog, args)
        say("%s %s" % (prog["name"], " ".join(pargs)))
        runs = {impl: [] for impl in impls}
        reference = None
        for rnd in range(args.warmup + args.runs):
            counted = rnd >= args.warmup
            for impl, argv in impls.items():
                r = run_child(argv + [prog["path"]] + pargs, args.timeout)
                if impl == "python3" and reference is None and r.ok:
                    reference = r.stdout
                tag = "" if counted else " (warm-up)"
                say("  %-14s %8.3f s  %7.1f MiB%s%s" % (
                    label(impl), r.wall, r.maxrss_kb / 1024.0, tag,
                    "" if r.ok else "  FAILED: " + r.describe_failure()))
                runs[impl].append((counted, r))
        results.append(summarize_program(prog, pargs, runs, reference, failures, warnings))
    return results


def summarize_program(prog, pargs, runs, reference, failures, warnings):
    res = {"name": prog["name"], "args": pargs, "threaded": prog["threaded"], "impls": {}}
    if reference is None:
        failures.append("%s: python3 did not run cleanly, no reference checksum" % prog["name"])
        loud("%s: python3 failed; no reference output" % prog["name"])
    for impl, rs in runs.items():
        problems = []
        for _, r in rs:
            if not r.ok:
                problems.append(r.describe_failure())
            elif reference is not None and r.stdout != reference:
                problems.append("output differs from python3's")
        problems = sorted(set(problems))
        counted = [r for c, r in rs if c and r.ok]
        walls = [r.wall for r in counted]
        iters = [r.iteration_time() for r in counted]
        iters = [t for t in iters if t is not None]
        entry = {
            "median": median(walls),
            "min": min(walls) if walls else None,
            "max": max(walls) if walls else None,
            "walls": walls,
            "maxrss_kb": max((r.maxrss_kb for r in counted), default=0),
            "iteration": median(iters),
            "checksum_ok": not problems,
            "problems": problems,
        }
        res["impls"][impl] = entry
        if problems:
            bad = [r for _, r in rs
                   if not r.ok or (reference is not None and r.stdout != reference)]
            detail = ""
            if bad:
                b = bad[0]
                detail = ("\n  command: %s\n  stdout (first 400 chars): %r\n  python3: %r"
                          "\n  stderr tail: %r" % (shlex.join(b.cmd), b.stdout[:400],
                                                   (reference or "")[:400], b.stderr[-600:]))
            msg = "%s under %s: %s" % (prog["name"], label(impl), "; ".join(problems))
            if impl == "pypy3" and all(p == "output differs from python3's" for p in problems):
                warnings.append(msg + " (PyPy 3.9 semantics; its ratio is left out)")
                say("  warning: " + msg)
            elif impl == "pypy3":
                warnings.append(msg)
                say("  warning: " + msg)
            else:
                failures.append(msg)
                loud("CHECKSUM/RUN FAILURE: " + msg + detail)
    s = res["impls"].get("strand", {})
    p = res["impls"].get("python3", {})
    y = res["impls"].get("pypy3")
    j = res["impls"].get(JIT_OFF)
    res["ratio_python3"] = ratio(s.get("median"), p.get("median")) if s.get("checksum_ok") else None
    res["iter_ratio_python3"] = (ratio(s.get("iteration"), p.get("iteration"))
                                 if s.get("checksum_ok") else None)
    res["ratio_pypy3"] = (ratio(s.get("median"), y.get("median"))
                          if y and y["checksum_ok"] and s.get("checksum_ok") else None)
    if j is not None:
        # The JIT's speed-up (strand / strand JIT off: below 1.0 the JIT helps), and
        # strand JIT off against python3; None where either run failed.
        both = bool(s.get("checksum_ok") and j["checksum_ok"])
        res["ratio_jit_off"] = ratio(s.get("median"), j["median"]) if both else None
        res["iter_ratio_jit_off"] = ratio(s.get("iteration"), j["iteration"]) if both else None
        res["jit_off_ratio_python3"] = (ratio(j["median"], p.get("median"))
                                        if j["checksum_ok"] else None)
        res["jit_off_iter_ratio_python3"] = (ratio(j["iteration"], p.get("iteration"))
                                             if j["checksum_ok"] else None)
    return res


# ---------------------------------------------------------------------------
# Thread scaling

def run_scaling(impls, args, failures):
    path = os.path.join(PROGRAMS_DIR, THREADED_PROGRAM + ".py")
    if not os.path.exists(path):
        return None
    pargs = (QUICK_ARGS.get(THREADED_PROGRAM, []) if args.quick else []) + [
        "--threads", str(args.threads), "--repeat", str(args.thread_repeat), "--report"]
    say("thread scaling: %s %s" % (os.path.relpath(path, ROOT), " ".join(pargs)))
    times = {impl: {} for impl in impls}
    cpu_per_wall = {impl: [] for impl in impls}
    meter = LoadMeter()
    reference = None
    unchecked = []  # (impl, stdout) of runs made before python3's reference
    for rnd in range(args.warmup + args.runs):
        for impl, argv in impls.items():
            r = run_child(argv + [path] + pargs, args.timeout)
            if not r.ok:
                msg = "thread scaling under %s: %s" % (label(impl), r.describe_failure())
                failures.append(msg)
                loud(msg + "\n  stderr tail: %r" % r.stderr[-600:])
                continue
            if impl == "python3" and reference is None:
                reference = r.stdout
                # Runs earlier in the first round than python3's are checked now.
                for other, out in unchecked:
                    if out != reference:
                        msg = ("thread scaling under %s: output differs from python3's"
                               % label(other))
                        failures.append(msg)
                        loud(msg)
                unchecked = []
            if reference is None:
                unchecked.append((impl, r.stdout))
            elif r.stdout != reference:
                msg = "thread scaling under %s: output differs from python3's" % label(impl)
                failures.append(msg)
                loud(msg)
                continue
            found = THREAD_RE.findall(r.stderr)
            shown = ["%s %.3f/%.3f" % (w, float(a), float(b)) for w, a, _, b in found]
            say("  %-14s %s" % (label(impl), "  ".join(shown)))
            if rnd < args.warmup:
                continue
            cpu_per_wall[impl].append(r.cpu / r.wall if r.wall else 0.0)
            for w, t1, _, tn in found:
                times[impl].setdefault(w, ([], []))
                times[impl][w][0].append(float(t1))
                times[impl][w][1].append(float(tn))
    rows = []
    workloads = []
    for impl in impls:
        for w in times[impl]:
            if w not in workloads:
                workloads.append(w)
    for w in workloads:
        row = {"workload": w}
        for impl in impls:
            if w in times[impl]:
                t1 = median(times[impl][w][0])
                tn = median(times[impl][w][1])
                row[impl] = {"t1": t1, "tn": tn, "speedup": ratio(t1, tn)}
        rows.append(row)
    return {"threads": args.threads, "args": pargs, "rows": rows, "others": meter.others(),
            "impls": list(impls),
            "cpu_per_wall": {impl: median(v) for impl, v in cpu_per_wall.items()}}


# ---------------------------------------------------------------------------
# JIT statistics

JIT_STAT_KEYS = [
    ("recorded", "traces recorded"), ("aborted", "traces aborted"),
    ("compiled", "executors compiled"), ("invalidated", "executors invalidated"),
    ("freed", "executors freed"), ("side", "side traces"), ("exits", "exits taken"),
    ("code_bytes", "machine code bytes"), ("compile_us", "compile time (us)"),
]


def parse_jit_stats(stderr):
    """The JIT counters of strand's `-X stats` report (its `jit:` block)."""
    out = {}
    block = stderr.split("  jit: ", 1)
    if len(block) < 2:
        return out
    for key, label_ in JIT_STAT_KEYS:
        m = re.search(r"^\s+%s (\d+)$" % re.escape(label_), block[1], re.M)
        if m:
            out[key] = int(m.group(1))
    return out


def run_jit_stats(strand, programs, results, args, failures):
    """One untimed `strand -X stats` run of each single-threaded program at the size
    it was timed at: what the JIT compiled, how long compiling took and how much
    machine code it made, against the program's median wall time with the JIT on."""
    by_name = {r["name"]: r for r in results}
    rows = []
    for prog in programs:
        res = by_name.get(prog["name"])
        if res is None or prog["threaded"]:
            continue
        pargs = program_args(prog, args)
        r = run_child([strand, "-X", "stats", prog["path"]] + pargs, args.timeout)
        if not r.ok:
            failures.append("jit stats of %s: %s" % (prog["name"], r.describe_failure()))
            continue
        st = parse_jit_stats(r.stderr)
        st["name"], st["args"] = prog["name"], pargs
        st["wall"] = res["impls"].get("strand", {}).get("median")
        rows.append(st)
    return rows


def jit_rows(jit_results):
    headers = ["program", "traces recorded", "aborted", "executors compiled", "side traces",
               "invalidated", "freed by the collector", "exits taken", "machine code",
               "compile time", "per executor", "share of the run (JIT on)"]
    rows = []
    for j in jit_results:
        def n(k):
            return "%d" % j[k] if j.get(k) is not None else "–"
        compile_s = j["compile_us"] / 1e6 if j.get("compile_us") is not None else None
        per = (compile_s / j["compiled"]) if compile_s is not None and j.get("compiled") else None
        share = ("%.1f%%" % (100.0 * compile_s / j["wall"])
                 if compile_s is not None and j.get("wall") else "–")
        code = ("%.1f KiB" % (j["code_bytes"] / 1024.0)
                if j.get("code_bytes") is not None else "–")
        rows.append([j["name"] + (" " + " ".join(j["args"]) if j["args"] else ""),
                     n("recorded"), n("aborted"), n("compiled"), n("side"),
                     n("invalidated"), n("freed"), n("exits"), code, fmt_time(compile_s),
                     fmt_time(per), share])
    return headers, rows


# ---------------------------------------------------------------------------
# GC pauses

def run_gc(strand, python, args, failures, programs):
    names = [n for n in GC_PROGRAMS if n in {p["name"] for p in programs}]
    results = []
    for name in names:
        path = os.path.join(PROGRAMS_DIR, name + ".py")
        pargs = (QUICK_ARGS.get(name, []) if args.quick else [])
        say("gc: %s %s" % (name, " ".join(pargs)))
        cmds = {
            "strand": [strand, "-X", "stats", GC_HARNESS, path] + pargs,
            "python3": [python, GC_HARNESS, path] + pargs,
        }
        samples = {"strand": [], "python3": []}
        reference = None
        for rnd in range(args.warmup + args.runs):
            for impl in ("strand", "python3"):
                r = run_child(cmds[impl], args.timeout)
                if not r.ok:
                    msg = "gc %s under %s: %s" % (name, impl, r.describe_failure())
                    failures.append(msg)
                    loud(msg + "\n  stderr tail: %r" % r.stderr[-600:])
                    continue
                if impl == "python3" and reference is None:
                    reference = r.stdout
                if reference is not None and r.stdout != reference:
                    msg = "gc %s under %s: output differs from python3's" % (name, impl)
                    failures.append(msg)
                    loud(msg)
                    continue
                h = HARNESS_RE.search(r.stderr)
                sample = {"wall": r.wall}
                if h:
                    sample.update(collections=int(h.group(1)), total=float(h.group(2)),
                                  longest=float(h.group(3)), explicit_calls=int(h.group(4)),
                                  explicit_total=float(h.group(5)))
                if impl == "strand":
                    g = STRAND_GC_RE.search(r.stderr)
                    p = STRAND_PAUSE_RE.search(r.stderr)
                    if g and p:
                        sample.update(stats_collections=int(g.group(1)),
                                      stats_collected=int(g.group(2)),
                                      stats_pause_total=float(p.group(1)) / 1e3,
                                      stats_pause_longest=float(p.group(2)) / 1e3,
                                      stats_collection_time=float(p.group(3)) / 1e3)
                    else:
                        failures.append("gc %s: strand -X stats printed no gc lines" % name)
                        loud("gc %s: no 'gc:'/'gc pauses:' lines in strand's stderr" % name)
                if rnd >= args.warmup:
                    samples[impl].append(sample)
        row = {"name": name, "args": pargs}
        for impl, ss in samples.items():
            keys = sorted({k for s in ss for k in s})
            row[impl] = {k: median([s[k] for s in ss if k in s]) for k in keys}
        results.append(row)
    return results


# ---------------------------------------------------------------------------
# Criterion

def criterion_dir(args):
    if args.criterion_dir:
        return args.criterion_dir
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    return os.path.join(target, "criterion")


def run_criterion(args, failures):
    for crate in CRITERION_CRATES:
        say("cargo bench -p %s" % crate)
        log = os.path.join(tempfile.gettempdir(), "strand-criterion-%s.log" % crate)
        with open(log, "w") as f:
            rc = subprocess.call(["cargo", "bench", "-p", crate], cwd=ROOT, stdout=f,
                                 stderr=subprocess.STDOUT)
        if rc != 0:
            failures.append("cargo bench -p %s failed (exit %d; log %s)" % (crate, rc, log))
            loud("cargo bench -p %s failed; see %s" % (crate, log))


def read_criterion(args):
    base = criterion_dir(args)

    def estimate(group, fn):
        path = os.path.join(base, group, fn, "new", "estimates.json")
        try:
            with open(path) as f:
                data = json.load(f)
            return data["median"]["point_estimate"], os.path.getmtime(path)
        except (OSError, KeyError, ValueError):
            return None, None

    rows = []
    stamps = []
    for crate, group, sfn, pfn, desc, goal in CRITERION_PAIRS:
        s, ts = estimate(group, sfn)
        p, tp = estimate(group, pfn)
        stamps += [t for t in (ts, tp) if t]
        rows.append({"crate": crate, "group": group, "strand_fn": sfn, "peer_fn": pfn,
                     "description": desc, "goal": goal, "strand_ns": s, "peer_ns": p,
                     "ratio": ratio(s, p)})
    when = None
    if stamps:
        when = (datetime.datetime.fromtimestamp(min(stamps), datetime.timezone.utc)
                .strftime("%Y-%m-%d %H:%M UTC"),
                datetime.datetime.fromtimestamp(max(stamps), datetime.timezone.utc)
                .strftime("%Y-%m-%d %H:%M UTC"))
    return {"dir": base, "rows": rows, "measured": when}


# ---------------------------------------------------------------------------
# Output

def table(headers, rows, align=None):
    """Plain-text table for the terminal."""
    widths = [len(h) for h in headers]
    for r in rows:
        for i, c in enumerate(r):
            widths[i] = max(widths[i], len(c))
    align = align or ["<"] + [">"] * (len(headers) - 1)

    def line(cells):
        return "  ".join(("%-*s" if a == "<" else "%*s") % (w, c)
                         for c, w, a in zip(cells, widths, align))

    out = [line(headers), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in rows]
    return "\n".join(out)


def md_table(headers, rows, align=None):
    align = align or ["<"] + [">"] * (len(headers) - 1)
    out = ["| " + " | ".join(headers) + " |",
           "|" + "|".join("---" if a == "<" else "---:" for a in align) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def program_rows(results, impls, markdown=False):
    jit = JIT_OFF in impls
    off = label(JIT_OFF)
    headers = ["benchmark", "args"]
    headers += ["%s median (min–max)" % label(impl) for impl in impls]
    headers += ["strand / python3"]
    if jit:
        headers += ["strand / %s" % off, "%s / python3" % off]
    if "pypy3" in impls:
        headers += ["strand / pypy3"]
    headers += ["per iteration: strand", "per iteration: python3",
                "per iteration: strand / python3"]
    if jit:
        headers += ["per iteration: strand / %s" % off]
    headers += ["RSS MiB: " + " / ".join(label(impl) for impl in impls)]
    headers += ["checksum"]
    bold = (lambda x: "**%s**" % x) if markdown else (lambda x: x)
    rows = []
    for res in results:
        row = [res["name"] + (" (threads)" if res["threaded"] else ""),
               " ".join(a for a in res["args"] if a != "--report") or "(default)"]
        for impl in impls:
            e = res["impls"][impl]
            if e["median"] is None:
                row += ["–"]
            elif len(e["walls"]) == 1:
                row += [fmt_time(e["median"])]
            else:
                row += ["%s (%s–%s)" % (fmt_time(e["median"]), fmt_time(e["min"]),
                                        fmt_time(e["max"]))]
        row += [bold(fmt_ratio(res["ratio_python3"]))]
        if jit:
            row += [bold(fmt_ratio(res.get("ratio_jit_off"))),
                    fmt_ratio(res.get("jit_off_ratio_python3"))]
        if "pypy3" in impls:
            row += [fmt_ratio(res["ratio_pypy3"])]
        row += [fmt_time(res["impls"]["strand"]["iteration"]),
                fmt_time(res["impls"]["python3"]["iteration"]),
                fmt_ratio(res["iter_ratio_python3"])]
        if jit:
            row += [fmt_ratio(res.get("iter_ratio_jit_off"))]
        row += [" / ".join(fmt_mib(res["impls"][impl]["maxrss_kb"]) for impl in impls)]
        bad = ["%s %s: %s" % ("FAILED" if impl != "pypy3" else "warning", label(impl),
                              "; ".join(res["impls"][impl]["problems"]))
               for impl in impls if not res["impls"][impl]["checksum_ok"]]
        row += ["ok" if not bad else " / ".join(bad)]
        rows.append(row)
    return headers, rows


def aggregate(results, impls):
    single = [r for r in results if not r["threaded"]]
    agg = {
        "n_single": len(single),
        "geomean_python3": geomean([r["ratio_python3"] for r in single]),
        "n_python3": len([r for r in single if r["ratio_python3"]]),
        "geomean_iter_python3": geomean([r["iter_ratio_python3"] for r in single]),
        "n_iter": len([r for r in single if r["iter_ratio_python3"]]),
    }
    if "pypy3" in impls:
        agg["geomean_pypy3"] = geomean([r["ratio_pypy3"] for r in single])
        agg["n_pypy3"] = len([r for r in single if r["ratio_pypy3"]])
    if JIT_OFF in impls:
        for key in ("ratio_jit_off", "jit_off_ratio_python3", "iter_ratio_jit_off"):
            agg["geomean_" + key] = geomean([r.get(key) for r in single])
            agg["n_" + key] = len([r for r in single if r.get(key)])
        # The JIT's own figures compare programs on which strand ran cleanly both ways;
        # "with JIT / python3" over the same set, so the three means line up.
        both = [r for r in single if r.get("ratio_jit_off")]
        agg["n_jit_both"] = len(both)
        agg["geomean_jit_both_python3"] = geomean([r["ratio_python3"] for r in both])
        agg["geomean_jit_off_both_python3"] = geomean(
            [r["jit_off_ratio_python3"] for r in both])
        # Issue 14's loop-heavy set.
        loop = [r for r in single if r["name"] in LOOP_HEAVY]
        agg["loop_heavy"] = [r["name"] for r in loop]
        agg["n_loop_heavy_python3"] = len([r for r in loop if r["ratio_python3"]])
        agg["geomean_loop_heavy_python3"] = geomean([r["ratio_python3"] for r in loop])
        agg["geomean_loop_heavy_jit_off"] = geomean([r.get("ratio_jit_off") for r in loop])
        agg["loop_heavy_slower_with_jit"] = [
            r["name"] for r in loop if r.get("ratio_jit_off") and r["ratio_jit_off"] >= 1.0]
        agg["loop_heavy_not_compared"] = [r["name"] for r in loop if not r.get("ratio_jit_off")]
    return agg


def summary_lines(agg, impls, markdown=False):
    """The geometric-mean summary: a few sentences (the report) or lines (terminal)."""
    b = (lambda x: "**%s**" % x) if markdown else (lambda x: x)
    out = []
    if agg["n_python3"] == agg["n_single"]:
        over = "the %d" % agg["n_single"]
    else:
        over = "%d of the %d (the others failed)" % (agg["n_python3"], agg["n_single"])
    out.append("geometric mean over %s single-threaded programs: strand / python3 = %s" % (
        over, b(fmt_ratio(agg["geomean_python3"]))))
    if JIT_OFF in impls:
        out.append("JIT on and off, over the %d single-threaded programs on which strand ran "
                   "cleanly both ways: strand with JIT / python3 = %s, strand without JIT / "
                   "python3 = %s, strand with JIT / strand without JIT = %s (the JIT's "
                   "speed-up; below 1.0 the JIT helps)" % (
                       agg["n_jit_both"], b(fmt_ratio(agg["geomean_jit_both_python3"])),
                       fmt_ratio(agg["geomean_jit_off_both_python3"]),
                       b(fmt_ratio(agg["geomean_ratio_jit_off"]))))
        if agg["loop_heavy"]:
            slower = agg["loop_heavy_slower_with_jit"]
            missing = agg["loop_heavy_not_compared"]
            verdict = "; ".join(
                (["not faster with the JIT: " + ", ".join(slower)] if slower else []) +
                (["no JIT on/off comparison (a run failed): " + ", ".join(missing)]
                 if missing else [])) or "each faster with the JIT than without"
            out.append("loop-heavy programs (%s): strand with JIT / python3 = %s (goal: "
                       "<= %.1f), strand with JIT / strand without JIT = %s; %s" % (
                           ", ".join(agg["loop_heavy"]),
                           b(fmt_ratio(agg["geomean_loop_heavy_python3"])), JIT_GOAL,
                           fmt_ratio(agg["geomean_loop_heavy_jit_off"]), verdict))
    if "pypy3" in impls:
        out.append("strand / pypy3 = %s (over the %d whose pypy3 output matches)" % (
            fmt_ratio(agg.get("geomean_pypy3")), agg.get("n_pypy3", 0)))
    out.append("steady-state time per iteration, strand / python3 = %s (over the %d "
               "programs that report it)" % (fmt_ratio(agg["geomean_iter_python3"]),
                                             agg["n_iter"]) +
               (", strand / %s = %s (over %d)" % (
                   label(JIT_OFF), fmt_ratio(agg["geomean_iter_ratio_jit_off"]),
                   agg["n_iter_ratio_jit_off"]) if JIT_OFF in impls else ""))
    return out


def scaling_rows(scaling, impls):
    names = [i for i in scaling.get("impls", ("strand", "python3")) if i in impls]
    headers = ["workload"]
    for impl in names:
        headers += ["%s 1 thread" % label(impl),
                    "%s %d threads" % (label(impl), scaling["threads"]),
                    "%s speedup" % label(impl)]
    rows = []
    for row in scaling["rows"]:
        cells = [row["workload"]]
        for impl in names:
            e = row.get(impl)
            cells += ([fmt_time(e["t1"]), fmt_time(e["tn"]), fmt_ratio(e["speedup"])]
                      if e else ["–"] * 3)
        rows.append(cells)
    return headers, rows


def gc_rows(gc_results):
    headers = ["program", "python3 collections", "python3 time in collections",
               "python3 longest", "python3 gc.collect() total",
               "strand collections", "strand time in collections", "strand longest",
               "strand gc.collect() total", "strand stop-the-world total",
               "strand longest stop-the-world", "strand collection time (-X stats)"]
    rows = []
    for g in gc_results:
        p, s = g.get("python3", {}), g.get("strand", {})

        def n(d, k):
            return "%d" % d[k] if d.get(k) is not None else "–"

        def explicit(d):
            return fmt_time(d.get("explicit_total")) if d.get("explicit_calls") else "no calls"

        rows.append([
            g["name"] + (" " + " ".join(g["args"]) if g["args"] else ""),
            n(p, "collections"), fmt_time(p.get("total")), fmt_time(p.get("longest")),
            explicit(p),
            n(s, "stats_collections"), fmt_time(s.get("total")), fmt_time(s.get("longest")),
            explicit(s), fmt_time(s.get("stats_pause_total")),
            fmt_time(s.get("stats_pause_longest")), fmt_time(s.get("stats_collection_time")),
        ])
    return headers, rows


def criterion_rows(crit):
    headers = ["crate", "benchmark (group/strand vs group/peer)", "strand", "peer",
               "strand / peer", "goal"]
    rows = []
    for r in crit["rows"]:
        rows.append([r["crate"], "%s: `%s/%s` vs `%s`" % (r["description"], r["group"],
                                                          r["strand_fn"], r["peer_fn"]),
                     fmt_ns(r["strand_ns"]), fmt_ns(r["peer_ns"]), fmt_ratio(r["ratio"]),
                     r["goal"]])
    return headers, rows


def draw_plot(results, impls, agg, args, notes):
    """Draws bench/ratios.png with matplotlib from bench/.venv; returns True if drawn."""
    if not os.path.exists(VENV_PYTHON) or subprocess.call(
            [VENV_PYTHON, "-c", "import matplotlib"], stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL) != 0:
        say("setting up bench/.venv with matplotlib (bench/setup.sh)")
        rc = subprocess.call(["bash", os.path.join(BENCH_DIR, "setup.sh")])
        if rc != 0:
            notes.append("matplotlib could not be installed into bench/.venv (bench/setup.sh "
                         "exited %d), so there is no plot this time." % rc)
            return False
    data = {
        "benchmarks": [r["name"] for r in results if not r["threaded"]] + ["geomean"],
        "series": {},
        "goal": GOAL_RATIO,
        "title": "strand / other, whole-process wall time (lower is better)",
        "colors": [],
    }
    single = [r for r in results if not r["threaded"]]
    data["series"]["strand / python3"] = [r["ratio_python3"] for r in single] + [
        agg["geomean_python3"]]
    data["colors"].append("#c0392b")
    if JIT_OFF in impls:
        data["series"]["%s / python3" % label(JIT_OFF)] = [
            r.get("jit_off_ratio_python3") for r in single] + [
            agg.get("geomean_jit_off_ratio_python3")]
        data["colors"].append("#f0a08a")
        data["jit_goal"] = JIT_GOAL
    if "pypy3" in impls:
        data["series"]["strand / pypy3"] = [r["ratio_pypy3"] for r in single] + [
            agg.get("geomean_pypy3")]
        data["colors"].append("#7f7f7f")
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(data, f)
        spec = f.name
    try:
        rc = subprocess.call([VENV_PYTHON, PLOT_SCRIPT, spec, PLOT_FILE])
    finally:
        os.unlink(spec)
    if rc != 0:
        notes.append("bench/plot.py failed (exit %d); no plot this time." % rc)
        return False
    return True


def md_section(L, title, intro, headers, rows):
    """Appends a report section: its heading, an introductory paragraph and a table."""
    L.extend(["## " + title, "", intro, "", md_table(headers, rows), ""])


def write_report(path, ctx):
    impls = ctx["impls"]
    m = ctx["machine"]
    L = []
    L.append("# strand benchmarks")
    L.append("")
    L.append("Generated by `bench/run.py` — do not edit by hand; rerun it. Speed is given "
             "as ratios measured side by side in one run (DESIGN.md, *Measuring*): "
             "strand's time divided by the other implementation's, so **lower is better "
             "and 1.0 is parity**.")
    L.append("")
    L.append("## Run")
    L.append("")
    L.append("- Date: %s" % ctx["date"])
    L.append("- Command: `%s` (%s)" % (ctx["command"], ctx["mode"]))
    L.append("- Machine: %s, %s cores (%s usable), %s GiB memory; %s" % (
        m["cpu"], m["cores"], m["usable_cores"], m["memory_gib"], m["os"]))
    if m.get("loadavg"):
        oc = ctx["others_cores"]
        L.append("- Load: average %s at the start, %s at the end; other processes kept "
                 "%s of the %s cores busy on average during the run (%s during the whole "
                 "programs, %s during thread scaling): all CPU time in /proc/stat minus "
                 "this runner's and its children's. The machine is shared; that load "
                 "shows in the spreads%s." % (
                     " ".join("%.2f" % x for x in m["loadavg"]),
                     " ".join("%.2f" % x for x in ctx["loadavg_end"]),
                     fmt_cores(oc.get("whole run")), m["cores"],
                     fmt_cores(oc.get("whole programs")),
                     fmt_cores(ctx["scaling"]["others"]) if ctx.get("scaling") else "–",
                     "" if ctx.get("waited_quiet") is None else
                     " (the run started after waiting %.0f s for a quiet machine)"
                     % ctx["waited_quiet"]))
    L.append("- strand: `%s` (%s), built %s from the worktree at commit `%s`%s" % (
        os.path.relpath(ctx["strand"], ROOT) if ctx["strand"].startswith(ROOT) else ctx["strand"],
        ctx["versions"]["strand"], ctx["binary_built"], ctx["commit"] or "?",
        " (+ uncommitted changes)" if ctx["dirty"] else ""))
    paths = ctx.get("impl_paths", {})
    L.append("- python3: %s, `%s` (the interpreter binary itself, resolved through its "
             "`sys.executable`: a launcher script such as a pyenv shim would add its own "
             "start-up to every python3 time)" % (ctx["versions"]["python3"],
                                                  paths.get("python3", "?")))
    if "pypy3" in impls:
        L.append("- pypy3: %s, `%s`" % (ctx["versions"]["pypy3"], paths.get("pypy3", "?")))
    else:
        L.append("- pypy3: not run (%s)" % ctx["pypy_reason"])
    if JIT_OFF in impls:
        L.append("- JIT: *strand* is strand as it runs by default, with its JIT on; *%s* is "
                 "the same binary run with `-X jit=off`, in the same rounds" % label(JIT_OFF))
    else:
        L.append("- JIT: *strand* runs with its JIT on (the default); strand with "
                 "`-X jit=off` was not run (%s)" % (ctx.get("jit_off_reason") or "?"))
    L.append("- Bytecode caches: python3's standard library is installed compiled "
             "(`cpython-311` .pyc files); strand's cache (`strand-` tag, which changes with "
             "its compiler) is filled first by one untimed strand run of each program "
             "without `PYTHONDONTWRITEBYTECODE` (%d of %d ran cleanly), so neither "
             "compiles the standard library in the timed runs; the programs themselves "
             "run as scripts, never cached" % tuple(ctx["cache_warmed"]))
    L.append("- Rounds: %d warm-up + %d counted per implementation, interleaved (%s); "
             "times are wall-clock of the whole process, median of the counted runs, "
             "with the min–max spread" % (ctx["warmup"], ctx["runs"],
                                          ", ".join(label(i) for i in impls)))
    L.append("")
    L.append("## Whole programs")
    L.append("")
    agg = ctx["aggregate"]
    for line in summary_lines(agg, impls, markdown=True):
        L.append("- " + line[0].upper() + line[1:] + ".")
    L.append("")
    if ctx.get("plot"):
        L.append("![%s per benchmark, log scale](bench/ratios.png)" % " and ".join(
            ["strand / python3"] + (["%s / python3" % label(JIT_OFF)] if JIT_OFF in impls
                                    else []) +
            (["strand / pypy3"] if "pypy3" in impls else [])))
        L.append("")
    h, rows = program_rows(ctx["results"], impls, markdown=True)
    L.append(md_table(h, rows, ["<", "<"] + [">"] * (len(h) - 3) + ["<"]))
    L.append("")
    L.append("- *per iteration*: the program's own steady-state time for one iteration of "
             "its main loop (with `--report` a program prints `# time-per-iteration: "
             "<seconds>` on stderr, the median over the iterations after the first); it "
             "leaves out start-up and the first, warm-up iteration. nbody's iteration is one "
             "time step.")
    L.append("- *RSS*: the peak resident set of the child process (its own `ru_maxrss`, "
             "from `os.wait4` in `bench/measure.py`), the largest over the counted runs; "
             "the wrapper leaves a floor of %s MiB (what `true` reports through it)."
             % fmt_mib(ctx["rss_floor_kb"]))
    if JIT_OFF in impls:
        L.append("- *strand* runs with its JIT on (the default); *%s* is the same binary with "
                 "`-X jit=off`, run in the same interleaved rounds. *strand / %s* is the "
                 "JIT's effect on the whole process, compilation included (below 1.0 the JIT "
                 "makes the program faster; above 1.0 slower); *per iteration: strand / %s* "
                 "is its effect on the steady state, after the first iteration, where most "
                 "traces have been compiled. *%s / python3* is the interpreter alone against "
                 "CPython." % ((label(JIT_OFF),) * 4))
    else:
        L.append("- *strand* runs with its JIT on (the default); strand with `-X jit=off` was "
                 "not run (%s)." % (ctx.get("jit_off_reason") or "?"))
    L.append("- *checksum*: every run's stdout is compared with python3's; a strand mismatch "
             "(JIT on or off) fails the run. (threads) marks a multi-threaded program, left "
             "out of the geometric means.")
    L.append("")
    if ctx.get("scaling"):
        sc = ctx["scaling"]
        L.append("## Thread scaling")
        L.append("")
        L.append("`benchmarks/threaded.py %s`: each workload does the same total work on 1 "
                 "thread and split evenly over %d threads, timed inside the program; "
                 "medians over the counted runs. speedup = t(1 thread) / t(%d threads), "
                 "which is DESIGN.md's N · t(1) / t(N) with t(1) the time of one thread "
                 "doing one thread's share: %d is perfect scaling, 1 is none (python3 has "
                 "a GIL). With `--repeat R` each workload runs once untimed, then R "
                 "alternating 1-thread / %d-thread pairs, and the fastest of each counts. "
                 "*strand* scales with its JIT on (the default)%s. "
                 "CPU time / wall time of the whole threaded.py process (how many cores it "
                 "kept busy): %s. Other processes kept %s cores busy meanwhile." % (
                     " ".join(sc["args"]), sc["threads"], sc["threads"], sc["threads"],
                     sc["threads"],
                     "; *%s* is the same binary with `-X jit=off`" % label(JIT_OFF)
                     if JIT_OFF in sc.get("impls", ()) else
                     "; strand with `-X jit=off` was not measured here (%s)" % (
                         ctx.get("scaling_jit_off_reason") or "?"),
                     ", ".join("%s %.2f" % (label(k), v)
                               for k, v in sc["cpu_per_wall"].items() if v is not None),
                     fmt_cores(sc["others"])))
        L.append("")
        h, rows = scaling_rows(sc, impls)
        L.append(md_table(h, rows))
        L.append("")
    if ctx.get("jit"):
        md_section(L, "The JIT's work", "One more, untimed run of each single-threaded program with `-X stats`, at "
                     "the size it was timed at: the traces the JIT recorded (and abandoned), the "
                     "executors it compiled (side traces included) and how many the cycle "
                     "collector freed, the exits taken from compiled code back to the "
                     "interpreter, the machine code made, and the time spent compiling "
                     "(Cranelift, from recorded trace to installed executor), in all, per "
                     "executor, and as a share of the program's median wall time with the JIT "
                     "on (*Whole programs* above: those times include this compiling).",
                   *jit_rows(ctx["jit"]))
    if ctx.get("gc"):
        md_section(L, "Garbage collection", "Each program runs under `bench/gc_harness.py` (python3 and strand alike): "
                     "*time in collections* and *longest* are timed between gc.callbacks' "
                     "`start` and `stop` for every collection, automatic or explicit; "
                     "*gc.collect() total* times the program's own `gc.collect()` calls. "
                     "strand (JIT on, the default) also runs with `-X stats`: *stop-the-world* is the time its "
                     "collector stopped the world (phases 1 and 3: finding the unreachable set, "
                     "handling resurrection), *collection time* the whole collections including "
                     "finalizers and freeing, done with the world running; its collection count "
                     "includes the one at exit. Medians over the counted runs.",
                   *gc_rows(ctx["gc"]))
    crit = ctx.get("criterion")
    L.append("## Criterion suites (strand-heap, strand-gc, strand-objects)")
    L.append("")
    if crit:
        L.append("Median time of one operation (criterion's `median` estimate) next to its "
                 "Rust peer from the same suite run; pairs as in README. %s Results read "
                 "from `%s`%s." % (
                     ctx["criterion_how"],
                     os.path.relpath(crit["dir"], ROOT) if crit["dir"].startswith(ROOT)
                     else crit["dir"],
                     ", measured %s – %s" % crit["measured"] if crit["measured"] else ""))
        L.append("")
        h, rows = criterion_rows(crit)
        L.append(md_table(h, rows, ["<", "<", ">", ">", ">", "<"]))
    else:
        L.append("Not included in this run (`--criterion` runs `cargo bench -p strand-heap`, "
                 "`-p strand-gc`, `-p strand-objects`; `--criterion-existing` reads the "
                 "last results from target/criterion).")
    L.append("")
    if ctx["failures"] or ctx["warnings"] or ctx["notes"]:
        L.append("## Problems")
        L.append("")
        for f in ctx["failures"]:
            L.append("- **FAILURE**: %s" % f)
        for w in ctx["warnings"]:
            L.append("- warning: %s" % w)
        for n in ctx["notes"]:
            L.append("- note: %s" % n)
        L.append("")
    with open(path, "w") as f:
        f.write("\n".join(L))


# ---------------------------------------------------------------------------

def main():
    default_threads = os.cpu_count() or 2
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--strand", default=os.path.join(ROOT, "target", "release", "strand"),
                    help="the strand binary (default: target/release/strand)")
    ap.add_argument("--python", default="python3", help="CPython (default: python3)")
    ap.add_argument("--pypy", default="pypy3", help="PyPy (default: pypy3, if installed)")
    ap.add_argument("--no-pypy", action="store_true", help="do not run pypy3")
    ap.add_argument("--no-jit-off", action="store_true",
                    help="do not also run strand with -X jit=off (by default each round "
                         "runs strand with its JIT on and off, side by side)")
    ap.add_argument("--runs", type=int, default=5, help="counted runs (default 5)")
    ap.add_argument("--warmup", type=int, default=1, help="warm-up runs (default 1)")
    ap.add_argument("--threads", type=int, default=default_threads,
                    help="N for thread scaling (default: cores, %d)" % default_threads)
    ap.add_argument("--quick", action="store_true",
                    help="one run each, no warm-up, small inputs, no pypy3, no plot, no "
                         "report unless --report is given, thread scaling with the JIT on "
                         "only; still checks every checksum (strand's JIT on and off)")
    ap.add_argument("--only", nargs="+", metavar="NAME", help="only these benchmarks")
    ap.add_argument("--no-scaling", action="store_true", help="skip thread scaling")
    ap.add_argument("--thread-repeat", type=int, default=3, metavar="R",
                    help="threaded.py --repeat R: timed 1/N-thread pairs per workload after "
                         "a warm-up, fastest reported (default 3; 1 with --quick)")
    ap.add_argument("--wait-quiet", type=float, default=0, metavar="SECONDS",
                    help="first wait up to SECONDS for other processes to go quiet")
    ap.add_argument("--no-gc", action="store_true", help="skip the GC measurements")
    crit = ap.add_mutually_exclusive_group()
    crit.add_argument("--criterion", action="store_true",
                      help="run cargo bench -p strand-heap / strand-gc / strand-objects")
    crit.add_argument("--criterion-existing", action="store_true",
                      help="read their existing results in target/criterion")
    ap.add_argument("--criterion-dir", help="criterion's output directory "
                    "(default: $CARGO_TARGET_DIR/criterion or target/criterion)")
    ap.add_argument("--report", metavar="PATH",
                    help="Markdown report (default: BENCHMARKS.md; none with --quick)")
    ap.add_argument("--no-report", action="store_true", help="do not write a report")
    ap.add_argument("--no-plot", action="store_true", help="do not draw bench/ratios.png")
    ap.add_argument("--json", metavar="PATH",
                    help="raw results as JSON (default: bench/results.json beside "
                         "BENCHMARKS.md, REPORT.json beside another report)")
    ap.add_argument("--timeout", type=float, default=600.0,
                    help="seconds before a child is killed (default 600)")
    args = ap.parse_args()

    command = "python3 bench/run.py" + ("" if len(sys.argv) == 1 else
                                        " " + shlex.join(sys.argv[1:]))
    if args.quick:
        args.runs, args.warmup, args.thread_repeat = 1, 0, 1
    if args.runs < 1 or args.warmup < 0 or args.threads < 1:
        ap.error("--runs must be >= 1, --warmup >= 0, --threads >= 1")
    report = None if args.no_report else (args.report or (None if args.quick else
                                                          os.path.join(ROOT, "BENCHMARKS.md")))

    strand = os.path.abspath(args.strand)
    if not os.access(strand, os.X_OK):
        raise SystemExit("no strand binary at %s: build it with "
                         "`cargo build --release --bin strand` or pass --strand" % strand)
    python = shutil.which(args.python)
    if not python:
        raise SystemExit("%s not found" % args.python)
    python = real_executable(python)
    # Each implementation's command prefix, in the order of a round.
    impls = {"strand": [strand]}
    jit_off_reason = ""
    if args.no_jit_off:
        jit_off_reason = "--no-jit-off"
    else:
        impls[JIT_OFF] = [strand, "-X", "jit=off"]
    impls["python3"] = [python]
    pypy_reason = ""
    if args.quick or args.no_pypy:
        pypy_reason = "--quick" if args.quick else "--no-pypy"
    else:
        pypy = shutil.which(args.pypy)
        if pypy:
            pypy = real_executable(pypy)
            impls["pypy3"] = [pypy]
        else:
            pypy_reason = "%s is not installed" % args.pypy
            say("note: %s not found; running without it (apt-get install pypy3)" % args.pypy)

    machine = machine_info()
    rss_floor_kb = run_child(["true"], 60).maxrss_kb
    versions = {"strand": first_line([strand, "--version"]),
                "python3": all_lines([python, "--version"])}
    if "pypy3" in impls:
        versions["pypy3"] = all_lines(impls["pypy3"] + ["--version"])
    commit = git("rev-parse", "--short=12", "HEAD")
    dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    say("strand %s (%s), %s%s" % (commit, versions["strand"], versions["python3"],
                                  ", " + versions["pypy3"] if "pypy3" in impls else ""))
    say("%s, %s cores, %s GiB; %d warm-up + %d runs%s" % (
        machine["cpu"], machine["cores"], machine["memory_gib"], args.warmup, args.runs,
        ", quick" if args.quick else ""))
    failures, warnings, notes = [], [], []
    stale = stale_sources(strand)
    if stale:
        warnings.append("the strand binary is older than %d source file(s) (e.g. %s): "
                        "rebuild with `cargo build --release --bin strand`"
                        % (len(stale), ", ".join(stale[:3])))
        say("warning: " + warnings[-1])
    waited = None
    if args.wait_quiet > 0:
        waited = wait_quiet(args.wait_quiet)
        if waited is None:
            notes.append("the machine did not go quiet within --wait-quiet %g s" %
                         args.wait_quiet)
    started = time.perf_counter()
    whole = LoadMeter()

    programs = discover_programs(args.only)
    warmed = warm_bytecode_cache(strand, programs, args)
    say("strand's bytecode cache warmed by %d of %d programs" % (warmed, len(programs)))
    section = LoadMeter()
    results = run_programs(programs, impls, args, failures, warnings)
    programs_others = section.others()
    agg = aggregate(results, impls)

    scaling = None
    scaling_jit_off_reason = jit_off_reason or ("--quick" if args.quick else "")
    if not args.no_scaling and (not args.only or THREADED_PROGRAM in args.only):
        # strand's scaling is measured with its JIT on (the default); with the JIT off
        # too in a full run (one more threaded.py run a round), not with --quick, whose
        # programs section has already checked threaded.py's output with the JIT off.
        names = ["strand"] + ([] if scaling_jit_off_reason else [JIT_OFF]) + ["python3"]
        scaling = run_scaling({k: impls[k] for k in names}, args, failures)
    gc_results = None if args.no_gc else run_gc(strand, python, args, failures, programs)
    say("jit statistics (-X stats)")
    jit_results = run_jit_stats(strand, programs, results, args, failures)

    crit = None
    criterion_how = ""
    if args.criterion:
        run_criterion(args, failures)
        crit = read_criterion(args)
        criterion_how = "The suites were run by this invocation (`--criterion`)."
    elif args.criterion_existing:
        crit = read_criterion(args)
        criterion_how = ("The suites were not run by this invocation: these are the last "
                         "results found on disk (`--criterion-existing`).")
    if crit and not any(r["ratio"] for r in crit["rows"]):
        notes.append("no criterion results found under %s" % crit["dir"])

    # Terminal output.
    say()
    h, rows = program_rows(results, impls)
    say(table(h, rows))
    say()
    for line in summary_lines(agg, impls):
        say(line)
    if scaling:
        say()
        say("thread scaling (strand with its JIT on%s), speedup = t(1 thread) / "
            "t(%d threads), same total work:" % (
                ", and off" if JIT_OFF in scaling["impls"] else "", scaling["threads"]))
        h, rows = scaling_rows(scaling, impls)
        say(table(h, rows))
    if jit_results:
        say()
        say("jit statistics:")
        h, rows = jit_rows(jit_results)
        say(table(h, rows))
    if gc_results:
        say()
        say("garbage collection:")
        h, rows = gc_rows(gc_results)
        say(table(h, rows))
    if crit:
        say()
        say("criterion (%s):" % crit["dir"])
        h, rows = criterion_rows(crit)
        say(table(h, rows, ["<", "<", ">", ">", ">", "<"]))

    plot = False
    if report and not args.quick and not args.no_plot:
        plot = draw_plot(results, impls, agg, args, notes)
    elif report and not args.no_plot:
        notes.append("no plot with --quick")
    elif report:
        notes.append("no plot (--no-plot)")

    ctx = {
        "date": date, "command": command, "machine": machine, "versions": versions,
        "commit": commit, "dirty": dirty, "strand": strand, "impls": list(impls),
        "impl_commands": {k: [os.path.basename(v[0])] + v[1:] for k, v in impls.items()},
        "impl_paths": {k: v[0] for k, v in impls.items()},
        "impl_labels": {k: label(k) for k in impls},
        "pypy_reason": pypy_reason, "jit_off_reason": jit_off_reason,
        "scaling_jit_off_reason": scaling_jit_off_reason if scaling else None, "warmup": args.warmup, "runs": args.runs,
        "mode": "quick: small inputs, one run each" if args.quick else "full",
        "results": results, "aggregate": agg, "scaling": scaling, "gc": gc_results,
        "jit": jit_results,
        "criterion": crit, "criterion_how": criterion_how, "failures": failures,
        "warnings": warnings, "notes": notes, "plot": plot,
        "rss_floor_kb": rss_floor_kb, "cache_warmed": (warmed, len(programs)),
        "binary_built": datetime.datetime.fromtimestamp(
            os.path.getmtime(strand), datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "others_cores": {"whole run": whole.others(), "whole programs": programs_others},
        "waited_quiet": waited,
        "loadavg_end": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "elapsed_s": round(time.perf_counter() - started, 1),
    }
    if report:
        write_report(report, ctx)
        say("\nwrote %s%s" % (report,
                              " and bench/ratios.png" if plot else ""))
    json_path = args.json
    if not json_path and report:
        json_path = (os.path.join(BENCH_DIR, "results.json")
                     if os.path.abspath(report) == os.path.join(ROOT, "BENCHMARKS.md")
                     else os.path.splitext(report)[0] + ".json")
    if json_path:
        with open(json_path, "w") as f:
            json.dump({k: v for k, v in ctx.items()}, f, indent=1, default=str)
            f.write("\n")
    for n in notes:
        say("note: " + n)
    for w in warnings:
        say("warning: " + w)
    say("\nfinished in %.0f s" % ctx["elapsed_s"])
    if failures:
        loud("%d FAILURE(S):\n%s" % (len(failures), "\n".join("  - " + f for f in failures)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
