//! The `unicodedata` module (CPython's Modules/unicodedata.c) at Unicode 14.0.0,
//! CPython 3.11's version: `category`, `bidirectional`, `combining`,
//! `east_asian_width`, `mirrored`, `decomposition`, `decimal`, `digit`, `numeric`,
//! `name`, `lookup`, `normalize`, `is_normalized` and `unidata_version`.
//!
//! The properties come from the `tables` module, generated from Unicode 14.0.0 data by
//! `generate.py` (run with CPython 3.11, whose unicodedata is that version).
//! Normalization (NFC, NFD, NFKC, NFKD) is UAX #15 over those tables: full
//! decomposition (Hangul syllables algorithmically), canonical ordering by
//! combining class, then canonical composition. Character names come from the
//! `unicode_names2` crate, limited to the characters Unicode 14.0.0 assigns.
//!
//! Not provided: `ucd_3_2_0` (the Unicode 3.2 database for IDNA) and named
//! sequences in `lookup`.

mod tables;

use strand_objects::args::Args;
use strand_objects::exceptions::{self as exc, type_error, value_error};
use strand_objects::{float, int, module, str as pystr, PyObj, PyResult};

use strand_interp::native_module::add_functions;

/// `unicodedata.unidata_version`.
pub const UNIDATA_VERSION: &str = "14.0.0";

/// The property record of a code point.
fn record(cp: u32) -> &'static (&'static str, &'static str, &'static str, bool, u8) {
    let i = tables::RUNS.partition_point(|&(start, _)| start <= cp) - 1;
    &tables::RECORDS[usize::from(tables::RUNS[i].1)]
}

/// The general category (`"Lu"`, `"Cn"` for unassigned).
pub fn category(c: char) -> &'static str {
    record(u32::from(c)).0
}

/// The canonical combining class.
pub fn combining(c: char) -> u8 {
    record(u32::from(c)).4
}

fn decomposition_of(cp: u32) -> Option<&'static str> {
    tables::DECOMPOSITIONS
        .binary_search_by_key(&cp, |&(c, _)| c)
        .ok()
        .map(|i| tables::DECOMPOSITIONS[i].1)
}

fn numeric_of(cp: u32) -> Option<(i8, i8, f64)> {
    tables::NUMERIC
        .binary_search_by_key(&cp, |&(c, ..)| c)
        .ok()
        .map(|i| {
            let (_, d, g, n) = tables::NUMERIC[i];
            (d, g, n)
        })
}

// ---------------------------------------------------------------------------------
// Normalization
// ---------------------------------------------------------------------------------

const S_BASE: u32 = 0xAC00;
const L_BASE: u32 = 0x1100;
const V_BASE: u32 = 0x1161;
const T_BASE: u32 = 0x11A7;
const L_COUNT: u32 = 19;
const V_COUNT: u32 = 21;
const T_COUNT: u32 = 28;
const N_COUNT: u32 = V_COUNT * T_COUNT;
const S_COUNT: u32 = L_COUNT * N_COUNT;

fn push_decomposed(c: char, compat: bool, out: &mut Vec<char>) {
    let cp = u32::from(c);
    if (S_BASE..S_BASE + S_COUNT).contains(&cp) {
        let s = cp - S_BASE;
        let l = L_BASE + s / N_COUNT;
        let v = V_BASE + (s % N_COUNT) / T_COUNT;
        let t = T_BASE + s % T_COUNT;
        out.extend([l, v].into_iter().filter_map(char::from_u32));
        if t != T_BASE {
            out.extend(char::from_u32(t));
        }
        return;
    }
    match decomposition_of(cp) {
        Some(d) if !d.starts_with('<') || compat => {
            let body = if d.starts_with('<') {
                d.split_once('>').map_or("", |(_, rest)| rest)
            } else {
                d
            };
            for part in body.split_whitespace() {
                if let Some(ch) = u32::from_str_radix(part, 16).ok().and_then(char::from_u32) {
                    push_decomposed(ch, compat, out);
                }
            }
        }
        _ => out.push(c),
    }
}

/// Full decomposition followed by canonical ordering.
fn decompose(s: &str, compat: bool) -> Vec<char> {
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        push_decomposed(c, compat, &mut out);
    }
    // Canonical ordering: a stable sort of each run of non-starters by class.
    let mut i = 0;
    while i < out.len() {
        if combining(out[i]) == 0 {
            i += 1;
            continue;
        }
        let start = i;
        while i < out.len() && combining(out[i]) != 0 {
            i += 1;
        }
        out[start..i].sort_by_key(|&c| combining(c));
    }
    out
}

