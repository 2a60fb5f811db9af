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
//! `ucd_3_2_0` is a `unicodedata.UCD` object with the same methods over Unicode
//! 3.2.0 (generated the same way into `tables_3_2`), which IDNA's `stringprep`
//! uses. Not provided: named sequences in `lookup`.

mod tables;
mod tables_3_2;

use strand_objects::args::Args;
use strand_objects::exceptions::{self as exc, type_error, value_error};
use strand_objects::{float, int, module, str as pystr, PyObj, PyResult};

use strand_interp::native_module::add_functions;

/// `unicodedata.unidata_version`.
pub const UNIDATA_VERSION: &str = "14.0.0";

/// One version of the Unicode database: its generated tables.
pub struct Db {
    version: &'static str,
    records: &'static [(&'static str, &'static str, &'static str, bool, u8)],
    runs: &'static [(u32, u16)],
    decompositions: &'static [(u32, &'static str)],
    numeric: &'static [(u32, i8, i8, f64)],
    compositions: &'static [(u32, u32, u32)],
}

/// Unicode 14.0.0, the module's own version.
pub static DB: Db = Db {
    version: UNIDATA_VERSION,
    records: tables::RECORDS,
    runs: tables::RUNS,
    decompositions: tables::DECOMPOSITIONS,
    numeric: tables::NUMERIC,
    compositions: tables::COMPOSITIONS,
};

/// Unicode 3.2.0, `unicodedata.ucd_3_2_0`.
pub static DB_3_2: Db = Db {
    version: "3.2.0",
    records: tables_3_2::RECORDS,
    runs: tables_3_2::RUNS,
    decompositions: tables_3_2::DECOMPOSITIONS,
    numeric: tables_3_2::NUMERIC,
    compositions: tables_3_2::COMPOSITIONS,
};

impl Db {
    /// The property record of a code point.
    fn record(&self, cp: u32) -> &'static (&'static str, &'static str, &'static str, bool, u8) {
        let i = self.runs.partition_point(|&(start, _)| start <= cp) - 1;
        &self.records[usize::from(self.runs[i].1)]
    }

    fn decomposition_of(&self, cp: u32) -> Option<&'static str> {
        self.decompositions
            .binary_search_by_key(&cp, |&(c, _)| c)
            .ok()
            .map(|i| self.decompositions[i].1)
    }

    fn numeric_of(&self, cp: u32) -> Option<(i8, i8, f64)> {
        self.numeric
            .binary_search_by_key(&cp, |&(c, ..)| c)
            .ok()
            .map(|i| {
                let (_, d, g, n) = self.numeric[i];
                (d, g, n)
            })
    }

    fn combining(&self, c: char) -> u8 {
        self.record(strand_literal::str::code_point(c)).4
    }
}

/// The general category (`"Lu"`, `"Cn"` for unassigned), Unicode 14.0.0.
pub fn category(c: char) -> &'static str {
    DB.record(strand_literal::str::code_point(c)).0
}

/// The canonical combining class, Unicode 14.0.0.
pub fn combining(c: char) -> u8 {
    DB.combining(c)
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

fn push_decomposed(db: &Db, c: char, compat: bool, out: &mut Vec<char>) {
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
    match db.decomposition_of(cp) {
        Some(d) if !d.starts_with('<') || compat => {
            let body = if d.starts_with('<') {
                d.split_once('>').map_or("", |(_, rest)| rest)
            } else {
                d
            };
            for part in body.split_whitespace() {
                if let Some(ch) = u32::from_str_radix(part, 16).ok().and_then(char::from_u32) {
                    push_decomposed(db, ch, compat, out);
                }
            }
        }
        _ => out.push(c),
    }
}

/// Full decomposition followed by canonical ordering.
fn decompose(db: &Db, s: &str, compat: bool) -> Vec<char> {
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        push_decomposed(db, c, compat, &mut out);
    }
    // Canonical ordering: a stable sort of each run of non-starters by class.
    let mut i = 0;
    while i < out.len() {
        if db.combining(out[i]) == 0 {
            i += 1;
            continue;
        }
        let start = i;
        while i < out.len() && db.combining(out[i]) != 0 {
            i += 1;
        }
        out[start..i].sort_by_key(|&c| db.combining(c));
    }
    out
}

fn compose_pair(db: &Db, a: char, b: char) -> Option<char> {
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
    db.compositions
        .binary_search_by(|&(x, y, _)| (x, y).cmp(&(a, b)))
        .ok()
        .and_then(|i| char::from_u32(db.compositions[i].2))
}

