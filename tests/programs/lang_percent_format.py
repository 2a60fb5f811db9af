# printf-style % formatting and str.format / format().
print("%s is %d years" % ("Bob", 30))
print("%5s|%-5s|%05d|%+d|% d|%x|%X|%o|%#x|%#o|%e|%.3f|%g|%%" % ("a", "b", 42, 7, 7, 255, 255, 8, 255, 8, 12345.678, 2.0 / 3, 0.0001))
print("%(name)s scored %(score).1f" % {"name": "Ann", "score": 91.25})
print("%c%c" % (72, "i"), "%r" % "quote", "%a" % "é", "%s" % [1, 2], "%s" % (1,))
print("%*d|%-*d|%.*f" % (5, 1, 4, 2, 2, 3.14159))
print("%i %u" % (3, 4), "%.2s" % "abcdef", "%10.4f|" % 3.14159)
for bad in (lambda: "%d" % "x", lambda: "%s %s" % (1,), lambda: "%s" % (1, 2), lambda: "%z" % 1, lambda: "%(k)s" % 5):
    try:
        bad()
    except (TypeError, ValueError, KeyError) as e:
        print(type(e).__name__ + ":", e)

print("{} {}".format(1, "two"), "{1} {0} {1}".format("a", "b"), "{x}-{y}".format(x=1, y=2))
print("{0[0]} {0[1]} {1[k]} {2.real}".format([5, 6], {"k": "v"}, 3))
print("{:>8}|{:<8}|{:^8}|{:*^8}".format("r", "l", "c", "s"))
print("{:08.3f} {:+,} {:x} {!r} {!s:>5}".format(3.14159, 1234567, 255, "q", "s"))
print("{{}} {}".format("braces"), "{:{w}.{p}f}".format(2.71828, w=10, p=2))
print(format(1234.5, ",.2f"), format(42, "08b"), format("x", "^5"), format(3, ""), format(0.1, ".17g"))
for bad in (lambda: "{}".format(), lambda: "{0} {1}".format(1), lambda: "{x}".format(y=1), lambda: "{:d}".format(1.5), lambda: "{".format(1), lambda: "{0:}{}".format(1, 2)):
    try:
        bad()
    except (IndexError, KeyError, ValueError) as e:
        print(type(e).__name__ + ":", e)
print("%s" % None, "%d" % True, "%.1f" % 2, "%s and %s" % ("x", ("t",)))
print("%-6.2f|%6.2e|%G" % (1.5, 12345.0, 1e-10))
print("{:,}".format(10**12), "{:_x}".format(2**32), "{:.3%}".format(0.25), "{:n}".format(1000))
print("{:e}".format(0), "{:.0e}".format(5.5), "{:#.0f}".format(3), "{:g}".format(100000000))
print(str.format("{} {}", "unbound", "call"), "{0!a}".format("ü"))