fn compose_pair(a: char, b: char) -> Option<char> {
    let (a, b) = (u32::from(a), u32::from(b));
    if (L_BASE..L_BASE + L_COUNT).contains(&a) && (V_BASE..V_BASE + V_COUNT).contains(&b) {
        return char::from_u32(S_BASE + ((a - L_BASE) * V_COUNT + (b - V_BASE)) * T_COUNT);
    }
    if (S_BASE..S_BASE + S_COUNT).contains(&a)
        && (a - S_BASE).is_multiple_of(T_COUNT)
        && (T_BASE + 1..T_BASE + T_COUNT).contains(&b)
    {
        return char::from_u32(a + (b - T_BASE));
    }
    tables::COMPOSITIONS
        .binary_search_by(|&(x, y, _)| (x, y).cmp(&(a, b)))
        .ok()
        .and_then(|i| char::from_u32(tables::COMPOSITIONS[i].2))
}

/// Canonical composition of a decomposed, canonically ordered sequence.
fn compose(chars: Vec<char>) -> Vec<char> {
    let mut out: Vec<char> = Vec::with_capacity(chars.len());
    let mut starter: Option<usize> = None;
    // The class of the last character kept since the starter (None: none kept).
    let mut last: Option<u8> = None;
    for c in chars {
        let cc = combining(c);
        if let Some(si) = starter {
            let blocked = last.is_some_and(|l| l == 0 || l >= cc);
            if !blocked {
                if let Some(comp) = compose_pair(out[si], c) {
                    out[si] = comp;
                    continue;
                }
            }
        }
        if cc == 0 {
            starter = Some(out.len());
            last = None;
        } else {
            last = Some(cc);
        }
        out.push(c);
    }
    out
}

/// `unicodedata.normalize(form, s)` for a valid form.
pub fn normalize(form: &str, s: &str) -> Option<String> {
    let (compat, composed) = match form {
        "NFC" => (false, true),
        "NFKC" => (true, true),
        "NFD" => (false, false),
        "NFKD" => (true, false),
        _ => return None,
    };
    if s.is_ascii() {
        return Some(s.to_string());
    }
    let d = decompose(s, compat);
    let chars = if composed { compose(d) } else { d };
    Some(chars.into_iter().collect())
}

// ---------------------------------------------------------------------------------
// Functions
// ---------------------------------------------------------------------------------

/// The single character argument of a property function (CPython's `int(c)`
/// converter messages).
fn char_arg(a: &[PyObj], k: Option<&PyObj>, fname: &str, max: usize) -> PyResult<char> {
    if max == 1 {
        let qual = format!("unicodedata.{fname}");
        Args::new(a, k).no_kwargs(&qual)?;
        if a.len() != 1 {
            return Err(type_error(format!(
                "{qual}() takes exactly one argument ({} given)",
                a.len()
            )));
        }
    } else {
        Args::new(a, k).expect_fn(fname, 1, max)?;
    }
    let o = &a[0];
    if pystr::is_str(o) {
        let s = pystr::as_str(o);
        let mut it = s.chars();
        if let (Some(c), None) = (it.next(), it.next()) {
            return Ok(c);
        }
    }
    Err(type_error(format!(
        "{fname}() argument{} must be a unicode character, not {}",
        if max > 1 { " 1" } else { "" },
        o.ty().name()
    )))
}

fn u_category(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Ok(pystr::new(category(char_arg(a, k, "category", 1)?)))
}

fn u_bidirectional(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Ok(pystr::new(
        record(u32::from(char_arg(a, k, "bidirectional", 1)?)).1,
    ))
}

fn u_east_asian_width(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Ok(pystr::new(
        record(u32::from(char_arg(a, k, "east_asian_width", 1)?)).2,
    ))
}

fn u_mirrored(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let m = record(u32::from(char_arg(a, k, "mirrored", 1)?)).3;
    Ok(int::from_i64(i64::from(m)))
}

fn u_combining(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Ok(int::from_i64(i64::from(combining(char_arg(
        a,
        k,
        "combining",
        1,
    )?))))
}

fn u_decomposition(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let c = char_arg(a, k, "decomposition", 1)?;
    Ok(pystr::new(decomposition_of(u32::from(c)).unwrap_or("")))
}

fn numeric_fn(
    a: &[PyObj],
    k: Option<&PyObj>,
    fname: &str,
    which: usize,
    msg: &str,
) -> PyResult<PyObj> {
    let c = char_arg(a, k, fname, 2)?;
    let v = numeric_of(u32::from(c)).and_then(|(d, g, n)| match which {
        0 => (d >= 0).then(|| int::from_i64(i64::from(d))),
        1 => (g >= 0).then(|| int::from_i64(i64::from(g))),
        _ => Some(float::from_f64(n)),
    });
    match (v, a.get(1)) {
        (Some(v), _) => Ok(v),
        (None, Some(default)) => Ok(default.clone()),
        (None, None) => Err(value_error(msg)),
    }
}

