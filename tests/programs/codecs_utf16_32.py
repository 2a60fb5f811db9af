# UTF-16 and UTF-32: the codecs (BOM handling, -le/-be), their incremental forms,
# and text files opened with them.
import codecs
import io
import os
import tempfile

text = "h\u00e9llo \u20ac \U0001f600\n"
for enc in ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"]:
    data = text.encode(enc)
    print(enc, data.hex(), data.decode(enc) == text)

# The BOM decides the byte order, and is consumed.
print(codecs.utf_16_decode(b"\xff\xfeh\x00i\x00"))
print(codecs.utf_16_decode(b"\xfe\xff\x00h\x00i"))
print(codecs.utf_16_ex_decode(b"\xfe\xff\x00h\x00i"))
print(codecs.utf_16_ex_decode(b"\xff\xfeh\x00"))
print(codecs.utf_16_ex_decode(b"h\x00i\x00", "strict", 0, True))
print(codecs.utf_32_decode(b"\x00\x00\xfe\xff\x00\x00\x00h"))
print(codecs.utf_32_ex_decode(b"\xff\xfe\x00\x00h\x00\x00\x00"))
print(codecs.utf_16_encode("hi"), codecs.utf_16_encode("hi", "strict", 1))
print(codecs.utf_32_encode("hi", "strict", -1))
print(codecs.utf_16_le_decode(b"h\x00i"), codecs.utf_32_be_decode(b"\x00\x00\x00h\x00"))

# Truncated and invalid data.
for data, enc in [(b"h\x00i", "utf-16-le"), (b"\x00\xd8a\x00", "utf-16-le"), (b"h\x00\x00", "utf-32-le"),
                  (b"\x00\x00\x11\x00", "utf-32-le")]:
    try:
        data.decode(enc)
    except UnicodeDecodeError as e:
        print(e)
    print(ascii(data.decode(enc, "replace")), ascii(data.decode(enc, "ignore")))
try:
    "\ud800".encode("utf-16")
except UnicodeEncodeError as e:
    print(e)
print("\ud800".encode("utf-16-le", "surrogatepass"), b"\x00\xd8".decode("utf-16-le", "surrogatepass") == "\ud800")

# Incremental decoding, a byte at a time.
for enc in ["utf-16", "utf-32", "utf-16-be"]:
    dec = codecs.getincrementaldecoder(enc)()
    data = text.encode(enc)
    out = "".join(dec.decode(data[i:i + 1]) for i in range(len(data)))
    out += dec.decode(b"", final=True)
    print(enc, out == text)
    encoder = codecs.getincrementalencoder(enc)()
    print(enc, (encoder.encode("ab") + encoder.encode("cd")).hex())

# Text files.
with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "t.txt")
    for enc in ["utf-16", "utf-16-be", "utf-32", "utf-32-le", "cp1252", "koi8-r"]:
        s = "caf\u00e9\nna\u00efve\n" if enc != "koi8-r" else "\u0430\u0431\u0432\n\u0433\n"
        with open(path, "w", encoding=enc) as f:
            print(type(f).__name__, f.mode, f.encoding, f.errors)
            f.write(s)
        with open(path, "rb") as f:
            print(enc, f.read().hex())
        with open(path, encoding=enc) as f:
            print(ascii(f.readline()), ascii(f.read()))
        with open(path, "a", encoding=enc) as f:
            f.write("x\n")
        with open(path, encoding=enc) as f:
            print([ascii(line) for line in f])
    with open(path, "w", encoding="utf-16", newline="\r\n") as f:
        f.write("a\nb\n")
    with open(path, encoding="utf-16", newline="") as f:
        print(ascii(f.read()))
    try:
        open(os.path.join(d, "n.txt"), "w", encoding="no-such-codec")
    except LookupError as e:
        print(type(e).__name__, e)
    wrapper = io.TextIOWrapper(io.BytesIO(), encoding="utf-32-be")
    wrapper.write("\u00e9t\u00e9")
    wrapper.flush()
    print(wrapper.buffer.getvalue().hex())
