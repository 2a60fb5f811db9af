"""Deep-container traversal: build nested dicts/lists/tuples and walk them recursively.
Prints node counts and a checksum."""
import sys


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
    for _ in range(rounds):
        tree = build(7, 5)
        result = walk(tree)
    print(*result)


main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
