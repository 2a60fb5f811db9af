//! strand's compiled-code format: a [`CodeObject`] (with its nested code objects and
//! constants) to bytes and back, for the bytecode cache (`__pycache__/*.pyc`) and
//! `marshal.dumps`/`loads` of code objects.
//!
//! # Layout
//! All integers are little-endian.
//!
//! ```text
//! fingerprint  u32   format and bytecode identity (`fingerprint()`)
//! body_len     u32   length of the body in bytes
//! checksum     u64   `checksum(body)`
//! body               the top code object
//! ```
//!
//! In the body, `uv` is an unsigned LEB128 varint (at most 32 bits where a `u32` is
//! meant), a string is `uv length` + UTF-8 bytes (strand keeps a lone surrogate in a
//! `str` constant as a private stand-in character, `strand_literal::str::
//! surrogate_char`, so constants are always valid UTF-8), and a sequence is
//! `uv count` + its items. A code object is: name, qualname, filename; first line,
//! argument counts, flags (`uv` each); the code units (`uv count` + `u16` each); the
//! line table runs (`uv` first unit, line, end line, column, end column); the
//! exception entries (`uv` start, end, target, depth, then a byte for `lasti`); the
//! constants; names, varnames, cellvars, freevars; `uv max_stack`. A constant is a tag
//! byte ([`Tag`]) and its payload: ints that fit an `i64` as a zigzag varint, others
//! as a sign byte and the magnitude's little-endian bytes; floats and complex numbers
//! as their IEEE bits; str and bytes length-prefixed; tuples, frozensets (items in
//! source order) and nested code objects recursively.
//!
//! # Reading untrusted bytes
//! [`deserialize`] never panics and allocates at most a small multiple of its input:
//! every length is checked against the bytes that remain before anything is
//! allocated, nesting is limited to [`MAX_DEPTH`], and the checksum rejects
//! accidental corruption (truncated or partly overwritten cache files) before the body
//! is parsed. The decoded code is then [`validate`]d: the compiler's
//! [`verify`](crate::verify) (instructions decode, jump targets are instruction
//! boundaries, stack depths agree and stay within `max_stack`) and the operand
//! invariants the interpreter's
//! unchecked fast paths rely on (constant, name and local indices in range, locals
//! and cells used as such, closures matching the free variables of the code they are
//! made for, only the generic instructions the compiler emits, zeroed inline caches).
//! As with CPython's `marshal`, bytes deliberately crafted to pass these checks while
//! breaking the compiler's other conventions are not a supported input.

use std::fmt;
use std::sync::OnceLock;

use num_bigint::{BigInt, Sign};

use crate::bytecode::{self, ExceptionEntry, LineTable, Location, Op};
use crate::code::{flags, CodeObject, Constant};
use crate::codegen::verify_depths;

/// The version of this layout; part of the [`fingerprint`]. Bump it on any change to
/// what is written.
pub const FORMAT_VERSION: u32 = 1;

/// The deepest nesting of constants and code objects read or written (CPython's
/// `MAX_MARSHAL_STACK_DEPTH`).
pub const MAX_DEPTH: usize = 2000;

/// The largest `max_stack` (and count argument) accepted when reading: frames are
/// allocated with `max_stack` slots, so a corrupt value must not ask for gigabytes.
/// Code needing more has a single expression with over a million operands.
pub const MAX_STACK: u32 = 1 << 20;

/// Bytes before the body: fingerprint, body length, checksum.
pub const HEADER_LEN: usize = 16;

/// The constant tags of the body.
#[repr(u8)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tag {
    /// `None`.
    None = 0,
    /// `False`.
    False = 1,
    /// `True`.
    True = 2,
    /// `...`.
    Ellipsis = 3,
    /// An int that fits an `i64` (zigzag varint).
    SmallInt = 4,
    /// Any other int: sign byte (0 plus, 1 minus), `uv` length, magnitude bytes.
    BigInt = 5,
    /// A float's bits (`u64`).
    Float = 6,
    /// A complex number's real and imaginary bits.
    Complex = 7,
    /// A str (UTF-8).
    Str = 8,
    /// A bytes constant.
    Bytes = 9,
    /// A tuple of constants.
    Tuple = 10,
    /// A folded set display (a frozenset; items in source order).
    FrozenSet = 11,
    /// A nested code object.
    Code = 12,
}

