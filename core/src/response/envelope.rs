//! The provider's common envelope, `{status, code, message, error_code, data}`,
//! read leniently, and the rejection for a body that is not such an envelope.

use serde_json::value::RawValue;

use super::classify::{Signals, classify, unreadable};
use super::{Endpoint, Rejection};
use crate::json::{self, Field, Kind, Limits, Shape, lenient};

/// The envelope's fields. `code` and `status` decide; the others are side
/// fields and never make the body unreadable.
pub(crate) struct Envelope {
    status: Option<Box<RawValue>>,
    pub(crate) code: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) error_code: Option<String>,
    pub(crate) data: Option<Box<RawValue>>,
}

static ENVELOPE: Shape = Shape::new(
    "Envelope",
    &[
        Field::optional("status", Kind::OptRaw),
        Field::optional("code", Kind::OptRaw),
        Field::optional("message", Kind::OptRaw),
        Field::optional("error_code", Kind::OptRaw),
        Field::optional("data", Kind::OptRaw),
    ],
);

/// A code sent as a string (trimmed) or an integer; anything else is no code.
fn code_text(raw: Option<Box<RawValue>>) -> Option<String> {
    let t = raw?;
    let t = t.get();
    let text = if t.starts_with('"') {
        json::string_of(t.as_bytes()).ok()?.trim().to_owned()
    } else {
        t.to_owned()
    };
    let digits = text.strip_prefix('-').unwrap_or(&text);
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some(text)
}

/// Reads `body` as the provider's envelope; a body that is not one (not
/// JSON, not an object, over the limits, a repeated key) is returned as the
/// rejection its HTTP status calls for, with an excerpt of it for logs.
pub(crate) fn read_answer(
    endpoint: Endpoint,
    http_status: u16,
    body: &[u8],
    limits: &Limits,
) -> Result<Envelope, Rejection> {
    match json::parse(body, limits, &ENVELOPE) {
        Ok(mut e) => Ok(Envelope {
            status: e.raw("status"),
            code: code_text(e.raw("code")),
            message: lenient::text(e.raw("message")),
            error_code: lenient::text(e.raw("error_code")),
            data: e.raw("data"),
        }),
        Err(_) => Err(unreadable_answer(endpoint, http_status, body)),
    }
}

/// The rejection for a body that is not the provider's JSON envelope. The
/// token endpoint's answers keep no excerpt: its request carries the API key
/// and the consumer secret, which a misbehaving gateway could echo back in
/// a form too short to recognise.
pub(crate) fn unreadable_answer(endpoint: Endpoint, http_status: u16, body: &[u8]) -> Rejection {
    let (kind, action) = unreadable(endpoint, http_status);
    Rejection {
        http_status,
        provider_code: None,
        message: None,
        error_code: None,
        kind,
        action,
        body_excerpt: match endpoint {
            Endpoint::Token => None,
            Endpoint::Init | Endpoint::Status => excerpt(body),
        },
    }
}

impl Envelope {
    /// `status` as a boolean: `true`/`false`, or the strings `"true"`/`"false"`.
    pub(crate) fn status(&self) -> Option<bool> {
        match self.status.as_ref().map(|r| r.get()) {
            Some("true" | "\"true\"") => Some(true),
            Some("false" | "\"false\"") => Some(false),
            _ => None,
        }
    }

    /// The rejection this (non-accepting) envelope stands for.
    pub(crate) fn rejection(&self, endpoint: Endpoint, http_status: u16) -> Rejection {
        let signals = Signals::from_message(self.status() == Some(false), self.message.as_deref());
        let (kind, action) = classify(endpoint, http_status, self.code.as_deref(), signals);
        Rejection {
            http_status,
            provider_code: self.code.clone(),
            message: self.message.clone(),
            error_code: self.error_code.clone(),
            kind,
            action,
            body_excerpt: None,
        }
    }
}

/// The longest excerpt kept, in characters.
const EXCERPT_CHARS: usize = 120;
/// Runs of token-like characters at least this long are redacted.
const TOKEN_RUN: usize = 24;

