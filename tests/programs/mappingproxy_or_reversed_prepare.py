import types
d = {'a': 1, 'b': 2, 'foo': 0, 'c': 3}
mp = types.MappingProxyType(d)
del d['foo']
print(list(reversed(mp)))
print(mp | {'c': 9, 'z': 0}, {'z': 1} | mp, mp | mp)
for f in [lambda: mp | [('r', 2)], lambda: [('r', 2)] | mp]:
    try: f()
    except TypeError as e: print(e)
try:
    mp |= {}
except TypeError as e: print(e)
class BadMeta(type):
    @classmethod
    def __prepare__(*args): return None
try:
    class A(metaclass=BadMeta): pass
except TypeError as e: print(e)