/// Why bytes could not be read as a code object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// The input ends before the code object does.
    Truncated,
    /// The fingerprint is another format's or another bytecode's (another strand
    /// build, or CPython's own code objects).
    Fingerprint(u32),
    /// The body's checksum does not match (corrupt data).
    Checksum,
    /// The body is not a well-formed code object.
    Malformed(String),
    /// The code object is well-formed but breaks an invariant the interpreter
    /// relies on.
    Invalid(String),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Truncated => write!(f, "code object data too short"),
            DecodeError::Fingerprint(x) => write!(
                f,
                "code object of another implementation or bytecode version \
                 (fingerprint {x:08x}, expected {:08x})",
                fingerprint()
            ),
            DecodeError::Checksum => write!(f, "code object data corrupt (checksum)"),
            DecodeError::Malformed(m) => write!(f, "malformed code object: {m}"),
            DecodeError::Invalid(m) => write!(f, "invalid code object: {m}"),
        }
    }
}

impl std::error::Error for DecodeError {}

fn malformed(m: impl Into<String>) -> DecodeError {
    DecodeError::Malformed(m.into())
}

/// FNV-1a, 64 bits, continuing from `h`.
fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The format fingerprint: a hash of [`FORMAT_VERSION`], the opcode table (each
/// opcode's number, name, inline cache size and whether it takes an argument) and a
/// digest of the compiler's source made at build time, so that code written by a
/// compiler that differs in any way is never read. `sys.implementation.cache_tag` is
/// `"strand-"` and its 8 hex digits. Computed once.
pub fn fingerprint() -> u32 {
    static F: OnceLock<u32> = OnceLock::new();
    *F.get_or_init(|| {
        let mut h = fnv(0xcbf2_9ce4_8422_2325, &FORMAT_VERSION.to_le_bytes());
        for b in 0..=255u8 {
            if let Some(op) = Op::from_u8(b) {
                h = fnv(h, &[b, op.cache_entries() as u8, u8::from(op.has_arg())]);
                h = fnv(h, op.name().as_bytes());
                h = fnv(h, &[0]);
            }
        }
        h = fnv(h, env!("STRAND_COMPILER_SOURCE_DIGEST").as_bytes());
        (h ^ (h >> 32)) as u32
    })
}

/// The body checksum: a 64-bit multiplicative hash over 8-byte words (fast; it
/// detects corruption, it is not a defence against forgery).
pub fn checksum(data: &[u8]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut h: u64 = (data.len() as u64).wrapping_mul(K);
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        h = (h ^ w).wrapping_mul(K).rotate_left(29);
    }
    let mut tail = [0u8; 8];
    let rest = chunks.remainder();
    tail[..rest.len()].copy_from_slice(rest);
    h = (h ^ u64::from_le_bytes(tail)).wrapping_mul(K);
    h ^ (h >> 32)
}

// ---------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------

struct Writer {
    out: Vec<u8>,
}

