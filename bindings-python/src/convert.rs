//! Conversions between Python values and the core's types. Nothing here
//! decides anything about payments: it only changes representations.
//!
//! * Money out is `decimal.Decimal`, built from the core's exact text.
//!   Money in is `Decimal`, `int` or `str`, handed to the core as text;
//!   `float` (and `bool`) are refused with a `TypeError`.
//! * Times out are aware `datetime`s at the offset the core keeps (UTC, or
//!   East Africa Time for M-Pesa and IPN times). Times in must be aware.
//! * Bodies in are `bytes` (borrowed, not copied), `bytearray` or `str` (UTF-8).

use std::borrow::Cow;
use std::time::Duration;

use pyo3::exceptions::{PyOverflowError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyByteArray, PyBytes, PyFloat, PyInt, PyString, PyType};

use jenga_stk::{AccessToken, Amount, DateTime, Environment, Limits};

use crate::environment::{PyAccessToken, PyEnvironment};
use crate::errors::{OrRaise, type_error, unrepresentable};
use crate::values::PyLimits;

static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static DATETIME: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static TIMEDELTA: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static TIMEZONE: PyOnceLock<Py<PyType>> = PyOnceLock::new();

fn decimal_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DECIMAL.import(py, "decimal", "Decimal")
}

fn timedelta_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    TIMEDELTA.import(py, "datetime", "timedelta")
}

fn timezone_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    TIMEZONE.import(py, "datetime", "timezone")
}

fn datetime_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DATETIME.import(py, "datetime", "datetime")
}

/// `decimal.Decimal` of an amount, from its exact shortest text (`"2.5"`).
pub(crate) fn decimal(py: Python<'_>, amount: Amount) -> PyResult<Py<PyAny>> {
    Ok(decimal_type(py)?.call1((amount.to_string(),))?.unbind())
}

/// [`decimal`] or `None`.
pub(crate) fn opt_decimal(py: Python<'_>, amount: Option<Amount>) -> PyResult<Py<PyAny>> {
    match amount {
        Some(a) => decimal(py, a),
        None => Ok(py.None()),
    }
}

/// A Python `str` or `None`.
pub(crate) fn opt_str(py: Python<'_>, text: Option<&str>) -> Py<PyAny> {
    match text {
        Some(t) => PyString::new(py, t).into_any().unbind(),
        None => py.None(),
    }
}

/// A Python `str`.
pub(crate) fn str_(py: Python<'_>, text: &str) -> Py<PyAny> {
    PyString::new(py, text).into_any().unbind()
}

/// The exact decimal text of a money amount given as `Decimal`, `int` or
/// `str`, for the core to parse. `float` and `bool` are refused.
pub(crate) fn amount_text(value: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    let py = value.py();
    if value.is_instance_of::<PyFloat>() {
        return Err(type_error(format!(
            "{what} is a float: binary floating point cannot hold money exactly; \
             pass a decimal.Decimal, an int or a str such as \"2.50\""
        )));
    }
    if value.is_instance_of::<PyBool>() {
        return Err(type_error(format!(
            "{what} is a bool; pass a decimal.Decimal, an int or a str"
        )));
    }
    if value.is_instance_of::<PyString>() {
        return value.extract::<String>();
    }
    if value.is_instance_of::<PyInt>() {
        return Ok(value.str()?.to_cow()?.into_owned());
    }
    if value.is_instance(decimal_type(py)?)? {
        // Plain notation (`Decimal("2E+1")` is 20). Special values and absurd
        // exponents keep their own notation, which the core refuses as
        // `invalid_amount`, instead of expanding to millions of digits.
        let plain = value.call_method0("is_finite")?.extract::<bool>()?
            && value.call_method0("adjusted")?.extract::<i64>()? <= 64;
        let text = if plain {
            py.import("builtins")?
                .getattr("format")?
                .call1((value, "f"))?
        } else {
            value.str()?.into_any()
        };
        return text.extract::<String>();
    }
    Err(type_error(format!(
        "{what} must be a decimal.Decimal, an int or a str, not {}",
        value.get_type().name()?
    )))
}

