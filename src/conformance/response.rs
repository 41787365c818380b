//! Does a response have exactly the documented shape of its status? For client authors who
//! parse responses, or who hand-write the responses of their own mocks.

use super::{Mismatch, Rule, into_result};
use crate::interaction::RecordedResponse;
use crate::shape::{BodyShape, ChangeKind, ResponseShape, canonical_response, canonical_statuses};
use http::HeaderMap;

/// Checks a response against the canonical shape of its status (from the embedded fixtures, as
/// reviewed in `snapshots/`): a status Create Integration answers with, the JSON content type,
/// and a body with exactly the documented fields, each of its documented JSON type.
///
/// ```
/// use zis_contract::check_response;
///
/// let mut headers = http::HeaderMap::new();
/// headers.insert("content-type", "application/json".parse().unwrap());
/// // A hand-written 200 with the client id as a string, and no jwt_public_key.
/// let body = br#"{"description":"Acme","zendesk_oauth_client":{"id":"1","identifier":"zis_acme","secret":"s"}}"#;
///
/// let report: Vec<String> = check_response(200, &headers, body).unwrap_err().iter().map(|m| m.to_string()).collect();
/// assert_eq!(report, [
///     "body.jwt_public_key: expected string, found no such field",
///     "body.zendesk_oauth_client.id: expected integer, found string",
/// ]);
/// ```
pub fn check_response(status: u16, headers: &HeaderMap, body: &[u8]) -> Result<(), Vec<Mismatch>> {
    into_result(response_mismatches(&ResponseShape::of(status, headers, body)))
}

/// [`check_response`] for a recorded response, such as one of a cassette or of your own fixtures.
///
/// ```
/// use zis_contract::{check_recorded_response, fixtures};
///
/// for fixture in fixtures::all() {
///     assert_eq!(check_recorded_response(&fixture.response), Ok(()), "{}", fixture.name);
/// }
/// ```
pub fn check_recorded_response(response: &RecordedResponse) -> Result<(), Vec<Mismatch>> {
    into_result(response_mismatches(&ResponseShape::from(response)))
}

/// Every way `found` differs from the canonical response of its status: status, then content
/// type, then body.
fn response_mismatches(found: &ResponseShape) -> Vec<Mismatch> {
    let Some(expected) = canonical_response(found.status) else {
        let statuses: Vec<String> = canonical_statuses().iter().map(u16::to_string).collect();
        return vec![Mismatch::new(
            Rule::ResponseStatus,
            "status",
            format!("a status Create Integration answers with ({})", statuses.join(", ")),
            found.status.to_string(),
        )];
    };
    let mut mismatches = Vec::new();
    if found.content_type != expected.content_type {
        mismatches.push(Mismatch::new(
            Rule::ContentType,
            "header content-type",
            expected.content_type.as_deref().unwrap_or("no content-type header"),
            found.content_type.as_deref().unwrap_or("no content-type header"),
        ));
    }
    match (&expected.body, &found.body) {
        (BodyShape::Json(expected), BodyShape::Json(found)) => {
            mismatches.extend(expected.diff(found, "body").into_iter().map(|change| {
                let (rule, expected, found) = match change.kind {
                    ChangeKind::Added(found) => (
                        Rule::UnknownField,
                        "no such field (it is not documented for this status)".to_owned(),
                        found.to_owned(),
                    ),
                    ChangeKind::Removed(expected) => {
                        (Rule::MissingField, expected.to_owned(), "no such field".to_owned())
                    }
                    ChangeKind::Retyped { expected, found } => (Rule::FieldType, expected, found),
                };
                Mismatch::new(rule, change.path, expected, found)
            }));
        }
        (expected, found) if expected != found => {
            mismatches.push(Mismatch::new(Rule::ResponseBody, "body", describe(expected), describe(found)));
        }
        _ => {}
    }
    mismatches
}

/// A body shape in the words of a mismatch.
fn describe(body: &BodyShape) -> String {
    match body {
        BodyShape::Empty => "an empty body".to_owned(),
        BodyShape::Text => "a body that is not JSON".to_owned(),
        BodyShape::Json(shape) => format!("a JSON {}", shape.type_name()),
    }
}
