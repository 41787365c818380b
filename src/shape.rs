//! The shape of JSON: which fields, of which JSON types, not which values. Shapes are what
//! snapshots hold, what drift compares, and what conformance checks expect.
//!
//! [`Shape`] is the shape of a JSON value; [`RequestShape`] and [`ResponseShape`] are the shapes
//! of whole messages. The canonical shapes of Create Integration come from the embedded fixtures
//! ([`canonical_request`], [`canonical_response`], [`canonical_body`]); their reviewed copies
//! are the insta snapshots in the crate's `snapshots/` folder.

mod message;

pub use message::{BodyShape, RequestShape, ResponseShape};

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// The shape of a JSON value: its type; for an object the shape of each field; for an array the
/// distinct shapes of its elements.
///
/// A shape serializes as JSON that reads like the value it describes, with type names for
/// values: `{"id":"integer","identifier":"string"}`. Keys are in a stable (sorted) order.
///
/// ```
/// use serde_json::json;
/// use zis_contract::shape::Shape;
///
/// let shape = Shape::of(&json!({ "errors": [{ "code": "1001" }], "message": "Unauthorized" }));
/// assert_eq!(
///     serde_json::to_string(&shape)?,
///     r#"{"errors":[{"code":"string"}],"message":"string"}"#
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Shape {
    /// `null`.
    Null,
    /// `true` or `false`.
    Boolean,
    /// A number without a fraction or exponent.
    Integer,
    /// Any other number.
    Number,
    /// A string.
    String,
    /// An array, with the distinct shapes of its elements (sorted; empty for `[]`).
    Array(Vec<Shape>),
    /// An object, with the shape of each field.
    Object(BTreeMap<String, Shape>),
}

impl Shape {
    /// The shape of `value`.
    pub fn of(value: &Value) -> Self {
        match value {
            Value::Null => Self::Null,
            Value::Bool(_) => Self::Boolean,
            Value::Number(number) if number.is_f64() => Self::Number,
            Value::Number(_) => Self::Integer,
            Value::String(_) => Self::String,
            Value::Array(items) => {
                let mut shapes: Vec<Shape> = items.iter().map(Self::of).collect();
                shapes.sort();
                shapes.dedup();
                Self::Array(shapes)
            }
            Value::Object(fields) => {
                Self::Object(fields.iter().map(|(key, value)| (key.clone(), Self::of(value))).collect())
            }
        }
    }

    /// The JSON type's name: `null`, `boolean`, `integer`, `number`, `string`, `array` or `object`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Boolean => "boolean",
            Self::Integer => "integer",
            Self::Number => "number",
            Self::String => "string",
            Self::Array(_) => "array",
            Self::Object(_) => "object",
        }
    }

    /// Every difference between `self` (what was expected) and `found`, each at its JSON path
    /// under `root` (such as `body`).
    ///
    /// ```
    /// use serde_json::json;
    /// use zis_contract::shape::Shape;
    ///
    /// let expected = Shape::of(&json!({ "id": 1, "secret": "s" }));
    /// let found = Shape::of(&json!({ "id": "1", "scopes": [] }));
    /// let changes: Vec<String> = expected.diff(&found, "body").iter().map(ToString::to_string).collect();
    /// assert_eq!(changes, [
    ///     "body.id: retyped from integer to string",
    ///     "body.scopes: added (array)",
    ///     "body.secret: removed (was string)",
    /// ]);
    /// ```
    pub fn diff(&self, found: &Shape, root: &str) -> Vec<ShapeChange> {
        let mut changes = Vec::new();
        diff_into(self, found, root, &mut changes);
        changes
    }
}

fn diff_into(expected: &Shape, found: &Shape, path: &str, changes: &mut Vec<ShapeChange>) {
    match (expected, found) {
        (Shape::Object(expected), Shape::Object(found)) => {
            let keys: std::collections::BTreeSet<&String> = expected.keys().chain(found.keys()).collect();
            for key in keys {
                let field = format!("{path}.{key}");
                match (expected.get(key), found.get(key)) {
                    (Some(expected), Some(found)) => diff_into(expected, found, &field, changes),
                    (Some(expected), None) => changes.push(ShapeChange::removed(field, expected)),
                    (None, Some(found)) => changes.push(ShapeChange::added(field, found)),
                    (None, None) => {}
                }
            }
        }
        (Shape::Array(expected), Shape::Array(found)) => {
            let items = format!("{path}[]");
            match (expected.as_slice(), found.as_slice()) {
                // An empty array says nothing about its elements.
                ([], _) | (_, []) => {}
                ([expected], [found]) => diff_into(expected, found, &items, changes),
                _ if expected != found => changes.push(ShapeChange::retyped(
                    items,
                    &Shape::Array(expected.clone()),
                    &Shape::Array(found.clone()),
                )),
                _ => {}
            }
        }
        (expected, found) if expected != found => changes.push(ShapeChange::retyped(path.to_owned(), expected, found)),
        _ => {}
    }
}

/// One difference between two shapes, at a JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeChange {
    /// The JSON path, such as `body.zendesk_oauth_client.id`; `[]` stands for array elements.
    pub path: String,
    /// What changed there.
    pub kind: ChangeKind,
}

