//! `strand-stdlib`: the native modules of strand's standard library (what CPython
//! writes in C under Modules/), and the Python modules compiled into the binary.
//!
//! One file (or folder) per module, named as CPython names it:
//! [`_io`], [`posix`], [`_thread`], [`time`], [`math`], [`_random`], [`array`](mod@array),
//! [`atexit`], [`gc`], [`_weakref`], [`_struct`], [`binascii`], [`_md5`], [`_sha1`],
//! [`_sha256`], [`_sha512`], [`_sha3`], [`_blake2`], [`zlib`], [`errno`], [`_stat`],
//! [`_string`], [`_abc`], [`_bisect`], [`_heapq`], [`_operator`], [`_functools`],
//! [`_collections`], [`_contextvars`], [`_asyncio`], [`_datetime`], [`_queue`], [`_ast`],
//! [`itertools`], [`_sre`],
//! [`unicodedata`], [`_codecs`], [`_json`], [`_pickle`], [`_csv`], [`_signal`], [`_locale`], [`pwd`],
//! [`grp`], [`resource`], [`fcntl`], [`select`], [`_socket`], [`termios`], [`_posixsubprocess`],
//! [`_warnings`], [`_tracemalloc`], [`marshal`]; `_imp` is the interpreter's (`strand_interp::imp`).
//! Helpers they share: [`buffer`] (bytes-like objects), [`modsupport`] (exception
//! classes, constants, detached locking, collector-cleared fields) and [`hashobj`]
//! (the hash object of the six hash modules). [`MODULES`] and [`FROZEN`] are the only
//! places that list them all; [`install`] hands both tables to the interpreter's
//! import system and connects `_io` to `sys` and `builtins`.
//!
//! The frozen-module table ([`FROZEN`]) holds no code: its modules (the import
//! machinery, `zipimport`, CPython's `__hello__` test family) are compiled from
//! CPython's Lib when they load; strand's own Python copies of stdlib modules have
//! retired in favour of CPython's pure-Python standard library, found on `sys.path`.
//!
//! What it does not own: the interpreter (`strand-interp`), `sys` and `builtins`
//! (the interpreter's own modules), the command line (`strand`).

pub mod _abc;
pub mod _ast;
pub mod _asyncio;
pub mod _bisect;
pub mod _blake2;
pub mod _codecs;
pub mod _collections;
pub mod _contextvars;
pub mod _csv;
pub mod _datetime;
pub mod _functools;
pub mod _heapq;
pub mod _io;
pub mod _json;
pub mod _locale;
pub mod _md5;
pub mod _operator;
pub mod _pickle;
pub mod _posixsubprocess;
pub mod _queue;
pub mod _random;
pub mod _sha1;
pub mod _sha256;
pub mod _sha3;
pub mod _sha512;
pub mod _signal;
pub mod _socket;
pub mod _sre;
pub mod _stat;
pub mod _statistics;
pub mod _string;
pub mod _struct;
pub mod _testinternalcapi;
pub mod _thread;
pub mod _tracemalloc;
pub mod _warnings;
pub mod _weakref;
pub mod array;
pub mod atexit;
pub mod binascii;
pub mod buffer;
pub mod errno;
pub mod faulthandler;
pub mod fcntl;
pub mod gc;
pub mod grp;
pub mod hashobj;
pub mod itertools;
pub mod marshal;
pub mod math;
pub mod modsupport;
pub mod posix;
pub mod pwd;
pub mod resource;
pub mod select;
pub mod termios;
pub mod time;
pub mod unicodedata;
mod userdb;
pub mod zlib;

use strand_interp::native_module::{FrozenModule, FrozenSource, NativeModule};

