//! The bytecode cache: compiled modules in `__pycache__/NAME.TAG.pyc`, in CPython's
//! layout (PEP 3147 names, PEP 552 headers), with strand's own code inside, so that
//! CPython's `importlib` caches strand's code as it caches CPython's, and strand's
//! native import reads and writes the same files.
//!
//! The tag is `sys.implementation.cache_tag`: `"strand-"` and the 8 hex digits of
//! [`strand_compiler::serial::fingerprint`], which changes with the opcode table, the
//! serialized format and the compiler's source, so a different compiler never reads
//! another's files (nor CPython's: `cpython-311`). A file is CPython's 16-byte header
//! (the 3.11 magic number, flags, then the source's mtime and size, or for
//! hash-based files its SipHash-1-3 hash) followed by `marshal` data: the code type
//! byte `c` and [`strand_compiler::serial`]'s payload (fingerprint, length,
//! checksum, body), which is what `marshal.dumps` writes for a strand code object.
//!
//! `load_or_compile` is importlib's `SourceLoader.get_code` for strand's native
//! import path: a valid cache is read; otherwise the source is compiled and, unless
//! `sys.dont_write_bytecode` (`-B`, `PYTHONDONTWRITEBYTECODE`), written beside it (or
//! under `sys.pycache_prefix`) through a temporary file and a rename, errors ignored
//! as CPython ignores them.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use strand_compiler::serial::{self, DecodeError};
use strand_compiler::{CodeObject, Constant};
use strand_objects::abstract_ as ab;
use strand_objects::exceptions::{self as exc, value_error};
use strand_objects::{
    bytes, complex, dict, float, function, int, module, set, singletons, str as pystr, tuple,
    PyObj, PyResult,
};

use crate::state;

/// importlib's `MAGIC_NUMBER` for Python 3.11: 3495 as a little-endian `u16`, then
/// `\r\n`.
pub const MAGIC: [u8; 4] = [0xa7, 0x0d, 0x0d, 0x0a];

/// The marshal type byte of a code object (CPython's `TYPE_CODE`).
pub const TYPE_CODE: u8 = b'c';

/// `sys.implementation.cache_tag`: `strand-` and the format fingerprint in hex.
pub fn cache_tag() -> String {
    format!("strand-{:08x}", serial::fingerprint())
}

/// `_imp.source_hash(key, source)`: CPython's keyed hash of a source file for
/// hash-based `.pyc` files (PEP 552): SipHash-1-3 with keys `(key, 0)`, as 8
/// little-endian bytes (Python/pyhash.c `_Py_KeyedHash`).
pub fn source_hash(key: u64, source: &[u8]) -> [u8; 8] {
    use std::hash::Hasher as _;
    let mut h = siphasher::sip::SipHasher13::new_with_keys(key, 0);
    h.write(source);
    h.finish().to_le_bytes()
}

/// importlib's `_RAW_MAGIC_NUMBER`, the key of the source hash.
fn raw_magic() -> u64 {
    u64::from(u32::from_le_bytes(MAGIC))
}

// ---------------------------------------------------------------------------------
// Code objects as marshal data
// ---------------------------------------------------------------------------------

/// The compiled form of a live `code` object, for `marshal.dumps`: its instructions
/// and tables, with the constants it holds now (`code.replace(co_consts=...)` may
/// have changed them) and its current `co_filename`.
///
/// # Errors
/// `ValueError: unmarshallable object` for a constant that is not a compile-time
/// constant type.
pub fn to_compiled(code_obj: &PyObj) -> PyResult<CodeObject> {
    to_compiled_depth(code_obj, 0)
}

fn to_compiled_depth(code_obj: &PyObj, depth: usize) -> PyResult<CodeObject> {
    if depth > serial::MAX_DEPTH {
        return Err(value_error("object too deeply nested to marshal"));
    }
    let live = function::code(code_obj);
    let mut c = crate::code::code_data(code_obj).code.clone();
    c.filename = pystr::as_str(live.filename()).to_string();
    c.consts = tuple::items(&live.consts)
        .iter()
        .map(|k| to_constant(k, depth + 1))
        .collect::<PyResult<_>>()?;
    Ok(c)
}

