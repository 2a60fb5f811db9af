# List and tuple subclasses that override __iter__: everything that iterates them
# goes through the override (CPython's fast paths are for the exact types only).
class L(list):
    def __iter__(self):
        return iter(["x", "y"])


class T(tuple):
    def __iter__(self):
        return iter(["p", "q"])


def f(*args):
    return args


for seq in (L([5, 6]), T((1, 2))):
    a, b = seq
    print(a, b)
    print([*seq], (*seq,), {*seq} == set(seq), f(*seq))
    print(list(seq), tuple(seq), sorted(seq), "".join(seq))
    print([v for v in seq], min(seq), max(seq), list(zip(seq, seq)))
    print(list(enumerate(seq)), list(reversed(seq)), len(seq))
    out = []
    out.extend(seq)
    out += seq
    print(out)
    print(dict(zip(seq, range(2))), any(seq), all(seq))
try:
    e, g = L([1, 2, 3])
    print(e, g)
except ValueError as err:
    print("ValueError", err)
for a, b in [L([1, 2]), L([3, 4])]:
    print(a, b)
