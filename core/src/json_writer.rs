//! A tiny, deterministic JSON writer for request bodies.
//!
//! The body's bytes are pinned by the conformance vectors, so fields are
//! written in the provider page's order with no whitespace, and amounts are
//! written from the exact text that is also signed. Escaping follows RFC 8259
//! (validation already refuses control characters, so in practice only `"`
//! and `\` are ever escaped).

/// Writes a JSON object incrementally into a byte buffer.
pub(crate) struct ObjectWriter<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl<'a> ObjectWriter<'a> {
    pub(crate) fn new(out: &'a mut Vec<u8>) -> Self {
        out.push(b'{');
        ObjectWriter { out, first: true }
    }

    fn key(&mut self, key: &str) {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        write_string(self.out, key);
        self.out.push(b':');
    }

    /// `"key":"value"`.
    pub(crate) fn string(&mut self, key: &str, value: &str) {
        self.key(key);
        write_string(self.out, value);
    }

    /// `"key":<text>` where `text` is already valid JSON (a number literal).
    pub(crate) fn raw(&mut self, key: &str, json_text: &str) {
        self.key(key);
        self.out.extend_from_slice(json_text.as_bytes());
    }

    /// `"key":{…}` with the nested object written by `f`.
    pub(crate) fn object(&mut self, key: &str, f: impl FnOnce(&mut ObjectWriter<'_>)) {
        self.key(key);
        let mut inner = ObjectWriter::new(self.out);
        f(&mut inner);
        inner.close();
    }

    /// `"key":[…]` with the elements written by `f`.
    pub(crate) fn array(&mut self, key: &str, f: impl FnOnce(&mut ArrayWriter<'_>)) {
        self.key(key);
        self.out.push(b'[');
        let mut inner = ArrayWriter {
            out: self.out,
            first: true,
        };
        f(&mut inner);
        self.out.push(b']');
    }

    /// `"key":<digits>` when `value` is a JSON-safe integer (ASCII digits, no
    /// leading zero), otherwise `"key":"value"`: M-Pesa writes phone numbers
    /// and dates as numbers, which a leading zero would make invalid JSON.
    pub(crate) fn number_or_string(&mut self, key: &str, value: &str) {
        let safe = !value.is_empty()
            && value.bytes().all(|b| b.is_ascii_digit())
            && (value == "0" || !value.starts_with('0'));
        if safe {
            self.raw(key, value);
        } else {
            self.string(key, value);
        }
    }

    pub(crate) fn close(self) {
        self.out.push(b'}');
    }
}

/// Writes the elements of a JSON array.
pub(crate) struct ArrayWriter<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl ArrayWriter<'_> {
    /// A string element.
    pub(crate) fn string(&mut self, value: &str) {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        write_string(self.out, value);
    }

    /// An object element written by `f`.
    pub(crate) fn object(&mut self, f: impl FnOnce(&mut ObjectWriter<'_>)) {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        let mut inner = ObjectWriter::new(self.out);
        f(&mut inner);
        inner.close();
    }
}

/// Writes `value` as a JSON string.
pub(crate) fn write_string(out: &mut Vec<u8>, value: &str) {
    out.push(b'"');
    for c in value.chars() {
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            c if (c as u32) < 0x20 => {
                out.extend_from_slice(format!("\\u{:04x}", c as u32).as_bytes());
            }
            c => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_is_what_an_independent_parser_reads() {
        let mut out = Vec::new();
        let mut w = ObjectWriter::new(&mut out);
        w.string("a", "q\"b\\s\u{1}é😀");
        w.raw("n", "2.00");
        w.object("o", |o| o.string("k", ""));
        w.close();
        assert_eq!(
            String::from_utf8(out.clone()).unwrap(),
            "{\"a\":\"q\\\"b\\\\s\\u0001é😀\",\"n\":2.00,\"o\":{\"k\":\"\"}}"
        );
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["a"], "q\"b\\s\u{1}é😀");
        assert_eq!(v["o"]["k"], "");
    }
}
