import sys

print(sys.implementation.name in ("cpython", "strand"), sys.implementation.cache_tag is None or isinstance(sys.implementation.cache_tag, str))
print(type(sys.implementation).__name__, sys.implementation.version[:0])
print(sys.flags.optimize, sys.flags.ignore_environment, sys.flags.isolated, sys.flags.dev_mode)
print(len(sys.flags), type(sys.flags).__name__, sys.flags.inspect, sys.flags.safe_path)
print(sys.warnoptions, type(sys._xoptions).__name__)
print(sys.hexversion >> 16 == 0x030b, sys.maxunicode, sys.float_repr_style)
print(sys.getfilesystemencoding(), sys.getfilesystemencodeerrors(), sys.getdefaultencoding())
print(sys.is_finalizing())
print("sys" in sys.builtin_module_names, "builtins" in sys.builtin_module_names, isinstance(sys.builtin_module_names, tuple))
print(sys.exception())
try:
    raise KeyError("k")
except KeyError:
    print(repr(sys.exception()))
print(sys.exception())
print(isinstance(sys.orig_argv, list), sys.orig_argv[-1].endswith("sys_attributes.py"))
print(sys.getswitchinterval())
sys.setswitchinterval(0.01)
print(sys.getswitchinterval())
try:
    sys.setswitchinterval(0)
except ValueError as e:
    print("ValueError", e)
print(sys.thread_info.name, sys.api_version, sys.abiflags)
print(sys.platlibdir)

events = []
def hook(event, args):
    if event.startswith("strand.test"):
        events.append((event, args))
        if args and args[0] == "refuse":
            raise RuntimeError("refused")
sys.addaudithook(hook)
sys.audit("strand.test.one", 1, "two")
sys.audit("strand.test.none")
try:
    sys.audit("strand.test.bad", "refuse")
except RuntimeError as e:
    print("RuntimeError", e)
print(events)
try:
    sys.audit(5)
except TypeError as e:
    print("TypeError", e)

ns = type(sys.implementation)(a=1, b="x")
print(ns, ns.a, ns == type(ns)(b="x", a=1), ns != type(ns)(a=2))
ns.c = [ns]
print(repr(ns))
try:
    type(ns)(1)
except TypeError as e:
    print("TypeError", e)
print(vars(type(ns)(z=3)))

print(__debug__)
def f():
    "doc"
    assert False, "asserted"
try:
    f()
except AssertionError as e:
    print("AssertionError", e)
print(f.__doc__)
code = compile("assert False\nx = __debug__", "<o>", "exec", optimize=1)
g = {}
exec(code, g)
print(g["x"])
code = compile("def h():\n  'hdoc'\n", "<o>", "exec", optimize=2)
exec(code, g)
print(g["h"].__doc__)
try:
    compile("1", "<o>", "eval", optimize=5)
except ValueError as e:
    print("ValueError", e)
# The standard library's module names: those of the CPython installation strand runs.
print(type(sys.stdlib_module_names).__name__, len(sys.stdlib_module_names))
print(sorted(sys.stdlib_module_names)[:8], {"os", "sys", "_io", "asyncio"} <= sys.stdlib_module_names)
