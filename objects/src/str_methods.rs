//! The slots and methods of `str` (Objects/unicodeobject.c): repr with Python's
//! escaping rules, comparison, indexing and slicing by code point, concatenation and
//! repetition, and the methods Python programs commonly call. Indices are code-point
//! indices; ASCII strings (the common case) index bytes directly.

use unicode_general_category::{get_general_category, GeneralCategory as Gc};

use crate::abstract_ as ab;
use crate::args::Args;
use crate::descr::MethodDef;
use crate::exceptions::{index_error, type_error, value_error};
use crate::object::PyObj;
use crate::singletons::{bool_obj, is_none, none, not_implemented};
use crate::str::{as_str, is_str, payload, STR_TYPE};
use crate::typeobj::CompareOp;
use crate::unicode_case::{is_cased_upper, lower_in_context};
use crate::PyResult;

/// `repr(str)`, `ascii()` escaping and the printable test live in strand-literal (the
/// compiler prints str constants too).
pub use strand_literal::str::{ascii_escape, is_printable, repr_str};

/// `str.isspace()` for one character (Python's `Py_UNICODE_ISSPACE`): Unicode
/// White_Space plus the ASCII information separators U+001C..U+001F, which Python
/// counts as whitespace (bidirectional class B or S) and Rust does not.
pub fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

pub(crate) fn str_repr_slot(obj: &PyObj) -> PyResult<PyObj> {
    Ok(crate::str::from_string(repr_str(as_str(obj))))
}

pub(crate) fn str_str_slot(obj: &PyObj) -> PyResult<PyObj> {
    if obj.is_exact(&STR_TYPE) {
        Ok(obj.clone())
    } else {
        Ok(crate::str::new(as_str(obj)))
    }
}

/// `a < b` for two strs (code-point order: `strand_literal::str::compare`).
pub fn str_lt(a: &PyObj, b: &PyObj) -> bool {
    strand_literal::str::compare(as_str(a), as_str(b)).is_lt()
}

pub(crate) fn str_richcompare(a: &PyObj, b: &PyObj, op: CompareOp) -> PyResult<PyObj> {
    if !is_str(b) {
        return Ok(not_implemented());
    }
    let r = match op {
        CompareOp::Eq => crate::str::eq(a, b),
        CompareOp::Ne => !crate::str::eq(a, b),
        _ => op.test(strand_literal::str::compare(as_str(a), as_str(b))),
    };
    Ok(bool_obj(r))
}

