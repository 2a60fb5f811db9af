//! The `_random` module (Modules/_randommodule.c): the Mersenne Twister MT19937 with
//! CPython's seeding (`init_by_array` over the 32-bit words of `abs(seed)`), so that a
//! seeded `random.random()` sequence equals CPython's. `random.py` (frozen) builds
//! `randrange`, `choice`, `shuffle`, `gauss`, ... on top, with CPython's algorithms.

use std::sync::Mutex;

use num_bigint::{BigInt, Sign};
use strand_heap::{HeapKind, ObjPtr, ObjectHeader};
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::descr::MethodDef;
use strand_objects::exceptions::{type_error, value_error};
use strand_objects::typeobj::{PyType, Slots, TypeFlags};
use strand_objects::{dict, float, int, module, singletons, tuple, PyObj, PyResult};

const N: usize = 624;
const M: usize = 397;

/// MT19937 state (Matsumoto & Nishimura, 1998; CPython's `_randommodule.c`).
#[derive(Clone)]
pub struct Mt {
    state: [u32; N],
    index: usize,
}

impl Mt {
    fn init_genrand(s: u32) -> Mt {
        let mut mt = [0u32; N];
        mt[0] = s;
        for i in 1..N {
            mt[i] = 1_812_433_253u32
                .wrapping_mul(mt[i - 1] ^ (mt[i - 1] >> 30))
                .wrapping_add(i as u32);
        }
        Mt {
            state: mt,
            index: N,
        }
    }

    /// `init_by_array`: seeds from 32-bit words.
    pub fn from_key(key: &[u32]) -> Mt {
        let mut m = Mt::init_genrand(19_650_218);
        let mt = &mut m.state;
        let (mut i, mut j) = (1usize, 0usize);
        let len = key.len().max(1);
        for _ in 0..N.max(len) {
            mt[i] = (mt[i] ^ (mt[i - 1] ^ (mt[i - 1] >> 30)).wrapping_mul(1_664_525))
                .wrapping_add(*key.get(j).unwrap_or(&0))
                .wrapping_add(j as u32);
            i += 1;
            j += 1;
            if i >= N {
                mt[0] = mt[N - 1];
                i = 1;
            }
            if j >= len {
                j = 0;
            }
        }
        for _ in 0..N - 1 {
            mt[i] = (mt[i] ^ (mt[i - 1] ^ (mt[i - 1] >> 30)).wrapping_mul(1_566_083_941))
                .wrapping_sub(i as u32);
            i += 1;
            if i >= N {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }
        mt[0] = 0x8000_0000;
        m
    }

    /// The next 32 random bits.
    pub fn next_u32(&mut self) -> u32 {
        const UPPER: u32 = 0x8000_0000;
        const LOWER: u32 = 0x7fff_ffff;
        const MATRIX_A: u32 = 0x9908_b0df;
        if self.index >= N {
            let mt = &mut self.state;
            for kk in 0..N {
                let y = (mt[kk] & UPPER) | (mt[(kk + 1) % N] & LOWER);
                let mag = if y & 1 != 0 { MATRIX_A } else { 0 };
                mt[kk] = mt[(kk + M) % N] ^ (y >> 1) ^ mag;
            }
            self.index = 0;
        }
        let mut y = self.state[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^= y >> 18;
        y
    }

    /// A float in `[0, 1)` with 53 random bits (`random_random`).
    pub fn random(&mut self) -> f64 {
        let a = self.next_u32() >> 5;
        let b = self.next_u32() >> 6;
        (f64::from(a) * 67_108_864.0 + f64::from(b)) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// `getrandbits(k)` for `k >= 0`.
    pub fn getrandbits(&mut self, k: u64) -> BigInt {
        if k == 0 {
            return BigInt::from(0);
        }
        if k <= 32 {
            return BigInt::from(self.next_u32() >> (32 - k));
        }
        let words = k.div_ceil(32) as usize;
        let mut out = Vec::with_capacity(words);
        let mut left = k;
        for _ in 0..words {
            let mut r = self.next_u32();
            if left < 32 {
                r >>= 32 - left;
            }
            out.push(r);
            left = left.saturating_sub(32);
        }
        BigInt::from_slice(Sign::Plus, &out)
    }
}

/// Key words for a seed: the 32-bit words of `abs(n)`, least significant first.
pub fn key_for(n: &BigInt) -> Vec<u32> {
    let (_, mut words) = n.to_u32_digits();
    if words.is_empty() {
        words.push(0);
    }
    words
}

/// The layout of `_random.Random`.
#[repr(C)]
pub struct PyRandom {
    header: ObjectHeader,
    mt: Mutex<Mt>,
}

unsafe fn random_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; the state is initialised.
    unsafe {
        let p = obj.as_ptr() as *mut PyRandom;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).mt));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `_random.Random`.
    pub static RANDOM_TYPE = {
        name: "_random.Random",
        layout: PyRandom,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::BASETYPE,
        traverse: Some(|_, _| {}),
        clear: None,
        dealloc: random_dealloc,
        size: None,
        slots: Slots { new: Some(random_new), init: Some(random_init), ..Slots::EMPTY },
    }
}

