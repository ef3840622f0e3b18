//! The request body re-written the ways common serialisers write it
//! (compact, Python's `json.dumps`, pretty-printed), keeping every token's
//! text (numbers stay `2.00`, keys keep their order): a signer that signed
//! "the body" may have signed any of these rather than the bytes sent.

/// A way of writing the same JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    /// No whitespace at all (`JSON.stringify(x)`, serde_json, `json_encode`).
    Compact,
    /// `, ` and `: ` (Python's `json.dumps(x)` default).
    Spaced,
    /// One member per line, indented by this many spaces
    /// (`JSON.stringify(x, null, 2)`, `json.dumps(x, indent=4)`).
    Pretty(usize),
}

/// Splits JSON text into its tokens: punctuation and whole scalars
/// (strings with their quotes and escapes, numbers, literals). `None` if
/// the text has a byte no JSON token starts with or an unterminated string.
fn tokens(json: &[u8]) -> Option<Vec<&[u8]>> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&b) = json.get(i) {
        match b {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'{' | b'}' | b'[' | b']' | b':' | b',' => {
                out.push(&json[i..=i]);
                i += 1;
            }
            b'"' => {
                let mut j = i + 1;
                loop {
                    match json.get(j)? {
                        b'\\' => j += 2,
                        b'"' => break,
                        _ => j += 1,
                    }
                }
                out.push(&json[i..=j]);
                i = j + 1;
            }
            b'-' | b'0'..=b'9' | b't' | b'f' | b'n' => {
                let end = json[i..]
                    .iter()
                    .position(|c| b" \t\n\r{}[]:,\"".contains(c))
                    .map_or(json.len(), |p| i + p);
                out.push(&json[i..end]);
                i = end;
            }
            _ => return None,
        }
    }
    Some(out)
}

fn newline(out: &mut Vec<u8>, indent: usize, depth: usize) {
    out.push(b'\n');
    out.extend(std::iter::repeat_n(b' ', indent * depth));
}

/// `json` re-written in `style`; `None` if it does not tokenise.
pub(crate) fn reformat(json: &[u8], style: Style) -> Option<Vec<u8>> {
    let toks = tokens(json)?;
    let mut out = Vec::with_capacity(json.len() * 2);
    let mut depth = 0usize;
    for (i, tok) in toks.iter().enumerate() {
        let next = toks.get(i + 1).copied();
        match (*tok, style) {
            (b"{" | b"[", Style::Pretty(indent)) => {
                out.extend_from_slice(tok);
                depth += 1;
                if !matches!(next, Some(b"}" | b"]")) {
                    newline(&mut out, indent, depth);
                }
            }
            (b"}" | b"]", Style::Pretty(indent)) => {
                depth = depth.saturating_sub(1);
                let empty = i > 0 && matches!(toks.get(i - 1).copied(), Some(b"{" | b"["));
                if !empty {
                    newline(&mut out, indent, depth);
                }
                out.extend_from_slice(tok);
            }
            (b",", Style::Pretty(indent)) => {
                out.push(b',');
                newline(&mut out, indent, depth);
            }
            (b",", Style::Spaced) => out.extend_from_slice(b", "),
            (b":", Style::Spaced | Style::Pretty(_)) => out.extend_from_slice(b": "),
            _ => out.extend_from_slice(tok),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &[u8] = br#" {"a": {"b":"x, \"y\": z","c":[1, 2.00,{}], "d" : []},"e":true}
"#;

    fn text(style: Style) -> String {
        String::from_utf8(reformat(BODY, style).unwrap()).unwrap()
    }

    #[test]
    fn writes_what_common_serialisers_write() {
        assert_eq!(
            text(Style::Compact),
            r#"{"a":{"b":"x, \"y\": z","c":[1,2.00,{}],"d":[]},"e":true}"#
        );
        // Python: json.dumps(json.loads(BODY)) (with 2.00 kept as written).
        assert_eq!(
            text(Style::Spaced),
            r#"{"a": {"b": "x, \"y\": z", "c": [1, 2.00, {}], "d": []}, "e": true}"#
        );
        // JSON.stringify(JSON.parse(BODY), null, 2), Python json.dumps(indent=2).
        assert_eq!(
            text(Style::Pretty(2)),
            "{\n  \"a\": {\n    \"b\": \"x, \\\"y\\\": z\",\n    \"c\": [\n      1,\n      2.00,\n      {}\n    ],\n    \"d\": []\n  },\n  \"e\": true\n}"
        );
    }

    #[test]
    fn refuses_what_is_not_json_text() {
        assert_eq!(reformat(b"{\"a\": 'x'}", Style::Compact), None);
        assert_eq!(reformat(b"\"open", Style::Compact), None);
        assert_eq!(reformat(b"\"ends in escape\\", Style::Compact), None);
    }
}
