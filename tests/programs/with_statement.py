# The with statement: __enter__/__exit__, suppression, exceptions, early exits.
class Resource:
    def __init__(self, name, suppress=False):
        self.name = name
        self.suppress = suppress
    def __enter__(self):
        print("enter", self.name)
        return self
    def __exit__(self, exc_type, exc, tb):
        print("exit", self.name, exc_type.__name__ if exc_type else None, exc)
        return self.suppress

with Resource("a") as r:
    print("inside", r.name)

with Resource("outer"), Resource("inner") as inner:
    print("two managers", inner.name)

with Resource("quiet", suppress=True):
    raise ValueError("swallowed")
print("after suppression")

def early():
    for i in range(3):
        with Resource(f"loop{i}"):
            if i == 1:
                return "returned at 1"
    return "never"

print(early())

try:
    with Resource("loud"):
        raise KeyError("propagates")
except KeyError as e:
    print("caught", repr(e))

def gen_value():
    with Resource("v") as res:
        return res.name.upper()

print(gen_value())
with 5:
    pass
