"""Random Python 3.11 programs for differential testing (strand against python3).

`generate(seed)` returns the source of one program; the same seed always gives the
same program. A program is a sequence of *features*, each a short self-contained
piece of code over the language strand supports: expressions over ints (big ones
too), floats (nan, inf, -0.0), strings, bytes, lists, tuples, dicts and sets;
string methods and formatting (%, format, f-strings); comprehensions; functions
with defaults, keyword-only and positional-only parameters, closures with
nonlocal/global; lambdas; classes with dunders, inheritance, properties and
descriptors; exceptions with chaining, finally and groups (except*); generators with
send/throw/close; coroutines run by a small driver; context managers; match;
sorting with keys; recursion near the limit.

Every value a program computes is printed, and every expression that may raise is
evaluated by `probe`, which prints the exception's type and message instead: the
output shows what each implementation computed. Nothing depends on object
addresses, dict/set orders of str hashes, or the clock.
"""

import random

PRELUDE = '''\
def probe(f):
    try:
        r = f()
    except Exception as e:
        print("!", type(e).__name__, e)
    else:
        print(repr(r))

def safe(f):
    try:
        return f()
    except Exception as e:
        return type(e).__name__
'''

INT_BINOPS = ["+", "-", "*", "//", "%", "&", "|", "^"]
FLOAT_BINOPS = ["+", "-", "*", "/", "//", "%"]
CMP_OPS = ["<", "<=", "==", "!=", ">", ">="]
STR_METHODS0 = ["upper", "lower", "title", "capitalize", "swapcase", "strip", "lstrip",
                "rstrip", "casefold", "isdigit", "isalpha", "isalnum", "isspace",
                "isupper", "islower", "istitle", "isidentifier", "isprintable",
                "isdecimal", "isnumeric", "isascii", "splitlines"]
EXCEPTIONS = ["ValueError", "TypeError", "KeyError", "IndexError", "RuntimeError",
              "ZeroDivisionError", "AttributeError", "LookupError", "ArithmeticError",
              "OverflowError", "NotImplementedError", "StopIteration"]


