# __init_subclass__ (with keyword arguments), __class_getitem__, __set_name__ order.
class PluginBase:
    plugins = []
    def __init_subclass__(cls, name=None, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.plugin_name = name or cls.__name__.lower()
        PluginBase.plugins.append(cls.plugin_name)

class Alpha(PluginBase):
    pass

class Beta(PluginBase, name="the-beta"):
    pass

class Gamma(Beta):
    pass

print(PluginBase.plugins, Gamma.plugin_name)

try:
    class Bad(PluginBase, unknown=1):
        pass
except TypeError as e:
    print("TypeError:", e)

class Tracked:
    def __init_subclass__(cls):
        cls.depth = len(cls.__mro__) - 2

class T1(Tracked): pass
class T2(T1): pass
print(T1.depth, T2.depth)

class Generic:
    def __class_getitem__(cls, item):
        return f"{cls.__name__}[{item!r}]"

print(Generic[int], Generic["x"], Generic[1, 2])

class Named:
    def __set_name__(self, owner, name):
        self.owner = owner.__name__
        self.name = name
    def __get__(self, obj, objtype=None):
        return f"{self.owner}.{self.name}"

class Host:
    first = Named()
    second = Named()

print(Host.first, Host().second)

try:
    class NoKw(object, flag=True):
        pass
except TypeError as e:
    print("TypeError:", e)
