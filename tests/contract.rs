//! The contract-enforcing server answers each request the way the live API would.

mod common;

use base64::Engine as _;
use common::{code_and_detail, create, create_as, create_with, registry_path, status_and_json};
use zis_contract::{MAX_BODY_BYTES, ZisServer};

fn lenient() -> zis_contract::ZisServerBuilder {
    // These tests send off-contract requests on purpose.
    ZisServer::builder().verify_on_drop(false)
}

#[tokio::test]
async fn a_conforming_request_creates_the_integration() {
    let zis = ZisServer::start().await;

    let (status, body) = status_and_json(create(&zis.uri(), "acme_sync-2")).await;

    assert_eq!(status, 200);
    assert_eq!(body["description"], "example integration");
    assert_eq!(body["zendesk_oauth_client"]["identifier"], "zis_acme_sync-2");
    assert!(body["zendesk_oauth_client"]["id"].is_u64());
    assert!(!body["zendesk_oauth_client"]["secret"].as_str().unwrap().is_empty());
    let key = body["jwt_public_key"].as_str().unwrap();
    assert!(key.starts_with("-----BEGIN PUBLIC KEY-----\n") && key.ends_with("-----END PUBLIC KEY-----\n"), "{key}");
    zis.verify().await;
}

#[tokio::test]
async fn each_new_integration_gets_its_own_client_id_and_a_body_without_description_is_fine() {
    let zis = ZisServer::start().await;

    let (_, first) = status_and_json(create(&zis.uri(), "one")).await;
    let (status, second) = status_and_json(create(&zis.uri(), "two").body("{}")).await;

    assert_eq!(status, 200);
    assert_eq!(second["description"], "");
    assert_ne!(first["zendesk_oauth_client"]["id"], second["zendesk_oauth_client"]["id"]);
    zis.verify().await;
}

#[tokio::test]
async fn a_name_registered_already_is_a_conflict() {
    let zis = ZisServer::builder().registered("taken").start().await;

    let (taken, _) = status_and_json(create(&zis.uri(), "taken")).await;
    let (first, _) = status_and_json(create(&zis.uri(), "fresh")).await;
    let (second, body) = status_and_json(create(&zis.uri(), "fresh")).await;

    assert_eq!((taken, first, second), (409, 200, 409));
    assert_eq!(body["errors"][0]["status"], "409");
    zis.verify().await;
}

#[tokio::test]
async fn an_invalid_name_is_a_400_naming_the_rule() {
    let zis = lenient().start().await;
    let cases = [
        ("Acme", "upper-case 'A' at character 1"),
        ("acme.sync", "'.' at character 5"),
        ("acme/sync", "'/' at character 5"),
        ("acme sync", "' ' at character 5"),
        ("", "integration name is empty"),
        (&"a".repeat(65), "65 characters long; at most 64"),
    ];
    for (name, rule) in cases {
        let (status, body) = status_and_json(create(&zis.uri(), name)).await;

        assert_eq!(status, 400, "{name:?}");
        let (code, detail) = code_and_detail(&body);
        assert_eq!(code, "1010", "{name:?}");
        assert!(detail.contains(rule), "{name:?}: {detail}");
    }
}

#[tokio::test]
async fn the_longest_valid_name_is_accepted() {
    let zis = ZisServer::start().await;

    let (status, _) = status_and_json(create(&zis.uri(), &"z".repeat(64))).await;

    assert_eq!(status, 200);
}