class Gen:
    """One program's generator state: the random source, the output lines, the
    indentation and a counter for fresh names."""

    def __init__(self, seed):
        self.r = random.Random(seed)
        self.lines = []
        self.indent = 0
        self.n = 0

    # -- helpers -------------------------------------------------------------------

    def chance(self, p):
        return self.r.random() < p

    def pick(self, seq):
        return self.r.choice(seq)

    def fresh(self, base="v"):
        self.n += 1
        return f"{base}{self.n}"

    def emit(self, line):
        self.lines.append("    " * self.indent + line)

    def block(self, header, body):
        self.emit(header)
        self.indent += 1
        body()
        self.indent -= 1

    def probe(self, expr):
        self.emit(f"probe(lambda: ({expr}))")

    # -- expressions ------------------------------------------------------------------

    def int_lit(self):
        k = self.r.randrange(10)
        if k < 4:
            return str(self.r.randrange(-10, 100))
        if k == 4:
            return str(self.pick([0, 1, -1, 2**31 - 1, -2**31, 2**63 - 1, 2**63, -2**63, 2**64]))
        if k == 5:
            return str(self.r.randrange(-10**30, 10**30))
        if k == 6:
            return self.pick([hex, oct, bin])(self.r.randrange(1 << self.r.randrange(1, 80)))
        if k == 7:
            return f"(2 ** {self.r.randrange(0, 130)})"
        if k == 8:
            return f"-{self.r.randrange(1, 1000)}"
        return str(self.r.randrange(1000))

    def float_lit(self):
        return self.pick([
            "0.0", "-0.0", "1.5", "-2.25", "0.1", "1e300", "1e-300", "5e-324",
            "1.7976931348623157e308", "float('inf')", "float('-inf')", "float('nan')",
            "3.141592653589793", "2.5", "1e16", "123456.789", "-1e-5", "0.5",
            str(round(self.r.uniform(-1000, 1000), self.r.randrange(0, 6))),
        ])

    def str_lit(self):
        return repr(self.pick([
            "", "a", "abc", "Hello, World", "  spaced  ", "a,b,,c", "line1\nline2\r\nline3",
            "tab\there", "ümlaut", "日本語", "MiXeD cAsE", "123", "3.14", "-42",
            "x" * self.r.randrange(0, 20), "ß", "ﬁ", "\u0130", "snake_case_name",
            "{}", "%s", "a{0}b{1}", "\\back", "q'uote\"", "\x00nul", "ǅ",
        ]))

    def expr(self, kind, depth=0):
        """An expression of roughly `kind` (int, float, str, bool, list, tuple,
        dict, set, bytes, any)."""
        if kind == "any":
            kind = self.pick(["int", "float", "str", "bool", "list", "tuple", "dict",
                              "set", "bytes"])
        leaf = depth >= 3 or self.chance(0.35)
        g = getattr(self, "expr_" + kind)
        return g(depth, leaf)

    def expr_int(self, depth, leaf):
        if leaf:
            return self.int_lit()
        d = depth + 1
        k = self.r.randrange(14)
        if k < 5:
            return f"({self.expr('int', d)} {self.pick(INT_BINOPS)} {self.expr('int', d)})"
        if k == 5:
            return f"({self.expr('int', d)} ** {self.r.randrange(0, 12)})"
        if k == 6:
            return f"({self.expr('int', d)} {self.pick(['<<', '>>'])} {self.r.randrange(0, 70)})"
        if k == 7:
            return f"{self.pick(['-', '~', '+'])}{self.expr('int', d)}"
        if k == 8:
            return f"len({self.expr(self.pick(['str', 'list', 'tuple', 'dict', 'set', 'bytes']), d)})"
        if k == 9:
            return f"{self.pick(['abs', 'int', 'hash'])}({self.expr(self.pick(['int', 'bool']), d)})"
        if k == 10:
            return f"int({self.expr(self.pick(['str', 'float']), d)})"
        if k == 11:
            return f"({self.expr('int', d)} if {self.expr('bool', d)} else {self.expr('int', d)})"
        if k == 12:
            return f"{self.pick(['max', 'min', 'sum'])}({self.expr('list', d)})"
        return f"divmod({self.expr('int', d)}, {self.expr('int', d)})[{self.r.randrange(2)}]"

    def expr_float(self, depth, leaf):
        if leaf:
            return self.float_lit()
        d = depth + 1
        k = self.r.randrange(8)
        if k < 3:
            return f"({self.expr('float', d)} {self.pick(FLOAT_BINOPS)} {self.expr(self.pick(['float', 'int']), d)})"
        if k == 3:
            return f"float({self.expr(self.pick(['int', 'str']), d)})"
        if k == 4:
            return f"round({self.expr('float', d)}, {self.r.randrange(-2, 5)})"
        if k == 5:
            return f"abs({self.expr('float', d)})"
        if k == 6:
            return f"({self.expr('float', d)} ** {self.pick(['2', '0.5', '-1', '3'])})"
        return f"{self.pick(['min', 'max'])}({self.expr('float', d)}, {self.expr('float', d)})"

    def expr_str(self, depth, leaf):
        if leaf:
            return self.str_lit()
        d = depth + 1
        k = self.r.randrange(16)
        s = self.expr("str", d)
        if k == 0:
            return f"{s}.{self.pick(STR_METHODS0)}()"
        if k == 1:
            return f"{s}.replace({self.str_lit()}, {self.str_lit()})"
        if k == 2:
            return f"{self.str_lit()}.join({self.expr('list_of_str', d)})"
        if k == 3:
            return f"{s}[{self.r.randrange(-5, 5)}:{self.r.randrange(-5, 10)}:{self.pick(['1', '2', '-1', ''])}]"
        if k == 4:
            return f"({s} + {self.expr('str', d)})"
        if k == 5:
            return f"({s} * {self.r.randrange(-1, 4)})"
        if k == 6:
            spec = self.pick(["", ">10", "<8", "^9", "*^11", "010", "+", ",", "_", ".3", "x", "#x", "#o", "b", "e", ".2%", "g", "08.3f", "c", "n", "s"])
            return f"format({self.expr(self.pick(['int', 'float', 'str']), d)}, {spec!r})"
        if k == 7:
            conv = self.pick(["%d", "%s", "%r", "%5.2f", "%-6s|", "%x", "%o", "%e", "%c", "%%", "%+d", "%05d", "%a", "%.3g"])
            return f"({conv!r} % ({self.expr(self.pick(['int', 'float', 'str']), d)},))"
        if k == 8:
            spec = self.pick(["", "!r", "!s", "!a", ":>6", ":^7", ":.2f", ":x", "=", ":,"])
            inner = self.expr(self.pick(['int', 'float', 'str']), d)
            # Python 3.11: no backslash, and not the f-string's own quote, inside.
            quote = "'" if "'" not in inner else '"' if '"' not in inner else None
            if quote is None or "\\" in inner or "{" in inner or "}" in inner:
                return f"format({inner}, '')"
            return f"f{quote}<{{{inner}{spec}}}>{quote}"
        if k == 9:
            return f"{s}.{self.pick(['center', 'ljust', 'rjust', 'zfill'])}({self.r.randrange(-2, 15)})"
        if k == 10:
            return f"str({self.expr('any', d)})"
        if k == 11:
            return f"repr({self.expr('any', d)})"
        if k == 12:
            method = self.pick(["split", "rsplit", "partition", "rpartition"])
            sep = self.pick([repr(","), repr(" "), repr("a")]) if method.endswith("partition") else self.pick(["", repr(","), repr(" "), repr("a")])
            return f"str({s}.{method}({sep}))"
        if k == 13:
            return f"str({s}.{self.pick(['find', 'rfind', 'count', 'startswith', 'endswith'])}({self.str_lit()}))"
        if k == 14:
            return f"{s}.expandtabs({self.r.randrange(0, 9)})"
        return f"ascii({s})"

    def expr_list_of_str(self, depth, leaf):
        return "[" + ", ".join(self.str_lit() for _ in range(self.r.randrange(0, 4))) + "]"

    def expr_bool(self, depth, leaf):
        if leaf:
            return self.pick(["True", "False", "not 0", "bool([])"])
        d = depth + 1
        k = self.r.randrange(8)
        if k < 3:
            t = self.pick(["int", "float", "str"])
            if t == "str":
                return f"({self.expr('str', d)} {self.pick(CMP_OPS)} {self.expr('str', d)})"
            return f"({self.expr(t, d)} {self.pick(CMP_OPS)} {self.expr(self.pick(['int', 'float']), d)})"
        if k == 3:
            return f"({self.expr('any', d)} {self.pick(['and', 'or'])} {self.expr('any', d)})"
        if k == 4:
            return f"({self.expr('int', d)} in {self.expr(self.pick(['list', 'set', 'tuple']), d)})"
        if k == 5:
            return f"isinstance({self.expr('any', d)}, {self.pick(['int', 'str', '(list, tuple)', 'float', 'bool', 'object'])})"
        if k == 6:
            return f"{self.pick(['all', 'any'])}({self.expr('list', d)})"
        return f"(not {self.expr('any', d)})"

    def expr_list(self, depth, leaf):
        d = depth + 1
        if leaf:
            return "[" + ", ".join(self.int_lit() for _ in range(self.r.randrange(0, 5))) + "]"
        k = self.r.randrange(9)
        if k == 0:
            return f"[{self.expr('int', d)} for x in range({self.r.randrange(0, 6)}) if x % {self.r.randrange(1, 3)}]"
        if k == 1:
            return f"sorted({self.expr(self.pick(['list', 'set', 'tuple']), d)}, key=lambda x: {self.pick(['-x', 'x % 3', 'str(x)', 'abs(x)', '(x % 2, x)'])}, reverse={self.pick(['True', 'False'])})"
        if k == 2:
            return f"list(range({self.r.randrange(-3, 5)}, {self.r.randrange(0, 12)}, {self.pick(['1', '2', '-1', '3'])}))"
        if k == 3:
            return f"({self.expr('list', d)} + {self.expr('list', d)})"
        if k == 4:
            return f"({self.expr('list', d)} * {self.r.randrange(0, 3)})"
        if k == 5:
            return f"{self.expr('list', d)}[{self.r.randrange(-3, 3)}:{self.r.randrange(-3, 6)}]"
        if k == 6:
            return f"list({self.expr(self.pick(['tuple', 'set', 'str', 'dict']), d)})"
        if k == 7:
            return f"[*{self.expr('list', d)}, {self.expr('int', d)}, *{self.expr('tuple', d)}]"
        return f"list(map(lambda x: x * {self.r.randrange(-2, 3)}, {self.expr('list', d)}))"

    def expr_tuple(self, depth, leaf):
        d = depth + 1
        if leaf:
            n = self.r.randrange(0, 4)
            if n == 1:
                return f"({self.int_lit()},)"
            return "(" + ", ".join(self.int_lit() for _ in range(n)) + ")"
        k = self.r.randrange(4)
        if k == 0:
            return f"tuple({self.expr('list', d)})"
        if k == 1:
            return f"({self.expr('int', d)}, {self.expr('any', d)})"
        if k == 2:
            return f"tuple(sorted({self.expr('set', d)}))"
        return f"divmod({self.expr('int', d)}, {self.r.randrange(1, 7)})"

    def expr_dict(self, depth, leaf):
        d = depth + 1
        if leaf:
            items = ", ".join(f"{self.int_lit()}: {self.int_lit()}" for _ in range(self.r.randrange(0, 4)))
            return "{" + items + "}"
        k = self.r.randrange(5)
        if k == 0:
            return f"{{x: {self.expr('int', d)} for x in range({self.r.randrange(0, 5)})}}"
        if k == 1:
            return f"{{**{self.expr('dict', d)}, **{self.expr('dict', d)}}}"
        if k == 2:
            return f"({self.expr('dict', d)} | {self.expr('dict', d)})"
        if k == 3:
            return f"dict(zip({self.expr('list', d)}, {self.expr('list', d)}))"
        return f"dict.fromkeys({self.expr('list', d)}, {self.expr('int', d)})"

    def expr_set(self, depth, leaf):
        d = depth + 1
        if leaf:
            return "{" + ", ".join(self.int_lit() for _ in range(self.r.randrange(1, 5))) + "}"
        k = self.r.randrange(4)
        if k == 0:
            return f"({self.expr('set', d)} {self.pick(['|', '&', '-', '^'])} {self.expr('set', d)})"
        if k == 1:
            return f"set({self.expr('list', d)})"
        if k == 2:
            return f"{{x % {self.r.randrange(1, 5)} for x in {self.expr('list', d)}}}"
        return f"frozenset({self.expr('list', d)})"

    def expr_bytes(self, depth, leaf):
        if leaf:
            return self.pick(["b''", "b'abc'", "b'\\x00\\xff'", "bytes(3)", "b'Hello'", "bytes([65, 66])"])
        d = depth + 1
        k = self.r.randrange(5)
        if k == 0:
            return f"({self.expr('bytes', d)} + {self.expr('bytes', d)})"
        if k == 1:
            return f"{self.expr('bytes', d)}.{self.pick(['upper', 'lower', 'strip', 'hex', 'title'])}()"
        if k == 2:
            return f"{self.expr('str', d)}.encode({self.pick(['', repr('utf-8'), repr('ascii'), repr('latin-1')])})"
        if k == 3:
            return f"{self.expr('bytes', d)}[{self.r.randrange(-3, 3)}:{self.r.randrange(-3, 5)}]"
        return f"({self.expr('int', d)}).to_bytes({self.r.randrange(0, 12)}, {self.pick([repr('big'), repr('little')])}, signed={self.pick(['True', 'False'])})"

    # -- features -------------------------------------------------------------------

    def f_probes(self):
        for _ in range(self.r.randrange(1, 6)):
            self.probe(self.expr("any"))

    def safe_assign(self, v, expr, fallback="0"):
        """`v = expr`, or `v = fallback` (and the error printed) if it raises."""
        self.emit("try:")
        self.emit(f"    {v} = {expr}")
        self.emit("except Exception as e:")
        self.emit("    print('!', type(e).__name__, e)")
        self.emit(f"    {v} = {fallback}")

    def f_assign_ops(self):
        v = self.fresh()
        self.safe_assign(v, self.expr(self.pick(['int', 'list', 'str'])))
        for _ in range(self.r.randrange(1, 4)):
            op = self.pick(["+=", "*=", "-=", "//=", "%=", "|=", "&=", "^=", "<<="])
            rhs = self.expr("int") if op != "<<=" else str(self.r.randrange(0, 8))
            self.emit("try:")
            self.indent += 1
            self.emit(f"{v} {op} {rhs}")
            self.indent -= 1
            self.emit("except Exception as e:")
            self.indent += 1
            self.emit("print('!', type(e).__name__, e)")
            self.indent -= 1
            self.emit(f"print(repr({v}))")

    def f_control(self):
        v = self.fresh()
        self.emit(f"{v} = []")
        n = self.r.randrange(0, 8)

        def body():
            self.emit(f"if i % {self.r.randrange(2, 4)} == 0:")
            self.indent += 1
            self.emit(self.pick(["continue", f"{v}.append(-i)", "pass"]))
            self.indent -= 1
            self.emit(f"elif i > {self.r.randrange(3, 9)}:")
            self.indent += 1
            self.emit("break")
            self.indent -= 1
            self.emit(f"{v}.append(i * {self.r.randrange(1, 5)})")
        self.block(f"for i in range({n}):", body)
        self.block("else:", lambda: self.emit(f"{v}.append('done')"))
        self.emit(f"print({v})")
        w = self.fresh()
        self.emit(f"{w} = {self.r.randrange(0, 10)}")
        self.block(f"while {w} > 0:", lambda: (self.emit(f"{w} -= {self.r.randrange(1, 4)}"),
                                               self.emit(f"print('w', {w})")))

    def f_function(self):
        name = self.fresh("f")
        kind = self.r.randrange(4)
        if kind == 0:
            sig, call = "a, b=2, *args, c=3, **kw", "(1), (1, 5, 6, c=7, d=8), (b=4, a=0)"
        elif kind == 1:
            sig, call = "a, /, b, *, c=10", "(1, 2), (1, b=2, c=3), (a=1, b=2)"
        elif kind == 2:
            sig, call = "*args, **kwargs", "(), (1, 2), (x=1), (*[1, 2], **{'y': 3})"
        else:
            sig, call = "x=[], y=None", "(), ([1],), (y=2)"

        def body():
            if kind == 0:
                self.emit("return (a, b, args, c, sorted(kw.items()))")
            elif kind == 1:
                self.emit(f"return a * {self.expr('int')} + b - c")
            elif kind == 2:
                self.emit("return args, sorted(kwargs)")
            else:
                self.emit("x.append(len(x))")
                self.emit("return x, y")
        self.block(f"def {name}({sig}):", body)
        for c in call.split(", ("):
            c = c if c.startswith("(") else "(" + c
            self.probe(f"{name}{c}")
        self.probe(f"{name}.__defaults__")
        self.probe(f"{name}.__kwdefaults__")
        self.probe(f"{name}.__name__, {name}.__qualname__, {name}.__code__.co_argcount")

    def f_closures(self):
        outer = self.fresh("outer")
        g = self.fresh("g")
        self.emit(f"{g} = {self.r.randrange(100)}")

        def body():
            self.emit(f"n = {self.r.randrange(5)}")

            def inner():
                self.emit("nonlocal n")
                self.emit(f"global {g}")
                self.emit("n += step")
                self.emit(f"{g} += 1")
                self.emit(f"return n, {g}")
            self.block("def inc(step=1):", inner)
            self.emit(f"return inc, (lambda k, m={self.r.randrange(9)}: k * m + n)")
        self.block(f"def {outer}():", body)
        inc, lam = self.fresh("inc"), self.fresh("lam")
        self.emit(f"{inc}, {lam} = {outer}()")
        for _ in range(self.r.randrange(1, 4)):
            self.probe(f"{inc}({self.r.randrange(-3, 4)})")
        self.probe(f"{lam}({self.r.randrange(5)})")
        self.probe(f"[{inc}.__closure__ is not None, {lam}.__code__.co_freevars]")
        self.emit(f"print({g})")

    def f_class(self):
        base = self.fresh("Base")
        cls = self.fresh("C")

        def base_body():
            self.emit("kind = 'base'")
            self.block("def __init__(self, x):", lambda: self.emit("self.x = x"))
            self.block("def __repr__(self):", lambda: self.emit("return f'{type(self).__name__}({self.x!r})'"))
            self.block("def __eq__(self, other):", lambda: (
                self.emit(f"if not isinstance(other, {base}):"),
                self.emit("    return NotImplemented"),
                self.emit("return self.x == other.x")))
            self.emit("__hash__ = None")
            self.block("def __lt__(self, other):", lambda: self.emit("return self.x < other.x"))
            self.block("def describe(self):", lambda: self.emit("return 'base:' + str(self.x)"))
        self.block(f"class {base}:", base_body)

        def cls_body():
            self.emit("kind = 'derived'")
            self.emit("count = 0")

            def init():
                self.emit("super().__init__(x)")
                self.emit("type(self).count += 1")
            self.block("def __init__(self, x):", init)
            self.block("def describe(self):", lambda: self.emit("return 'derived/' + super().describe()"))
            self.emit("@property")
            self.block("def double(self):", lambda: self.emit("return self.x * 2"))
            self.emit("@double.setter")
            self.block("def double(self, v):", lambda: self.emit("self.x = v // 2"))
            self.block("def __add__(self, other):", lambda: self.emit(f"return {cls}(self.x + getattr(other, 'x', other))"))
            self.emit("__radd__ = __add__")
            self.block("def __len__(self):", lambda: self.emit("return abs(self.x) % 7"))
            self.block("def __bool__(self):", lambda: self.emit("return self.x % 2 == 1"))
            self.block("def __getitem__(self, i):", lambda: self.emit("return self.x * i"))
            self.block("def __contains__(self, v):", lambda: self.emit("return v == self.x"))
            self.block("def __iter__(self):", lambda: self.emit("return iter(range(abs(self.x) % 4))"))
            self.emit("@classmethod")
            self.block("def make(cls, v):", lambda: self.emit("return cls(v)"))
            self.emit("@staticmethod")
            self.block("def helper(a, b=1):", lambda: self.emit("return a - b"))
        self.block(f"class {cls}({base}):", cls_body)
        a, b = self.fresh("a"), self.fresh("b")
        self.emit(f"{a} = {cls}({self.r.randrange(-5, 10)})")
        self.emit(f"{b} = {cls}.make({self.r.randrange(-5, 10)})")
        for e in [f"{a}", f"{a}.describe()", f"{a}.double", f"{a} + {b}", f"3 + {a}",
                  f"{a} == {b}", f"{a} < {b}", f"sorted([{b}, {a}])", f"len({a})", f"bool({a})",
                  f"{a}[3]", f"{self.r.randrange(5)} in {a}", f"list({a})", f"{cls}.count",
                  f"{cls}.helper(5)", f"{a}.kind, {base}.kind", f"{cls}.__mro__",
                  f"hash({a})", f"{cls}.__name__, {cls}.__qualname__",
                  f"[isinstance({a}, {base}), issubclass({cls}, {base})]",
                  f"vars({a})", f"{a}.missing", f"{a} != {b}", f"{a} == 5"]:
            if self.chance(0.6):
                self.probe(e)
        self.emit(f"{a}.double = {self.r.randrange(20)}")
        self.probe(f"{a}.x")

    def f_descriptor(self):
        d = self.fresh("Desc")
        h = self.fresh("Host")

        def dbody():
            self.block("def __set_name__(self, owner, name):", lambda: self.emit("self.name = '_' + name"))
            self.block("def __get__(self, obj, objtype=None):", lambda: (
                self.emit("if obj is None:"),
                self.emit("    return self"),
                self.emit("return getattr(obj, self.name, 'unset')")))
            self.block("def __set__(self, obj, value):", lambda: (
                self.emit("if value < 0:"),
                self.emit("    raise ValueError('negative: %d' % value)"),
                self.emit("setattr(obj, self.name, value)")))
        self.block(f"class {d}:", dbody)

        def hbody():
            self.emit(f"size = {d}()")
            self.emit("__slots__ = ('_size', 'other')" if self.chance(0.3) else "pass")
        self.block(f"class {h}:", hbody)
        o = self.fresh("o")
        self.emit(f"{o} = {h}()")
        self.probe(f"{o}.size")
        self.emit("try:")
        self.emit(f"    {o}.size = {self.r.randrange(-3, 5)}")
        self.emit("except ValueError as e:")
        self.emit("    print('caught', e)")
        self.probe(f"{o}.size")
        self.probe(f"type({h}.__dict__['size']).__name__")

    def f_exceptions(self):
        exc = self.pick(EXCEPTIONS)
        other = self.pick(EXCEPTIONS)
        fn = self.fresh("fail")

        def body():
            self.emit("try:")
            self.emit(f"    raise {exc}({self.str_lit()})")
            self.emit(f"except {exc} as e:")
            self.emit(f"    raise {other}('wrapped') from {self.pick(['e', 'None'])}")
            self.emit("finally:")
            self.emit("    print('finally ran')")
        self.block(f"def {fn}():", body)
        self.emit("try:")
        self.emit(f"    {fn}()")
        self.emit("except Exception as e:")
        self.emit("    print(type(e).__name__, e, type(e.__cause__).__name__, type(e.__context__).__name__, e.__suppress_context__)")
        self.emit("else:")
        self.emit("    print('no error')")
        # A nested try in a loop with break/continue in finally.
        v = self.fresh()
        self.emit(f"{v} = []")
        self.emit(f"for i in range({self.r.randrange(1, 5)}):")
        self.emit("    try:")
        self.emit(f"        if i == {self.r.randrange(0, 3)}:")
        self.emit("            raise KeyError(i)")
        self.emit(f"        {v}.append(i)")
        self.emit("    except KeyError as e:")
        self.emit(f"        {v}.append(('key', e.args))")
        self.emit(f"        {self.pick(['continue', 'pass'])}")
        self.emit("    finally:")
        self.emit(f"        {v}.append('f')")
        self.emit(f"print({v})")
        if self.chance(0.5):
            self.emit("try:")
            self.emit(f"    raise ExceptionGroup('grp', [ValueError(1), TypeError(2), {exc}(3)])")
            self.emit("except* ValueError as eg:")
            self.emit("    print('value', [repr(e) for e in eg.exceptions])")
            self.emit("except* TypeError as eg:")
            self.emit("    print('type', [repr(e) for e in eg.exceptions])")
            self.emit("except* Exception as eg:")
            self.emit("    print('rest', [type(e).__name__ for e in eg.exceptions])")

    def f_generator(self):
        g = self.fresh("gen")

        def body():
            self.emit("total = 0")
            self.emit("try:")
            self.emit(f"    for i in range({self.r.randrange(1, 6)}):")
            self.emit("        got = yield i * 2")
            self.emit("        if got is not None:")
            self.emit("            total += got")
            self.emit("except ValueError as e:")
            self.emit("    yield ('thrown', str(e))")
            self.emit("finally:")
            self.emit("    print('gen cleanup', total)")
            self.emit("return total")
        self.block(f"def {g}():", body)
        it = self.fresh("it")
        self.emit(f"{it} = {g}()")
        for _ in range(self.r.randrange(1, 5)):
            k = self.r.randrange(4)
            if k == 0:
                self.probe(f"next({it})")
            elif k == 1:
                self.probe(f"{it}.send({self.r.randrange(10)})")
            elif k == 2:
                self.probe(f"{it}.throw(ValueError('boom'))")
            else:
                self.probe(f"{it}.close()")
        self.probe(f"list({g}())")
        d = self.fresh("deleg")
        self.block(f"def {d}():", lambda: (self.emit(f"r = yield from {g}()"),
                                          self.emit("yield ('result', r)")))
        self.probe(f"list({d}())")
        self.probe(f"sum(x * x for x in range({self.r.randrange(10)}) if x % 2)")

    def f_async(self):
        c = self.fresh("coro")
        w = self.fresh("Waiter")
        self.block(f"class {w}:", lambda: self.block("def __await__(self):", lambda: (
            self.emit("v = yield 'suspended'"),
            self.emit("return v * 2"))))

        def body():
            self.emit(f"a = await {w}()")
            self.emit("try:")
            self.emit(f"    b = await {w}()")
            self.emit("except KeyError as e:")
            self.emit("    b = ('cancelled', e.args)")
            self.emit("return a, b")
        self.block(f"async def {c}():", body)
        self.emit(f"co = {c}()")
        self.emit("try:")
        self.emit("    print(co.send(None))")
        self.emit(f"    print(co.send({self.r.randrange(10)}))")
        if self.chance(0.5):
            self.emit("    print(co.throw(KeyError('k')))")
        else:
            self.emit(f"    print(co.send({self.r.randrange(10)}))")
        self.emit("except StopIteration as e:")
        self.emit("    print('returned', e.value)")

    def f_with(self):
        cm = self.fresh("CM")

        def body():
            self.block("def __init__(self, name, swallow):", lambda: (
                self.emit("self.name = name"), self.emit("self.swallow = swallow")))
            self.block("def __enter__(self):", lambda: (
                self.emit("print('enter', self.name)"), self.emit("return self.name")))
            self.block("def __exit__(self, t, v, tb):", lambda: (
                self.emit("print('exit', self.name, t.__name__ if t else None)"),
                self.emit("return self.swallow")))
        self.block(f"class {cm}:", body)
        fn = self.fresh("use")

        def fbody():
            self.emit("try:")
            self.emit(f"    with {cm}('a', {self.pick(['True', 'False'])}) as x, {cm}('b', {self.pick(['True', 'False'])}) as y:")
            self.emit(f"        {self.pick(['raise KeyError(x + y)', 'return x + y', 'pass', '[][1]'])}")
            self.emit("finally:")
            self.emit(f"    with {cm}('c', False):")
            self.emit("        print('in finally')")
            self.emit("return 'end'")
        self.block(f"def {fn}():", fbody)
        self.probe(f"{fn}()")

    def f_match(self):
        v = self.fresh()
        self.emit(f"for {v} in [safe(lambda: ({self.expr('any')})), safe(lambda: ({self.expr('any')})), (1, 2), {{'k': 1}}, [1, 2, 3], 'text', None, 7]:")
        self.indent += 1
        self.emit(f"match {v}:")
        self.indent += 1
        cases = [
            ("case 0 | 1 | 2:", "print('small int')"),
            ("case int(n) if n > 100:", "print('big', n)"),
            ("case (a, b):", "print('pair', a, b)"),
            ("case [first, *rest]:", "print('seq', first, rest)"),
            ("case {'k': val, **others}:", "print('map', val, others)"),
            ("case str() as s:", "print('str', s[:5])"),
            ("case None:", "print('none')"),
            ("case float(f):", "print('float', f)"),
            ("case _:", "print('other', type(" + v + ").__name__)"),
        ]
        chosen = [c for c in cases[:-1] if self.chance(0.7)] + [cases[-1]]
        for head, act in chosen:
            self.emit(head)
            self.emit("    " + act)
        self.indent -= 2

    def f_sorting(self):
        v = self.fresh()
        pairs = ["(1, 'b')", "(0, 'a')", "(1, 'a')", "(-2, 'z')", "(3, '')"]
        items = ", ".join(self.pick(pairs) for _ in range(self.r.randrange(0, 7)))
        self.emit(f"{v} = [{items}]")
        self.probe(f"sorted({v})")
        self.probe(f"sorted({v}, key=lambda t: (t[1], -t[0]))")
        self.probe(f"sorted({v}, key=lambda t: t[1], reverse=True)")
        self.probe(f"max({v}, key=lambda t: t[0], default=None)")
        self.emit(f"{v}.sort(key=lambda t: t[0] % 2)")
        self.emit(f"print({v})")
        d = self.fresh("d")
        self.safe_assign(d, self.expr('dict'), "{}")
        self.emit(f"{d}[{self.int_lit()}] = {self.int_lit()}")
        self.probe(f"sorted({d}.items())")
        self.probe(f"{d}.pop({self.int_lit()}, 'missing')")
        self.probe(f"{d}.setdefault({self.int_lit()}, [])")
        self.probe(f"list({d}.keys() & {self.expr('set')})")
        self.probe(f"sorted({d}.values(), key=repr)")
        s = self.fresh("s")
        self.safe_assign(s, f"set({self.expr('set')})", "set()")
        self.emit(f"{s}.add({self.int_lit()})")
        self.emit(f"{s}.discard({self.int_lit()})")
        self.probe(f"sorted({s}), len({s}), {s}.issubset({self.expr('set')})")

    def f_floats(self):
        for _ in range(self.r.randrange(2, 6)):
            a, b = self.float_lit(), self.float_lit()
            e = self.pick([f"{a} {self.pick(FLOAT_BINOPS)} {b}", f"{a} == {b}", f"{a} < {b}",
                           f"repr({a})", f"str({a} * 3)", f"int({a})", f"round({a})",
                           f"{a}.is_integer()", f"{a}.as_integer_ratio()",
                           f"float.hex({a})", f"{a} ** 2", f"divmod({a}, {b})",
                           f"math.copysign(1.0, {a})", f"math.isnan({a})", f"math.floor({a})",
                           f"math.sqrt(abs({a}))", f"math.fsum([{a}, {b}, 0.1])",
                           f"format({a}, {self.pick(['.3e', '.0f', '%', 'g', '.17g', '+.2f', '08.1f'])!r})",
                           f"sorted([{a}, {b}, 0.0, -0.0])", f"max({a}, {b})", f"{a} // 1"])
            self.probe(e)

    def f_bigints(self):
        for _ in range(self.r.randrange(2, 6)):
            a = f"(7 ** {self.r.randrange(20, 120)})"
            b = self.int_lit()
            self.probe(self.pick([f"{a} // {b}", f"{a} % {b}", f"-{a} // {b}", f"{a} >> {self.r.randrange(100)}",
                                  f"{a} & {b}", f"~{a} | {b}", f"divmod(-{a}, {b})", f"str({a})[:20]",
                                  f"len(str({a}))", f"{a}.bit_length()", f"pow({b}, {self.r.randrange(50)}, {a})",
                                  f"hex({a})[-10:]", f"{a} == float({a})", f"{a} / {b}",
                                  f"int(str({a})) == {a}", f"hash({a})", f"(-{a}).to_bytes(64, 'big', signed=True)[-4:]",
                                  f"pow({b}, -1, 97)", f"round({a}, -5) % 1000", f"{a}.__index__() % 10"]))

    def f_recursion(self):
        f = self.fresh("rec")
        self.block(f"def {f}(n):", lambda: (self.emit("if n <= 0:"), self.emit("    return 0"),
                                            self.emit(f"return 1 + {f}(n - 1)")))
        self.probe(f"{f}({self.r.randrange(10, 900)})")
        self.emit("try:")
        self.emit(f"    {f}(10 ** 5)")
        self.emit("except RecursionError:")
        self.emit("    print('RecursionError')")

    def f_strings(self):
        for _ in range(self.r.randrange(2, 6)):
            self.probe(self.expr("str", 0))

    def f_globals_lambda(self):
        v = self.fresh("counter")
        self.emit(f"{v} = 0")
        fn = self.fresh("bump")

        def body():
            self.emit(f"global {v}")
            self.emit(f"{v} += by")
            self.emit(f"return {v}")
        self.block(f"def {fn}(by={self.r.randrange(1, 4)}):", body)
        self.probe(f"[{fn}() for _ in range({self.r.randrange(4)})]")
        self.probe(f"list(map(lambda p, q=2: p ** q, range({self.r.randrange(5)})))")
        self.probe(f"(lambda *a, **k: (a, sorted(k.items())))(1, 2, z=3)")
        self.probe(f"[(lambda: i)() for i in range(3)]")
        self.probe(f"[f() for f in [lambda i=i: i * 10 for i in range(3)]]")

    FEATURES = ["f_probes", "f_assign_ops", "f_control", "f_function", "f_closures",
                "f_class", "f_descriptor", "f_exceptions", "f_generator", "f_async",
                "f_with", "f_match", "f_sorting", "f_floats", "f_bigints", "f_recursion",
                "f_strings", "f_globals_lambda"]

    def program(self):
        self.lines = PRELUDE.splitlines()
        self.emit("import math")
        for _ in range(self.r.randrange(3, 9)):
            getattr(self, self.pick(self.FEATURES))()
        return "\n".join(self.lines) + "\n"


def generate(seed):
    """The program of `seed`."""
    return Gen(seed).program()


if __name__ == "__main__":
    import sys
    print(generate(int(sys.argv[1]) if len(sys.argv) > 1 else 0), end="")
