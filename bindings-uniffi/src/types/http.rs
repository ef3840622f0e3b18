//! The HTTP request's method and headers as values.

/// An HTTP method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum HttpMethod {
    /// GET.
    Get,
    /// POST.
    Post,
}

/// One header, in order.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct HttpHeader {
    /// The name, e.g. `Signature`.
    pub name: String,
    /// The value (the `Authorization` value is a secret: do not log it).
    pub value: String,
}
