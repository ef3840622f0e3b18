//! RSA's public operation, `m = s^e mod n`, in small safe pure Rust, so the
//! doctor works in every build (no signing backend needed). Public values
//! only (the signature, the public key): nothing secret is processed, so it
//! need not be constant-time. Montgomery multiplication on 64-bit limbs; with
//! e = 65537 that is 17 multiplications, microseconds for 4096 bits.

/// A big number as little-endian 64-bit limbs.
type Limbs = Vec<u64>;

/// An odd RSA modulus with the constants Montgomery multiplication needs.
pub(crate) struct Modulus {
    n: Limbs,
    /// `-n^-1 mod 2^64`.
    n0: u64,
    /// `R^2 mod n`, with `R = 2^(64 * limbs)`.
    rr: Limbs,
    /// The modulus size in bytes (the size of every signature under it).
    len: usize,
}

/// Big-endian bytes to `limbs` little-endian limbs (the value must fit).
fn limbs_of(bytes: &[u8], limbs: usize) -> Limbs {
    let mut out = vec![0u64; limbs];
    for (i, &b) in bytes.iter().rev().enumerate() {
        if let Some(limb) = out.get_mut(i / 8) {
            *limb |= u64::from(b) << (8 * (i % 8));
        }
    }
    out
}

/// `a >= b`, both of the same length.
fn ge(a: &[u64], b: &[u64]) -> bool {
    for (x, y) in a.iter().rev().zip(b.iter().rev()) {
        if x != y {
            return x > y;
        }
    }
    true
}

/// `a -= b` in place, both of the same length; returns the borrow.
fn sub_in_place(a: &mut [u64], b: &[u64]) -> bool {
    let mut borrow = false;
    for (x, &y) in a.iter_mut().zip(b) {
        let (d1, b1) = x.overflowing_sub(y);
        let (d2, b2) = d1.overflowing_sub(u64::from(borrow));
        *x = d2;
        borrow = b1 || b2;
    }
    borrow
}