pub(crate) fn str_new(cls: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<PyObj> {
    let ty = crate::typeobj::expect_type(cls, "str.__new__(X)")?;
    let a = Args::new(args, kwnames);
    let b = a.bind("str", 0, &["object", "encoding", "errors"], 0)?;
    let text: PyObj = match (b[0], b[1], b[2]) {
        (None, None, None) => crate::str::new(""),
        (Some(o), None, None) => ab::str_(o)?,
        (o, enc, errs) => {
            let o = o.cloned().unwrap_or_else(|| crate::bytes::new(b""));
            if is_str(&o) {
                return Err(type_error("decoding str is not supported"));
            }
            // Decoding errors name a bytes object, whatever the buffer was.
            let o = if crate::bytes::is_bytes(&o) {
                o
            } else {
                let data = crate::buffer::bytes_like(&o).map_err(|_| {
                    type_error(format!(
                        "decoding to str: need a bytes-like object, {} found",
                        o.ty().name()
                    ))
                })?;
                crate::bytes::new(&data)
            };
            let data = crate::bytes::as_bytes(&o);
            let enc = match enc {
                Some(e) if is_str(e) => as_str(e),
                Some(e) => {
                    return Err(type_error(format!(
                        "str() argument 'encoding' must be str, not {}",
                        e.ty().name()
                    )))
                }
                None => "utf-8",
            };
            let errs = match errs {
                Some(e) if is_str(e) => as_str(e),
                Some(e) => {
                    return Err(type_error(format!(
                        "str() argument 'errors' must be str, not {}",
                        e.ty().name()
                    )))
                }
                None => "strict",
            };
            crate::str::from_string(crate::bytes::decode(&o, data, enc, errs)?)
        }
    };
    if std::ptr::eq(ty, &STR_TYPE) {
        Ok(text)
    } else {
        Ok(crate::str::new_of_type(ty, as_str(&text)))
    }
}

pub(crate) fn str_contains(obj: &PyObj, x: &PyObj) -> PyResult<bool> {
    if !is_str(x) {
        return Err(type_error(format!(
            "'in <string>' requires string as left operand, not {}",
            x.ty().name()
        )));
    }
    Ok(as_str(obj).contains(as_str(x)))
}

/// Byte offset of code point `i` (`i <= char_len`).
fn byte_offset(s: &str, ascii: bool, i: usize) -> usize {
    if ascii {
        return i.min(s.len());
    }
    s.char_indices().nth(i).map_or(s.len(), |(b, _)| b)
}

/// Code-point index of byte offset `b`.
fn char_index(s: &str, ascii: bool, b: usize) -> usize {
    if ascii {
        b
    } else {
        s[..b].chars().count()
    }
}

pub(crate) fn str_getitem(obj: &PyObj, key: &PyObj) -> PyResult<PyObj> {
    let p = payload(obj);
    let s = p.as_str();
    let n = p.char_len();
    if let Some(slice) = key.downcast::<crate::slice::PySlice>() {
        let idx = slice.indices(n)?;
        if idx.step == 1 {
            if idx.start == 0 && idx.len == n && obj.is_exact(&STR_TYPE) {
                return Ok(obj.clone());
            }
            let a = byte_offset(s, p.is_ascii(), idx.start);
            let b = if p.is_ascii() {
                a + idx.len
            } else {
                a + s[a..]
                    .chars()
                    .take(idx.len)
                    .map(char::len_utf8)
                    .sum::<usize>()
            };
            return Ok(crate::str::new(&s[a..b]));
        }
        let out: String = if p.is_ascii() {
            let bytes = s.as_bytes();
            idx.iter().map(|i| bytes[i] as char).collect()
        } else {
            let chars: Vec<char> = s.chars().collect();
            idx.iter().map(|i| chars[i]).collect()
        };
        return Ok(crate::str::from_string(out));
    }
    if !crate::int::is_int(key) && key.ty().slots().number.index.is_none() {
        return Err(type_error(format!(
            "string indices must be integers, not '{}'",
            key.ty().name()
        )));
    }
    let i = ab::index_for(key, "string")?;
    match crate::slice::normalize_index(i, n).and_then(|i| p.char_at(i)) {
        Some(c) => {
            let mut buf = [0u8; 4];
            Ok(crate::str::new(c.encode_utf8(&mut buf)))
        }
        None => Err(index_error("string index out of range")),
    }
}

pub(crate) fn str_concat(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    if !is_str(a) {
        return Ok(not_implemented());
    }
    if !is_str(b) {
        return Err(type_error(format!(
            "can only concatenate str (not \"{}\") to str",
            b.ty().name()
        )));
    }
    let (x, y) = (as_str(a), as_str(b));
    if y.is_empty() && a.is_exact(&STR_TYPE) {
        return Ok(a.clone());
    }
    if x.is_empty() && b.is_exact(&STR_TYPE) {
        return Ok(b.clone());
    }
    let mut s = crate::alloc::try_string(x.len() + y.len())?;
    s.push_str(x);
    s.push_str(y);
    crate::str::try_new(&s)
}

pub(crate) fn str_repeat(a: &PyObj, n: &PyObj) -> PyResult<PyObj> {
    let (seq, count) = if is_str(a) { (a, n) } else { (n, a) };
    let Some(count) = ab::repeat_count(count)? else {
        return Ok(not_implemented());
    };
    let s = as_str(seq);
    if count == 1 && seq.is_exact(&STR_TYPE) {
        return Ok(seq.clone());
    }
    let chars = crate::str::payload(seq).char_len();
    if chars
        .checked_mul(count)
        .is_none_or(|n| n > isize::MAX as usize)
    {
        return Err(crate::exceptions::overflow_error(
            "repeated string is too long",
        ));
    }
    if s.is_empty() {
        // An empty string repeats to nothing however large the count.
        return Ok(crate::str::new(""));
    }
    let mut out = crate::alloc::try_string(s.len().saturating_mul(count))?;
    for _ in 0..count {
        out.push_str(s);
    }
    crate::str::try_new(&out)
}

// ---------------------------------------------------------------------------------
// Methods
// ---------------------------------------------------------------------------------

fn this<'a>(args: &'a [PyObj], name: &str) -> PyResult<&'a PyObj> {
    match args.first() {
        Some(s) if is_str(s) => Ok(s),
        Some(s) => Err(type_error(format!(
            "descriptor '{name}' requires a 'str' object but received a '{}'",
            s.ty().name()
        ))),
        None => Err(type_error(format!(
            "unbound method str.{name}() needs an argument"
        ))),
    }
}

fn str_arg<'a>(o: &'a PyObj, what: &str) -> PyResult<&'a str> {
    if is_str(o) {
        Ok(as_str(o))
    } else {
        Err(type_error(format!(
            "{what} must be str, not {}",
            o.ty().name()
        )))
    }
}

fn int_arg(o: &PyObj) -> PyResult<isize> {
    crate::int::to_isize(&ab::index(o)?)
}

fn s(o: &str) -> PyObj {
    crate::str::new(o)
}

/// `(text, byte_start, byte_end)` for find/count/index/startswith; `byte_start` is
/// past the end of the text when the range cannot match even an empty needle.
fn search_args<'a>(
    args: &'a [PyObj],
    kw: Option<&PyObj>,
    name: &str,
) -> PyResult<(&'a str, usize, usize)> {
    Args::new(args, kw).no_kwargs(name)?;
    let t = this(args, name)?;
    let p = payload(t);
    let text = p.as_str();
    match crate::slice::search_range(args.get(2), args.get(3), p.char_len())? {
        Some((cs, ce)) => {
            let bs = byte_offset(text, p.is_ascii(), cs);
            let be = byte_offset(text, p.is_ascii(), ce);
            Ok((text, bs, be))
        }
        None => Ok((text, text.len() + 1, text.len() + 1)),
    }
}