/// An aware `datetime` for a core date-time, at the offset it carries.
///
/// Built as the local wall time at that offset, so any date the core
/// accepts from text converts; an instant outside years 1 to 9999 (possible
/// only from epoch milliseconds) is a `ParseError`.
pub(crate) fn datetime(py: Python<'_>, time: DateTime) -> PyResult<Py<PyAny>> {
    let built = (|| -> PyResult<Py<PyAny>> {
        let offset_minutes = time.offset_minutes();
        let tz = if offset_minutes == 0 {
            timezone_type(py)?.getattr("utc")?
        } else {
            let offset = timedelta_type(py)?.call((), Some(&kw_minutes(py, offset_minutes)?))?;
            timezone_type(py)?.call1((offset,))?
        };
        let local_millis = time
            .unix_millis()
            .checked_add(i64::from(offset_minutes) * 60_000)
            .ok_or_else(|| PyOverflowError::new_err("date-time out of range"))?;
        let start = datetime_type(py)?.call1((1970, 1, 1, 0, 0, 0, 0, tz))?;
        let delta = timedelta_type(py)?.call((), Some(&kw_millis(py, local_millis)?))?;
        Ok(start.add(delta)?.unbind())
    })();
    match built {
        Ok(dt) => Ok(dt),
        Err(e)
            if e.is_instance_of::<PyOverflowError>(py) || e.is_instance_of::<PyValueError>(py) =>
        {
            Err(unrepresentable(py, "a date-time outside years 1 to 9999"))
        }
        Err(e) => Err(e),
    }
}

fn kw_minutes(py: Python<'_>, minutes: i32) -> PyResult<Bound<'_, pyo3::types::PyDict>> {
    let kw = pyo3::types::PyDict::new(py);
    kw.set_item("minutes", minutes)?;
    Ok(kw)
}

fn kw_millis(py: Python<'_>, millis: i64) -> PyResult<Bound<'_, pyo3::types::PyDict>> {
    let kw = pyo3::types::PyDict::new(py);
    kw.set_item("milliseconds", millis)?;
    Ok(kw)
}

/// [`datetime`] or `None`.
pub(crate) fn opt_datetime(py: Python<'_>, time: Option<DateTime>) -> PyResult<Py<PyAny>> {
    match time {
        Some(t) => datetime(py, t),
        None => Ok(py.None()),
    }
}

/// A core date-time from an aware `datetime` (the caller's clock).
pub(crate) fn datetime_in(value: &Bound<'_, PyAny>, what: &str) -> PyResult<DateTime> {
    let py = value.py();
    if !value.is_instance(datetime_type(py)?)? {
        return Err(type_error(format!(
            "{what} must be a timezone-aware datetime.datetime, not {}",
            value.get_type().name()?
        )));
    }
    let offset = value.call_method0("utcoffset")?;
    if offset.is_none() {
        return Err(type_error(format!(
            "{what} is a naive datetime; pass an aware one, e.g. datetime.now(timezone.utc)"
        )));
    }
    let utc = timezone_type(py)?.getattr("utc")?;
    let epoch = datetime_type(py)?.call1((1970, 1, 1, 0, 0, 0, 0, utc))?;
    let millisecond = timedelta_type(py)?.call((), Some(&kw_millis(py, 1)?))?;
    let minute = timedelta_type(py)?.call((), Some(&kw_minutes(py, 1)?))?;
    let since_epoch = value.sub(epoch)?;
    let millis: i64 = since_epoch.floor_div(&millisecond)?.extract()?;
    let offset_minutes: i32 = offset.floor_div(&minute)?.extract()?;
    Ok(DateTime::from_unix_millis(millis).with_offset_minutes(offset_minutes))
}

/// A `datetime.timedelta` of a duration (millisecond precision).
pub(crate) fn timedelta(py: Python<'_>, duration: Duration) -> PyResult<Py<PyAny>> {
    let millis = i64::try_from(duration.as_millis())
        .map_err(|_| PyOverflowError::new_err("duration out of range"))?;
    Ok(timedelta_type(py)?
        .call((), Some(&kw_millis(py, millis)?))?
        .unbind())
}

/// A duration from a non-negative `datetime.timedelta` (millisecond precision).
pub(crate) fn duration_in(value: &Bound<'_, PyAny>, what: &str) -> PyResult<Duration> {
    let py = value.py();
    if !value.is_instance(timedelta_type(py)?)? {
        return Err(type_error(format!(
            "{what} must be a datetime.timedelta, not {}",
            value.get_type().name()?
        )));
    }
    let millisecond = timedelta_type(py)?.call((), Some(&kw_millis(py, 1)?))?;
    let millis: i64 = value.floor_div(&millisecond)?.extract()?;
    let millis = u64::try_from(millis)
        .map_err(|_| PyValueError::new_err(format!("{what} must not be negative")))?;
    Ok(Duration::from_millis(millis))
}

/// A body or message: `bytes` (borrowed), `bytearray` (copied) or `str` (UTF-8).
pub(crate) struct Bytes<'a>(pub(crate) Cow<'a, [u8]>);

impl<'a, 'py> FromPyObject<'a, 'py> for Bytes<'a> {
    type Error = PyErr;

    fn extract(obj: pyo3::Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if obj.is_instance_of::<PyBytes>() || obj.is_instance_of::<PyByteArray>() {
            // `bytes` is borrowed in place; a `bytearray` is copied.
            return Ok(Bytes(Cow::<'a, [u8]>::extract(obj)?));
        }
        if let Ok(text) = obj.cast::<PyString>() {
            return Ok(Bytes(Cow::Owned(text.to_cow()?.into_owned().into_bytes())));
        }
        Err(type_error(format!(
            "expected bytes or str, not {}",
            obj.get_type().name()?
        )))
    }
}

impl Bytes<'_> {
    /// The bytes.
    pub(crate) fn as_slice(&self) -> &[u8] {
        &self.0
    }

    /// The bytes as text, replacing invalid UTF-8 (the core then refuses
    /// the text as it would any garbage).
    pub(crate) fn to_text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.0)
    }
}

