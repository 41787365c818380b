//! Conformance checks: every way a request or a response breaks the contract, named with its
//! place, what was expected and what was found.

mod common;

use common::{create, send_one_good_and_one_bad};
use http::{HeaderMap, HeaderValue};
use serde_json::json;
use zis_contract::{
    Contract, Credentials, CredentialsError, Mismatch, NameRejection, RequestParts, Rule, Scenario, ZisServer,
    check_recorded_response, check_request, check_response, check_wiremock_request, check_wiremock_requests, fixtures,
};

const PATH: &str = "/api/services/zis/registry/acme_sync";

/// Headers of a conforming request: admin credentials and JSON.
fn conforming_headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    let authorization = Credentials::api_token("admin@example.com", "abc").authorization();
    headers.insert("authorization", authorization.parse().unwrap());
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    headers
}

/// Conforming headers with `authorization` set to `value`.
fn headers_with_authorization(value: &[u8]) -> HeaderMap {
    let mut headers = conforming_headers();
    headers.insert("authorization", HeaderValue::from_bytes(value).unwrap());
    headers
}

/// The mismatches of a request (empty when it conforms).
fn request_mismatches(method: &str, path: &str, headers: &HeaderMap, body: &[u8]) -> Vec<Mismatch> {
    check_request(&RequestParts::new(method, path, headers, body)).err().unwrap_or_default()
}

/// The single mismatch of a request; fails when there are none or several.
#[track_caller]
fn single_request_mismatch(method: &str, path: &str, headers: &HeaderMap, body: &[u8]) -> Mismatch {
    let mismatches = request_mismatches(method, path, headers, body);
    assert_eq!(mismatches.len(), 1, "expected exactly one mismatch, got {mismatches:#?}");
    mismatches.into_iter().next().unwrap()
}

fn json_headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    headers
}

/// The mismatches of a response (empty when it conforms), one line each.
fn response_report(status: u16, headers: &HeaderMap, body: &[u8]) -> Vec<String> {
    check_response(status, headers, body).err().unwrap_or_default().iter().map(ToString::to_string).collect()
}

/// The rules the mismatches of a response broke.
fn response_rules(status: u16, headers: &HeaderMap, body: &[u8]) -> Vec<Rule> {
    check_response(status, headers, body).err().unwrap_or_default().into_iter().map(|mismatch| mismatch.rule).collect()
}

const CREATED: &str = r#"{"description":"Acme","jwt_public_key":"k","zendesk_oauth_client":{"id":1,"identifier":"zis_acme_sync","secret":"s"}}"#;

// ---- requests -------------------------------------------------------------------------------

