//! Hashing with CPython's exact rules, so that `hash()` values, and with them set
//! iteration order, match `python3` run with the same `PYTHONHASHSEED`.
//!
//! * str and bytes: SipHash-1-3 (Python/pyhash.c) with a per-process 128-bit key,
//!   over the string's canonical code-unit representation (one byte per code point
//!   below 256, else two or four bytes, little-endian, like CPython's PEP 393 kinds).
//!   The key is random unless `PYTHONHASHSEED` is set: `0` gives the all-zero key,
//!   `N` the key CPython derives from `N` with its LCG (`lcg_urandom`).
//! * numbers: reduction modulo the Mersenne prime 2^61 − 1 (Python/pyhash.c
//!   `_Py_HashDouble`, Objects/longobject.c `long_hash`), so that
//!   `hash(1) == hash(1.0) == hash(True)`.
//! * tuples: CPython 3.8+'s xxHash-derived combination (Objects/tupleobject.c).
//! * `-1` is never a hash value (it becomes `-2`).

use std::hash::Hasher;
use std::sync::LazyLock;

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive, Zero};
use siphasher::sip::SipHasher13;

/// Number of bits in the modulus of numeric hashes.
pub const HASH_BITS: u32 = 61;
/// The modulus, 2^61 − 1.
pub const HASH_MODULUS: u64 = (1u64 << HASH_BITS) - 1;
/// `hash(float('inf'))`.
pub const HASH_INF: isize = 314159;
/// The multiplier of complex hashes' imaginary part.
pub const HASH_IMAG: isize = 1000003;

struct Secret {
    k0: u64,
    k1: u64,
}

static SECRET: LazyLock<Secret> = LazyLock::new(|| {
    let mut bytes = [0u8; 24];
    match std::env::var("PYTHONHASHSEED")
        .ok()
        .and_then(|s| s.parse::<u32>().ok())
    {
        Some(0) => {}
        Some(seed) => {
            // CPython's lcg_urandom (Python/bootstrap_hash.c).
            let mut x: u32 = seed;
            for b in bytes.iter_mut() {
                x = x.wrapping_mul(214013).wrapping_add(2531011);
                *b = ((x >> 16) & 0xff) as u8;
            }
        }
        None => {
            // An unusable entropy source would leave hashing predictable, which is
            // what PYTHONHASHSEED=0 asks for explicitly; fall back to a time-based key.
            if getrandom::fill(&mut bytes).is_err() {
                let t = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos())
                    .unwrap_or(0);
                bytes[..16].copy_from_slice(&t.to_le_bytes());
            }
        }
    }
    Secret {
        k0: u64::from_le_bytes(bytes[0..8].try_into().expect("8 bytes")),
        k1: u64::from_le_bytes(bytes[8..16].try_into().expect("8 bytes")),
    }
});

#[inline]
fn fix(h: u64) -> isize {
    let h = h as isize;
    if h == -1 {
        -2
    } else {
        h
    }
}

/// SipHash-1-3 of `bytes` with the process key.
pub fn hash_bytes(bytes: &[u8]) -> isize {
    if bytes.is_empty() {
        return 0;
    }
    let s = &*SECRET;
    let mut h = SipHasher13::new_with_keys(s.k0, s.k1);
    h.write(bytes);
    fix(h.finish())
}

/// The hash of a string, computed over CPython's canonical representation.
pub fn hash_str(s: &str) -> isize {
    if s.is_empty() {
        return 0;
    }
    if s.is_ascii() {
        return hash_bytes(s.as_bytes());
    }
    let max = s.chars().map(|c| c as u32).max().unwrap_or(0);
    let mut buf = Vec::with_capacity(s.len() * 2);
    if max < 0x100 {
        buf.extend(s.chars().map(|c| c as u32 as u8));
    } else if max < 0x10000 {
        for c in s.chars() {
            buf.extend_from_slice(&(c as u32 as u16).to_le_bytes());
        }
    } else {
        for c in s.chars() {
            buf.extend_from_slice(&(c as u32).to_le_bytes());
        }
    }
    hash_bytes(&buf)
}

/// `hash(n)` for a machine integer.
#[inline]
pub fn hash_i64(n: i64) -> isize {
    let mag = n.unsigned_abs() % HASH_MODULUS;
    let h = if n < 0 { -(mag as i64) } else { mag as i64 };
    fix(h as u64)
}

/// `hash(n)` for a big integer.
pub fn hash_bigint(n: &BigInt) -> isize {
    if let Some(v) = n.to_i64() {
        return hash_i64(v);
    }
    let m = BigInt::from(HASH_MODULUS);
    let r = (n.abs() % &m).to_u64().expect("below the modulus") as i64;
    let h = if n.is_negative() { -r } else { r };
    fix(h as u64)
}