fn random_new(cls: &PyObj, _args: &[PyObj], _kw: Option<&PyObj>) -> PyResult<PyObj> {
    let ty: &PyType = strand_objects::typeobj::expect_type(cls, "Random.__new__(X)")?;
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation of a (sub)type of Random; the base layout is written and
    // the subclass's slots are initialised before the object is tracked.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyRandom;
        std::ptr::addr_of_mut!((*p).mt).write(Mutex::new(Mt::from_key(&seed_from_os())));
        strand_objects::heaptype::init_slots_region(ty, &obj);
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    Ok(obj)
}

/// The key words for a seed argument (CPython's `random_seed`): fresh entropy for
/// `None`, the absolute value of an int, otherwise the object's hash read as an
/// unsigned machine word (`random.py` turns strs and bytes into ints first).
fn seed_key(arg: Option<&PyObj>) -> PyResult<Vec<u32>> {
    Ok(match arg {
        None => seed_from_os(),
        Some(s) if singletons::is_none(s) => seed_from_os(),
        Some(s) if strand_objects::int::is_int(s) => key_for(&strand_objects::int::to_bigint(s)),
        Some(s) => {
            let h = ab::hash(s)?;
            key_for(&BigInt::from(h as usize))
        }
    })
}

/// Whether `o`'s class takes `__init__` from `_random.Random` itself.
fn inherits_init(o: &PyObj) -> bool {
    match (
        o.ty().lookup_str("__init__"),
        RANDOM_TYPE.lookup_str("__init__"),
    ) {
        (Some(a), Some(b)) => a.is(&b),
        _ => false,
    }
}

