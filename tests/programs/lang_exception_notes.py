# PEP 678 exception notes: add_note, __notes__ as an ordinary attribute, and the
# traceback printing them.
import traceback

for e in [BaseException(1), Exception(2), ValueError(3)]:
    print(type(e).__name__, hasattr(e, "__notes__"))
    e.add_note("My Note")
    print(e.__notes__)
    try:
        e.add_note(42)
    except TypeError as x:
        print("TypeError:", x)
    e.add_note("Your Note")
    print(e.__notes__)
    del e.__notes__
    print(hasattr(e, "__notes__"))
    for bad in [42, (1, 2), "text", None]:
        e.__notes__ = bad
        try:
            e.add_note("will not work")
        except TypeError as x:
            print("TypeError:", x, repr(e.__notes__))
    # The values the refused notes were set to are unchanged (42 is a shared small int).
    print(42 + 0, (1, 2), len([1, 2, 3]))

try:
    try:
        raise KeyError("k")
    except KeyError as e:
        e.add_note("while looking up k")
        e.add_note("second note")
        raise
except KeyError as e:
    print("".join(traceback.format_exception_only(type(e), e)), end="")

class Odd(Exception):
    pass

e = Odd("odd")
e.__notes__ = ["a list subclass is fine"]
e.add_note("appended")
print(e.__notes__)
try:
    e.add_note()
except TypeError as x:
    print("TypeError:", x)
