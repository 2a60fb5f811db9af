//! SHA-512 (FIPS 180-4), for `random.seed(str_or_bytes)`, which CPython turns into
//! the integer `int.from_bytes(data + sha512(data).digest())`.
//!
//! The round constants and initial hash value are derived as the standard defines
//! them (the first 64 fractional bits of the cube roots of the first 80 primes, and
//! of the square roots of the first 8), computed once with exact integer roots.

use std::sync::OnceLock;

use num_bigint::BigUint;

struct Constants {
    k: [u64; 80],
    h0: [u64; 8],
}

fn primes(n: usize) -> Vec<u64> {
    let mut out = Vec::with_capacity(n);
    let mut c = 2u64;
    while out.len() < n {
        if out
            .iter()
            .take_while(|&&p| p * p <= c)
            .all(|&p| !c.is_multiple_of(p))
        {
            out.push(c);
        }
        c += 1;
    }
    out
}

/// The first 64 fractional bits of `p^(1/root)`: `floor(root-th root(p * 2^(64*root)))`
/// modulo 2^64.
fn frac_bits(p: u64, root: u32) -> u64 {
    let scaled = BigUint::from(p) << (64 * root as usize);
    let r = scaled.nth_root(root);
    let mask = (BigUint::from(1u8) << 64usize) - 1u8;
    let low: BigUint = r & mask;
    low.iter_u64_digits().next().unwrap_or(0)
}

fn constants() -> &'static Constants {
    static C: OnceLock<Constants> = OnceLock::new();
    C.get_or_init(|| {
        let ps = primes(80);
        let mut k = [0u64; 80];
        for (slot, &p) in k.iter_mut().zip(&ps) {
            *slot = frac_bits(p, 3);
        }
        let mut h0 = [0u64; 8];
        for (slot, &p) in h0.iter_mut().zip(&ps) {
            *slot = frac_bits(p, 2);
        }
        Constants { k, h0 }
    })
}

/// The SHA-512 digest of `data`.
pub fn digest(data: &[u8]) -> [u8; 64] {
    let c = constants();
    let mut h = c.h0;
    let mut msg = data.to_vec();
    let bit_len = (data.len() as u128) * 8;
    msg.push(0x80);
    while msg.len() % 128 != 112 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_be_bytes());
    for block in msg.chunks_exact(128) {
        let mut w = [0u64; 80];
        for (i, word) in block.chunks_exact(8).enumerate() {
            let mut b = [0u8; 8];
            b.copy_from_slice(word);
            w[i] = u64::from_be_bytes(b);
        }
        for i in 16..80 {
            let s0 = w[i - 15].rotate_right(1) ^ w[i - 15].rotate_right(8) ^ (w[i - 15] >> 7);
            let s1 = w[i - 2].rotate_right(19) ^ w[i - 2].rotate_right(61) ^ (w[i - 2] >> 6);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut cc, mut d, mut e, mut f, mut g, mut hh] = h;
        for (&wi, &ki) in w.iter().zip(&c.k) {
            let s1 = e.rotate_right(14) ^ e.rotate_right(18) ^ e.rotate_right(41);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(ki)
                .wrapping_add(wi);
            let s0 = a.rotate_right(28) ^ a.rotate_right(34) ^ a.rotate_right(39);
            let maj = (a & b) ^ (a & cc) ^ (b & cc);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = cc;
            cc = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (x, v) in h.iter_mut().zip([a, b, cc, d, e, f, g, hh]) {
            *x = x.wrapping_add(v);
        }
    }
    let mut out = [0u8; 64];
    for (chunk, v) in out.chunks_exact_mut(8).zip(h) {
        chunk.copy_from_slice(&v.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(d: &[u8]) -> String {
        d.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn known_digests() {
        assert_eq!(constants().k[0], 0x428a_2f98_d728_ae22);
        assert_eq!(constants().h0[0], 0x6a09_e667_f3bc_c908);
        assert_eq!(
            hex(&digest(b"abc")),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a\
             2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
        );
        assert_eq!(hex(&digest(b""))[..32], *"cf83e1357eefb8bdf1542850d66d8007");
    }
}
