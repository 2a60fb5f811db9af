# Argument checks and messages that CPython 3.11 gives.
import itertools, sys

def t(label, fn):
    try:
        print(label, "->", repr(fn()))
    except Exception as e:
        print(label, "->", type(e).__name__, e)

t("splitlines str", lambda: 'a\nb'.splitlines('x'))
t("splitlines float", lambda: 'a\nb'.splitlines(keepends=1.5))
t("splitlines None", lambda: 'a\nb'.splitlines(None))
t("splitlines int", lambda: 'a\nb'.splitlines(2))
t("splitlines bool", lambda: 'a\r\nb'.splitlines(True))
t("bytes splitlines", lambda: b'a\nb'.splitlines('x'))
t("pop empty default", lambda: {}.pop([], None))
t("pop empty", lambda: {}.pop([]))
t("pop unhashable", lambda: {1: 2}.pop([], None))
t("islice step", lambda: list(itertools.islice(range(5), 0, 10, 10**20)))
t("islice stop", lambda: list(itertools.islice(range(5), 0, 10**20, 1)))
t("islice start", lambda: list(itertools.islice(range(5), 10**20, None)))
t("islice neg", lambda: list(itertools.islice(range(5), -1, 10)))
t("islice zero step", lambda: list(itertools.islice(range(5), 0, 10, 0)))
t("islice ok", lambda: list(itertools.islice(range(10), 1, 8, 3)))
t("format inf x", lambda: format(float('inf'), 'x'))
t("format nan d", lambda: format(float('nan'), 'd'))
t("format -inf b", lambda: format(float('-inf'), 'b'))
t("format inf ok", lambda: format(float('inf'), '>8.2f'))
t("setrecursionlimit 2**31", lambda: sys.setrecursionlimit(2**31))
t("setrecursionlimit float", lambda: sys.setrecursionlimit(1.5))
t("setrecursionlimit 0", lambda: sys.setrecursionlimit(0))
t("to_bytes byteorder", lambda: (1).to_bytes(1, 5))
t("from_bytes byteorder", lambda: int.from_bytes(b'1', 5))
t("to_bytes bad order", lambda: (1).to_bytes(1, 'middle'))
print(sys.getrecursionlimit())

class D:
    def __set_name__(self, owner, name):
        raise ValueError("boom")
try:
    class C:
        x = D()
except RuntimeError as e:
    print(type(e).__name__, e, repr(e.__cause__), e.__suppress_context__)

class Q:
    y = D()
