# marshal of code objects: what dumps writes loads back as code that behaves the
# same (strand writes its own bytecode after the code type byte, CPython its own, so
# only behaviour is compared).
import marshal
import types


def make_adder(n):
    def add(x, *rest, scale=1, **kw):
        total = (x + n + sum(rest)) * scale
        return total, sorted(kw), {1, 2, 3} & {2, 3, 4}, b"\x00\xff", 2**70, 1.5j
    return add


def gen(k):
    for i in range(k):
        yield i * i


code = marshal.loads(marshal.dumps(make_adder.__code__))
print(type(code) is types.CodeType)
for attr in ("co_name", "co_qualname", "co_argcount", "co_posonlyargcount",
             "co_kwonlyargcount", "co_firstlineno", "co_names", "co_freevars",
             "co_cellvars"):
    print(attr, getattr(code, attr) == getattr(make_adder.__code__, attr))
print(code.co_filename == make_adder.__code__.co_filename)

# A function made from the loaded code runs as the original.
f = types.FunctionType(code, globals())
add = f(10)
print(add(1, 2, 3, scale=2, z=1, a=2))
print(list(types.FunctionType(marshal.loads(marshal.dumps(gen.__code__)), globals())(5)))

# Module code, through exec.
src = """
import math
def area(r):
    return round(math.pi * r * r, 3)
values = [area(r) for r in range(4)]
try:
    1 / 0
except ZeroDivisionError as e:
    caught = type(e).__name__
accent = "\\u00e9"
text = f"{values[-1]:>10}|{accent}|"
"""
ns = {}
exec(marshal.loads(marshal.dumps(compile(src, "<marshal-test>", "exec"))), ns)
print(ns["values"], ns["caught"], ns["text"])

# Shared and nested values around a code object; versions 2 to 4.
for version in (2, 3, 4):
    data = marshal.dumps((gen.__code__, [gen.__code__], {"k": 1}), version)
    c1, (c2,), d = marshal.loads(data)
    print(version, list(types.FunctionType(c1, {})(3)), c2.co_name, d)

# Truncated data is EOFError.
blob = marshal.dumps(make_adder.__code__)
try:
    marshal.loads(blob[:len(blob) // 2])
except EOFError as e:
    print("EOFError")
