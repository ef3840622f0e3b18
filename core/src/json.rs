//! Reading the peer's JSON safely: size and depth limits checked before
//! parsing, errors that name the JSON path, and field helpers for what the
//! provider sends loosely (codes as strings or numbers, exact amounts).

use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer, Error as _};
use serde_json::value::RawValue;

use crate::amount::Amount;
use crate::error::{ParseError, ParseErrorKind};

/// Limits applied to every body received from the peer, before parsing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The largest body accepted, in bytes (default 64 KiB).
    pub max_body_bytes: usize,
    /// The deepest nesting of arrays and objects accepted (default 32; the
    /// provider's documents nest 6 deep, serde_json's own limit is 128).
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: 64 * 1024,
            max_depth: 32,
        }
    }
}

/// Checks size and nesting in one pass over the bytes, allocating nothing.
pub(crate) fn check_limits(body: &[u8], limits: &Limits) -> Result<(), ParseError> {
    if body.len() > limits.max_body_bytes {
        return Err(ParseError::new(
            ParseErrorKind::BodyTooLarge,
            None,
            format!(
                "the body is {} bytes; the limit is {} bytes",
                body.len(),
                limits.max_body_bytes
            ),
        ));
    }
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &b in body {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limits.max_depth {
                    return Err(ParseError::new(
                        ParseErrorKind::TooDeep,
                        None,
                        format!("the JSON nests deeper than {} levels", limits.max_depth),
                    ));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// Parses `body` as `T` after checking the limits; errors name the JSON path.
pub(crate) fn parse<T: DeserializeOwned>(body: &[u8], limits: &Limits) -> Result<T, ParseError> {
    check_limits(body, limits)?;
    // JSON is UTF-8 (RFC 8259). serde_json skips the strings it does not read
    // without validating them, so check the whole body once (found by fuzzing).
    if std::str::from_utf8(body).is_err() {
        return Err(ParseError::new(
            ParseErrorKind::NotJson,
            None,
            "the body is not UTF-8, so not JSON",
        ));
    }
    // Every document the provider sends is an object; serde would otherwise
    // read a struct from an array too.
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'{') {
        return Err(
            match serde_json::from_slice::<serde::de::IgnoredAny>(body) {
                Ok(_) => {
                    ParseError::new(ParseErrorKind::InvalidField, None, "must be a JSON object")
                }
                Err(_) => ParseError::new(ParseErrorKind::NotJson, None, "the body is not JSON"),
            },
        );
    }
    serde_json::from_slice(body).map_err(|e| path_error(body, &e))
}

/// Turns a serde_json error into a [`ParseError`] naming the JSON path, found
/// from the error's position (a small scan instead of a path-tracking
/// deserializer, which would double the WebAssembly size).
fn path_error(body: &[u8], e: &serde_json::Error) -> ParseError {
    if e.classify() != serde_json::error::Category::Data {
        return ParseError::new(
            ParseErrorKind::NotJson,
            None,
            format!("not JSON (line {}, column {})", e.line(), e.column()),
        );
    }
    let message = e.to_string();
    if let Some(name) = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
    {
        // Reported at the closing brace: the path is the object's own.
        let path = path_at(body, e.line(), e.column(), true);
        let field = if path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        };
        return ParseError::new(ParseErrorKind::MissingField, Some(field), "is required");
    }
    let path = path_at(body, e.line(), e.column(), false);
    let field = (!path.is_empty()).then_some(path);
    ParseError::new(
        ParseErrorKind::InvalidField,
        field,
        strip_position(&message),
    )
}

enum Frame {
    Object {
        key: Option<String>,
        expecting_key: bool,
    },
    Array {
        index: usize,
    },
}

/// The JSON path (`data.order.createdOn`, `invoices[1].amount`) of the value
/// being read at a serde_json error position (1-based line and byte column of
/// the last character read). With `container`, the path of the innermost
/// object or array itself (for errors reported at its closing bracket).
pub(crate) fn path_at(body: &[u8], line: usize, column: usize, container: bool) -> String {
    let mut offset = 0;
    let mut current_line = 1;
    while current_line < line && offset < body.len() {
        if body[offset] == b'\n' {
            current_line += 1;
        }
        offset += 1;
    }
    let end = (offset + column.saturating_sub(1)).min(body.len());
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < end {
        match body[i] {
            b'"' => {
                let start = i;
                i += 1;
                while i < body.len() && body[i] != b'"' {
                    i += if body[i] == b'\\' { 2 } else { 1 };
                }
                if let Some(Frame::Object {
                    key,
                    expecting_key: true,
                }) = stack.last_mut()
                {
                    let raw = body.get(start..=i).unwrap_or_default();
                    *key = serde_json::from_slice::<String>(raw).ok();
                }
            }
            b'{' => stack.push(Frame::Object {
                key: None,
                expecting_key: true,
            }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            b':' => {
                if let Some(Frame::Object { expecting_key, .. }) = stack.last_mut() {
                    *expecting_key = false;
                }
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object { expecting_key, .. }) => *expecting_key = true,
                Some(Frame::Array { index }) => *index += 1,
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    if container && let Some(Frame::Object { expecting_key, .. }) = stack.last_mut() {
        *expecting_key = true;
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object {
                key: Some(key),
                expecting_key: false,
            } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Array { index } => path.push_str(&format!("[{index}]")),
            Frame::Object { .. } => {}
        }
    }
    path
}

/// serde_json appends " at line L column C"; the path already says where.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// A provider code that is sometimes a string (`"0"`) and sometimes a number (`400`).
pub(crate) fn code<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let raw: Box<RawValue> = Deserialize::deserialize(d)?;
    raw_code(raw.get()).map_err(D::Error::custom)
}

/// An optional code (string or number).
pub(crate) fn opt_code<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let raw: Option<Box<RawValue>> = Option::deserialize(d)?;
    match raw {
        None => Ok(None),
        Some(raw) => raw_code(raw.get()).map(Some).map_err(D::Error::custom),
    }
}

fn raw_code(text: &str) -> Result<String, String> {
    if text.starts_with('"') {
        serde_json::from_str::<String>(text).map_err(|e| e.to_string())
    } else if text.bytes().all(|b| b.is_ascii_digit() || b == b'-') && !text.is_empty() {
        Ok(text.to_owned())
    } else {
        Err(format!(
            "expected a code as a string or an integer, got {text}"
        ))
    }
}

/// An exact amount from its JSON text: a number (`2`, `2.0`, `1500.50`) or a
/// decimal string. Never read through `f64`.
pub(crate) fn amount<'de, D: Deserializer<'de>>(d: D) -> Result<Amount, D::Error> {
    let raw: Box<RawValue> = Deserialize::deserialize(d)?;
    raw_amount(raw.get()).map_err(D::Error::custom)
}

/// An optional exact amount (`null` or absent is `None`).
pub(crate) fn opt_amount<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Amount>, D::Error> {
    let raw: Option<Box<RawValue>> = Option::deserialize(d)?;
    match raw {
        None => Ok(None),
        Some(raw) => raw_amount(raw.get()).map(Some).map_err(D::Error::custom),
    }
}

pub(crate) fn raw_amount(text: &str) -> Result<Amount, String> {
    let decimal = if text.starts_with('"') {
        serde_json::from_str::<String>(text).map_err(|e| e.to_string())?
    } else {
        text.to_owned()
    };
    Amount::parse(&decimal).map_err(|e| format!("{e}: {decimal}"))
}

/// A number or digit string kept as its exact text (phone numbers, dates).
pub(crate) fn raw_digits(text: &str) -> Option<String> {
    let digits = if text.starts_with('"') {
        serde_json::from_str::<String>(text).ok()?
    } else {
        text.to_owned()
    };
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_checked_before_parsing() {
        let limits = Limits::default();
        let big = vec![b' '; limits.max_body_bytes + 1];
        assert_eq!(
            check_limits(&big, &limits).unwrap_err().code(),
            "body_too_large"
        );
        let deep = "[".repeat(33) + &"]".repeat(33);
        assert_eq!(
            check_limits(deep.as_bytes(), &limits).unwrap_err().code(),
            "json_too_deep"
        );
        let ok = "[".repeat(32) + &"]".repeat(32);
        assert!(check_limits(ok.as_bytes(), &limits).is_ok());
        // Brackets inside strings do not count, escaped quotes do not end strings.
        let text = format!("{{\"a\":\"{}\\\"{}\"}}", "[".repeat(100), "{".repeat(100));
        assert!(check_limits(text.as_bytes(), &limits).is_ok());
    }

    #[test]
    fn paths_come_from_error_positions() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Inner {
            n: u32,
            m: Option<u32>,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Outer {
            a: Inner,
            list: Vec<Inner>,
        }
        let limits = Limits::default();
        let cases: [(&str, &str, &str); 5] = [
            (r#"{"a":{"n":"x"},"list":[]}"#, "invalid_field", "a.n"),
            (r#"{"a":{"m":1},"list":[]}"#, "missing_field", "a.n"),
            (
                r#"{"a":{"n":1},"list":[{"n":1},{"n":-1}]}"#,
                "invalid_field",
                "list[1].n",
            ),
            (
                "{\n \"list\": [],\n \"a\": {\"n\": 1, \"m\": true}\n}",
                "invalid_field",
                "a.m",
            ),
            (r#"{"a":{"n":1}}"#, "missing_field", "list"),
        ];
        for (body, code, field) in cases {
            let e = parse::<Outer>(body.as_bytes(), &limits).unwrap_err();
            assert_eq!((e.code(), e.field()), (code, Some(field)), "{body}");
        }
    }

    #[test]
    fn invalid_utf8_anywhere_is_not_json() {
        #[derive(serde::Deserialize)]
        #[allow(dead_code)]
        struct T {
            a: u32,
        }
        let body = b"{\"ignored\":\"\xff\",\"a\":1}";
        assert_eq!(
            parse::<T>(body, &Limits::default()).err().map(|e| e.code()),
            Some("not_json")
        );
        assert!(parse::<T>(b"{\"ignored\":\"\xc3\xa9\",\"a\":1}", &Limits::default()).is_ok());
    }

    #[test]
    fn amounts_are_exact() {
        assert_eq!(raw_amount("2").unwrap().hundredths(), 200);
        assert_eq!(raw_amount("2.0").unwrap().hundredths(), 200);
        assert_eq!(raw_amount("\"1500.50\"").unwrap().hundredths(), 150_050);
        assert!(raw_amount("2e3").is_err());
        assert!(raw_amount("true").is_err());
        assert!(raw_amount("0.1").is_ok_and(|a| a.hundredths() == 10));
    }
}
