# center/ljust/rjust/zfill/expandtabs.
for w in [10, 11, 3, 0, -1]:
    print(repr("abc".center(w)), repr("abc".ljust(w, "*")), repr("abc".rjust(w, "-")), repr("ab".center(w, "x")))
print(repr("abcd".center(9, "0")), repr("abc".center(8, "0")), repr("".center(4, "z")))
for s in ["42", "-42", "+42", "", "abc", "-", "3.14", "-0"]:
    print(repr(s.zfill(6)), repr(s.zfill(1)))
for bad in ["ab", "", 1]:
    try:
        "x".center(5, bad)
    except TypeError as e:
        print(type(e).__name__, e)
print(repr("a\tb\tc".expandtabs()), repr("a\tb\tc".expandtabs(4)), repr("ab\tcd\n\tx".expandtabs(3)), repr("\t".expandtabs(0)), repr("x\ty".expandtabs(-1)))
print(repr("12345\t6\r\t7".expandtabs(4)), repr("abc".expandtabs(tabsize=2)))
print(f"{'left':<8}|{'right':>8}|{'mid':^9}|{'fill':*^10}|{42:08d}|{-42:+06d}")
