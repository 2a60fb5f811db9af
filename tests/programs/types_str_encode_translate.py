# encode/decode with errors, maketrans and translate.
s = "héllo wörld €"
print(s.encode(), s.encode("utf-8"), s.encode("ascii", "ignore"), s.encode("ascii", "replace"), s.encode("latin-1", errors="replace"))
print(s.encode("ascii", "backslashreplace"), s.encode("ascii", "xmlcharrefreplace"))
try:
    s.encode("ascii")
except UnicodeEncodeError as e:
    print(type(e).__name__, e)
try:
    s.encode("no-such-codec")
except LookupError as e:
    print(type(e).__name__, e)
print(s.encode().decode(), len(s), len(s.encode()), "日本".encode("utf-8"), "abc".encode("utf_8"), "x".encode("UTF8"))
print(b"caf\xc3\xa9".decode(), b"caf\xe9".decode("latin-1"), b"caf\xe9".decode("utf-8", "replace"), b"caf\xe9".decode("utf-8", "ignore"))
try:
    b"caf\xe9".decode()
except UnicodeDecodeError as e:
    print(type(e).__name__, e)
try:
    b"\xff".decode("ascii")
except UnicodeDecodeError as e:
    print(type(e).__name__, e)
t = str.maketrans("abc", "xyz")
print(sorted(t.items()), "aabbcc-abc".translate(t))
t2 = str.maketrans({"a": "AA", "b": None, ord("c"): 67})
print(sorted(t2.items()), "abcabc".translate(t2))
t3 = str.maketrans("ab", "cd", "xy")
print(sorted(t3.items()), "axbycz".translate(t3))
print("hello".translate({ord("l"): "L"}), "hello".translate({}), "hello".translate([None] * 200)[:3] == "")
for args in [("abc", "xy"), (1,), ({"ab": 1},), ({1.5: "x"},)]:
    try:
        str.maketrans(*args)
    except (ValueError, TypeError) as e:
        print(type(e).__name__, e)
try:
    "abc".translate({ord("a"): 3.5})
except TypeError as e:
    print(type(e).__name__, e)
