# One iterator drained by several threads at once: every item is handed out exactly
# once and never one past the end, for each built-in iterator type, itertools.count
# and generators (issue 18, item 3).
import itertools, threading

N = 20000
THREADS = 4

def drain(make):
    it = make()
    out = [[] for _ in range(THREADS)]
    start = threading.Barrier(THREADS)
    def work(k):
        mine = out[k]
        start.wait()
        while True:
            try:
                x = next(it)
            except StopIteration:
                return
            except ValueError:
                # A generator resumed by another thread: "already executing".
                continue
            mine.append(x)
    ts = [threading.Thread(target=work, args=(k,)) for k in range(THREADS)]
    for t in ts: t.start()
    for t in ts: t.join()
    return [x for o in out for x in o]

def report(name, make, expect, exact=True):
    got = drain(make)
    if not exact:
        # CPython 3.11 can hand one index of a Python __getitem__ iterator to two
        # threads (the GIL switches inside __getitem__): only what holds there too.
        ok = set(got) == set(expect) and len(got) >= len(expect)
        print(f"{name:12} every item, none past the end: {ok}")
        return
    ok = len(got) == len(expect) and sorted(got, key=repr) == sorted(expect, key=repr)
    print(f"{name:12} items {len(got):6} once each: {ok}")

r = list(range(N))
d = {i: -i for i in range(N)}
report("range", lambda: iter(range(N)), r)
report("range step", lambda: iter(range(N * 3, 0, -3)), list(range(N * 3, 0, -3)))
report("list", lambda: iter(list(r)), r)
report("tuple", lambda: iter(tuple(r)), r)
report("reversed", lambda: reversed(r), r)
report("dict keys", lambda: iter(d), list(d))
report("dict values", lambda: iter(d.values()), list(d.values()))
report("dict items", lambda: iter(d.items()), list(d.items()))
report("set", lambda: iter(set(r)), r)
report("frozenset", lambda: iter(frozenset(r)), r)
text = "".join(chr(0x41 + i % 50) + chr(0x3b1 + i % 20) for i in range(N // 2))
report("str", lambda: enumerate(text), list(enumerate(text)))
report("bytes", lambda: enumerate(bytes(i % 256 for i in range(N))), list(enumerate(bytes(i % 256 for i in range(N)))))
report("enumerate", lambda: enumerate(range(N)), list(enumerate(range(N))))
report("zip", lambda: zip(range(N), range(N, 2 * N)), list(zip(range(N), range(N, 2 * N))))
report("map", lambda: map(lambda x, y: (x, y), range(N), r), list(zip(range(N), r)))
report("filter", lambda: filter(lambda x: x % 3, range(N)), [x for x in range(N) if x % 3])
class Seq:
    def __getitem__(self, i):
        if i >= N:
            raise IndexError(i)
        return i
report("getitem", lambda: iter(Seq()), r, exact=False)
def gen():
    for i in range(N):
        yield i
report("generator", gen, r)
report("gen expr", lambda: (i for i in range(N)), r)

# itertools.count as a source of unique ids.
c = itertools.count()
ids = [[] for _ in range(THREADS)]
def take(k):
    mine = ids[k]
    for _ in range(N):
        mine.append(next(c))
ts = [threading.Thread(target=take, args=(k,)) for k in range(THREADS)]
for t in ts: t.start()
for t in ts: t.join()
allids = [x for o in ids for x in o]
print("count ids", len(allids), "unique", len(set(allids)), "range ok", sorted(allids) == list(range(THREADS * N)), "next", next(c))
c = itertools.count(2**62, 2**60)
big = [[] for _ in range(THREADS)]
def take_big(k):
    for _ in range(200):
        big[k].append(next(c))
ts = [threading.Thread(target=take_big, args=(k,)) for k in range(THREADS)]
for t in ts: t.start()
for t in ts: t.join()
allbig = sorted(x for o in big for x in o)
print("count past 2**63", allbig == [2**62 + i * 2**60 for i in range(THREADS * 200)])