fn to_constant(v: &PyObj, depth: usize) -> PyResult<Constant> {
    if depth > serial::MAX_DEPTH {
        return Err(value_error("object too deeply nested to marshal"));
    }
    let items = |vs: &[PyObj]| -> PyResult<Vec<Constant>> {
        vs.iter().map(|x| to_constant(x, depth + 1)).collect()
    };
    Ok(if singletons::is_none(v) {
        Constant::None
    } else if v.is(&singletons::true_()) {
        Constant::Bool(true)
    } else if v.is(&singletons::false_()) {
        Constant::Bool(false)
    } else if v.is(&singletons::ellipsis()) {
        Constant::Ellipsis
    } else if v.is_exact(&int::INT_TYPE) {
        Constant::Int(int::to_bigint(v))
    } else if v.is_exact(&float::FLOAT_TYPE) {
        Constant::Float(float::as_f64_exact_float(v).unwrap_or(0.0))
    } else if v.is_exact(&complex::COMPLEX_TYPE) {
        let (re, im) = complex::parts(v);
        Constant::Complex(re, im)
    } else if v.is_exact(&pystr::STR_TYPE) {
        Constant::Str(pystr::as_str(v).to_string())
    } else if v.is_exact(&bytes::BYTES_TYPE) {
        Constant::Bytes(bytes::as_bytes(v).to_vec())
    } else if v.is_exact(&tuple::TUPLE_TYPE) {
        Constant::Tuple(items(tuple::items(v))?)
    } else if v.is_exact(&set::FROZENSET_TYPE) {
        Constant::FrozenSet(items(&set::items(v))?)
    } else if crate::code::is_code(v) {
        Constant::Code(Box::new(to_compiled_depth(v, depth + 1)?))
    } else {
        return Err(value_error("unmarshallable object"));
    })
}

/// The marshal payload of a code object (what follows the type byte).
///
/// # Errors
/// As [`to_compiled`]; `ValueError` for code nested too deeply or too large.
pub fn marshal_payload(code_obj: &PyObj) -> PyResult<Vec<u8>> {
    let c = to_compiled(code_obj)?;
    serial::serialize(&c).map_err(value_error)
}

/// Reads a code object's marshal payload at the start of `data` (after the type
/// byte): the `code` object and the bytes it took.
///
/// # Errors
/// `EOFError` for truncated data, `ValueError: bad marshal data (...)` for anything
/// else that is not valid strand code of this build (CPython's code objects among
/// them).
pub fn unmarshal_payload(data: &[u8]) -> PyResult<(PyObj, usize)> {
    match serial::deserialize(data) {
        Ok((c, used)) => Ok((crate::code::load_code(&c), used)),
        Err(DecodeError::Truncated) => Err(exc::eof_error("marshal data too short")),
        Err(e) => Err(value_error(format!("bad marshal data ({e})"))),
    }
}

/// `_imp._fix_co_filename(code, path)`: gives `code` and the code objects in its
/// constants `co_filename` `path`, if it was compiled under another name (CPython's
/// `update_compiled_module`).
pub fn fix_co_filename(code_obj: &PyObj, path: &PyObj) {
    if pystr::as_str(function::code(code_obj).filename()) == pystr::as_str(path) {
        return;
    }
    rename_code(code_obj, path);
}

fn rename_code(code_obj: &PyObj, path: &PyObj) {
    function::set_code_filename(code_obj, path.clone());
    for k in tuple::items(&function::code(code_obj).consts) {
        if crate::code::is_code(k) {
            rename_code(k, path);
        }
    }
}

// ---------------------------------------------------------------------------------
// The cache files
// ---------------------------------------------------------------------------------

fn sys_attr(name: &str) -> Option<PyObj> {
    dict::get_item_str(&module::module_dict(&state::sys_module()), name)
}

/// `sys.dont_write_bytecode`.
fn dont_write_bytecode() -> bool {
    sys_attr("dont_write_bytecode").is_some_and(|v| ab::is_true(&v).unwrap_or(true))
}

