//! Reading the encoded message `m = s^e mod n`: one RSA public operation
//! tells how the signature was made, before any candidate text is tried.
//!
//! * `00 01 FF…FF 00 DigestInfo digest`: PKCS#1 v1.5; the `DigestInfo`
//!   names the hash and holds the digest of the text signed.
//! * `00 01 FF…FF 00 payload` without a known `DigestInfo`: a bare digest
//!   (Java's `NONEwithRSA`, a KMS signing a digest) or the text itself
//!   (`openssl rsautl -sign` with no hash).
//! * `… 0xBC` with the PSS structure (RFC 8017 §9.1.2) under some hash and
//!   MGF1 hash: RSA-PSS, with its salt.
//! * anything else: not made by the pair of this public key.

use super::hash::{HashAlg, mgf1};

/// A PSS structure found in the block.
#[derive(Clone, Debug)]
pub(crate) struct PssBlock {
    pub(crate) hash: HashAlg,
    pub(crate) mgf: HashAlg,
    salt: Vec<u8>,
    /// `H` = hash(0x00 × 8 || hash(text) || salt).
    h: Vec<u8>,
}

/// What the block says about how the signature was made.
#[derive(Clone, Debug)]
pub(crate) enum Block {
    /// PKCS#1 v1.5 with a `DigestInfo`.
    Pkcs1 { hash: HashAlg, digest: Vec<u8> },
    /// PKCS#1 v1.5 padding around a payload that is not a `DigestInfo`.
    Pkcs1Bare { payload: Vec<u8> },
    /// One or more PSS structures (hash, MGF1 hash) decode.
    Pss(Vec<PssBlock>),
    /// No structure: another key made it, or the bytes were damaged.
    Garbage,
}

/// How a text was signed, once a candidate text matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Algorithm {
    /// RSASSA-PKCS1-v1_5 with this hash (SHA-256 is the provider's).
    Pkcs1(HashAlg),
    /// PKCS#1 v1.5 padding around a bare digest, no `DigestInfo`.
    Pkcs1NoDigestInfo(HashAlg),
    /// PKCS#1 v1.5 padding around the text itself, not hashed.
    Pkcs1Unhashed,
    /// RSASSA-PSS.
    Pss {
        hash: HashAlg,
        mgf: HashAlg,
        salt_len: usize,
    },
}

impl Algorithm {
    /// The provider's algorithm: RSASSA-PKCS1-v1_5 with SHA-256.
    pub(crate) fn is_expected(self) -> bool {
        self == Algorithm::Pkcs1(HashAlg::Sha256)
    }

    /// A readable name.
    pub(crate) fn describe(self) -> String {
        match self {
            Algorithm::Pkcs1(h) => format!("RSA PKCS#1 v1.5 with {}", h.name()),
            Algorithm::Pkcs1NoDigestInfo(h) => format!(
                "RSA PKCS#1 v1.5 padding around a bare {} digest, without its DigestInfo",
                h.name()
            ),
            Algorithm::Pkcs1Unhashed => {
                "RSA PKCS#1 v1.5 padding around the text itself, not hashed".to_owned()
            }
            Algorithm::Pss {
                hash,
                mgf,
                salt_len,
            } => format!(
                "RSA-PSS with {}, MGF1 with {}, a {salt_len}-byte salt",
                hash.name(),
                mgf.name()
            ),
        }
    }
}

/// Reads `em`, the public operation's output (as many bytes as the modulus),
/// for a modulus of `mod_bits` bits.
pub(crate) fn read(em: &[u8], mod_bits: usize) -> Block {
    if let Some(payload) = pkcs1_payload(em) {
        return match HashAlg::from_digest_info(payload) {
            Some((hash, digest)) => Block::Pkcs1 {
                hash,
                digest: digest.to_vec(),
            },
            None => Block::Pkcs1Bare {
                payload: payload.to_vec(),
            },
        };
    }
    let found = pss_blocks(em, mod_bits);
    if found.is_empty() {
        Block::Garbage
    } else {
        Block::Pss(found)
    }
}

