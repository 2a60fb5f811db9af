"""Deep-container traversal: build nested dicts/lists/tuples and walk them recursively.
Prints node counts and a checksum."""
import sys
import time

from _report import report_time_per_iteration


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