impl Writer {
    fn uv(&mut self, mut v: u64) {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.out.push(b);
                return;
            }
            self.out.push(b | 0x80);
        }
    }

    fn bytes(&mut self, b: &[u8]) {
        self.uv(b.len() as u64);
        self.out.extend_from_slice(b);
    }

    fn strs(&mut self, v: &[String]) {
        self.uv(v.len() as u64);
        for s in v {
            self.bytes(s.as_bytes());
        }
    }

    fn code(&mut self, c: &CodeObject, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err("code object too deeply nested".into());
        }
        self.bytes(c.name.as_bytes());
        self.bytes(c.qualname.as_bytes());
        self.bytes(c.filename.as_bytes());
        for v in [
            c.firstlineno,
            c.argcount,
            c.posonlyargcount,
            c.kwonlyargcount,
            c.flags,
        ] {
            self.uv(u64::from(v));
        }
        self.uv(c.code.len() as u64);
        self.out.reserve(c.code.len() * 2);
        for u in &c.code {
            self.out.extend_from_slice(&u.to_le_bytes());
        }
        let runs = c.lines.runs();
        self.uv(runs.len() as u64);
        for (unit, l) in runs {
            for v in [*unit, l.line, l.end_line, l.col, l.end_col] {
                self.uv(u64::from(v));
            }
        }
        self.uv(c.exceptions.len() as u64);
        for e in &c.exceptions {
            for v in [e.start, e.end, e.target, e.depth] {
                self.uv(u64::from(v));
            }
            self.out.push(u8::from(e.lasti));
        }
        self.uv(c.consts.len() as u64);
        for k in &c.consts {
            self.constant(k, depth + 1)?;
        }
        self.strs(&c.names);
        self.strs(&c.varnames);
        self.strs(&c.cellvars);
        self.strs(&c.freevars);
        self.uv(u64::from(c.max_stack));
        Ok(())
    }

    fn constant(&mut self, k: &Constant, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err("constant too deeply nested".into());
        }
        match k {
            Constant::None => self.out.push(Tag::None as u8),
            Constant::Bool(false) => self.out.push(Tag::False as u8),
            Constant::Bool(true) => self.out.push(Tag::True as u8),
            Constant::Ellipsis => self.out.push(Tag::Ellipsis as u8),
            Constant::Int(i) => match i64::try_from(i) {
                Ok(v) => {
                    self.out.push(Tag::SmallInt as u8);
                    self.uv(((v << 1) ^ (v >> 63)) as u64);
                }
                Err(_) => {
                    self.out.push(Tag::BigInt as u8);
                    let (sign, mag) = i.to_bytes_le();
                    self.out.push(u8::from(sign == Sign::Minus));
                    self.bytes(&mag);
                }
            },
            Constant::Float(f) => {
                self.out.push(Tag::Float as u8);
                self.out.extend_from_slice(&f.to_bits().to_le_bytes());
            }
            Constant::Complex(re, im) => {
                self.out.push(Tag::Complex as u8);
                self.out.extend_from_slice(&re.to_bits().to_le_bytes());
                self.out.extend_from_slice(&im.to_bits().to_le_bytes());
            }
            Constant::Str(s) => {
                self.out.push(Tag::Str as u8);
                self.bytes(s.as_bytes());
            }
            Constant::Bytes(b) => {
                self.out.push(Tag::Bytes as u8);
                self.bytes(b);
            }
            Constant::Tuple(items) | Constant::FrozenSet(items) => {
                let tag = match k {
                    Constant::Tuple(_) => Tag::Tuple,
                    _ => Tag::FrozenSet,
                };
                self.out.push(tag as u8);
                self.uv(items.len() as u64);
                for x in items {
                    self.constant(x, depth + 1)?;
                }
            }
            Constant::Code(c) => {
                self.out.push(Tag::Code as u8);
                self.code(c, depth + 1)?;
            }
        }
        Ok(())
    }
}

/// Serializes `code` (with its nested code objects) in the layout described in the
/// module documentation.
///
/// # Errors
/// If constants or code objects are nested deeper than [`MAX_DEPTH`], or the body
/// would exceed 4 GiB.
pub fn serialize(code: &CodeObject) -> Result<Vec<u8>, String> {
    let mut w = Writer {
        out: vec![0u8; HEADER_LEN],
    };
    w.code(code, 0)?;
    let body_len = u32::try_from(w.out.len() - HEADER_LEN)
        .map_err(|_| "code object too large to serialize".to_string())?;
    let sum = checksum(&w.out[HEADER_LEN..]);
    w.out[0..4].copy_from_slice(&fingerprint().to_le_bytes());
    w.out[4..8].copy_from_slice(&body_len.to_le_bytes());
    w.out[8..16].copy_from_slice(&sum.to_le_bytes());
    Ok(w.out)
}

// ---------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------

struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        if n > self.remaining() {
            return Err(DecodeError::Truncated);
        }
        let s = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    fn byte(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take(1)?[0])
    }

    fn uv(&mut self) -> Result<u64, DecodeError> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            let bits = u64::from(b & 0x7f);
            if shift == 63 && bits > 1 {
                return Err(malformed("varint overflows 64 bits"));
            }
            v |= bits << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(malformed("varint too long"))
    }

    fn u32v(&mut self) -> Result<u32, DecodeError> {
        u32::try_from(self.uv()?).map_err(|_| malformed("value out of 32-bit range"))
    }

    /// A count of items each taking at least `min_size` bytes: checked against the
    /// input left, so that no allocation exceeds a multiple of the input.
    fn count(&mut self, min_size: usize) -> Result<usize, DecodeError> {
        let n = self.uv()?;
        match usize::try_from(n) {
            Ok(n) if n.saturating_mul(min_size) <= self.remaining() => Ok(n),
            _ => Err(DecodeError::Truncated),
        }
    }

    fn raw(&mut self) -> Result<&'a [u8], DecodeError> {
        let n = self.count(1)?;
        self.take(n)
    }

    fn string(&mut self) -> Result<String, DecodeError> {
        let b = self.raw()?;
        std::str::from_utf8(b)
            .map(str::to_owned)
            .map_err(|_| malformed("string is not UTF-8"))
    }

    fn strs(&mut self) -> Result<Vec<String>, DecodeError> {
        let n = self.count(1)?;
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            v.push(self.string()?);
        }
        Ok(v)
    }

    fn f64(&mut self) -> Result<f64, DecodeError> {
        let b = self.take(8)?;
        Ok(f64::from_bits(u64::from_le_bytes([
            b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
        ])))
    }

    fn code(&mut self, depth: usize) -> Result<CodeObject, DecodeError> {
        if depth > MAX_DEPTH {
            return Err(malformed("nested too deeply"));
        }
        let name = self.string()?;
        let qualname = self.string()?;
        let filename = self.string()?;
        let firstlineno = self.u32v()?;
        let argcount = self.u32v()?;
        let posonlyargcount = self.u32v()?;
        let kwonlyargcount = self.u32v()?;
        let flags = self.u32v()?;
        let n = self.count(2)?;
        let raw = self.take(n * 2)?;
        let code: Vec<u16> = raw
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        let n = self.count(5)?;
        let mut runs = Vec::with_capacity(n);
        for _ in 0..n {
            let unit = self.u32v()?;
            let loc = Location {
                line: self.u32v()?,
                end_line: self.u32v()?,
                col: self.u32v()?,
                end_col: self.u32v()?,
            };
            runs.push((unit, loc));
        }
        let n = self.count(5)?;
        let mut exceptions = Vec::with_capacity(n);
        for _ in 0..n {
            let start = self.u32v()?;
            let end = self.u32v()?;
            let target = self.u32v()?;
            let depth = self.u32v()?;
            let lasti = match self.byte()? {
                0 => false,
                1 => true,
                _ => return Err(malformed("bad lasti flag")),
            };
            exceptions.push(ExceptionEntry {
                start,
                end,
                target,
                depth,
                lasti,
            });
        }
        let n = self.count(1)?;
        let mut consts = Vec::with_capacity(n);
        for _ in 0..n {
            consts.push(self.constant(depth + 1)?);
        }
        let names = self.strs()?;
        let varnames = self.strs()?;
        let cellvars = self.strs()?;
        let freevars = self.strs()?;
        let max_stack = self.u32v()?;
        Ok(CodeObject {
            name,
            qualname,
            filename,
            firstlineno,
            argcount,
            posonlyargcount,
            kwonlyargcount,
            flags,
            code,
            lines: LineTable::from_runs(runs),
            exceptions,
            consts,
            names,
            varnames,
            cellvars,
            freevars,
            max_stack,
        })
    }

    fn constant(&mut self, depth: usize) -> Result<Constant, DecodeError> {
        if depth > MAX_DEPTH {
            return Err(malformed("nested too deeply"));
        }
        let tag = self.byte()?;
        Ok(match tag {
            t if t == Tag::None as u8 => Constant::None,
            t if t == Tag::False as u8 => Constant::Bool(false),
            t if t == Tag::True as u8 => Constant::Bool(true),
            t if t == Tag::Ellipsis as u8 => Constant::Ellipsis,
            t if t == Tag::SmallInt as u8 => {
                let z = self.uv()?;
                Constant::Int(BigInt::from(((z >> 1) as i64) ^ -((z & 1) as i64)))
            }
            t if t == Tag::BigInt as u8 => {
                let sign = match self.byte()? {
                    0 => Sign::Plus,
                    1 => Sign::Minus,
                    _ => return Err(malformed("bad int sign")),
                };
                let mag = self.raw()?;
                Constant::Int(BigInt::from_bytes_le(sign, mag))
            }
            t if t == Tag::Float as u8 => Constant::Float(self.f64()?),
            t if t == Tag::Complex as u8 => {
                let re = self.f64()?;
                Constant::Complex(re, self.f64()?)
            }
            t if t == Tag::Str as u8 => Constant::Str(self.string()?),
            t if t == Tag::Bytes as u8 => Constant::Bytes(self.raw()?.to_vec()),
            t if t == Tag::Tuple as u8 || t == Tag::FrozenSet as u8 => {
                let n = self.count(1)?;
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    let c = self.constant(depth + 1)?;
                    if matches!(c, Constant::Code(_)) {
                        return Err(malformed("code object inside a tuple constant"));
                    }
                    items.push(c);
                }
                if t == Tag::Tuple as u8 {
                    Constant::Tuple(items)
                } else {
                    Constant::FrozenSet(items)
                }
            }
            t if t == Tag::Code as u8 => Constant::Code(Box::new(self.code(depth + 1)?)),
            t => return Err(malformed(format!("unknown constant tag {t}"))),
        })
    }
}