/// importlib's `cache_from_source(path)`: `HEAD/__pycache__/BASE.TAG[.opt-N].pyc`,
/// or under `sys.pycache_prefix` when that is set.
pub fn cache_path(source: &Path) -> Option<PathBuf> {
    let head = source.parent()?;
    let tail = source.file_name()?.to_str()?;
    let (base, sep, rest) = match tail.rfind('.') {
        Some(i) => (&tail[..i], ".", &tail[i + 1..]),
        None => ("", "", tail),
    };
    let mut name = format!(
        "{}{sep}{}",
        if base.is_empty() { rest } else { base },
        cache_tag()
    );
    let opt = strand_compiler::OPTIMIZE.load(Ordering::Relaxed);
    if opt > 0 {
        name.push_str(&format!(".opt-{opt}"));
    }
    name.push_str(".pyc");
    let prefix = sys_attr("pycache_prefix")
        .filter(pystr::is_str)
        .map(|p| pystr::as_str(&p).to_string())
        .filter(|p| !p.is_empty());
    Some(match prefix {
        Some(prefix) => {
            let abs = std::path::absolute(head).unwrap_or_else(|_| head.to_path_buf());
            let rel: PathBuf = abs
                .components()
                .filter(|c| !matches!(c, std::path::Component::RootDir))
                .collect();
            Path::new(&prefix).join(rel).join(name)
        }
        None => head.join("__pycache__").join(name),
    })
}

/// The source's mtime (seconds) and size, as the header keeps them (each truncated
/// to 32 bits, importlib's `_pack_uint32`).
fn source_stamp(meta: &std::fs::Metadata) -> ([u8; 4], [u8; 4]) {
    #[cfg(unix)]
    let secs = std::os::unix::fs::MetadataExt::mtime(meta);
    #[cfg(not(unix))]
    let secs = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs() as i64);
    (
        ((secs as u64 & 0xffff_ffff) as u32).to_le_bytes(),
        ((meta.len() & 0xffff_ffff) as u32).to_le_bytes(),
    )
}

/// The code in cache file `data` for `source`, if the file is current and valid.
/// Timestamp-based files (flags 0) must record the source's mtime and size;
/// hash-based ones (PEP 552, flags 1 or 3) its hash when they ask to be checked (3;
/// strand's `check_hash_based_pycs` is `default`).
fn read_cache(data: &[u8], source: &Path, meta: Option<&std::fs::Metadata>) -> Option<CodeObject> {
    let header = data.get(..16)?;
    if header[..4] != MAGIC {
        return None;
    }
    match u32::from_le_bytes(header[4..8].try_into().ok()?) {
        0 => {
            let (mtime, size) = source_stamp(meta?);
            if header[8..12] != mtime || header[12..16] != size {
                return None;
            }
        }
        1 => {}
        3 => {
            let src = std::fs::read(source).ok()?;
            if header[8..16] != source_hash(raw_magic(), &src) {
                return None;
            }
        }
        _ => return None,
    }
    let rest = &data[16..];
    if rest.first().map(|b| b & 0x7f) != Some(TYPE_CODE) {
        return None;
    }
    serial::deserialize(&rest[1..]).ok().map(|(c, _)| c)
}

/// Gives `code` and its nested code objects the filename `name`.
fn set_filename(code: &mut CodeObject, name: &str) {
    if code.filename != name {
        code.filename = name.to_string();
    }
    for k in &mut code.consts {
        if let Constant::Code(inner) = k {
            set_filename(inner, name);
        }
    }
}

/// Writes `data` to `path` through a temporary file in the same directory and a
/// rename, so that readers see the old file or the new one, never a part (importlib's
/// `_write_atomic`); the directory is made first. Cache files of other strand builds
/// for the same module are removed (each compiler change would otherwise leave a
/// full set behind). Every error is ignored: a cache that cannot be written is only
/// slower.
fn write_atomic(path: &Path, data: &[u8], source_mode: Option<u32>) {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let Some(dir) = path.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let tmp = PathBuf::from(format!("{}.{}.{n}", path.display(), std::process::id()));
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        // importlib's `_calc_mode`: the source's mode, always writable by the owner.
        opts.mode(source_mode.map_or(0o666, |m| (m & 0o777) | 0o200));
    }
    #[cfg(not(unix))]
    let _ = source_mode;
    let Ok(mut f) = opts.open(&tmp) else { return };
    if f.write_all(data).is_err() || std::fs::rename(&tmp, path).is_err() {
        let _ = std::fs::remove_file(&tmp);
        return;
    }
    remove_stale_siblings(path);
}