fn find_impl(
    args: &[PyObj],
    kw: Option<&PyObj>,
    name: &str,
    reverse: bool,
) -> PyResult<Option<usize>> {
    Args::new(args, kw).range(name, 2, 4)?;
    let needle = str_arg(&args[1], "must be str, not")
        .map_err(|_| type_error(format!("must be str, not {}", args[1].ty().name())))?;
    let (text, bs, be) = search_args(args, kw, name)?;
    if bs > text.len() {
        return Ok(None);
    }
    let window = &text[bs..be];
    let found = if reverse {
        window.rfind(needle)
    } else {
        window.find(needle)
    };
    let ascii = payload(&args[0]).is_ascii();
    Ok(found.map(|b| char_index(text, ascii, bs + b)))
}

fn split_ws(text: &str, maxsplit: isize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text.trim_start_matches(is_py_space);
    while !rest.is_empty() {
        if maxsplit >= 0 && out.len() as isize >= maxsplit {
            // The unsplit remainder keeps its trailing whitespace, as in CPython.
            out.push(rest);
            return out;
        }
        match rest.find(is_py_space) {
            Some(i) => {
                out.push(&rest[..i]);
                rest = rest[i..].trim_start_matches(is_py_space);
            }
            None => {
                out.push(rest);
                break;
            }
        }
    }
    out
}

fn rsplit_ws(text: &str, maxsplit: isize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text.trim_end_matches(is_py_space);
    while !rest.is_empty() {
        if maxsplit >= 0 && out.len() as isize >= maxsplit {
            out.push(rest);
            break;
        }
        match rest.rfind(is_py_space) {
            Some(i) => {
                let c = rest[i..].chars().next().map_or(1, char::len_utf8);
                out.push(&rest[i + c..]);
                rest = rest[..i].trim_end_matches(is_py_space);
            }
            None => {
                out.push(rest);
                break;
            }
        }
    }
    out.reverse();
    out
}

fn split_args<'a>(
    args: &'a [PyObj],
    kw: Option<&'a PyObj>,
    name: &str,
) -> PyResult<(&'a str, Option<&'a str>, isize)> {
    let a = Args::new(args, kw);
    let b = a.bind(name, 1, &["sep", "maxsplit"], 0)?;
    let text = as_str(this(args, name)?);
    let sep = match b[0] {
        Some(x) if !is_none(x) => Some(
            str_arg(x, "must be str or None, not")
                .map_err(|_| type_error(format!("must be str or None, not {}", x.ty().name())))?,
        ),
        _ => None,
    };
    if sep == Some("") {
        return Err(value_error("empty separator"));
    }
    let maxsplit = match b[1] {
        Some(m) => int_arg(m)?,
        None => -1,
    };
    Ok((text, sep, maxsplit))
}

fn strip_impl(
    args: &[PyObj],
    kw: Option<&PyObj>,
    name: &str,
    left: bool,
    right: bool,
) -> PyResult<PyObj> {
    Args::new(args, kw).expect(&format!("str.{name}"), 1, 2)?;
    let t = this(args, name)?;
    let text = as_str(t);
    let r = match args.get(1).filter(|c| !is_none(c)) {
        None => {
            let mut r = text;
            if left {
                r = r.trim_start_matches(is_py_space);
            }
            if right {
                r = r.trim_end_matches(is_py_space);
            }
            r
        }
        Some(chars) => {
            let set: Vec<char> = str_arg(chars, "strip arg")
                .map_err(|_| type_error(format!("{name} arg must be None or str")))?
                .chars()
                .collect();
            let mut r = text;
            if left {
                r = r.trim_start_matches(|c| set.contains(&c));
            }
            if right {
                r = r.trim_end_matches(|c| set.contains(&c));
            }
            r
        }
    };
    if r.len() == text.len() && t.is_exact(&STR_TYPE) {
        return Ok(t.clone());
    }
    Ok(s(r))
}

fn affix(args: &[PyObj], kw: Option<&PyObj>, name: &str, prefix: bool) -> PyResult<PyObj> {
    Args::new(args, kw).range(name, 2, 4)?;
    let (text, bs, be) = search_args(args, kw, name)?;
    let window = if bs <= text.len() { &text[bs..be] } else { "" };
    let out_of_range = bs > text.len();
    let check = |c: &PyObj| -> PyResult<bool> {
        let c = str_arg(c, "").map_err(|_| {
            type_error(format!(
                "tuple for {name} must only contain str, not {}",
                c.ty().name()
            ))
        })?;
        Ok(!out_of_range
            && if prefix {
                window.starts_with(c)
            } else {
                window.ends_with(c)
            })
    };
    if crate::tuple::is_tuple(&args[1]) {
        for c in crate::tuple::items(&args[1]) {
            if check(c)? {
                return Ok(bool_obj(true));
            }
        }
        return Ok(bool_obj(false));
    }
    if !is_str(&args[1]) {
        return Err(type_error(format!(
            "{name} first arg must be str or a tuple of str, not {}",
            args[1].ty().name()
        )));
    }
    Ok(bool_obj(check(&args[1])?))
}

