//! Reading the peer's JSON safely: size and depth limits checked before
//! parsing, one reader for every document's [`Shape`], and errors that name
//! the JSON path.
//!
//! * [`shape`]: documents described as data, read by a single serde visitor;
//! * [`value`]: what it reads, taken out field by field by the parsers;
//! * [`path`]: the JSON path of an error, from its position;
//! * [`scalar`]: codes, exact amounts and digits from their raw JSON text;
//! * [`lenient`]: side fields read best effort, deciding fields read strictly.

pub(crate) mod lenient;
mod path;
mod scalar;
mod shape;
mod value;

use serde::de::DeserializeSeed;

use crate::error::{ParseError, ParseErrorKind};

pub(crate) use path::path_at;
pub(crate) use scalar::{amount, code, raw_amount, string_of};
pub(crate) use shape::{Field, Kind, Shape, Variants};
pub(crate) use value::{Record, Value};

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

/// Reads `body` as an object of `shape` after checking the limits; errors
/// name the JSON path.
pub(crate) fn parse(
    body: &[u8],
    limits: &Limits,
    shape: &'static Shape,
) -> Result<Record, ParseError> {
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
    read(body, shape).map_err(|e| path_error(body, &e))
}

/// Reads `body` as an object of `shape`, as `serde_json::from_slice` reads a
/// struct: no limits, any JSON value tried, nothing but whitespace after it.
pub(crate) fn read(body: &[u8], shape: &'static Shape) -> Result<Record, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let record = shape::RecordSeed(shape).deserialize(&mut de)?;
    de.end()?;
    Ok(record)
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

/// serde_json appends " at line L column C"; the path already says where.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
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

    static INNER: Shape = Shape::new(
        "Inner",
        &[
            Field::required("n", Kind::Text),
            Field::optional("m", Kind::OptText),
        ],
    );
    static OUTER: Shape = Shape::new(
        "Outer",
        &[
            Field::required("a", Kind::Record(&INNER)),
            Field::required("list", Kind::OptList(&INNER)),
        ],
    );

    #[test]
    fn paths_come_from_error_positions() {
        let limits = Limits::default();
        let cases: [(&str, &str, &str); 7] = [
            (r#"{"a":{"n":1},"list":[]}"#, "invalid_field", "a.n"),
            (r#"{"a":{"m":"x"},"list":[]}"#, "missing_field", "a.n"),
            (
                r#"{"a":{"n":"x"},"list":[{"n":"x"},{"n":-1}]}"#,
                "invalid_field",
                "list[1].n",
            ),
            (
                "{\n \"list\": [],\n \"a\": {\"n\": \"x\", \"m\": true}\n}",
                "invalid_field",
                "a.m",
            ),
            (r#"{"a":{"n":"x"}}"#, "missing_field", "list"),
            (r#"{"a":["x",5],"list":[]}"#, "invalid_field", "a[1]"),
            (
                r#"{"a":{"n":"x"},"list":[{"n":"y","n":"z"}]}"#,
                "invalid_field",
                "list[0]",
            ),
        ];
        for (body, code, field) in cases {
            let e = parse(body.as_bytes(), &limits, &OUTER).unwrap_err();
            assert_eq!((e.code(), e.field()), (code, Some(field)), "{body}");
        }
    }

    #[test]
    fn reads_as_serde_derive_did() {
        let limits = Limits::default();
        // Unknown fields skipped, `null` for an optional field, an object
        // given as an array of its fields in order.
        let body = br#"{"x":[1,{"y":2}],"a":["first",null],"list":[{"n":"second","m":"third"}]}"#;
        let mut top = parse(body, &limits, &OUTER).unwrap();
        let mut a = top.record("a").unwrap();
        assert_eq!(a.text("n").as_deref(), Some("first"));
        assert!(a.text("m").is_none());
        let mut list = top.list("list");
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].text("m").as_deref(), Some("third"));
        // A syntax error after a type error: the type error is reported.
        let e = parse(br#"{"a":{"n":1},"list":[] x"#, &limits, &OUTER).unwrap_err();
        assert_eq!((e.code(), e.field()), ("invalid_field", Some("a.n")));
        // Trailing characters after a complete document are not JSON.
        let e = parse(br#"{"a":{"n":"x"},"list":[]} x"#, &limits, &OUTER).unwrap_err();
        assert_eq!(e.code(), "not_json");
    }

    #[test]
    fn invalid_utf8_anywhere_is_not_json() {
        static T: Shape = Shape::new("T", &[Field::required("a", Kind::Text)]);
        let body = b"{\"ignored\":\"\xff\",\"a\":\"1\"}";
        assert_eq!(
            parse(body, &Limits::default(), &T).err().map(|e| e.code()),
            Some("not_json")
        );
        assert!(
            parse(
                b"{\"ignored\":\"\xc3\xa9\",\"a\":\"1\"}",
                &Limits::default(),
                &T
            )
            .is_ok()
        );
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
