//! The STK push request: input, validation, body and signing string.

pub(crate) mod input;
pub(crate) mod json_input;
pub(crate) mod received;
pub(crate) mod stk_push;
mod validate;
