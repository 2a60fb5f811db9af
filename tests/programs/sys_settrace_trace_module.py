# trace (CPython's Lib/trace.py) on sys.settrace: line counts and --trace output (its countfuncs/countcallers need gc.get_referrers); inspect is stood in for (it needs _ast)
import sys
import types

sys.modules.setdefault('inspect', types.SimpleNamespace(
    iscode=lambda o: isinstance(o, types.CodeType),
    isfunction=lambda o: isinstance(o, types.FunctionType)))
import trace
import linecache
import os

# trace prints source lines through linecache; the source is given here (no
# modification time: never re-read), since reading files through tokenize.open
# needs a writable TextIOWrapper.mode, which strand's _io lacks.
_path = os.path.abspath(__file__)
with open(_path) as _f:
    _lines = _f.readlines()
linecache.cache[__file__] = linecache.cache[_path] = (
    sum(map(len, _lines)), None, _lines, _path)

def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)

def loop(k):
    acc = []
    for i in range(k):
        if i % 2:
            acc.append(i)
    return acc

t = trace.Trace(count=1, trace=0)
print(t.runfunc(fib, 5), t.runfunc(loop, 5))
counts = t.results().counts
for (filename, lineno), n in sorted(counts.items(), key=lambda kv: kv[0][1]):
    print(filename == __file__, lineno - fib.__code__.co_firstlineno, n)

t = trace.Trace(count=0, trace=1)
t.runfunc(loop, 2)
print(sys.gettrace())
