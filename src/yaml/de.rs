//! Reading a [`Node`] tree into a typed value with serde, as the API server reads the JSON kubectl sends: a string
//! field takes only a string (`value: yes` is a boolean and is refused), an integer field takes integral numbers.
//! Errors carry the line and column of the offending node; the line of every key is published for the
//! unknown-field callback.

use std::cell::Cell;
use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};

use super::read::{Key, Kind, Node};

/// An error while reading a node into a type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DeError {
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// Which of serde's errors it is, told by the method serde called (never by its words).
    pub kind: DeKind,
    /// For an unknown field or variant: the name and the names the type knows, for a "did you mean".
    pub unknown: Option<Box<UnknownName>>,
}

/// A name the type does not know, with the names it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UnknownName {
    /// `field` or `variant`.
    pub what: &'static str,
    /// The name as written.
    pub word: String,
    /// The names the type knows.
    pub expected: &'static [&'static str],
}

/// Which of serde's `de::Error` constructors made an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DeKind {
    /// `invalid_type`: a value of the wrong type (a boolean where a string goes).
    InvalidType,
    /// Another mismatch between the document and the type: `invalid_value`, `invalid_length`, `unknown_variant`,
    /// `unknown_field`, `missing_field`, `duplicate_field`.
    Schema,
    /// `custom`: anything else.
    Other,
}

impl DeKind {
    /// Whether the document does not fit the type (rather than, say, a number out of range for a reader).
    pub(crate) fn is_schema(self) -> bool {
        matches!(self, DeKind::InvalidType | DeKind::Schema)
    }
}

/// serde's own wording of its errors: the default `de::Error` methods, kept by letting serde format them.
#[derive(Debug)]
struct Wording(String);

impl fmt::Display for Wording {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Wording {}

impl de::Error for Wording {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Wording(msg.to_string())
    }
}

impl DeError {
    fn of(kind: DeKind, wording: Wording) -> DeError {
        DeError {
            message: wording.0,
            line: None,
            column: None,
            kind,
            unknown: None,
        }
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError {
            message: msg.to_string(),
            line: None,
            column: None,
            kind: DeKind::Other,
            unknown: None,
        }
    }

    fn invalid_type(unexpected: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        DeError::of(
            DeKind::InvalidType,
            <Wording as de::Error>::invalid_type(unexpected, expected),
        )
    }

    fn invalid_value(unexpected: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        DeError::of(
            DeKind::Schema,
            <Wording as de::Error>::invalid_value(unexpected, expected),
        )
    }

    fn invalid_length(len: usize, expected: &dyn de::Expected) -> Self {
        DeError::of(
            DeKind::Schema,
            <Wording as de::Error>::invalid_length(len, expected),
        )
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        DeError {
            unknown: Some(Box::new(UnknownName {
                what: "variant",
                word: variant.to_owned(),
                expected,
            })),
            ..DeError::of(
                DeKind::Schema,
                <Wording as de::Error>::unknown_variant(variant, expected),
            )
        }
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        DeError {
            unknown: Some(Box::new(UnknownName {
                what: "field",
                word: field.to_owned(),
                expected,
            })),
            ..DeError::of(
                DeKind::Schema,
                <Wording as de::Error>::unknown_field(field, expected),
            )
        }
    }

    fn missing_field(field: &'static str) -> Self {
        DeError::of(DeKind::Schema, <Wording as de::Error>::missing_field(field))
    }

    fn duplicate_field(field: &'static str) -> Self {
        DeError::of(
            DeKind::Schema,
            <Wording as de::Error>::duplicate_field(field),
        )
    }
}

/// What a read shares across the tree: the line of the key being read (published for the unknown-field
/// callback), and whether any value was ignored (a key the type does not know).
#[derive(Debug, Default)]
pub(crate) struct Context {
    pub key_line: Cell<usize>,
    pub ignored: Cell<bool>,
}

/// A node to read, with the context of the read.
#[derive(Clone, Copy)]
pub(crate) struct NodeDe<'a> {
    pub node: &'a Node,
    pub ctx: &'a Context,
}

impl<'a> NodeDe<'a> {
    /// Puts this node's position (and, for a plain scalar read as a non-string, a hint to quote it) on an
    /// error that has none yet.
    fn locate(&self, mut error: DeError) -> DeError {
        if error.line.is_none() {
            error.line = Some(self.node.line);
            error.column = Some(self.node.column);
            if let Some(plain) = &self.node.plain
                && error.kind == DeKind::InvalidType
            {
                let what = match self.node.kind {
                    Kind::Bool(_) => "a boolean",
                    Kind::Null => "null",
                    _ => "a number",
                };
                error.message = format!(
                    "{}; YAML 1.1 (as kubectl reads it) takes the unquoted `{plain}` for {what}: quote it \
                     (\"{plain}\") if a string is meant",
                    error.message
                );
            }
        }
        error
    }

