"""Spectral norm of an infinite matrix (Computer Language Benchmarks Game). Prints the
norm as the checksum."""
import sys
import time


def report_time_per_iteration(times):
    """With --report, print the steady-state time of one iteration to stderr as
    '# time-per-iteration: <seconds>': the median over the iterations after the first
    (the first is warm-up). stdout, the checksum, is unchanged."""
    if "--report" in sys.argv and times:
        steady = sorted(times[1:] or times)
        mid = len(steady) // 2
        median = steady[mid] if len(steady) % 2 else (steady[mid - 1] + steady[mid]) / 2
        print("# time-per-iteration: %.9f" % median, file=sys.stderr)


def eval_A(i, j):
    return 1.0 / ((i + j) * (i + j + 1) // 2 + i + 1)


def eval_A_times_u(u):
    n = len(u)
    return [sum(eval_A(i, j) * u_j for j, u_j in enumerate(u)) for i in range(n)]


def eval_At_times_u(u):
    n = len(u)
    return [sum(eval_A(j, i) * u_j for j, u_j in enumerate(u)) for i in range(n)]


def eval_AtA_times_u(u):
    return eval_At_times_u(eval_A_times_u(u))


def main(n):
    u = [1.0] * n
    times = []
    for _ in range(10):
        t0 = time.perf_counter()
        v = eval_AtA_times_u(u)
        u = eval_AtA_times_u(v)
        times.append(time.perf_counter() - t0)
    vBv = vv = 0.0
    for ue, ve in zip(u, v):
        vBv += ue * ve
        vv += ve * ve
    print("%0.9f" % ((vBv / vv) ** 0.5))
    report_time_per_iteration(times)


main(int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 250)
