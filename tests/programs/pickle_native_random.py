# _pickle's output for generated nested structures (ints of every size, floats,
# strs, bytes, containers, shared and nested references) in every protocol, and
# for a large pickle whose frames are flushed to a file: the checksums of the
# bytes are compared with CPython's C pickler. Sets hold ints only, whose order
# does not depend on hash randomization.
import _pickle
import io
import random
import zlib

rng = random.Random(5)


def gen(d):
    k = rng.randrange(14 if d < 4 else 8)
    if k == 0:
        return rng.randrange(-2**70, 2**70)
    if k == 1:
        return rng.randrange(-300, 300)
    if k == 2:
        return rng.random()
    if k == 3:
        return "".join(chr(rng.randrange(1, 0x3000)) for _ in range(rng.randrange(5)))
    if k == 4:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(300)))
    if k == 5:
        return None
    if k == 6:
        return rng.random() < 0.5
    if k == 7:
        return "k%d" % rng.randrange(10)
    if k == 8:
        return [gen(d + 1) for _ in range(rng.randrange(6))]
    if k == 9:
        return tuple(gen(d + 1) for _ in range(rng.randrange(6)))
    if k == 10:
        return {("k%d" % i): gen(d + 1) for i in range(rng.randrange(5))}
    if k == 11:
        return {rng.randrange(50) for _ in range(rng.randrange(5))}
    if k == 12:
        return frozenset({rng.randrange(9) for _ in range(rng.randrange(4))})
    return bytearray(b"ba" * rng.randrange(3))


total = 0
mismatches = 0
for i in range(300):
    o = gen(0)
    shared = [o, o, (o,)]
    for proto in range(6):
        s = _pickle.dumps(shared, proto)
        total = zlib.crc32(s, total)
        back = _pickle.loads(s)
        if back != shared and repr(back) != repr(shared):
            mismatches += 1
print(total, mismatches)

big = [list(range(i, i + 50)) for i in range(1500)]
for proto in range(6):
    s = _pickle.dumps(big, proto)
    f = io.BytesIO()
    _pickle.dump(big, f, proto)
    f.seek(0)
    print(proto, len(s), zlib.crc32(s), f.getvalue() == s, _pickle.load(f) == big)
