//! A received JSON body read without re-rendering anything: objects as maps
//! of raw values, numbers kept as the literal text the client wrote (so `2`
//! and `2.00` stay different), strings unescaped.

use std::collections::BTreeMap;

use serde_json::value::RawValue;

/// One JSON object, its members still raw.
pub type Object = BTreeMap<String, Box<RawValue>>;

/// What a raw JSON value is.
pub enum Json {
    /// An object.
    Object(Object),
    /// A string's contents.
    String(String),
    /// A number's literal text, exactly as written.
    Number(String),
    /// `null`.
    Null,
    /// `true`, `false` or an array: never what a field of the page's table is.
    Other,
}

/// Parses the top-level body as an object.
pub fn object(body: &[u8]) -> Option<Object> {
    serde_json::from_slice(body).ok()
}

/// Classifies a raw value (it is valid JSON: serde_json checked it).
pub fn classify(raw: &RawValue) -> Json {
    let text = raw.get();
    match text.as_bytes().first() {
        Some(b'{') => serde_json::from_str(text).map_or(Json::Other, Json::Object),
        Some(b'"') => serde_json::from_str(text).map_or(Json::Other, Json::String),
        Some(b'-' | b'0'..=b'9') => Json::Number(text.to_owned()),
        Some(b'n') => Json::Null,
        _ => Json::Other,
    }
}

/// Where a dotted path leads.
pub enum Lookup<'a> {
    /// A member on the way is absent (or `null`).
    Missing,
    /// A member on the way is not an object: its path.
    NotAnObject(String),
    /// The value at the path.
    Found(&'a RawValue),
}

/// Follows `path` (`payment.details.msisdn`) from `root`.
pub fn lookup<'a>(root: &'a Object, path: &str, scratch: &'a mut Vec<Object>) -> Lookup<'a> {
    // Each nested object is parsed into `scratch`, so the result can borrow it.
    let segments: Vec<&str> = path.split('.').collect();
    let Some((last, parents)) = segments.split_last() else {
        return Lookup::Missing;
    };
    scratch.clear();
    let mut walked = String::new();
    for segment in parents {
        if !walked.is_empty() {
            walked.push('.');
        }
        walked.push_str(segment);
        let current = scratch.last().unwrap_or(root);
        let Some(raw) = current.get(*segment) else {
            return Lookup::Missing;
        };
        match classify(raw) {
            Json::Object(inner) => scratch.push(inner),
            Json::Null => return Lookup::Missing,
            _ => return Lookup::NotAnObject(walked),
        }
    }
    match scratch.last().unwrap_or(root).get(*last) {
        Some(raw) => Lookup::Found(raw),
        None => Lookup::Missing,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    #[test]
    fn numbers_keep_their_text() {
        let root = object(br#"{"a":{"b":2.00,"c":"x\u0041","d":null,"e":[1]}}"#).unwrap();
        let mut scratch = Vec::new();
        let Lookup::Found(raw) = lookup(&root, "a.b", &mut scratch) else {
            panic!()
        };
        assert!(matches!(classify(raw), Json::Number(t) if t == "2.00"));
        let Lookup::Found(raw) = lookup(&root, "a.c", &mut scratch) else {
            panic!()
        };
        assert!(matches!(classify(raw), Json::String(t) if t == "xA"));
        let Lookup::Found(raw) = lookup(&root, "a.d", &mut scratch) else {
            panic!()
        };
        assert!(matches!(classify(raw), Json::Null));
        let Lookup::Found(raw) = lookup(&root, "a.e", &mut scratch) else {
            panic!()
        };
        assert!(matches!(classify(raw), Json::Other));
        assert!(matches!(
            lookup(&root, "a.z", &mut scratch),
            Lookup::Missing
        ));
        assert!(matches!(
            lookup(&root, "a.b.c", &mut scratch),
            Lookup::NotAnObject(p) if p == "a.b"
        ));
        assert!(object(b"[1]").is_none());
        assert!(object(b"{").is_none());
    }
}
