//! Immutable result objects, and the small settings classes `Limits` and
//! `RequestOptions`.
//!
//! A result object keeps the core value (`inner`, for equality and for
//! passing back to the core, e.g. to `reconcile`) and its fields already
//! converted to Python values, exposed as read-only attributes. Classes are
//! `frozen`: assigning an attribute raises `AttributeError`.

use pyo3::prelude::*;

use jenga_stk::{AmountDecimals, AmountEncoding, Limits, PhoneFormat, RequestOptions};

use crate::convert::{amount_text, opt_decimal, repr_fields, str_};
use crate::errors::OrRaise;
use crate::shield::shield;

/// Declares a frozen result class: the core value `inner`, read-only Python
/// fields, `__eq__` from the core's `PartialEq`, a `__repr__` over the
/// listed fields, and any extra methods.
macro_rules! value_class {
    (
        $(#[$doc:meta])*
        $rust:ident as $py_name:literal, inner: $inner:ty,
        fields { $( $(#[$fdoc:meta])* $field:ident ),* $(,)? }
        repr { $( $rfield:ident ),* $(,)? }
        methods { $($methods:tt)* }
    ) => {
        $(#[$doc])*
        #[pyclass(frozen, eq, module = "jenga_stk", name = $py_name)]
        pub(crate) struct $rust {
            pub(crate) inner: $inner,
            $( $(#[$fdoc])* #[pyo3(get)] pub(crate) $field: Py<PyAny>, )*
        }

        impl PartialEq for $rust {
            fn eq(&self, other: &Self) -> bool {
                self.inner == other.inner
            }
        }

        #[pymethods]
        impl $rust {
            fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
                $crate::shield::shield(py, || {
                    $crate::convert::repr_fields(py, $py_name, &[$( (stringify!($rfield), &self.$rfield) ),*])
                })
            }

            $($methods)*
        }
    };
}

pub(crate) use value_class;

/// Limits applied to every body received from the peer, before parsing.
#[pyclass(frozen, eq, module = "jenga_stk", name = "Limits")]
pub(crate) struct PyLimits {
    pub(crate) inner: Limits,
}

impl PartialEq for PyLimits {
    fn eq(&self, other: &Self) -> bool {
        self.inner == other.inner
    }
}

#[pymethods]
impl PyLimits {
    /// `Limits(max_body_bytes=None, max_depth=None)`: `None` keeps the core's
    /// default (64 KiB, 32 levels).
    #[new]
    #[pyo3(signature = (*, max_body_bytes = None, max_depth = None))]
    fn new(
        py: Python<'_>,
        max_body_bytes: Option<usize>,
        max_depth: Option<usize>,
    ) -> PyResult<Self> {
        shield(py, || {
            let defaults = Limits::default();
            Ok(PyLimits {
                inner: Limits {
                    max_body_bytes: max_body_bytes.unwrap_or(defaults.max_body_bytes),
                    max_depth: max_depth.unwrap_or(defaults.max_depth),
                },
            })
        })
    }

    /// The largest body accepted, in bytes.
    #[getter]
    fn max_body_bytes(&self) -> usize {
        self.inner.max_body_bytes
    }

    /// The deepest nesting of JSON arrays and objects accepted.
    #[getter]
    fn max_depth(&self) -> usize {
        self.inner.max_depth
    }

    fn __repr__(&self) -> String {
        format!(
            "Limits(max_body_bytes={}, max_depth={})",
            self.inner.max_body_bytes, self.inner.max_depth
        )
    }
}

/// How amounts and phone numbers are written, and the limits validation enforces.
#[pyclass(frozen, eq, module = "jenga_stk", name = "RequestOptions")]
pub(crate) struct PyRequestOptions {
    pub(crate) inner: RequestOptions,
}

impl PartialEq for PyRequestOptions {
    fn eq(&self, other: &Self) -> bool {
        self.inner == other.inner
    }
}

/// `as_given` → `asGiven`: Python's spelling of an option value to the core's.
fn camel(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut upper = false;
    for c in value.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[pymethods]
impl PyRequestOptions {
    /// Every argument is optional; `None` keeps the core's default (the
    /// provider page's example: whole units as a JSON number, the phone as
    /// given, the country's maximum, references up to 32 and descriptions up
    /// to 100 characters). Invalid values raise `ValidationError`
    /// (`invalid_option`).
    #[new]
    #[pyo3(signature = (
        *,
        amount_decimals = None,
        amount_encoding = None,
        phone_format = None,
        max_amount = None,
        max_reference_length = None,
        max_description_length = None
    ))]
    fn new(
        py: Python<'_>,
        amount_decimals: Option<String>,
        amount_encoding: Option<String>,
        phone_format: Option<String>,
        max_amount: Option<&Bound<'_, PyAny>>,
        max_reference_length: Option<usize>,
        max_description_length: Option<usize>,
    ) -> PyResult<Self> {
        shield(py, || {
            // The core reads options from their JSON form and reports every
            // invalid value itself; this only spells the arguments its way.
            let mut json = serde_json::Map::new();
            if let Some(v) = amount_decimals {
                json.insert("amountDecimals".into(), camel(&v).into());
            }
            if let Some(v) = amount_encoding {
                json.insert("amountEncoding".into(), camel(&v).into());
            }
            if let Some(v) = phone_format {
                json.insert("phoneFormat".into(), camel(&v).into());
            }
            if let Some(v) = max_amount {
                json.insert("maxAmount".into(), amount_text(v, "max_amount")?.into());
            }
            if let Some(v) = max_reference_length {
                json.insert("maxReferenceLength".into(), v.into());
            }
            if let Some(v) = max_description_length {
                json.insert("maxDescriptionLength".into(), v.into());
            }
            let text = serde_json::Value::Object(json).to_string();
            let inner = RequestOptions::from_json(text.as_bytes()).or_raise(py)?;
            Ok(PyRequestOptions { inner })
        })
    }

    /// Reads options from their JSON form, as in the conformance vectors:
    /// `{"amountDecimals": "two", "amountEncoding": "string", "phoneFormat":
    /// "local", "maxAmount": "1000", "maxReferenceLength": 20,
    /// "maxDescriptionLength": 50}`, every key optional.
    #[staticmethod]
    fn from_json(py: Python<'_>, json: crate::convert::Bytes<'_>) -> PyResult<Self> {
        shield(py, || {
            let inner = RequestOptions::from_json(json.as_slice()).or_raise(py)?;
            Ok(PyRequestOptions { inner })
        })
    }

    /// `"whole"` (`2`) or `"two"` (`2.00`).
    #[getter]
    fn amount_decimals(&self) -> &'static str {
        match self.inner.amount_style.decimals {
            AmountDecimals::Whole => "whole",
            AmountDecimals::Two => "two",
        }
    }

    /// `"number"` (`"paymentAmount":2`) or `"string"` (`"paymentAmount":"2"`).
    #[getter]
    fn amount_encoding(&self) -> &'static str {
        match self.inner.amount_style.encoding {
            AmountEncoding::Number => "number",
            AmountEncoding::String => "string",
        }
    }

    /// `"as_given"`, `"local"` (`0722000000`) or `"international"` (`254722000000`).
    #[getter]
    fn phone_format(&self) -> &'static str {
        match self.inner.phone_format {
            PhoneFormat::AsGiven => "as_given",
            PhoneFormat::Local => "local",
            PhoneFormat::International => "international",
        }
    }

    /// The largest accepted amount, or `None` for the country's default.
    #[getter]
    fn max_amount(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        shield(py, || opt_decimal(py, self.inner.max_amount))
    }

    /// The longest accepted order or payment reference.
    #[getter]
    fn max_reference_length(&self) -> usize {
        self.inner.max_reference_len
    }

    /// The longest accepted order description.
    #[getter]
    fn max_description_length(&self) -> usize {
        self.inner.max_description_len
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        shield(py, || {
            let max_amount = opt_decimal(py, self.inner.max_amount)?;
            let a = str_(py, self.amount_decimals());
            let e = str_(py, self.amount_encoding());
            let p = str_(py, self.phone_format());
            let r = self
                .inner
                .max_reference_len
                .into_pyobject(py)?
                .into_any()
                .unbind();
            let d = self
                .inner
                .max_description_len
                .into_pyobject(py)?
                .into_any()
                .unbind();
            repr_fields(
                py,
                "RequestOptions",
                &[
                    ("amount_decimals", &a),
                    ("amount_encoding", &e),
                    ("phone_format", &p),
                    ("max_amount", &max_amount),
                    ("max_reference_length", &r),
                    ("max_description_length", &d),
                ],
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::camel;

    #[test]
    fn option_values_are_spelled_the_cores_way() {
        assert_eq!(camel("as_given"), "asGiven");
        assert_eq!(camel("two"), "two");
        assert_eq!(camel("international"), "international");
    }
}
