# Closures, cells shared between inner functions, nonlocal, late binding.
def counter():
    count = 0
    def inc(by=1):
        nonlocal count
        count += by
        return count
    def get():
        return count
    return inc, get

inc, get = counter()
inc(); inc(5)
print(get())
inc2, get2 = counter()
print(inc2(), get())

def outer():
    x = "outer"
    def middle():
        def inner():
            return x
        return inner
    return middle()()

print(outer())

def make_adders():
    return [lambda y, n=n: y + n for n in range(3)]

print([a(10) for a in make_adders()])

def shadow():
    x = 1
    def inner():
        x = 2
        return x
    return inner(), x

print(shadow())

def nested_nonlocal():
    a = 0
    def level1():
        def level2():
            nonlocal a
            a += 10
        level2()
        level2()
    level1()
    return a

print(nested_nonlocal())

def closure_cells():
    v = 5
    def f():
        return v
    return f

f = closure_cells()
print(f.__closure__ is not None, len(f.__closure__), f.__closure__[0].cell_contents)
print(f.__code__.co_freevars)

def rebind_after():
    def f():
        return val
    val = "first"
    r1 = f()
    val = "second"
    return r1, f()

print(rebind_after())

def unbound():
    def f():
        return later
    try:
        f()
    except NameError as e:
        print("NameError:", e)
    later = 1

unbound()

def unbound_local():
    try:
        print(z)
    except UnboundLocalError as e:
        print("UnboundLocalError:", e)
    z = 1

unbound_local()

def gen_closure():
    total = 0
    def add(x):
        nonlocal total
        total += x
    for i in range(5):
        add(i)
    return total

print(gen_closure())

def class_in_func():
    secret = 42
    class K:
        value = secret
        def get(self):
            return secret
    return K().get(), K.value

print(class_in_func())
