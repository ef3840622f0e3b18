//! Decoding the `Signature` header as sent, however it was mangled: the
//! provider wants standard, padded Base64 of the signature bytes. Every
//! other encoding the doctor can undo (URL-safe Base64, hex, line breaks,
//! spaces, `+` turned into spaces, quotes, a pasted `Signature:` prefix,
//! JSON or URL escapes, encoding twice, no encoding at all) is undone and
//! reported, so the rest of the diagnosis still runs.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};

/// The longest header the doctor tries to decode.
const MAX_HEADER: usize = 16 * 1024;

/// One way the header differs from standard padded Base64.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Issue {
    Empty,
    Prefix(String),
    Quoted,
    JsonEscapes,
    PercentEncoded,
    LineBreaks,
    Spaces,
    PlusBecameSpace,
    UrlSafe,
    Hex,
    Unpadded,
    EncodedTwice,
    NotEncoded,
    Undecodable,
}

impl Issue {
    /// What this issue is, for the finding's message.
    pub(crate) fn describe(&self) -> String {
        match self {
            Issue::Empty => "the header is empty".to_owned(),
            Issue::Prefix(p) => format!("it starts with `{p}`, which is not part of the signature"),
            Issue::Quoted => "it is wrapped in quotes".to_owned(),
            Issue::JsonEscapes => {
                "it has JSON escapes (`\\/` or `\\n`: the value was JSON-encoded, as PHP's json_encode does)".to_owned()
            }
            Issue::PercentEncoded => "it is URL-encoded (`%2B`, `%2F`, `%3D`)".to_owned(),
            Issue::LineBreaks => {
                "it has line breaks (MIME Base64: `openssl base64` without `-A`, Java's getMimeEncoder, PHP's chunk_split)".to_owned()
            }
            Issue::Spaces => "it has spaces or tabs inside".to_owned(),
            Issue::PlusBecameSpace => {
                "its `+` characters became spaces (the value went through URL or form decoding)".to_owned()
            }
            Issue::UrlSafe => "it is URL-safe Base64 (`-` and `_` instead of `+` and `/`)".to_owned(),
            Issue::Hex => "it is hexadecimal, not Base64".to_owned(),
            Issue::Unpadded => {
                "its Base64 has no `=` padding (some decoders accept that, the documented format has it)".to_owned()
            }
            Issue::EncodedTwice => "it was encoded twice (Base64 of the Base64 or hex text)".to_owned(),
            Issue::NotEncoded => "it is the raw signature bytes, not encoded at all".to_owned(),
            Issue::Undecodable => {
                "it is not Base64, hex or raw signature bytes of any expected length".to_owned()
            }
        }
    }
}

/// The header decoded as well as possible.
#[derive(Debug)]
pub(crate) struct Decoded {
    /// The signature bytes (empty when nothing decodes).
    pub(crate) bytes: Vec<u8>,
    /// Every difference from standard padded Base64, in the order undone.
    pub(crate) issues: Vec<Issue>,
}

/// One way to read the header: the bytes and what had to be undone.
struct Reading {
    bytes: Vec<u8>,
    issues: Vec<Issue>,
}

fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// Percent-decodes `%XX` sequences; `None` if there is none.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    let mut any = false;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(v)) => {
                out.push(v);
                any = true;
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    if any {
        String::from_utf8(out).ok()
    } else {
        None
    }
}

