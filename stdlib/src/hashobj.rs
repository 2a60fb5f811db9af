//! The hash objects of `_md5`, `_sha1`, `_sha256`, `_sha512`, `_sha3` and
//! `_blake2` (CPython's Modules/md5module.c, sha1module.c, sha256module.c,
//! sha512module.c, _sha3/sha3module.c, _blake2/blake2b_impl.c): one layout and one
//! set of methods (`update`, `digest`, `hexdigest`, `copy`; `name`, `digest_size`,
//! `block_size`) over the RustCrypto implementations, one static type per
//! algorithm, named as CPython names it (`_sha256.sha224`).
//!
//! Each object's state sits behind a mutex taken detached when contended, so
//! threads may share a hash object; no Python code runs while it is held (the data
//! is copied out of its bytes-like object first).
//!
//! Not supported: BLAKE2's tree-hashing parameters (`fanout`, `depth`, `leaf_size`,
//! `node_offset`, `node_depth`, `inner_size`, `last_node`) other than their
//! defaults, which the `blake2` crate does not expose; they are range-checked as
//! CPython does and then refused with `ValueError`.

use std::sync::Mutex;

use digest::core_api::{Buffer, UpdateCore, VariableOutputCore};
use digest::{Digest, ExtendableOutput, Update, XofReader};
use strand_heap::{HeapKind, ObjPtr, ObjectHeader};
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::descr::{GetSetDef, MethodDef};
use strand_objects::exceptions::{self as exc, type_error, value_error};
use strand_objects::typeobj::{PyType, Slots, TypeFlags};
use strand_objects::{bytes, int, singletons, str as pystr, PyObj, PyResult};

use crate::modsupport;

