//! The rest of `bytes`' methods (Objects/bytes_methods.c, bytesobject.c): the
//! reverse and line splitting, partitioning, ASCII case mapping and predicates,
//! padding, tab expansion, translation tables, `hex` with separators and `%`
//! formatting. Bytes are ASCII-minded: only ASCII letters have case and only
//! ` \t\n\r\x0b\x0c` are whitespace.

use crate::args::Args;
use crate::bytes::{as_bytes, as_bytes_opt, is_bytes, new, BYTES_TYPE};
use crate::descr::MethodDef;
use crate::exceptions::{type_error, value_error};
use crate::object::PyObj;
use crate::singletons::{bool_obj, is_none};
use crate::{abstract_ as ab, PyResult};

/// Whitespace for bytes methods.
pub(crate) fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

fn this<'a>(args: &'a [PyObj], name: &str) -> PyResult<&'a PyObj> {
    match args.first() {
        Some(b) if is_bytes(b) => Ok(b),
        Some(b) => Err(type_error(format!(
            "descriptor '{name}' for 'bytes' objects doesn't apply to a '{}' object",
            b.ty().name()
        ))),
        None => Err(type_error(format!(
            "unbound method bytes.{name}() needs an argument"
        ))),
    }
}

fn buffer_arg(o: &PyObj) -> PyResult<&[u8]> {
    as_bytes_opt(o).ok_or_else(|| {
        type_error(format!(
            "a bytes-like object is required, not '{}'",
            o.ty().name()
        ))
    })
}

fn index_arg(o: &PyObj) -> PyResult<isize> {
    crate::int::to_isize(&ab::index(o)?)
}

fn list_of(parts: Vec<&[u8]>) -> PyObj {
    crate::list::new(parts.into_iter().map(new).collect())
}

/// `bytes.rsplit(sep=None, maxsplit=-1)`.
fn rsplit(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(args, kw).bind("rsplit", 1, &["sep", "maxsplit"], 0)?;
    let data = as_bytes(this(args, "rsplit")?);
    let maxsplit = b[1].map(index_arg).transpose()?.unwrap_or(-1);
    let mut out: Vec<&[u8]> = Vec::new();
    match b[0].filter(|s| !is_none(s)) {
        None => {
            let mut end = data.len();
            loop {
                while end > 0 && is_space(data[end - 1]) {
                    end -= 1;
                }
                if end == 0 {
                    break;
                }
                if maxsplit >= 0 && out.len() as isize >= maxsplit {
                    out.push(&data[..end]);
                    break;
                }
                let mut start = end;
                while start > 0 && !is_space(data[start - 1]) {
                    start -= 1;
                }
                out.push(&data[start..end]);
                end = start;
            }
        }
        Some(sep) => {
            let sep = buffer_arg(sep)?;
            if sep.is_empty() {
                return Err(value_error("empty separator"));
            }
            let mut end = data.len();
            while maxsplit < 0 || (out.len() as isize) < maxsplit {
                match data[..end].windows(sep.len()).rposition(|w| w == sep) {
                    Some(i) => {
                        out.push(&data[i + sep.len()..end]);
                        end = i;
                    }
                    None => break,
                }
            }
            out.push(&data[..end]);
        }
    }
    out.reverse();
    Ok(list_of(out))
}

/// `bytes.splitlines(keepends=False)`: only `\n`, `\r` and `\r\n` break lines.
fn splitlines(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(args, kw).bind("splitlines", 1, &["keepends"], 0)?;
    let keep = b[0]
        .map(crate::str_methods::keepends_arg)
        .transpose()?
        .unwrap_or(false);
    let data = as_bytes(this(args, "splitlines")?);
    let mut out: Vec<&[u8]> = Vec::new();
    let (mut start, mut i) = (0, 0);
    while i < data.len() {
        if data[i] == b'\n' || data[i] == b'\r' {
            let mut end = i + 1;
            if data[i] == b'\r' && data.get(i + 1) == Some(&b'\n') {
                end += 1;
            }
            out.push(if keep {
                &data[start..end]
            } else {
                &data[start..i]
            });
            start = end;
            i = end;
        } else {
            i += 1;
        }
    }
    if start < data.len() {
        out.push(&data[start..]);
    }
    Ok(list_of(out))
}