/// The character's name in Unicode 14.0.0, if it has one.
pub fn name_of(c: char) -> Option<String> {
    if category(c) == "Cn" {
        return None;
    }
    unicode_names2::name(c).map(|n| n.to_string())
}

fn u_name(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let c = char_arg(a, k, "name", 2)?;
    match (name_of(c), a.get(1)) {
        (Some(n), _) => Ok(pystr::from_string(n)),
        (None, Some(default)) => Ok(default.clone()),
        (None, None) => Err(value_error("no such name")),
    }
}

fn u_lookup(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).no_kwargs("unicodedata.lookup")?;
    if a.len() != 1 {
        return Err(type_error(format!(
            "unicodedata.lookup() takes exactly one argument ({} given)",
            a.len()
        )));
    }
    let o = &a[0];
    let name: String = if pystr::is_str(o) {
        let s = pystr::as_str(o);
        if !s.is_ascii() {
            return Err(exc::key_error(pystr::from_string(format!(
                "undefined character name '{s}'"
            ))));
        }
        s.to_string()
    } else if let Some(b) = strand_objects::bytes::as_bytes_opt(o) {
        String::from_utf8_lossy(b).into_owned()
    } else {
        return Err(type_error(format!(
            "a bytes-like object is required, not '{}'",
            o.ty().name()
        )));
    };
    if name.len() > 256 {
        return Err(exc::key_error(pystr::new("name too long")));
    }
    match unicode_names2::character(&name).filter(|&c| category(c) != "Cn") {
        Some(c) => Ok(pystr::from_string(c.to_string())),
        None => Err(exc::key_error(pystr::from_string(format!(
            "undefined character name '{name}'"
        )))),
    }
}

fn form_and_str<'a>(
    a: &'a [PyObj],
    k: Option<&PyObj>,
    fname: &str,
) -> PyResult<(&'a str, &'a str)> {
    Args::new(a, k).expect_fn(fname, 2, 2)?;
    for (i, o) in a.iter().enumerate() {
        if !pystr::is_str(o) {
            return Err(type_error(format!(
                "{fname}() argument {} must be str, not {}",
                i + 1,
                o.ty().name()
            )));
        }
    }
    Ok((pystr::as_str(&a[0]), pystr::as_str(&a[1])))
}

fn u_normalize(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let (form, s) = form_and_str(a, k, "normalize")?;
    match normalize(form, s) {
        Some(n) if n == s => Ok(a[1].clone()),
        Some(n) => Ok(pystr::from_string(n)),
        None => Err(value_error("invalid normalization form")),
    }
}

fn u_is_normalized(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let (form, s) = form_and_str(a, k, "is_normalized")?;
    match normalize(form, s) {
        Some(n) => Ok(int::bool_obj(n == s)),
        None => Err(value_error("invalid normalization form")),
    }
}

/// The `unicodedata` module.
pub fn make_module() -> PyObj {
    let m = module::new_module("unicodedata");
    add_functions(
        &m,
        "unicodedata",
        &[
            ("category", u_category),
            ("bidirectional", u_bidirectional),
            ("east_asian_width", u_east_asian_width),
            ("mirrored", u_mirrored),
            ("combining", u_combining),
            ("decomposition", u_decomposition),
            ("decimal", |a, k| {
                numeric_fn(a, k, "decimal", 0, "not a decimal")
            }),
            ("digit", |a, k| numeric_fn(a, k, "digit", 1, "not a digit")),
            ("numeric", |a, k| {
                numeric_fn(a, k, "numeric", 2, "not a numeric character")
            }),
            ("name", u_name),
            ("lookup", u_lookup),
            ("normalize", u_normalize),
            ("is_normalized", u_is_normalized),
        ],
    );
    crate::modsupport::add_str(&module::module_dict(&m), "unidata_version", UNIDATA_VERSION);
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalization_forms() {
        assert_eq!(normalize("NFD", "é").as_deref(), Some("e\u{301}"));
        assert_eq!(normalize("NFC", "e\u{301}").as_deref(), Some("é"));
        assert_eq!(normalize("NFKC", "ﬁ").as_deref(), Some("fi"));
        assert_eq!(
            normalize("NFD", "한").as_deref(),
            Some("\u{1112}\u{1161}\u{11ab}")
        );
        assert_eq!(
            normalize("NFC", "\u{1112}\u{1161}\u{11ab}").as_deref(),
            Some("한")
        );
        assert_eq!(normalize("NFX", "a"), None);
    }

    #[test]
    fn properties() {
        assert_eq!(category('A'), "Lu");
        assert_eq!(combining('\u{301}'), 230);
        assert_eq!(numeric_of(u32::from('½')).map(|n| n.2), Some(0.5));
    }
}
