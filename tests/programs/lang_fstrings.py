# f-strings: conversions, nested format specs, = specifier, expressions, escapes.
name = "Ada"
n = 42
pi = 3.14159265
items = ["x", "y"]
print(f"{name} has {n} items; pi~{pi:.2f}")
print(f"{name!r} {name!s} {name!a} {'café'!a} {items!r}")
print(f"{n:5d}|{n:<5}|{n:^7}|{n:>6}|{n:05d}|{n:+d}|{-n:+d}|{n: d}")
print(f"{n:x} {n:X} {n:o} {n:b} {n:#x} {n:#o} {n:#b} {255:08b}")
print(f"{1234567:,} {1234567:_} {1234567.891:,.2f} {0.5:%} {0.123:.1%}")
print(f"{pi:e} {pi:.3E} {pi:g} {1e20:g} {1e-5:g} {123456789.0:g}")
width, prec = 10, 3
print(f"[{pi:{width}.{prec}f}] [{name:*^{width}}] [{n:{'>'}{width}}]")
print(f"{n=} {pi=:.1f} {name=!r} {n * 2 = }")
print(f"{'nested ' + f'{n}'}")
print(f"{{literal braces}} {{{n}}}")
print(f"{items[0]}{items[-1]} {len(items)} {dict(a=1)['a']} {n if n > 40 else 0}")
print(f"{'a' 'b'}" f"{n}" "plain")
print(f"{3.0:.0f} {2.5:.0f} {-0.0:.1f} {float('inf'):f} {float('nan'):5}")
print(f"{'left':<10}|{'right':>10}|{'mid':^9}|")
print(f"{12:{''}}", f"{'x':{'5'}}", f"{True}", f"{None}", f"{True:d}")
obj = object()
print(f"{type(obj).__name__:>8}")
multi = f"""line1 {n}
line2 {name}"""
print(multi)
print(f"{n:,d}", f"{-1234.5:,.1f}", f"{12:+08.2f}", f"{'s':^3}")
class F:
    def __format__(self, spec):
        return f"F<{spec}>"
print(f"{F()} {F():abc} {F():{width}}")
try:
    f"{n:q}"
except ValueError as e:
    print("ValueError:", e)
try:
    f"{name:d}"
except ValueError as e:
    print("ValueError:", e)
try:
    f"{pi:,d}"
except ValueError as e:
    print("ValueError:", e)
