//! Shapes of JSON values, requests and responses, and the canonical shapes of Create
//! Integration as insta snapshots in `snapshots/`.
//!
//! The snapshots are produced from the embedded fixtures: a fixture whose structure changes fails
//! here until its new shape is reviewed with `cargo insta review`.

use serde_json::json;
use zis_contract::shape::{
    BodyShape, RequestShape, ResponseShape, Shape, canonical_body, canonical_request, canonical_response,
    canonical_statuses,
};
use zis_contract::{Credentials, RequestParts, fixtures};

/// Asserts `text` equals the reviewed snapshot `snapshots/{name}.snap`.
#[track_caller]
fn assert_canonical_snapshot(name: &str, description: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_description(description);
    settings.bind(|| insta::assert_snapshot!(name, text));
}

/// Asserts the canonical response of `status` equals its reviewed snapshot.
#[track_caller]
fn assert_canonical_response_snapshot(status: u16) {
    let response = canonical_response(status).unwrap_or_else(|| panic!("no fixture answers {status}"));
    let description = format!("The shape of the response Create Integration answers {status} with, from fixtures/.");
    assert_canonical_snapshot(&format!("create_integration_response_{status}"), &description, &response.to_string());
}

#[test]
fn the_create_integration_request_matches_its_snapshot() {
    // Arrange
    let request = canonical_request();

    // Act
    let text = request.to_string();

    // Assert
    assert_canonical_snapshot(
        "create_integration_request",
        "The shape of the Create Integration request, from fixtures/created.json.",
        &text,
    );
}

#[test]
fn the_200_response_matches_its_snapshot() {
    assert_canonical_response_snapshot(200);
}

#[test]
fn the_400_response_matches_its_snapshot() {
    assert_canonical_response_snapshot(400);
}

#[test]
fn the_401_response_matches_its_snapshot() {
    assert_canonical_response_snapshot(401);
}

#[test]
fn the_403_response_matches_its_snapshot() {
    assert_canonical_response_snapshot(403);
}

#[test]
fn the_409_response_matches_its_snapshot() {
    assert_canonical_response_snapshot(409);
}

#[test]
fn the_429_response_matches_its_snapshot() {
    assert_canonical_response_snapshot(429);
}

#[test]
fn the_500_response_matches_its_snapshot() {
    assert_canonical_response_snapshot(500);
}

#[test]
fn the_503_response_matches_its_snapshot() {
    assert_canonical_response_snapshot(503);
}

#[test]
fn every_status_of_the_fixtures_has_a_snapshot_test_above() {
    // A fixture with a new status needs a snapshot test of its own.
    assert_eq!(canonical_statuses(), [200, 400, 401, 403, 409, 429, 500, 503]);
}

#[test]
fn the_canonical_response_holds_the_canonical_body() {
    for status in canonical_statuses() {
        // Arrange
        let body = canonical_body(status).expect("every fixture status has a JSON body");

        // Act
        let response = canonical_response(status).unwrap();

        // Assert
        assert_eq!(response.body, BodyShape::Json(body), "status {status}");
    }
}

#[test]
fn every_fixture_of_a_status_has_the_canonical_shape_of_that_status() {
    for fixture in fixtures::all() {
        // Arrange
        let status = fixture.response.status;

        // Act
        let request = RequestShape::from(&fixture.request);
        let response = ResponseShape::from(&fixture.response);

        // Assert
        assert_eq!(request, canonical_request(), "request of fixtures/{}.json", fixture.name);
        assert_eq!(Some(response), canonical_response(status), "response of fixtures/{}.json", fixture.name);
    }
}

#[test]
fn a_request_in_plain_parts_has_the_shape_of_the_canonical_request() {
    // Arrange
    let mut headers = http::HeaderMap::new();
    headers.insert("authorization", Credentials::password("admin@example.com", "pw").authorization().parse().unwrap());
    headers.insert("content-type", "Application/JSON; charset=utf-8".parse().unwrap());
    let body = br#"{"description":"Acme sync"}"#;
    let parts = RequestParts::new("POST", "/api/services/zis/registry/acme_sync?dry_run=1", &headers, body);

    // Act
    let shape = RequestShape::of(&parts);

    // Assert
    assert_eq!(shape, canonical_request());
}