fn partition(args: &[PyObj], kw: Option<&PyObj>, name: &str, reverse: bool) -> PyResult<PyObj> {
    Args::new(args, kw).exact(&format!("bytes.{name}"), 2)?;
    let data = as_bytes(this(args, name)?);
    let sep = buffer_arg(&args[1])?;
    if sep.is_empty() {
        return Err(value_error("empty separator"));
    }
    let found = if reverse {
        data.windows(sep.len()).rposition(|w| w == sep)
    } else {
        data.windows(sep.len()).position(|w| w == sep)
    };
    let parts = match found {
        Some(i) => [new(&data[..i]), new(sep), new(&data[i + sep.len()..])],
        None if reverse => [new(b""), new(b""), new(data)],
        None => [new(data), new(b""), new(b"")],
    };
    Ok(crate::tuple::from_vec(parts.into()))
}

fn map_bytes(
    args: &[PyObj],
    kw: Option<&PyObj>,
    name: &str,
    f: fn(&[u8]) -> Vec<u8>,
) -> PyResult<PyObj> {
    Args::new(args, kw).exact(&format!("bytes.{name}"), 1)?;
    Ok(new(&f(as_bytes(this(args, name)?))))
}

fn title(data: &[u8]) -> Vec<u8> {
    let mut prev_cased = false;
    data.iter()
        .map(|&c| {
            let r = if prev_cased {
                c.to_ascii_lowercase()
            } else {
                c.to_ascii_uppercase()
            };
            prev_cased = c.is_ascii_alphabetic();
            r
        })
        .collect()
}

