//! Docs of a few native types, methods and functions of standard library modules
//! (see [`super`] for the layout). Signatures are CPython 3.11's; the text is
//! strand's own.

/// The internal doc of the native type `tp_name` of a standard library module.
pub(super) fn type_doc(tp_name: &str) -> Option<&'static str> {
    Some(match tp_name {
        "_pickle.Pickler" => "Pickler(file, protocol=None, fix_imports=True, buffer_callback=None)\n--\n\nWrite pickles of objects to file, a binary stream with a write() method. protocol picks the pickle protocol (pickle.DEFAULT_PROTOCOL when None, the highest for a negative value); buffer_callback receives out-of-band buffers under protocol 5.",
        "_pickle.Unpickler" => "Unpickler(file, *, fix_imports=True, encoding='ASCII', errors='strict',\n          buffers=())\n--\n\nRead pickles from file, a binary stream with read() and readline() methods. encoding and errors say how to decode 8-bit strings pickled by Python 2; buffers supplies out-of-band buffers.",
        _ => return None,
    })
}

/// The internal doc of method `name` of the native type `tp_name`.
pub(super) fn method_doc(tp_name: &str, name: &str) -> Option<&'static str> {
    Some(match (tp_name, name) {
        ("_pickle.Pickler", "dump") => "dump($self, obj, /)\n--\n\nWrite the pickle of obj to the file.",
        ("_pickle.Pickler", "clear_memo") => "clear_memo($self, /)\n--\n\nForget the objects pickled so far, so that later ones are written again in full instead of as references.",
        ("_pickle.Unpickler", "load") => "load($self, /)\n--\n\nRead one pickled object from the file and return it.",
        _ => return None,
    })
}

/// The internal doc of function `name` of the native module `module`.
pub(super) fn function_doc(module: &str, name: &str) -> Option<&'static str> {
    Some(match (module, name) {
        ("posix", "stat") => "stat($module, /, path, *, dir_fd=None, follow_symlinks=True)\n--\n\nGet the status of a file as an os.stat_result. path may be a path or an open file descriptor; dir_fd makes a relative path relative to that directory, and follow_symlinks=False stats a symbolic link itself.",
        ("posix", "lstat") => "lstat($module, /, path, *, dir_fd=None)\n--\n\nLike stat(), but a symbolic link is described itself rather than followed.",
        ("posix", "fspath") => "fspath($module, /, path)\n--\n\nThe file system form of path: a str or bytes is returned unchanged, and another object gives what its __fspath__ method returns.",
        _ => return None,
    })
}
