//! Document shapes as data, read by one serde visitor.
//!
//! Each parser describes the object it expects as a [`Shape`]: its fields in
//! order, each with a [`Kind`] and whether it is required. One set of
//! visitors reads any shape, so the WebAssembly holds a single copy of the
//! reading code instead of one `#[derive(Deserialize)]` visitor per struct.
//!
//! The reading is exactly what the derive did, call for call on serde_json,
//! so errors are the same, found in the same order at the same positions
//! (which [`path_at`](super::path::path_at) turns into JSON paths):
//! unknown fields are skipped (or refused, for a shape that denies them), a
//! known field given twice is refused, a missing required field is reported
//! at the object's closing brace in field order, and an object may also be
//! given as an array of its fields in order (as serde allows for structs).

use std::fmt;

use serde::de::{
    self, Deserialize, DeserializeSeed, Deserializer, EnumAccess, Error as _, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};
use serde_json::value::RawValue;

use super::value::{Record, Value};

/// An object's expected fields.
pub(crate) struct Shape {
    /// The name serde messages use (`struct {name}`).
    pub(crate) name: &'static str,
    /// The fields, in the order they are checked and read from an array.
    pub(crate) fields: &'static [Field],
    /// `Some(names)`: an unknown field is an error listing `names`.
    pub(crate) deny_unknown: Option<&'static [&'static str]>,
}

impl Shape {
    /// A shape whose unknown fields are skipped.
    pub(crate) const fn new(name: &'static str, fields: &'static [Field]) -> Shape {
        Shape {
            name,
            fields,
            deny_unknown: None,
        }
    }
}

/// One expected field.
pub(crate) struct Field {
    /// The JSON key.
    pub(crate) name: &'static str,
    /// What its value must be.
    pub(crate) kind: Kind,
    /// Whether its absence is an error (`missing field`); otherwise it is
    /// [`Value::Absent`].
    pub(crate) required: bool,
}

impl Field {
    /// A field that must be present.
    pub(crate) const fn required(name: &'static str, kind: Kind) -> Field {
        Field {
            name,
            kind,
            required: true,
        }
    }

    /// A field that may be absent.
    pub(crate) const fn optional(name: &'static str, kind: Kind) -> Field {
        Field {
            name,
            kind,
            required: false,
        }
    }
}

/// Turns a value's raw JSON text into a [`Value`], or says why it cannot
/// (the message becomes the field's `invalid_field` detail).
pub(crate) type Convert = fn(&str) -> Result<Value, String>;

