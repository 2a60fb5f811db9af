# Evaluation order: operands left to right, call arguments, keyword arguments, dict
# displays (key before value), assignment (value before targets), subscripts, chained ops.
def t(label, value=None):
    print("  eval", label)
    return label if value is None else value

print("binary:", t("a", 1) + t("b", 2) * t("c", 3))
print("power:", t("base", 2) ** t("exp", 3))
print("call:", t("f", lambda *a, **k: (a, sorted(k.items())))(t("p1"), t("p2"), k1=t("kv1"), k2=t("kv2")))
print("dict:", {t("k1"): t("v1"), t("k2"): t("v2")})
print("list:", [t("e1"), t("e2"), *t("star", [1])])
d = {}
d[t("key")] = t("value")
print("subscript assign:", d)
obj = type("O", (), {})()
t("target", obj).attr = t("rhs", 5)
print("attr assign:", obj.attr)
x = [0, 0]
i = 0
i, x[i] = 1, 2
print("tuple targets left to right:", i, x)
print("compare:", t("l", 1) < t("m", 2) < t("r", 3))
print("and/or:", t("A", 0) and t("B", 1), t("C", 0) or t("D", 2))
print("conditional:", t("yes") if t("cond", True) else t("no"))
print("subscript:", t("seq", [10, 20])[t("idx", 1)])
print("slice:", t("s", "abcdef")[t("lo", 1):t("hi", 4):t("st", 2)])
acc = [1]
acc[t("aug-index", 0)] += t("aug-value", 10)
print("augmented:", acc)
print("fstring:", f"{t('first')}-{t('second')}")
print("method call:", t("recv", "x").join([t("arg1"), t("arg2")]))
print("lambda defaults:", (lambda a=t("default"): a)())
def deco(name):
    print("  decorator", name)
    return lambda f: f
@deco(t("d1"))
@deco(t("d2"))
def decorated():
    pass
print("unpack order:", [*t("u1", "ab"), *t("u2", "c")])
print("nested calls:", max(t("m1", 3), min(t("m2", 7), t("m3", 5))))