/// How a field differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeKind {
    /// A field that was not expected, with its type.
    Added(&'static str),
    /// An expected field that is missing, with the type it had.
    Removed(&'static str),
    /// A field of another type than expected (or, for arrays of mixed elements, other elements).
    Retyped {
        /// The expected type.
        expected: String,
        /// The type found.
        found: String,
    },
}

impl ShapeChange {
    fn added(path: String, found: &Shape) -> Self {
        Self { path, kind: ChangeKind::Added(found.type_name()) }
    }

    fn removed(path: String, expected: &Shape) -> Self {
        Self { path, kind: ChangeKind::Removed(expected.type_name()) }
    }

    fn retyped(path: String, expected: &Shape, found: &Shape) -> Self {
        let name = |shape: &Shape| match shape {
            Shape::Array(items) if items.len() > 1 => {
                let names: Vec<&str> = items.iter().map(Shape::type_name).collect();
                format!("array of {}", names.join(" or "))
            }
            other => other.type_name().to_owned(),
        };
        Self { path, kind: ChangeKind::Retyped { expected: name(expected), found: name(found) } }
    }
}

impl fmt::Display for ShapeChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ChangeKind::Added(found) => write!(f, "{}: added ({found})", self.path),
            ChangeKind::Removed(expected) => write!(f, "{}: removed (was {expected})", self.path),
            ChangeKind::Retyped { expected, found } => write!(f, "{}: retyped from {expected} to {found}", self.path),
        }
    }
}

impl fmt::Display for Shape {
    /// Pretty JSON, as snapshots hold it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        pretty(self, f)
    }
}

/// Writes `value` as pretty JSON, as snapshots hold it.
fn pretty(value: &impl Serialize, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str(&serde_json::to_string_pretty(value).map_err(|_| fmt::Error)?)
}

impl Serialize for Shape {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Self::Object(fields) => {
                let mut map = serializer.serialize_map(Some(fields.len()))?;
                for (key, shape) in fields {
                    map.serialize_entry(key, shape)?;
                }
                map.end()
            }
            leaf => serializer.serialize_str(leaf.type_name()),
        }
    }
}

impl<'de> Deserialize<'de> for Shape {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ShapeVisitor)
    }
}

struct ShapeVisitor;

impl<'de> Visitor<'de> for ShapeVisitor {
    type Value = Shape;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "a JSON type name (null, boolean, integer, number, string), an array of shapes, or an object of shapes",
        )
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<Shape, E> {
        match name {
            "null" => Ok(Shape::Null),
            "boolean" => Ok(Shape::Boolean),
            "integer" => Ok(Shape::Integer),
            "number" => Ok(Shape::Number),
            "string" => Ok(Shape::String),
            other => Err(E::invalid_value(de::Unexpected::Str(other), &self)),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Shape, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        items.sort();
        items.dedup();
        Ok(Shape::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shape, A::Error> {
        let mut fields = BTreeMap::new();
        while let Some((key, shape)) = map.next_entry::<String, Shape>()? {
            fields.insert(key, shape);
        }
        Ok(Shape::Object(fields))
    }
}

/// The canonical shape of the body the contract answers `status` with, from the embedded
/// fixtures (the documented example where there is one), or `None` for a status the contract
/// does not answer with a JSON body.
///
/// The reviewed copies of these shapes live in `snapshots/`; a test keeps the two equal, so a
/// fixture whose structure changes fails until its snapshot is reviewed.
///
/// ```
/// use zis_contract::shape::{canonical_body, Shape};
///
/// let Some(Shape::Object(fields)) = canonical_body(200) else { panic!("200 has an object body") };
/// assert_eq!(fields["jwt_public_key"], Shape::String);
/// assert!(canonical_body(204).is_none());
/// ```
pub fn canonical_body(status: u16) -> Option<Shape> {
    canonical_fixture(status).and_then(|fixture| fixture.response.body.json()).map(Shape::of)
}

/// The canonical shape of the response with `status`, from the embedded fixtures (the
/// documented example where there is one), or `None` for a status Create Integration does not
/// answer with.
///
/// ```
/// use zis_contract::shape::{canonical_body, canonical_response};
///
/// let unauthorized = canonical_response(401).unwrap();
/// assert_eq!(unauthorized.content_type.as_deref(), Some("application/json"));
/// assert!(canonical_response(404).is_none());
/// ```
pub fn canonical_response(status: u16) -> Option<ResponseShape> {
    canonical_fixture(status).map(|fixture| ResponseShape::from(&fixture.response))
}

/// The canonical shape of a Create Integration request, from the documented example (the
/// `created` fixture): `POST /api/services/zis/registry/{integration}` with basic credentials,
/// `application/json`, and a body `{"description": "string"}`.
///
/// ```
/// use zis_contract::shape::{canonical_request, BodyShape, Shape};
///
/// let request = canonical_request();
/// assert_eq!(request.path, "/api/services/zis/registry/{integration}");
/// assert_eq!(request.headers["authorization"], "basic");
/// let BodyShape::Json(Shape::Object(fields)) = request.body else { panic!("a JSON object body") };
/// assert_eq!(fields["description"], Shape::String);
/// ```
pub fn canonical_request() -> RequestShape {
    let created = crate::fixtures::get("created").expect("fixtures/created.json is embedded");
    RequestShape::from(&created.request)
}

/// Every status Create Integration answers with (that has a fixture), in ascending order.
///
/// ```
/// let statuses = zis_contract::shape::canonical_statuses();
/// assert!(statuses.starts_with(&[200, 400, 401]));
/// ```
pub fn canonical_statuses() -> Vec<u16> {
    let mut statuses: Vec<u16> = crate::fixtures::all().iter().map(|fixture| fixture.response.status).collect();
    statuses.sort_unstable();
    statuses.dedup();
    statuses
}

/// The fixture that stands for `status`: a documented one before an observed or recorded one.
fn canonical_fixture(status: u16) -> Option<&'static crate::Interaction> {
    crate::fixtures::all()
        .iter()
        .filter(|fixture| fixture.response.status == status)
        .min_by_key(|fixture| fixture.source.kind != crate::SourceKind::Documentation)
}