/// How `total` fill characters split left and right of the text for `ljust` (`'<'`),
/// `rjust` (`'>'`) and `center` (anything else) to reach `width`: CPython's centering
/// puts the odd extra character left when the width is odd too (str and bytes alike).
pub(crate) fn padding_split(total: usize, width: usize, align: char) -> (usize, usize) {
    match align {
        '<' => (0, total),
        '>' => (total, 0),
        _ => {
            let left = total / 2 + (total & width & 1);
            (left, total - left)
        }
    }
}

fn pad(args: &[PyObj], kw: Option<&PyObj>, name: &str, align: char) -> PyResult<PyObj> {
    Args::new(args, kw).expect(&format!("str.{name}"), 2, 3)?;
    let t = this(args, name)?;
    let width = int_arg(&args[1])?;
    let fill = match args.get(2) {
        None => ' ',
        Some(f) => {
            let fs = str_arg(f, "The fill character").map_err(|_| {
                type_error(format!(
                    "The fill character must be a unicode character, not {}",
                    f.ty().name()
                ))
            })?;
            let mut it = fs.chars();
            match (it.next(), it.next()) {
                (Some(c), None) => c,
                _ => {
                    return Err(type_error(
                        "The fill character must be exactly one character long",
                    ))
                }
            }
        }
    };
    let text = as_str(t);
    let n = payload(t).char_len() as isize;
    if width <= n {
        return Ok(if t.is_exact(&STR_TYPE) {
            t.clone()
        } else {
            s(text)
        });
    }
    let total = (width - n) as usize;
    let (l, r) = padding_split(total, width as usize, align);
    let mut out = crate::alloc::try_string(
        text.len()
            .saturating_add(total.saturating_mul(fill.len_utf8())),
    )?;
    out.extend(std::iter::repeat_n(fill, l));
    out.push_str(text);
    out.extend(std::iter::repeat_n(fill, r));
    crate::str::try_new(&out)
}

fn predicate(
    args: &[PyObj],
    kw: Option<&PyObj>,
    name: &str,
    f: fn(&str) -> bool,
) -> PyResult<PyObj> {
    Args::new(args, kw).exact(name, 1)?;
    Ok(bool_obj(f(as_str(this(args, name)?))))
}

fn title_case(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut prev_cased = false;
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if prev_cased {
            out.extend(lower_in_context(&chars, i));
        } else {
            out.extend(title_char(c));
        }
        prev_cased = crate::unicode_case::is_cased(c);
    }
    out
}

fn title_char(c: char) -> impl Iterator<Item = char> {
    let v: Vec<char> = match crate::unicode_case::title_special(c) {
        Some(t) => t.chars().collect(),
        None => c.to_uppercase().collect(),
    };
    v.into_iter()
}

fn casefold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match crate::unicode_case::fold_special(c) {
            Some(f) => out.push_str(f),
            None => out.extend(c.to_lowercase()),
        }
    }
    out
}

fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) if c == '_' || is_xid_start(c) => chars.all(is_xid_continue),
        _ => false,
    }
}

fn is_xid_start(c: char) -> bool {
    c.is_ascii_alphabetic()
        || (!c.is_ascii()
            && matches!(
                get_general_category(c),
                Gc::UppercaseLetter
                    | Gc::LowercaseLetter
                    | Gc::TitlecaseLetter
                    | Gc::ModifierLetter
                    | Gc::OtherLetter
                    | Gc::LetterNumber
            ))
}

fn is_xid_continue(c: char) -> bool {
    c == '_'
        || c.is_ascii_alphanumeric()
        || is_xid_start(c)
        || (!c.is_ascii()
            && matches!(
                get_general_category(c),
                Gc::NonspacingMark | Gc::SpacingMark | Gc::DecimalNumber | Gc::ConnectorPunctuation
            ))
}

fn is_decimal(c: char) -> bool {
    get_general_category(c) == Gc::DecimalNumber
}

fn is_digit(c: char) -> bool {
    is_decimal(c) || matches!(c, '²' | '³' | '¹' | '⁰'..='⁹' | '₀'..='₉' | '①'..='⑨')
}

fn is_numeric(c: char) -> bool {
    matches!(
        get_general_category(c),
        Gc::DecimalNumber | Gc::LetterNumber | Gc::OtherNumber
    )
}

fn is_alpha(c: char) -> bool {
    matches!(
        get_general_category(c),
        Gc::UppercaseLetter
            | Gc::LowercaseLetter
            | Gc::TitlecaseLetter
            | Gc::ModifierLetter
            | Gc::OtherLetter
    )
}

