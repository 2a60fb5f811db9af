"""Deep-container traversal: build nested dicts/lists/tuples and walk them recursively.
Prints node counts and a checksum."""
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


def build(depth, width):
    if depth == 0:
        return depth * width + 1
    children = [build(depth - 1, width) for _ in range(width)]
    return {"depth": depth, "children": children, "meta": (depth, width, str(depth))}


def walk(node):
    if isinstance(node, int):
        return 1, node
    count, total = 1, node["depth"]
    for child in node["children"]:
        c, t = walk(child)
        count += c
        total += t
    count += len(node["meta"])
    return count, total


def main(rounds):
    result = None
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        tree = build(7, 5)
        result = walk(tree)
        times.append(time.perf_counter() - t0)
    print(*result)
    report_time_per_iteration(times)


main(int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 3)
