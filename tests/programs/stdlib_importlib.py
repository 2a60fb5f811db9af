# CPython's importlib on strand: import_module, util.find_spec, specs of what
# strand's importer on sys.meta_path finds, _imp, _warnings, and what importlib
# unlocks: inspect, dataclasses.
import importlib, sys
print(importlib.import_module("json").dumps([1]))
m = importlib.import_module("colorsys")
print(m.__name__, m.__spec__.name, m.__spec__.origin.endswith("colorsys.py"))
import importlib.util
print(importlib.util.find_spec("sys").origin, importlib.util.find_spec("nonexistent_mod_xyz"))
spec = importlib.util.find_spec("email")
print(spec.name, spec.submodule_search_locations is not None)
e = importlib.import_module("json.decoder")
print(e.__name__, "json.decoder" in sys.modules)
try:
    importlib.import_module("no_such_module_abc")
except ModuleNotFoundError as ex:
    print(type(ex).__name__, ex)
import _imp
print(_imp.is_builtin("sys"), _imp.is_builtin("_thread"), _imp.is_builtin("json"), isinstance(_imp.extension_suffixes(), list))
_imp.acquire_lock(); _imp.acquire_lock(); print(_imp.lock_held()); _imp.release_lock(); _imp.release_lock(); print(_imp.lock_held())
try:
    _imp.release_lock()
except RuntimeError as ex:
    print(ex)
import warnings, _warnings
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    _warnings.warn("via native", UserWarning)
print(len(w), str(w[0].message), w[0].category.__name__)
import inspect, dataclasses
@dataclasses.dataclass(order=True)
class P:
    x: int
    y: int = 2
print(P(1), P(1) < P(2), dataclasses.asdict(P(3, 4)))
print(inspect.signature(lambda a, b=2, *c, d, **e: 0))
