//! The FFI boundary's panic shield: every function and method Python can call
//! runs inside [`shield`], so a Rust panic (a bug) reaches Python as a
//! `jenga_stk.JengaError` with code `internal_error`, never as pyo3's
//! `PanicException` (a `BaseException` that `except Exception` does not catch).

use std::panic::{AssertUnwindSafe, catch_unwind};

use pyo3::prelude::*;

use crate::errors;

/// A panic was caught; its payload is dropped unread, because a panic
/// message can quote the text being processed (which may hold a secret).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Panicked;

/// Runs `f`, turning a panic into [`Panicked`].
pub(crate) fn catch<T>(f: impl FnOnce() -> T) -> Result<T, Panicked> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|_payload| Panicked)
}

/// Runs one Python-facing call: its own errors pass through, a panic becomes
/// `JengaError(code="internal_error")`.
pub(crate) fn shield<T>(py: Python<'_>, f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match catch(f) {
        Ok(result) => result,
        Err(Panicked) => Err(errors::internal_error(py)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_caught_and_its_message_dropped() {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let caught = catch(|| -> u32 { panic!("secret material in a panic message") });
        std::panic::set_hook(previous);
        assert_eq!(caught, Err(Panicked));
        assert_eq!(catch(|| 7), Ok(7));
    }
}