impl Modulus {
    /// From the modulus's big-endian bytes; `None` for an even or zero one
    /// (never an RSA modulus; key loading refuses such keys anyway).
    pub(crate) fn new(n_bytes: &[u8]) -> Option<Modulus> {
        let start = n_bytes.iter().position(|&b| b != 0)?;
        let n_bytes = &n_bytes[start..];
        let len = n_bytes.len();
        let limbs = len.div_ceil(8);
        let n = limbs_of(n_bytes, limbs);
        let low = *n.first()?;
        if low & 1 == 0 {
            return None;
        }
        // Newton's iteration for n^-1 mod 2^64 (each step doubles the bits).
        let mut inv: u64 = 1;
        for _ in 0..6 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(low.wrapping_mul(inv)));
        }
        let n0 = inv.wrapping_neg();
        // R^2 mod n by doubling 1 (2 * 64 * limbs) times, reducing each time.
        let mut rr = vec![0u64; limbs];
        if let Some(first) = rr.first_mut() {
            *first = 1;
        }
        for _ in 0..2 * 64 * limbs {
            let mut carry = 0u64;
            for limb in rr.iter_mut() {
                let next = *limb >> 63;
                *limb = (*limb << 1) | carry;
                carry = next;
            }
            if carry == 1 || ge(&rr, &n) {
                sub_in_place(&mut rr, &n);
            }
        }
        Some(Modulus { n, n0, rr, len })
    }

    /// The modulus size in bytes.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Montgomery product `a * b / R mod n` (CIOS), operands below `n`.
    fn mul(&self, a: &[u64], b: &[u64]) -> Limbs {
        let l = self.n.len();
        let mut t = vec![0u64; l + 2];
        for &bi in b {
            let mut carry = 0u128;
            for (tj, &aj) in t.iter_mut().zip(a) {
                let v = u128::from(*tj) + u128::from(aj) * u128::from(bi) + carry;
                *tj = v as u64;
                carry = v >> 64;
            }
            let v = u128::from(t[l]) + carry;
            t[l] = v as u64;
            t[l + 1] = (v >> 64) as u64;

            let m = t[0].wrapping_mul(self.n0);
            let mut carry = (u128::from(t[0]) + u128::from(m) * u128::from(self.n[0])) >> 64;
            for j in 1..l {
                let v = u128::from(t[j]) + u128::from(m) * u128::from(self.n[j]) + carry;
                t[j - 1] = v as u64;
                carry = v >> 64;
            }
            let v = u128::from(t[l]) + carry;
            t[l - 1] = v as u64;
            t[l] = t[l + 1] + (v >> 64) as u64;
            t[l + 1] = 0;
        }
        let overflow = t[l] != 0;
        t.truncate(l);
        if overflow || ge(&t, &self.n) {
            sub_in_place(&mut t, &self.n);
        }
        t
    }

    /// `s^e mod n` as big-endian bytes of the modulus's length, or `None`
    /// when `s >= n` (then no key pair of this modulus made the signature).
    /// `s` may be shorter than the modulus (leading zeros), not longer.
    pub(crate) fn pow(&self, s: &[u8], e: u64) -> Option<Vec<u8>> {
        if s.len() > self.len || e == 0 {
            return None;
        }
        let l = self.n.len();
        let base = limbs_of(s, l);
        if ge(&base, &self.n) {
            return None;
        }
        let base_m = self.mul(&base, &self.rr); // s * R mod n
        let mut acc = base_m.clone();
        let top = 63 - e.leading_zeros();
        for bit in (0..top).rev() {
            acc = self.mul(&acc, &acc);
            if (e >> bit) & 1 == 1 {
                acc = self.mul(&acc, &base_m);
            }
        }
        let mut one = vec![0u64; l];
        one[0] = 1;
        let plain = self.mul(&acc, &one); // out of the Montgomery domain
        let mut out = vec![0u8; self.len];
        for (i, byte) in out.iter_mut().rev().enumerate() {
            *byte = (plain[i / 8] >> (8 * (i % 8))) as u8;
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Big-endian bytes of a u128, trimmed to `len`.
    fn be(v: u128, len: usize) -> Vec<u8> {
        v.to_be_bytes()[16 - len..].to_vec()
    }

    fn pow_u128(base: u128, e: u64, n: u128) -> u128 {
        // Reference square-and-multiply with u128 (n < 2^63 so products fit).
        let (mut acc, mut b, mut e) = (1u128, base % n, e);
        while e > 0 {
            if e & 1 == 1 {
                acc = acc * b % n;
            }
            b = b * b % n;
            e >>= 1;
        }
        acc
    }

    #[test]
    fn agrees_with_a_reference_on_small_numbers() {
        // One-limb moduli (odd, under 2^63), several exponents.
        for n in [
            3u128,
            65537,
            1_000_000_007,
            0x7fff_ffff_ffff_ffe7,
            0x4000_0000_0000_0001,
        ] {
            let len = 8;
            let m = Modulus::new(&be(n, len)).unwrap();
            for base in [0u128, 1, 2, 12345, n - 1, n / 2].map(|b| b % n) {
                for e in [1u64, 3, 17, 65537, (1 << 33) - 1] {
                    let got = m.pow(&be(base, m.len()), e).unwrap();
                    let want = be(pow_u128(base, e, n), m.len());
                    assert_eq!(got, want, "{base}^{e} mod {n}");
                }
            }
        }
    }

    fn hex(text: &str) -> Vec<u8> {
        let text = if text.len() % 2 == 1 {
            format!("0{text}")
        } else {
            text.to_owned()
        };
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn agrees_with_python_on_multi_limb_numbers() {
        // Known answers from Python's own big integers: `pow(a, e, n)`.
        let n = hex("80000000000000000000000000000000000000000000003039"); // 2^199 + 12345
        let m = Modulus::new(&n).unwrap();
        assert_eq!(m.len(), 25);
        for (a, e, want) in [
            (
                "3",
                65537,
                "2c839155948f38778b58c74faf909f4294360dcb898ff369ac",
            ),
            (
                "4000000000000000000000000000000000000000003ade68b1",
                65537,
                "46d22957ba4f629e2747ad9bffc2a8ddfb3e8109936cc80a98",
            ),
            (
                "80000000000000000000000000000000000000000000003038",
                3,
                "80000000000000000000000000000000000000000000003038",
            ),
            (
                "661efdf2e3b19f7c045f15",
                (1 << 33) - 1,
                "5834421a98aea3ec28b1b0f5e49aa76c8c975add5d17fc4b83",
            ),
        ] {
            let mut padded = vec![0u8; 25];
            let want = hex(want);
            padded[25 - want.len()..].copy_from_slice(&want);
            assert_eq!(m.pow(&hex(a), e).unwrap(), padded, "{a}^{e}");
        }
        // (2^127 - 1)(2^89 - 1): 216 bits, 27 bytes, four limbs.
        let n = hex("ffffffffffffffffffffff7ffffffffe0000000000000000000001");
        let m = Modulus::new(&n).unwrap();
        assert_eq!(
            m.pow(&hex("deadbeefcafebabe1234567890abcdef1122334455"), 65537)
                .unwrap(),
            hex("a9664d5c9d396b30c274da7478257fce433cb52455a2944c8ad150")
        );
    }

    #[test]
    fn refuses_what_no_key_pair_could_make() {
        let m = Modulus::new(&be(65537, 3)).unwrap();
        assert_eq!(m.pow(&be(65537, 3), 3), None, "s = n");
        assert_eq!(m.pow(&be(70000, 3), 3), None, "s > n");
        assert_eq!(m.pow(&[1, 0, 0, 0], 3), None, "longer than n");
        assert!(Modulus::new(&be(65536, 3)).is_none(), "even");
        assert!(Modulus::new(&[0, 0]).is_none(), "zero");
        assert_eq!(m.pow(&[5], 3), Some(be(125, 3)), "short s");
    }
}
