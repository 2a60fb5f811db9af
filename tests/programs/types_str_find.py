# find/rfind/index/rindex/count/startswith/endswith (with tuples, start/end).
s = "the quick brown fox jumps over the lazy dog"
print(s.find("the"), s.rfind("the"), s.find("cat"), s.find("o", 15), s.find("o", 15, 17), s.rfind("o", 0, 20))
print(s.index("quick"), s.rindex("o"), s.count("o"), s.count("the"), s.count(""), "aaaa".count("aa"), s.count("o", 20, -5))
print(s.find(""), s.find("", 5), s.find("", 100), s.rfind(""), "abc".find("c", -1), "abc".find("a", -10, -2))
for meth in ("index", "rindex"):
    try:
        getattr(s, meth)("cat")
    except ValueError as e:
        print(meth, type(e).__name__, e)
print(s.startswith("the"), s.startswith(("a", "the")), s.startswith("quick", 4), s.startswith("quick", 4, 8))
print(s.endswith("dog"), s.endswith(("cat", "dog")), s.endswith("lazy", 0, -4), s.endswith(()), s.startswith(""))
for bad in [1, ("a", 2), ["a"]]:
    try:
        s.startswith(bad)
    except TypeError as e:
        print(type(e).__name__, e)
try:
    s.endswith(None)
except TypeError as e:
    print(type(e).__name__, e)
try:
    s.find(3)
except TypeError as e:
    print(type(e).__name__, e)
print("quick" in s, "slow" not in s, "" in s)
try:
    print(1 in s)
except TypeError as e:
    print(type(e).__name__, e)
print("ñandú".find("dú"), "日本語テキスト".index("テ"), "日本語".count("本"))
