//! The `marshal` module (CPython's Python/marshal.c): CPython's serialization format
//! for values, `dumps`/`loads`/`dump`/`load` with format versions 0 to 4.
//!
//! What is written is what CPython writes for the same value, byte for byte, except
//! for back-references: CPython (version 3 and up) flags an object for reuse when its
//! reference count is above one, which depends on its own internals; strand flags
//! strings, tuples, sets, frozensets and big ints that occur more than once in the
//! value being written, so sharing is kept and either implementation reads the
//! other's output. Supported: None, True, False, Ellipsis, StopIteration, int (any
//! size), float, complex, str (with lone surrogates), bytes and bytes-like objects,
//! tuple, list, dict, set, frozenset, and strand's code objects.
//!
//! Code objects are written as CPython's code type byte `c` followed by strand's own
//! compiled form ([`strand_compiler::serial`]: a fingerprint of the bytecode format,
//! the length, a checksum, then the code with its constants and nested code), not
//! CPython's fields: strand's instructions are not CPython's. `loads` gives a code
//! object that behaves as the original (same instructions, tables, constants and
//! `co_*` attributes), after checking it as the bytecode cache does (see
//! `strand_interp::code_cache`, which writes `.pyc` files in this form). Reading
//! CPython's code objects, or another strand build's, raises `ValueError: bad
//! marshal data (code object of another implementation or bytecode version ...)`;
//! a constant that is no compile-time constant (`code.replace(co_consts=...)`) is
//! `ValueError: unmarshallable object`.

use std::collections::HashMap;

use num_bigint::{BigInt, Sign};
use strand_interp::native_module::add_functions;
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::exceptions::{self as exc, type_error, value_error};
use strand_objects::{
    bytes, complex, dict, float, int, list, module, set, singletons, str as pystr, tuple, PyObj,
    PyResult,
};

/// The format version `dumps` writes by default (`marshal.version`).
const VERSION: i64 = 4;
/// The type byte's flag: the object is remembered for back-references.
const FLAG_REF: u8 = 0x80;
/// The deepest nesting written or read (CPython's `MAX_MARSHAL_STACK_DEPTH`).
const MAX_DEPTH: usize = 2000;

// ---------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------

struct Writer {
    out: Vec<u8>,
    version: i64,
    /// Objects occurring more than once in the value (by address): written once
    /// with FLAG_REF, then as references.
    shared: HashMap<usize, Option<u32>>,
    next_ref: u32,
    depth: usize,
}

/// Counts the occurrences of each container and string, to know which to flag.
fn count_occurrences(v: &PyObj, seen: &mut HashMap<usize, u32>, depth: usize) -> PyResult<()> {
    if depth > MAX_DEPTH {
        return Err(value_error("object too deeply nested to marshal"));
    }
    let n = seen.entry(v.addr()).or_insert(0);
    *n += 1;
    if *n > 1 {
        return Ok(());
    }
    if tuple::is_tuple(v) {
        for x in tuple::items(v) {
            count_occurrences(x, seen, depth + 1)?;
        }
    } else if list::is_list(v) {
        for x in list::to_vec(v) {
            count_occurrences(&x, seen, depth + 1)?;
        }
    } else if dict::is_dict(v) {
        for (k, x) in dict::items(v) {
            count_occurrences(&k, seen, depth + 1)?;
            count_occurrences(&x, seen, depth + 1)?;
        }
    } else if set::is_set(v) {
        for x in set::items(v) {
            count_occurrences(&x, seen, depth + 1)?;
        }
    }
    Ok(())
}

impl Writer {
    fn byte(&mut self, b: u8) {
        self.out.push(b);
    }

    fn long(&mut self, x: i32) {
        self.out.extend_from_slice(&x.to_le_bytes());
    }

    fn size(&mut self, n: usize) -> PyResult<()> {
        let n = i32::try_from(n).map_err(|_| value_error("unmarshallable object"))?;
        self.long(n);
        Ok(())
    }

