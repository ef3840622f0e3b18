//! The texts a signer may have signed instead of the signing string, tried
//! simplest first: the exact string; then every single mistake (another
//! order of the four values, a separator between or around them, another
//! text or field for one value, a value left out, the whole body, a digest
//! of the string); then every pair of value mistakes. A few thousand
//! candidates, each costing one hash (the RSA operation is done once).

use super::body::BodyValues;
use super::encoded::{Algorithm, Block};
use super::reformat::{Style, reformat};
use super::variants::{self, Variant};
use base64::Engine as _;

/// Separators seen between (or around) the values, with a readable name.
pub(crate) const SEPARATORS: [(&str, &str); 13] = [
    (" ", "a space"),
    (",", "a comma"),
    (", ", "a comma and a space"),
    ("|", "a pipe (`|`)"),
    ("+", "a plus sign (the page's `a+b+c+d` taken literally)"),
    ("\n", "a newline"),
    ("\r\n", "a CRLF line break"),
    ("\t", "a tab"),
    ("&", "an ampersand (`&`)"),
    (":", "a colon"),
    (";", "a semicolon"),
    ("-", "a hyphen"),
    ("_", "an underscore"),
];

/// Where a separator goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Placement {
    Between,
    After,
    Before,
    BetweenAndAfter,
    BeforeAndAfter,
    Everywhere,
}

const PLACEMENTS: [Placement; 6] = [
    Placement::Between,
    Placement::After,
    Placement::Before,
    Placement::BetweenAndAfter,
    Placement::BeforeAndAfter,
    Placement::Everywhere,
];

impl Placement {
    fn before(self) -> bool {
        matches!(
            self,
            Placement::Before | Placement::BeforeAndAfter | Placement::Everywhere
        )
    }
    fn between(self) -> bool {
        matches!(
            self,
            Placement::Between | Placement::BetweenAndAfter | Placement::Everywhere
        )
    }
    fn after(self) -> bool {
        matches!(
            self,
            Placement::After
                | Placement::BetweenAndAfter
                | Placement::BeforeAndAfter
                | Placement::Everywhere
        )
    }

    /// Where, in words.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Placement::Between => "between the values",
            Placement::After => "after the values",
            Placement::Before => "before the values",
            Placement::BetweenAndAfter => "between and after the values",
            Placement::BeforeAndAfter => "before and after the values",
            Placement::Everywhere => "before, between and after the values",
        }
    }
}

/// The body itself, signed in one of its forms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BodyForm {
    AsSent,
    Trimmed,
    WithNewline,
    Styled(Style),
}

/// The signing string hashed before signing (the signature hashes again).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Prehash {
    HexLower,
    HexUpper,
    Base64,
    Raw,
}

/// A description of a candidate text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Explanation {
    /// Built from the four values: `perm` is the order of the slots signed,
    /// `variants` the index of each slot's text, `sep` an index into
    /// [`SEPARATORS`] and its placement, `dropped` a slot left out.
    Values {
        perm: [usize; 4],
        sep: Option<(usize, Placement)>,
        variants: [usize; 4],
        dropped: Option<usize>,
    },
    Body(BodyForm),
    Prehashed(Prehash),
}

/// A candidate that matched: how it was built, its text and the algorithm.
#[derive(Clone, Debug)]
pub(crate) struct Match {
    pub(crate) explanation: Explanation,
    pub(crate) text: Vec<u8>,
    pub(crate) algorithm: Algorithm,
}

/// All 24 orders of four slots, the right one first.
fn permutations() -> Vec<[usize; 4]> {
    let mut out = Vec::with_capacity(24);
    for a in 0..4 {
        for b in 0..4 {
            for c in 0..4 {
                for d in 0..4 {
                    let p = [a, b, c, d];
                    if (0..4).all(|x| p.contains(&x)) {
                        out.push(p);
                    }
                }
            }
        }
    }
    out
}

/// Everything the search needs, built once.
pub(crate) struct Search<'a> {
    variants: [Vec<Variant>; 4],
    perms: Vec<[usize; 4]>,
    seps: Vec<(usize, Placement)>,
    body: &'a [u8],
    block: &'a Block,
    buf: Vec<u8>,
    /// How many candidate texts were tried.
    tried: usize,
}

