#!/usr/bin/env python3
"""Conformance against CPython's own regression tests (issue 16).

Runs CPython 3.11's test modules (the ``test`` package of python3's standard library,
which is strand's standard library too) under strand and compares with python3's
results, cached in tests/cpython/python3_results.json. Each module runs in a fresh
process (tests/cpython/driver.py) in an empty temporary directory, with a wall-clock
limit; the process group is killed on timeout. See docs/conformance.md.

    python3 tests/cpython/run.py                 # every module of modules.txt, writes CONFORMANCE.md
    python3 tests/cpython/run.py --quick --check # CI: the quick subset, fails on new failures
    python3 tests/cpython/run.py test_int test_list   # some modules (no CONFORMANCE.md unless --report)
    python3 tests/cpython/run.py --regen-python  # rerun python3 for the cached reference results

Standard library only.
"""

import argparse
import collections
import concurrent.futures
import datetime
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DRIVER = os.path.join(HERE, "driver.py")
MODULES_FILE = os.path.join(HERE, "modules.txt")
PYTHON_CACHE = os.path.join(HERE, "python3_results.json")
KNOWN_FILE = os.path.join(HERE, "known_failures.txt")
DEFAULT_SAVE = os.path.join(ROOT, "target", "cpython-conformance", "strand_results.json")

# Fast modules that import and run to the end under strand (a few seconds in all), for
# CI's --quick --check.
QUICK = [
    "test_bool",
    "test_int",
    "test_list",
    "test_tuple",
    "test_slice",
    "test_range",
    "test_string",
    "test_copy",
    "test_textwrap",
    "test_contextlib",
    "test_binascii",
    "test_sort",
    "test_with",
    "test_fractions",
]

OUTCOMES = ("passed", "failed", "error", "skipped", "expected_failure", "unexpected_success")
FAILING = ("failed", "error", "unexpected_success")


def read_modules(path):
    with open(path, encoding="utf-8") as f:
        return [line.split("#", 1)[0].strip() for line in f if line.split("#", 1)[0].strip()]


def default_strand():
    for sub in ("release", "debug"):
        p = os.path.join(ROOT, "target", sub, "strand")
        if os.path.exists(p):
            return p
    return "strand"


def signal_name(num):
    try:
        return signal.Signals(num).name
    except ValueError:
        return "signal %d" % num


def panic_text(stderr):
    """The first Rust panic in stderr ('panicked at FILE: message'), or None."""
    lines = stderr.splitlines()
    for i, line in enumerate(lines):
        if "panicked at" in line:
            where = line.split("panicked at", 1)[1].strip().rstrip(":")
            message = lines[i + 1].strip() if i + 1 < len(lines) else ""
            return ("Rust panic at %s: %s" % (where, message))[:300]
    return None


def last_stderr_line(stderr):
    for line in reversed(stderr.splitlines()):
        if line.strip():
            return line.strip()[:300]
    return ""


def run_attempt(interpreter, module, timeout, workdir, env, skip, attempt, memory_limit):
    """One process: runs the module's tests except those in skip. Returns
    (events, returncode, timed_out, stderr, seconds)."""
    out = os.path.join(workdir, "events.%d.jsonl" % attempt)
    err_path = os.path.join(workdir, "stderr.%d.txt" % attempt)
    cmd = [interpreter, DRIVER, "test." + module, out]
    if skip:
        skip_path = os.path.join(workdir, "skip.%d.txt" % attempt)
        with open(skip_path, "w", encoding="utf-8") as f:
            f.write("".join(tid + "\n" for tid in sorted(skip)))
        cmd.append(skip_path)
    started = time.monotonic()
    timed_out = False
    with open(err_path, "wb") as err, open(os.devnull, "rb") as devnull:
        proc = subprocess.Popen(cmd, cwd=workdir, stdin=devnull, stdout=subprocess.DEVNULL, stderr=err,
                                start_new_session=True, env=env)
        over_memory = False
        while proc.poll() is None:
            if time.monotonic() - started > timeout:
                timed_out = True
            elif memory_limit and rss_bytes(proc.pid) > memory_limit:
                over_memory = True
            if timed_out or over_memory:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait()
                break
            time.sleep(0.1)
    seconds = time.monotonic() - started
    # Whatever the test left in the process group (a child that outlived it).
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    with open(err_path, "rb") as f:
        stderr = f.read().decode("utf-8", "replace")
    events = []
    if os.path.exists(out):
        with open(out, encoding="utf-8", errors="replace") as f:
            for line in f:
                try:
                    events.append(json.loads(line))
                except ValueError:
                    pass  # a line cut by a crash
    if over_memory:
        stderr += "\n%s\n" % MEMORY_MARK
    return events, proc.returncode, timed_out, stderr, seconds