/// The length of the serialized code object at the start of `data` (header and
/// body), read from its header.
///
/// # Errors
/// [`DecodeError::Fingerprint`] for another format (checked first, from the first 4
/// bytes); [`DecodeError::Truncated`] if `data` is shorter than the header or the
/// length it gives.
pub fn serialized_len(data: &[u8]) -> Result<usize, DecodeError> {
    if let [a, b, c, d, ..] = *data {
        let fp = u32::from_le_bytes([a, b, c, d]);
        if fp != fingerprint() {
            return Err(DecodeError::Fingerprint(fp));
        }
    }
    if data.len() < HEADER_LEN {
        return Err(DecodeError::Truncated);
    }
    let body = u32::from_le_bytes([data[4], data[5], data[6], data[7]]) as usize;
    let total = HEADER_LEN + body;
    if data.len() < total {
        return Err(DecodeError::Truncated);
    }
    Ok(total)
}

/// Reads the serialized code object at the start of `data` and [`validate`]s it;
/// returns it and the number of bytes it took.
///
/// # Errors
/// A [`DecodeError`]; never panics, whatever `data` holds.
pub fn deserialize(data: &[u8]) -> Result<(CodeObject, usize), DecodeError> {
    let total = serialized_len(data)?;
    let sum = u64::from_le_bytes([
        data[8], data[9], data[10], data[11], data[12], data[13], data[14], data[15],
    ]);
    let body = &data[HEADER_LEN..total];
    if checksum(body) != sum {
        return Err(DecodeError::Checksum);
    }
    let code = decode_body(body)?;
    Ok((code, total))
}

/// Parses and validates a body (no header, no checksum).
fn decode_body(body: &[u8]) -> Result<CodeObject, DecodeError> {
    let mut r = Reader { data: body, pos: 0 };
    let code = r.code(0)?;
    if r.pos != body.len() {
        return Err(malformed("trailing bytes after the code object"));
    }
    validate(&code).map_err(DecodeError::Invalid)?;
    Ok(code)
}

// ---------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------

