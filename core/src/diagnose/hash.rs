//! The hash functions a signature may have been made with, their PKCS#1
//! v1.5 `DigestInfo` prefixes (RFC 8017 §9.2, note 1) and MGF1 for PSS.

use sha1::Sha1;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512, Sha512_224, Sha512_256};

/// A hash function recognised in a signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HashAlg {
    /// Recognised by its `DigestInfo` only: candidates are not hashed with it.
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
    Sha512_224,
    Sha512_256,
}

/// The `DigestInfo` DER that precedes the digest, per hash (with the NULL
/// parameters every mainstream signer writes).
const DIGEST_INFOS: [(HashAlg, &[u8]); 8] = [
    (
        HashAlg::Md5,
        &[
            0x30, 0x20, 0x30, 0x0c, 0x06, 0x08, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05,
            0x05, 0x00, 0x04, 0x10,
        ],
    ),
    (
        HashAlg::Sha1,
        &[
            0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04,
            0x14,
        ],
    ),
    (HashAlg::Sha224, &sha2_info(0x2d, 0x04, 0x1c)),
    (HashAlg::Sha256, &sha2_info(0x31, 0x01, 0x20)),
    (HashAlg::Sha384, &sha2_info(0x41, 0x02, 0x30)),
    (HashAlg::Sha512, &sha2_info(0x51, 0x03, 0x40)),
    (HashAlg::Sha512_224, &sha2_info(0x2d, 0x05, 0x1c)),
    (HashAlg::Sha512_256, &sha2_info(0x31, 0x06, 0x20)),
];

/// The `DigestInfo` prefix of a SHA-2 hash: total length, OID arc, digest length.
const fn sha2_info(total: u8, arc: u8, digest_len: u8) -> [u8; 19] {
    [
        0x30, total, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, arc,
        0x05, 0x00, 0x04, digest_len,
    ]
}

impl HashAlg {
    /// The hashes candidates can be hashed with, the expected one first.
    pub(crate) const COMPUTABLE: [HashAlg; 7] = [
        HashAlg::Sha256,
        HashAlg::Sha1,
        HashAlg::Sha512,
        HashAlg::Sha384,
        HashAlg::Sha224,
        HashAlg::Sha512_256,
        HashAlg::Sha512_224,
    ];

    /// The name OpenSSL uses (`openssl dgst -sha256`).
    pub(crate) fn name(self) -> &'static str {
        match self {
            HashAlg::Md5 => "MD5",
            HashAlg::Sha1 => "SHA-1",
            HashAlg::Sha224 => "SHA-224",
            HashAlg::Sha256 => "SHA-256",
            HashAlg::Sha384 => "SHA-384",
            HashAlg::Sha512 => "SHA-512",
            HashAlg::Sha512_224 => "SHA-512/224",
            HashAlg::Sha512_256 => "SHA-512/256",
        }
    }

    /// The digest length in bytes.
    pub(crate) fn len(self) -> usize {
        match self {
            HashAlg::Md5 => 16,
            HashAlg::Sha1 => 20,
            HashAlg::Sha224 | HashAlg::Sha512_224 => 28,
            HashAlg::Sha256 | HashAlg::Sha512_256 => 32,
            HashAlg::Sha384 => 48,
            HashAlg::Sha512 => 64,
        }
    }

    /// The digest of `parts` concatenated; empty for MD5 (not computed).
    pub(crate) fn digest(self, parts: &[&[u8]]) -> Vec<u8> {
        fn run<D: Digest>(parts: &[&[u8]]) -> Vec<u8> {
            let mut d = D::new();
            for p in parts {
                d.update(p);
            }
            d.finalize().to_vec()
        }
        match self {
            HashAlg::Md5 => Vec::new(),
            HashAlg::Sha1 => run::<Sha1>(parts),
            HashAlg::Sha224 => run::<Sha224>(parts),
            HashAlg::Sha256 => run::<Sha256>(parts),
            HashAlg::Sha384 => run::<Sha384>(parts),
            HashAlg::Sha512 => run::<Sha512>(parts),
            HashAlg::Sha512_224 => run::<Sha512_224>(parts),
            HashAlg::Sha512_256 => run::<Sha512_256>(parts),
        }
    }

    /// Splits a PKCS#1 v1.5 payload `DigestInfo || digest` into its hash and digest.
    pub(crate) fn from_digest_info(payload: &[u8]) -> Option<(HashAlg, &[u8])> {
        DIGEST_INFOS.iter().find_map(|&(alg, prefix)| {
            payload
                .strip_prefix(prefix)
                .filter(|digest| digest.len() == alg.len())
                .map(|digest| (alg, digest))
        })
    }
}

/// MGF1 (RFC 8017 B.2.1) with `alg`: `len` bytes of mask from `seed`.
pub(crate) fn mgf1(alg: HashAlg, seed: &[u8], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + alg.len());
    let mut counter: u32 = 0;
    while out.len() < len {
        out.extend(alg.digest(&[seed, &counter.to_be_bytes()]));
        counter = counter.wrapping_add(1);
    }
    out.truncate(len);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_infos_are_the_rfc_8017_ones() {
        // RFC 8017 §9.2 note 1, SHA-256 and SHA-1 rows.
        let sha256 = "3031300d060960864801650304020105000420";
        let sha1 = "3021300906052b0e03021a05000414";
        let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
        let mut payload = sha2_info(0x31, 0x01, 0x20).to_vec();
        assert_eq!(hex(&payload), sha256);
        payload.extend([7; 32]);
        assert_eq!(
            HashAlg::from_digest_info(&payload),
            Some((HashAlg::Sha256, &[7u8; 32][..]))
        );
        assert_eq!(hex(DIGEST_INFOS[1].1), sha1);
        payload.pop();
        assert_eq!(HashAlg::from_digest_info(&payload), None, "short digest");
        for alg in HashAlg::COMPUTABLE {
            assert_eq!(alg.digest(&[b"abc"]).len(), alg.len(), "{}", alg.name());
        }
    }

    #[test]
    fn digests_are_the_standard_ones() {
        let hex = |b: Vec<u8>| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
        assert_eq!(
            hex(HashAlg::Sha1.digest(&[b"a", b"bc"])),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            hex(HashAlg::Sha256.digest(&[b"abc"])),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn mgf1_matches_rfc_8017_definition() {
        // MGF1-SHA-1("foo", 3) = 1ac907 (a widely published test value).
        assert_eq!(mgf1(HashAlg::Sha1, b"foo", 3), vec![0x1a, 0xc9, 0x07]);
        assert_eq!(
            mgf1(HashAlg::Sha1, b"foo", 5),
            vec![0x1a, 0xc9, 0x07, 0x5c, 0xd4]
        );
        assert_eq!(mgf1(HashAlg::Sha256, b"x", 70).len(), 70);
    }
}
