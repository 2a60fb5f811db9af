# Frozen modules: CPython's __hello__ test family through _imp and FrozenImporter.
import _imp
import importlib.machinery
import sys
import types

FrozenImporter = importlib.machinery.FrozenImporter
lib = sys._stdlib_dir


def rel(path):
    if path is None:
        return None
    assert path.startswith(lib), path
    return "LIB" + path[len(lib):]


names = _imp._frozen_module_names()
print(type(names).__name__)
family = [n for n in names if "hello" in n]
print(family)

for name in family:
    data, ispkg, origname = _imp.find_frozen(name)
    print(name, data, ispkg, origname, _imp.is_frozen(name), _imp.is_frozen_package(name))
    code = _imp.get_frozen_object(name)
    print("  ", code.co_filename, code.co_name)
    spec = FrozenImporter.find_spec(name)
    print("  ", spec.name, spec.origin, spec.has_location, spec.loader is FrozenImporter)
    print("  ", rel(spec.loader_state.filename), spec.loader_state.origname)
    locs = spec.submodule_search_locations
    print("  ", None if locs is None else [rel(p) for p in locs])

print(_imp.find_frozen("not_frozen"), _imp.is_frozen("not_frozen"))
print(_imp.find_frozen("__hello__", withdata=False)[0])
for f in (_imp.is_frozen_package, _imp.get_frozen_object):
    try:
        f("not_frozen")
    except ImportError as e:
        print(type(e).__name__, e, e.name)
print(_imp.init_frozen("not_frozen"))

# Empty marshal data is no code.
for name in ("__hello__", "not_frozen"):
    for data in (b"", b"6'\xd5Cu\x12", b"\xe9\x00\x00\x00\x00"):
        try:
            _imp.get_frozen_object(name, data)
        except (ImportError, TypeError) as e:
            print(type(e).__name__, e, getattr(e, "name", "-"))

# Importing them.
import __hello__

print(__hello__, rel(__hello__.__file__), __hello__.initialized)
__hello__.main()
print(__hello__.__spec__.loader_state.origname)
import __phello__.spam

print(__phello__, [rel(p) for p in __phello__.__path__], rel(__phello__.__file__))
print(__phello__.spam, rel(__phello__.spam.__file__), __phello__.spam.__package__)
import __phello_alias__.spam

print(__phello_alias__.__path__, rel(__phello_alias__.__file__))
print(rel(__phello_alias__.spam.__file__))
import __hello_only__

print(__hello_only__.initialized, hasattr(__hello_only__, "__file__"))
print(__hello_only__.__spec__.loader_state.filename)
import __phello__.ham.eggs

print(__phello__.ham.__path__ == [lib + "/__phello__/ham"], __phello__.ham.eggs.__name__)

# The old loader API, and init_frozen.
m = _imp.init_frozen("__hello_alias__")
print(m.__name__, m.__origname__, m.initialized, sys.modules["__hello_alias__"] is m)
m = _imp.init_frozen("__phello_alias__.spam")
print(m.__name__, m.__origname__, hasattr(m, "__path__"))

# With frozen modules off, only the import machinery's own are frozen.
_imp._override_frozen_modules_for_tests(-1)
try:
    print(FrozenImporter.find_spec("__hello__"), _imp.is_frozen("__hello_only__"))
    print([n for n in _imp._frozen_module_names() if "hello" in n])
    print(_imp.is_frozen("_frozen_importlib"), _imp.is_frozen("zipimport"))
finally:
    _imp._override_frozen_modules_for_tests(0)
print(_imp.is_frozen("__hello__"))

# The module repr comes from the spec.
print(types.ModuleType("plain"))
print(FrozenImporter.get_source("__hello__"), FrozenImporter.is_package("__phello__"))
import _frozen_importlib

print(_frozen_importlib.__spec__.origin, _frozen_importlib.__spec__.loader_state.origname)