/// `text.splitlines(keepends)`: the lines of `text`, split at Python's line
/// boundaries (`\n`, `\r`, `\r\n`, `\v`, `\f`, `\x1c`-`\x1e`, `\x85`, `\u2028`,
/// `\u2029`), each with its boundary when `keepends`.
pub fn splitlines(text: &str, keepends: bool) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes: Vec<(usize, char)> = text.char_indices().collect();
    let mut k = 0;
    while k < bytes.len() {
        let (i, c) = bytes[k];
        let is_break = matches!(
            c,
            '\n' | '\r'
                | '\x0b'
                | '\x0c'
                | '\x1c'
                | '\x1d'
                | '\x1e'
                | '\u{85}'
                | '\u{2028}'
                | '\u{2029}'
        );
        if is_break {
            let mut end = i + c.len_utf8();
            if c == '\r' && k + 1 < bytes.len() && bytes[k + 1].1 == '\n' {
                end += 1;
                k += 1;
            }
            out.push(if keepends {
                &text[start..end]
            } else {
                &text[start..i]
            });
            start = end;
        }
        k += 1;
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// `splitlines`' `keepends`: an integer (a C `int`), as in CPython.
pub(crate) fn keepends_arg(k: &PyObj) -> PyResult<bool> {
    if !crate::int::is_int(k) && k.ty().slots().number.index.is_none() {
        return Err(type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            k.ty().name()
        )));
    }
    Ok(!crate::int::value(&ab::index(k)?).is_zero())
}

/// `expandtabs`' tab size: a C `int`, as in CPython.
pub(crate) fn tab_size(o: &PyObj) -> PyResult<isize> {
    let n = int_arg(o)?;
    i32::try_from(n).map_err(|_| {
        crate::exceptions::overflow_error("Python int too large to convert to C int")
    })?;
    Ok(n)
}

/// The length `expandtabs` makes of `text` (code points or bytes), saturating: it is
/// checked against the memory limit before anything is allocated.
pub(crate) fn expanded_len(text: impl Iterator<Item = u32>, tabsize: isize) -> usize {
    let (mut total, mut col) = (0usize, 0usize);
    for c in text {
        match c {
            9 => {
                if tabsize > 0 {
                    let n = tabsize as usize - col % tabsize as usize;
                    total = total.saturating_add(n);
                    col = col.saturating_add(n);
                }
            }
            10 | 13 => {
                total = total.saturating_add(1);
                col = 0;
            }
            _ => {
                total = total.saturating_add(1);
                col = col.saturating_add(1);
            }
        }
    }
    total
}

fn expandtabs(text: &str, tabsize: isize) -> String {
    let mut out = String::with_capacity(text.len());
    let mut col = 0isize;
    for c in text.chars() {
        match c {
            '\t' => {
                if tabsize > 0 {
                    let n = tabsize - col % tabsize;
                    out.extend(std::iter::repeat_n(' ', n as usize));
                    col += n;
                }
            }
            '\n' | '\r' => {
                out.push(c);
                col = 0;
            }
            c => {
                out.push(c);
                col += 1;
            }
        }
    }
    out
}

fn list_of(parts: Vec<&str>) -> PyObj {
    crate::list::new(parts.into_iter().map(s).collect())
}