/// Removes `BASE.strand-XXXXXXXX[.opt-N].pyc` files beside `path` whose tag is not
/// this build's (same base and optimization suffix).
fn remove_stale_siblings(path: &Path) {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name().and_then(|n| n.to_str())) else {
        return;
    };
    let tag = cache_tag();
    let Some((base, suffix)) = name.split_once(&format!(".{tag}")) else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let other = e.file_name();
        let Some(other) = other.to_str() else {
            continue;
        };
        let Some(t) = other
            .strip_prefix(base)
            .and_then(|r| r.strip_prefix(".strand-"))
            .and_then(|r| r.strip_suffix(suffix))
        else {
            continue;
        };
        if t.len() == 8 && t.bytes().all(|b| b.is_ascii_hexdigit()) && other != name {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Reads, decodes (PEP 263) and compiles the source file `path` (`co_filename` is
/// `path` as given), through the bytecode cache: importlib's `SourceLoader.get_code`
/// with strand's cache tag. A current, valid cache file is used instead of
/// compiling; otherwise the compiled code is written to the cache (unless
/// `sys.dont_write_bytecode`). Tracebacks read the lines of code that came from the
/// cache from the source file when they need them.
///
/// # Errors
/// `OSError` from reading the source, `SyntaxError`.
pub(crate) fn load_or_compile(path: &Path) -> PyResult<PyObj> {
    let filename = path.display().to_string();
    let cache = cache_path(path);
    let meta = std::fs::metadata(path).ok();
    if let Some(cache) = &cache {
        if let Ok(data) = std::fs::read(cache) {
            if let Some(mut code) = read_cache(&data, path, meta.as_ref()) {
                set_filename(&mut code, &filename);
                return Ok(crate::code::load_code(&code));
            }
        }
    }
    let raw =
        std::fs::read(path).map_err(|e| exc::from_io_error(&e, Some(pystr::new(&filename))))?;
    let source = crate::syntax_error::decode_file(&raw, &filename)?;
    let code = strand_compiler::compile_module(&source, &filename)
        .map_err(|e| crate::syntax_error::syntax_error(&e, &source, &filename))?;
    crate::traceback::register_source(&filename, &source);
    if let (Some(cache), Some(meta)) = (&cache, &meta) {
        // Code the reader would refuse is not written (it would be rewritten on
        // every run).
        if !dont_write_bytecode() && serial::validate(&code).is_ok() {
            if let Ok(payload) = serial::serialize(&code) {
                let (mtime, size) = source_stamp(meta);
                let mut data = Vec::with_capacity(17 + payload.len());
                data.extend_from_slice(&MAGIC);
                data.extend_from_slice(&0u32.to_le_bytes());
                data.extend_from_slice(&mtime);
                data.extend_from_slice(&size);
                data.push(TYPE_CODE);
                data.extend_from_slice(&payload);
                #[cfg(unix)]
                let mode = Some(std::os::unix::fs::PermissionsExt::mode(&meta.permissions()));
                #[cfg(not(unix))]
                let mode = None;
                write_atomic(cache, &data, mode);
            }
        }
    }
    Ok(crate::code::load_code(&code))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// CPython's own value: `importlib.util.source_hash(b'print(1)\n').hex()`.
    #[test]
    fn source_hash_matches_cpython() {
        let h = source_hash(raw_magic(), b"print(1)\n");
        let hex: String = h.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "da812d7f407a3059");
        // `_imp.source_hash(12345, b'').hex()`.
        let h = source_hash(12345, b"");
        let hex: String = h.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "81e1faa3d747e2ee");
    }

    #[test]
    fn magic_is_importlibs() {
        assert_eq!(u16::from_le_bytes([MAGIC[0], MAGIC[1]]), 3495);
        assert_eq!(&MAGIC[2..], b"\r\n");
    }
}
