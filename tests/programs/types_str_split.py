# str.split / rsplit / splitlines / partition / rpartition, with separators and maxsplit.
samples = ["a b  c", "  leading and trailing  ", "", "   ", "a,b,,c,", "one\ttwo\nthree\x0bfour\x0cfive\rsix"]
for s in samples:
    print(repr(s), s.split(), s.split(","), s.split(" "), s.rsplit(None, 1), s.split(None, 1))
print("a,b,c,d".split(",", 2), "a,b,c,d".rsplit(",", 2), "a,b,c,d".split(",", 0), "a,b,c,d".split(",", -1))
print("a::b::c".split("::"), "a::b::c".rsplit("::", 1), "aaa".split("a"), "aaaa".split("aa"))
print("x y z".split(maxsplit=1), "x y z".rsplit(maxsplit=1), "x-y-z".split(sep="-", maxsplit=1))
for bad in ["", 5]:
    try:
        print("abc".split(bad))
    except Exception as e:
        print(type(e).__name__, e)
try:
    "abc".rsplit("")
except ValueError as e:
    print(type(e).__name__, e)
lines = "first\nsecond\r\nthird\rfourth\n\nsixth\x1cseventh\u2028eighth"
print(lines.splitlines())
print(lines.splitlines(True))
print("".splitlines(), "\n".splitlines(), "abc\n".splitlines(keepends=True))
for s in ["key=value=more", "novalue", "=start", "end="]:
    print(s.partition("="), s.rpartition("="))
try:
    "abc".partition("")
except ValueError as e:
    print(type(e).__name__, e)
try:
    "abc".partition(None)
except TypeError as e:
    print(type(e).__name__, e)
print("héllo wörld".split("ö"), "日本 語".split())