fn capitalize(data: &[u8]) -> Vec<u8> {
    data.iter()
        .enumerate()
        .map(|(i, c)| {
            if i == 0 {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

fn swapcase(data: &[u8]) -> Vec<u8> {
    data.iter()
        .map(|&c| {
            if c.is_ascii_uppercase() {
                c.to_ascii_lowercase()
            } else {
                c.to_ascii_uppercase()
            }
        })
        .collect()
}

fn predicate(
    args: &[PyObj],
    kw: Option<&PyObj>,
    name: &str,
    f: fn(&[u8]) -> bool,
) -> PyResult<PyObj> {
    Args::new(args, kw).exact(&format!("bytes.{name}"), 1)?;
    Ok(bool_obj(f(as_bytes(this(args, name)?))))
}

fn istitle(data: &[u8]) -> bool {
    let (mut cased, mut prev_cased) = (false, false);
    for &c in data {
        if c.is_ascii_uppercase() {
            if prev_cased {
                return false;
            }
            prev_cased = true;
            cased = true;
        } else if c.is_ascii_lowercase() {
            if !prev_cased {
                return false;
            }
            prev_cased = true;
            cased = true;
        } else {
            prev_cased = false;
        }
    }
    cased
}

fn pad(args: &[PyObj], kw: Option<&PyObj>, name: &str, align: char) -> PyResult<PyObj> {
    Args::new(args, kw).expect(&format!("bytes.{name}"), 2, 3)?;
    let t = this(args, name)?;
    let width = index_arg(&args[1])?;
    let fill = match args.get(2) {
        None => b' ',
        Some(f) => match as_bytes_opt(f) {
            Some([c]) => *c,
            _ => {
                return Err(type_error(format!(
                    "{name}() argument 2 must be a byte string of length 1, not {}",
                    if is_bytes(f) {
                        "bytes".to_string()
                    } else {
                        f.ty().name().to_string()
                    }
                )))
            }
        },
    };
    let data = as_bytes(t);
    let n = data.len() as isize;
    if width <= n {
        return Ok(if t.is_exact(&BYTES_TYPE) {
            t.clone()
        } else {
            new(data)
        });
    }
    let total = (width - n) as usize;
    let (l, r) = crate::str_methods::padding_split(total, width as usize, align);
    let mut out = crate::alloc::try_vec(width as usize)?;
    out.extend(std::iter::repeat_n(fill, l));
    out.extend_from_slice(data);
    out.extend(std::iter::repeat_n(fill, r));
    crate::bytes::try_new(&out)
}

fn zfill(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(args, kw).exact("bytes.zfill", 2)?;
    let data = as_bytes(this(args, "zfill")?);
    let width = index_arg(&args[1])?;
    if width <= data.len() as isize {
        return Ok(new(data));
    }
    let fill = width as usize - data.len();
    let mut out = crate::alloc::try_vec(width as usize)?;
    let rest = match data.first() {
        Some(&c @ (b'+' | b'-')) => {
            out.push(c);
            &data[1..]
        }
        _ => data,
    };
    out.extend(std::iter::repeat_n(b'0', fill));
    out.extend_from_slice(rest);
    crate::bytes::try_new(&out)
}

fn expandtabs(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(args, kw).bind("expandtabs", 1, &["tabsize"], 0)?;
    let size = b[0]
        .map(crate::str_methods::tab_size)
        .transpose()?
        .unwrap_or(8);
    let data = as_bytes(this(args, "expandtabs")?);
    let expanded = crate::str_methods::expanded_len(data.iter().map(|&b| u32::from(b)), size);
    let mut out = crate::alloc::try_vec(expanded)?;
    let mut col = 0isize;
    for &c in data {
        match c {
            b'\t' => {
                if size > 0 {
                    let n = size - col % size;
                    out.extend(std::iter::repeat_n(b' ', n as usize));
                    col += n;
                }
            }
            b'\n' | b'\r' => {
                out.push(c);
                col = 0;
            }
            _ => {
                out.push(c);
                col += 1;
            }
        }
    }
    Ok(new(&out))
}

fn affix_remove(args: &[PyObj], kw: Option<&PyObj>, name: &str, prefix: bool) -> PyResult<PyObj> {
    Args::new(args, kw).exact(&format!("bytes.{name}"), 2)?;
    let t = this(args, name)?;
    let data = as_bytes(t);
    let a = buffer_arg(&args[1])?;
    let r = if prefix {
        data.strip_prefix(a)
    } else {
        data.strip_suffix(a)
    };
    Ok(match r {
        Some(r) => new(r),
        None if t.is_exact(&BYTES_TYPE) => t.clone(),
        None => new(data),
    })
}

/// `bytes.translate(table, /, delete=b'')`.
fn translate(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(args, kw).bind("translate", 1, &["table", "delete"], 1)?;
    let data = as_bytes(this(args, "translate")?);
    let table = match b[0] {
        Some(t) if !is_none(t) => {
            let t = buffer_arg(t)?;
            if t.len() != 256 {
                return Err(value_error("translation table must be 256 characters long"));
            }
            Some(t)
        }
        _ => None,
    };
    let delete = b[1].map(buffer_arg).transpose()?.unwrap_or(b"");
    let out: Vec<u8> = data
        .iter()
        .filter(|c| !delete.contains(c))
        .map(|&c| table.map_or(c, |t| t[c as usize]))
        .collect();
    Ok(new(&out))
}

/// `bytes.maketrans(frm, to)`: a 256-byte table mapping `frm[i]` to `to[i]`.
fn maketrans(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(args, kw).expect("maketrans", 2, 2)?;
    let (frm, to) = (buffer_arg(&args[0])?, buffer_arg(&args[1])?);
    if frm.len() != to.len() {
        return Err(value_error("maketrans arguments must have same length"));
    }
    let mut table: Vec<u8> = (0..=255).collect();
    for (&f, &t) in frm.iter().zip(to) {
        table[f as usize] = t;
    }
    Ok(new(&table))
}

/// `bytes.hex(sep=<none>, bytes_per_sep=1)`: groups of `bytes_per_sep` bytes counted
/// from the right (from the left when negative), joined by `sep`.
fn hex(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(args, kw).bind("hex", 1, &["sep", "bytes_per_sep"], 0)?;
    let data = as_bytes(this(args, "hex")?);
    let sep = match b[0] {
        None => None,
        Some(s) => {
            let text: Vec<u8> = if crate::str::is_str(s) {
                crate::str::as_str(s).as_bytes().to_vec()
            } else {
                buffer_arg(s)?.to_vec()
            };
            if text.len() != 1 {
                return Err(value_error("sep must be length 1."));
            }
            if !text[0].is_ascii() {
                return Err(value_error("sep must be ASCII."));
            }
            Some(text[0] as char)
        }
    };
    let per = b[1].map(index_arg).transpose()?.unwrap_or(1);
    let digits: Vec<String> = data.iter().map(|x| format!("{x:02x}")).collect();
    let Some(sep) = sep.filter(|_| per != 0) else {
        return Ok(crate::str::from_string(digits.concat()));
    };
    let group = per.unsigned_abs();
    let mut out = String::with_capacity(data.len() * 3);
    let n = digits.len();
    for (i, d) in digits.iter().enumerate() {
        let boundary = if per > 0 {
            i > 0 && (n - i) % group == 0
        } else {
            i > 0 && i % group == 0
        };
        if boundary {
            out.push(sep);
        }
        out.push_str(d);
    }
    Ok(crate::str::from_string(out))
}

fn rindex(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let r = ab::call_method(&args[0], "rfind", &args[1..])?;
    if kw.is_some() {
        Args::new(args, kw).no_kwargs("rindex")?;
    }
    if crate::int::as_i64(&r) == Some(-1) {
        return Err(value_error("subsection not found"));
    }
    Ok(r)
}

/// `bytes % values`: printf-style formatting with bytes semantics (`%s`/`%b` take
/// bytes-like objects or `__bytes__`, `%r`/`%a` give `ascii()`, `%c` one byte).
pub(crate) fn bytes_mod(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    if !is_bytes(a) {
        return Ok(crate::singletons::not_implemented());
    }
    // Formatting runs over a Latin-1 view of the bytes, so every byte is one char
    // and every char of the result (each below U+0100) is one byte again.
    let fmt: String = as_bytes(a).iter().map(|&c| c as char).collect();
    let out = crate::format::percent_format_mode(&fmt, b, true)?;
    Ok(new(&out
        .chars()
        .map(|c| c as u32 as u8)
        .collect::<Vec<u8>>()))
}

/// The byte string `%s`/`%b` formats `v` as, as a Latin-1 string.
pub(crate) fn percent_bytes_arg(v: &PyObj) -> PyResult<String> {
    if let Some(b) = as_bytes_opt(v) {
        return Ok(b.iter().map(|&c| c as char).collect());
    }
    if let Some(m) = v.ty().lookup(&crate::str::intern("__bytes__")) {
        let r = ab::call_descr(&m, v, &[])?;
        if let Some(b) = as_bytes_opt(&r) {
            return Ok(b.iter().map(|&c| c as char).collect());
        }
        return Err(type_error(format!(
            "__bytes__ returned non-bytes (type {})",
            r.ty().name()
        )));
    }
    Err(type_error(format!(
        "%b requires a bytes-like object, or an object that implements __bytes__, not '{}'",
        v.ty().name()
    )))
}

/// The methods `bytes` gets from this module.
pub(crate) fn methods() -> Vec<MethodDef> {
    vec![
        MethodDef::new("rsplit", rsplit),
        MethodDef::new("splitlines", splitlines),
        MethodDef::new("partition", |a, k| partition(a, k, "partition", false)),
        MethodDef::new("rpartition", |a, k| partition(a, k, "rpartition", true)),
        MethodDef::new("rindex", rindex),
        MethodDef::new("title", |a, k| map_bytes(a, k, "title", title)),
        MethodDef::new("capitalize", |a, k| {
            map_bytes(a, k, "capitalize", capitalize)
        }),
        MethodDef::new("swapcase", |a, k| map_bytes(a, k, "swapcase", swapcase)),
        MethodDef::new("istitle", |a, k| predicate(a, k, "istitle", istitle)),
        MethodDef::new("isupper", |a, k| {
            predicate(a, k, "isupper", |d| {
                d.iter().any(u8::is_ascii_uppercase) && !d.iter().any(u8::is_ascii_lowercase)
            })
        }),
        MethodDef::new("islower", |a, k| {
            predicate(a, k, "islower", |d| {
                d.iter().any(u8::is_ascii_lowercase) && !d.iter().any(u8::is_ascii_uppercase)
            })
        }),
        MethodDef::new("isascii", |a, k| {
            predicate(a, k, "isascii", |d| d.is_ascii())
        }),
        MethodDef::new("center", |a, k| pad(a, k, "center", '^')),
        MethodDef::new("ljust", |a, k| pad(a, k, "ljust", '<')),
        MethodDef::new("rjust", |a, k| pad(a, k, "rjust", '>')),
        MethodDef::new("zfill", zfill),
        MethodDef::new("expandtabs", expandtabs),
        MethodDef::new("removeprefix", |a, k| {
            affix_remove(a, k, "removeprefix", true)
        }),
        MethodDef::new("removesuffix", |a, k| {
            affix_remove(a, k, "removesuffix", false)
        }),
        MethodDef::new("translate", translate),
        MethodDef::static_("maketrans", maketrans),
        MethodDef::new("hex", hex),
    ]
}
