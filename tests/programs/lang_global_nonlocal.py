# global and nonlocal declarations, module-level name resolution, builtins shadowing.
counter = 0

def bump():
    global counter
    counter += 1

for _ in range(3):
    bump()
print(counter)

def create_global():
    global created
    created = "made inside"
create_global()
print(created)

def reads_global():
    return counter * 10
print(reads_global())

def shadows_global():
    counter = "local"
    return counter
print(shadows_global(), counter)

def outer():
    x = "outer-x"
    y = "outer-y"
    def middle():
        nonlocal x
        x = "changed by middle"
        def inner():
            nonlocal x, y
            x += "+inner"
            y = "changed by inner"
        inner()
    middle()
    return x, y
print(outer())

def global_in_nested():
    def inner():
        global counter
        counter = 100
    inner()
    return counter
print(global_in_nested(), counter)

len_backup = len
def use_builtin():
    return len("abc")
len = lambda s: "shadowed"
print(use_builtin(), len("x"))
del len
print(use_builtin(), len_backup is len)

def local_shadows_builtin():
    max = 5
    return max
print(local_shadows_builtin(), max(1, 2))

class Scope:
    value = "class-level"
    def method(self):
        return value
value = "module-level"
print(Scope().method(), Scope.value)

class Counter:
    n = 0
    items = [n * 2 for _ in range(2)] if False else None
    def inc(self):
        global counter
        counter += 1
        return counter
print(Counter().inc())

def nonlocal_loop():
    total = 0
    def add(v):
        nonlocal total
        total += v
    for i in range(1, 5):
        add(i)
    return total
print(nonlocal_loop())

x = "global x"
def class_body_scope():
    x = "function x"
    class C:
        y = x
        x = "class x"
        z = x
    return C.y, C.z
print(class_body_scope())

def comprehension_scope():
    k = 10
    return [k * i for i in range(3)], [j for j in range(2) for k in range(1)]
print(comprehension_scope())
