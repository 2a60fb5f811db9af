# str.format / format_map / format() specs / f-strings / %-formatting.
print("{} {} {}".format(1, "a", [2]), "{0}{1}{0}".format("ab", "cd"), "{x}-{y}".format(x=1, y=2), "{{literal}}".format())
print("{0[1]} {0[key]} {1.real}".format({1: "one", "key": "k"}, 3), "{!r} {!s} {!a}".format("q", "q", "é"))
print("{:>6}|{:<6}|{:^6}|{:*^7}|{:=+6}".format("ab", "cd", "ef", "g", 5))
print("{:d} {:5d} {:05d} {:+d} {: d} {:,d} {:_d} {:x} {:X} {:#x} {:o} {:#o} {:b} {:#b} {:c}".format(*([42] * 14), 65))
print("{:f} {:.2f} {:10.3f} {:e} {:.3E} {:g} {:G} {:.3g} {:%} {:.1%} {:,.2f}".format(*([1234.5678] * 8), 0.256, 0.256, 1234567.891))
print("{:g} {:g} {:g} {:g} {:g} {:.0f} {:.0f} {:.0f}".format(1e-5, 1e16, 123456789.0, 0.0001, -0.0, 0.5, 1.5, 2.5))
print("{:.3s}|{:10.2s}|{:>10}".format("abcdef", "xyz", 3.5), format(255, "08b"), format(3.14159, ".2f"), format("s", ""))
print("{:n} {:#.3g} {:+.2e} {:010.2f} {:-^+10.1f}".format(1234, 1.0, -0.000123, -3.14159, 2.25))
print(format(float("inf"), "f"), format(float("-inf"), "e"), format(float("nan"), "g"), format(float("nan"), "F"), format(1e300, "e"))
print(format(True, "d"), format(True, ""), format(None, ""), format(12345678901234567890, ","), format(-7, "x"))
print("%s %r %d %i %5.2f %-5d| %05d %x %X %o %e %g %c %%" % ("s", "r", 1, 2, 3.14159, 4, 5, 255, 255, 8, 1234.5, 0.00001, "Z"))
print("%(a)s and %(b)03d" % {"a": "A", "b": 7}, "%s" % (1,), "%s" % [1, 2], "%.3s" % "abcdef", "%*d" % (5, 42), "%-*d|" % (5, 42))
x, w = 3.14159, 8
print(f"{x:.3f} {x!r:>12} {w:{w}d} {'nested':{'^'}{w + 4}} {x=} {w * 2 = }")
d = {"k": [1, 2]}
print(f"{d['k'][1]} {len(d)} {'yes' if d else 'no'} {3:#06x}")
print("{0:{1}}".format(42, ">5"), "{:{}{}}".format(7, "0", 4))
errors = [
    lambda: "{}".format(),
    lambda: "{0} {}".format(1, 2),
    lambda: "{".format(1),
    lambda: "}".format(1),
    lambda: "{:d}".format("x"),
    lambda: "{:s}".format(3),
    lambda: "{x}".format(y=1),
    lambda: "{:q}".format(1),
    lambda: "%d" % "x",
    lambda: "%s %s" % (1,),
    lambda: "%s" % (1, 2),
    lambda: format(1.5, "d"),
    lambda: "{0[5]}".format([1]),
    lambda: "{:,s}".format("x"),
]
for f in errors:
    try:
        print(f())
    except Exception as e:
        print(type(e).__name__, e)
print("{name} is {age}".format_map({"name": "Ann", "age": 30}))