/// Canonical composition of a decomposed, canonically ordered sequence.
fn compose(db: &Db, chars: Vec<char>) -> Vec<char> {
    let mut out: Vec<char> = Vec::with_capacity(chars.len());
    let mut starter: Option<usize> = None;
    // The class of the last character kept since the starter (None: none kept).
    let mut last: Option<u8> = None;
    for c in chars {
        let cc = db.combining(c);
        if let Some(si) = starter {
            let blocked = last.is_some_and(|l| l == 0 || l >= cc);
            if !blocked {
                if let Some(comp) = compose_pair(db, out[si], c) {
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

/// `unicodedata.normalize(form, s)` for a valid form, Unicode 14.0.0.
pub fn normalize(form: &str, s: &str) -> Option<String> {
    normalize_in(&DB, form, s)
}

fn normalize_in(db: &Db, form: &str, s: &str) -> Option<String> {
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
    let d = decompose(db, s, compat);
    let chars = if composed { compose(db, d) } else { d };
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

fn u_category(db: &Db, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let c = char_arg(a, k, "category", 1)?;
    Ok(pystr::new(db.record(strand_literal::str::code_point(c)).0))
}

fn u_bidirectional(db: &Db, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let c = char_arg(a, k, "bidirectional", 1)?;
    Ok(pystr::new(db.record(strand_literal::str::code_point(c)).1))
}

fn u_east_asian_width(db: &Db, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let c = char_arg(a, k, "east_asian_width", 1)?;
    Ok(pystr::new(db.record(strand_literal::str::code_point(c)).2))
}

fn u_mirrored(db: &Db, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let c = char_arg(a, k, "mirrored", 1)?;
    Ok(int::from_i64(i64::from(
        db.record(strand_literal::str::code_point(c)).3,
    )))
}

fn u_combining(db: &Db, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let c = char_arg(a, k, "combining", 1)?;
    Ok(int::from_i64(i64::from(db.combining(c))))
}

fn u_decomposition(db: &Db, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let c = char_arg(a, k, "decomposition", 1)?;
    Ok(pystr::new(db.decomposition_of(u32::from(c)).unwrap_or("")))
}

fn numeric_fn(
    db: &Db,
    a: &[PyObj],
    k: Option<&PyObj>,
    fname: &str,
    which: usize,
    msg: &str,
) -> PyResult<PyObj> {
    let c = char_arg(a, k, fname, 2)?;
    let v = db
        .numeric_of(u32::from(c))
        .and_then(|(d, g, n)| match which {
            0 => (d >= 0).then(|| int::from_i64(i64::from(d))),
            1 => (g >= 0).then(|| int::from_i64(i64::from(g))),
            _ => (!n.is_nan()).then(|| float::from_f64(n)),
        });
    match (v, a.get(1)) {
        (Some(v), _) => Ok(v),
        (None, Some(default)) => Ok(default.clone()),
        (None, None) => Err(value_error(msg)),
    }
}

/// The character's name in Unicode 14.0.0, if it has one.
pub fn name_of(c: char) -> Option<String> {
    name_in(&DB, c)
}

fn name_in(db: &Db, c: char) -> Option<String> {
    if db.record(strand_literal::str::code_point(c)).0 == "Cn" {
        return None;
    }
    unicode_names2::name(c).map(|n| n.to_string())
}

fn u_name(db: &Db, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let c = char_arg(a, k, "name", 2)?;
    match (name_in(db, c), a.get(1)) {
        (Some(n), _) => Ok(pystr::from_string(n)),
        (None, Some(default)) => Ok(default.clone()),
        (None, None) => Err(value_error("no such name")),
    }
}

fn u_lookup(db: &Db, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
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
    match unicode_names2::character(&name)
        .filter(|&c| db.record(strand_literal::str::code_point(c)).0 != "Cn")
    {
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

fn u_normalize(db: &Db, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let (form, s) = form_and_str(a, k, "normalize")?;
    match normalize_in(db, form, s) {
        Some(n) if n == s => Ok(a[1].clone()),
        Some(n) => Ok(pystr::from_string(n)),
        None => Err(value_error("invalid normalization form")),
    }
}

fn u_is_normalized(db: &Db, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let (form, s) = form_and_str(a, k, "is_normalized")?;
    match normalize_in(db, form, s) {
        Some(n) => Ok(int::bool_obj(n == s)),
        None => Err(value_error("invalid normalization form")),
    }
}

type DbFn = fn(&Db, &[PyObj], Option<&PyObj>) -> PyResult<PyObj>;

/// Every function of the module, by name, over a database.
const FUNCTIONS: &[(&str, DbFn)] = &[
    ("category", u_category),
    ("bidirectional", u_bidirectional),
    ("east_asian_width", u_east_asian_width),
    ("mirrored", u_mirrored),
    ("combining", u_combining),
    ("decomposition", u_decomposition),
    ("decimal", |db, a, k| {
        numeric_fn(db, a, k, "decimal", 0, "not a decimal")
    }),
    ("digit", |db, a, k| {
        numeric_fn(db, a, k, "digit", 1, "not a digit")
    }),
    ("numeric", |db, a, k| {
        numeric_fn(db, a, k, "numeric", 2, "not a numeric character")
    }),
    ("name", u_name),
    ("lookup", u_lookup),
    ("normalize", u_normalize),
    ("is_normalized", u_is_normalized),
];

/// The layout of `unicodedata.UCD`: which database it reads.
#[repr(C)]
pub struct PyUcd {
    header: strand_heap::ObjectHeader,
    db: &'static Db,
}

unsafe fn ucd_dealloc(obj: strand_heap::ObjPtr) {
    // SAFETY: count zero, exclusive; nothing to drop besides the memory.
    unsafe { strand_objects::heaptype::dealloc_instance_memory(obj) };
}

strand_objects::builtin_type! {
    /// `unicodedata.UCD`.
    pub static UCD_TYPE = {
        name: "unicodedata.UCD",
        layout: PyUcd,
        itemsize: 0,
        kind: strand_heap::HeapKind::NonGc,
        flags: strand_objects::typeobj::TypeFlags::empty(),
        traverse: None,
        clear: None,
        dealloc: ucd_dealloc,
        size: None,
        slots: strand_objects::typeobj::Slots {
            new: Some(|_, _, _| Err(type_error("cannot create 'unicodedata.UCD' instances"))),
            ..strand_objects::typeobj::Slots::EMPTY
        },
    }
}

fn ucd_db(o: &PyObj) -> PyResult<&'static Db> {
    if !o.is_exact(&UCD_TYPE) {
        return Err(type_error("descriptor requires a 'unicodedata.UCD' object"));
    }
    // SAFETY: checked to be a UCD object.
    Ok(unsafe { o.payload_unchecked::<PyUcd>() }.db)
}

/// Calls the function named `name` of [`FUNCTIONS`] for a UCD method.
fn ucd_call(name: &str, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let db = ucd_db(&a[0])?;
    let f = FUNCTIONS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, f)| *f)
        .ok_or_else(|| type_error("no such method"))?;
    f(db, &a[1..], k)
}

macro_rules! db_fns {
    ($($name:literal),*) => {
        (
            [$(($name, (|a: &[PyObj], k: Option<&PyObj>| ucd_call($name, a, k)) as strand_objects::descr::NativeFn)),*],
            [$(($name, (|a: &[PyObj], k: Option<&PyObj>| {
                let f = FUNCTIONS.iter().find(|(n, _)| *n == $name).map(|(_, f)| *f).expect("listed");
                f(&DB, a, k)
            }) as strand_objects::descr::NativeFn)),*],
        )
    };
}

/// The `unicodedata` module.
pub fn make_module() -> PyObj {
    let (methods, functions) = db_fns!(
        "category",
        "bidirectional",
        "east_asian_width",
        "mirrored",
        "combining",
        "decomposition",
        "decimal",
        "digit",
        "numeric",
        "name",
        "lookup",
        "normalize",
        "is_normalized"
    );
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        let defs: Vec<strand_objects::descr::MethodDef> = methods
            .iter()
            .map(|&(n, f)| strand_objects::descr::MethodDef::new(n, f))
            .collect();
        UCD_TYPE.ready_static(
            Some(&strand_objects::baseobject::OBJECT_TYPE),
            &defs,
            &[strand_objects::descr::GetSetDef::new(
                "unidata_version",
                |o| Ok(pystr::new(ucd_db(o)?.version)),
                None,
            )],
        );
    });
    let m = module::new_native_module("unicodedata");
    add_functions(&m, "unicodedata", &functions);
    let d = module::module_dict(&m);
    crate::modsupport::add_str(&d, "unidata_version", UNIDATA_VERSION);
    let ucd = strand_objects::alloc::alloc_instance(&UCD_TYPE, UCD_TYPE.basicsize());
    // SAFETY: a fresh allocation with the PyUcd layout, written before it is
    // finished.
    unsafe {
        let p = ucd.as_ptr().as_ptr() as *mut PyUcd;
        std::ptr::addr_of_mut!((*p).db).write(&DB_3_2);
        strand_objects::alloc::finish_instance(&UCD_TYPE, &ucd);
    }
    strand_objects::dict::set_item_str(&d, "ucd_3_2_0", ucd);
    strand_objects::dict::set_item_str(&d, "UCD", UCD_TYPE.to_obj());
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
        assert_eq!(DB.numeric_of(u32::from('½')).map(|n| n.2), Some(0.5));
        assert_eq!(DB_3_2.record(0x1f600).0, "Cn");
    }
}