/// `hash(x)` for a float (CPython's `_Py_HashDouble`; NaN hashes by identity, given
/// as `identity`).
pub fn hash_f64(x: f64, identity: usize) -> isize {
    if x.is_nan() {
        // CPython 3.10+: hash of the object's address.
        return fix((identity >> 4) as u64);
    }
    if x.is_infinite() {
        return if x > 0.0 { HASH_INF } else { -HASH_INF };
    }
    let (mut m, mut e) = frexp(x);
    let mut sign = 1i64;
    if m < 0.0 {
        sign = -1;
        m = -m;
    }
    let mut x_acc: u64 = 0;
    while m != 0.0 {
        x_acc = ((x_acc << 28) & HASH_MODULUS) | (x_acc >> (HASH_BITS - 28));
        m *= 268435456.0; // 2**28
        e -= 28;
        let y = m as u64;
        m -= y as f64;
        x_acc += y;
        if x_acc >= HASH_MODULUS {
            x_acc -= HASH_MODULUS;
        }
    }
    let e = if e >= 0 {
        e % HASH_BITS as i32
    } else {
        HASH_BITS as i32 - 1 - ((-1 - e) % HASH_BITS as i32)
    };
    x_acc = ((x_acc << e) & HASH_MODULUS) | (x_acc >> (HASH_BITS as i32 - e));
    let h = (x_acc as i64) * sign;
    fix(h as u64)
}

/// `(m, e)` with `x == m * 2**e` and `0.5 <= |m| < 1` (C's `frexp`).
pub fn frexp(x: f64) -> (f64, i32) {
    if x == 0.0 || !x.is_finite() {
        return (x, 0);
    }
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        // Subnormal: scale up first.
        let (m, e) = frexp(x * f64::from_bits(0x4350000000000000)); // 2**54
        return (m, e - 54);
    }
    let m = f64::from_bits((bits & !(0x7ffu64 << 52)) | (1022u64 << 52));
    (m, exp - 1022)
}

/// Combines item hashes into a tuple hash (CPython 3.8+ `tuplehash`).
pub fn hash_tuple(items: impl ExactSizeIterator<Item = isize>) -> isize {
    const P1: u64 = 11400714785074694791;
    const P2: u64 = 14029467366897019727;
    const P5: u64 = 2870177450012600261;
    let len = items.len() as u64;
    let mut acc: u64 = P5;
    for h in items {
        acc = acc.wrapping_add((h as u64).wrapping_mul(P2));
        acc = acc.rotate_left(31);
        acc = acc.wrapping_mul(P1);
    }
    acc = acc.wrapping_add(len ^ (P5 ^ 3527539));
    if acc == u64::MAX {
        return 1546275796;
    }
    acc as isize
}

/// `hash(frozenset)` from its items' hashes (CPython's `frozenset_hash`).
pub fn hash_frozenset(items: impl ExactSizeIterator<Item = isize>) -> isize {
    fn shuffle(h: u64) -> u64 {
        ((h ^ 89869747) ^ (h << 16)).wrapping_mul(3644798167)
    }
    let len = items.len() as u64;
    let mut hash: u64 = 0;
    for h in items {
        hash ^= shuffle(h as u64);
    }
    hash ^= (len + 1).wrapping_mul(1927868237);
    hash ^= (hash >> 11) ^ (hash >> 25);
    hash = hash.wrapping_mul(69069).wrapping_add(907133923);
    if hash == u64::MAX {
        hash = 590923713;
    }
    hash as isize
}

/// Whether `x` is zero (for hashing big ints cheaply).
pub fn is_zero(n: &BigInt) -> bool {
    n.is_zero()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_hashes_follow_python() {
        assert_eq!(hash_i64(1), 1);
        assert_eq!(hash_i64(-1), -2);
        assert_eq!(hash_i64(-2), -2);
        assert_eq!(hash_i64(1 << 61), 1);
        assert_eq!(hash_f64(1.0, 0), 1);
        assert_eq!(hash_f64(1.5, 0), 1152921504606846977);
        assert_eq!(hash_f64(-1.0, 0), -2);
        assert_eq!(hash_f64(f64::INFINITY, 0), 314159);
        assert_eq!(hash_f64(0.1, 0), 230584300921369408);
        // python3 -c 'print(hash(1e300), hash(2.5e-310), hash(-7.25))'
        assert_eq!(hash_f64(1e300, 0), 1224995262755759164);
        assert_eq!(hash_f64(2.5e-310, 0), 386353265232576880);
        assert_eq!(hash_f64(-7.25, 0), -576460752303423495);
    }

    #[test]
    fn tuple_hash_matches_cpython() {
        // python3 -c 'print(hash(()), hash((1,)), hash((1, 2)))'
        assert_eq!(hash_tuple([].into_iter()), 5740354900026072187);
        assert_eq!(hash_tuple([1isize].into_iter()), -6644214454873602895);
        assert_eq!(hash_tuple([1isize, 2].into_iter()), -3550055125485641917);
    }

    #[test]
    fn frexp_matches_c() {
        assert_eq!(frexp(8.0), (0.5, 4));
        assert_eq!(frexp(-3.0), (-0.75, 2));
        assert_eq!(frexp(5e-324), (0.5, -1073));
    }
}
