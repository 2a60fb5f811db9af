# getattr with a default and hasattr treat an AttributeError raised by a descriptor
# (an unset __slots__ member, a property) as a missing attribute.
class H:
    __slots__ = ('_size', 'other')
    @property
    def prop(self):
        raise AttributeError("no prop")
    @property
    def bad(self):
        raise KeyError("bad")
h = H()
print(getattr(h, '_size', 'unset'), hasattr(h, '_size'), hasattr(h, 'other'))
print(getattr(h, 'prop', 'default'), hasattr(h, 'prop'))
h._size = 3
print(getattr(h, '_size', 'unset'), hasattr(h, '_size'))
try:
    getattr(h, 'bad', 'default')
except KeyError as e:
    print("KeyError", e)
try:
    h.other
except AttributeError as e:
    print("AttributeError", e)