/// Methods of `str`.
pub(crate) fn methods() -> Vec<MethodDef> {
    vec![
        MethodDef::new("join", |args, kw| {
            Args::new(args, kw).exact("str.join", 2)?;
            let sep = as_str(this(args, "join")?);
            if args[1].ty().slots().iter.is_none() && args[1].ty().slots().getitem.is_none() {
                return Err(type_error("can only join an iterable"));
            }
            let items = ab::collect_iter(&args[1])?;
            if items.len() == 1 && items[0].is_exact(&STR_TYPE) {
                return Ok(items[0].clone());
            }
            let mut out = String::new();
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(sep);
                }
                if !is_str(x) {
                    return Err(type_error(format!(
                        "sequence item {i}: expected str instance, {} found",
                        x.ty().name()
                    )));
                }
                out.push_str(as_str(x));
            }
            Ok(crate::str::from_string(out))
        }),
        MethodDef::new("split", |args, kw| {
            let (text, sep, maxsplit) = split_args(args, kw, "split")?;
            Ok(match sep {
                None => list_of(split_ws(text, maxsplit)),
                Some(sep) => {
                    let parts: Vec<&str> = if maxsplit < 0 {
                        text.split(sep).collect()
                    } else {
                        text.splitn(maxsplit as usize + 1, sep).collect()
                    };
                    list_of(parts)
                }
            })
        }),
        MethodDef::new("rsplit", |args, kw| {
            let (text, sep, maxsplit) = split_args(args, kw, "rsplit")?;
            Ok(match sep {
                None => list_of(rsplit_ws(text, maxsplit)),
                Some(sep) => {
                    let mut parts: Vec<&str> = if maxsplit < 0 {
                        text.rsplit(sep).collect()
                    } else {
                        text.rsplitn(maxsplit as usize + 1, sep).collect()
                    };
                    parts.reverse();
                    list_of(parts)
                }
            })
        }),
        MethodDef::new("splitlines", |args, kw| {
            let a = Args::new(args, kw);
            let b = a.bind("splitlines", 1, &["keepends"], 0)?;
            let keep = match b[0] {
                Some(k) => keepends_arg(k)?,
                None => false,
            };
            Ok(list_of(splitlines(as_str(this(args, "splitlines")?), keep)))
        }),
        MethodDef::new("strip", |a, k| strip_impl(a, k, "strip", true, true)),
        MethodDef::new("lstrip", |a, k| strip_impl(a, k, "lstrip", true, false)),
        MethodDef::new("rstrip", |a, k| strip_impl(a, k, "rstrip", false, true)),
        MethodDef::new("startswith", |a, k| affix(a, k, "startswith", true)),
        MethodDef::new("endswith", |a, k| affix(a, k, "endswith", false)),
        MethodDef::new("find", |a, k| {
            Ok(crate::int::from_i64(
                find_impl(a, k, "find", false)?.map_or(-1, |i| i as i64),
            ))
        }),
        MethodDef::new("rfind", |a, k| {
            Ok(crate::int::from_i64(
                find_impl(a, k, "rfind", true)?.map_or(-1, |i| i as i64),
            ))
        }),
        MethodDef::new("index", |a, k| match find_impl(a, k, "index", false)? {
            Some(i) => Ok(crate::int::from_usize(i)),
            None => Err(value_error("substring not found")),
        }),
        MethodDef::new("rindex", |a, k| match find_impl(a, k, "rindex", true)? {
            Some(i) => Ok(crate::int::from_usize(i)),
            None => Err(value_error("substring not found")),
        }),
        MethodDef::new("count", |args, kw| {
            Args::new(args, kw).range("count", 2, 4)?;
            let needle = str_arg(&args[1], "")
                .map_err(|_| type_error(format!("must be str, not {}", args[1].ty().name())))?;
            let (text, bs, be) = search_args(args, kw, "count")?;
            if bs > text.len() {
                return Ok(crate::int::from_i64(0));
            }
            let window = &text[bs..be];
            let n = if needle.is_empty() {
                window.chars().count() + 1
            } else {
                window.matches(needle).count()
            };
            Ok(crate::int::from_usize(n))
        }),
        MethodDef::new("replace", |args, kw| {
            Args::new(args, kw).no_kwargs("replace")?;
            Args::new(args, kw).expect("str.replace", 3, 4)?;
            let text = as_str(this(args, "replace")?);
            let old = str_arg(&args[1], "").map_err(|_| {
                type_error(format!(
                    "replace() argument 1 must be str, not {}",
                    args[1].ty().name()
                ))
            })?;
            let new = str_arg(&args[2], "").map_err(|_| {
                type_error(format!(
                    "replace() argument 2 must be str, not {}",
                    args[2].ty().name()
                ))
            })?;
            let count = match args.get(3) {
                Some(c) => int_arg(c)?,
                None => -1,
            };
            if count < 0 {
                return Ok(crate::str::from_string(text.replace(old, new)));
            }
            if old.is_empty() {
                let mut out = String::new();
                let mut n = 0;
                for c in text.chars() {
                    if n < count {
                        out.push_str(new);
                        n += 1;
                    }
                    out.push(c);
                }
                if n < count {
                    out.push_str(new);
                }
                return Ok(crate::str::from_string(out));
            }
            Ok(crate::str::from_string(text.replacen(
                old,
                new,
                count as usize,
            )))
        }),
        MethodDef::new("upper", |args, kw| {
            Args::new(args, kw).exact("str.upper", 1)?;
            Ok(crate::str::from_string(
                as_str(this(args, "upper")?).to_uppercase(),
            ))
        }),
        MethodDef::new("lower", |args, kw| {
            Args::new(args, kw).exact("str.lower", 1)?;
            Ok(crate::str::from_string(
                as_str(this(args, "lower")?).to_lowercase(),
            ))
        }),
        MethodDef::new("casefold", |args, kw| {
            Args::new(args, kw).exact("str.casefold", 1)?;
            Ok(crate::str::from_string(casefold(as_str(this(
                args, "casefold",
            )?))))
        }),
        MethodDef::new("capitalize", |args, kw| {
            Args::new(args, kw).exact("str.capitalize", 1)?;
            let t: Vec<char> = as_str(this(args, "capitalize")?).chars().collect();
            let out: String = match t.first() {
                Some(&c) => title_char(c)
                    .chain((1..t.len()).flat_map(|i| lower_in_context(&t, i)))
                    .collect(),
                None => String::new(),
            };
            Ok(crate::str::from_string(out))
        }),
        MethodDef::new("title", |args, kw| {
            Args::new(args, kw).exact("str.title", 1)?;
            Ok(crate::str::from_string(title_case(as_str(this(
                args, "title",
            )?))))
        }),
        MethodDef::new("swapcase", |args, kw| {
            Args::new(args, kw).exact("str.swapcase", 1)?;
            let t: Vec<char> = as_str(this(args, "swapcase")?).chars().collect();
            let out: String = (0..t.len())
                .flat_map(|i| -> Vec<char> {
                    let c = t[i];
                    if c.is_uppercase() {
                        lower_in_context(&t, i).collect()
                    } else if c.is_lowercase() {
                        c.to_uppercase().collect()
                    } else {
                        vec![c]
                    }
                })
                .collect();
            Ok(crate::str::from_string(out))
        }),
        MethodDef::new("center", |a, k| pad(a, k, "center", '^')),
        MethodDef::new("ljust", |a, k| pad(a, k, "ljust", '<')),
        MethodDef::new("rjust", |a, k| pad(a, k, "rjust", '>')),
        MethodDef::new("zfill", |args, kw| {
            Args::new(args, kw).exact("str.zfill", 2)?;
            let t = as_str(this(args, "zfill")?);
            let width = int_arg(&args[1])?;
            let n = t.chars().count() as isize;
            if width <= n {
                return Ok(s(t));
            }
            let zeros = (width - n) as usize;
            let mut out = crate::alloc::try_string(t.len().saturating_add(zeros))?;
            let rest = match t.chars().next() {
                Some(c @ ('+' | '-')) => {
                    out.push(c);
                    &t[1..]
                }
                _ => t,
            };
            out.extend(std::iter::repeat_n('0', zeros));
            out.push_str(rest);
            crate::str::try_new(&out)
        }),
        MethodDef::new("isdigit", |a, k| {
            predicate(a, k, "isdigit", |t| {
                !t.is_empty() && t.chars().all(is_digit)
            })
        }),
        MethodDef::new("isdecimal", |a, k| {
            predicate(a, k, "isdecimal", |t| {
                !t.is_empty() && t.chars().all(is_decimal)
            })
        }),
        MethodDef::new("isnumeric", |a, k| {
            predicate(a, k, "isnumeric", |t| {
                !t.is_empty() && t.chars().all(is_numeric)
            })
        }),
        MethodDef::new("isalpha", |a, k| {
            predicate(a, k, "isalpha", |t| {
                !t.is_empty() && t.chars().all(is_alpha)
            })
        }),
        MethodDef::new("isalnum", |a, k| {
            predicate(a, k, "isalnum", |t| {
                !t.is_empty() && t.chars().all(|c| is_alpha(c) || is_numeric(c))
            })
        }),
        MethodDef::new("isspace", |a, k| {
            predicate(a, k, "isspace", |t| {
                !t.is_empty() && t.chars().all(is_py_space)
            })
        }),
        MethodDef::new("isascii", |a, k| predicate(a, k, "isascii", str::is_ascii)),
        MethodDef::new("isprintable", |a, k| {
            predicate(a, k, "isprintable", |t| t.chars().all(is_printable))
        }),
        MethodDef::new("isidentifier", |a, k| {
            predicate(a, k, "isidentifier", is_identifier)
        }),
        MethodDef::new("isupper", |a, k| {
            predicate(a, k, "isupper", |t| {
                t.chars().any(char::is_uppercase) && !t.chars().any(char::is_lowercase)
            })
        }),
        MethodDef::new("islower", |a, k| {
            predicate(a, k, "islower", |t| {
                t.chars().any(char::is_lowercase) && !t.chars().any(is_cased_upper)
            })
        }),
        MethodDef::new("istitle", |a, k| {
            predicate(a, k, "istitle", |t| {
                let mut cased = false;
                let mut prev_cased = false;
                for c in t.chars() {
                    if is_cased_upper(c) {
                        if prev_cased {
                            return false;
                        }
                        prev_cased = true;
                        cased = true;
                    } else if c.is_lowercase() {
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
            })
        }),
        MethodDef::new("partition", |args, kw| {
            partition(args, kw, "partition", false)
        }),
        MethodDef::new("rpartition", |args, kw| {
            partition(args, kw, "rpartition", true)
        }),
        MethodDef::new("removeprefix", |args, kw| {
            Args::new(args, kw).exact("str.removeprefix", 2)?;
            let t = as_str(this(args, "removeprefix")?);
            let p = str_arg(&args[1], "removeprefix() argument").map_err(|_| {
                type_error(format!(
                    "removeprefix() argument must be str, not {}",
                    args[1].ty().name()
                ))
            })?;
            Ok(s(t.strip_prefix(p).unwrap_or(t)))
        }),
        MethodDef::new("removesuffix", |args, kw| {
            Args::new(args, kw).exact("str.removesuffix", 2)?;
            let t = as_str(this(args, "removesuffix")?);
            let p = str_arg(&args[1], "removesuffix() argument").map_err(|_| {
                type_error(format!(
                    "removesuffix() argument must be str, not {}",
                    args[1].ty().name()
                ))
            })?;
            Ok(s(t.strip_suffix(p).unwrap_or(t)))
        }),
        MethodDef::new("expandtabs", |args, kw| {
            let a = Args::new(args, kw);
            let b = a.bind("expandtabs", 1, &["tabsize"], 0)?;
            let size = match b[0] {
                Some(t) => tab_size(t)?,
                None => 8,
            };
            let text = as_str(this(args, "expandtabs")?);
            crate::alloc::check_bytes(expanded_len(text.chars().map(u32::from), size))?;
            crate::str::try_new(&expandtabs(text, size))
        }),
        MethodDef::new("encode", |args, kw| {
            let a = Args::new(args, kw);
            let b = a.bind("encode", 1, &["encoding", "errors"], 0)?;
            let t = this(args, "encode")?;
            let enc = b[0]
                .map(|e| str_arg(e, "encode() argument 'encoding'"))
                .transpose()?
                .unwrap_or("utf-8");
            let errs = b[1]
                .map(|e| str_arg(e, "encode() argument 'errors'"))
                .transpose()?
                .unwrap_or("strict");
            Ok(crate::bytes::new(&crate::bytes::encode(t, enc, errs)?))
        }),
        MethodDef::new("format", crate::format::str_format_method),
        MethodDef::new("format_map", |args, kw| {
            Args::new(args, kw).exact("str.format_map", 2)?;
            crate::format::format_with(as_str(this(args, "format_map")?), &[], Some(&args[1]))
        }),
        MethodDef::new("__format__", crate::format::str_format_spec_method),
        MethodDef::static_("maketrans", maketrans),
        MethodDef::new("translate", |args, kw| {
            Args::new(args, kw).exact("str.translate", 2)?;
            let t = as_str(this(args, "translate")?);
            let table = &args[1];
            let mut out = String::with_capacity(t.len());
            for c in t.chars() {
                match ab::getitem(
                    table,
                    &crate::int::from_i64(i64::from(strand_literal::str::code_point(c))),
                ) {
                    Ok(v) if is_none(&v) => {}
                    Ok(v) if is_str(&v) => out.push_str(as_str(&v)),
                    Ok(v) if crate::int::is_int(&v) => {
                        let code = crate::int::to_isize(&v)?;
                        match u32::try_from(code)
                            .ok()
                            .and_then(strand_literal::str::from_code_point)
                        {
                            Some(ch) => out.push(ch),
                            None => {
                                return Err(value_error(
                                    "character mapping must be in range(0x110000)",
                                ))
                            }
                        }
                    }
                    Ok(_) => {
                        return Err(type_error(
                            "character mapping must return integer, None or str",
                        ))
                    }
                    Err(e) if e.is_instance(&crate::exceptions::LOOKUP_ERROR_TYPE) => out.push(c),
                    Err(e) => return Err(e),
                }
            }
            Ok(crate::str::from_string(out))
        }),
        MethodDef::new("__getnewargs__", |args, kw| {
            Args::new(args, kw).exact("str.__getnewargs__", 1)?;
            Ok(crate::tuple::from_vec(vec![s(as_str(this(
                args,
                "__getnewargs__",
            )?))]))
        }),
        MethodDef::new("__sizeof__", |args, _| {
            Ok(crate::int::from_usize(
                49 + as_str(this(args, "__sizeof__")?).len(),
            ))
        }),
    ]
}

