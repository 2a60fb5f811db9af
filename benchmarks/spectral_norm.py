"""Spectral norm of an infinite matrix (Computer Language Benchmarks Game). Prints the
norm as the checksum."""
import sys
import time

from _report import report_time_per_iteration


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
