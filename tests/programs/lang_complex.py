# Complex numbers: literals, arithmetic with ints and floats, powers, reprs (signed
# zeros, integral parts), hashing and equality with other numbers, complex() parsing,
# __complex__, formatting, and the errors for unordered or unsupported operations.
z = 1 + 2j
print(z, 1j, -1j, 2.5j, 0j, -0j, complex(), complex(1), complex(1, 2), complex(-0.0, 1), complex(1, -0.0))
print(z.real, z.imag, z.conjugate(), abs(3 + 4j), -z, +z, z * z, z / (1 - 1j), z - 1, 2 - z, z + 0.5)
print(z ** 2, z ** -1, z ** 0.5, (1j) ** 2, 2 ** 1j, (-8) ** (1 / 3), (-1) ** 0.5, 0j ** 0, 1e300j * 1e300j)
print(repr(1e16j), repr(1.5e-7j), complex(float("inf"), float("nan")), complex("1+2j"), complex(" (3-4J) "), complex("-j"), complex("1e3+1e-3j"), complex("inf+nanj"))
print(z == 1 + 2j, z != z, 1 + 0j == 1, 1.5 + 0j == 1.5, 1j == 1, hash(1 + 0j) == hash(1), hash(2.5 + 0j) == hash(2.5), hash(1 + 2j))
print({1j: "a"}[1j], bool(0j), bool(1j), complex(z), complex(True), type(z).__name__, isinstance(z, complex))
print(f"{z}", f"{z:.2f}", f"{z:>12}", format(1.5 - 2.25j, "e"), f"{1j:g}", str(z), "%s %r" % (z, z))
for thunk in (lambda: z < z, lambda: 1j // 2, lambda: 1j % 2, lambda: int(1j), lambda: float(1j), lambda: 1 / 0j,
              lambda: 0j ** -1, lambda: complex("1 + 2j"), lambda: complex("x"), lambda: complex("1", 2),
              lambda: complex(1, "2"), lambda: complex([]), lambda: pow(1j, 2, 3), lambda: round(1j), lambda: divmod(1j, 1)):
    try:
        print(thunk())
    except Exception as e:
        print(type(e).__name__ + ":", e)
class C:
    def __complex__(self): return 3 + 1j
class B:
    def __complex__(self): return 3
print(complex(C()))
try: complex(B())
except TypeError as e: print(e)
print(sum([1j, 2, 3.5]), [x * 1j for x in range(3)], 1j * 1j == -1, (1 + 1j) ** 10, (2 + 3j) ** 200 if False else "")
class MyC(complex): pass
m = MyC(1, 2)
print(m, type(m).__name__, m + 1, type(m + 1).__name__)
print(complex(1j, 1j), complex(1 + 1j, 2), complex(2, 1 + 1j))
zs = [1 + 2j, -1.5 - 0.25j, 1j, 0j, 3 + 0j, complex(1e20, -1e-20), complex(-0.0, -0.0)]
for spec in ["", ".2f", "10.3f", "<20", "^20.1e", "+.3g", "g", ".3", "e", "E", "F", "12", "*>30g"]:
    out = []
    for z in zs:
        try:
            out.append(format(z, spec))
        except ValueError as e:
            out.append("ValueError: " + str(e))
    print(repr(spec), out)
import math