/// How many stack items instruction `op arg` reads (the inputs it pops or peeks
/// at), which must be on the stack when it runs.
fn inputs(op: Op, arg: u32) -> u32 {
    use Op::*;
    match op {
        COPY | SWAP => arg,
        BUILD_TUPLE | BUILD_LIST | BUILD_SET | BUILD_STRING | BUILD_SLICE => arg,
        BUILD_MAP => arg.saturating_mul(2),
        BUILD_CONST_KEY_MAP => arg.saturating_add(1),
        LIST_APPEND | SET_ADD | LIST_EXTEND | SET_UPDATE | DICT_UPDATE | DICT_MERGE => {
            arg.saturating_add(1)
        }
        MAP_ADD => arg.saturating_add(2),
        CALL => arg.saturating_add(2),
        CALL_FUNCTION_EX => 3 + (arg & 1),
        MAKE_FUNCTION => 1 + (arg & 0xf).count_ones(),
        RAISE_VARARGS => arg,
        RERAISE => 1 + u32::from(arg != 0),
        FORMAT_VALUE => 1 + ((arg >> 2) & 1),
        WITH_EXCEPT_START => 4,
        MATCH_CLASS | STORE_SUBSCR => 3,
        STORE_ATTR
        | DELETE_SUBSCR
        | BINARY_OP
        | COMPARE_OP
        | IS_OP
        | CONTAINS_OP
        | BINARY_SUBSCR
        | IMPORT_NAME
        | SEND
        | END_SEND
        | MATCH_KEYS
        | COPY_DICT_WITHOUT_KEYS
        | CHECK_EXC_MATCH
        | CHECK_EG_MATCH
        | PREP_RERAISE_STAR
        | END_ASYNC_FOR => 2,
        CLEANUP_THROW => 3,
        POP_TOP | RETURN_VALUE | PRINT_EXPR | STORE_FAST | STORE_DEREF | STORE_GLOBAL
        | STORE_NAME | LOAD_ATTR | DELETE_ATTR | UNARY_NEGATIVE | UNARY_NOT | UNARY_INVERT
        | UNARY_POSITIVE | TO_BOOL | LIST_TO_TUPLE | GET_ITER | GET_YIELD_FROM_ITER
        | GET_AWAITABLE | GET_AITER | GET_ANEXT | ASYNC_GEN_WRAP | BEFORE_ASYNC_WITH
        | BEFORE_WITH | UNPACK_SEQUENCE | UNPACK_EX | POP_JUMP_IF_FALSE | POP_JUMP_IF_TRUE
        | POP_JUMP_IF_NONE | POP_JUMP_IF_NOT_NONE | FOR_ITER | END_FOR | IMPORT_FROM
        | IMPORT_STAR | YIELD_VALUE | PUSH_EXC_INFO | POP_EXCEPT | GET_LEN | MATCH_MAPPING
        | MATCH_SEQUENCE => 1,
        STORE_FAST_LOAD_FAST | STORE_FAST_LOAD_FAST_BORROW => 1,
        STORE_FAST_STORE_FAST => 2,
        _ => 0,
    }
}

/// Checks that `code` (and every code object nested in its constants) keeps the
/// invariants the interpreter relies on without checking them at run time: the
/// compiler's [`verify`](crate::verify) (after bounding the arguments its stack
/// arithmetic uses), and the operand rules listed in the module documentation.
///
/// # Errors
/// A description of the first violation.
pub fn validate(code: &CodeObject) -> Result<(), String> {
    validate_one(code)?;
    for c in &code.consts {
        if let Constant::Code(inner) = c {
            validate(inner)?;
        }
    }
    Ok(())
}

