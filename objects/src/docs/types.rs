//! Docs of builtin types (see [`super`] for the layout), keyed by `tp_name`.
//! Signatures are CPython 3.11's; the text is strand's own.

/// The internal doc of the type `tp_name`.
pub(super) fn type_doc(tp_name: &str) -> Option<&'static str> {
    Some(match tp_name {
        "object" => "object()\n--\n\nThe root of every class hierarchy: every class derives from object, and its methods give the default behaviour of all instances.",
        "type" => "type(object) -> the object's type\ntype(name, bases, dict, **kwds) -> a new type\n\nWith one argument, the type of object. With three, create a new class named name, with the base classes in bases and the attributes in dict; class statements do this through the metaclass.",
        "int" => "int([x]) -> integer\nint(x, base=10) -> integer\n\nAn integer of unbounded size. From a number, it truncates toward zero (through __int__, __index__ or __trunc__); from a string, bytes or bytearray, it parses a literal in the given base (2 to 36, or 0 to read the base from a prefix). int() is 0.\n\n>>> int('0x1f', 0)\n31",
        "float" => "float(x=0, /)\n--\n\nA double-precision floating point number, made from a number or from a string such as '1.5', '-2e3', 'inf' or 'nan'.",
        "complex" => "complex(real=0, imag=0)\n--\n\nA complex number real + imag*1j. real may also be a string like '1+2j', in which case imag must be left out.",
        "bool" => "bool(x) -> bool\n\nTrue or False, the truth value of x; bool() is False. bool is a subclass of int and has no other instances.",
        "str" => "str(object='') -> str\nstr(bytes_or_buffer[, encoding[, errors]]) -> str\n\nAn immutable sequence of Unicode code points. From one object, its printable text (object.__str__(), else repr(object)); from bytes and an encoding, the decoded text (errors defaults to 'strict').",
        "bytes" => "bytes(iterable_of_ints) -> bytes\nbytes(string, encoding[, errors]) -> bytes\nbytes(bytes_or_buffer) -> bytes\nbytes(int) -> bytes\nbytes() -> bytes\n\nAn immutable sequence of integers in range(256), made from an iterable of such integers, an encoded string, an object with the buffer protocol, or a size (that many zero bytes).",
        "bytearray" => "bytearray(iterable_of_ints) -> bytearray\nbytearray(string, encoding[, errors]) -> bytearray\nbytearray(bytes_or_buffer) -> bytearray\nbytearray(int) -> bytearray\nbytearray() -> bytearray\n\nA mutable sequence of integers in range(256), built from the same kinds of argument as bytes.",
        "list" => "list(iterable=(), /)\n--\n\nA mutable sequence. With no argument it starts empty; otherwise it holds the items of iterable.",
        "tuple" => "tuple(iterable=(), /)\n--\n\nAn immutable sequence. With no argument it is empty; otherwise it holds the items of iterable.",
        "dict" => "dict() -> new empty dictionary\ndict(mapping) -> new dictionary\ndict(iterable) -> new dictionary\ndict(**kwargs) -> new dictionary\n\nA mutable mapping from hashable keys to values that remembers insertion order. It can start from a mapping or an iterable of key/value pairs, and keyword arguments add more entries.",
        "set" => "set() -> new empty set object\nset(iterable) -> new set object\n\nA mutable, unordered collection of distinct hashable objects.",
        "frozenset" => "frozenset() -> empty frozenset object\nfrozenset(iterable) -> frozenset object\n\nAn immutable, hashable, unordered collection of distinct hashable objects.",
        "range" => "range(stop) -> range object\nrange(start, stop[, step]) -> range object\n\nThe arithmetic progression of integers from start (default 0) up to but not including stop, in steps of step (default 1). Its items are computed on demand, and it supports len(), indexing, slicing and membership tests.",
        "slice" => "slice(stop)\nslice(start, stop[, step])\n\nThe object a subscript like a[start:stop:step] passes to __getitem__; any of its three attributes may be None.",
        "memoryview" => "memoryview(object)\n--\n\nA view of the memory of an object that supports the buffer protocol (bytes, bytearray, array.array and others), indexed and sliced without copying.",
        "enumerate" => "enumerate(iterable, start=0)\n--\n\nAn iterator of (index, item) pairs for the items of iterable, the index counting up from start.",
        "zip" => "zip(*iterables, strict=False) -> zip object\n\nAn iterator of tuples whose i-th tuple holds the i-th item of each iterable. It stops with the shortest iterable; with strict=True, inputs of unequal length raise ValueError.\n\n>>> list(zip('abc', range(3)))\n[('a', 0), ('b', 1), ('c', 2)]",
        "map" => "map(func, *iterables) --> map object\n\nAn iterator of func applied to the items of the iterables, taken in parallel; it stops with the shortest iterable.",
        "filter" => "filter(function or None, iterable) --> filter object\n\nAn iterator of the items of iterable for which function(item) is true, or the items that are true themselves when function is None.",
        "reversed" => "reversed(sequence, /)\n--\n\nAn iterator over the items of sequence from last to first.",
        "property" => "property(fget=None, fset=None, fdel=None, doc=None)\n--\n\nA descriptor that makes an attribute out of accessor functions: fget reads it, fset assigns it, fdel deletes it, and doc becomes its docstring (fget's docstring by default). Commonly used as a decorator, with the setter() and deleter() methods adding the other accessors.",
        "staticmethod" => "staticmethod(function) -> method\n\nTurn a function into a static method, which receives no implicit first argument whether looked up on the class or on an instance. Commonly used as the @staticmethod decorator.",
        "classmethod" => "classmethod(function) -> method\n\nTurn a function into a class method, which receives the class as its implicit first argument, whether looked up on the class or on an instance. Commonly used as the @classmethod decorator.",
        "super" => "super() -> same as super(__class__, <first argument>)\nsuper(type) -> unbound super object\nsuper(type, obj) -> bound super object; requires isinstance(obj, type)\nsuper(type, type2) -> bound super object; requires issubclass(type2, type)\n\nA proxy that looks attributes up in the classes after type in the MRO of obj (or type2), to reach methods that a subclass overrides.",
        _ => return None,
    })
}