    /// Writes the type byte, flagged (and registered) when `v` is shared; returns
    /// `false` if a back-reference was written instead.
    fn header(&mut self, code: u8, v: &PyObj) -> bool {
        if self.version >= 3 {
            if let Some(slot) = self.shared.get_mut(&v.addr()) {
                if let Some(idx) = *slot {
                    self.byte(b'r');
                    self.long(idx as i32);
                    return false;
                }
                *slot = Some(self.next_ref);
                self.next_ref += 1;
                self.byte(code | FLAG_REF);
                return true;
            }
        }
        self.byte(code);
        true
    }

    fn float_bits(&mut self, f: f64) {
        self.out.extend_from_slice(&f.to_le_bytes());
    }

    /// A float as version 0 and 1 write it: its `repr`, length-prefixed by a byte.
    fn float_text(&mut self, f: f64) {
        let s = strand_literal::float::repr_f64(f);
        self.byte(s.len() as u8);
        self.out.extend_from_slice(s.as_bytes());
    }

    fn object(&mut self, v: &PyObj) -> PyResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(value_error("object too deeply nested to marshal"));
        }
        let r = self.object_inner(v);
        self.depth -= 1;
        r
    }

    fn object_inner(&mut self, v: &PyObj) -> PyResult<()> {
        if singletons::is_none(v) {
            self.byte(b'N');
        } else if v.is(&singletons::true_()) {
            self.byte(b'T');
        } else if v.is(&singletons::false_()) {
            self.byte(b'F');
        } else if v.is(&singletons::ellipsis()) {
            self.byte(b'.');
        } else if v.is(&exc::STOP_ITERATION_TYPE.to_obj()) {
            self.byte(b'S');
        } else if v.is_exact(&int::INT_TYPE) {
            let b = int::to_bigint(v);
            match i32::try_from(&b) {
                Ok(x) => {
                    self.byte(b'i');
                    self.long(x);
                }
                Err(_) => {
                    if !self.header(b'l', v) {
                        return Ok(());
                    }
                    self.big(&b)?;
                }
            }
        } else if v.is_exact(&float::FLOAT_TYPE) {
            let f = float::as_f64_exact_float(v).unwrap_or(0.0);
            if self.version > 1 {
                self.byte(b'g');
                self.float_bits(f);
            } else {
                self.byte(b'f');
                self.float_text(f);
            }
        } else if v.is_exact(&complex::COMPLEX_TYPE) {
            let (re, im) = complex::parts(v);
            if self.version > 1 {
                self.byte(b'y');
                self.float_bits(re);
                self.float_bits(im);
            } else {
                self.byte(b'x');
                self.float_text(re);
                self.float_text(im);
            }
        } else if v.is_exact(&pystr::STR_TYPE) {
            let s = pystr::as_str(v);
            let ascii = s.is_ascii();
            if self.version >= 4 && ascii {
                let short = s.len() < 256;
                let code = match short {
                    true => b'z',
                    false => b'a',
                };
                if !self.header(code, v) {
                    return Ok(());
                }
                if short {
                    self.byte(s.len() as u8);
                } else {
                    self.size(s.len())?;
                }
                self.out.extend_from_slice(s.as_bytes());
            } else {
                if !self.header(b'u', v) {
                    return Ok(());
                }
                let encoded = ab::call_method(
                    v,
                    "encode",
                    &[pystr::new("utf-8"), pystr::new("surrogatepass")],
                )?;
                let data = bytes::as_bytes(&encoded);
                self.size(data.len())?;
                self.out.extend_from_slice(data);
            }
        } else if tuple::is_tuple(v) && v.is_exact(&tuple::TUPLE_TYPE) {
            let items = tuple::items(v);
            let small = self.version >= 4 && items.len() < 256;
            if !self.header(if small { b')' } else { b'(' }, v) {
                return Ok(());
            }
            if small {
                self.byte(items.len() as u8);
            } else {
                self.size(items.len())?;
            }
            for x in items {
                self.object(x)?;
            }
        } else if v.is_exact(&list::LIST_TYPE) {
            if !self.header(b'[', v) {
                return Ok(());
            }
            let items = list::to_vec(v);
            self.size(items.len())?;
            for x in &items {
                self.object(x)?;
            }
        } else if v.is_exact(&dict::DICT_TYPE) {
            if !self.header(b'{', v) {
                return Ok(());
            }
            for (k, x) in dict::items(v) {
                self.object(&k)?;
                self.object(&x)?;
            }
            self.byte(b'0');
        } else if v.is_exact(&set::SET_TYPE) || v.is_exact(&set::FROZENSET_TYPE) {
            let code = if v.is_exact(&set::SET_TYPE) {
                b'<'
            } else {
                b'>'
            };
            if !self.header(code, v) {
                return Ok(());
            }
            let items = set::items(v);
            self.size(items.len())?;
            for x in &items {
                self.object(x)?;
            }
        } else if strand_interp::code::is_code(v) {
            // strand's code: CPython's code type byte, then strand's serialized
            // compiled code (`strand_compiler::serial`).
            let payload = strand_interp::code_cache::marshal_payload(v)?;
            if !self.header(strand_interp::code_cache::TYPE_CODE, v) {
                return Ok(());
            }
            self.out.extend_from_slice(&payload);
        } else if let Ok(data) = crate::buffer::bytes_like(v) {
            if !self.header(b's', v) {
                return Ok(());
            }
            self.size(data.len())?;
            self.out.extend_from_slice(&data);
        } else {
            return Err(value_error("unmarshallable object"));
        }
        Ok(())
    }

    /// A big int in CPython's format: signed count of 15-bit digits, then the
    /// digits, least significant first.
    fn big(&mut self, b: &BigInt) -> PyResult<()> {
        let (sign, mag) = b.to_u64_digits();
        let mut digits: Vec<u16> = Vec::new();
        let mut acc: u128 = 0;
        let mut bits: u32 = 0;
        for d in mag {
            acc |= u128::from(d) << bits;
            bits += 64;
            while bits >= 15 {
                digits.push((acc & 0x7fff) as u16);
                acc >>= 15;
                bits -= 15;
            }
        }
        while bits > 0 {
            digits.push((acc & 0x7fff) as u16);
            acc >>= 15;
            bits = bits.saturating_sub(15);
        }
        while digits.last() == Some(&0) {
            digits.pop();
        }
        let n = i32::try_from(digits.len()).map_err(|_| value_error("unmarshallable object"))?;
        self.long(if sign == Sign::Minus { -n } else { n });
        for d in digits {
            self.out.extend_from_slice(&d.to_le_bytes());
        }
        Ok(())
    }
}

