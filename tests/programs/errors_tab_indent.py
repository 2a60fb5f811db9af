# TabError for tabs and spaces mixed inconsistently; IndentationError otherwise.
cases = [
    "if x:\n\tif y:\n        pass\n",
    "if x:\n        a\n\tb\n",
    "if x:\n\ta\n        b\n",
    "if x:\n    a\n  b\n",
    "if x:\n\ta\n\tb\n",
    "if x:\n        a\n        b\n",
    "def f():\n    if x:\n\tpass\n",
    "if x:\n  \ta\n\t  b\n",
]
for src in cases:
    try:
        compile(src, "<tabs>", "exec")
        print("ok")
    except SyntaxError as e:
        print(type(e).__name__, e.msg, e.lineno, e.offset, repr(e.text))
exec("if 1:\n\tprint('tab ok')\n")
