# Method calls with *args/**kwargs (the CALL_FUNCTION_EX method form).
class Box:
    def __init__(self):
        self.items = []
    def add(self, *values, **opts):
        for v in values:
            self.items.append((v, opts.get("tag")))
        return len(self.items)

b = Box()
args = (1, 2)
print(b.add(*args, tag="x"), b.add(3, **{"tag": "y"}), b.items)
print("{}-{}".format(*["a", "b"]), dict(**{"k": 1}, z=2))
