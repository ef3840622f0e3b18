//! The JSON path (`data.order.createdOn`, `invoices[1].amount`) of a serde_json
//! error, found from the error's position by a small scan of the body
//! instead of a path-tracking deserializer (which would double the
//! WebAssembly size).

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
                    *key = super::string_of(raw).ok();
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
