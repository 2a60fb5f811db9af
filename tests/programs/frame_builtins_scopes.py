# locals(), vars(), dir() and eval() in nested scopes, class bodies and closures.
def outer(a):
    b = a * 2
    def inner(c):
        d = c + b
        return sorted(locals().items())
    r = inner(1)
    del b
    return r, sorted(locals())
print(outer(5))
class K:
    x = 1
    y = eval("x + 1")
    names = [n for n in dir() if not n.startswith("__")]
print(K.y, K.names)
def uses_eval(n):
    total = 0
    for i in range(n):
        total += eval("i * i", None, {"i": i})
    return total
print(uses_eval(5))
def exec_in_ns():
    ns = {}
    exec("def sq(v):\n    return v * v\nresult = sq(7)", ns)
    return ns["result"], sorted(k for k in ns if not k.startswith("__"))
print(exec_in_ns())
g = {"__builtins__": {"len": len}}
print(eval("len('abcd')", g))
try:
    eval("print('x')", g)
except NameError as e:
    print("NameError:", e)
print(eval("[k for k in range(3)]"), eval("{v: v for v in 'ab'}"))
print(sorted(vars().keys())[:3])