fn hex_decode(text: &str) -> Option<Vec<u8>> {
    if text.is_empty() || text.len() % 2 == 1 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The Base64 and hex readings of compact `text` (no whitespace), each with
/// the issues it implies; the standard reading first.
fn readings_of(text: &str) -> Vec<Reading> {
    let mut out = Vec::new();
    let padded = text.ends_with('=');
    if let Ok(bytes) = STANDARD.decode(text) {
        out.push(Reading {
            bytes,
            issues: Vec::new(),
        });
    } else if let Ok(bytes) = STANDARD_NO_PAD.decode(text) {
        out.push(Reading {
            bytes,
            issues: vec![Issue::Unpadded],
        });
    }
    if text.contains(['-', '_']) {
        let decoded = URL_SAFE
            .decode(text)
            .ok()
            .map(|b| (b, padded))
            .or_else(|| URL_SAFE_NO_PAD.decode(text).ok().map(|b| (b, false)));
        if let Some((bytes, padded)) = decoded {
            let mut issues = vec![Issue::UrlSafe];
            // Unpadded is part of what URL-safe Base64 usually is; say it once.
            if !padded && !text.len().is_multiple_of(4) {
                issues.push(Issue::Unpadded);
            }
            out.push(Reading { bytes, issues });
        }
    }
    if let Some(bytes) = hex_decode(text) {
        out.push(Reading {
            bytes,
            issues: vec![Issue::Hex],
        });
    }
    out
}

/// Decodes `header`, preferring a reading whose length is one of `sizes`
/// (the signature sizes of the keys at hand), then one a few bytes short of
/// or one longer than a size (leading zero bytes dropped or added), then any.
pub(crate) fn decode(header: &[u8], sizes: &[usize]) -> Decoded {
    // Far above any encoding of an 8192-bit signature (hex: 2 KiB): not tried.
    if header.len() > MAX_HEADER {
        return Decoded {
            bytes: Vec::new(),
            issues: vec![Issue::Undecodable],
        };
    }
    let mut issues = Vec::new();
    let is_text = header
        .iter()
        .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace());
    if !is_text || std::str::from_utf8(header).is_err() {
        if sizes.contains(&header.len()) {
            return Decoded {
                bytes: header.to_vec(),
                issues: vec![Issue::NotEncoded],
            };
        }
        return Decoded {
            bytes: Vec::new(),
            issues: vec![Issue::Undecodable],
        };
    }
    let mut text = String::from_utf8_lossy(header).trim().to_owned();
    if text.is_empty() {
        return Decoded {
            bytes: Vec::new(),
            issues: vec![Issue::Empty],
        };
    }
    loop {
        let before = text.clone();
        for prefix in ["Signature:", "Signature=", "Bearer ", "Basic ", "base64:"] {
            if let Some(rest) = strip_prefix_ci(&text, prefix) {
                issues.push(Issue::Prefix(prefix.trim_end().to_owned()));
                text = rest.trim().to_owned();
            }
        }
        for q in ['"', '\''] {
            if text.len() >= 2 && text.starts_with(q) && text.ends_with(q) {
                issues.push(Issue::Quoted);
                text = text[1..text.len() - 1].trim().to_owned();
            }
        }
        if text == before {
            break;
        }
    }
    if text.contains("\\/") || text.contains("\\n") || text.contains("\\r") {
        issues.push(Issue::JsonEscapes);
        text = text
            .replace("\\/", "/")
            .replace("\\r", "")
            .replace("\\n", "");
    }
    if let Some(decoded) = percent_decode(&text) {
        issues.push(Issue::PercentEncoded);
        text = decoded;
    }
    let mut readings = Vec::new();
    let has_breaks = text.contains(['\n', '\r']);
    let has_spaces = text.contains([' ', '\t']);
    let without_ws: String = text.split_ascii_whitespace().collect();
    let mut ws_issues = Vec::new();
    if has_breaks {
        ws_issues.push(Issue::LineBreaks);
    }
    if has_spaces {
        ws_issues.push(Issue::Spaces);
    }
    for r in readings_of(&without_ws) {
        readings.push(Reading {
            bytes: r.bytes,
            issues: [ws_issues.clone(), r.issues].concat(),
        });
    }
    if has_spaces {
        let plus: String = text.replace(' ', "+").split_ascii_whitespace().collect();
        let mut plus_issues = vec![Issue::PlusBecameSpace];
        if has_breaks {
            plus_issues.insert(0, Issue::LineBreaks);
        }
        for r in readings_of(&plus) {
            readings.push(Reading {
                bytes: r.bytes,
                issues: [plus_issues.clone(), r.issues].concat(),
            });
        }
    }
    // Encoded twice: the decoded bytes are themselves Base64 or hex text.
    let twice: Vec<Reading> = readings
        .iter()
        .filter_map(|r| {
            let inner = std::str::from_utf8(&r.bytes).ok()?;
            let inner: String = inner.split_ascii_whitespace().collect();
            let inner_reading = readings_of(&inner)
                .into_iter()
                .find(|x| sizes.contains(&x.bytes.len()))?;
            let mut issues = r.issues.clone();
            issues.push(Issue::EncodedTwice);
            issues.extend(inner_reading.issues);
            Some(Reading {
                bytes: inner_reading.bytes,
                issues,
            })
        })
        .collect();
    readings.extend(twice);

    let near = |len: usize| {
        sizes
            .iter()
            .any(|&k| (len < k && len + 3 >= k) || len == k + 1)
    };
    let chosen = readings
        .iter()
        .position(|r| sizes.contains(&r.bytes.len()))
        .or_else(|| readings.iter().position(|r| near(r.bytes.len())))
        .or_else(|| (!readings.is_empty()).then_some(0));
    match chosen.and_then(|i| readings.into_iter().nth(i)) {
        Some(r) => {
            issues.extend(r.issues);
            Decoded {
                bytes: r.bytes,
                issues,
            }
        }
        None if sizes.contains(&header.len()) => Decoded {
            bytes: header.to_vec(),
            issues: vec![Issue::NotEncoded],
        },
        None => {
            issues.push(Issue::Undecodable);
            Decoded {
                bytes: Vec::new(),
                issues,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sig() -> Vec<u8> {
        // 256 bytes with every Base64 character class represented.
        (0..=255u8)
            .map(|i| i.wrapping_mul(151).wrapping_add(7))
            .collect()
    }

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    fn check(header: &str, want: &[Issue]) {
        let d = decode(header.as_bytes(), &[256]);
        assert_eq!(d.bytes, sig(), "{header:?}");
        assert_eq!(d.issues, want, "{header:?}");
    }

    #[test]
    fn standard_base64_has_no_issue() {
        let b64 = STANDARD.encode(sig());
        assert!(b64.contains('+') && b64.contains('/') && b64.ends_with('='));
        check(&b64, &[]);
        check(&format!(" {b64}\r\n"), &[]);
    }

    #[test]
    fn every_mangling_is_undone_and_named() {
        let b64 = STANDARD.encode(sig());
        let url = URL_SAFE_NO_PAD.encode(sig());
        let wrapped: Vec<String> = b64
            .as_bytes()
            .chunks(64)
            .map(|c| String::from_utf8(c.to_vec()).unwrap())
            .collect();
        check(b64.trim_end_matches('='), &[Issue::Unpadded]);
        check(&url, &[Issue::UrlSafe, Issue::Unpadded]);
        check(&URL_SAFE.encode(sig()), &[Issue::UrlSafe]);
        check(&hex(&sig()), &[Issue::Hex]);
        check(&hex(&sig()).to_uppercase(), &[Issue::Hex]);
        check(&wrapped.join("\n"), &[Issue::LineBreaks]);
        check(&wrapped.join("\r\n"), &[Issue::LineBreaks]);
        check(&b64.replace('+', " "), &[Issue::PlusBecameSpace]);
        check(&format!("\"{b64}\""), &[Issue::Quoted]);
        check(
            &format!("Signature: {b64}"),
            &[Issue::Prefix("Signature:".into())],
        );
        check(&format!("Bearer {b64}"), &[Issue::Prefix("Bearer".into())]);
        check(&b64.replace('/', "\\/"), &[Issue::JsonEscapes]);
        check(
            &b64.replace('+', "%2B")
                .replace('/', "%2F")
                .replace('=', "%3D"),
            &[Issue::PercentEncoded],
        );
        check(&STANDARD.encode(&b64), &[Issue::EncodedTwice]);
        check(
            &STANDARD.encode(hex(&sig())),
            &[Issue::EncodedTwice, Issue::Hex],
        );
    }

    #[test]
    fn raw_bytes_empty_and_garbage() {
        let d = decode(&sig(), &[256]);
        assert_eq!((d.bytes, d.issues), (sig(), vec![Issue::NotEncoded]));
        assert_eq!(decode(b"  ", &[256]).issues, vec![Issue::Empty]);
        assert_eq!(decode(b"%%%!", &[256]).issues, vec![Issue::Undecodable]);
        let huge = STANDARD.encode(vec![1u8; 13 * 1024]);
        assert_eq!(
            decode(huge.as_bytes(), &[256]).issues,
            vec![Issue::Undecodable]
        );
        // Decodes, but to another length: kept, for `wrong_length`.
        let d = decode(STANDARD.encode([1u8; 512]).as_bytes(), &[256]);
        assert_eq!((d.bytes.len(), d.issues), (512, vec![]));
    }
}
