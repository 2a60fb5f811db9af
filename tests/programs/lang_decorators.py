# Function decorators: plain, stacked, with arguments, preserving attributes, on methods.
log = []

def trace(fn):
    def wrapper(*args, **kwargs):
        log.append(("call", fn.__name__, args))
        result = fn(*args, **kwargs)
        log.append(("ret", fn.__name__, result))
        return result
    wrapper.__name__ = fn.__name__
    wrapper.__wrapped__ = fn
    return wrapper

@trace
def add(a, b):
    return a + b

print(add(2, 3), add.__name__, add.__wrapped__(1, 1))
print(log)

def repeat(times):
    def deco(fn):
        def wrapper(*a):
            return [fn(*a) for _ in range(times)]
        return wrapper
    return deco

@repeat(3)
def hello(name):
    return "hi " + name

print(hello("bo"))

order = []
def tag(label):
    order.append("make " + label)
    def deco(fn):
        order.append("apply " + label)
        def w():
            return label + "(" + fn() + ")"
        return w
    return deco

@tag("a")
@tag("b")
@tag("c")
def base():
    return "x"

print(base(), order)

def register(registry):
    def deco(fn):
        registry[fn.__name__] = fn
        return fn
    return deco

handlers = {}
@register(handlers)
def on_start():
    return "started"

@register(handlers)
def on_stop():
    return "stopped"

print(sorted(handlers), handlers["on_stop"]())

class Memo:
    def __init__(self, fn):
        self.fn = fn
        self.cache = {}
        self.calls = 0
    def __call__(self, n):
        if n not in self.cache:
            self.calls += 1
            self.cache[n] = self.fn(n)
        return self.cache[n]

@Memo
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)

print(fib(60), fib.calls)

def method_deco(fn):
    def wrapper(self, *a):
        return "<" + str(fn(self, *a)) + ">"
    return wrapper

class Box:
    def __init__(self, v):
        self.v = v
    @method_deco
    def get(self):
        return self.v
    @staticmethod
    @trace
    def util(x):
        return x * 3

print(Box(9).get(), Box.util(4))

# decorator expression can be any expression (PEP 614)
decos = [trace, lambda f: f]
@decos[1]
def plain():
    return "plain"
print(plain())