/// The payload after `00 01 FF…FF 00` (at least eight `FF`), if so padded.
fn pkcs1_payload(em: &[u8]) -> Option<&[u8]> {
    let rest = em.strip_prefix(&[0x00, 0x01])?;
    let ff = rest.iter().take_while(|&&b| b == 0xff).count();
    if ff < 8 {
        return None;
    }
    rest[ff..].strip_prefix(&[0x00])
}

/// Every (hash, MGF1 hash) pair under which `em` decodes as EMSA-PSS.
fn pss_blocks(em: &[u8], mod_bits: usize) -> Vec<PssBlock> {
    let em_bits = mod_bits.saturating_sub(1);
    let em_len = em_bits.div_ceil(8);
    // The public operation gives as many bytes as the modulus; EM is its
    // low `em_len` bytes, and any byte above must be zero.
    let Some(split) = em.len().checked_sub(em_len) else {
        return Vec::new();
    };
    if em[..split].iter().any(|&b| b != 0) || em.last() != Some(&0xbc) {
        return Vec::new();
    }
    let em = &em[split..];
    let zero_bits = 8 * em_len - em_bits;
    let top_mask = 0xffu8.checked_shr(zero_bits as u32).unwrap_or(0);
    if em.first().is_some_and(|b| b & !top_mask != 0) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for hash in HashAlg::COMPUTABLE {
        let h_len = hash.len();
        if em_len < h_len + 2 {
            continue;
        }
        let db_len = em_len - h_len - 1;
        let (masked_db, rest) = em.split_at(db_len);
        let h = &rest[..h_len];
        for mgf in HashAlg::COMPUTABLE {
            let mask = mgf1(mgf, h, db_len);
            let mut db: Vec<u8> = masked_db.iter().zip(&mask).map(|(a, b)| a ^ b).collect();
            if let Some(first) = db.first_mut() {
                *first &= top_mask;
            }
            let zeros = db.iter().take_while(|&&b| b == 0).count();
            if db.get(zeros) == Some(&0x01) {
                out.push(PssBlock {
                    hash,
                    mgf,
                    salt: db[zeros + 1..].to_vec(),
                    h: h.to_vec(),
                });
            }
        }
    }
    out
}

impl Block {
    /// The algorithm under which `text` is what was signed, if it is.
    pub(crate) fn signed(&self, text: &[u8]) -> Option<Algorithm> {
        match self {
            Block::Pkcs1 { hash, digest } => (*hash != HashAlg::Md5
                && hash.digest(&[text]) == *digest)
                .then_some(Algorithm::Pkcs1(*hash)),
            Block::Pkcs1Bare { payload } => {
                if payload.as_slice() == text {
                    return Some(Algorithm::Pkcs1Unhashed);
                }
                HashAlg::COMPUTABLE
                    .into_iter()
                    .filter(|h| h.len() == payload.len())
                    .find(|h| h.digest(&[text]) == *payload)
                    .map(Algorithm::Pkcs1NoDigestInfo)
            }
            Block::Pss(blocks) => blocks.iter().find_map(|p| {
                let m_hash = p.hash.digest(&[text]);
                (p.hash.digest(&[&[0u8; 8], &m_hash, &p.salt]) == p.h).then_some(Algorithm::Pss {
                    hash: p.hash,
                    mgf: p.mgf,
                    salt_len: p.salt.len(),
                })
            }),
            Block::Garbage => None,
        }
    }

    /// What can be said of the algorithm when no text matched; `None` when
    /// the block tells nothing reliable (a PSS structure under different
    /// message and MGF1 hashes can happen by chance in random bytes).
    pub(crate) fn algorithm_without_text(&self) -> Option<String> {
        match self {
            Block::Pkcs1 { hash, .. } => Some(Algorithm::Pkcs1(*hash).describe()),
            Block::Pkcs1Bare { payload } => Some(format!(
                "RSA PKCS#1 v1.5 padding around a {}-byte payload that is not a DigestInfo",
                payload.len()
            )),
            Block::Pss(blocks) => blocks.iter().find(|p| p.hash == p.mgf).map(|p| {
                format!(
                    "probably RSA-PSS with {} (a {}-byte salt)",
                    p.hash.name(),
                    p.salt.len()
                )
            }),
            Block::Garbage => None,
        }
    }