#[test]
fn a_conforming_request_passes() {
    // Arrange
    let headers = conforming_headers();

    // Act
    let result = check_request(&RequestParts::new("POST", PATH, &headers, br#"{"description":"Acme"}"#));

    // Assert
    assert_eq!(result, Ok(()));
}

#[test]
fn an_empty_object_body_conforms_because_description_is_optional() {
    let headers = conforming_headers();

    let result = check_request(&RequestParts::new("POST", PATH, &headers, b"{}"));

    assert_eq!(result, Ok(()));
}

#[test]
fn another_path_is_a_path_mismatch() {
    // Arrange
    let headers = conforming_headers();

    // Act
    let mismatch = single_request_mismatch("POST", "/api/services/zis/integrations/acme_sync?x=1", &headers, b"{}");

    // Assert
    assert_eq!(mismatch.rule, Rule::Path);
    assert_eq!(
        mismatch.to_string(),
        "path: expected /api/services/zis/registry/{integration}, found /api/services/zis/integrations/acme_sync"
    );
}

#[test]
fn another_method_is_a_method_mismatch() {
    let headers = conforming_headers();

    let mismatch = single_request_mismatch("DELETE", PATH, &headers, b"");

    assert_eq!(mismatch.rule, Rule::Method);
    assert_eq!(mismatch.to_string(), "method: expected POST (integrations cannot be changed or deleted), found DELETE");
}

#[test]
fn each_malformed_authorization_is_a_credentials_mismatch_naming_the_form() {
    use base64::Engine as _;
    let encode = |user_pass: &[u8]| format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(user_pass));
    let cases: Vec<(Option<Vec<u8>>, CredentialsError)> = vec![
        (None, CredentialsError::Missing),
        (Some(b"Basic \xff\xfe".to_vec()), CredentialsError::NotUtf8),
        (Some(encode(b"admin@example.com:\xff").into_bytes()), CredentialsError::NotUtf8),
        (Some(b"Bearer abc".to_vec()), CredentialsError::UnknownScheme("Bearer".to_owned())),
        (Some(b"Basic !!not-base64!!".to_vec()), CredentialsError::NotBase64),
        (Some(encode(b"admin@example.com").into_bytes()), CredentialsError::NoColon),
        (Some(encode(b"/token:abc").into_bytes()), CredentialsError::EmptyEmail),
        (Some(encode(b"admin@example.com:").into_bytes()), CredentialsError::EmptySecret),
    ];
    for (authorization, error) in cases {
        // Arrange
        let headers = match &authorization {
            Some(value) => headers_with_authorization(value),
            None => {
                let mut headers = conforming_headers();
                headers.remove("authorization");
                headers
            }
        };

        // Act
        let mismatch = single_request_mismatch("POST", PATH, &headers, b"{}");

        // Assert
        assert_eq!(mismatch.rule, Rule::Credentials(error.clone()), "for {authorization:?}");
        assert_eq!(mismatch.place, "header authorization");
        assert_eq!(mismatch.expected, "basic credentials (email:password or email/token:api_token)");
        assert_eq!(mismatch.found, error.to_string());
    }
}

#[test]
fn each_broken_name_rule_is_a_name_mismatch_with_the_reason() {
    let too_long = "a".repeat(65);
    let cases = [
        ("", NameRejection::Empty),
        ("Acme_sync", NameRejection::UpperCase { character: 'A', position: 1 }),
        ("acme%20sync", NameRejection::ForbiddenCharacter { character: ' ', position: 5 }),
        (too_long.as_str(), NameRejection::TooLong { length: 65 }),
    ];
    for (name, rejection) in cases {
        // Arrange
        let headers = conforming_headers();
        let path = format!("/api/services/zis/registry/{name}");

        // Act
        let mismatch = single_request_mismatch("POST", &path, &headers, b"{}");

        // Assert
        assert_eq!(mismatch.rule, Rule::Name(rejection.clone()), "for {name:?}");
        assert_eq!(mismatch.place, "path {integration}");
        assert_eq!(mismatch.expected, "1 to 64 characters of a-z, 0-9, '-' and '_'");
        let decoded = name.replace("%20", " ");
        assert_eq!(mismatch.found, format!("{decoded:?} ({rejection})"));
    }
}

#[test]
fn another_content_type_is_a_content_type_mismatch() {
    // Arrange
    let mut headers = conforming_headers();
    headers.insert("content-type", HeaderValue::from_static("text/plain"));

    // Act
    let mismatch = single_request_mismatch("POST", PATH, &headers, b"{}");

    // Assert
    assert_eq!(mismatch.rule, Rule::ContentType);
    assert_eq!(mismatch.to_string(), "header content-type: expected application/json, found text/plain");
}

#[test]
fn a_missing_content_type_is_a_content_type_mismatch() {
    let mut headers = conforming_headers();
    headers.remove("content-type");

    let mismatch = single_request_mismatch("POST", PATH, &headers, b"{}");

    assert_eq!(mismatch.to_string(), "header content-type: expected application/json, found no content-type header");
}

#[test]
fn json_with_parameters_and_any_case_is_the_json_content_type() {
    let mut headers = conforming_headers();
    headers.insert("content-type", HeaderValue::from_static("Application/JSON; charset=utf-8"));

    let mismatches = request_mismatches("POST", PATH, &headers, b"{}");

    assert_eq!(mismatches, []);
}

#[test]
fn a_body_that_is_not_json_is_a_body_mismatch() {
    let headers = conforming_headers();

    let mismatch = single_request_mismatch("POST", PATH, &headers, b"description=Acme");

    assert_eq!(mismatch.rule, Rule::Body);
    assert_eq!(mismatch.place, "body");
    assert_eq!(mismatch.expected, "a JSON object");
    assert!(mismatch.found.starts_with("invalid JSON ("), "{}", mismatch.found);
}

#[test]
fn each_body_that_is_not_an_object_with_a_string_description_is_a_body_mismatch() {
    let cases: [(&[u8], &str); 3] = [
        (b"  ", "body: expected a JSON object, found an empty body"),
        (br#"["Acme"]"#, "body: expected a JSON object, found array"),
        (br#"{"description":7.5}"#, "body.description: expected string, found number"),
    ];
    for (body, expected) in cases {
        // Arrange
        let headers = conforming_headers();

        // Act
        let mismatch = single_request_mismatch("POST", PATH, &headers, body);

        // Assert
        assert_eq!(mismatch.rule, Rule::Body);
        assert_eq!(mismatch.to_string(), expected);
    }
}

#[test]
fn a_field_the_contract_does_not_have_is_an_unknown_field() {
    let headers = conforming_headers();

    let mismatch = single_request_mismatch("POST", PATH, &headers, br#"{"description":"Acme","name":"acme"}"#);

    assert_eq!(mismatch.rule, Rule::UnknownField);
    assert_eq!(
        mismatch.to_string(),
        "body.name: expected no such field (the body has only an optional description), found string"
    );
}

#[test]
fn every_break_of_one_request_is_reported_in_rule_order() {
    // Arrange
    let mut headers = headers_with_authorization(b"Bearer abc");
    headers.insert("content-type", HeaderValue::from_static("text/plain"));

    // Act
    let rules: Vec<Rule> =
        request_mismatches("POST", "/api/services/zis/registry/Acme", &headers, br#"{"description":1}"#)
            .into_iter()
            .map(|mismatch| mismatch.rule)
            .collect();

    // Assert
    assert_eq!(
        rules,
        [
            Rule::Credentials(CredentialsError::UnknownScheme("Bearer".to_owned())),
            Rule::Name(NameRejection::UpperCase { character: 'A', position: 1 }),
            Rule::ContentType,
            Rule::Body,
        ]
    );
}

// ---- requests received by a mock server -----------------------------------------------------

#[tokio::test]
async fn a_wiremock_request_is_checked_like_its_parts() {
    // Arrange
    let server = wiremock::MockServer::start().await;
    send_one_good_and_one_bad(&server.uri()).await;
    let received = server.received_requests().await.unwrap();

    // Act
    let conforming = check_wiremock_request(&received[0]);
    let broken = check_wiremock_request(&received[1]).unwrap_err();

    // Assert
    assert_eq!(conforming, Ok(()));
    let rules: Vec<Rule> = broken.into_iter().map(|mismatch| mismatch.rule).collect();
    assert_eq!(rules, [Rule::ContentType, Rule::Body]);
}

#[tokio::test]
async fn the_requests_of_a_wiremock_server_are_reported_like_those_of_zis_server() {
    // Arrange
    let server = wiremock::MockServer::start().await;
    let zis = ZisServer::builder().verify_on_drop(false).start().await;
    send_one_good_and_one_bad(&server.uri()).await;
    send_one_good_and_one_bad(&zis.uri()).await;

    // Act
    let report = check_wiremock_requests(&server.received_requests().await.unwrap()).unwrap_err();

    // Assert
    assert_eq!(report.to_string(), zis.check().await.unwrap_err().to_string());
    assert!(
        report.to_string().contains("request 2 of 2 (POST /api/services/zis/registry/acme_sync) does not conform:")
    );
    assert_eq!(report.mismatches().map(|(number, _)| number).collect::<Vec<_>>(), [2, 2]);
}

#[tokio::test]
async fn conforming_wiremock_requests_report_nothing() {
    let server = wiremock::MockServer::start().await;
    create(&server.uri(), "acme_sync").send().await.unwrap();

    let result = check_wiremock_requests(&server.received_requests().await.unwrap());

    assert!(result.is_ok(), "{}", result.unwrap_err());
}

// ---- responses ------------------------------------------------------------------------------

#[test]
fn a_response_with_the_documented_fields_conforms() {
    let headers = json_headers();

    let result = check_response(200, &headers, CREATED.as_bytes());

    assert_eq!(result, Ok(()));
}

#[test]
fn every_fixture_response_conforms() {
    for fixture in fixtures::all() {
        assert_eq!(check_recorded_response(&fixture.response), Ok(()), "fixtures/{}.json", fixture.name);
    }
}

#[test]
fn every_scenario_reply_with_a_fixture_conforms() {
    for scenario in Scenario::ALL.into_iter().filter(|scenario| scenario.fixture().is_some()) {
        // Arrange
        let reply = scenario.reply().unwrap();

        // Act
        let result = check_response(reply.status, &reply.headers, &reply.body);

        // Assert
        assert_eq!(result, Ok(()), "scenario {}", scenario.name());
    }
}

#[test]
fn every_reply_of_the_contract_conforms() {
    // Arrange
    let non_admin = Credentials::password("agent@example.com", "pw");
    let contract =
        Contract::new().user(Credentials::api_token("admin@example.com", "abc")).non_admin(non_admin.clone());
    let admin = conforming_headers();
    let mut agent = conforming_headers();
    agent.insert("authorization", non_admin.authorization().parse().unwrap());
    let mut anonymous = conforming_headers();
    anonymous.remove("authorization");
    let requests = [
        (&admin, PATH, 200),
        (&admin, PATH, 409),
        (&admin, "/api/services/zis/registry/Acme", 400),
        (&anonymous, PATH, 401),
        (&agent, PATH, 403),
    ];
    for (headers, path, status) in requests {
        // Act
        let reply = contract.respond(&RequestParts::new("POST", path, headers, br#"{"description":"Acme"}"#)).reply;

        // Assert
        assert_eq!(reply.status, status);
        assert_eq!(check_response(reply.status, &reply.headers, &reply.body), Ok(()), "the {status} reply");
    }
}

#[test]
fn a_status_create_integration_does_not_answer_with_is_a_status_mismatch() {
    let headers = json_headers();

    let report = response_report(201, &headers, CREATED.as_bytes());

    assert_eq!(
        report,
        [
            "status: expected a status Create Integration answers with (200, 400, 401, 403, 409, 429, 500, 503), found 201"
        ]
    );
    assert_eq!(response_rules(201, &headers, CREATED.as_bytes()), [Rule::ResponseStatus]);
}

#[test]
fn another_response_content_type_is_a_content_type_mismatch() {
    // Arrange
    let mut headers = HeaderMap::new();
    headers.insert("content-type", HeaderValue::from_static("text/html; charset=utf-8"));

    // Act
    let report = response_report(200, &headers, CREATED.as_bytes());

    // Assert
    assert_eq!(report, ["header content-type: expected application/json, found text/html"]);
    assert_eq!(response_rules(200, &headers, CREATED.as_bytes()), [Rule::ContentType]);
}

#[test]
fn a_response_without_content_type_is_a_content_type_mismatch() {
    let headers = HeaderMap::new();

    let report = response_report(200, &headers, CREATED.as_bytes());

    assert_eq!(report, ["header content-type: expected application/json, found no content-type header"]);
}

#[test]
fn a_response_body_that_is_not_json_is_a_response_body_mismatch() {
    let headers = json_headers();

    let report = response_report(500, &headers, b"<html>Internal Server Error</html>");

    assert_eq!(report, ["body: expected a JSON object, found a body that is not JSON"]);
    assert_eq!(response_rules(500, &headers, b"oops"), [Rule::ResponseBody]);
}

#[test]
fn an_empty_response_body_is_a_response_body_mismatch() {
    let headers = json_headers();

    let report = response_report(401, &headers, b"");

    assert_eq!(report, ["body: expected a JSON object, found an empty body"]);
    assert_eq!(response_rules(401, &headers, b""), [Rule::ResponseBody]);
}

#[test]
fn a_missing_documented_field_is_a_missing_field() {
    // Arrange
    let headers = json_headers();
    let body = json!({ "description": "Acme", "zendesk_oauth_client": { "id": 1, "identifier": "zis_acme_sync" } });

    // Act
    let report = response_report(200, &headers, body.to_string().as_bytes());

    // Assert
    assert_eq!(
        report,
        [
            "body.jwt_public_key: expected string, found no such field",
            "body.zendesk_oauth_client.secret: expected string, found no such field",
        ]
    );
    assert_eq!(response_rules(200, &headers, body.to_string().as_bytes()), [Rule::MissingField, Rule::MissingField]);
}

#[test]
fn an_undocumented_field_is_an_unknown_field() {
    // Arrange
    let headers = json_headers();
    let body = json!({ "errors": [{ "code": "1001", "detail": "d", "status": "401", "title": "t" }], "message": "m" });

    // Act
    let mismatches = check_response(401, &headers, body.to_string().as_bytes()).unwrap_err();

    // Assert
    assert_eq!(
        mismatches,
        [Mismatch {
            rule: Rule::UnknownField,
            place: "body.errors[].title".to_owned(),
            expected: "no such field (it is not documented for this status)".to_owned(),
            found: "string".to_owned(),
        }]
    );
}

#[test]
fn a_field_of_another_type_is_a_field_type_mismatch() {
    // Arrange
    let headers = json_headers();
    let body = json!({ "errors": [{ "code": 1050, "detail": "d", "status": "500" }], "message": null });

    // Act
    let report = response_report(500, &headers, body.to_string().as_bytes());

    // Assert
    assert_eq!(
        report,
        ["body.errors[].code: expected string, found integer", "body.message: expected string, found null"]
    );
    assert_eq!(response_rules(500, &headers, body.to_string().as_bytes()), [Rule::FieldType, Rule::FieldType]);
}

#[test]
fn a_response_body_of_another_json_type_is_a_field_type_mismatch_at_the_body() {
    let headers = json_headers();

    let report = response_report(400, &headers, br#"[{"code":"1010"}]"#);

    assert_eq!(report, ["body: expected object, found array"]);
}

#[test]
fn a_recorded_response_is_checked_like_its_parts() {
    // Arrange
    let mut response = fixtures::get("rate_limited").unwrap().response.clone();
    response.headers.insert("content-type".to_owned(), "text/plain".to_owned());

    // Act
    let report: Vec<String> = check_recorded_response(&response).unwrap_err().iter().map(ToString::to_string).collect();

    // Assert
    assert_eq!(report, ["header content-type: expected application/json, found text/plain"]);
}

#[test]
fn a_very_long_request_is_echoed_cut_short() {
    let headers = http::HeaderMap::new();
    let path = format!("/api/services/zis/registry/{}", "é".repeat(100_000));
    let parts = zis_contract::RequestParts::new("POST", &path, &headers, b"{}");

    let mismatches = zis_contract::check_request(&parts).unwrap_err();

    let name = mismatches.iter().find(|mismatch| mismatch.place == "path {integration}").unwrap();
    assert!(name.found.chars().count() < 400, "{} characters", name.found.chars().count());
    assert!(name.found.ends_with("more characters)"), "{}", &name.found[name.found.len() - 40..]);
}