#[test]
fn a_request_shape_keeps_the_scheme_and_media_type_but_no_secret() {
    // Arrange
    let mut headers = http::HeaderMap::new();
    headers.insert("authorization", "Bearer s3cr3t-token".parse().unwrap());
    headers.insert("content-type", "text/plain; charset=utf-8".parse().unwrap());
    let parts = RequestParts::new("PUT", "/api/v2/tickets", &headers, b"description=7");

    // Act
    let text = RequestShape::of(&parts).to_string();

    // Assert
    assert_eq!(
        text,
        r#"{
  "method": "PUT",
  "path": "/api/v2/tickets",
  "headers": {
    "authorization": "bearer",
    "content-type": "text/plain"
  },
  "body": "text"
}"#
    );
}

#[test]
fn a_request_without_headers_or_body_has_none_in_its_shape() {
    // Arrange
    let headers = http::HeaderMap::new();
    let parts = RequestParts::new("POST", "/api/services/zis/registry/acme", &headers, b"");

    // Act
    let shape = RequestShape::of(&parts);

    // Assert
    assert!(shape.headers.is_empty());
    assert_eq!(shape.body, BodyShape::Empty);
    assert_eq!(shape.path, "/api/services/zis/registry/{integration}");
}

#[test]
fn a_path_below_a_registry_name_is_not_the_template() {
    let headers = http::HeaderMap::new();
    let parts = RequestParts::new("POST", "/api/services/zis/registry/acme/extra", &headers, b"{}");

    let shape = RequestShape::of(&parts);

    assert_eq!(shape.path, "/api/services/zis/registry/acme/extra");
}

#[test]
fn a_response_shape_has_status_media_type_and_body_shape() {
    // Arrange
    let mut headers = http::HeaderMap::new();
    headers.insert("content-type", "application/json; charset=utf-8".parse().unwrap());
    let body = serde_json::to_vec(&json!({ "errors": [], "message": "Conflict" })).unwrap();

    // Act
    let text = ResponseShape::of(409, &headers, &body).to_string();

    // Assert
    assert_eq!(
        text,
        r#"{
  "status": 409,
  "content_type": "application/json",
  "body": {
    "json": {
      "errors": [],
      "message": "string"
    }
  }
}"#
    );
}

#[test]
fn shapes_read_back_from_their_json() {
    // Arrange
    let request = canonical_request();
    let response = canonical_response(200).unwrap();

    // Act
    let request_again: RequestShape = serde_json::from_str(&request.to_string()).unwrap();
    let response_again: ResponseShape = serde_json::from_str(&response.to_string()).unwrap();

    // Assert
    assert_eq!(request_again, request);
    assert_eq!(response_again, response);
}

#[test]
fn a_shape_lists_object_keys_in_sorted_order_whatever_the_value_order() {
    // Arrange
    let value: serde_json::Value = serde_json::from_str(r#"{"zeta":1,"alpha":{"y":true,"b":null}}"#).unwrap();

    // Act
    let text = serde_json::to_string(&Shape::of(&value)).unwrap();

    // Assert
    assert_eq!(text, r#"{"alpha":{"b":"null","y":"boolean"},"zeta":"integer"}"#);
}

#[tokio::test]
async fn a_request_a_client_sent_to_zis_server_has_the_canonical_shape() {
    // Arrange
    let zis = zis_contract::ZisServer::start().await;
    reqwest::Client::new()
        .post(format!("{}/api/services/zis/registry/acme_sync", zis.uri()))
        .basic_auth("admin@example.com/token", Some("abc"))
        .json(&json!({ "description": "Acme" }))
        .send()
        .await
        .unwrap();
    let received = &zis.received_requests().await[0];

    // Act
    let parts = RequestParts::new(&received.method, &received.path, &received.headers, &received.body);
    let shape = RequestShape::of(&parts);

    // Assert
    assert_eq!(shape, canonical_request());
}