/// The first words of a body that is not JSON: tags and control characters
/// removed, whitespace collapsed, long token-like runs (a JWT, a key, a
/// secret) redacted. `None` when nothing readable is left, and for a body
/// that looks like JSON (`{…` or `[…`): a malformed provider document may
/// carry a token, and its shape says nothing a log needs.
pub(crate) fn excerpt(body: &[u8]) -> Option<String> {
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if matches!(first, Some(b'{' | b'[')) {
        return None;
    }
    let head = &body[..body.len().min(4096)];
    let mut text = String::from_utf8_lossy(head).into_owned();
    if head.len() < body.len() {
        // Cut mid-word: drop the word's start, which may be a token's.
        let keep = text
            .trim_end_matches(|c: char| !c.is_whitespace() && c != '>')
            .len();
        text.truncate(keep);
    }
    let mut plain = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => {
                in_tag = true;
                plain.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if in_tag => {}
            c if c.is_control() || c.is_whitespace() => plain.push(' '),
            c => plain.push(c),
        }
    }
    let words: Vec<String> = plain.split_whitespace().map(redact_runs).collect();
    let joined = words.join(" ");
    if joined.is_empty() {
        return None;
    }
    let mut out: String = joined.chars().take(EXCERPT_CHARS).collect();
    if out.len() < joined.len() {
        out.push('…');
    }
    Some(out)
}

/// A word with every run of token-like characters (`A-Za-z0-9+/=._-`) of
/// [`TOKEN_RUN`] or more replaced by `<redacted>`.
fn redact_runs(word: &str) -> String {
    let token_char = |c: char| c.is_ascii_alphanumeric() || "+/=._-".contains(c);
    let mut out = String::with_capacity(word.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() >= TOKEN_RUN {
            out.push_str("<redacted>");
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in word.chars() {
        if token_char(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_short_plain_and_secret_free() {
        let html =
            b"<html><head><title>502 Bad Gateway</title></head>\r\n<body>nginx</body></html>";
        assert_eq!(excerpt(html).as_deref(), Some("502 Bad Gateway nginx"));
        assert_eq!(excerpt(b""), None);
        assert_eq!(excerpt(b"<br/>  \n"), None);
        let jwt = format!("token {} leaked", "eyJhbGciOiJSUzI1NiJ9.".repeat(3));
        assert_eq!(
            excerpt(jwt.as_bytes()).as_deref(),
            Some("token <redacted> leaked")
        );
        let quoted = "error: accessToken=\"eyJhbGciOiJSUzI1NiJ9.Acc3ss-T0ken\" refused";
        assert_eq!(
            excerpt(quoted.as_bytes()).as_deref(),
            Some("error: accessToken=\"<redacted>\" refused")
        );
        // Anything shaped like JSON gets no excerpt at all.
        assert_eq!(excerpt(b" {\"accessToken\":\"abc\"} trailing"), None);
        assert_eq!(excerpt(b"[1,2]"), None);
        let long = "word ".repeat(100);
        let e = excerpt(long.as_bytes()).unwrap();
        assert!(
            e.chars().count() <= EXCERPT_CHARS + 1 && e.ends_with('…'),
            "{e}"
        );
        assert_eq!(
            excerpt(b"\xff\xfeplain\x00text").as_deref(),
            Some("\u{fffd}\u{fffd}plain text")
        );
        // A token cut by the 4096-byte window shows none of its characters.
        let straddling = format!("{}eyJhbGciOiJSUzI1NiJ9.Acc3ss-T0ken tail", " ".repeat(4080));
        assert_eq!(excerpt(straddling.as_bytes()), None);
    }

    #[test]
    fn codes_are_strings_or_integers() {
        let raw = |t: &str| RawValue::from_string(t.to_owned()).ok();
        assert_eq!(code_text(raw("\" 0 \"")).as_deref(), Some("0"));
        assert_eq!(code_text(raw("-1")).as_deref(), Some("-1"));
        assert_eq!(code_text(raw("106201")).as_deref(), Some("106201"));
        for bad in ["[0]", "1.5", "\"\"", "true", "\"abc\"", "\"-\""] {
            assert_eq!(code_text(raw(bad)), None, "{bad}");
        }
    }
}
