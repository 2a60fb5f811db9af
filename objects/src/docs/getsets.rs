//! Docs of the data descriptors (`getset_descriptor`) of builtin types and of the
//! native types of standard library modules, keyed by the owner's `tp_name` and the
//! attribute's name (CPython's `PyGetSetDef.doc` and `PyMemberDef.doc`).
//!
//! These are one-line labels that programs and CPython's own tests read back
//! (pydoc lists them under "Data descriptors defined here"), so the text is
//! CPython 3.11's, character for character; an attribute CPython leaves without a
//! doc has no entry.

/// The doc of `__dict__` on a class whose instances have a dict
/// (CPython's `subtype_getsets_full`).
pub(super) const INSTANCE_DICT: &str = "dictionary for instance variables";

/// The doc of `__weakref__` on a class whose instances can be weakly referenced.
pub(super) const INSTANCE_WEAKREF: &str = "list of weak references to the object";

/// The doc of the attribute `name` that the type `tp_name` defines natively.
pub(super) fn getset_doc(tp_name: &str, name: &str) -> Option<&'static str> {
    Some(match (tp_name, name) {
        ("BaseException", "__cause__") => "exception cause",
        ("BaseException", "__context__") => "exception context",
        ("BaseExceptionGroup", "exceptions") => "nested exceptions",
        ("BaseExceptionGroup", "message") => "exception message",
        ("GenericAlias", "__parameters__") => "Type variables in the GenericAlias.",
        ("UnionType", "__parameters__") => "Type variables in the types.UnionType.",
        ("_io.BytesIO", "closed") => "True if the file is closed.",
        ("_io.FileIO", "closed") => "True if the file is closed",
        ("_io.FileIO", "closefd") => "True if the file descriptor will be closed by close().",
        ("_io.FileIO", "mode") => "String giving the file mode",
        ("_json.Encoder", "default") => "default",
        ("_json.Encoder", "encoder") => "encoder",
        ("_json.Encoder", "indent") => "indent",
        ("_json.Encoder", "item_separator") => "item_separator",
        ("_json.Encoder", "key_separator") => "key_separator",
        ("_json.Encoder", "markers") => "markers",
        ("_json.Encoder", "skipkeys") => "skipkeys",
        ("_json.Encoder", "sort_keys") => "sort_keys",
        ("_json.Scanner", "object_hook") => "object_hook",
        ("_json.Scanner", "parse_constant") => "parse_constant",
        ("_json.Scanner", "parse_float") => "parse_float",
        ("_json.Scanner", "parse_int") => "parse_int",
        ("_json.Scanner", "strict") => "strict",
        ("_socket.socket", "family") => "the socket family",
        ("_socket.socket", "proto") => "the socket protocol",
        ("_socket.socket", "timeout") => "the socket timeout",
        ("_socket.socket", "type") => "the socket type",
        ("_struct.Struct", "format") => "struct format string",
        ("_struct.Struct", "size") => "struct size in bytes",
        ("array.array", "itemsize") => "the size, in bytes, of one array item",
        ("array.array", "typecode") => "the typecode character used to create the array",
        ("async_generator", "__name__") => "name of the async generator",
        ("async_generator", "__qualname__") => "qualified name of the async generator",
        ("async_generator", "ag_await") | ("coroutine", "cr_await") => "object being awaited on, or None",
        ("collections.defaultdict", "default_factory") => "Factory for default value called by __missing__().",
        ("collections.deque", "maxlen") => "maximum size of a deque or None if unbounded",
        ("complex", "imag") | ("float", "imag") | ("int", "imag") => "the imaginary part of a complex number",
        ("complex", "real") | ("float", "real") | ("int", "real") => "the real part of a complex number",
        ("coroutine", "__name__") => "name of the coroutine",
        ("coroutine", "__qualname__") => "qualified name of the coroutine",
        ("datetime.timedelta", "days") => "Number of days.",
        ("datetime.timedelta", "microseconds") => "Number of microseconds (>= 0 and less than 1 second).",
        ("datetime.timedelta", "seconds") => "Number of seconds (>= 0 and less than 1 day).",
        ("functools.partial", "args") => "tuple of arguments to future partial calls",
        ("functools.partial", "func") => "function object to use in future partial calls",
        ("functools.partial", "keywords") => "dictionary of keyword arguments to future partial calls",
        ("generator", "__name__") => "name of the generator",
        ("generator", "__qualname__") => "qualified name of the generator",
        ("generator", "gi_yieldfrom") => "object being iterated by yield from, or None",
        ("int", "denominator") => "the denominator of a rational number in lowest terms",
        ("int", "numerator") => "the numerator of a rational number in lowest terms",
        ("memoryview", "c_contiguous") => "A bool indicating whether the memory is C contiguous.",
        ("memoryview", "contiguous") => "A bool indicating whether the memory is contiguous.",
        ("memoryview", "f_contiguous") => "A bool indicating whether the memory is Fortran contiguous.",
        ("memoryview", "format") => "A string containing the format (in struct module style)\n for each element in the view.",
        ("memoryview", "itemsize") => "The size in bytes of each element of the memoryview.",
        ("memoryview", "nbytes") => "The amount of space in bytes that the array would use in\n a contiguous representation.",
        ("memoryview", "ndim") => "An integer indicating how many dimensions of a multi-dimensional\n array the memory represents.",
        ("memoryview", "obj") => "The underlying object of the memoryview.",
        ("memoryview", "readonly") => "A bool indicating whether the memory is read only.",
        ("memoryview", "shape") => "A tuple of ndim integers giving the shape of the memory\n as an N-dimensional array.",
        ("memoryview", "strides") => "A tuple of ndim integers giving the size in bytes to access\n each element for each dimension of the array.",
        ("memoryview", "suboffsets") => "A tuple of integers used internally for PIL-style arrays.",
        ("method", "__func__") => "the function (or other callable) implementing a method",
        ("method", "__self__") => "the instance to which a method is bound",
        ("object", "__class__") => "the object's class",
        ("posix.DirEntry", "name") => "the entry's base filename, relative to scandir() \"path\" argument",
        ("posix.DirEntry", "path") => "the entry's full path name; equivalent to os.path.join(scandir_path, entry.name)",
        ("re.Match", "endpos") => "The index into the string beyond which the RE engine will not go.",
        ("re.Match", "lastgroup") => "The name of the last matched capturing group.",
        ("re.Match", "lastindex") => "The integer index of the last matched capturing group.",
        ("re.Match", "pos") => "The index into the string at which the RE engine started looking for a match.",
        ("re.Match", "re") => "The regular expression object.",
        ("re.Match", "string") => "The string passed to match() or search().",
        ("re.Pattern", "flags") => "The regex matching flags.",
        ("re.Pattern", "groupindex") => "A dictionary mapping group names to group numbers.",
        ("re.Pattern", "groups") => "The number of capturing groups in the pattern.",
        ("re.Pattern", "pattern") => "The pattern string from which the RE object was compiled.",
        ("select.epoll", "closed") => "True if the epoll handler is closed",
        ("super", "__self__") => "the instance invoking super(); may be None",
        ("super", "__self_class__") => "the type of the instance invoking super(); may be None",
        ("super", "__thisclass__") => "the class invoking super()",
        _ => return None,
    })
}
