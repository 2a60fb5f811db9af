"""mod doc"""
import sys
print(__doc__)
def f():
    "fdoc"
print(f.__doc__)
for src in ['"x" "y"', 'f"x"', 'b"x"', 'x = 1\n"late"', '', '# comment\n\n"after comment"', '"""a"""; x = 2']:
    d = {}
    exec(src, d)
    print(repr(src), repr(d.get('__doc__', 'missing')))
print(compile('"doc"', 'm', 'exec').co_consts[:1], compile('"doc"', 'm', 'single').co_consts[:1])
import json; print(json.__doc__.splitlines()[0])
