# The hash modules: _md5, _sha1, _sha256, _sha512, _sha3, _blake2 (digests checked
# against CPython's), their attributes, copy semantics and errors.
import _blake2
import _md5
import _sha1
import _sha256
import _sha512
import _sha3


def show(f, *a, **k):
    try:
        r = f(*a, **k)
        print("ok", r if isinstance(r, (str, bytes, int)) else type(r).__name__)
    except Exception as e:
        print(type(e).__name__, e)


ctors = [_md5.md5, _sha1.sha1, _sha256.sha224, _sha256.sha256, _sha512.sha384,
         _sha512.sha512, _sha3.sha3_224, _sha3.sha3_256, _sha3.sha3_384, _sha3.sha3_512,
         _blake2.blake2b, _blake2.blake2s]
inputs = [b"", b"abc", b"a" * 1000, bytes(range(256)) * 3]
for ctor in ctors:
    h = ctor()
    print(type(h).__module__, type(h).__name__, h.name, h.digest_size, h.block_size)
    for data in inputs:
        print(" ", ctor(data).hexdigest())
    # Incremental updates equal one update; copies are independent.
    h = ctor(b"ab")
    c = h.copy()
    h.update(b"c")
    print(" ", h.digest() == ctor(b"abc").digest(), c.hexdigest() == ctor(b"ab").hexdigest())
    for chunk in (b"x" * 7, b"y" * 200, b"z" * 63):
        c.update(chunk)
    print(" ", c.hexdigest() == ctor(b"ab" + b"x" * 7 + b"y" * 200 + b"z" * 63).hexdigest())
    show(ctor, "abc")
    show(ctor, 5)
    show(h.update, "x")
    show(h.update)
    show(ctor, b"a", b"b")
    show(ctor, b"a", usedforsecurity=False)
    show(h.digest, 1)

print(_md5.md5(string=b"abc").hexdigest(), _sha256.sha256(string=b"abc").hexdigest()[:16])
show(_md5.md5, data=b"a")
show(_sha3.sha3_256, string=b"a")
show(_sha3.sha3_512, b"a", b"b")

for shake in (_sha3.shake_128, _sha3.shake_256):
    h = shake(b"abc")
    print(h.name, h.digest_size, h.block_size, h._capacity_bits, h._rate_bits, h._suffix)
    print(h.hexdigest(10), h.digest(3), shake(b"a" * 500).hexdigest(40))
    show(h.digest)
    show(h.hexdigest, -1)
    show(h.hexdigest, 2**40)
    show(h.digest, length=4)
for ctor in ctors[6:10]:
    h = ctor()
    print(h._capacity_bits, h._rate_bits, h._suffix)

# BLAKE2 parameters.
print(_blake2.blake2b(b"abc", digest_size=20, key=b"k", salt=b"s", person=b"p").hexdigest())
print(_blake2.blake2s(b"abc", digest_size=20, key=b"k", salt=b"s", person=b"p").hexdigest())
print(_blake2.blake2b(key=b"k").hexdigest())
print(_blake2.blake2b(key=b"x" * 64, digest_size=64).hexdigest())
print(_blake2.blake2s(b"q" * 64, key=b"x" * 32).hexdigest())
print(_blake2.blake2b(b"data", salt=b"s" * 16, person=b"p" * 16).hexdigest())
h = _blake2.blake2b(digest_size=10)
print(h.digest_size, len(h.digest()), h.copy().digest_size)
for kw in [dict(digest_size=0), dict(digest_size=65), dict(key=b"x" * 65),
           dict(salt=b"x" * 17), dict(person=b"x" * 17), dict(fanout=256), dict(depth=0),
           dict(leaf_size=-1), dict(leaf_size=2**32), dict(node_depth=256),
           dict(inner_size=65), dict(node_offset=-1), dict(key="x"), dict(bogus=1)]:
    show(_blake2.blake2b, **kw)
show(_blake2.blake2s, salt=b"x" * 9)
show(_blake2.blake2s, digest_size=33)
print(_blake2.BLAKE2B_SALT_SIZE, _blake2.BLAKE2B_PERSON_SIZE, _blake2.BLAKE2B_MAX_KEY_SIZE,
      _blake2.BLAKE2B_MAX_DIGEST_SIZE, _blake2.BLAKE2S_SALT_SIZE, _blake2.BLAKE2S_PERSON_SIZE,
      _blake2.BLAKE2S_MAX_KEY_SIZE, _blake2.BLAKE2S_MAX_DIGEST_SIZE)
print(_blake2.blake2b.MAX_DIGEST_SIZE, _blake2.blake2s.SALT_SIZE)

print(_md5.MD5Type, _sha1.SHA1Type, _sha256.SHA224Type, _sha512.SHA384Type)
show(lambda: type(_md5.md5())())
try:
    class X(_sha3.sha3_224):
        pass
except TypeError as e:
    print(e)
