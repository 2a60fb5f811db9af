x = 10
def f(a, b=2):
    c = a + b
    def inner():
        return c
    print(sorted(locals().keys()))
    print(eval("a * 100 + c"))
    exec("d = 5; print('in exec', a, d)")
    print('d' in locals())
    return inner
f(1)
print(eval("x + 1"), eval("  x * 2"))
g = {}
exec("y = 3\ndef h(): return y * 2", g)
print(g["y"], g["h"](), sorted(k for k in g if k != "__builtins__"))
print("__builtins__" in g)
ns = {"q": 7}
print(eval("q + 1", ns), eval("q + z", ns, {"z": 100}))
print(globals() is globals(), globals()["x"])
class C:
    a = 1
    print(sorted(k for k in locals() if not k.startswith("__")))
print(vars(C)["a"], dir(C)[-1], "a" in dir(C))
print([n for n in dir() if not n.startswith("__")])
o = C(); o.z = 4; print(vars(o))
try:
    vars(5)
except TypeError as e: print(e)
try:
    eval("1 +")
except SyntaxError as e: print("SyntaxError", e.msg, e.lineno, e.filename)
try:
    eval(5)
except TypeError as e: print(e)
try:
    exec("x=1", [])
except TypeError as e: print(e)
code = compile("a = 1\nb = a + 1", "<test>", "exec")
ns2 = {}
exec(code, ns2); print(ns2["b"])
print(eval(compile("2 ** 10", "<e>", "eval")))
exec(compile("1 + 1", "<s>", "single"))
exec(compile("None", "<s>", "single"))
exec(compile("'x'", "<s>", "single"))
try:
    compile("x", "f", "bogus")
except ValueError as e: print(e)
print(dir(1)[:3], len(dir([])) > 10)
fn = eval("lambda v: v + x")
print(fn(5))
# An uncaught SyntaxError from compiled text prints its own location block.
exec(compile("1 + 1\nNone\n'x'", "<s>", "single"))