macro_rules! blake2_state {
    ($(#[$m:meta])* $name:ident, $core:ty) => {
        $(#[$m])*
        #[derive(Clone)]
        pub struct $name {
            core: $core,
            buffer: Buffer<$core>,
            size: usize,
        }

        impl $name {
            fn new(salt: &[u8], person: &[u8], key: &[u8], size: usize) -> Self {
                let mut h = $name {
                    core: <$core>::new_with_params(salt, person, key.len(), size),
                    buffer: Default::default(),
                    size,
                };
                if !key.is_empty() {
                    let mut block = digest::core_api::Block::<$core>::default();
                    block[..key.len()].copy_from_slice(key);
                    h.update(&block);
                }
                h
            }

            fn update(&mut self, data: &[u8]) {
                let $name { core, buffer, .. } = self;
                buffer.digest_blocks(data, |blocks| core.update_blocks(blocks));
            }

            fn finish(mut self) -> Vec<u8> {
                let mut out = digest::Output::<$core>::default();
                self.core.finalize_variable_core(&mut self.buffer, &mut out);
                out[..self.size].to_vec()
            }
        }
    };
}

blake2_state!(
    /// BLAKE2b with a runtime digest size, key, salt and personalization, over the
    /// `blake2` crate's variable-output core and a lazy block buffer (the last block
    /// is compressed with the finalization flag, so it must not be compressed early).
    Blake2b,
    blake2::Blake2bVarCore
);
blake2_state!(
    /// BLAKE2s, as [`Blake2b`].
    Blake2s,
    blake2::Blake2sVarCore
);

/// A hash computation in progress.
#[derive(Clone)]
pub enum State {
    /// MD5.
    Md5(md5::Md5),
    /// SHA-1.
    Sha1(sha1::Sha1),
    /// SHA-224.
    Sha224(sha2::Sha224),
    /// SHA-256.
    Sha256(sha2::Sha256),
    /// SHA-384.
    Sha384(sha2::Sha384),
    /// SHA-512.
    Sha512(sha2::Sha512),
    /// SHA3-224.
    Sha3_224(sha3::Sha3_224),
    /// SHA3-256.
    Sha3_256(sha3::Sha3_256),
    /// SHA3-384.
    Sha3_384(sha3::Sha3_384),
    /// SHA3-512.
    Sha3_512(sha3::Sha3_512),
    /// SHAKE128.
    Shake128(sha3::Shake128),
    /// SHAKE256.
    Shake256(sha3::Shake256),
    /// BLAKE2b.
    Blake2b(Box<Blake2b>),
    /// BLAKE2s.
    Blake2s(Box<Blake2s>),
}

impl State {
    fn update(&mut self, data: &[u8]) {
        match self {
            State::Md5(h) => Update::update(h, data),
            State::Sha1(h) => Update::update(h, data),
            State::Sha224(h) => Update::update(h, data),
            State::Sha256(h) => Update::update(h, data),
            State::Sha384(h) => Update::update(h, data),
            State::Sha512(h) => Update::update(h, data),
            State::Sha3_224(h) => Update::update(h, data),
            State::Sha3_256(h) => Update::update(h, data),
            State::Sha3_384(h) => Update::update(h, data),
            State::Sha3_512(h) => Update::update(h, data),
            State::Shake128(h) => Update::update(h, data),
            State::Shake256(h) => Update::update(h, data),
            State::Blake2b(h) => h.update(data),
            State::Blake2s(h) => h.update(data),
        }
    }

    /// The digest of the data so far (`length` bytes for the SHAKEs).
    fn digest(&self, length: usize) -> Vec<u8> {
        fn xof(r: impl XofReader, n: usize) -> Vec<u8> {
            let mut r = r;
            let mut out = vec![0u8; n];
            r.read(&mut out);
            out
        }
        match self.clone() {
            State::Md5(h) => h.finalize().to_vec(),
            State::Sha1(h) => h.finalize().to_vec(),
            State::Sha224(h) => h.finalize().to_vec(),
            State::Sha256(h) => h.finalize().to_vec(),
            State::Sha384(h) => h.finalize().to_vec(),
            State::Sha512(h) => h.finalize().to_vec(),
            State::Sha3_224(h) => h.finalize().to_vec(),
            State::Sha3_256(h) => h.finalize().to_vec(),
            State::Sha3_384(h) => h.finalize().to_vec(),
            State::Sha3_512(h) => h.finalize().to_vec(),
            State::Shake128(h) => xof(h.finalize_xof(), length),
            State::Shake256(h) => xof(h.finalize_xof(), length),
            State::Blake2b(h) => h.finish(),
            State::Blake2s(h) => h.finish(),
        }
    }
}

/// What a hash type is: its names, sizes and a fresh state.
pub struct Algo {
    /// `h.name`.
    pub name: &'static str,
    /// The name its constructor reports in argument errors.
    pub ctor: &'static str,
    /// `h.digest_size` (0 for the SHAKEs, whose `digest` takes a length).
    pub digest_size: usize,
    /// `h.block_size`.
    pub block_size: usize,
    /// `_capacity_bits`, `_rate_bits`, `_suffix` of the SHA-3 family.
    pub sha3: Option<(usize, usize, u8)>,
    /// A fresh state (for the BLAKE2s, with default parameters).
    pub fresh: fn() -> State,
}

/// The layout of every hash object.
#[repr(C)]
pub struct PyHash {
    header: ObjectHeader,
    algo: &'static Algo,
    /// `digest_size` of this object (BLAKE2's is chosen per object).
    digest_size: usize,
    state: Mutex<State>,
}

unsafe fn hash_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; the state was initialised by `new_hash`.
    unsafe {
        let p = obj.as_ptr() as *mut PyHash;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).state));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