/// What a field's value must be.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    /// A string (`String`): `null` is an error.
    Text,
    /// A string or `null` (`Option<String>`).
    OptText,
    /// Any value, kept as its raw JSON text.
    Raw,
    /// `null` (absent), or any value kept as its raw JSON text.
    OptRaw,
    /// Any value, converted from its raw JSON text.
    Read(Convert),
    /// `null` (absent), or any value converted from its raw JSON text.
    OptRead(Convert),
    /// An object of this shape.
    Record(&'static Shape),
    /// `null` (absent), or an object of this shape.
    OptRecord(&'static Shape),
    /// `null` (absent, read as an empty list), or an array of objects of this shape.
    OptList(&'static Shape),
    /// One of these unit variants (a string, or `{"name": null}`).
    Variant(&'static Variants),
    /// A non-negative integer that fits `usize`, or `null` (absent).
    OptSize,
}

/// An enum's unit variants, as serde reads them.
pub(crate) struct Variants {
    /// The enum's name, for messages.
    pub(crate) name: &'static str,
    /// The variants' JSON names; the value read is the index.
    pub(crate) names: &'static [&'static str],
}

/// Reads one value of `kind`.
struct Seed(Kind);

impl<'de> DeserializeSeed<'de> for Seed {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        match self.0 {
            Kind::Text => String::deserialize(d).map(Value::Str),
            Kind::OptText => {
                Ok(Option::<String>::deserialize(d)?.map_or(Value::Absent, Value::Str))
            }
            Kind::Raw => Box::<RawValue>::deserialize(d).map(Value::Raw),
            Kind::OptRaw => {
                Ok(Option::<Box<RawValue>>::deserialize(d)?.map_or(Value::Absent, Value::Raw))
            }
            Kind::Read(convert) => {
                let raw = Box::<RawValue>::deserialize(d)?;
                convert(raw.get()).map_err(D::Error::custom)
            }
            Kind::OptRead(convert) => match Option::<Box<RawValue>>::deserialize(d)? {
                None => Ok(Value::Absent),
                Some(raw) => convert(raw.get()).map_err(D::Error::custom),
            },
            Kind::Record(shape) => RecordSeed(shape).deserialize(d).map(Value::Record),
            Kind::OptRecord(shape) => d.deserialize_option(OptRecordVisitor(shape)),
            Kind::OptList(shape) => d.deserialize_option(OptListVisitor(shape)),
            Kind::Variant(variants) => d
                .deserialize_enum(variants.name, variants.names, VariantVisitor(variants))
                .map(Value::Variant),
            Kind::OptSize => {
                Ok(Option::<usize>::deserialize(d)?.map_or(Value::Absent, Value::Size))
            }
        }
    }
}

/// Reads an object of a shape (from `{…}`, or `[…]` in field order).
pub(crate) struct RecordSeed(pub(crate) &'static Shape);

impl<'de> DeserializeSeed<'de> for RecordSeed {
    type Value = Record;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Record, D::Error> {
        d.deserialize_struct(self.0.name, &[], RecordVisitor(self.0))
    }
}

struct RecordVisitor(&'static Shape);

impl<'de> Visitor<'de> for RecordVisitor {
    type Value = Record;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", self.0.name)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Record, A::Error> {
        let fields = self.0.fields;
        let mut values: Vec<Option<Value>> = fields.iter().map(|_| None).collect();
        while let Some(key) = map.next_key::<String>()? {
            let found = fields
                .iter()
                .zip(values.iter_mut())
                .find(|(field, _)| field.name == key);
            match found {
                Some((field, slot)) => {
                    if slot.is_some() {
                        return Err(A::Error::duplicate_field(field.name));
                    }
                    *slot = Some(map.next_value_seed(Seed(field.kind))?);
                }
                None => match self.0.deny_unknown {
                    Some(expected) => return Err(A::Error::unknown_field(&key, expected)),
                    None => {
                        map.next_value::<de::IgnoredAny>()?;
                    }
                },
            }
        }
        let mut record = Record::with_capacity(fields.len());
        for (field, value) in fields.iter().zip(values) {
            let value = match value {
                Some(value) => value,
                None if field.required => return Err(A::Error::missing_field(field.name)),
                None => Value::Absent,
            };
            record.push(field.name, value);
        }
        Ok(record)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Record, A::Error> {
        let fields = self.0.fields;
        let mut record = Record::with_capacity(fields.len());
        for (index, field) in fields.iter().enumerate() {
            let value = match seq.next_element_seed(Seed(field.kind))? {
                Some(value) => value,
                None if field.required => {
                    return Err(A::Error::invalid_length(index, &ElementCount(self.0)));
                }
                None => Value::Absent,
            };
            record.push(field.name, value);
        }
        Ok(record)
    }
}

/// serde's expectation for an object given as a too short array.
struct ElementCount(&'static Shape);

impl de::Expected for ElementCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.fields.len();
        let plural = if n == 1 { "" } else { "s" };
        write!(f, "struct {} with {n} element{plural}", self.0.name)
    }
}

struct OptRecordVisitor(&'static Shape);

impl<'de> Visitor<'de> for OptRecordVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("option")
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Absent)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        RecordSeed(self.0).deserialize(d).map(Value::Record)
    }
}

struct ListVisitor(&'static Shape);

impl<'de> Visitor<'de> for ListVisitor {
    type Value = Vec<Record>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Record>, A::Error> {
        // Like serde's own `Vec`: never trust a size hint for more than a little.
        let mut list = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(record) = seq.next_element_seed(RecordSeed(self.0))? {
            list.push(record);
        }
        Ok(list)
    }
}

struct OptListVisitor(&'static Shape);

impl<'de> Visitor<'de> for OptListVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("option")
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::List(Vec::new()))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_seq(ListVisitor(self.0)).map(Value::List)
    }
}

struct VariantVisitor(&'static Variants);

impl<'de> Visitor<'de> for VariantVisitor {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "enum {}", self.0.name)
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<usize, A::Error> {
        let (index, variant) = data.variant_seed(VariantName(self.0))?;
        variant.unit_variant()?;
        Ok(index)
    }
}

struct VariantName(&'static Variants);

impl<'de> DeserializeSeed<'de> for VariantName {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for VariantName {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("variant identifier")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<usize, E> {
        self.0
            .names
            .iter()
            .position(|name| *name == v)
            .ok_or_else(|| E::unknown_variant(v, self.0.names))
    }
}
