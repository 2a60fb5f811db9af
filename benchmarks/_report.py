"""Shared by the programs in benchmarks/ (not a benchmark itself: bench/run.py skips
files whose names start with an underscore)."""
import sys


def report_time_per_iteration(times):
    """With --report, print the steady-state time of one iteration to stderr as
    '# time-per-iteration: <seconds>': the median over the iterations after the first
    (the first is warm-up). stdout, the checksum, is unchanged."""
    if "--report" in sys.argv and times:
        steady = sorted(times[1:] or times)
        mid = len(steady) // 2
        median = steady[mid] if len(steady) % 2 else (steady[mid - 1] + steady[mid]) / 2
        print("# time-per-iteration: %.9f" % median, file=sys.stderr)
