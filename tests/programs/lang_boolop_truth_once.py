# Each operand of `and`/`or` chains is tested for truth once, however they nest.
calls = []
class B:
    def __init__(self, name, value):
        self.name, self.value = name, value
    def __bool__(self):
        calls.append(self.name)
        return self.value
    def __repr__(self):
        return self.name

def run(label, f):
    calls.clear()
    r = f()
    print(label, r, calls)

for va in (False, True):
    for vb in (False, True):
        for vc in (False, True):
            a, b, c = B("a", va), B("b", vb), B("c", vc)
            run(f"{va:d}{vb:d}{vc:d} a and b or c", lambda: a and b or c)
            run(f"{va:d}{vb:d}{vc:d} a or b and c", lambda: a or b and c)
            run(f"{va:d}{vb:d}{vc:d} (a or b) and c", lambda: (a or b) and c)
            run(f"{va:d}{vb:d}{vc:d} (a and b) and c", lambda: (a and b) and c)
            run(f"{va:d}{vb:d}{vc:d} a or (b or c)", lambda: a or (b or c))
            run(f"{va:d}{vb:d}{vc:d} (a and (b or c)) or a", lambda: (a and (b or c)) or a)
            run(f"{va:d}{vb:d}{vc:d} not a and b", lambda: not a and b)
            run(f"{va:d}{vb:d}{vc:d} if", lambda: 1 if a and b or c else 0)
x = [] or {} and 5 or None
print(x, 0 or 0.0 or '' or 'last', 1 and 2 and 3, (0 and 1) or (2 and 3))
