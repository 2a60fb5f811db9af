# zlib: one-shot and streaming compression in every wbits form, dictionaries,
# max_length, unused data, copies, checksums and CPython's errors. Compressed bytes
# are compared through decompression (zlib implementations may encode differently),
# except for level 0, whose stored blocks are fixed.
import zlib


def show(f, *a, **k):
    try:
        r = f(*a, **k)
        print("ok", repr(r)[:100])
    except Exception as e:
        print(type(e).__name__, e)


texts = [b"", b"abc", b"hello world " * 500, bytes(range(256)) * 40]
for data in texts:
    for level in (0, 1, 6, 9, -1):
        for wbits in (15, 9, -15, -9, 31, 25):
            c = zlib.compress(data, level, wbits)
            back = zlib.decompress(c, wbits)
            auto = zlib.decompress(c, 47) if wbits > 0 else back
            assert back == data and auto == data, (level, wbits)
    print(len(data), zlib.compress(data, 0)[:12], zlib.crc32(data), zlib.adler32(data))
print(zlib.compress(b"abc", 0), zlib.compress(b"abc", 0, -15), zlib.compress(b"abc", level=0))

# A stream made by CPython's zlib decompresses the same everywhere.
made = b'x\x9c\xcbH\xcd\xc9\xc9W(\xcf/\xcaIQ\xc8@\xb0\x01i\xe7\x08\xd9'
print(zlib.decompress(made), zlib.decompress(made, bufsize=1))

show(zlib.compress, b"abc", 10)
show(zlib.compress, b"abc", wbits=7)
show(zlib.compress, "abc")
show(zlib.decompress, b"abc")
show(zlib.decompress, zlib.compress(b"abc")[:-2])
show(zlib.decompress, zlib.compress(b"abc") + b"xyz")
show(zlib.decompress, zlib.compress(b"abc"), bufsize=-1)
show(zlib.decompress, zlib.compress(b"abc"), wbits=8)
show(zlib.decompress, zlib.compress(b"abc"), wbits=100)
show(zlib.decompress, zlib.compress(b"abc", wbits=31), wbits=15)
show(zlib.crc32, b"abc", -1)
show(zlib.crc32, b"abc", 2**40)
show(zlib.adler32, b"abc", 2**40)
show(zlib.adler32, b"x" * 100000, 12345)
show(zlib.adler32)
show(zlib.crc32, "abc")

# Streaming compression with every flush mode.
for strategy in (zlib.Z_DEFAULT_STRATEGY, zlib.Z_FILTERED, zlib.Z_HUFFMAN_ONLY, zlib.Z_RLE,
                 zlib.Z_FIXED):
    for wbits in (15, -12, 31):
        c = zlib.compressobj(6, zlib.DEFLATED, wbits, 9, strategy)
        parts = [c.compress(b"part one " * 100)]
        parts.append(c.flush(zlib.Z_SYNC_FLUSH))
        parts.append(c.compress(b"part two " * 50))
        parts.append(c.flush(zlib.Z_FULL_FLUSH))
        parts.append(c.compress(b"three"))
        parts.append(c.flush(zlib.Z_NO_FLUSH))
        parts.append(c.flush())
        out = b"".join(parts)
        print(strategy, wbits, zlib.decompress(out, wbits) ==
              b"part one " * 100 + b"part two " * 50 + b"three", parts[-2])

c = zlib.compressobj()
c.compress(b"x")
c.flush()
show(c.compress, b"x")
show(c.flush)
show(c.copy)
show(zlib.compressobj, 10)
show(zlib.compressobj, zdict="x")
show(zlib.compressobj, method=9)
show(zlib.compressobj, memLevel=10)
show(zlib.compressobj, strategy=9)
show(zlib.compressobj().flush, 99)

# Copies of compressors diverge independently.
c = zlib.compressobj()
head = c.compress(b"common prefix " * 20)
c2 = c.copy()
a = head + c.compress(b"AAA") + c.flush()
b = head + c2.compress(b"BBB") + c2.flush()
print(zlib.decompress(a)[-6:], zlib.decompress(b)[-6:])

# Streaming decompression.
data = zlib.compress(b"hello world" * 100)
d = zlib.decompressobj()
r = d.decompress(data, 10)
print(r, len(d.unconsumed_tail) > 0, d.eof)
r2 = d.decompress(d.unconsumed_tail + b"extra")
print(len(r2), d.eof, d.unused_data, d.unconsumed_tail)
show(d.decompress, b"more")
print(d.unused_data, d.unconsumed_tail)
show(d.flush)
show(d.copy)
show(lambda: type(d)())
print(type(d).__name__, type(d).__module__, type(zlib.compressobj()).__name__)

d = zlib.decompressobj()
show(d.decompress, b"xx", -1)
show(d.flush, 0)
show(d.decompress, b"garbage")
print(d.eof, d.unused_data, d.unconsumed_tail)

# Byte-at-a-time input, and max_length draining.
big = bytes(range(256)) * 20
stream = zlib.compress(big, 9)
d = zlib.decompressobj()
got = b"".join(d.decompress(stream[i:i + 1]) for i in range(len(stream)))
print(got == big, d.eof, d.unused_data)
d = zlib.decompressobj()
chunks = []
buf = stream
while buf:
    chunks.append(d.decompress(buf, 100))
    buf = d.unconsumed_tail
chunks.append(d.flush())
print(b"".join(chunks) == big, max(len(c) for c in chunks), d.eof)

d = zlib.decompressobj()
d.decompress(zlib.compress(b"abcdef")[:5])
show(d.flush)
print(d.eof)
d2 = zlib.decompressobj(wbits=-15)
print(d2.decompress(zlib.compress(b"raw data", 6, -15)), d2.eof)
d3 = zlib.decompressobj(47)
print(d3.decompress(zlib.compress(b"gzip data", 6, 31)), d3.eof)

# Copies of decompressors.
d = zlib.decompressobj()
first = d.decompress(stream[:50])
e = d.copy()
print(first + d.decompress(stream[50:]) == big, first + e.decompress(stream[50:]) == big)
print(zlib.decompressobj().copy().decompress(stream) == big)

# Preset dictionaries.
zd = b"hello world dictionary"
c = zlib.compressobj(zdict=zd)
x = c.compress(b"hello world") + c.flush()
show(zlib.decompress, x)
d = zlib.decompressobj(zdict=zd)
show(d.decompress, x)
d = zlib.decompressobj(zdict=b"wrong dict")
show(d.decompress, x)
show(zlib.decompressobj, zdict="x")
show(zlib.decompressobj, wbits=100)
c = zlib.compressobj(wbits=-15, zdict=zd)
x = c.compress(b"hello world") + c.flush()
print(zlib.decompressobj(wbits=-15, zdict=zd).decompress(x))

print(zlib.MAX_WBITS, zlib.DEFLATED, zlib.DEF_MEM_LEVEL, zlib.DEF_BUF_SIZE, zlib.Z_BEST_SPEED,
      zlib.Z_BEST_COMPRESSION, zlib.Z_DEFAULT_COMPRESSION, zlib.Z_FINISH, zlib.Z_BLOCK,
      zlib.Z_TREES, zlib.Z_RLE, zlib.Z_FIXED, isinstance(zlib.ZLIB_VERSION, str))
print(issubclass(zlib.error, Exception), zlib.error.__module__)