    /// Whether the block proves, by itself, that the signature was made by
    /// this key's pair. A PSS structure only under different message and
    /// MGF1 hashes does not (it needs a matching text to count).
    pub(crate) fn is_proof(&self) -> bool {
        self.algorithm_without_text().is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pkcs1_block(len: usize, payload: &[u8]) -> Vec<u8> {
        let mut em = vec![0x00, 0x01];
        em.resize(len - payload.len() - 1, 0xff);
        em.push(0x00);
        em.extend_from_slice(payload);
        em
    }

    #[test]
    fn reads_pkcs1_blocks() {
        let digest = HashAlg::Sha1.digest(&[b"text"]);
        let mut payload = vec![
            0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04,
            0x14,
        ];
        payload.extend(&digest);
        let block = read(&pkcs1_block(256, &payload), 2048);
        assert_eq!(block.signed(b"text"), Some(Algorithm::Pkcs1(HashAlg::Sha1)));
        assert_eq!(block.signed(b"other"), None);

        let bare = read(&pkcs1_block(256, &digest), 2048);
        assert_eq!(
            bare.signed(b"text"),
            Some(Algorithm::Pkcs1NoDigestInfo(HashAlg::Sha1))
        );
        let unhashed = read(&pkcs1_block(256, b"text"), 2048);
        assert_eq!(unhashed.signed(b"text"), Some(Algorithm::Pkcs1Unhashed));

        // Too little padding, or a wrong block type: garbage.
        let mut short = vec![0x00, 0x01, 0xff, 0x00];
        short.extend(&payload);
        assert!(matches!(read(&short, 8 * short.len()), Block::Garbage));
        let mut type2 = pkcs1_block(256, &payload);
        type2[1] = 0x02;
        assert!(matches!(read(&type2, 2048), Block::Garbage));
    }

    /// EMSA-PSS-ENCODE (RFC 8017 §9.1.1) with a given salt.
    fn pss_encode(
        text: &[u8],
        hash: HashAlg,
        mgf: HashAlg,
        salt: &[u8],
        mod_bits: usize,
    ) -> Vec<u8> {
        let em_bits = mod_bits - 1;
        let em_len = em_bits.div_ceil(8);
        let m_hash = hash.digest(&[text]);
        let h = hash.digest(&[&[0u8; 8], &m_hash, salt]);
        let db_len = em_len - hash.len() - 1;
        let mut db = vec![0u8; db_len - salt.len() - 1];
        db.push(0x01);
        db.extend_from_slice(salt);
        let mask = mgf1(mgf, &h, db_len);
        let mut em: Vec<u8> = db.iter().zip(&mask).map(|(a, b)| a ^ b).collect();
        em[0] &= 0xff >> (8 * em_len - em_bits);
        em.extend(h);
        em.push(0xbc);
        let mut out = vec![0u8; mod_bits.div_ceil(8) - em_len];
        out.extend(em);
        out
    }

    #[test]
    fn reads_pss_blocks_of_any_salt_and_modulus_size() {
        for (mod_bits, salt_len, hash, mgf) in [
            (2048, 32, HashAlg::Sha256, HashAlg::Sha256),
            (2048, 222, HashAlg::Sha256, HashAlg::Sha256),
            (2048, 0, HashAlg::Sha256, HashAlg::Sha1),
            (2049, 20, HashAlg::Sha1, HashAlg::Sha1),
            (4096, 64, HashAlg::Sha512, HashAlg::Sha512),
        ] {
            let salt: Vec<u8> = (0..salt_len).map(|i| i as u8 ^ 0x5a).collect();
            let em = pss_encode(b"text", hash, mgf, &salt, mod_bits);
            let block = read(&em, mod_bits);
            assert_eq!(
                block.signed(b"text"),
                Some(Algorithm::Pss {
                    hash,
                    mgf,
                    salt_len
                }),
                "{mod_bits} {salt_len} {hash:?} {mgf:?}"
            );
            assert_eq!(block.signed(b"texT"), None);
        }
    }
}
