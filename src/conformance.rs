//! Does a request conform to the contract? Every rule of Create Integration, checked at once, each
//! break reported in plain words. And does a response have exactly the documented shape
//! ([`check_response`])?
//!
//! The checks take plain parts, so they work with any mock server; [`check_wiremock_request`]
//! and [`check_wiremock_requests`] take wiremock's requests directly.

mod report;
mod response;

pub use report::Report;
pub use response::{check_recorded_response, check_response};

use crate::contract::{Credentials, CredentialsError, NameRejection, PATH_TEMPLATE};
use crate::request::{RequestParts, Route};
use crate::shape::Shape;
use serde_json::Value;
use std::fmt;

/// One way a request (or a response) breaks the contract: where, what the contract expects, and
/// what was found.
///
/// Its `Display` is one line: `body.description: expected string, found number`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The rule that was broken.
    pub rule: Rule,
    /// Where: `path`, `method`, `header content-type`, or a JSON path such as `body.description`.
    pub place: String,
    /// What the contract expects there.
    pub expected: String,
    /// What the request holds there.
    pub found: String,
}

/// The rules of the Create Integration request, and of its responses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// The path is not `/api/services/zis/registry/{integration}` (answered with 404).
    Path,
    /// The method is not `POST` (answered with 405; integrations cannot be deleted).
    Method,
    /// The `Authorization` header holds no well-formed basic credentials (answered with 401).
    Credentials(CredentialsError),
    /// The integration name breaks the name rule (answered with 400).
    Name(NameRejection),
    /// The `Content-Type` is not `application/json` (reported, not rejected), of a request or of
    /// a response.
    ContentType,
    /// The body is not a JSON object, or `description` is not a string (answered with 400).
    Body,
    /// The body is larger than [`MAX_BODY_BYTES`] (answered with 413, the body unread).
    BodyTooLarge,
    /// A zis-contract control header ([`SCENARIO_HEADER`](crate::SCENARIO_HEADER),
    /// [`DELAY_HEADER`](crate::DELAY_HEADER)) that names no scenario or delay: a mistake in the
    /// test, answered with 400 in plain text. Not a rule of the live API.
    ControlHeader,
    /// The body holds a field the contract does not have (reported, not rejected), in a request
    /// or in a response.
    UnknownField,
    /// A response's status is not one Create Integration answers with.
    ResponseStatus,
    /// A response's body is empty or not JSON where the contract has a JSON body.
    ResponseBody,
    /// A response's body lacks a documented field.
    MissingField,
    /// A field of a response's body is of another JSON type than documented.
    FieldType,
}

impl Rule {
    /// The HTTP status the contract answers a break of this rule with, or `None` when the live
    /// API accepts the request anyway and only the conformance report mentions it.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Path => Some(404),
            Self::Method => Some(405),
            Self::Credentials(_) => Some(401),
            Self::Name(_) | Self::Body => Some(400),
            Self::BodyTooLarge => Some(413),
            Self::ContentType
            | Self::ControlHeader
            | Self::UnknownField
            | Self::ResponseStatus
            | Self::ResponseBody
            | Self::MissingField
            | Self::FieldType => None,
        }
    }
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: expected {}, found {}", self.place, self.expected, self.found)
    }
}

impl Mismatch {
    fn new(rule: Rule, place: impl Into<String>, expected: impl Into<String>, found: impl Into<String>) -> Self {
        Self { rule, place: clip(place.into()), expected: expected.into(), found: clip(found.into()) }
    }
}

/// The most characters of a request a mismatch repeats: a 100,000-character path would
/// otherwise make a report line hundreds of kilobytes long.
const MAX_ECHOED_CHARS: usize = 300;

/// `text`, cut to [`MAX_ECHOED_CHARS`] with a note of how much was left out.
fn clip(text: String) -> String {
    match text.char_indices().nth(MAX_ECHOED_CHARS) {
        None => text,
        Some((cut, _)) => {
            let left_out = text[cut..].chars().count();
            format!("{}… ({left_out} more characters)", &text[..cut])
        }
    }
}

