//! The shape of a whole request or response: what a client must send, and what it must be ready
//! to read, without the values.

use super::{Shape, pretty};
use crate::contract::{PATH_TEMPLATE, REGISTRY_PATH};
use crate::interaction::{Body, RecordedRequest, RecordedResponse};
use crate::request::RequestParts;
use http::HeaderMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The shape of a message body: nothing, text that is not JSON, or JSON of some [`Shape`].
///
/// It serializes as `"empty"`, `"text"` or `{"json": <shape>}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyShape {
    /// No body at all.
    Empty,
    /// A body that is not JSON.
    Text,
    /// A JSON document of this shape.
    Json(Shape),
}

impl BodyShape {
    /// The shape of `body`.
    pub fn of(body: &Body) -> Self {
        match body {
            Body::Empty => Self::Empty,
            Body::Text(_) => Self::Text,
            Body::Json(value) => Self::Json(Shape::of(value)),
        }
    }

    /// The shape of the body `bytes`: empty, JSON, or text.
    pub fn of_bytes(bytes: &[u8]) -> Self {
        Self::of(&Body::from_bytes(bytes))
    }
}

/// The shape of a Create Integration request: method, path template, the headers that matter
/// (the authorization scheme and the content type's media type, never their values) and the
/// body's shape.
///
/// Its JSON has a stable key order, so that it suits an insta snapshot:
///
/// ```
/// use zis_contract::shape::RequestShape;
/// use zis_contract::RequestParts;
///
/// let mut headers = http::HeaderMap::new();
/// headers.insert("authorization", "Basic YWRtaW5AZXhhbXBsZS5jb206c2VjcmV0".parse().unwrap());
/// headers.insert("content-type", "application/json; charset=utf-8".parse().unwrap());
/// let body = br#"{"description":"Acme"}"#;
/// let parts = RequestParts::new("POST", "/api/services/zis/registry/acme_sync", &headers, body);
///
/// assert_eq!(RequestShape::of(&parts).to_string(), r#"{
///   "method": "POST",
///   "path": "/api/services/zis/registry/{integration}",
///   "headers": {
///     "authorization": "basic",
///     "content-type": "application/json"
///   },
///   "body": {
///     "json": {
///       "description": "string"
///     }
///   }
/// }"#);
/// // The canonical request, from the embedded fixtures, has the same shape.
/// assert_eq!(RequestShape::of(&parts), zis_contract::shape::canonical_request());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestShape {
    /// The method, such as `POST`.
    pub method: String,
    /// `/api/services/zis/registry/{integration}` for a path of the registry, otherwise the path
    /// as sent (without its query).
    pub path: String,
    /// `authorization`: the scheme in lower case (such as `basic`); `content-type`: the media
    /// type in lower case, without parameters. A header the request lacks is absent.
    pub headers: BTreeMap<String, String>,
    /// The body's shape.
    pub body: BodyShape,
}

/// The shape of a response: status, content type (media type, lower case) and body shape.
///
/// ```
/// use zis_contract::shape::{canonical_response, BodyShape, ResponseShape};
///
/// let mut headers = http::HeaderMap::new();
/// headers.insert("content-type", "application/json".parse().unwrap());
/// let body = br#"{"errors":[{"code":"1001","detail":"no","status":"401"}],"message":"Unauthorized"}"#;
///
/// let shape = ResponseShape::of(401, &headers, body);
/// assert_eq!(shape.content_type.as_deref(), Some("application/json"));
/// assert!(matches!(shape.body, BodyShape::Json(_)));
/// assert_eq!(Some(shape), canonical_response(401));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseShape {
    /// The status code.
    pub status: u16,
    /// The media type of the `content-type` header in lower case, without parameters; `None`
    /// when there is no such header.
    pub content_type: Option<String>,
    /// The body's shape.
    pub body: BodyShape,
}

impl RequestShape {
    /// The shape of a request in plain parts (from wiremock, hyper, or built by hand).
    pub fn of(parts: &RequestParts<'_>) -> Self {
        let header = |name: &str| parts.header(name).map(|value| String::from_utf8_lossy(value).into_owned());
        Self::from_pieces(
            parts.method,
            parts.path_only(),
            header("authorization"),
            header("content-type"),
            BodyShape::of_bytes(parts.body),
        )
    }

    fn from_pieces(
        method: &str,
        path: &str,
        authorization: Option<String>,
        content_type: Option<String>,
        body: BodyShape,
    ) -> Self {
        let mut headers = BTreeMap::new();
        if let Some(value) = authorization {
            let scheme = value.split_whitespace().next().unwrap_or_default();
            headers.insert("authorization".to_owned(), scheme.to_ascii_lowercase());
        }
        if let Some(value) = content_type {
            headers.insert("content-type".to_owned(), media_type(&value));
        }
        Self { method: method.to_owned(), path: path_template(path), headers, body }
    }
}

impl From<&RecordedRequest> for RequestShape {
    /// The shape of a recorded request, such as a fixture's.
    fn from(request: &RecordedRequest) -> Self {
        let path = request.path.split_once('?').map_or(request.path.as_str(), |(path, _)| path);
        Self::from_pieces(
            &request.method,
            path,
            request.headers.get("authorization").cloned(),
            request.headers.get("content-type").cloned(),
            BodyShape::of(&request.body),
        )
    }
}

impl ResponseShape {
    /// The shape of a response in plain parts.
    pub fn of(status: u16, headers: &HeaderMap, body: &[u8]) -> Self {
        let content_type =
            headers.get(http::header::CONTENT_TYPE).map(|value| String::from_utf8_lossy(value.as_bytes()));
        Self { status, content_type: content_type.as_deref().map(media_type), body: BodyShape::of_bytes(body) }
    }
}

impl From<&RecordedResponse> for ResponseShape {
    /// The shape of a recorded response, such as a fixture's.
    fn from(response: &RecordedResponse) -> Self {
        Self {
            status: response.status,
            content_type: response.headers.get("content-type").map(|value| media_type(value)),
            body: BodyShape::of(&response.body),
        }
    }
}

/// `application/json` of `Application/JSON; charset=utf-8`.
pub(crate) fn media_type(content_type: &str) -> String {
    content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase()
}

/// The path template of a registry path, or the path itself.
fn path_template(path: &str) -> String {
    match path.strip_prefix(REGISTRY_PATH) {
        Some(segment) if !segment.contains('/') => PATH_TEMPLATE.to_owned(),
        _ => path.to_owned(),
    }
}

impl fmt::Display for RequestShape {
    /// Pretty JSON, as snapshots hold it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        pretty(self, f)
    }
}

impl fmt::Display for ResponseShape {
    /// Pretty JSON, as snapshots hold it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        pretty(self, f)
    }
}
