# set/frozenset methods: add/remove/discard/pop/clear/copy/update family/isdisjoint/issubset/issuperset.
s = {3, 1, 2}
s.add(4); s.add(1); print(sorted(s))
s.remove(4); s.discard(99); s.discard(3); print(sorted(s))
try:
    s.remove(99)
except KeyError as e:
    print(type(e).__name__, e)
p = s.pop(); print(p in {1, 2}, len(s))
s.clear(); print(s)
try:
    s.pop()
except KeyError as e:
    print(type(e).__name__, e)
t = {1, 2, 3}
print(sorted(t.union([4], (5,), "6")), sorted(t.intersection([1, 2, 9], {2, 1})), sorted(t.difference([1], [2])), sorted(t.symmetric_difference([3, 4])))
print(sorted(t.union()), t.intersection() == t, t.intersection() is t)
u = t.copy(); u.update([10], {11}); print(sorted(u))
u.intersection_update([1, 10, 11, 12]); print(sorted(u))
u.difference_update({1}); print(sorted(u))
u.symmetric_difference_update([11, 20]); print(sorted(u))
print(t.isdisjoint([7, 8]), t.isdisjoint({3}), t.issubset(range(5)), t.issubset([1, 2]), t.issuperset([1]), t.issuperset({1, 9}))
f = frozenset("abc")
print(sorted(f.union("d")), type(f.union("d")).__name__, sorted(f.difference("a")), f.copy() is f, f.issubset("abcd"))
print(hasattr(f, "add"), hasattr(f, "update"), frozenset(f) is f, frozenset() is frozenset() or True)
try:
    f.add(1)
except AttributeError as e:
    print(type(e).__name__, e)
try:
    {[1]}
except TypeError as e:
    print(type(e).__name__, e)
try:
    {1}.add({2})
except TypeError as e:
    print(type(e).__name__, e)
m = {1, 2, 3}
try:
    for x in m:
        m.add(x + 10)
except RuntimeError as e:
    print(type(e).__name__, e)
nested = {frozenset({1, 2}), frozenset({2, 1}), frozenset()}
print(len(nested), frozenset() in nested)
print(sorted(set(range(100)) - set(range(0, 100, 3)))[:10], len(set(range(1000)) & set(range(500, 1500))))
class Pt:
    def __init__(self, x): self.x = x
    def __eq__(self, o): return self.x == o.x
    def __hash__(self): return hash(self.x)
print(len({Pt(1), Pt(1), Pt(2)}), Pt(2) in {Pt(2)})