fn random_init(o: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<()> {
    let args = Args::new(a, k);
    if args.has_kwargs() && (o.is_exact(&RANDOM_TYPE) || inherits_init(o)) {
        return Err(type_error("Random() takes no keyword arguments"));
    }
    if args.nargs() > 1 {
        return Err(type_error("Random() requires 0 or 1 argument"));
    }
    let key = seed_key(args.positional(0))?;
    *state(o)? = Mt::from_key(&key);
    Ok(())
}

fn seed_from_os() -> Vec<u32> {
    let mut bytes = [0u8; 32];
    if getrandom::fill(&mut bytes).is_err() {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        bytes[..16].copy_from_slice(&t.as_nanos().to_le_bytes());
    }
    bytes
        .chunks(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

fn state(o: &PyObj) -> PyResult<std::sync::MutexGuard<'_, Mt>> {
    if !o.is_instance_of(&RANDOM_TYPE) {
        return Err(type_error("descriptor requires a '_random.Random' object"));
    }
    // SAFETY: checked above: the object has the Random layout.
    let r = unsafe { o.payload_unchecked::<PyRandom>() };
    Ok(r.mt.lock().unwrap_or_else(|e| e.into_inner()))
}

fn methods() -> Vec<MethodDef> {
    vec![
        MethodDef::new("random", |a, k| {
            Args::new(a, k).exact("random", 1)?;
            Ok(float::from_f64(state(&a[0])?.random()))
        }),
        MethodDef::new("seed", |a, k| {
            Args::new(a, k).range("seed", 1, 2)?;
            let key = seed_key(a.get(1))?;
            *state(&a[0])? = Mt::from_key(&key);
            Ok(singletons::none())
        }),
        MethodDef::new("getrandbits", |a, k| {
            Args::new(a, k).exact("getrandbits", 2)?;
            let n = int::to_isize(&ab::index(&a[1])?)?;
            if n < 0 {
                return Err(value_error("number of bits must be non-negative"));
            }
            Ok(int::from_bigint(state(&a[0])?.getrandbits(n as u64)))
        }),
        MethodDef::new("getstate", |a, k| {
            Args::new(a, k).exact("getstate", 1)?;
            let st = state(&a[0])?.clone();
            let mut items: Vec<PyObj> = st
                .state
                .iter()
                .map(|&w| int::from_i64(i64::from(w)))
                .collect();
            items.push(int::from_usize(st.index));
            Ok(tuple::from_vec(items))
        }),
        MethodDef::new("setstate", |a, k| {
            Args::new(a, k).exact("setstate", 2)?;
            if !tuple::is_tuple(&a[1]) {
                return Err(type_error("state vector must be a tuple"));
            }
            let items = tuple::items(&a[1]).to_vec();
            if items.len() != N + 1 {
                return Err(value_error("state vector is the wrong size"));
            }
            let mut st = Mt {
                state: [0; N],
                index: 0,
            };
            for (i, x) in items[..N].iter().enumerate() {
                // PyLong_AsUnsignedLong, then truncated to 32 bits.
                let v = int::to_bigint(&ab::index(x)?);
                let w = u64::try_from(&v).map_err(|_| {
                    strand_objects::exceptions::overflow_error(
                        if v.sign() == num_bigint::Sign::Minus {
                            "can't convert negative value to unsigned int"
                        } else {
                            "Python int too large to convert to C unsigned long"
                        },
                    )
                })?;
                st.state[i] = w as u32;
            }
            let index = int::to_isize(&items[N])?;
            if !(0..=N as isize).contains(&index) {
                return Err(value_error("invalid state"));
            }
            st.index = index as usize;
            *state(&a[0])? = st;
            Ok(singletons::none())
        }),
    ]
}

/// The `_random` module.
pub fn make_module() -> PyObj {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        RANDOM_TYPE.ready_static(
            Some(&strand_objects::baseobject::OBJECT_TYPE),
            &methods(),
            &[],
        )
    });
    let m = module::new_native_module("_random");
    dict::set_item_str(&module::module_dict(&m), "Random", RANDOM_TYPE.to_obj());
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_cpython_for_seed_42() {
        // python3 -c "import random; random.seed(42); print([random.random() for _ in range(3)])"
        let mut mt = Mt::from_key(&key_for(&BigInt::from(42)));
        let got: Vec<f64> = (0..3).map(|_| mt.random()).collect();
        assert_eq!(
            got,
            vec![
                0.6394267984578837,
                0.025010755222666936,
                0.27502931836911926
            ]
        );
    }

    #[test]
    fn getrandbits_wide() {
        // python3 -c "import random; random.seed(1); print(random.getrandbits(70))"
        let mut mt = Mt::from_key(&key_for(&BigInt::from(1)));
        assert_eq!(mt.getrandbits(70).to_string(), "1006624138111981302261");
    }
}