fn dumps_value(v: &PyObj, version: i64) -> PyResult<Vec<u8>> {
    let mut counts = HashMap::new();
    if version >= 3 {
        count_occurrences(v, &mut counts, 0)?;
    }
    let mut w = Writer {
        out: Vec::new(),
        version,
        shared: counts
            .into_iter()
            .filter(|&(_, n)| n > 1)
            .map(|(a, _)| (a, None))
            .collect(),
        next_ref: 0,
        depth: 0,
    };
    w.object(v)?;
    Ok(w.out)
}

// ---------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------

struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    refs: Vec<Option<PyObj>>,
    depth: usize,
}

fn eof() -> exc::PyErr {
    exc::eof_error("marshal data too short")
}

fn bad(what: &str) -> exc::PyErr {
    value_error(format!("bad marshal data ({what})"))
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> PyResult<&[u8]> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.data.len());
        let end = end.ok_or_else(eof)?;
        let s = &self.data[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn byte(&mut self) -> PyResult<u8> {
        Ok(self.take(1)?[0])
    }

    fn long(&mut self) -> PyResult<i32> {
        let b = self.take(4)?;
        Ok(i32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn size(&mut self) -> PyResult<usize> {
        let n = self.long()?;
        usize::try_from(n).map_err(|_| bad("size out of range"))
    }

    fn float_bits(&mut self) -> PyResult<f64> {
        let b = self.take(8)?;
        Ok(f64::from_le_bytes(b.try_into().expect("8 bytes")))
    }

    fn float_text(&mut self) -> PyResult<f64> {
        let n = self.byte()? as usize;
        let s = std::str::from_utf8(self.take(n)?).map_err(|_| bad("float"))?;
        let f = ab::call(&float::FLOAT_TYPE.to_obj(), &[pystr::new(s)], None)?;
        Ok(float::as_f64_exact_float(&f).unwrap_or(0.0))
    }

    fn object(&mut self) -> PyResult<PyObj> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(value_error("recursion limit exceeded"));
        }
        let r = self.object_inner();
        self.depth -= 1;
        r
    }

    /// Reserves a reference slot when the type byte is flagged.
    fn reserve(&mut self, flag: bool) -> Option<usize> {
        flag.then(|| {
            self.refs.push(None);
            self.refs.len() - 1
        })
    }

    fn fill(&mut self, slot: Option<usize>, v: PyObj) -> PyObj {
        if let Some(i) = slot {
            self.refs[i] = Some(v.clone());
        }
        v
    }

    fn object_inner(&mut self) -> PyResult<PyObj> {
        if self.pos >= self.data.len() {
            return Err(exc::eof_error("EOF read where object expected"));
        }
        let code = self.byte()?;
        let flag = code & FLAG_REF != 0;
        let code = code & !FLAG_REF;
        let slot = self.reserve(flag);
        let v = match code {
            b'0' => return Err(bad("NULL object")),
            b'N' => singletons::none(),
            b'T' => singletons::true_(),
            b'F' => singletons::false_(),
            b'.' => singletons::ellipsis(),
            b'S' => exc::STOP_ITERATION_TYPE.to_obj(),
            b'i' => int::from_i64(i64::from(self.long()?)),
            b'l' => {
                let n = self.long()?;
                let count = n.unsigned_abs() as usize;
                let mut mag = BigInt::from(0);
                let raw = self.take(count.checked_mul(2).ok_or_else(eof)?)?.to_vec();
                for (i, d) in raw.chunks(2).enumerate() {
                    let d = u16::from_le_bytes([d[0], d[1]]);
                    if d > 0x7fff {
                        return Err(bad("digit out of range in long"));
                    }
                    mag += BigInt::from(d) << (15 * i);
                }
                int::from_bigint(if n < 0 { -mag } else { mag })
            }
            b'g' => float::from_f64(self.float_bits()?),
            b'f' => float::from_f64(self.float_text()?),
            b'y' => {
                let re = self.float_bits()?;
                let im = self.float_bits()?;
                complex::from_parts(re, im)
            }
            b'x' => {
                let re = self.float_text()?;
                let im = self.float_text()?;
                complex::from_parts(re, im)
            }
            b's' => {
                let n = self.size()?;
                bytes::new(self.take(n)?)
            }
            b'u' | b't' => {
                let n = self.size()?;
                let raw = bytes::new(self.take(n)?);
                let s = ab::call_method(
                    &raw,
                    "decode",
                    &[pystr::new("utf-8"), pystr::new("surrogatepass")],
                )?;
                if code == b't' {
                    pystr::intern(pystr::as_str(&s))
                } else {
                    s
                }
            }
            b'a' | b'A' | b'z' | b'Z' => {
                let n = if code == b'z' || code == b'Z' {
                    self.byte()? as usize
                } else {
                    self.size()?
                };
                let raw = self.take(n)?;
                if !raw.is_ascii() {
                    return Err(bad("non-ASCII in ASCII string"));
                }
                let s = std::str::from_utf8(raw).expect("ascii");
                if code == b'A' || code == b'Z' {
                    pystr::intern(s)
                } else {
                    pystr::new(s)
                }
            }
            b'(' | b')' => {
                let n = if code == b')' {
                    self.byte()? as usize
                } else {
                    self.size()?
                };
                let mut items = Vec::with_capacity(n.min(1 << 16));
                for _ in 0..n {
                    items.push(self.object()?);
                }
                tuple::from_vec(items)
            }
            b'[' => {
                let n = self.size()?;
                let l = self.fill(slot, list::new(Vec::new()));
                for _ in 0..n {
                    list::append(&l, self.object()?)?;
                }
                return Ok(l);
            }
            b'{' => {
                let d = self.fill(slot, dict::new());
                loop {
                    if self.data.get(self.pos) == Some(&b'0') {
                        self.pos += 1;
                        break;
                    }
                    let k = self.object()?;
                    let x = self.object()?;
                    dict::set_item(&d, k, x)?;
                }
                return Ok(d);
            }
            b'<' => {
                let n = self.size()?;
                let s = self.fill(slot, set::new_set());
                for _ in 0..n {
                    set::add(&s, self.object()?)?;
                }
                return Ok(s);
            }
            b'>' => {
                let n = self.size()?;
                let mut items = Vec::with_capacity(n.min(1 << 16));
                for _ in 0..n {
                    items.push(self.object()?);
                }
                set::new_frozenset(items)?
            }
            b'r' => {
                let i = usize::try_from(self.long()?).map_err(|_| bad("invalid reference"))?;
                return self
                    .refs
                    .get(i)
                    .cloned()
                    .flatten()
                    .ok_or_else(|| bad("invalid reference"));
            }
            strand_interp::code_cache::TYPE_CODE => {
                let (code, used) =
                    strand_interp::code_cache::unmarshal_payload(&self.data[self.pos..])?;
                self.pos += used;
                code
            }
            _ => return Err(bad("unknown type code")),
        };
        Ok(self.fill(slot, v))
    }
}