#[tokio::test]
async fn missing_or_malformed_credentials_are_a_401_with_code_1001() {
    let zis = lenient().start().await;
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let cases: Vec<(Option<Vec<u8>>, &str)> = vec![
        (None, "no Authorization header"),
        (Some(b"Basic !!!not-base64!!!".to_vec()), "not valid base64"),
        (Some(format!("Basic {}", b64(b"admin@example.com")).into_bytes()), "no ':'"),
        (Some(format!("Basic {}", b64(b":secret")).into_bytes()), "empty email"),
        (Some(format!("Basic {}", b64(b"admin@example.com:")).into_bytes()), "empty password or token"),
        (Some(format!("Basic {}", b64(&[0xff, 0xfe, b':', b'x'])).into_bytes()), "not valid UTF-8"),
        (Some(b"Basic \xff\xfe".to_vec()), "not valid UTF-8"),
        (Some(b"Bearer abc".to_vec()), "scheme is \"Bearer\""),
        (Some(b"".to_vec()), "the Authorization header is not \"Basic <base64 of email:password"),
        (Some(b"my-very-secret-api-token".to_vec()), "the Authorization header is not \"Basic <base64"),
        (Some(b"Basic".to_vec()), "says \"Basic\" and nothing after it"),
        (Some(b"Basic    ".to_vec()), "says \"Basic\" and nothing after it"),
    ];
    for (header, reason) in cases {
        let mut request = create_with(&zis.uri(), "acme", "application/json");
        if let Some(value) = &header {
            request = request.header("authorization", reqwest::header::HeaderValue::from_bytes(value).unwrap());
        }

        let (status, body) = status_and_json(request).await;

        assert_eq!(status, 401, "{reason}");
        let (code, detail) = code_and_detail(&body);
        assert_eq!(code, "1001", "{reason}");
        assert!(detail.contains(reason), "{reason}: {detail}");
        assert!(!detail.contains("my-very"), "a bare secret is never echoed: {detail}");
    }
}

#[tokio::test]
async fn the_basic_scheme_is_case_insensitive() {
    let zis = ZisServer::start().await;
    let encoded = base64::engine::general_purpose::STANDARD.encode("admin@example.com/token:abc");

    for (name, scheme) in [("lower", "basic"), ("upper", "BASIC"), ("mixed", "bAsIc")] {
        let request =
            create_with(&zis.uri(), name, "application/json").header("authorization", format!("{scheme} {encoded}"));

        let (status, _) = status_and_json(request).await;

        assert_eq!(status, 200, "{scheme}");
    }
}

#[tokio::test]
async fn configured_users_are_the_only_ones_let_in() {
    let zis = lenient().user("admin@example.com/token", "abc").user("owner@example.com", "pa:ss").start().await;
    let post = |name: &str, user: &str, secret: &str| create_as(&zis.uri(), name, user, secret);

    let token = status_and_json(create(&zis.uri(), "by_token")).await.0;
    let password = status_and_json(post("by_password", "owner@example.com", "pa:ss")).await.0;
    let wrong_token = status_and_json(post("acme", "admin@example.com/token", "abd")).await;
    let token_as_password = status_and_json(post("acme", "admin@example.com", "abc")).await.0;
    let stranger = status_and_json(post("acme", "mallory@example.com", "abc")).await.0;

    assert_eq!((token, password, token_as_password, stranger), (200, 200, 401, 401));
    assert_eq!(code_and_detail(&wrong_token.1), ("1001", "the credentials are not those of a known user"));
}

#[tokio::test]
async fn a_non_admin_is_forbidden() {
    let zis = ZisServer::builder().non_admin("agent@example.com", "password").start().await;

    let (status, body) = status_and_json(create_as(&zis.uri(), "acme", "agent@example.com", "password")).await;

    assert_eq!(status, 403);
    assert_eq!(code_and_detail(&body).1, "Only admin user is allowed");
}