MEMORY_MARK = "run.py: killed: resident memory over the limit"


def rss_bytes(pid):
    """Resident memory of a process (0 when it is gone), from /proc."""
    try:
        with open("/proc/%d/statm" % pid) as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def death_reason(rc, timed_out, stderr, timeout):
    """Why a process ended without finishing its suite, in words."""
    if MEMORY_MARK in stderr:
        return "memory: resident size over the limit (--memory-mib), killed"
    if timed_out:
        return "timeout (killed after %d s)" % timeout
    panic = panic_text(stderr)
    if panic:
        return panic
    if rc is not None and rc < 0:
        return signal_name(-rc)
    if rc == 0:
        return "exit 0 without finishing the suite"
    return "exit %s: %s" % (rc, last_stderr_line(stderr))


def run_module(interpreter, module, timeout, workdir, env=None, restarts=10, memory_limit=0):
    """Runs one module under one interpreter; returns its result dict.

    When the process crashes or hangs inside a test, that test is recorded as an error
    ('crash: ...' or 'timeout: ...') and the module is run again without the tests
    already done, up to `restarts` times, all within a budget of 3 × timeout.

    Keys: module, status ('ok', 'crash', 'timeout', 'import error', 'skipped module'),
    reason, died (list of [test id or None, reason] for each crash or hang),
    seconds, rc (of the last process), counts (outcome -> number), tests
    (id -> [outcome, message, where]), workarounds (driver workarounds used)."""
    result = {
        "module": module,
        "status": "ok",
        "reason": "",
        "died": [],
        "seconds": 0.0,
        "rc": None,
        "counts": {k: 0 for k in OUTCOMES},
        "tests": {},
    }
    budget = 3 * timeout
    done_ids = set()
    notes = []
    attempt = 0
    while True:
        limit = max(1, min(timeout, int(budget - result["seconds"])))
        events, rc, timed_out, stderr, seconds = run_attempt(interpreter, module, limit, workdir, env, done_ids, attempt,
                                                                 memory_limit)
        result["seconds"] += seconds
        result["rc"] = rc
        ended = False
        running = None
        import_error = module_skip = runner_error = None
        for ev in events:
            kind = ev.get("event")
            if kind == "start":
                running = ev["id"]
            elif kind == "test":
                # Some suites run a test twice under one id (test_json's doctests, for
                # one): the second and later runs get ' #2', ' #3', ...
                tid = ev["id"]
                n = 1
                while tid in result["tests"]:
                    n += 1
                    tid = "%s #%d" % (ev["id"], n)
                result["tests"][tid] = [ev["outcome"], ev.get("message"), ev.get("where")]
                done_ids.add(ev["id"])
                if ev["id"] == running:
                    running = None
            elif kind == "end":
                ended = True
            elif kind == "import_error":
                import_error = ev
            elif kind == "module_skip":
                module_skip = ev
            elif kind == "runner_error":
                runner_error = "unittest's runner raised %s" % ev["message"]
            elif kind == "workaround":
                if ev["message"] not in result.setdefault("workarounds", []):
                    result["workarounds"].append(ev["message"])
        panic = panic_text(stderr)
        if import_error is not None:
            result["status"] = "import error"
            result["reason"] = import_error["message"]
            if import_error.get("where"):
                result["reason"] += " (at %s)" % import_error["where"]
            break
        if module_skip is not None:
            result["status"] = "skipped module"
            result["reason"] = module_skip["message"]
            break
        if runner_error is not None and running is None:
            notes.append(runner_error)
        if ended and not (runner_error is not None and running is not None):
            if timed_out:
                notes.append("tests finished, then the process did not exit in %d s" % limit)
            elif rc != 0:
                notes.append("after the suite finished (at exit): " + death_reason(rc, False, stderr, limit))
            elif panic:
                notes.append("stderr has a " + panic)
            break
        why = runner_error if runner_error is not None and ended else death_reason(rc, timed_out, stderr, limit)
        result["died"].append([running, why])
        if running is None:
            break  # died outside any test (loading, a fixture): nothing to skip
        kind = "timeout" if timed_out else "crash"
        result["tests"][running] = ["error", "%s: %s" % (kind, why), None]
        done_ids.add(running)
        attempt += 1
        if attempt > restarts or result["seconds"] >= budget - 1:
            notes.append("gave up after %d restart(s)" % (attempt - 1))
            break
    if result["died"] and result["status"] == "ok":
        hung = [d for d in result["died"] if d[1].startswith("timeout")]
        result["status"] = "timeout" if len(hung) == len(result["died"]) else "crash"
        first = result["died"][0]
        text = "%d× — %s%s" % (len(result["died"]), first[1], " during %s" % first[0] if first[0] else "")
        notes.insert(0, text)
    if notes:
        result["reason"] = "; ".join(x for x in [result["reason"]] + notes if x)
    for outcome, _, _ in result["tests"].values():
        result["counts"][outcome] += 1
    result["seconds"] = round(result["seconds"], 1)
    return result


