# Docs of native standard library modules, their functions and types:
# __text_signature__, inspect.signature() (or the error it raises), and whether
# __doc__ is a non-empty str. The doc text itself is each runtime's own wording.
import importlib
import inspect

NAMES = {
    "math": "acos acosh asin asinh atan atan2 atanh cbrt ceil comb copysign cos cosh "
            "degrees dist erf erfc exp exp2 expm1 fabs factorial floor fmod frexp fsum "
            "gamma gcd hypot isclose isfinite isinf isnan isqrt lcm ldexp lgamma log "
            "log10 log1p log2 modf nextafter perm pow prod radians remainder sin sinh "
            "sqrt tan tanh trunc ulp",
    "itertools": "_tee accumulate chain combinations combinations_with_replacement "
                 "compress count cycle dropwhile filterfalse groupby islice pairwise "
                 "permutations product repeat starmap takewhile tee zip_longest",
    "_functools": "cmp_to_key partial reduce",
    "functools": "partial reduce cmp_to_key",
    "_collections": "_count_elements defaultdict deque",
    "collections": "deque defaultdict",
    "operator": "abs add and_ attrgetter call concat contains countOf delitem eq "
                "floordiv ge getitem gt iadd iand iconcat ifloordiv ilshift imatmul "
                "imod imul index indexOf inv invert ior ipow irshift is_ is_not isub "
                "itemgetter itruediv ixor le length_hint lshift lt matmul methodcaller "
                "mod mul ne neg not_ or_ pos pow rshift setitem sub truediv truth xor",
    "_operator": "_compare_digest",
    "_struct": "Struct _clearcache calcsize iter_unpack pack pack_into unpack unpack_from",
    "struct": "Struct calcsize iter_unpack pack pack_into unpack unpack_from",
    "time": "asctime ctime get_clock_info gmtime localtime mktime monotonic "
            "monotonic_ns perf_counter perf_counter_ns process_time sleep strftime "
            "strptime struct_time thread_time time time_ns tzset",
    "_heapq": "_heapify_max _heappop_max _heapreplace_max heapify heappop heappush "
              "heappushpop heapreplace",
    "heapq": "heapify heappop heappush heappushpop heapreplace",
    "_bisect": "bisect_left bisect_right insort_left insort_right",
    "bisect": "bisect bisect_left bisect_right insort insort_left insort_right",
    "_random": "Random",
    "_weakref": "_remove_dead_weakref getweakrefcount getweakrefs proxy",
    "_abc": "_abc_init _abc_instancecheck _abc_register _abc_subclasscheck _get_dump "
            "_reset_caches _reset_registry get_cache_token",
    "_json": "encode_basestring encode_basestring_ascii scanstring",
}


def sig_of(x):
    try:
        return str(inspect.signature(x))
    except (ValueError, TypeError) as e:
        return type(e).__name__


for modname, names in NAMES.items():
    mod = importlib.import_module(modname)
    print(modname, "module doc:", type(mod.__doc__).__name__, bool(mod.__doc__))
    for name in names.split():
        x = getattr(mod, name)
        doc = x.__doc__
        print(f"  {name}", repr(getattr(x, "__text_signature__", "<none>")), sig_of(x),
              type(doc).__name__, bool(doc))

MODULES = ("builtins sys math itertools _functools _collections _operator _struct time "
           "_heapq _bisect _random _weakref _abc _json array binascii zlib atexit gc "
           "errno select unicodedata marshal posix _io _thread _signal _stat _string "
           "_warnings _locale _csv _contextvars _datetime _socket _pickle faulthandler "
           "_codecs _sre").split()
for modname in MODULES:
    mod = importlib.import_module(modname)
    print(modname, type(mod.__doc__).__name__, bool(mod.__doc__))

# Docs read through the objects programs use.
print(inspect.signature(max.__call__))
print(inspect.signature(__import__("itertools").accumulate))
print(inspect.signature(__import__("math").isclose))
print(inspect.signature(__import__("bisect").insort))
print(__import__("time").struct_time.__text_signature__,
      bool(__import__("time").struct_time.__doc__))

# Methods of the native types of those modules.
import array
import collections
import functools
import itertools
import operator
import random
import re
import struct

METHODS = {
    collections.deque: "__class_getitem__ __copy__ __reduce__ __reversed__ append "
                       "appendleft clear copy count extend extendleft index insert pop "
                       "popleft remove reverse rotate",
    collections.defaultdict: "__class_getitem__ __copy__ __missing__ __reduce__ copy",
    struct.Struct: "iter_unpack pack pack_into unpack unpack_from",
    random.Random.__mro__[1]: "getrandbits getstate random seed setstate",
    array.array: "__copy__ __deepcopy__ append buffer_info byteswap count extend "
                 "frombytes fromfile fromlist fromunicode index insert pop remove reverse "
                 "tobytes tofile tolist tounicode",
    re.Pattern: "__class_getitem__ __copy__ __deepcopy__ findall finditer fullmatch match "
                "scanner search split sub subn",
    re.Match: "__class_getitem__ __copy__ __deepcopy__ end expand group groupdict groups "
              "span start",
    itertools.chain: "__class_getitem__ __reduce__ __setstate__ from_iterable",
    itertools.count: "__reduce__",
    functools.partial: "__class_getitem__ __reduce__ __setstate__",
    operator.itemgetter: "__reduce__",
}
for t, names in METHODS.items():
    print(t.__module__, t.__qualname__)
    for name in names.split():
        x = t.__dict__[name]
        doc = x.__doc__
        print(f"  {name}", repr(x.__text_signature__), sig_of(x), type(doc).__name__,
              bool(doc))
d = collections.deque()
print(repr(d.append.__text_signature__), bool(d.append.__doc__), sig_of(d.append))
m = re.match("a", "a")
print(repr(m.span.__text_signature__), sig_of(m.span))
