//! Reading the command's inputs from files, or from standard input for `-`
//! (at most one input may be `-`), with errors that name the option.

use std::fmt;
use std::io::Read;
use std::path::Path;

/// An input that could not be read: the exit status is 2.
#[derive(Debug)]
pub struct InputError {
    pub option: &'static str,
    pub detail: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.option, self.detail)
    }
}

/// Reads inputs, making sure standard input is used once at most.
#[derive(Default)]
pub struct Inputs {
    stdin_used_by: Option<&'static str>,
}

impl Inputs {
    /// The bytes of `path` (`-`: standard input).
    pub fn bytes(&mut self, option: &'static str, path: &Path) -> Result<Vec<u8>, InputError> {
        if path == Path::new("-") {
            if let Some(other) = self.stdin_used_by {
                return Err(InputError {
                    option,
                    detail: format!("standard input is already read for {other}"),
                });
            }
            self.stdin_used_by = Some(option);
            let mut out = Vec::new();
            std::io::stdin()
                .read_to_end(&mut out)
                .map_err(|e| InputError {
                    option,
                    detail: format!("cannot read standard input: {e}"),
                })?;
            return Ok(out);
        }
        std::fs::read(path).map_err(|e| InputError {
            option,
            detail: format!("cannot read {}: {e}", path.display()),
        })
    }

    /// The text of `path` (`-`: standard input), which must be UTF-8.
    pub fn text(&mut self, option: &'static str, path: &Path) -> Result<String, InputError> {
        let bytes = self.bytes(option, path)?;
        String::from_utf8(bytes).map_err(|_| InputError {
            option,
            detail: "not UTF-8 text (a PEM key is ASCII)".to_owned(),
        })
    }
}