/// `Environment` or a `str` (`"uat"`, `"live"` or a base URL).
pub(crate) fn environment_in(value: &Bound<'_, PyAny>) -> PyResult<Environment> {
    if let Ok(env) = value.cast::<PyEnvironment>() {
        return Ok(env.get().inner.clone());
    }
    if value.is_instance_of::<PyString>() {
        let text: String = value.extract()?;
        return Environment::parse(&text).or_raise(value.py());
    }
    Err(type_error(format!(
        "environment must be a jenga_stk.Environment or a str, not {}",
        value.get_type().name()?
    )))
}

/// `AccessToken` or a `str` (validated by the core).
pub(crate) fn token_in(value: &Bound<'_, PyAny>) -> PyResult<AccessToken> {
    if let Ok(token) = value.cast::<PyAccessToken>() {
        return Ok(token.get().inner.clone());
    }
    if value.is_instance_of::<PyString>() {
        let text: String = value.extract()?;
        return AccessToken::new(text).or_raise(value.py());
    }
    Err(type_error(format!(
        "access_token must be a jenga_stk.AccessToken or a str, not {}",
        value.get_type().name()?
    )))
}

/// `Limits` or `None` (the core's defaults).
pub(crate) fn limits_in(value: Option<&Bound<'_, PyLimits>>) -> Limits {
    value.map_or_else(Limits::default, |l| l.get().inner)
}

/// The `repr` of a value object: `Name(field=repr, …)`.
pub(crate) fn repr_fields(
    py: Python<'_>,
    name: &str,
    fields: &[(&str, &Py<PyAny>)],
) -> PyResult<String> {
    let mut out = format!("{name}(");
    for (i, (field, value)) in fields.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(field);
        out.push('=');
        out.push_str(&value.bind(py).repr()?.to_cow()?);
    }
    out.push(')');
    Ok(out)
}

/// The `snake_case` code the core serializes an enum value as.
pub(crate) fn serde_code<T: serde::Serialize>(value: &T) -> PyResult<String> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(code)) => Ok(code),
        _ => Err(PyValueError::new_err("internal: a code is not text")),
    }
}
