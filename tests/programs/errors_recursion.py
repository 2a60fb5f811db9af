import sys
def depth(n):
    return depth(n + 1)
try:
    depth(0)
except RecursionError as e:
    print("caught:", e)
sys.setrecursionlimit(200)
def count(n):
    try:
        return count(n + 1)
    except RecursionError:
        return n
print(count(0) > 150)
sys.setrecursionlimit(1000)
def a(n):
    return b(n)
def b(n):
    return a(n + 1)
a(0)
