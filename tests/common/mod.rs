//! Helpers shared by the integration tests: a client that speaks to a mock like a ZIS client would.

#![allow(dead_code)]

use zis_contract::percent_encode_segment;

/// The registry path of `name`, percent-encoded as one segment.
pub fn registry_path(name: &str) -> String {
    format!("/api/services/zis/registry/{}", percent_encode_segment(name))
}

/// A well-formed, conforming Create Integration request for `name`.
pub fn create(base: &str, name: &str) -> reqwest::RequestBuilder {
    create_as(base, name, "admin@example.com/token", "abc")
}

/// A conforming Create Integration request for `name` with these credentials.
pub fn create_as(base: &str, name: &str, user: &str, secret: &str) -> reqwest::RequestBuilder {
    create_with(base, name, "application/json").basic_auth(user, Some(secret))
}

/// A Create Integration request for `name` with this content type and no credentials.
pub fn create_with(base: &str, name: &str, content_type: &str) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .post(format!("{base}{}", registry_path(name)))
        .header("content-type", content_type)
        .body(r#"{"description":"example integration"}"#)
}

/// Sends one conforming request for `acme_sync` to `base`, then one with a wrong content type and
/// a numeric description.
pub async fn send_one_good_and_one_bad(base: &str) {
    create(base, "acme_sync").send().await.unwrap();
    create_with(base, "acme_sync", "text/plain")
        .basic_auth("admin@example.com/token", Some("abc"))
        .body(r#"{"description":7.5}"#)
        .send()
        .await
        .unwrap();
}

/// A response's status and body as JSON (`Value::Null` when the body is not JSON).
pub async fn status_and_json(request: reqwest::RequestBuilder) -> (u16, serde_json::Value) {
    let response = request.send().await.expect("the mock answers");
    let status = response.status().as_u16();
    let bytes = response.bytes().await.expect("the body arrives");
    (status, serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null))
}

/// The error code and detail of an error envelope.
pub fn code_and_detail(body: &serde_json::Value) -> (&str, &str) {
    let item = &body["errors"][0];
    (item["code"].as_str().unwrap_or_default(), item["detail"].as_str().unwrap_or_default())
}
