//! What the shape reader produces: each object as a [`Record`] of its
//! expected fields, taken out by name and type by the parsers.
//!
//! The reader guarantees that a required field is present with a value of
//! its kind, so the typed accessors return `Option` only for optional fields;
//! for required ones a mismatch cannot happen and yields the type's default
//! rather than a panic.

use serde_json::value::RawValue;

use crate::amount::Amount;

/// One field's value as read.
#[derive(Debug)]
pub(crate) enum Value {
    /// An optional field that was absent or `null`.
    Absent,
    /// A string.
    Str(String),
    /// A value kept as its raw JSON text.
    Raw(Box<RawValue>),
    /// An exact amount.
    Amount(Amount),
    /// A nested object.
    Record(Record),
    /// An array of objects.
    List(Vec<Record>),
    /// The index of an enum variant.
    Variant(usize),
    /// A non-negative integer.
    Size(usize),
}

/// One object's expected fields in shape order, with their values.
#[derive(Debug, Default)]
pub(crate) struct Record(Vec<(&'static str, Value)>);

impl Record {
    pub(crate) fn with_capacity(n: usize) -> Record {
        Record(Vec::with_capacity(n))
    }

    pub(crate) fn push(&mut self, name: &'static str, value: Value) {
        self.0.push((name, value));
    }

    /// Takes the value of field `name` (`Absent` if there is none).
    pub(crate) fn take(&mut self, name: &str) -> Value {
        self.0
            .iter_mut()
            .find(|(key, _)| *key == name)
            .map_or(Value::Absent, |(_, value)| {
                std::mem::replace(value, Value::Absent)
            })
    }

    /// A string field.
    pub(crate) fn text(&mut self, name: &str) -> Option<String> {
        match self.take(name) {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A field kept as raw JSON.
    pub(crate) fn raw(&mut self, name: &str) -> Option<Box<RawValue>> {
        match self.take(name) {
            Value::Raw(raw) => Some(raw),
            _ => None,
        }
    }

    /// An amount field.
    pub(crate) fn amount(&mut self, name: &str) -> Option<Amount> {
        match self.take(name) {
            Value::Amount(a) => Some(a),
            _ => None,
        }
    }

    /// A nested object.
    pub(crate) fn record(&mut self, name: &str) -> Option<Record> {
        match self.take(name) {
            Value::Record(r) => Some(r),
            _ => None,
        }
    }

    /// An array of objects (empty if absent).
    pub(crate) fn list(&mut self, name: &str) -> Vec<Record> {
        match self.take(name) {
            Value::List(list) => list,
            _ => Vec::new(),
        }
    }

    /// An enum field's variant index.
    pub(crate) fn variant(&mut self, name: &str) -> Option<usize> {
        match self.take(name) {
            Value::Variant(i) => Some(i),
            _ => None,
        }
    }

    /// An integer field.
    pub(crate) fn size(&mut self, name: &str) -> Option<usize> {
        match self.take(name) {
            Value::Size(n) => Some(n),
            _ => None,
        }
    }
}
