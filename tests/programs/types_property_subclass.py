# property and its subclasses: docstrings (CPython 3.11's property_init and
# property_copy), classmethod wrapping a property, the AttributeErrors of a
# property without an accessor, __set_name__'s arguments.


class PropertySub(property):
    """a subclass of property"""


class PropertySubSlots(property):
    """a subclass of property with __slots__"""
    __slots__ = ()


class Foo:
    def __init__(self):
        self._spam = 1

    @PropertySub
    def spam(self):
        """spam's docstring"""
        return self._spam

    @spam.setter
    def spam(self, value):
        """ignored"""
        self._spam = value


foo = Foo()
print(foo.spam, Foo.spam.__doc__, type(Foo.spam).__name__)
foo.spam = 5
print(foo.spam, Foo.spam.__dict__)


class Bar:
    @PropertySub
    def spam(self):
        """old"""
        return 1

    @spam.getter
    def spam(self):
        """new"""
        return 2


print(Bar().spam, Bar.spam.__doc__)

try:
    class Baz:
        @PropertySubSlots
        def spam(self):
            """cannot be copied"""
            return 1
except AttributeError as e:
    print("AttributeError", e)


try:
    class Quux:
        @PropertySubSlots
        def spam(self):
            return 3
except AttributeError as e:
    print("AttributeError", e)
print(PropertySubSlots(doc="given").__doc__ if False else PropertySub(doc="given").__doc__)

# Plain property: the getter's docstring, kept by setter() and replaced by getter().
p = property(lambda self: 1)
print(p.__doc__)


def g(self):
    "g doc"
    return 1


def h(self):
    "h doc"
    return 2


p = property(g)
print(p.__doc__, p.setter(print).__doc__, p.getter(h).__doc__)
p = property(g, doc="explicit")
print(p.getter(h).__doc__)
print(p.getter(None).fget is g)
p.__doc__ = "changed"
print(p.__doc__)
try:
    property().x = 1
except AttributeError as e:
    print("AttributeError", e)


class A:
    """First"""

    @classmethod
    @property
    def __doc__(cls):
        return "A doc for %r" % cls.__name__

    @classmethod
    @property
    def name(cls):
        return cls.__name__


class B(A):
    pass


print(A.__doc__, B.name, B().name)


class C:
    foo = property()


C.bar = property()
for attr in ("foo", "bar"):
    for action in ("get", "set", "delete"):
        try:
            if action == "get":
                getattr(C(), attr)
            elif action == "set":
                setattr(C(), attr, 1)
            else:
                delattr(C(), attr)
        except AttributeError as e:
            print(e)

q = property()
for n in (0, 1, 3):
    try:
        q.__set_name__(*([0] * n))
    except TypeError as e:
        print(e)
q.__set_name__(C, "named")
print(q.getter(g).setter(h).__set_name__ is not None)
try:
    q.getter(g).__set__(C(), 1)
except AttributeError as e:
    print(e)


class NoDoc(property):
    pass


p = PropertySub(doc="given")
print(p.__doc__, p.__dict__)
p = PropertySub(g)
print(p.__doc__, p.__dict__)
print(NoDoc(doc="x").__doc__, NoDoc(g).__doc__, NoDoc(g).__dict__, NoDoc(lambda s: 1).__dict__)
print(NoDoc(g).getter(h).__doc__, NoDoc(g, doc="d").getter(h).__doc__)
