# SyntaxError construction and display (CPython's SyntaxError_init, parse_syntax_error, print_error_text)
import sys, io
cases = [("bad.py", 1, 2, "abcdefg", 1, 100), ("bad.py", 1, 2, "abcdefg", 1, 5), ("bad.py", 1, 0, "abcdefg", 1, 5), ("bad.py", 1, -4, "abcdefg", 1, -2), ("bad.py", 1, 4, "abcdefg", 1, 2), ("bad.py", 1, 2, "abcdefg", 2, 4), ("bad.py", 1, 2, "  abc\ndefg\n", 1, 9),("bad.py", 1, 8, "ab\ncdefg", 1, 10), ("bad.py", 1, 2, "ab\u00e9cdefg", 1, 7)]
for a in cases:
    try:
        raise SyntaxError("bad bad", a)
    except SyntaxError:
        buf = io.StringIO(); old = sys.stderr; sys.stderr = buf
        sys.__excepthook__(*sys.exc_info())
        sys.stderr = old
        print(buf.getvalue().split("raise SyntaxError")[1])
for a in [("bad.py", 1, 2), ("bad.py", 1, 2, 4, 5, 6, 7), ("bad.py", 1, 2, "abcdefg", 1), ("bad.py", 1, 2, "abcdefg", 1, 2)]:
    try:
        e = SyntaxError("bad bad", a); print(e.args, e.end_offset)
    except TypeError as e: print("TypeError", e)
