# strip family, join, replace, removeprefix/removesuffix.
s = "  \t hello world \n "
print(repr(s.strip()), repr(s.lstrip()), repr(s.rstrip()))
print("xxhixx".strip("x"), "xyhiyx".strip("xy"), "abcba".lstrip("ab"), "abcba".rstrip("ab"), "aaa".strip("a") == "")
print(repr("\u3000 wide \u3000".strip()), repr("..x..".strip(".")), "hello".strip(""))
try:
    "abc".strip(1)
except TypeError as e:
    print(type(e).__name__, e)
print("-".join(["a", "b", "c"]), "".join([]), ", ".join(("x",)), "+".join("abc"), "/".join(map(str, range(5))))
print("".join(c.upper() for c in "gen"), "-".join({"k": 1, "j": 2}))
for bad in [["a", 1, "b"], [None], 5]:
    try:
        "-".join(bad)
    except TypeError as e:
        print(type(e).__name__, e)
print("banana".replace("a", "o"), "banana".replace("a", "o", 2), "banana".replace("na", ""), "banana".replace("", "-"))
print("banana".replace("", "-", 3), "abc".replace("x", "y"), "aaa".replace("a", "aa"), "banana".replace("a", "A", 0), "banana".replace("a", "A", -1))
print("prefix_body".removeprefix("prefix_"), "prefix_body".removeprefix("nope"), "body.py".removesuffix(".py"), "body.py".removesuffix(".txt"))
print("abc" * 3, 3 * "ab", "abc" * 0, "abc" * -2, "x" + "y")
try:
    "a" + 1
except TypeError as e:
    print(type(e).__name__, e)
try:
    "a" * 1.5
except TypeError as e:
    print(type(e).__name__, e)