fn partition(args: &[PyObj], kw: Option<&PyObj>, name: &str, reverse: bool) -> PyResult<PyObj> {
    Args::new(args, kw).exact(&format!("str.{name}"), 2)?;
    let t = as_str(this(args, name)?);
    let sep = str_arg(&args[1], "")
        .map_err(|_| type_error(format!("must be str, not {}", args[1].ty().name())))?;
    if sep.is_empty() {
        return Err(value_error("empty separator"));
    }
    let found = if reverse { t.rfind(sep) } else { t.find(sep) };
    let parts = match found {
        Some(i) => [s(&t[..i]), s(sep), s(&t[i + sep.len()..])],
        None if reverse => [s(""), s(""), s(t)],
        None => [s(t), s(""), s("")],
    };
    Ok(crate::tuple::from_vec(parts.into()))
}

fn maketrans(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(args, kw).range("maketrans", 1, 3)?;
    let d = crate::dict::new();
    if args.len() == 1 {
        if !crate::dict::is_dict(&args[0]) {
            return Err(type_error(
                "if you give only one argument to maketrans it must be a dict",
            ));
        }
        for (k, v) in crate::dict::items(&args[0]) {
            let key = if is_str(&k) {
                let mut cs = as_str(&k).chars();
                match (cs.next(), cs.next()) {
                    (Some(c), None) => crate::int::from_i64(c as i64),
                    _ => {
                        return Err(value_error(
                            "string keys in translate table must be of length 1",
                        ))
                    }
                }
            } else if crate::int::is_int(&k) {
                k
            } else {
                return Err(type_error(
                    "keys in translate table must be strings or integers",
                ));
            };
            crate::dict::set_item(&d, key, v)?;
        }
        return Ok(d);
    }
    let (x, y) = (
        str_arg(&args[0], "maketrans")?,
        str_arg(&args[1], "maketrans")?,
    );
    if x.chars().count() != y.chars().count() {
        return Err(value_error(
            "the first two maketrans arguments must have equal length",
        ));
    }
    for (a, b) in x.chars().zip(y.chars()) {
        crate::dict::set_item(
            &d,
            crate::int::from_i64(a as i64),
            crate::int::from_i64(b as i64),
        )?;
    }
    if let Some(z) = args.get(2) {
        for c in str_arg(z, "maketrans")?.chars() {
            crate::dict::set_item(&d, crate::int::from_i64(c as i64), none())?;
        }
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_splits() {
        assert_eq!(split_ws("  a  b c ", -1), vec!["a", "b", "c"]);
        assert_eq!(split_ws("a b c", 1), vec!["a", "b c"]);
        assert_eq!(rsplit_ws("a b c", 1), vec!["a b", "c"]);
        assert_eq!(splitlines("a\r\nb\nc", false), vec!["a", "b", "c"]);
        assert_eq!(splitlines("a\r\nb\n", true), vec!["a\r\n", "b\n"]);
        assert_eq!(expandtabs("a\tb", 4), "a   b");
        assert_eq!(title_case("hello wORLD 3rd"), "Hello World 3Rd");
    }
}
