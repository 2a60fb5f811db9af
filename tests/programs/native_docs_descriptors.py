# __doc__ of data descriptors (getset and member descriptors) of classes and of
# builtin types, of the builtin exception types, and a class's __text_signature__
# after __doc__ is assigned: all as CPython 3.11 gives them.
import array
import collections
import functools
import inspect
import re
import struct


class C:
    pass


class Slotted:
    __slots__ = ("a", "__weakref__")


class WithDict(Slotted):
    pass


class Meth:
    def m(self):
        pass


def show(label, d):
    print(label, type(d).__name__, repr(d.__doc__))


show("C.__dict__", C.__dict__["__dict__"])
show("C.__weakref__", C.__dict__["__weakref__"])
show("Slotted.a", Slotted.__dict__["a"])
show("Slotted.__weakref__", Slotted.__dict__["__weakref__"])
show("WithDict.__dict__", WithDict.__dict__["__dict__"])
print("getset type doc is its own descriptor:",
      type(C.__dict__["__dict__"]).__doc__ is type(C.__dict__["__dict__"]).__dict__["__doc__"])
# help()-style listing of a class's data descriptors.
for name, value in sorted(vars(C).items()):
    if inspect.isdatadescriptor(value):
        print("  ", name, "--", value.__doc__)

GETSETS = [
    (int, "real"), (int, "imag"), (int, "numerator"), (int, "denominator"),
    (float, "real"), (float, "imag"), (complex, "real"), (complex, "imag"),
    (object, "__class__"), (BaseException, "__cause__"), (BaseException, "__context__"),
    (BaseExceptionGroup, "message"), (BaseExceptionGroup, "exceptions"),
    (memoryview, "obj"), (memoryview, "nbytes"), (memoryview, "readonly"),
    (memoryview, "itemsize"), (memoryview, "format"), (memoryview, "ndim"),
    (memoryview, "shape"), (memoryview, "strides"), (memoryview, "suboffsets"),
    (memoryview, "c_contiguous"), (memoryview, "f_contiguous"), (memoryview, "contiguous"),
    (super, "__thisclass__"), (super, "__self__"), (super, "__self_class__"),
    (type(Meth().m), "__func__"), (type(Meth().m), "__self__"),
    (type((lambda: (yield))()), "gi_yieldfrom"), (type((lambda: (yield))()), "__name__"),
    (collections.deque, "maxlen"), (collections.defaultdict, "default_factory"),
    (functools.partial, "func"), (functools.partial, "args"), (functools.partial, "keywords"),
    (struct.Struct, "format"), (struct.Struct, "size"),
    (array.array, "typecode"), (array.array, "itemsize"),
    (type(re.compile("a")), "pattern"), (type(re.compile("a")), "groups"),
    (type(re.compile("a")), "groupindex"), (type(re.compile("a")), "flags"),
    (type(re.match("a", "a")), "string"), (type(re.match("a", "a")), "re"),
    (type(re.match("a", "a")), "pos"), (type(re.match("a", "a")), "endpos"),
    (type(re.match("a", "a")), "lastindex"), (type(re.match("a", "a")), "lastgroup"),
    # No doc in CPython either.
    (property, "fget"), (type(len), "__self__"), (range, "start"),
    (type(lambda: 0), "__code__"), (type(lambda: 0), "__defaults__"),
]
for owner, name in GETSETS:
    print(f"{owner.__name__}.{name}", repr(owner.__dict__[name].__doc__))

EXCEPTIONS = sorted(
    ("ArithmeticError AssertionError AttributeError BaseException BaseExceptionGroup "
     "BlockingIOError BrokenPipeError BufferError BytesWarning ChildProcessError "
     "ConnectionAbortedError ConnectionError ConnectionRefusedError ConnectionResetError "
     "DeprecationWarning EOFError EncodingWarning Exception ExceptionGroup "
     "FileExistsError FileNotFoundError FloatingPointError FutureWarning GeneratorExit "
     "ImportError ImportWarning IndentationError IndexError InterruptedError "
     "IsADirectoryError KeyError KeyboardInterrupt LookupError MemoryError "
     "ModuleNotFoundError NameError NotADirectoryError NotImplementedError OSError "
     "OverflowError PendingDeprecationWarning PermissionError ProcessLookupError "
     "RecursionError ReferenceError ResourceWarning RuntimeError RuntimeWarning "
     "StopAsyncIteration StopIteration SyntaxError SyntaxWarning SystemError SystemExit "
     "TabError TimeoutError TypeError UnboundLocalError UnicodeDecodeError "
     "UnicodeEncodeError UnicodeError UnicodeTranslateError UnicodeWarning UserWarning "
     "ValueError Warning ZeroDivisionError").split())
for name in EXCEPTIONS:
    exc = __builtins__.__dict__[name] if isinstance(__builtins__, type(re)) else __builtins__[name]
    print(name, repr(exc.__doc__), repr(exc.__text_signature__))
print(IOError.__doc__ == OSError.__doc__, EnvironmentError.__doc__ == OSError.__doc__)


class MyError(ValueError):
    pass


print("subclass doc", repr(MyError.__doc__))


# A class's text signature comes from the doc it was created with.
class A:
    "A(x, y)\n--\n\nbody"


print(repr(A.__doc__), repr(A.__text_signature__), inspect.signature(A))
A.__doc__ = "A(z)\n--\n\nnew"
print(repr(A.__doc__), repr(A.__text_signature__), inspect.signature(A))


class B:
    pass


B.__doc__ = "B(z)\n--\n\nnew"
print(repr(B.__doc__), repr(B.__text_signature__))
K = type("K", (), {"__doc__": "K(k, /)\n--\n\nbody"})
print(repr(K.__text_signature__))
K.__doc__ = None
print(repr(K.__doc__), repr(K.__text_signature__))


class DocStr(str):
    pass


L = type("L", (), {"__doc__": DocStr("L(q)\n--\n\n")})
print(repr(L.__text_signature__), type(L.__doc__).__name__)
N = type("N", (), {"__doc__": 42})
print(repr(N.__doc__), repr(N.__text_signature__))
