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

/// An HTTP status code: `Int` in Kotlin and Swift (what `HttpResponse.statusCode()`
/// and `HTTPURLResponse.statusCode` give), never an unsigned short.
///
/// The functions that parse an answer (`parseTokenResponse`,
/// `parseStatusResponse`, `TokenState.onResponse`) refuse a value outside
/// 100-599 with a validation error on field `status`. `classifyInitResponse`,
/// `PaymentFlow.handleResponse` and `SharedTokens.onRefreshResponse` never
/// refuse one: a status no HTTP server sends is an unknown answer (after a
/// push: ask the provider first).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HttpStatus(pub i32);

uniffi::custom_newtype!(HttpStatus, i32);

impl HttpStatus {
    /// The status as the core takes it; a value no `u16` holds becomes 0,
    /// which is no HTTP status either (the core classifies it as unknown).
    pub(crate) fn wire(self) -> u16 {
        u16::try_from(self.0).unwrap_or(0)
    }
}

impl From<u16> for HttpStatus {
    fn from(status: u16) -> Self {
        HttpStatus(i32::from(status))
    }
}
