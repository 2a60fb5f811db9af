# Indexing, slicing, repr escaping, comparisons, ord/chr, iteration, str() of objects.
s = "Hello, World"
print(s[0], s[-1], s[2:5], s[:3], s[7:], s[::2], s[::-1], s[-5:-2], s[100:], s[3:1], s[1:10:3], s[::-3])
for bad in (100, -100):
    try:
        s[bad]
    except IndexError as e:
        print(type(e).__name__, e)
try:
    s["x"]
except TypeError as e:
    print(type(e).__name__, e)
try:
    s[0] = "h"
except TypeError as e:
    print(type(e).__name__, e)
for t in ["plain", "it's", 'say "hi"', "both ' and \"", "tab\tnew\nline\\", "\x00\x7f\x80\xff", "é日本\u200b\U0001f600", "\r\x1b"]:
    print(repr(t), ascii(t), len(t))
print("a" < "b", "abc" < "abd", "ab" < "abc", "Z" < "a", "é" > "z", "" < "a", "abc" == "abc", "a" != "b")
print(sorted(["banana", "Apple", "cherry", "apple", "éclair", "Zebra"]))
print(ord("a"), ord("€"), ord("😀"), chr(97), chr(8364), chr(0x1F600), [c for c in "héllo"])
for bad in [-1, 0x110000]:
    try:
        chr(bad)
    except ValueError as e:
        print(type(e).__name__, e)
for bad in ["", "ab"]:
    try:
        ord(bad)
    except TypeError as e:
        print(type(e).__name__, e)
print(str(42), str(3.5), str(None), str(True), str([1, "a"]), str(b"x"), str("x"), str(), repr(str))
print(str(b"caf\xc3\xa9", "utf-8"), str(b"abc", encoding="ascii"), "x".__len__(), "ab".__contains__("a"))
print(min("hello"), max("hello"), sum(map(ord, "abc")), list(reversed("abc")), "abc".__getitem__(1), hash("") == 0)
print("%s" % "a" * 3, "-" * 10, "abc" in ["abc"], "b" in "abc", isinstance("x", str), issubclass(str, object))
it = iter("xy")
print(next(it), next(it), next(it, "done"))
print(len("\U0001f600\U0001f600"), "\N{BULLET}" if False else "\u2022", "\x41\u0042\U00000043", "a\
b")