def run_all(interpreter, modules, timeout, jobs, label, order_hint=None, env=None, restarts=10, memory_limit=0):
    """Runs modules in parallel (longest first, by order_hint seconds); returns
    module -> result."""
    results = {}
    lock = threading.Lock()
    hint = order_hint or {}
    todo = sorted(modules, key=lambda m: -hint.get(m, 0.0))
    done = [0]

    def one(module):
        with tempfile.TemporaryDirectory(prefix="strand-cpython-") as workdir:
            r = run_module(interpreter, module, timeout, workdir, env, restarts, memory_limit)
        with lock:
            done[0] += 1
            c = r["counts"]
            print(
                "[%s %d/%d] %-22s %-12s %5.1fs  passed %d failed %d errors %d skipped %d%s"
                % (label, done[0], len(todo), module, r["status"], r["seconds"], c["passed"], c["failed"],
                   c["error"], c["skipped"], ("  -- " + r["reason"]) if r["reason"] else ""),
                flush=True,
            )
        return r

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for r in pool.map(one, todo):
            results[r["module"]] = r
    return results


def python_summary(r):
    """What the cache keeps of a python3 result: counts, status and the ids that did
    not pass (so a test python3 fails too is not blamed on strand)."""
    return {
        "status": r["status"],
        "reason": r["reason"],
        "seconds": r["seconds"],
        "counts": r["counts"],
        "not_passed": {tid: v[0] for tid, v in sorted(r["tests"].items()) if v[0] in FAILING},
    }


def load_json(path):
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def write_json(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)


def read_known(path):
    """known_failures.txt: 'TEST_ID  # reason' a line; a bare module name
    ('test.test_x  # reason') stands for a module that crashes, hangs or fails to import."""
    known = {}
    if not os.path.exists(path):
        return known
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            tid, _, reason = line.partition("#")
            known[tid.strip()] = reason.strip()
    return known


def normalize(message):
    """A failure message with addresses and long numbers blanked, for grouping."""
    if not message:
        return "(no message)"
    s = re.sub(r"Failed to import test module: \S+ ", "Failed to import test module: … ", message)
    s = re.sub(r"0x[0-9a-fA-F]+", "0x…", s)
    s = re.sub(r"\d{4,}", "N…", s)
    return s[:160]


