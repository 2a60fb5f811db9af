"""Many small reference cycles collected with gc.collect(). Prints the number of nodes
finalized (each runs __del__ once) and, with --report, the time spent collecting."""
import gc
import sys
import time

from _report import report_time_per_iteration


freed = 0


class Node:
    def __init__(self, value):
        self.value = value
        self.next = None

    def __del__(self):
        global freed
        freed += 1


def make_cycles(count, length):
    for _ in range(count):
        first = Node(0)
        node = first
        for i in range(1, length):
            node.next = Node(i)
            node = node.next
        node.next = first


def main(rounds):
    gc.disable()
    pause = 0.0
    times = []
    for _ in range(rounds):
        t_round = time.perf_counter()
        make_cycles(1000, 10)
        t0 = time.perf_counter()
        gc.collect()
        t1 = time.perf_counter()
        pause += t1 - t0
        times.append(t1 - t_round)
    gc.enable()
    print(freed)
    if "--report" in sys.argv:
        print("gc time %.6f s" % pause, file=sys.stderr)
    report_time_per_iteration(times)


main(int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 20)
