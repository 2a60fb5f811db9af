# Recursion: deep (but bounded) recursion, mutual recursion, memoized recursion, and
# RecursionError from runaway recursion (caught).
import sys

def depth(n):
    return 0 if n == 0 else 1 + depth(n - 1)
print(depth(500))

def is_even(n):
    return True if n == 0 else is_odd(n - 1)
def is_odd(n):
    return False if n == 0 else is_even(n - 1)
print(is_even(100), is_odd(77))

memo = {}
def ways(n):
    if n <= 1:
        return 1
    if n not in memo:
        memo[n] = ways(n - 1) + ways(n - 2)
    return memo[n]
print(ways(90))

def hanoi(n, a, b, c, moves):
    if n:
        hanoi(n - 1, a, c, b, moves)
        moves.append((a, c))
        hanoi(n - 1, b, a, c, moves)
    return moves
print(len(hanoi(10, "A", "B", "C", [])), hanoi(2, "A", "B", "C", []))

def perms(items):
    if len(items) <= 1:
        return [items]
    out = []
    for i, x in enumerate(items):
        for p in perms(items[:i] + items[i + 1:]):
            out.append([x] + p)
    return out
print(len(perms([1, 2, 3, 4, 5])), perms([1, 2, 3])[:3])

def forever(n):
    return forever(n + 1)
try:
    forever(0)
except RecursionError as e:
    print("RecursionError:", e)

class Node:
    def __init__(self, children=()):
        self.children = list(children)
    def size(self):
        return 1 + sum(c.size() for c in self.children)
tree = Node([Node([Node(), Node()]), Node([Node([Node()])])])
print(tree.size())

def ackermann(m, n):
    if m == 0:
        return n + 1
    if n == 0:
        return ackermann(m - 1, 1)
    return ackermann(m - 1, ackermann(m, n - 1))
print(ackermann(2, 3))
print(sys.getrecursionlimit() >= 1000)

class Rec:
    def __repr__(self):
        return repr(self)
try:
    repr(Rec())
except RecursionError as e:
    print("RecursionError in __repr__")
try:
    d = {}
    def grow(x):
        return grow([x])
    grow(1)
except RecursionError:
    print("caught again; still running")
print(depth(200))