fn loads_value(data: &[u8]) -> PyResult<(PyObj, usize)> {
    let mut r = Reader {
        data,
        pos: 0,
        refs: Vec::new(),
        depth: 0,
    };
    let v = r.object()?;
    Ok((v, r.pos))
}

// ---------------------------------------------------------------------------------
// The module
// ---------------------------------------------------------------------------------

fn version_arg(v: Option<&PyObj>) -> PyResult<i64> {
    match v {
        None => Ok(VERSION),
        Some(v) => int::as_i64(v).ok_or_else(|| type_error("an integer is required")),
    }
}

fn dumps(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("dumps", 0, &["value", "version"], 1)?;
    let data = dumps_value(b[0].expect("required"), version_arg(b[1])?)?;
    Ok(bytes::new(&data))
}

fn dump(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("dump", 0, &["value", "file", "version"], 2)?;
    let data = dumps_value(b[0].expect("required"), version_arg(b[2])?)?;
    ab::call_method(b[1].expect("required"), "write", &[bytes::new(&data)])?;
    Ok(singletons::none())
}

fn loads(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("loads", 0, &["bytes"], 1)?;
    let data = crate::buffer::bytes_like(b[0].expect("required"))?;
    Ok(loads_value(&data)?.0)
}

/// `marshal.load(file)`: reads the whole rest of the file, decodes one value and
/// seeks back to just after it when the file can seek (CPython reads what it needs).
fn load(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("load", 0, &["file"], 1)?;
    let f = b[0].expect("required");
    let start = ab::call_method(f, "tell", &[]).ok();
    let raw = ab::call_method(f, "read", &[])?;
    let data = crate::buffer::bytes_like(&raw)?;
    if data.is_empty() {
        return Err(exc::eof_error("EOF read where object expected"));
    }
    let (v, used) = loads_value(&data)?;
    if let Some(start) = start {
        let at = ab::binary_op(&start, &int::from_usize(used), ab::BinOp::Add)?;
        ab::call_method(f, "seek", &[at])?;
    }
    Ok(v)
}

/// The `marshal` module.
pub fn make_module() -> PyObj {
    let m = module::new_native_module("marshal");
    add_functions(
        &m,
        "marshal",
        &[
            ("dumps", dumps),
            ("dump", dump),
            ("loads", loads),
            ("load", load),
        ],
    );
    dict::set_item_str(&module::module_dict(&m), "version", int::from_i64(VERSION));
    m
}
