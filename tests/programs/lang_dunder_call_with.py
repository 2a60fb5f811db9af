# __call__ and context managers: __enter__/__exit__, suppression, exceptions in both.
class Adder:
    def __init__(self, n):
        self.n = n
    def __call__(self, x, *, times=1):
        return (x + self.n) * times

add5 = Adder(5)
print(add5(1), add5(1, times=3), callable(add5), callable(Adder), callable(5))
try:
    add5()
except TypeError as e:
    print("TypeError:", e)
five, text = 5, "str"
try:
    five()
except TypeError as e:
    print("TypeError:", e)
try:
    text("x")
except TypeError as e:
    print("TypeError:", e)

class Resource:
    def __init__(self, name, suppress=False):
        self.name = name
        self.suppress = suppress
    def __enter__(self):
        print("enter", self.name)
        return self.name.upper()
    def __exit__(self, et, ev, tb):
        print("exit", self.name, et.__name__ if et else None, ev, tb is not None)
        return self.suppress

with Resource("a") as r:
    print("body", r)

with Resource("b", suppress=True):
    raise ValueError("swallowed")
print("after b")

try:
    with Resource("c"):
        raise KeyError("k")
except KeyError as e:
    print("propagated", repr(e))

with Resource("outer") as o, Resource("inner") as i:
    print("both", o, i)

def early():
    with Resource("ret"):
        return "returned"
print(early())

for n in range(3):
    with Resource(f"loop{n}"):
        if n == 1:
            continue
        if n == 2:
            break
        print("loop body", n)

class BadExit:
    def __enter__(self):
        return self
    def __exit__(self, *a):
        raise RuntimeError("from exit")
try:
    with BadExit():
        raise ValueError("original")
except RuntimeError as e:
    print("RuntimeError:", e, "context:", repr(e.__context__))

class NoExit:
    def __enter__(self):
        return 1
try:
    with NoExit():
        pass
except (AttributeError, TypeError) as e:
    print(type(e).__name__ + ":", e)

class NoEnter:
    def __exit__(self, *a):
        pass
try:
    with NoEnter():
        pass
except (AttributeError, TypeError) as e:
    print(type(e).__name__ + ":", e)

class Counting:
    depth = 0
    def __enter__(self):
        Counting.depth += 1
        return Counting.depth
    def __exit__(self, *a):
        Counting.depth -= 1

with Counting() as d1:
    with Counting() as d2:
        print("depths", d1, d2, Counting.depth)
print("depth after", Counting.depth)

class Truthy:
    def __enter__(self):
        return self
    def __exit__(self, *a):
        return "yes"
with Truthy():
    1 / 0
print("suppressed by truthy return")