/// Checks one request against every rule of the contract and returns each break, in the order
/// path, method, credentials, name, content type, body. A request that takes a wrong path or
/// method is not checked further.
///
/// ```
/// use zis_contract::{check_request, RequestParts};
///
/// let mut headers = http::HeaderMap::new();
/// headers.insert("content-type", "text/plain".parse().unwrap());
/// headers.insert("authorization", "Basic YWRtaW5AZXhhbXBsZS5jb206c2VjcmV0".parse().unwrap());
/// let parts = RequestParts::new("POST", "/api/services/zis/registry/acme_sync", &headers, br#"{"description":7.5}"#);
///
/// let report: Vec<String> = check_request(&parts).unwrap_err().iter().map(|m| m.to_string()).collect();
/// assert_eq!(report, [
///     "header content-type: expected application/json, found text/plain",
///     "body.description: expected string, found number",
/// ]);
/// ```
pub fn check_request(parts: &RequestParts<'_>) -> Result<(), Vec<Mismatch>> {
    into_result(request_mismatches(parts))
}

/// [`check_request`] for a request a `wiremock::MockServer` received.
///
/// ```
/// use zis_contract::check_wiremock_request;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let server = wiremock::MockServer::start().await;
/// reqwest::Client::new()
///     .post(format!("{}/api/services/zis/registry/acme_sync", server.uri()))
///     .basic_auth("admin@example.com/token", Some("abc"))
///     .json(&serde_json::json!({ "description": "Acme" }))
///     .send()
///     .await
///     .unwrap();
///
/// let received = server.received_requests().await.unwrap();
/// assert_eq!(check_wiremock_request(&received[0]), Ok(()));
/// # }
/// ```
pub fn check_wiremock_request(request: &wiremock::Request) -> Result<(), Vec<Mismatch>> {
    check_request(&RequestParts::from_wiremock(request))
}

/// Checks every request a `wiremock::MockServer` received, in order, and reports those that
/// break the contract exactly as [`ZisServer::check`](crate::ZisServer::check) does.
///
/// ```
/// use zis_contract::check_wiremock_requests;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let server = wiremock::MockServer::start().await;
/// reqwest::Client::new()
///     .post(format!("{}/api/services/zis/registry/acme_sync", server.uri()))
///     .basic_auth("admin@example.com/token", Some("abc"))
///     .body(r#"{"description":7}"#)
///     .send()
///     .await
///     .unwrap();
///
/// let report = check_wiremock_requests(&server.received_requests().await.unwrap()).unwrap_err();
/// assert!(report.to_string().contains(
///     "request 1 of 1 (POST /api/services/zis/registry/acme_sync) does not conform:\n  \
///        - header content-type: expected application/json, found no content-type header\n  \
///        - body.description: expected string, found integer\n"
/// ));
/// # }
/// ```
pub fn check_wiremock_requests(requests: &[wiremock::Request]) -> Result<(), Report> {
    let checked: Vec<(&str, &str, Vec<Mismatch>)> = requests
        .iter()
        .map(|request| {
            let parts = RequestParts::from_wiremock(request);
            (parts.method, parts.path, request_mismatches(&parts))
        })
        .collect();
    Report::of(checked.iter().map(|(method, path, mismatches)| (*method, *path, &mismatches[..])))
}

/// `Ok` for no mismatches, else all of them.
fn into_result(mismatches: Vec<Mismatch>) -> Result<(), Vec<Mismatch>> {
    if mismatches.is_empty() { Ok(()) } else { Err(mismatches) }
}

/// [`check_request`], as a plain list (empty when the request conforms).
pub(crate) fn request_mismatches(parts: &RequestParts<'_>) -> Vec<Mismatch> {
    inspect(parts).mismatches
}

/// A request taken apart by the rules, once: what it asks for, and every break.
#[derive(Debug, Default)]
pub(crate) struct Inspection {
    /// Every break of the contract, in the order of [`check_request`].
    pub(crate) mismatches: Vec<Mismatch>,
    /// The percent-decoded name, when the request is a Create Integration (valid or not).
    pub(crate) name: Option<String>,
    /// The credentials, when they are well-formed.
    pub(crate) credentials: Option<Credentials>,
    /// The description, when the body is a JSON object with a string `description`.
    pub(crate) description: Option<String>,
}

