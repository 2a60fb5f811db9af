# Native objects shared by threads: a deque, an LRU-cached function, a hash object,
# a partial, a Struct and a zlib stream used from four threads at once; the totals
# must come out as if the operations had run one after another.
import _collections
import _functools
import _sha256
import _struct
import itertools
import threading
import zlib
from collections import namedtuple

N, T = 2000, 4
d = _collections.deque()
ids = itertools.count()
Info = namedtuple("CacheInfo", "hits misses maxsize currsize")
cached = _functools._lru_cache_wrapper(lambda x: x * x, 64, False, Info)
h = _sha256.sha256()
add = _functools.partial(lambda a, b: a + b, 1)
st = _struct.Struct("<iq")
comp = zlib.compressobj()
lock = threading.Lock()
chunks = []
results = [0] * T


def work(t):
    total = 0
    for i in range(N):
        d.append(i)
        if i % 3 == 0:
            d.popleft()
        total += cached(i % 100)
        total += add(i)
        a, b = st.unpack(st.pack(i, -i))
        total += a + b
        next(ids)
    h.update(bytes([t]) * N)
    piece = comp.compress(b"thread %d " % t * 50)
    with lock:
        chunks.append(piece)
    results[t] = total


threads = [threading.Thread(target=work, args=(t,)) for t in range(T)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(len(d), next(ids), sum(results), cached.cache_info().currsize)
print(len(h.hexdigest()), h.digest_size)
data = zlib.decompress(b"".join(chunks) + comp.flush())
print(len(data), sorted(set(data.split())))
