"""Runs a benchmark program and reports the time its garbage collections took.

    python3 bench/gc_harness.py benchmarks/gc_cycles.py [ARGS...]
    strand  bench/gc_harness.py benchmarks/gc_cycles.py [ARGS...]

Works under python3 and strand alike (it uses only gc.callbacks, time.perf_counter,
compile, exec and os.path). Two measurements, printed on stderr as one line after the program
ends:

    # gc-harness: collections=N total=S longest=S explicit_calls=N explicit_total=S

- collections / total / longest: every collection, automatic or explicit, timed from
  gc.callbacks' "start" to its "stop" (under CPython 3.11 that includes the finalizers
  run by the collection; under strand it is the whole collection, of which strand's
  `-X stats` gives the stop-the-world part separately);
- explicit_calls / explicit_total: the program's own gc.collect() calls, timed around
  the call (gc.collect is replaced by a timing wrapper before the program runs).

The program's stdout is untouched, so its checksum can still be compared.
"""
import gc
import os
import sys
import time

_clock = time.perf_counter
_stats = {"collections": 0, "total": 0.0, "longest": 0.0,
          "explicit_calls": 0, "explicit_total": 0.0}
_started = [0.0]


def _callback(phase, info):
    if phase == "start":
        _started[0] = _clock()
    elif phase == "stop":
        elapsed = _clock() - _started[0]
        _stats["collections"] += 1
        _stats["total"] += elapsed
        if elapsed > _stats["longest"]:
            _stats["longest"] = elapsed


_collect = gc.collect


def _timed_collect(*args, **kwargs):
    t0 = _clock()
    try:
        return _collect(*args, **kwargs)
    finally:
        _stats["explicit_calls"] += 1
        _stats["explicit_total"] += _clock() - t0


def _report():
    sys.stdout.flush()
    print("# gc-harness: collections=%d total=%.9f longest=%.9f explicit_calls=%d "
          "explicit_total=%.9f" % (_stats["collections"], _stats["total"], _stats["longest"],
                                   _stats["explicit_calls"], _stats["explicit_total"]),
          file=sys.stderr)


def main():
    if len(sys.argv) < 2:
        raise SystemExit("usage: gc_harness.py PROGRAM [ARGS...]")
    path = sys.argv[1]
    sys.argv = sys.argv[1:]
    # As `python3 PROGRAM` does: the program's directory first on the module path (the
    # benchmarks import benchmarks/_report.py).
    sys.path[0] = os.path.dirname(os.path.abspath(path))
    with open(path) as f:
        code = compile(f.read(), path, "exec")
    namespace = {"__name__": "__main__", "__file__": path, "__builtins__": __builtins__}
    gc.callbacks.append(_callback)
    gc.collect = _timed_collect
    try:
        exec(code, namespace)
    finally:
        gc.collect = _collect
        gc.callbacks.remove(_callback)
        _report()


main()