/// Every native module, by the name `import` finds it under.
pub static MODULES: &[NativeModule] = &[
    NativeModule {
        name: "_warnings",
        init: _warnings::make_module,
    },
    NativeModule {
        name: "_tracemalloc",
        init: _tracemalloc::make_module,
    },
    NativeModule {
        name: "marshal",
        init: marshal::make_module,
    },
    NativeModule {
        name: "_imp",
        init: strand_interp::imp::make_module,
    },
    NativeModule {
        name: "_ast",
        init: _ast::make_module,
    },
    NativeModule {
        name: "_asyncio",
        init: _asyncio::make_module,
    },
    NativeModule {
        name: "_contextvars",
        init: _contextvars::make_module,
    },
    NativeModule {
        name: "_signal",
        init: _signal::make_module,
    },
    NativeModule {
        name: "_socket",
        init: _socket::make_module,
    },
    NativeModule {
        name: "_posixsubprocess",
        init: _posixsubprocess::make_module,
    },
    NativeModule {
        name: "select",
        init: select::make_module,
    },
    NativeModule {
        name: "fcntl",
        init: fcntl::make_module,
    },
    NativeModule {
        name: "_locale",
        init: _locale::make_module,
    },
    NativeModule {
        name: "_datetime",
        init: _datetime::make_module,
    },
    NativeModule {
        name: "_csv",
        init: _csv::make_module,
    },
    NativeModule {
        name: "_json",
        init: _json::make_module,
    },
    NativeModule {
        name: "_pickle",
        init: _pickle::make_module,
    },
    NativeModule {
        name: "resource",
        init: resource::make_module,
    },
    NativeModule {
        name: "grp",
        init: grp::make_module,
    },
    NativeModule {
        name: "pwd",
        init: pwd::make_module,
    },
    NativeModule {
        name: "_codecs",
        init: _codecs::make_module,
    },
    NativeModule {
        name: "unicodedata",
        init: unicodedata::make_module,
    },
    NativeModule {
        name: "_statistics",
        init: _statistics::make_module,
    },
    NativeModule {
        name: "_sre",
        init: _sre::make_module,
    },
    NativeModule {
        name: "itertools",
        init: itertools::make_module,
    },
    NativeModule {
        name: "_collections",
        init: _collections::make_module,
    },
    NativeModule {
        name: "_operator",
        init: _operator::make_module,
    },
    NativeModule {
        name: "_functools",
        init: _functools::make_module,
    },
    NativeModule {
        name: "_string",
        init: _string::make_module,
    },
    NativeModule {
        name: "_heapq",
        init: _heapq::make_module,
    },
    NativeModule {
        name: "_abc",
        init: _abc::make_module,
    },
    NativeModule {
        name: "_bisect",
        init: _bisect::make_module,
    },
    NativeModule {
        name: "_md5",
        init: _md5::make_module,
    },
    NativeModule {
        name: "_sha1",
        init: _sha1::make_module,
    },
    NativeModule {
        name: "_sha256",
        init: _sha256::make_module,
    },
    NativeModule {
        name: "_sha512",
        init: _sha512::make_module,
    },
    NativeModule {
        name: "_sha3",
        init: _sha3::make_module,
    },
    NativeModule {
        name: "_blake2",
        init: _blake2::make_module,
    },
    NativeModule {
        name: "_io",
        init: _io::make_module,
    },
    NativeModule {
        name: "_random",
        init: _random::make_module,
    },
    NativeModule {
        name: "_queue",
        init: _queue::make_module,
    },
    NativeModule {
        name: "_stat",
        init: _stat::make_module,
    },
    NativeModule {
        name: "_struct",
        init: _struct::make_module,
    },
    NativeModule {
        name: "_testinternalcapi",
        init: _testinternalcapi::make_module,
    },
    NativeModule {
        name: "_thread",
        init: _thread::make_module,
    },
    NativeModule {
        name: "_weakref",
        init: _weakref::make_module,
    },
    NativeModule {
        name: "array",
        init: array::make_module,
    },
    NativeModule {
        name: "atexit",
        init: atexit::make_module,
    },
    NativeModule {
        name: "binascii",
        init: binascii::make_module,
    },
    NativeModule {
        name: "errno",
        init: errno::make_module,
    },
    NativeModule {
        name: "faulthandler",
        init: faulthandler::make_module,
    },
    NativeModule {
        name: "gc",
        init: gc::make_module,
    },
    NativeModule {
        name: "math",
        init: math::make_module,
    },
    NativeModule {
        name: "posix",
        init: posix::make_module,
    },
    NativeModule {
        name: "termios",
        init: termios::make_module,
    },
    NativeModule {
        name: "time",
        init: time::make_module,
    },
    NativeModule {
        name: "zlib",
        init: zlib::make_module,
    },
];

/// One row of [`FROZEN`].
const fn frozen(
    name: &'static str,
    source: FrozenSource,
    code_name: &'static str,
    is_package: bool,
    origname: Option<&'static str>,
    essential: bool,
) -> FrozenModule {
    FrozenModule {
        name,
        source,
        code_name,
        is_package,
        origname,
        essential,
    }
}

