# del of names, attributes, items, slices, multiple targets; errors after deletion.
a = 1
b = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
del a
try:
    a
except NameError as e:
    print("NameError:", e)

del b[0]
print(b)
del b[-1]
print(b)
del b[1:3]
print(b)
del b[::2]
print(b)
del b[:]
print(b)

d = {"x": 1, "y": 2, "z": 3}
del d["x"]
print(d)
try:
    del d["nope"]
except KeyError as e:
    print("KeyError:", e)

class O:
    pass
o = O()
o.attr = 1
o.other = 2
del o.attr
print(hasattr(o, "attr"), o.other)
try:
    del o.attr
except AttributeError as e:
    print("AttributeError:", e)

x, y, z = 1, 2, 3
del x, y
def defined(name):
    try:
        eval_name = {"x": lambda: x, "y": lambda: y, "m": lambda: m, "n": lambda: n, "gv": lambda: gv}[name]
        eval_name()
        return True
    except NameError:
        return False
print(z, defined("x"), defined("y"))

lst = [1, 2, 3]
dd = {"k": [10, 20]}
del lst[0], dd["k"][1]
print(lst, dd)

(p, q) = (1, 2)
del (p, q)
try:
    print(p)
except NameError as e:
    print("NameError:", e)
m = [5, 6]
n = 7
del [m, n]
print(defined("m"), defined("n"))

def local_del():
    v = 10
    del v
    try:
        return v
    except UnboundLocalError as e:
        return "UnboundLocalError: " + str(e)
print(local_del())

def del_then_assign():
    v = 1
    del v
    v = 2
    return v
print(del_then_assign())

try:
    del undefined_name
except NameError as e:
    print("NameError:", e)

t = (1, 2)
try:
    del t[0]
except TypeError as e:
    print("TypeError:", e)
s = "abc"
try:
    del s[0]
except TypeError as e:
    print("TypeError:", e)
try:
    del b[100]
except IndexError as e:
    print("IndexError:", e)

def del_global():
    global gv
    gv = 1
    del gv
del_global()
print(defined("gv"))

def del_closure():
    c = 1
    def inner():
        nonlocal c
        del c
    inner()
    try:
        return c
    except NameError as e:
        return type(e).__name__ + ": " + str(e)
print(del_closure())
