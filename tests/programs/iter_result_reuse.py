# enumerate and zip reuse their result tuple when the consumer dropped it (CPython's
# en_result/ittuple): results stay correct when kept, when big counts take over, under
# the collector, and with several threads sharing one iterator.
import gc, sys, threading, pickle
e = enumerate("abc")
a = next(e); b = next(e)
print(a, b, a is b)
r = list(enumerate(range(5), 10)); print(r)
for i, (x, y) in enumerate(zip("ab", "cd")): print(i, x, y)
z = zip([1,2,3],[4,5,6]); t1 = next(z); del t1; print(next(z), next(z))
big = enumerate("xyz", 2**63 - 2); print(list(big))
big = enumerate("xyz", 2**64); print(list(big))
e = enumerate("abcd", 3); next(e); print(e.__reduce__()[1][1], list(e.__reduce__()[1][0]))
class E(enumerate): pass
print(list(E("ab")))
# cycles through the kept tuple
class N: pass
n = N(); e = enumerate([n]); t = next(e); n.e = e; del t, e, n
print(gc.collect() >= 0)
# threads share one enumerate
e = enumerate(range(200000))
seen = []
def w():
    loc = []
    for i, v in e:
        assert i == v
        loc.append(i)
    seen.append(loc)
ts = [threading.Thread(target=w) for _ in range(4)]
[t.start() for t in ts]; [t.join() for t in ts]
allv = sorted(x for l in seen for x in l)
print(allv == list(range(200000)))
print(pickle.loads(pickle.dumps(enumerate("ab", 5))).__next__())
print(sum(i*j for i, j in zip(range(1000), range(1000))))