/// The frozen modules (CPython 3.11's `_PyImport_FrozenBootstrap` and
/// `_PyImport_FrozenTest` in Python/frozen.c, with the aliases of
/// `_PyImport_FrozenAliases`; which rows are aliases and packages is what
/// Tools/scripts/freeze_modules.py makes of its module list). Their code is compiled
/// from CPython's Lib when they load, under the names CPython's frozen code has
/// (`<frozen __hello__>`).
///
/// CPython also freezes stdlib modules used at startup (`os`, `codecs`, `io`, `abc`,
/// `site`, ... `_PyImport_FrozenStdlib`); strand does not: they load from their
/// source files through `PathFinder` and the bytecode cache, so their specs are
/// `SourceFileLoader`'s and their tracebacks name their files. What is frozen is the
/// import machinery itself (loaded at startup as `_frozen_importlib` and
/// `_frozen_importlib_external`), `zipimport`, and the test modules CPython ships
/// for testing frozen imports (`__hello__` and its family).
pub static FROZEN: &[FrozenModule] = &[
    frozen(
        "_frozen_importlib",
        FrozenSource::Lib("importlib/_bootstrap.py"),
        "importlib._bootstrap",
        false,
        Some("importlib._bootstrap"),
        true,
    ),
    frozen(
        "_frozen_importlib_external",
        FrozenSource::Lib("importlib/_bootstrap_external.py"),
        "importlib._bootstrap_external",
        false,
        Some("importlib._bootstrap_external"),
        true,
    ),
    frozen(
        "zipimport",
        FrozenSource::Lib("zipimport.py"),
        "zipimport",
        false,
        Some("zipimport"),
        true,
    ),
    frozen(
        "__hello__",
        FrozenSource::Lib("__hello__.py"),
        "__hello__",
        false,
        Some("__hello__"),
        false,
    ),
    frozen(
        "__hello_alias__",
        FrozenSource::Lib("__hello__.py"),
        "__hello__",
        false,
        Some("__hello__"),
        false,
    ),
    frozen(
        "__phello_alias__",
        FrozenSource::Lib("__hello__.py"),
        "__hello__",
        true,
        Some("__hello__"),
        false,
    ),
    frozen(
        "__phello_alias__.spam",
        FrozenSource::Lib("__hello__.py"),
        "__hello__",
        false,
        Some("__hello__"),
        false,
    ),
    frozen(
        "__phello__",
        FrozenSource::Lib("__phello__/__init__.py"),
        "__phello__",
        true,
        Some("__phello__"),
        false,
    ),
    frozen(
        "__phello__.__init__",
        FrozenSource::Lib("__phello__/__init__.py"),
        "__phello__",
        false,
        Some("<__phello__"),
        false,
    ),
    // CPython's `__phello__/ham/__init__.py` and `ham/eggs.py` are empty files that
    // its installation leaves out of Lib.
    frozen(
        "__phello__.ham",
        FrozenSource::LibOr("__phello__/ham/__init__.py", ""),
        "__phello__.ham",
        true,
        Some("__phello__.ham"),
        false,
    ),
    frozen(
        "__phello__.ham.__init__",
        FrozenSource::LibOr("__phello__/ham/__init__.py", ""),
        "__phello__.ham",
        false,
        Some("<__phello__.ham"),
        false,
    ),
    frozen(
        "__phello__.ham.eggs",
        FrozenSource::LibOr("__phello__/ham/eggs.py", ""),
        "__phello__.ham.eggs",
        false,
        Some("__phello__.ham.eggs"),
        false,
    ),
    frozen(
        "__phello__.spam",
        FrozenSource::Lib("__phello__/spam.py"),
        "__phello__.spam",
        false,
        Some("__phello__.spam"),
        false,
    ),
    // A frozen module with no source file (CPython freezes it from
    // Tools/freeze/flag.py, which is not part of Lib): it sets a flag and greets.
    frozen(
        "__hello_only__",
        FrozenSource::Text("initialized = True\nprint(\"Hello world!\")\n"),
        "frozen_only",
        false,
        None,
        false,
    ),
];

/// Sets up the interpreter with this standard library (once per process; later
/// calls do nothing): [`strand_interp::install`], the module tables, and `_io`'s
/// standard streams, `builtins.open` and fast paths.
pub fn install() {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        strand_interp::install();
        strand_interp::import::register_native_modules(MODULES);
        strand_interp::import::register_frozen_modules(FROZEN);
        _io::install();
        _ast::install();
        _codecs::install();
    });
}