    fn integral(&self, f: f64) -> Option<Result<i64, u64>> {
        if f.fract() != 0.0 || f.abs() >= 1e21 {
            return None;
        }
        if f >= i64::MIN as f64 && f < i64::MAX as f64 {
            Some(Ok(f as i64))
        } else if f >= 0.0 && f < u64::MAX as f64 {
            Some(Err(f as u64))
        } else {
            None
        }
    }

    fn any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.node.kind {
            Kind::Null => visitor.visit_unit(),
            Kind::Bool(b) => visitor.visit_bool(*b),
            Kind::Int(v) => visitor.visit_i64(*v),
            Kind::Uint(v) => visitor.visit_u64(*v),
            Kind::Float(f) => match self.integral(*f) {
                Some(Ok(v)) => visitor.visit_i64(v),
                Some(Err(v)) => visitor.visit_u64(v),
                None => visitor.visit_f64(*f),
            },
            Kind::Str(s) => visitor.visit_borrowed_str(s),
            Kind::Seq(items) => {
                let mut access = Seq {
                    items: items.iter(),
                    ctx: self.ctx,
                    index: 0,
                };
                let value = visitor.visit_seq(&mut access)?;
                if access.items.len() > 0 {
                    return Err(de::Error::invalid_length(items.len(), &"fewer elements"));
                }
                Ok(value)
            }
            Kind::Map(entries) => visitor.visit_map(Map {
                entries: entries.iter(),
                value: None,
                ctx: self.ctx,
            }),
        }
    }
}

impl<'de> Deserializer<'de> for NodeDe<'de> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.any(visitor).map_err(|e| self.locate(e))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.node.kind {
            Kind::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
        .map_err(|e| self.locate(e))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor
            .visit_newtype_struct(self)
            .map_err(|e| self.locate(e))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match &self.node.kind {
            Kind::Str(s) => visitor.visit_enum(s.as_str().into_deserializer()),
            Kind::Map(entries) if entries.len() == 1 => visitor.visit_enum(Enum {
                key: &entries[0].0,
                value: NodeDe {
                    node: &entries[0].1,
                    ctx: self.ctx,
                },
            }),
            _ => Err(de::Error::invalid_type(
                de::Unexpected::Other("this value"),
                &"a string (one of the allowed values)",
            )),
        }
        .map_err(|e| self.locate(e))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.ctx.ignored.set(true);
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct identifier
    }
}

struct Seq<'a, I> {
    items: I,
    ctx: &'a Context,
    index: usize,
}

impl<'a, I: ExactSizeIterator<Item = &'a Node>> SeqAccess<'a> for &mut Seq<'a, I> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'a>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        match self.items.next() {
            None => Ok(None),
            Some(node) => {
                self.index += 1;
                self.ctx.key_line.set(node.line);
                seed.deserialize(NodeDe {
                    node,
                    ctx: self.ctx,
                })
                .map(Some)
            }
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct Map<'a, I> {
    entries: I,
    value: Option<(&'a Key, &'a Node)>,
    ctx: &'a Context,
}

impl<'a, I: ExactSizeIterator<Item = &'a (Key, Node)>> MapAccess<'a> for Map<'a, I> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'a>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        match self.entries.next() {
            None => Ok(None),
            Some((key, value)) => {
                self.value = Some((key, value));
                seed.deserialize(de::value::BorrowedStrDeserializer::<DeError>::new(
                    &key.name,
                ))
                .map(Some)
                .map_err(|mut e| {
                    if e.line.is_none() {
                        e.line = Some(key.line);
                        e.column = Some(key.column);
                    }
                    e
                })
            }
        }
    }

    fn next_value_seed<V: DeserializeSeed<'a>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let (key, node) = self
            .value
            .take()
            .ok_or_else(|| <DeError as de::Error>::custom("a value without a key"))?;
        self.ctx.key_line.set(key.line);
        seed.deserialize(NodeDe {
            node,
            ctx: self.ctx,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

struct Enum<'a> {
    key: &'a Key,
    value: NodeDe<'a>,
}

impl<'a> de::EnumAccess<'a> for Enum<'a> {
    type Error = DeError;
    type Variant = NodeDe<'a>;

    fn variant_seed<V: DeserializeSeed<'a>>(
        self,
        seed: V,
    ) -> Result<(V::Value, NodeDe<'a>), DeError> {
        let variant = seed.deserialize(de::value::BorrowedStrDeserializer::<DeError>::new(
            &self.key.name,
        ))?;
        Ok((variant, self.value))
    }
}

impl<'a> de::VariantAccess<'a> for NodeDe<'a> {
    type Error = DeError;

    fn unit_variant(self) -> Result<(), DeError> {
        de::Deserialize::deserialize(self)
    }

    fn newtype_variant_seed<T: DeserializeSeed<'a>>(self, seed: T) -> Result<T::Value, DeError> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'a>>(self, _len: usize, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_any(visitor)
    }

    fn struct_variant<V: Visitor<'a>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_any(visitor)
    }
}