/// The number of dimensions of a values candidate: order, separator, four
/// slot texts, a dropped slot.
const DIMS: usize = 7;

impl<'a> Search<'a> {
    pub(crate) fn new(values: &BodyValues, body: &'a [u8], block: &'a Block) -> Search<'a> {
        let seps = (0..SEPARATORS.len())
            .flat_map(|s| PLACEMENTS.iter().map(move |&p| (s, p)))
            .collect();
        Search {
            variants: variants::of(values),
            perms: permutations(),
            seps,
            body,
            block,
            buf: Vec::with_capacity(256),
            tried: 0,
        }
    }

    /// Options per dimension (option 0 is "no mistake").
    fn options(&self, dim: usize) -> usize {
        match dim {
            0 => self.perms.len(),
            1 => self.seps.len() + 1,
            2..=5 => self.variants[dim - 2].len(),
            _ => 5,
        }
    }

    /// The candidate for `choice`, into `self.buf`; `false` to skip it.
    fn build(&mut self, choice: &[usize; DIMS]) -> bool {
        let dropped = choice[6].checked_sub(1);
        if let Some(d) = dropped
            && choice[2 + d] != 0
        {
            return false;
        }
        let perm = self.perms[choice[0]];
        let sep = choice[1]
            .checked_sub(1)
            .map(|i| self.seps[i])
            .map(|(s, p)| (SEPARATORS[s].0.as_bytes(), p));
        self.buf.clear();
        if let Some((s, p)) = sep
            && p.before()
        {
            self.buf.extend_from_slice(s);
        }
        let mut first = true;
        for &slot in &perm {
            if Some(slot) == dropped {
                continue;
            }
            if let Some((s, p)) = sep
                && !first
                && p.between()
            {
                self.buf.extend_from_slice(s);
            }
            first = false;
            self.buf
                .extend_from_slice(self.variants[slot][choice[2 + slot]].text.as_bytes());
        }
        if let Some((s, p)) = sep
            && p.after()
        {
            self.buf.extend_from_slice(s);
        }
        true
    }

    fn explain(&self, choice: &[usize; DIMS]) -> Explanation {
        Explanation::Values {
            perm: self.perms[choice[0]],
            sep: choice[1].checked_sub(1).map(|i| self.seps[i]),
            variants: [choice[2], choice[3], choice[4], choice[5]],
            dropped: choice[6].checked_sub(1),
        }
    }

    /// Walks every choice with exactly `budget` mistakes from dimension `dim`.
    fn walk(&mut self, dim: usize, budget: usize, choice: &mut [usize; DIMS]) -> Option<Match> {
        if dim == DIMS {
            if budget != 0 || !self.build(choice) {
                return None;
            }
            self.tried += 1;
            let algorithm = self.block.signed(&self.buf)?;
            return Some(Match {
                explanation: self.explain(choice),
                text: self.buf.clone(),
                algorithm,
            });
        }
        if DIMS - dim > budget
            && let Some(m) = self.walk(dim + 1, budget, choice)
        {
            return Some(m);
        }
        if budget > 0 {
            for option in 1..self.options(dim) {
                choice[dim] = option;
                let found = self.walk(dim + 1, budget - 1, choice);
                choice[dim] = 0;
                if found.is_some() {
                    return found;
                }
            }
        }
        None
    }

    /// The body's forms.
    fn body_forms(&self) -> Vec<(BodyForm, Vec<u8>)> {
        let mut out = vec![
            (BodyForm::AsSent, self.body.to_vec()),
            (BodyForm::Trimmed, self.body.trim_ascii().to_vec()),
            (
                BodyForm::WithNewline,
                [self.body.trim_ascii(), b"\n"].concat(),
            ),
        ];
        for style in [
            Style::Compact,
            Style::Spaced,
            Style::Pretty(2),
            Style::Pretty(4),
        ] {
            if let Some(text) = reformat(self.body, style) {
                out.push((BodyForm::Styled(style), text));
            }
        }
        out
    }

    /// The signing string's SHA-256, written the ways people write digests.
    fn prehashed(&self, signing_string: &[u8]) -> Vec<(Prehash, Vec<u8>)> {
        let digest = super::hash::HashAlg::Sha256.digest(&[signing_string]);
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        vec![
            (Prehash::HexLower, hex.clone().into_bytes()),
            (Prehash::HexUpper, hex.to_uppercase().into_bytes()),
            (
                Prehash::Base64,
                base64::engine::general_purpose::STANDARD
                    .encode(&digest)
                    .into_bytes(),
            ),
            (Prehash::Raw, digest),
        ]
    }

    /// The simplest explanation of the signature, if any candidate matches.
    pub(crate) fn run(&mut self, max_mistakes: usize) -> Option<Match> {
        let mut choice = [0usize; DIMS];
        if let Some(m) = self.walk(0, 0, &mut choice) {
            return Some(m);
        }
        if max_mistakes == 0 {
            return None;
        }
        if let Some(m) = self.walk(0, 1, &mut choice) {
            return Some(m);
        }
        let signing_string = {
            self.build(&choice);
            self.buf.clone()
        };
        let singles = self
            .body_forms()
            .into_iter()
            .map(|(f, t)| (Explanation::Body(f), t))
            .chain(
                self.prehashed(&signing_string)
                    .into_iter()
                    .map(|(p, t)| (Explanation::Prehashed(p), t)),
            );
        for (explanation, text) in singles {
            self.tried += 1;
            if let Some(algorithm) = self.block.signed(&text) {
                return Some(Match {
                    explanation,
                    text,
                    algorithm,
                });
            }
        }
        (2..=max_mistakes).find_map(|budget| self.walk(0, budget, &mut choice))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::hash::HashAlg;

    #[test]
    fn the_worst_case_tries_a_few_thousand_texts() {
        let body = br#"{"order":{"orderReference":"OR28922980077","orderAmount":2,"countryCode":"KE"},"customer":{"phoneNumber":"0722000111"},"payment":{"paymentReference":"MKQR28922980073","paymentCurrency":"KES","details":{"msisdn":"0722000000","paymentAmount":2}}}"#;
        let values = BodyValues::read(body).unwrap();
        // A block no text matches: every candidate is tried.
        let block = Block::Pkcs1 {
            hash: HashAlg::Sha256,
            digest: vec![0; 32],
        };
        let mut search = Search::new(&values, body, &block);
        assert!(search.run(2).is_none());
        // Bounded: a combinatorial slip here would blow the 50 ms budget.
        assert!((3_000..12_000).contains(&search.tried), "{}", search.tried);
        let mut one = Search::new(&values, body, &block);
        assert!(one.run(1).is_none());
        assert!(
            one.tried < search.tried / 4,
            "{} {}",
            one.tried,
            search.tried
        );
    }

    #[test]
    fn permutations_are_all_24_identity_first() {
        let p = permutations();
        assert_eq!(p.len(), 24);
        assert_eq!(p[0], [0, 1, 2, 3]);
        let mut sorted = p.clone();
        sorted.dedup();
        assert_eq!(sorted.len(), 24);
    }

    #[test]
    fn placements_put_separators_where_they_say() {
        let values = BodyValues {
            values: ["R", "C", "M", "A"].map(String::from),
            ..BodyValues::default()
        };
        let block = Block::Garbage;
        let mut s = Search::new(&values, b"{}", &block);
        let sep = 1 + s
            .seps
            .iter()
            .position(|&x| x == (0, Placement::Everywhere))
            .unwrap();
        assert!(s.build(&[0, sep, 0, 0, 0, 0, 0]));
        assert_eq!(s.buf, b" R C M A ");
        let sep = 1 + s
            .seps
            .iter()
            .position(|&x| x == (5, Placement::After))
            .unwrap();
        assert!(s.build(&[1, sep, 0, 0, 0, 0, 2]));
        // perm 1 is [0, 1, 3, 2]; slot 1 (the currency) dropped.
        assert_eq!(s.buf, b"RAM\n");
    }
}
