# A module's __class__ may change to a ModuleType subclass and back (importlib's
# LazyLoader does it); other built-in objects refuse __class__ assignment.
import types, sys


class M(types.ModuleType):
    def __getattr__(self, name):
        return 'lazy ' + name


m = types.ModuleType('x')
m.__class__ = M
print(type(m).__name__, m.foo)
m.__class__ = types.ModuleType
print(type(m).__name__)
sys.modules[__name__].__class__ = M
print(type(sys.modules[__name__]).__name__, sys.modules[__name__].anything)


class N:
    pass


for target in (m, 1, [], 'a'):
    try:
        target.__class__ = N
    except TypeError as e:
        print(type(target).__name__, e)

import importlib.util
spec = importlib.util.find_spec('colorsys')
loader = importlib.util.LazyLoader(spec.loader)
spec.loader = loader
mod = importlib.util.module_from_spec(spec)
loader.exec_module(mod)
print(type(mod).__name__)
print(mod.rgb_to_hsv(1.0, 0.0, 0.0), type(mod).__name__)
