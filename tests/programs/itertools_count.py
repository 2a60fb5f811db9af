import itertools
c = itertools.count(True); print(next(c), next(c), repr(c))
c = itertools.count(True, 2); print(next(c), next(c), repr(c))
c = itertools.count(5, 3); next(c); print(c.__reduce__(), repr(c))
c = itertools.count(2.5); next(c); print(c.__reduce__(), repr(c))
c = itertools.count(2**63-2); print(next(c), next(c), next(c), repr(c))
t, a = itertools.count(10, -2).__reduce__()
print(list(itertools.islice(t(*a), 4)))
class C(itertools.count): pass
c = C(3); next(c); print(repr(c), c.__reduce__()[0] is C)
try: itertools.count('a')
except TypeError as e: print(e)
try: itertools.count(x=1)
except TypeError as e: print(e)