#[tokio::test]
async fn a_body_that_is_not_a_json_object_or_a_description_that_is_not_a_string_is_a_400() {
    let zis = lenient().start().await;
    let cases = [
        ("", "body: expected a JSON object, found an empty body"),
        ("not json", "body: expected a JSON object, found invalid JSON"),
        ("[]", "body: expected a JSON object, found array"),
        ("\"text\"", "body: expected a JSON object, found string"),
        ("null", "body: expected a JSON object, found null"),
        (r#"{"description":7}"#, "body.description: expected string, found integer"),
        (r#"{"description":null}"#, "body.description: expected string, found null"),
        (r#"{"description":["a"]}"#, "body.description: expected string, found array"),
    ];
    for (body, detail) in cases {
        let (status, answer) = status_and_json(create(&zis.uri(), "acme").body(body)).await;

        assert_eq!(status, 400, "{body}");
        assert_eq!(code_and_detail(&answer).0, "1010", "{body}");
        assert!(code_and_detail(&answer).1.starts_with(detail), "{body}: {answer}");
    }
}

#[tokio::test]
async fn other_paths_are_404_and_other_methods_on_the_registry_405() {
    let zis = lenient().start().await;
    let client = reqwest::Client::new();
    let registry = format!("{}{}", zis.uri(), registry_path("acme"));

    let other_path = client.post(format!("{}/api/services/zis/registry/acme/bundles", zis.uri())).send().await.unwrap();
    let root = client.get(zis.uri()).send().await.unwrap();
    let delete = client.delete(&registry).send().await.unwrap();
    let get = client.get(&registry).send().await.unwrap();

    assert_eq!(other_path.status(), 404);
    assert_eq!(root.status(), 404);
    assert_eq!(get.status(), 405);
    assert_eq!(delete.status(), 405);
    assert_eq!(delete.headers()["allow"], "POST");
    assert!(delete.text().await.unwrap().contains("integrations cannot be deleted"));
}

#[tokio::test]
async fn an_oversized_body_is_a_413_and_the_server_keeps_serving() {
    let zis = lenient().start().await;
    let huge = format!(r#"{{"description":"{}"}}"#, "x".repeat(MAX_BODY_BYTES));

    let (status, _) = status_and_json(create(&zis.uri(), "acme").body(huge)).await;
    let (after, _) = status_and_json(create(&zis.uri(), "acme")).await;

    assert_eq!(status, 413);
    assert_eq!(after, 200);
    let received = zis.received_requests().await;
    assert_eq!(received.iter().map(|request| request.status).collect::<Vec<_>>(), [413, 200]);
    assert_eq!(
        received[0].mismatches.iter().map(ToString::to_string).collect::<Vec<_>>(),
        [format!("body: expected at most {MAX_BODY_BYTES} bytes, found {} bytes", MAX_BODY_BYTES + 18)]
    );
}

#[test]
fn the_contract_alone_answers_an_oversized_body_with_413_before_anything_else() {
    let headers = http::HeaderMap::new();
    let body = vec![b' '; MAX_BODY_BYTES + 1];
    let parts = zis_contract::RequestParts::new("POST", "/api/services/zis/registry/acme", &headers, &body);

    let answer = zis_contract::Contract::new().respond(&parts);

    assert_eq!(answer.reply.status, 413);
    assert!(answer.mismatches.iter().any(|mismatch| mismatch.rule == zis_contract::Rule::BodyTooLarge));
}

#[tokio::test]
async fn a_wrong_content_type_or_unknown_field_is_accepted_like_the_live_api_but_reported() {
    let zis = lenient().start().await;

    let (status, _) = status_and_json(
        create_with(&zis.uri(), "acme", "text/plain").basic_auth("a@example.com", Some("b")).body(r#"{"name":"x"}"#),
    )
    .await;

    assert_eq!(status, 200);
    let received = zis.received_requests().await;
    let report: Vec<String> = received[0].mismatches.iter().map(ToString::to_string).collect();
    assert_eq!(
        report,
        [
            "header content-type: expected application/json, found text/plain",
            "body.name: expected no such field (the body has only an optional description), found string",
        ]
    );
}

#[tokio::test]
async fn who_is_asking_is_settled_before_what_is_asked() {
    let zis = lenient().user("admin@example.com/token", "abc").non_admin("agent@example.com", "pw").start().await;

    let stranger_bad_name = status_and_json(create_as(&zis.uri(), "BAD", "mallory@example.com", "x")).await.0;
    let stranger_bad_body = status_and_json(create_as(&zis.uri(), "ok", "mallory@example.com", "x").body("[]")).await.0;
    let agent_bad_name = status_and_json(create_as(&zis.uri(), "BAD", "agent@example.com", "pw")).await.0;
    let agent_bad_body = status_and_json(create_as(&zis.uri(), "ok", "agent@example.com", "pw").body("nope")).await.0;
    let malformed_bad_name = status_and_json(create_with(&zis.uri(), "BAD", "application/json")).await.0;
    let admin_bad_name = status_and_json(create(&zis.uri(), "BAD")).await.0;

    assert_eq!((stranger_bad_name, stranger_bad_body), (401, 401));
    assert_eq!((agent_bad_name, agent_bad_body), (403, 403));
    assert_eq!((malformed_bad_name, admin_bad_name), (401, 400));
}
