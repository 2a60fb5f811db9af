# Deeply nested source is a SyntaxError, IndentationError or RecursionError, as in
# CPython, never a crash.
import sys

def try_compile(label, src):
    try:
        compile(src, "<nest>", "exec")
        print(label, "ok")
    except (SyntaxError, RecursionError, MemoryError) as e:
        if isinstance(e, SyntaxError):
            print(label, type(e).__name__, e.msg, e.lineno, e.offset, e.end_lineno, e.end_offset)
        else:
            print(label, type(e).__name__, e)

try_compile("parens 100000", "x = " + "(" * 100000 + ")" * 100000)
try_compile("brackets 300", "[" * 300 + "]" * 300)
try_compile("parens 201", "x = " + "(" * 201 + ")" * 201)
try_compile("parens 200", "x = " + "(" * 200 + ")" * 200)
try_compile("calls 201", "f(" * 201 + ")" * 201)
try_compile("mixed", "x = [" + "{" * 100 + "(" * 100 + ")" * 100 + "}" * 100 + "]")
try_compile("indent 99", "".join(" " * i + "if x:\n" for i in range(99)) + " " * 99 + "pass\n")
try_compile("indent 100", "".join(" " * i + "if x:\n" for i in range(100)) + " " * 100 + "pass\n")
try_compile("binop 100000", "1" + "+1" * 100000)
try_compile("attr 100000", "x" + ".a" * 100000)
try_compile("subscript 100000", "x" + "[0]" * 100000)
try_compile("calls 100000", "x" + "()" * 100000)
try_compile("binop 10000", "1" + "+1" * 10000)
try_compile("binop 500", "1" + "+1" * 500)
try_compile("error after", "(" * 300 + "\n)))) = 1")
x = eval("1" + "+1" * 500)
print(x)
try:
    eval("1" + "+1" * 100000)
except RecursionError as e:
    print("eval", e)
