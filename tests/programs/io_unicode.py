# Encodings of text files: UTF-8 (multi-byte characters across reads), Latin-1,
# ASCII, and the Unicode errors.
import os

NAME = "io_unicode.tmp"
text = "naïve café — ☃ snow, 𝄞 clef\nΣίσυφος\n"

with open(NAME, "w", encoding="utf-8") as f:
    print(f.write(text))
print(os.path.getsize(NAME))
with open(NAME, encoding="utf-8") as f:
    print(f.read() == text)
    f.seek(0)
    chunks = []
    while True:
        c = f.read(3)
        if not c:
            break
        chunks.append(c)
    print(chunks[:6], "".join(chunks) == text)
    f.seek(0)
    print(f.readline(5), repr(f.readline()), f.tell())
with open(NAME, "rb") as f:
    raw = f.read()
print(raw[:12], raw.decode("utf-8") == text)

with open(NAME, "w", encoding="latin-1") as f:
    f.write("café ÿ")
with open(NAME, "rb") as f:
    print(f.read())
with open(NAME, encoding="latin-1") as f:
    print(f.read())
try:
    with open(NAME, encoding="utf-8") as f:
        f.read()
except UnicodeDecodeError as e:
    print(type(e).__name__, e)
with open(NAME, encoding="utf-8", errors="replace") as f:
    print(repr(f.read()))
with open(NAME, encoding="utf-8", errors="ignore") as f:
    print(repr(f.read()))
try:
    with open(NAME, encoding="ascii") as f:
        f.read()
except UnicodeDecodeError as e:
    print(type(e).__name__, e)

f = open(NAME, "w", encoding="ascii")
try:
    f.write("plain then é")
except UnicodeEncodeError as e:
    print(type(e).__name__, e)
f.close()
with open(NAME, "w", encoding="ascii", errors="replace") as f:
    f.write("a é b")
with open(NAME) as f:
    print(f.read())

with open(NAME, "wb") as f:
    f.write(b"ok\n\xff\xfebad\n")
with open(NAME) as f:
    try:
        print(repr(f.readline()))
        f.readline()
    except UnicodeDecodeError as e:
        # CPython decodes whole chunks: the bad byte fails the first read.
        print(type(e).__name__, e.reason, e.start, e.end)
with open(NAME, "rb") as f:
    print(f.readline(), f.readline())
os.remove(NAME)
