#!/usr/bin/env python3
"""Differential fuzzing of strand against python3 (CPython 3.11).

Generates programs with `gen.py`, runs each under python3 and strand, and compares
standard output, the last line of standard error and the exit status. Programs that
python3 rejects (a SyntaxError) or that run too long under python3 are skipped and
counted as skipped, never as passes. A difference is shrunk to a small program
(delta debugging over statements, then over expressions) and saved with its seed
under the output directory.

What finalizers print at interpreter exit is compared as a multiset of lines: each
program is run with an `atexit` handler (registered on a line put before its first one)
that prints a marker once the program is done, and the lines after the marker may come
in any order. CPython finalizes the garbage left at exit in the order of its collector's
generation lists, an order Python leaves unspecified (PEP 442) and strand's collector,
which finds objects by walking the heap, does not reproduce.

    python3 fuzz/pyfuzz/run.py --strand target/release/strand --seeds 0:2000
    python3 fuzz/pyfuzz/run.py --strand target/release/strand --time 120   # random seeds
    python3 fuzz/pyfuzz/run.py --strand target/release/strand --replay 1234

Exit status: 0 when nothing differed, 1 otherwise.
"""

import argparse
import ast
import os
import random
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen  # noqa: E402

ENV = dict(os.environ, PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1")


class Outcome:
    """What one run of a program printed and how it ended."""

    def __init__(self, stdout, stderr, status, timed_out):
        self.stdout = stdout
        self.stderr = stderr
        self.status = status
        self.timed_out = timed_out

    def last_err(self):
        lines = self.stderr.strip().splitlines()
        return lines[-1] if lines else ""


def run(cmd, path, timeout):
    try:
        p = subprocess.run([cmd, path], capture_output=True, timeout=timeout, env=ENV,
                           cwd=os.path.dirname(path), stdin=subprocess.DEVNULL)
        return Outcome(p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"),
                       p.returncode, False)
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", "replace")
        return Outcome(out, "", None, True)


EXIT_MARK = "<pyfuzz: program done>"
# One line, so the program's own lines shift by the same one line under both runs.
EXIT_HOOK = "import atexit as _pyfuzz_atexit; _pyfuzz_atexit.register(print, %r)\n" % EXIT_MARK


def same_stdout(a, b):
    """Equal up to the order of the lines printed after the exit marker."""
    if a == b:
        return True
    sa, sb = a.split(EXIT_MARK + "\n", 1), b.split(EXIT_MARK + "\n", 1)
    if len(sa) != 2 or len(sb) != 2 or sa[0] != sb[0]:
        return False
    return sorted(sa[1].splitlines()) == sorted(sb[1].splitlines())


def classify(want, got):
    """`None` if strand behaved like python3, else the kind of difference."""
    if got.timed_out:
        return "hang"
    if got.status is not None and got.status < 0:
        return "crash"  # killed by a signal (abort, segfault, stack overflow)
    if got.status == 70 or "panicked" in got.stderr:
        return "panic"
    if got.status != want.status:
        return "status"
    if not same_stdout(want.stdout, got.stdout):
        return "stdout"
    if got.last_err() != want.last_err():
        return "stderr"
    return None


def compiles(src):
    try:
        compile(src, "prog.py", "exec")
        return True
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False


class Checker:
    """Runs one source under both implementations in a scratch directory."""

    def __init__(self, strand, timeout, workdir):
        self.strand = strand
        self.timeout = timeout
        self.workdir = workdir

    def check(self, src, tag="prog"):
        """(kind or None, python3's outcome, strand's outcome), or None to skip."""
        if not compiles(src):
            return None
        d = tempfile.mkdtemp(prefix=tag + "-", dir=self.workdir)
        path = os.path.join(d, "prog.py")
        with open(path, "w", encoding="utf-8") as f:
            f.write(EXIT_HOOK + src)
        try:
            want = run("python3", path, self.timeout)
            if want.timed_out:
                return None
            # strand gets more time: a debug build is slower than python3.
            got = run(self.strand, path, self.timeout * 3)
            return classify(want, got), want, got
        finally:
            for name in os.listdir(d):
                os.unlink(os.path.join(d, name))
            os.rmdir(d)


# -- shrinking ---------------------------------------------------------------------------


def statement_lists(tree):
    """Every statement list in the tree (module body, function bodies, ...)."""
    out = []
    for node in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            v = getattr(node, field, None)
            if isinstance(v, list) and v and isinstance(v[0], ast.stmt):
                out.append((node, field))
        if isinstance(node, ast.Try) or isinstance(node, getattr(ast, "TryStar", ast.Try)):
            for h in node.handlers:
                out.append((h, "body"))
        if isinstance(node, ast.Match):
            for c in node.cases:
                out.append((c, "body"))
    return out


def unparse(tree):
    try:
        return ast.unparse(ast.fix_missing_locations(tree))
    except Exception:
        return None


class Shrinker:
    """Delta debugging (ddmin) over statement lists, then expression replacement, while
    the program keeps differing in the same way."""

    def __init__(self, checker, kind, budget):
        self.checker = checker
        self.kind = kind
        self.budget = budget

    def interesting(self, src):
        if src is None or self.budget <= 0:
            return False
        self.budget -= 1
        r = self.checker.check(src, "shrink")
        return r is not None and r[0] == self.kind

    def shrink(self, src):
        tree = ast.parse(src)
        changed = True
        while changed and self.budget > 0:
            changed = self.shrink_statements(tree) | self.shrink_expressions(tree)
        return unparse(tree)

    def shrink_statements(self, tree):
        changed = False
        for node, field in statement_lists(tree):
            stmts = getattr(node, field)
            n = 2
            while len(stmts) >= 1 and self.budget > 0:
                chunk = max(1, len(stmts) // n)
                removed = False
                for start in range(0, len(stmts), chunk):
                    candidate = stmts[:start] + stmts[start + chunk:]
                    keep = candidate or [ast.Pass()]
                    setattr(node, field, keep)
                    if self.interesting(unparse(tree)):
                        stmts = keep
                        removed = changed = True
                        break
                    setattr(node, field, stmts)
                if removed:
                    n = max(n - 1, 2)
                elif chunk == 1:
                    break
                else:
                    n = min(n * 2, len(stmts))
        return changed

    def shrink_expressions(self, tree):
        changed = False
        for node in list(ast.walk(tree)):
            for field, value in ast.iter_fields(node):
                if not isinstance(value, ast.expr) or self.budget <= 0:
                    continue
                options = [c for c in ast.iter_child_nodes(value) if isinstance(c, ast.expr)]
                options += [ast.Constant(0), ast.Constant(None)]
                for o in options:
                    setattr(node, field, o)
                    if self.interesting(unparse(tree)):
                        changed = True
                        break
                    setattr(node, field, value)
        return changed


# -- driver ------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--strand", default="target/release/strand")
    ap.add_argument("--seeds", help="a range START:END of seeds")
    ap.add_argument("--time", type=float, help="run random seeds for this many seconds")
    ap.add_argument("--replay", type=int, help="run one seed and show both outputs")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--timeout", type=float, default=10.0, help="python3's time limit (s)")
    ap.add_argument("--out", default="fuzz/pyfuzz/failures")
    ap.add_argument("--no-shrink", action="store_true")
    ap.add_argument("--shrink-budget", type=int, default=300)
    ap.add_argument("--max-failures", type=int, default=20)
    args = ap.parse_args()
    strand = os.path.abspath(args.strand)
    workdir = tempfile.mkdtemp(prefix="pyfuzz-")
    checker = Checker(strand, args.timeout, workdir)

    if args.replay is not None:
        src = gen.generate(args.replay)
        r = checker.check(src)
        if r is None:
            print("skipped (python3 rejects it or runs too long)")
            return 0
        kind, want, got = r
        print(src)
        print("--- python3 (status %s)\n%s%s" % (want.status, want.stdout, want.stderr))
        print("--- strand (status %s)\n%s%s" % (got.status, got.stdout, got.stderr))
        print("result:", kind or "same")
        return 1 if kind else 0

    if args.seeds:
        a, b = (int(x) for x in args.seeds.split(":"))
        seeds = iter(range(a, b))
        deadline = None
    else:
        base = random.SystemRandom().randrange(10**9)
        print(f"time-seeded batch: seeds from {base} upwards", flush=True)
        seeds = iter(range(base, base + 10**9))
        deadline = time.monotonic() + (args.time or 60)

    counts = {"run": 0, "same": 0, "skipped": 0}
    failures = []
    os.makedirs(args.out, exist_ok=True)

    def one(seed):
        return seed, checker.check(gen.generate(seed))

    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        pending = []
        exhausted = False
        while True:
            while not exhausted and len(pending) < args.jobs * 2:
                if deadline is not None and time.monotonic() > deadline:
                    exhausted = True
                    break
                s = next(seeds, None)
                if s is None:
                    exhausted = True
                    break
                pending.append(pool.submit(one, s))
            if not pending:
                break
            fut = pending.pop(0)
            seed, r = fut.result()
            counts["run"] += 1
            if r is None:
                counts["skipped"] += 1
                continue
            kind = r[0]
            if kind is None:
                counts["same"] += 1
                continue
            counts[kind] = counts.get(kind, 0) + 1
            failures.append((seed, kind))
            print(f"seed {seed}: {kind}", flush=True)
            if len(failures) >= args.max_failures:
                exhausted = True

    for seed, kind in failures:
        src = gen.generate(seed)
        small = src
        if not args.no_shrink:
            small = Shrinker(checker, kind, args.shrink_budget).shrink(src) or src
        path = os.path.join(args.out, f"seed{seed}_{kind}.py")
        with open(path, "w", encoding="utf-8") as f:
            f.write(f"# pyfuzz seed {seed}: {kind}\n" + small + "\n")
        print(f"  shrunk to {path} ({len(small.splitlines())} lines)")

    os.rmdir(workdir) if not os.listdir(workdir) else None
    print("programs: %d run, %d same, %d skipped, %d different %s" % (
        counts["run"], counts["same"], counts["skipped"], len(failures),
        {k: v for k, v in counts.items() if k not in ("run", "same", "skipped")}))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
