# Function objects: names, qualnames, defaults, kwdefaults, annotations, docstrings,
# custom attributes, code objects, identity and repr.
def outer(a, b: int = 2, *args, c: str = "c", **kw) -> "ret":
    "Outer's docstring."
    def inner():
        "Inner doc."
        return a
    return inner

print(outer.__name__, outer.__qualname__, outer.__doc__, outer.__module__)
print(outer.__defaults__, outer.__kwdefaults__)
print(sorted(outer.__annotations__.items()))
inner = outer(1)
print(inner.__name__, inner.__qualname__, inner.__doc__, inner())
code = outer.__code__
print(code.co_name, code.co_argcount, code.co_kwonlyargcount, code.co_varnames[:5], code.co_flags & 0x0C)

def nodoc():
    pass
print(nodoc.__doc__, nodoc() is None)

outer.custom = "attribute"
outer.counter = 0
outer.counter += 1
print(outer.custom, outer.counter, sorted(outer.__dict__))

def changeable(x=1):
    return x
changeable.__defaults__ = (10,)
print(changeable())
changeable.__defaults__ = None
try:
    changeable()
except TypeError as e:
    print("TypeError:", e)

def kwdef(*, k=1):
    return k
kwdef.__kwdefaults__ = {"k": 99}
print(kwdef())

renamed = lambda: None
renamed.__name__ = "new_name"
renamed.__qualname__ = "Some.new_name"
print(renamed.__name__, renamed.__qualname__, repr(renamed).split(" at ")[0])

class K:
    def method(self):
        "method doc"
    @staticmethod
    def st():
        pass
    @classmethod
    def cm(cls):
        pass
print(K.method.__qualname__, K.st.__qualname__, K.cm.__qualname__, K.method.__doc__, K().method.__doc__)
print(K().method.__name__, K().method.__qualname__, K.cm.__func__.__name__)
print(callable(outer), type(outer).__name__, outer == outer, outer != inner)

def gen():
    yield 1
print(type(gen).__name__, type(gen()).__name__, gen.__code__.co_flags & 0x20 != 0)
try:
    outer.__name__ = 5
except TypeError as e:
    print("TypeError:", e)
try:
    del outer.__name__
except TypeError as e:
    print("TypeError:", e)