def compare_known(strand, python, known):
    """(new failures, listed but passing, module problems not listed).

    A new failure is a test that fails or errors under strand, is not in
    known_failures.txt and does not fail under python3 either."""
    new, fixed, modules = [], [], []
    for module, r in sorted(strand.items()):
        mod_id = "test." + module
        py_bad = (python.get(module) or {}).get("not_passed", {})
        if r["status"] != "ok" and mod_id not in known:
            modules.append((mod_id, "%s: %s" % (r["status"], r["reason"])))
        for tid, (outcome, message, _) in sorted(r["tests"].items()):
            if outcome in FAILING and tid not in known and tid not in py_bad:
                new.append((tid, outcome, message))
            if outcome == "passed" and tid in known:
                fixed.append(tid)
        if r["status"] == "ok" and mod_id in known:
            fixed.append(mod_id)
    return new, fixed, modules


def pass_rate(r, p):
    denom = p["counts"]["passed"] + p["counts"]["failed"] + p["counts"]["error"] if p else 0
    if not denom:
        return None
    return r["counts"]["passed"] / denom


def git_head():
    try:
        return subprocess.run(["git", "-C", ROOT, "rev-parse", "--short=12", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def status_cell(r):
    if r["status"] == "ok":
        return "ok" + (" (%s)" % r["reason"] if r["reason"] else "")
    return "**%s**: %s" % (r["status"], r["reason"].replace("|", "\\|"))


def write_report(path, strand, python, modules, args, command, known):
    lines = []
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines.append("# Conformance: CPython 3.11's regression tests under strand")
    lines.append("")
    lines.append("Generated by `tests/cpython/run.py` (see docs/conformance.md). Do not edit by hand.")
    lines.append("")
    lines.append("- date: %s" % now)
    lines.append("- command: `%s`" % command)
    lines.append("- strand: `%s`, repository HEAD %s" % (args.strand_label or args.strand, args.commit or git_head()))
    lines.append("- python3 reference: %s (cached in tests/cpython/python3_results.json)" % python.get("_meta", {}).get("version", "?"))
    lines.append("- per-module limit: %d s under strand, %d jobs in parallel" % (args.timeout, args.jobs))
    lines.append("")
    workarounds = collections.Counter(w for m in modules if m in strand for w in strand[m].get("workarounds", ()))
    if workarounds:
        lines.append("**Workarounds applied by the driver** (tests/cpython/driver.py `import_support`; "
                     "`--no-workarounds` turns them off, and then every module fails to import):")
        lines.append("")
        for w, n in workarounds.most_common():
            lines.append("- in %d module(s): %s" % (n, w.replace("`", "'")))
        lines.append("")
    lines.append("Pass rate = strand's passed / python3's (passed + failed + errors) for the module. "
                 "`run` counts every test with a recorded outcome (class and module fixture errors "
                 "included). A crash or timeout keeps the counts of the tests that finished before it.")
    lines.append("")

    tot_s = collections.Counter()
    tot_p = collections.Counter()
    at95 = 0
    rows = []
    for m in modules:
        r = strand.get(m)
        p = python.get(m)
        if r is None:
            continue
        rate = pass_rate(r, p)
        if rate is not None and rate >= 0.95:
            at95 += 1
        for k in OUTCOMES:
            tot_s[k] += r["counts"][k]
            if p:
                tot_p[k] += p["counts"][k]
        pc = p["counts"] if p else {k: 0 for k in OUTCOMES}
        run = sum(r["counts"].values())
        prun = sum(pc.values())
        rows.append("| %s | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %s | %.1f | %s |" % (
            m, run, r["counts"]["passed"], r["counts"]["failed"], r["counts"]["error"], r["counts"]["skipped"],
            prun, pc["passed"], pc["failed"], pc["error"], pc["skipped"],
            "—" if rate is None else "%.1f%%" % (100 * rate), r["seconds"], status_cell(r)))
    denom = tot_p["passed"] + tot_p["failed"] + tot_p["error"]
    overall = tot_s["passed"] / denom if denom else 0.0
    statuses = collections.Counter(strand[m]["status"] for m in modules if m in strand)

    lines.append("## Totals")
    lines.append("")
    lines.append("- modules: %d (%s)" % (len(rows), ", ".join("%d %s" % (n, s) for s, n in statuses.most_common())))
    lines.append("- tests passed under strand: %d of python3's %d passed+failed+errors: **%.1f%%**" % (
        tot_s["passed"], denom, 100 * overall))
    lines.append("- strand: %d failed, %d errors, %d skipped, %d expected failures, %d unexpected successes" % (
        tot_s["failed"], tot_s["error"], tot_s["skipped"], tot_s["expected_failure"], tot_s["unexpected_success"]))
    lines.append("- modules at >= 95%%: **%d** of %d" % (at95, len(rows)))
    lines.append("")
    # Whole modules lost: grouped by cause, weighted by the tests python3 passes there.
    blockers = collections.defaultdict(list)
    for m in modules:
        r = strand.get(m)
        if r is None:
            continue
        if r["status"] in ("import error", "skipped module"):
            cause = re.sub(r" \(at [^)]*\)$", "", r["reason"])
        elif r["status"] == "ok" and r["counts"]["passed"] == 0 and r["counts"]["error"]:
            # A package whose submodules all fail to load (unittest's _FailedTest errors).
            errs = collections.Counter(
                re.sub(r"^ImportError: Failed to import test module: \S+ ", "", v[1] or "")
                for v in r["tests"].values() if v[0] == "error")
            cause = errs.most_common(1)[0][0]
        else:
            continue
        blockers[cause].append(m)
    if blockers:
        lines.append("## Modules that do not run, by cause")
        lines.append("")
        lines.append("Each cause with the modules it stops and the tests python3 passes in them "
                     "(an upper bound of what fixing it gains: the next blocker may be behind it).")
        lines.append("")
        lines.append("| cause | modules | python3 passes there |")
        lines.append("| --- | --- | ---: |")
        ranked = sorted(blockers.items(), key=lambda kv: -sum((python.get(m) or {"counts": {"passed": 0}})["counts"]["passed"] for m in kv[1]))
        for cause, mods in ranked:
            gain = sum((python.get(m) or {"counts": {"passed": 0}})["counts"]["passed"] for m in mods)
            lines.append("| `%s` | %s | %d |" % (cause.replace("`", "'").replace("|", "\\|"), ", ".join(mods), gain))
        lines.append("")
    lines.append("## Per module")
    lines.append("")
    lines.append("| module | run | passed | failed | errors | skipped | py3 run | py3 passed | py3 failed | py3 errors | py3 skipped | pass rate | seconds | status |")
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    lines.extend(rows)
    lines.append("")

    # Most common failure messages.
    lines.append("## Most common failure messages, per module")
    lines.append("")
    lines.append("Failures and errors of strand that python3 does not have, grouped by their exception line "
                 "(addresses and long numbers blanked); the innermost frame of the most recent one is shown.")
    lines.append("")
    overall_msgs = collections.Counter()
    overall_mods = collections.defaultdict(set)
    for m in modules:
        r = strand.get(m)
        if r is None:
            continue
        py_bad = (python.get(m) or {}).get("not_passed", {})
        msgs = collections.Counter()
        where = {}
        for tid, (outcome, message, wh) in r["tests"].items():
            if outcome in FAILING and tid not in py_bad:
                key = normalize(message if outcome != "unexpected_success" else "unexpected success")
                msgs[key] += 1
                where[key] = wh
                overall_msgs[key] += 1
                overall_mods[key].add(m)
        if not msgs:
            continue
        lines.append("### %s (%d)" % (m, sum(msgs.values())))
        lines.append("")
        for key, n in msgs.most_common(args.top):
            lines.append("- %d × `%s`%s" % (n, key.replace("`", "'"), " — %s" % where[key] if where.get(key) else ""))
        lines.append("")
    lines.append("## Most common failure messages, all modules")
    lines.append("")
    for key, n in overall_msgs.most_common(25):
        mods = sorted(overall_mods[key])
        lines.append("- %d × `%s` (%s)" % (n, key.replace("`", "'"), ", ".join(mods[:6]) + (", …" if len(mods) > 6 else "")))
    lines.append("")
    if known is not None:
        new, fixed, mods = compare_known(strand, python, known)
        lines.append("## Against tests/cpython/known_failures.txt")
        lines.append("")
        lines.append("- failing and not listed (new failures): %d" % len(new))
        lines.append("- listed but passing now (to remove from the list): %d" % len(fixed))
        lines.append("- modules crashing, hanging or not importing that are not listed: %d" % len(mods))
        lines.append("")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    return overall, at95


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("modules", nargs="*", help="modules to run (default: every module of modules.txt)")
    ap.add_argument("--quick", action="store_true", help="the quick subset: " + ", ".join(QUICK))
    ap.add_argument("--strand", default=os.environ.get("STRAND") or default_strand(),
                    help="the strand binary (default: $STRAND, else target/release/strand, else target/debug/strand)")
    ap.add_argument("--python", default="python3", help="the reference interpreter (default python3)")
    ap.add_argument("--jobs", type=int, default=2, help="modules run at once (default 2)")
    ap.add_argument("--timeout", type=int, default=120, help="seconds per module under strand (default 120)")
    ap.add_argument("--python-timeout", type=int, default=900, help="seconds per module under python3 (default 900)")
    ap.add_argument("--restarts", type=int, default=10,
                    help="times a module is run again, without the tests done, after a crash or hang in a test "
                         "(default 10; all runs of a module share a budget of 3 × --timeout)")
    ap.add_argument("--memory-mib", type=int, default=4096,
                    help="kill a test process whose resident memory passes this many MiB (default 4096; 0: no limit)")
    ap.add_argument("--regen-python", action="store_true",
                    help="rerun the modules under python3 and update tests/cpython/python3_results.json")
    ap.add_argument("--python-only", action="store_true", help="with --regen-python: do not run strand")
    ap.add_argument("--check", action="store_true",
                    help="exit 1 if a test fails under strand that known_failures.txt does not list "
                         "(and python3 passes), or a module crashes, hangs or fails to import unlisted")
    ap.add_argument("--known", default=KNOWN_FILE, help="the known-failures file (default tests/cpython/known_failures.txt)")
    ap.add_argument("--report", default=None,
                    help="write the Markdown report here (default: CONFORMANCE.md at the repository root "
                         "when every module of modules.txt runs, else none)")
    ap.add_argument("--save", default=DEFAULT_SAVE, help="strand's full results as JSON (default %(default)s)")
    ap.add_argument("--reuse", action="store_true", help="do not run strand: read the results --save wrote last time")
    ap.add_argument("--no-workarounds", action="store_true",
                    help="do not work around what strand lacks that only test.support's set-up needs "
                         "(driver.py's import_support; today float.__getformat__)")
    ap.add_argument("--top", type=int, default=5, help="failure messages listed per module (default 5)")
    ap.add_argument("--list-failures", action="store_true", help="print every failing test id with its message")
    ap.add_argument("--strand-label", default=None, help="how the report names the strand binary")
    ap.add_argument("--commit", default=None, help="the commit the report names (default: git HEAD)")
    args = ap.parse_args()

    all_modules = read_modules(MODULES_FILE)
    if args.modules:
        modules = [m[len("test."):] if m.startswith("test.") else m for m in args.modules]
    elif args.quick:
        modules = list(QUICK)
    else:
        modules = all_modules
    full = modules == all_modules
    report = args.report or (os.path.join(ROOT, "CONFORMANCE.md") if full and not args.python_only else None)
    command = "python3 tests/cpython/run.py " + shlex.join(sys.argv[1:])

    python = load_json(PYTHON_CACHE) or {}
    if args.regen_python or any(m not in python for m in modules):
        todo = modules if args.regen_python else [m for m in modules if m not in python]
        version = subprocess.run([args.python, "-c", "import sys; print(sys.version.split()[0])"], capture_output=True,
                                 text=True).stdout.strip()
        print("python3 %s: running %d module(s) for the reference results" % (version, len(todo)), flush=True)
        got = run_all(args.python, todo, args.python_timeout, args.jobs, "python3", memory_limit=args.memory_mib << 20)
        for m, r in got.items():
            python[m] = python_summary(r)
        python["_meta"] = {"version": version, "regenerated": datetime.date.today().isoformat()}
        write_json(PYTHON_CACHE, python)
    if args.python_only:
        return 0

    if args.reuse:
        saved = load_json(args.save) or {}
        strand = {m: saved[m] for m in modules if m in saved}
        missing = [m for m in modules if m not in saved]
        if missing:
            print("no saved results for: " + ", ".join(missing), file=sys.stderr)
            return 2
    else:
        if not os.path.exists(args.strand) and "/" in args.strand:
            print("no strand binary at %s (build it: cargo build --release --bin strand)" % args.strand, file=sys.stderr)
            return 2
        hint = {m: (python.get(m) or {}).get("seconds", 0.0) for m in modules}
        env = dict(os.environ)
        if args.no_workarounds:
            env["STRAND_CONFORMANCE_NO_WORKAROUNDS"] = "1"
        # Modules run in a temporary directory: a relative path must not be.
        strand_path = os.path.abspath(args.strand) if "/" in args.strand else args.strand
        strand = run_all(strand_path, modules, args.timeout, args.jobs, "strand", hint, env, args.restarts,
                         args.memory_mib << 20)
        saved = load_json(args.save) or {}
        saved.update(strand)
        write_json(args.save, saved)

    known = read_known(args.known)
    new, fixed, bad_modules = compare_known(strand, python, known)

    tot_pass = sum(strand[m]["counts"]["passed"] for m in modules)
    denom = sum(sum((python.get(m) or {"counts": {k: 0 for k in OUTCOMES}})["counts"][k] for k in ("passed", "failed", "error"))
                for m in modules)
    print()
    print("strand passed %d of python3's %d (%.1f%%) in %d module(s)" % (
        tot_pass, denom, 100.0 * tot_pass / denom if denom else 0.0, len(modules)))
    if args.list_failures:
        for m in modules:
            for tid, (outcome, message, where) in sorted(strand[m]["tests"].items()):
                if outcome in FAILING:
                    print("%s  [%s] %s  (%s)" % (tid, outcome, message, where))
    if report:
        overall, at95 = write_report(report, strand, python, modules, args, command, known)
        print("wrote %s: %.1f%% overall, %d module(s) at >= 95%%" % (os.path.relpath(report), 100 * overall, at95))
    if bad_modules:
        print("\nmodules that crash, hang or fail to import, not in %s:" % os.path.relpath(args.known))
        for mod_id, why in bad_modules:
            print("  %s  # %s" % (mod_id, why))
    if new:
        print("\nnew failures (not in %s, python3 passes them): %d" % (os.path.relpath(args.known), len(new)))
        for tid, outcome, message in new[:200]:
            print("  %s  # [%s] %s" % (tid, outcome, message))
        if len(new) > 200:
            print("  ... and %d more" % (len(new) - 200))
    if fixed:
        print("\nlisted in %s but passing now (remove them): %d" % (os.path.relpath(args.known), len(fixed)))
        for tid in fixed:
            print("  " + tid)
    if args.check:
        ok = not new and not bad_modules
        print("\ncheck: %s" % ("ok" if ok else "FAILED"))
        return 0 if ok else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
