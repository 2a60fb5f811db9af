# Loops whose iterations take different paths: the JIT compiles the path it
# recorded, and side traces for the exits taken often (branches, other types,
# other methods). Results, exceptions and tracebacks must be the interpreter's.

def branches(n):
    total = 0
    odd = 0
    for i in range(n):
        if i % 3 == 0:
            total += i
        elif i % 3 == 1:
            total -= 1
            odd += 1
        else:
            total ^= i
    return total, odd

print(branches(20000))


class A:
    def get(self):
        return 1


class B:
    def get(self):
        return 2.5


class C(B):
    def get(self):
        return -3


def polymorphic(objs):
    s = 0
    for o in objs:
        s += o.get()
    return s

print(polymorphic([A(), B(), B(), C()] * 3000))


def mixed_numbers(n):
    out = []
    for i in range(n):
        x = i * 2 if i & 1 else i + 0.5
        if x > 100 and i % 7 == 0:
            x = -x
        out.append(x)
    return sum(out), out[-3:]

print(mixed_numbers(30000))


def raises_late(n):
    d = {}
    count = 0
    for i in range(n):
        if i % 5 == 0:
            d[i] = i
        else:
            count += d[i - i % 5]
        if i == n - 7:
            count += d[i + 1000]   # KeyError inside a side trace's path
    return count

try:
    raises_late(20000)
except KeyError as e:
    print("KeyError", e)


def new_global_mid_loop(n):
    s = 0
    for i in range(n):
        s += helper_value
        if i == n // 2:
            globals()["late_name_%d" % i] = i   # changes the module dict's keys
    return s

helper_value = 3
print(new_global_mid_loop(10000))


def strings(words):
    lengths = {}
    for w in words:
        if w.startswith("a"):
            lengths[w] = len(w)
        elif len(w) > 3:
            lengths[w] = -len(w)
        else:
            lengths[w] = None
    return sorted(lengths.items(), key=lambda kv: kv[0])[:5]

print(strings(["apple", "be", "cherry", "ant", "dog", "elephant"] * 2000))


def while_loop(n):
    i = 0
    acc = 0.0
    while i < n:
        if i % 2:
            acc += 1.5
        else:
            acc -= 0.25
        if i % 1000 == 999:
            acc = acc / 2
        i += 1
    return acc

print(while_loop(50000))


def nested_exits(rows):
    total = 0
    for r in rows:
        a, b = r
        if a is None:
            continue
        if b:
            total += a
        else:
            total -= a
    return total

print(nested_exits([(1, True), (None, False), (5, False), (7, 0), (2, 1)] * 5000))


def unbound_in_branch(n):
    for i in range(n):
        if i == n - 1:
            del i
            return i  # UnboundLocalError
    return 0

try:
    unbound_in_branch(3000)
except UnboundLocalError as e:
    print("UnboundLocalError", e)