/// Applies every rule to `parts`.
pub(crate) fn inspect(parts: &RequestParts<'_>) -> Inspection {
    let name = match Route::of(parts) {
        Route::NotFound => {
            let mismatch = Mismatch::new(Rule::Path, "path", PATH_TEMPLATE, parts.path_only());
            return Inspection { mismatches: vec![mismatch], ..Inspection::default() };
        }
        Route::WrongMethod => {
            let expected = "POST (integrations cannot be changed or deleted)";
            let mismatch = Mismatch::new(Rule::Method, "method", expected, parts.method);
            return Inspection { mismatches: vec![mismatch], ..Inspection::default() };
        }
        Route::CreateIntegration { name } => name,
    };
    let mut mismatches = Vec::new();
    let credentials = match credentials(parts) {
        Ok(credentials) => Some(credentials),
        Err(err) => {
            mismatches.push(Mismatch::new(
                Rule::Credentials(err.clone()),
                "header authorization",
                "basic credentials (email:password or email/token:api_token)",
                err.to_string(),
            ));
            None
        }
    };
    if let Some(rejection) = NameRejection::of(&name) {
        mismatches.push(Mismatch::new(
            Rule::Name(rejection.clone()),
            "path {integration}",
            "1 to 64 characters of a-z, 0-9, '-' and '_'",
            format!("{name:?} ({rejection})"),
        ));
    }
    check_content_type(parts, &mut mismatches);
    let description = check_body(parts.body, &mut mismatches);
    Inspection { mismatches, name: Some(name), credentials, description }
}

/// The credentials of a request, or why it has none.
pub(crate) fn credentials(parts: &RequestParts<'_>) -> Result<Credentials, CredentialsError> {
    let value = parts.header("authorization").ok_or(CredentialsError::Missing)?;
    Credentials::from_authorization(value)
}

fn check_content_type(parts: &RequestParts<'_>, mismatches: &mut Vec<Mismatch>) {
    let found = match parts.header("content-type") {
        None => "no content-type header".to_owned(),
        Some(value) => {
            let value = String::from_utf8_lossy(value);
            let media_type = value.split(';').next().unwrap_or_default().trim();
            if media_type.eq_ignore_ascii_case("application/json") {
                return;
            }
            value.into_owned()
        }
    };
    mismatches.push(Mismatch::new(Rule::ContentType, "header content-type", "application/json", found));
}

/// The largest request body the mock reads; a larger one is answered 413. The live API's limit
/// is not documented: this one is chosen, far above any real Create Integration body.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The mismatch of a body over [`MAX_BODY_BYTES`], of `length` bytes when it is known.
pub(crate) fn body_too_large(length: Option<u64>) -> Mismatch {
    let found = match length {
        Some(length) => format!("{length} bytes"),
        None => format!("more than {MAX_BODY_BYTES} bytes"),
    };
    Mismatch::new(Rule::BodyTooLarge, "body", format!("at most {MAX_BODY_BYTES} bytes"), found)
}

/// The mismatch of a control header that names no scenario or delay.
pub(crate) fn control_header(name: &str, expected: &str, found: &[u8]) -> Mismatch {
    Mismatch::new(
        Rule::ControlHeader,
        format!("header {name}"),
        expected,
        format!("{:?}", String::from_utf8_lossy(found)),
    )
}

/// Checks the body and returns its description, if it has a string one.
fn check_body(body: &[u8], mismatches: &mut Vec<Mismatch>) -> Option<String> {
    if body.len() > MAX_BODY_BYTES {
        mismatches.push(body_too_large(Some(body.len() as u64)));
        return None;
    }
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(_) if body.iter().all(u8::is_ascii_whitespace) => {
            mismatches.push(Mismatch::new(Rule::Body, "body", "a JSON object", "an empty body"));
            return None;
        }
        Err(err) => {
            mismatches.push(Mismatch::new(Rule::Body, "body", "a JSON object", format!("invalid JSON ({err})")));
            return None;
        }
    };
    let Value::Object(fields) = value else {
        mismatches.push(Mismatch::new(Rule::Body, "body", "a JSON object", Shape::of(&value).type_name()));
        return None;
    };
    let mut description = None;
    for (field, value) in fields {
        match (field.as_str(), value) {
            ("description", Value::String(text)) => description = Some(text),
            ("description", value) => {
                mismatches.push(Mismatch::new(Rule::Body, "body.description", "string", Shape::of(&value).type_name()));
            }
            (other, value) => mismatches.push(Mismatch::new(
                Rule::UnknownField,
                format!("body.{other}"),
                "no such field (the body has only an optional description)",
                Shape::of(&value).type_name(),
            )),
        }
    }
    description
}