macro_rules! hash_type {
    ($($(#[$m:meta])* $ident:ident = $name:literal, $new:expr;)*) => {$(
        strand_objects::builtin_type! {
            $(#[$m])*
            pub static $ident = {
                name: $name,
                layout: PyHash,
                itemsize: 0,
                kind: HeapKind::NonGc,
                flags: TypeFlags::empty(),
                traverse: None,
                clear: None,
                dealloc: hash_dealloc,
                size: None,
                slots: Slots {
                    new: $new,
                    ..Slots::EMPTY
                },
            }
        }
    )*};
}

hash_type! {
    /// `_md5.md5`.
    MD5_TYPE = "_md5.md5", None;
    /// `_sha1.sha1`.
    SHA1_TYPE = "_sha1.sha1", None;
    /// `_sha256.sha224`.
    SHA224_TYPE = "_sha256.sha224", None;
    /// `_sha256.sha256`.
    SHA256_TYPE = "_sha256.sha256", None;
    /// `_sha512.sha384`.
    SHA384_TYPE = "_sha512.sha384", None;
    /// `_sha512.sha512`.
    SHA512_TYPE = "_sha512.sha512", None;
    /// `_sha3.sha3_224`.
    SHA3_224_TYPE = "_sha3.sha3_224", Some(sha3_new);
    /// `_sha3.sha3_256`.
    SHA3_256_TYPE = "_sha3.sha3_256", Some(sha3_new);
    /// `_sha3.sha3_384`.
    SHA3_384_TYPE = "_sha3.sha3_384", Some(sha3_new);
    /// `_sha3.sha3_512`.
    SHA3_512_TYPE = "_sha3.sha3_512", Some(sha3_new);
    /// `_sha3.shake_128`.
    SHAKE128_TYPE = "_sha3.shake_128", Some(sha3_new);
    /// `_sha3.shake_256`.
    SHAKE256_TYPE = "_sha3.shake_256", Some(sha3_new);
    /// `_blake2.blake2b`.
    BLAKE2B_TYPE = "_blake2.blake2b", Some(blake2_new);
    /// `_blake2.blake2s`.
    BLAKE2S_TYPE = "_blake2.blake2s", Some(blake2_new);
}

macro_rules! algo {
    ($ident:ident, $name:literal, $ctor:literal, $ds:expr, $bs:expr, $sha3:expr, $fresh:expr) => {
        /// The algorithm of the type of the same name.
        pub static $ident: Algo = Algo {
            name: $name,
            ctor: $ctor,
            digest_size: $ds,
            block_size: $bs,
            sha3: $sha3,
            fresh: $fresh,
        };
    };
}

algo!(MD5, "md5", "md5", 16, 64, None, || State::Md5(
    Default::default()
));
algo!(SHA1, "sha1", "sha1", 20, 64, None, || State::Sha1(
    Default::default()
));
algo!(SHA224, "sha224", "sha224", 28, 64, None, || State::Sha224(
    Default::default()
));
algo!(SHA256, "sha256", "sha256", 32, 64, None, || State::Sha256(
    Default::default()
));
algo!(SHA384, "sha384", "sha384", 48, 128, None, || State::Sha384(
    Default::default()
));
algo!(SHA512, "sha512", "sha512", 64, 128, None, || State::Sha512(
    Default::default()
));
// CPython 3.11's SHA-3 constructors all report themselves as sha3_224.
algo!(
    SHA3_224,
    "sha3_224",
    "sha3_224",
    28,
    144,
    Some((448, 1152, 0x06)),
    || State::Sha3_224(Default::default())
);
algo!(
    SHA3_256,
    "sha3_256",
    "sha3_224",
    32,
    136,
    Some((512, 1088, 0x06)),
    || State::Sha3_256(Default::default())
);
algo!(
    SHA3_384,
    "sha3_384",
    "sha3_224",
    48,
    104,
    Some((768, 832, 0x06)),
    || State::Sha3_384(Default::default())
);
algo!(
    SHA3_512,
    "sha3_512",
    "sha3_224",
    64,
    72,
    Some((1024, 576, 0x06)),
    || State::Sha3_512(Default::default())
);
algo!(
    SHAKE128,
    "shake_128",
    "sha3_224",
    0,
    168,
    Some((256, 1344, 0x1f)),
    || State::Shake128(Default::default())
);
algo!(
    SHAKE256,
    "shake_256",
    "sha3_224",
    0,
    136,
    Some((512, 1088, 0x1f)),
    || State::Shake256(Default::default())
);
algo!(BLAKE2B, "blake2b", "blake2b", 64, 128, None, || {
    State::Blake2b(Box::new(Blake2b::new(&[], &[], &[], 64)))
});
algo!(BLAKE2S, "blake2s", "blake2s", 32, 64, None, || {
    State::Blake2s(Box::new(Blake2s::new(&[], &[], &[], 32)))
});

/// The algorithm of a static hash type.
fn algo_of(ty: &PyType) -> Option<&'static Algo> {
    let table: [(&PyType, &'static Algo); 14] = [
        (&MD5_TYPE, &MD5),
        (&SHA1_TYPE, &SHA1),
        (&SHA224_TYPE, &SHA224),
        (&SHA256_TYPE, &SHA256),
        (&SHA384_TYPE, &SHA384),
        (&SHA512_TYPE, &SHA512),
        (&SHA3_224_TYPE, &SHA3_224),
        (&SHA3_256_TYPE, &SHA3_256),
        (&SHA3_384_TYPE, &SHA3_384),
        (&SHA3_512_TYPE, &SHA3_512),
        (&SHAKE128_TYPE, &SHAKE128),
        (&SHAKE256_TYPE, &SHAKE256),
        (&BLAKE2B_TYPE, &BLAKE2B),
        (&BLAKE2S_TYPE, &BLAKE2S),
    ];
    table
        .iter()
        .find(|(t, _)| std::ptr::eq(*t, ty))
        .map(|(_, a)| *a)
}

fn new_hash(ty: &'static PyType, algo: &'static Algo, digest_size: usize, state: State) -> PyObj {
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation with the PyHash layout; every field is written
    // before the object is finished.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyHash;
        std::ptr::addr_of_mut!((*p).algo).write(algo);
        std::ptr::addr_of_mut!((*p).digest_size).write(digest_size);
        std::ptr::addr_of_mut!((*p).state).write(Mutex::new(state));
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    obj
}

fn payload(o: &PyObj) -> &PyHash {
    // SAFETY: the methods and getsets of this module are installed on the hash
    // types only, which are not subclassable, and whose instances have this layout.
    unsafe { o.payload_unchecked::<PyHash>() }
}

/// The bytes to hash: a bytes-like object, with CPython's two errors.
fn data_of(o: &PyObj, strict_buffer_message: bool) -> PyResult<Vec<u8>> {
    if strand_objects::str::is_str(o) {
        return Err(type_error("Strings must be encoded before hashing"));
    }
    crate::buffer::bytes_like(o).map_err(|e| {
        // An exporter's own error (a strided memoryview's BufferError) passes.
        if strict_buffer_message || strand_objects::buffer::has_buffer(o) {
            e
        } else {
            type_error("object supporting the buffer API required")
        }
    })
}

/// Binds `f([data], *, kw...)`: at most one positional argument (named `pos_name`
/// when it may also be given by keyword), then the keyword-only names.
fn bind_ctor<'a>(
    a: &'a [PyObj],
    k: Option<&'a PyObj>,
    fname: &str,
    pos_name: Option<&str>,
    kwonly: &[&str],
) -> PyResult<(Option<&'a PyObj>, Vec<Option<&'a PyObj>>)> {
    let args = Args::new(a, k);
    if args.nargs() > 1 {
        return Err(type_error(format!(
            "{fname}() takes at most 1 positional argument ({} given)",
            args.nargs()
        )));
    }
    let mut data = args.positional(0);
    let mut out = vec![None; kwonly.len()];
    for (name, v) in args.kwargs() {
        if Some(name) == pos_name {
            if data.is_some() {
                return Err(type_error(format!(
                    "argument for {fname}() given by name ('{name}') and position (1)"
                )));
            }
            data = Some(v);
        } else if let Some(i) = kwonly.iter().position(|n| *n == name) {
            out[i] = Some(v);
        } else {
            return Err(type_error(format!(
                "'{name}' is an invalid keyword argument for {fname}()"
            )));
        }
    }
    Ok((data, out))
}

/// A module-level constructor (`md5(string=b'', *, usedforsecurity=True)`).
pub fn construct(
    ty: &'static PyType,
    algo: &'static Algo,
    a: &[PyObj],
    k: Option<&PyObj>,
) -> PyResult<PyObj> {
    let (data, _) = bind_ctor(a, k, algo.ctor, Some("string"), &["usedforsecurity"])?;
    let mut state = (algo.fresh)();
    if let Some(d) = data {
        state.update(&data_of(d, false)?);
    }
    Ok(new_hash(ty, algo, algo.digest_size, state))
}

fn static_type_of(cls: &PyObj) -> PyResult<(&'static PyType, &'static Algo)> {
    let ty = strand_objects::typeobj::expect_type(cls, "hash.__new__(X)")?;
    let algo = algo_of(ty).ok_or_else(|| type_error("not a hash type"))?;
    // SAFETY: algo_of matched one of this module's static types, which live for the
    // process.
    let ty: &'static PyType = unsafe { &*(ty as *const PyType) };
    Ok((ty, algo))
}

fn sha3_new(cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let (ty, algo) = static_type_of(cls)?;
    let (data, _) = bind_ctor(a, k, algo.ctor, None, &["usedforsecurity"])?;
    let mut state = (algo.fresh)();
    if let Some(d) = data {
        state.update(&data_of(d, false)?);
    }
    Ok(new_hash(ty, algo, algo.digest_size, state))
}

/// A BLAKE2 parameter that must be an int in `lo..=hi` (CPython's messages).
fn blake2_int(
    v: Option<&PyObj>,
    default: u64,
    check: impl Fn(u64) -> PyResult<()>,
) -> PyResult<u64> {
    let Some(v) = v else { return Ok(default) };
    let i = ab::index(v)?;
    let x = match int::value(&i) {
        int::Int::Small(x) if x < 0 => return Err(value_error("value must be positive")),
        int::Int::Small(x) => x as u64,
        int::Int::Big(b) if b.sign() == num_bigint::Sign::Minus => {
            return Err(value_error("value must be positive"))
        }
        int::Int::Big(_) => return Err(exc::overflow_error("int too big to convert")),
    };
    check(x)?;
    Ok(x)
}

fn blake2_bytes(v: Option<&PyObj>) -> PyResult<Vec<u8>> {
    v.map_or(Ok(Vec::new()), crate::buffer::bytes_like)
}

fn blake2_new(cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let (ty, algo) = static_type_of(cls)?;
    let big = algo.block_size == 128;
    let (max_out, salt_max) = if big { (64u64, 16) } else { (32u64, 8) };
    let names = [
        "digest_size",
        "key",
        "salt",
        "person",
        "fanout",
        "depth",
        "leaf_size",
        "node_offset",
        "node_depth",
        "inner_size",
        "last_node",
        "usedforsecurity",
    ];
    let (data, kw) = bind_ctor(a, k, algo.ctor, None, &names)?;
    let digest_size = blake2_int(kw[0], max_out, |x| {
        if x == 0 || x > max_out {
            return Err(value_error(format!(
                "digest_size must be between 1 and {max_out} bytes"
            )));
        }
        Ok(())
    })? as usize;
    let key = blake2_bytes(kw[1])?;
    if key.len() > max_out as usize {
        return Err(value_error(format!(
            "maximum key length is {max_out} bytes"
        )));
    }
    let salt = blake2_bytes(kw[2])?;
    if salt.len() > salt_max {
        return Err(value_error(format!(
            "maximum salt length is {salt_max} bytes"
        )));
    }
    let person = blake2_bytes(kw[3])?;
    if person.len() > salt_max {
        return Err(value_error(format!(
            "maximum person length is {salt_max} bytes"
        )));
    }
    let fanout = blake2_int(kw[4], 1, |x| {
        if x > 255 {
            return Err(value_error("fanout must be between 0 and 255"));
        }
        Ok(())
    })?;
    let depth = blake2_int(kw[5], 1, |x| {
        if x == 0 || x > 255 {
            return Err(value_error("depth must be between 1 and 255"));
        }
        Ok(())
    })?;
    let leaf_size = blake2_int(kw[6], 0, |x| {
        if x > u64::from(u32::MAX) {
            return Err(exc::overflow_error("leaf_size is too large"));
        }
        Ok(())
    })?;
    let node_offset = blake2_int(kw[7], 0, |x| {
        if !big && x > (1 << 48) - 1 {
            return Err(exc::overflow_error("node_offset is too large"));
        }
        Ok(())
    })?;
    let node_depth = blake2_int(kw[8], 0, |x| {
        if x > 255 {
            return Err(value_error("node_depth must be between 0 and 255"));
        }
        Ok(())
    })?;
    let inner_size = blake2_int(kw[9], 0, |x| {
        if x > max_out {
            return Err(value_error(format!(
                "inner_size must be between 0 and is {max_out}"
            )));
        }
        Ok(())
    })?;
    let last_node = match kw[10] {
        Some(v) => ab::is_true(v)?,
        None => false,
    };
    if (
        fanout,
        depth,
        leaf_size,
        node_offset,
        node_depth,
        inner_size,
        last_node,
    ) != (1, 1, 0, 0, 0, 0, false)
    {
        return Err(value_error(
            "BLAKE2 tree hashing parameters are not supported by strand",
        ));
    }
    let mut state = if big {
        State::Blake2b(Box::new(Blake2b::new(&salt, &person, &key, digest_size)))
    } else {
        State::Blake2s(Box::new(Blake2s::new(&salt, &person, &key, digest_size)))
    };
    if let Some(d) = data {
        state.update(&data_of(d, false)?);
    }
    Ok(new_hash(ty, algo, digest_size, state))
}

// ---------------------------------------------------------------------------------
// Methods
// ---------------------------------------------------------------------------------

fn qual(o: &PyObj, method: &str) -> String {
    format!("{}.{method}", payload(o).algo.name)
}

fn m_update(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact(&qual(&a[0], "update"), 2)?;
    let data = data_of(&a[1], false)?;
    modsupport::lock(&payload(&a[0]).state).update(&data);
    Ok(singletons::none())
}

/// The length argument of a SHAKE's `digest`/`hexdigest`.
fn shake_length(a: &[PyObj], k: Option<&PyObj>, method: &str) -> PyResult<usize> {
    Args::new(a, k).exact(&qual(&a[0], method), 2)?;
    let v = &a[1];
    let n = blake2_int(Some(v), 0, |_| Ok(())).map_err(|e| {
        if e.is_instance(&exc::OVERFLOW_ERROR_TYPE) {
            value_error("length is too large")
        } else {
            e
        }
    })?;
    if n >= 1 << 29 {
        return Err(value_error("length is too large"));
    }
    Ok(n as usize)
}

fn digest_bytes(a: &[PyObj], k: Option<&PyObj>, method: &str) -> PyResult<Vec<u8>> {
    let p = payload(&a[0]);
    let length = if p.algo.sha3.is_some() && p.algo.digest_size == 0 {
        shake_length(a, k, method)?
    } else {
        Args::new(a, k).exact(&qual(&a[0], method), 1)?;
        p.digest_size
    };
    let state = modsupport::lock(&p.state).clone();
    Ok(state.digest(length))
}

fn m_digest(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Ok(bytes::new(&digest_bytes(a, k, "digest")?))
}

fn m_hexdigest(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let d = digest_bytes(a, k, "hexdigest")?;
    let hex = crate::binascii::hex_with_sep(&d, None, 1);
    Ok(pystr::new(
        std::str::from_utf8(&hex).expect("hex digits are ASCII"),
    ))
}

fn m_copy(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact(&qual(&a[0], "copy"), 1)?;
    let p = payload(&a[0]);
    let state = modsupport::lock(&p.state).clone();
    let ty = a[0].ty();
    // SAFETY: hash objects' types are this module's statics.
    let ty: &'static PyType = unsafe { &*(ty as *const PyType) };
    Ok(new_hash(ty, p.algo, p.digest_size, state))
}

fn methods() -> Vec<MethodDef> {
    vec![
        MethodDef::new("update", m_update),
        MethodDef::new("digest", m_digest),
        MethodDef::new("hexdigest", m_hexdigest),
        MethodDef::new("copy", m_copy),
    ]
}

fn getsets(sha3: bool) -> Vec<GetSetDef> {
    let mut v = vec![
        GetSetDef::new("name", |o| Ok(pystr::new(payload(o).algo.name)), None),
        GetSetDef::new(
            "digest_size",
            |o| Ok(int::from_usize(payload(o).digest_size)),
            None,
        ),
        GetSetDef::new(
            "block_size",
            |o| Ok(int::from_usize(payload(o).algo.block_size)),
            None,
        ),
    ];
    if sha3 {
        v.push(GetSetDef::new(
            "_capacity_bits",
            |o| Ok(int::from_usize(payload(o).algo.sha3.map_or(0, |s| s.0))),
            None,
        ));
        v.push(GetSetDef::new(
            "_rate_bits",
            |o| Ok(int::from_usize(payload(o).algo.sha3.map_or(0, |s| s.1))),
            None,
        ));
        v.push(GetSetDef::new(
            "_suffix",
            |o| Ok(bytes::new(&[payload(o).algo.sha3.map_or(0, |s| s.2)])),
            None,
        ));
    }
    v
}

/// Readies the hash types (once).
pub fn ready() {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        let object = &strand_objects::baseobject::OBJECT_TYPE;
        let (m, plain, sha3) = (methods(), getsets(false), getsets(true));
        for ty in [
            &MD5_TYPE,
            &SHA1_TYPE,
            &SHA224_TYPE,
            &SHA256_TYPE,
            &SHA384_TYPE,
            &SHA512_TYPE,
            &BLAKE2B_TYPE,
            &BLAKE2S_TYPE,
        ] {
            ty.ready_static(Some(object), &m, &plain);
        }
        for ty in [
            &SHA3_224_TYPE,
            &SHA3_256_TYPE,
            &SHA3_384_TYPE,
            &SHA3_512_TYPE,
            &SHAKE128_TYPE,
            &SHAKE256_TYPE,
        ] {
            ty.ready_static(Some(object), &m, &sha3);
        }
        for (ty, big) in [(&BLAKE2B_TYPE, true), (&BLAKE2S_TYPE, false)] {
            let d = ty.dict();
            let (salt, key) = if big { (16, 64) } else { (8, 32) };
            modsupport::add_int(d, "SALT_SIZE", salt);
            modsupport::add_int(d, "PERSON_SIZE", salt);
            modsupport::add_int(d, "MAX_KEY_SIZE", key);
            modsupport::add_int(d, "MAX_DIGEST_SIZE", key);
        }
    });
}
