# Compile-time SyntaxWarnings (printed to stderr before the program runs): "is" with
# a literal, calling or subscripting literals, non-integer literal indices, and
# assert on a parenthesized tuple. The program itself runs normally.
x = 5
a = x is 1
b = x is not "s"
c = 1 is x
d = x is ()
e = x is (1, 2)
f = x is -1
g = x is None
h = x is ...
i = (x is
     2.5)
try: None()
except TypeError: pass
try: (1, 2)()
except TypeError: pass
try: [1][0](); 
except TypeError: pass
try: {1}[0]
except TypeError: pass
try: 5[0]
except TypeError: pass
try: True[0]
except TypeError: pass
try: [1, 2]["a"]
except TypeError: pass
try: "abc"[1.5]
except TypeError: pass
try: (1, 2)["x"]
except TypeError: pass
try: f"a"["x"]
except TypeError: pass
try: (lambda: 1)[0]
except TypeError: pass
try: (-1)()
except TypeError: pass
try: x[1.5]
except TypeError: pass
assert (1, 2)
assert (x, "m")
try: assert ()
except AssertionError: pass
for _ in range(2):
    z = x is 7
try: f"{x}"()
except TypeError: pass
try: [i for i in ()]()
except TypeError: pass
print("ran to the end")
