//! One recorded HTTP exchange: the unit of fixtures and cassettes.
//!
//! On disk an interaction is pretty JSON with keys in a stable order. A JSON body is stored as
//! JSON under `body`, any other body as text under `body_text`, and an empty body not at all:
//!
//! ```json
//! {
//!   "name": "unauthorized",
//!   "source": { "kind": "documentation", "note": "..." },
//!   "request": { "method": "POST", "path": "/api/services/zis/registry/my_integration",
//!                "headers": { "content-type": "application/json" },
//!                "body": { "description": "example integration" } },
//!   "response": { "status": 401, "headers": { "content-type": "application/json" },
//!                 "body": { "errors": [ ... ], "message": "Unauthorized" } }
//! }
//! ```

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// One request and the response it got, with where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interaction {
    /// A short name, unique within its fixture folder or cassette.
    pub name: String,
    /// The request.
    pub request: RecordedRequest,
    /// The response.
    pub response: RecordedResponse,
    /// Where this interaction came from.
    pub source: Source,
}

/// Where an interaction came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// Documentation, observation, or a recording.
    pub kind: SourceKind,
    /// Anything a reader should know: which example of the documentation, who observed it, what
    /// in it was chosen rather than seen.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// When it was recorded (RFC 3339, UTC), for recordings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_at: Option<String>,
}

/// The three kinds of source a fixture can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// Copied from the API documentation.
    Documentation,
    /// Seen on the live API by third parties, not documented.
    Observed,
    /// Recorded from a live account by `zis-contract record`.
    Recorded,
}

/// The request half of an [`Interaction`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedRequest {
    /// The body.
    #[serde(flatten)]
    pub body: Body,
    /// Header names (lower case) and values; repeated headers are joined with `, `.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// The method, such as `POST`.
    pub method: String,
    /// The path as sent, percent-encoded, with any query.
    pub path: String,
}

/// The response half of an [`Interaction`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedResponse {
    /// The body.
    #[serde(flatten)]
    pub body: Body,
    /// Header names (lower case) and values; repeated headers are joined with `, `.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// The status code: 100 to 999, as HTTP allows; a file with any other is refused when read.
    #[serde(deserialize_with = "http_status")]
    pub status: u16,
}

/// The HTTP status codes: three digits.
pub(crate) const HTTP_STATUSES: std::ops::RangeInclusive<u16> = 100..=999;

/// A status code in [`HTTP_STATUSES`], so that a response read from a file can be sent.
fn http_status<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<u16, D::Error> {
    deserializer.deserialize_u64(HttpStatusVisitor)
}

struct HttpStatusVisitor;

impl serde::de::Visitor<'_> for HttpStatusVisitor {
    type Value = u16;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an HTTP status from 100 to 999")
    }

    fn visit_u64<E: serde::de::Error>(self, status: u64) -> Result<u16, E> {
        u16::try_from(status)
            .ok()
            .filter(|status| HTTP_STATUSES.contains(status))
            .ok_or_else(|| E::invalid_value(serde::de::Unexpected::Unsigned(status), &self))
    }

    fn visit_i64<E: serde::de::Error>(self, status: i64) -> Result<u16, E> {
        match u64::try_from(status) {
            Ok(status) => self.visit_u64(status),
            Err(_) => Err(E::invalid_value(serde::de::Unexpected::Signed(status), &self)),
        }
    }
}

/// A message body: JSON, other text, or nothing.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(from = "BodyRepr", into = "BodyRepr")]
pub enum Body {
    /// No body.
    #[default]
    Empty,
    /// A JSON document, stored as JSON.
    Json(Value),
    /// Any other body, stored as text (bytes that are not UTF-8 are replaced by U+FFFD).
    Text(String),
}

impl Body {
    /// The body of `bytes`: JSON when it parses as JSON, text otherwise.
    pub fn from_bytes(bytes: &[u8]) -> Self {
        if bytes.is_empty() {
            return Self::Empty;
        }
        match serde_json::from_slice(bytes) {
            Ok(value) => Self::Json(value),
            Err(_) => Self::Text(String::from_utf8_lossy(bytes).into_owned()),
        }
    }

    /// The bytes sent on the wire: JSON compact, text as it is.
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            Self::Empty => Vec::new(),
            Self::Json(value) => serde_json::to_vec(value).expect("a JSON value always serializes"),
            Self::Text(text) => text.clone().into_bytes(),
        }
    }

    /// The JSON document, if the body is one.
    pub fn json(&self) -> Option<&Value> {
        match self {
            Self::Json(value) => Some(value),
            _ => None,
        }
    }
}

#[derive(Serialize, Deserialize)]
struct BodyRepr {
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    body: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    body_text: Option<String>,
}

/// A present `body` is `Some`, even when it is JSON `null`.
fn present<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}

impl From<BodyRepr> for Body {
    fn from(repr: BodyRepr) -> Self {
        match (repr.body, repr.body_text) {
            (Some(value), _) => Self::Json(value),
            (None, Some(text)) => Self::Text(text),
            (None, None) => Self::Empty,
        }
    }
}

impl From<Body> for BodyRepr {
    fn from(body: Body) -> Self {
        match body {
            Body::Empty => Self { body: None, body_text: None },
            Body::Json(value) => Self { body: Some(value), body_text: None },
            Body::Text(text) => Self { body: None, body_text: Some(text) },
        }
    }
}
