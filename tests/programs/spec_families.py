# Every specialized instruction form, first with the operand types it specializes
# for, then with others that break its guard (the generic code must take over and
# give the same results and errors as CPython).


def run(name, f, good, bad):
    out = []
    for args in good * 3:
        out.append(f(*args))
    for args in bad:
        try:
            out.append(f(*args))
        except Exception as e:
            out.append("%s: %s" % (type(e).__name__, e))
    for args in good:
        out.append(f(*args))
    print(name, out)


run("add", lambda a, b: a + b, [(1, 2), (2**62, 2**62)], [(1.5, 2), ("a", "b"), ([1], [2]), (1, None)])
run("sub", lambda a, b: a - b, [(5, 7), (-2**63, 1)], [(1.5, 0.25), (2, 0.5), ({1}, {1})])
run("mul", lambda a, b: a * b, [(6, 7), (2**40, 2**40)], [("ab", 3), (1.5, 4), ([0], 2)])
run("fadd", lambda a, b: a + b, [(0.5, 0.25)], [(1, 2), (1, 0.5), (True, 0.5)])
run("fsub", lambda a, b: a - b, [(0.5, 0.25)], [(3, 1), (2**60, 0.5)])
run("fmul", lambda a, b: a * b, [(1.5, 4.0)], [(3, 2), (-0.0, 5)])
run("fdiv", lambda a, b: a / b, [(1.0, 4.0)], [(1.0, 0.0), (1, 0), (7, 2)])
run("mixed", lambda a, b: a * b + b / a - a, [(2, 0.5), (0.5, 3)], [(2**60 + 1, 0.5), (2, 0), ("x", 2)])
run("concat", lambda a, b: a + b, [("ab", "cd")], [(b"ab", b"cd"), ("a", 1)])
run("iadd", lambda a, b: (a.__iadd__(b) if isinstance(a, list) else a + b), [("x", "y")], [([1], [2])])


def cmp(a, b):
    return (a < b, a <= b, a == b, a != b, a > b, a >= b)


run("cmp_int", cmp, [(1, 2), (3, 3)], [(1.0, 2), ("a", "b"), (2**70, 1), (1, None)])
run("cmp_float", cmp, [(0.5, 1.5), (float("nan"), 1.0)], [(1, 2.5), (True, 0.5)])
run("cmp_str", lambda a, b: (a == b, a != b), [("x", "x"), ("x", "y")], [(1, 1), ("x", b"x")])
run("cmp_str_order", lambda a, b: a < b, [("apple", "banana")], [("b", "a"), (1, 2)])


def truth(v):
    if v:
        return "yes"
    return "no"


class Plain:
    pass


class Falsy:
    def __bool__(self):
        return False


class Sized:
    def __len__(self):
        return 0


run("to_bool", truth, [(True,), (False,), (0,), (5,), ([],), ([1],), (None,), ("",), ("a",), (Plain(),)],
    [(Falsy(),), (Sized(),), (0.0,), ({},), (2**80,)])
Plain.__len__ = lambda self: 0
run("to_bool_class_changed", truth, [(Plain(),)], [])


def subscr(c, k):
    return c[k]


run("subscr_list", subscr, [([1, 2, 3], 1), ([1, 2, 3], -1)], [([1], 5), ([1], "x"), ((1, 2), 0), ("abc", 1)])
run("subscr_tuple", subscr, [((1, 2, 3), 2)], [((1,), 3), ([4, 5], 0)])
run("subscr_dict", subscr, [({"a": 1}, "a")], [({"a": 1}, "b"), ({}, []), ([1], 0)])
run("subscr_str", subscr, [("hello", 1), ("hello", -1)], [("hé", 1), ("abc", 9), (b"abc", 0)])


class DefaultDict(dict):
    def __missing__(self, key):
        return "missing " + key


run("subscr_dict_subclass", subscr, [({"k": 0}, "k")], [(DefaultDict(), "q")])


def store(c, k, v):
    c[k] = v
    return c


run("store_list", store, [([0, 0], 1, 9)], [([0], 4, 1), ({}, "k", 2), ([0], -1, 3)])
run("store_dict", store, [({}, "a", 1)], [({}, [], 1), ([0], 0, 5)])


def contains(k, c):
    return (k in c, k not in c)


run("contains_dict", contains, [("a", {"a": 1})], [("a", ["a"]), ([], {})])
run("contains_set", contains, [(1, {1, 2}), (3, frozenset([3]))], [(1, [1]), ({}, {1})])


def unpack(s):
    a, b = s
    return a - b


def unpack3(s):
    a, b, c = s
    return a + b + c


run("unpack2", unpack, [((5, 2),), ([7, 1],)], [((1, 2, 3),), ([1],), ("ab",), (iter([4, 3]),)])
run("unpack3", unpack3, [((1, 2, 3),), ([1, 2, 3],)], [((1, 2),), ({1: 0, 2: 0, 3: 0},)])


def py(a, b=10, *c, **d):
    return (a, b, c, d)


def py2(a, b):
    return a * b


def call_it(f, *args, **kw):
    return f(*args, **kw)


def call2(f, x):
    return f(x, 3)


run("call_py_exact", call2, [(py2, 2)], [(lambda x, y: x - y, 2), (max, 5), (print, "")])
run("call_py_general", lambda f: f(1), [(py,)], [(py2,), (len,)])


class C:
    def __init__(self, x):
        self.x = x

    def m(self, y):
        return self.x + y


def call_bound(m):
    return m(5)


run("call_bound_method", call_bound, [(C(1).m,)], [(C(2).m,), (abs,), (lambda v: v * 2,)])


def make(cls, x):
    return cls(x)


class D(C):
    def __init__(self, x):
        super().__init__(x * 2)


class Bad:
    def __init__(self, x):
        return x


run("alloc_init", lambda cls, x: make(cls, x).x, [(C, 3)], [(D, 3), (dict, 1)])
run("alloc_init_returns", lambda cls, x: type(make(cls, x)).__name__, [(C, 1)], [(Bad, 5)])
C.__init__ = lambda self, x: setattr(self, "x", -x)
run("alloc_init_replaced", lambda cls, x: make(cls, x).x, [(C, 3)], [])
run("builtins", lambda v: (len(v), isinstance(v, list), type(v).__name__, str(v), tuple(v)),
    [([1, 2],)], [("ab",), ({3: 4},)])
run("len_bad", len, [([],)], [(5,), (None,)])
run("isinstance_bad", lambda a, b: isinstance(a, b), [(1, int)], [(1, 5), (1, (int, str))])


def appender(lst, v):
    lst.append(v)
    return lst


class MyList(list):
    def append(self, v):
        list.append(self, v * 10)


run("list_append", appender, [([], 1)], [(MyList(), 2), (set(), 3)])
run("method_descr", lambda s: s.upper(), [("abc",)], [(b"abc",), (1,)])
run("builtin_class", lambda v: (int(v), float(v), list(str(v))), [(7,)], [("9",), ("x",)])


def recurse(n):
    return 0 if n == 0 else 1 + recurse(n - 1)


print(recurse(500))
try:
    recurse(100000)
except RecursionError as e:
    print("RecursionError", e)