fn validate_one(code: &CodeObject) -> Result<(), String> {
    let q = &code.qualname;
    let err = |m: String| Err(format!("{q}: {m}"));
    if code.max_stack > MAX_STACK {
        return err(format!("max_stack {} too large", code.max_stack));
    }
    if code.posonlyargcount > code.argcount {
        return err("more positional-only parameters than positional ones".into());
    }
    let nparams = u64::from(code.argcount)
        + u64::from(code.kwonlyargcount)
        + u64::from(code.flags & flags::VARARGS != 0)
        + u64::from(code.flags & flags::VARKEYWORDS != 0);
    if nparams > code.varnames.len() as u64 {
        return err("more parameters than local variables".into());
    }
    if code.flags & flags::HAS_DOCSTRING != 0 && code.consts.is_empty() {
        return err("docstring flag without constants".into());
    }
    let mut last = None;
    for &(unit, _) in code.lines.runs() {
        if last.is_some_and(|l| unit <= l) {
            return err("line table runs out of order".into());
        }
        last = Some(unit);
    }
    let len = code.code.len();
    for e in &code.exceptions {
        if e.start > e.end || e.end as usize > len || e.target as usize >= len {
            return err("exception entry out of range".into());
        }
        if e.depth > code.max_stack {
            return err("exception handler deeper than max_stack".into());
        }
    }
    let nvars = code.varnames.len();
    let nlocalsplus = code.nlocalsplus();
    // Slots holding cells: cell variables (some share a parameter's slot), then
    // free variables.
    let mut is_cell = vec![false; nlocalsplus];
    for name in code.cellvars.iter().chain(&code.freevars) {
        if let Some(i) = code.deref_index(name) {
            is_cell[i] = true;
        }
    }
    let instrs = bytecode::instructions(&code.code)?;
    // Arguments first: the stack arithmetic of `verify` must not see garbage.
    let mut made_cells = vec![false; nlocalsplus];
    let mut prologue = true;
    let mut copied_free = false;
    for (k, ins) in instrs.iter().enumerate() {
        let (op, arg) = (ins.op, ins.arg);
        let a = arg as usize;
        if op.generic() != op || matches!(op, Op::CACHE | Op::ENTER_EXECUTOR) {
            return err(format!("instruction {} is not compiler output", op.name()));
        }
        let caches = ins.op_offset + 1..ins.next_offset();
        if code
            .code
            .get(caches)
            .is_none_or(|c| c.iter().any(|&u| u != 0))
        {
            return err(format!("inline cache of {} not zero", op.name()));
        }
        if !op.has_arg() && arg != 0 {
            return err(format!("{} with an argument", op.name()));
        }
        let bad = |what: &str| Err(format!("{q}: {} argument {arg} {what}", op.name()));
        let count_arg = matches!(
            op,
            Op::BUILD_TUPLE
                | Op::BUILD_LIST
                | Op::BUILD_SET
                | Op::BUILD_STRING
                | Op::BUILD_MAP
                | Op::BUILD_CONST_KEY_MAP
                | Op::BUILD_SLICE
                | Op::CALL
                | Op::COPY
                | Op::SWAP
                | Op::UNPACK_SEQUENCE
                | Op::LIST_APPEND
                | Op::SET_ADD
                | Op::MAP_ADD
                | Op::LIST_EXTEND
                | Op::SET_UPDATE
                | Op::DICT_UPDATE
                | Op::DICT_MERGE
        );
        if count_arg && arg > MAX_STACK {
            return bad("too large");
        }
        match op {
            Op::MAKE_CELL | Op::COPY_FREE_VARS | Op::RESUME if prologue => {}
            _ => prologue = false,
        }
        match op {
            Op::LOAD_CONST | Op::RETURN_CONST if a >= code.consts.len() => {
                return bad("out of range of co_consts")
            }
            Op::KW_NAMES => {
                let Some(Constant::Tuple(kw)) = code.consts.get(a) else {
                    return bad("is not a tuple constant");
                };
                if !kw.iter().all(|c| matches!(c, Constant::Str(_))) {
                    return bad("names a non-str keyword");
                }
                match instrs.get(k + 1) {
                    Some(call) if call.op == Op::CALL && call.arg as usize >= kw.len() => {}
                    _ => return bad("is not followed by a CALL with that many arguments"),
                }
            }
            Op::LOAD_GLOBAL | Op::LOAD_ATTR if a >> 1 >= code.names.len() => {
                return bad("out of range of co_names")
            }
            // Reserved: the compiler emits no LOAD_SUPER_ATTR yet.
            Op::LOAD_SUPER_ATTR => return bad("is not emitted by the compiler"),
            Op::STORE_GLOBAL
            | Op::DELETE_GLOBAL
            | Op::LOAD_NAME
            | Op::STORE_NAME
            | Op::DELETE_NAME
            | Op::STORE_ATTR
            | Op::DELETE_ATTR
            | Op::IMPORT_NAME
            | Op::IMPORT_FROM
                if a >= code.names.len() =>
            {
                return bad("out of range of co_names")
            }
            Op::LOAD_FAST
            | Op::LOAD_FAST_CHECK
            | Op::LOAD_FAST_BORROW
            | Op::STORE_FAST
            | Op::DELETE_FAST
                if a >= nvars || is_cell[a] =>
            {
                return bad("is not a plain local")
            }
            Op::LOAD_FAST_LOAD_FAST
            | Op::LOAD_FAST_BORROW_LOAD_FAST_BORROW
            | Op::STORE_FAST_LOAD_FAST
            | Op::STORE_FAST_LOAD_FAST_BORROW
            | Op::STORE_FAST_STORE_FAST
                if [a >> 4, a & 15].iter().any(|&x| x >= nvars || is_cell[x]) =>
            {
                return bad("is not a pair of plain locals")
            }
            Op::LOAD_DEREF
            | Op::STORE_DEREF
            | Op::DELETE_DEREF
            | Op::LOAD_CLOSURE
            | Op::LOAD_FROM_DICT_OR_DEREF
                if a >= nlocalsplus || !is_cell[a] =>
            {
                return bad("is not a cell or free variable")
            }
            Op::MAKE_CELL => {
                if a >= nlocalsplus || !is_cell[a] || a >= nlocalsplus - code.freevars.len() {
                    return bad("is not a cell variable");
                }
                if prologue {
                    made_cells[a] = true;
                }
            }
            Op::COPY_FREE_VARS => {
                if a != code.freevars.len() || !prologue {
                    return bad("does not copy the free variables in the prologue");
                }
                copied_free = true;
            }
            Op::COPY | Op::SWAP if arg == 0 => return bad("is zero"),
            Op::BINARY_OP if arg >= 2 * u32::from(bytecode::BINARY_OP_INPLACE) => {
                return bad("is no operator")
            }
            Op::COMPARE_OP if arg >> 4 > 5 || arg & 0xf != 0 => return bad("is no comparison"),
            Op::IS_OP | Op::CONTAINS_OP | Op::CALL_FUNCTION_EX if arg > 1 => {
                return bad("out of range")
            }
            Op::RAISE_VARARGS | Op::GET_AWAITABLE if arg > 2 => return bad("out of range"),
            Op::BUILD_SLICE if !(2..=3).contains(&arg) => return bad("out of range"),
            Op::FORMAT_VALUE if arg > 7 => return bad("out of range"),
            Op::UNPACK_EX if arg >= 1 << 16 => return bad("out of range"),
            Op::JUMP_BACKWARD if a > ins.next_offset() => return bad("jumps before the code"),
            Op::MAKE_FUNCTION => {
                if arg > 0xf {
                    return bad("out of range");
                }
                let inner = match k.checked_sub(1).map(|j| instrs[j]) {
                    Some(prev) if prev.op == Op::LOAD_CONST => {
                        match code.consts.get(prev.arg as usize) {
                            Some(Constant::Code(inner)) => inner,
                            _ => return bad("does not follow a code constant"),
                        }
                    }
                    _ => return bad("does not follow a code constant"),
                };
                let nfree = inner.freevars.len();
                if (arg & 8 != 0) != (nfree > 0) {
                    return bad("closure flag disagrees with the code's free variables");
                }
                if nfree > 0 {
                    let Some(tuple) = k.checked_sub(2).map(|j| instrs[j]) else {
                        return bad("has no closure tuple");
                    };
                    let cells_before = k.checked_sub(2 + nfree).map(|j| &instrs[j..k - 2]);
                    let all_closures =
                        cells_before.is_some_and(|c| c.iter().all(|i| i.op == Op::LOAD_CLOSURE));
                    if tuple.op != Op::BUILD_TUPLE || tuple.arg as usize != nfree || !all_closures {
                        return bad("closure tuple does not match the code's free variables");
                    }
                }
            }
            _ => {}
        }
    }
    for (i, &cell) in is_cell.iter().enumerate() {
        let is_free = i >= nlocalsplus - code.freevars.len();
        if cell && !is_free && !made_cells[i] {
            return err(format!("cell slot {i} not made in the prologue"));
        }
    }
    if !code.freevars.is_empty() && !copied_free {
        return err("free variables not copied in the prologue".into());
    }
    let depths = verify_depths(code)?;
    for (ins, d) in depths {
        if let Some(d) = d {
            if (d as i64) < i64::from(inputs(ins.op, ins.arg)) {
                return err(format!(
                    "{} at offset {} reads below the stack",
                    ins.op.name(),
                    ins.offset
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
