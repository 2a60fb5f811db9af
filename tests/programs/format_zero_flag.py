# The `0` flag of a format spec: fill '0' unless a fill is given, '=' alignment only
# for types aligned right by default (strings are aligned left).
for v, s in [("()", "010"), (5, "<010"), (5, "^06"), (-5, "010"), ("ab", ">05"), (1.5, "<08"),
             (-1.5, "010.2f"), (255, "#010x"), ("x", "=05"), ("ab", "*<05"), (7, "x<05"),
             (1j, "012"), (True, "05")]:
    try:
        print(repr(format(v, s)), repr(f"{v:{s}}"))
    except ValueError as e:
        print(v, s, "ValueError", e)
