//! Record through the proxy against a local stand-in for Zendesk, replay with it gone; every
//! record mode; the near-miss message; redaction and the leak check.

use base64::Engine as _;
use serde_json::{Value, json};
use std::path::Path;
use zis_contract::{
    Cassette, CassetteServer, MAX_KEPT_FAILURES, Matching, NO_MATCH_STATUS, Overwrite, RecordMode, Redactions,
    ReplayError, SCENARIO_HEADER, Secrets, SourceKind, ZisServer,
};

const EMAIL: &str = "admin@example.com";
const TOKEN: &str = "tok-5e3c8a91d2f7";

/// A local stand-in for a Zendesk account, accepting only our admin.
async fn stand_in() -> ZisServer {
    ZisServer::builder().user(&format!("{EMAIL}/token"), TOKEN).start().await
}

/// Creates integration `name` through `base`: the status and the body (JSON, or text).
async fn create(base: &str, name: &str, token: &str) -> (u16, Value) {
    create_with(base, name, token, &[]).await
}

async fn create_with(base: &str, name: &str, token: &str, headers: &[(&str, &str)]) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{base}/api/services/zis/registry/{name}"))
        .basic_auth(format!("{EMAIL}/token"), Some(token))
        .json(&json!({ "description": "example integration" }));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

async fn start(path: &Path, mode: RecordMode, upstream: &str) -> CassetteServer {
    Cassette::open(path).mode(mode).upstream(upstream).start().await.unwrap()
}

/// A cassette holding one recorded create of `name` answered 200 with `description`.
fn cassette_with_create(path: &Path, name: &str, description: &str) {
    let mut cassette = Cassette::new("written by the test");
    let mut created = zis_contract::fixtures::get("created").unwrap().clone();
    created.request.path = format!("/api/services/zis/registry/{name}");
    created.response.body = zis_contract::Body::Json(json!({
        "description": description,
        "jwt_public_key": "<redacted>",
        "zendesk_oauth_client": { "id": 7, "identifier": format!("zis_{name}"), "secret": "<redacted>" },
    }));
    cassette.interactions.push(created);
    cassette.save(path, Overwrite::Never, &Secrets::new()).unwrap();
}

#[tokio::test]
async fn recorded_traffic_replays_with_the_upstream_gone_and_secrets_as_placeholders() {
    // Arrange: record a create, an invalid name and bad credentials through the proxy.
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("creates.json");
    // The invalid name breaks the contract on purpose, so the stand-in does not verify.
    let upstream = ZisServer::builder().user(&format!("{EMAIL}/token"), TOKEN).verify_on_drop(false).start().await;
    let upstream_host = upstream.address().to_string();
    let recorder = start(&path, RecordMode::Once, &upstream.uri()).await;
    assert!(recorder.is_recording());
    let live = [
        create(&recorder.uri(), "acme_sync", TOKEN).await,
        create(&recorder.uri(), "Acme", TOKEN).await,
        create(&recorder.uri(), "acme_other", "wrong-token-0000").await,
    ];
    recorder.verify().await;
    drop(recorder);
    drop(upstream);

    // Act: replay with the upstream gone.
    let replayer = start(&path, RecordMode::None, "http://127.0.0.1:9").await;
    let replayed = [
        create(&replayer.uri(), "acme_sync", TOKEN).await,
        create(&replayer.uri(), "Acme", TOKEN).await,
        create(&replayer.uri(), "acme_other", "wrong-token-0000").await,
    ];

    // Assert: the live client got real secrets; the replay the same answers with placeholders.
    assert!(!replayer.is_recording());
    replayer.verify().await;
    let statuses: Vec<u16> = replayed.iter().map(|(status, _)| *status).collect();
    assert_eq!(statuses, [200, 400, 401]);
    assert_eq!(statuses, live.iter().map(|(status, _)| *status).collect::<Vec<_>>());
    let (live_created, replayed_created) = (&live[0].1, &replayed[0].1);
    assert_eq!(live_created["zendesk_oauth_client"]["secret"], "zis-contract-secret-10066");
    assert_eq!(replayed_created["zendesk_oauth_client"]["secret"], "<redacted>");
    assert_eq!(replayed_created["jwt_public_key"], "<redacted>");
    let mut unredacted = replayed_created.clone();
    unredacted["zendesk_oauth_client"]["secret"] = live_created["zendesk_oauth_client"]["secret"].clone();
    unredacted["jwt_public_key"] = live_created["jwt_public_key"].clone();
    assert_eq!(&unredacted, live_created, "everything else comes back as recorded");
    assert_eq!(replayed[1].1, live[1].1);
    assert_eq!(replayed[2].1, live[2].1);

    // And the cassette holds none of the secrets.
    let text = std::fs::read_to_string(&path).unwrap();
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{EMAIL}/token:{TOKEN}"));
    for secret in [TOKEN, basic.as_str(), "zis-contract-secret-10066", "BEGIN PUBLIC KEY", upstream_host.as_str()] {
        assert!(!text.contains(secret), "the cassette holds {secret:?}:\n{text}");
    }
    let cassette = Cassette::load(&path).unwrap();
    assert_eq!(cassette.metadata.source, "recorded from http://<upstream>");
    assert_eq!(cassette.interactions[0].request.headers["authorization"], "Basic <redacted>");
    assert!(cassette.interactions.iter().all(|interaction| interaction.source.kind == SourceKind::Recorded));
    let names: Vec<&str> = cassette.interactions.iter().map(|interaction| interaction.name.as_str()).collect();
    assert_eq!(names, ["post_acme_sync_200", "post_acme_400", "post_acme_other_401"]);
}

#[tokio::test]
async fn mode_none_replays_only_and_never_touches_the_network() {
    // Arrange
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("creates.json");
    cassette_with_create(&path, "acme_sync", "from the cassette");
    let before = std::fs::read_to_string(&path).unwrap();
    let upstream = stand_in().await;

    // Act
    let server = Cassette::open(&path).upstream(upstream.uri()).verify_on_drop(false).start().await.unwrap();
    let (status, body) = create(&server.uri(), "acme_sync", TOKEN).await;
    let (missed, _) = create(&server.uri(), "not_recorded", TOKEN).await;

    // Assert
    assert_eq!((status, body["description"].as_str()), (200, Some("from the cassette")));
    assert_eq!(missed, NO_MATCH_STATUS);
    assert!(server.check().await.is_err());
    assert!(upstream.received_requests().await.is_empty(), "mode none sent a request upstream");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before, "mode none never writes");
}

#[tokio::test]
async fn mode_once_never_overwrites_a_cassette_that_appeared_meanwhile() {
    // Arrange: recording starts on a missing cassette; then someone else writes one.
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("creates.json");
    let upstream = stand_in().await;
    let server = Cassette::open(&path)
        .mode(RecordMode::Once)
        .upstream(upstream.uri())
        .verify_on_drop(false)
        .start()
        .await
        .unwrap();
    std::fs::write(&path, "someone else's cassette").unwrap();

    // Act
    let (status, _) = create(&server.uri(), "acme_sync", TOKEN).await;

    // Assert
    assert_eq!(status, 200);
    let message = server.check().await.unwrap_err().to_string();
    assert!(message.contains("exists; refusing to overwrite it"), "{message}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "someone else's cassette");
}

#[tokio::test]
async fn mode_none_without_a_cassette_says_how_to_record_it() {
    let error = Cassette::open("no/such/cassette.json").start().await.unwrap_err();

    assert!(matches!(error, ReplayError::Missing { .. }));
    assert_eq!(
        error.to_string(),
        "cassette no/such/cassette.json does not exist, and ZIS_CONTRACT_RECORD=none only replays; \
         record it once with ZIS_CONTRACT_RECORD=once"
    );
}

#[tokio::test]
async fn recording_without_an_upstream_is_an_error() {
    let folder = tempfile::tempdir().unwrap();

    let error = Cassette::open(folder.path().join("c.json")).mode(RecordMode::All).start().await.unwrap_err();

    assert!(matches!(error, ReplayError::NoUpstream { mode: RecordMode::All }), "{error}");
}

#[tokio::test]
async fn recording_into_a_folder_is_an_error() {
    let folder = tempfile::tempdir().unwrap();

    let error = Cassette::open(folder.path()).mode(RecordMode::All).upstream("https://acme.zendesk.com").start().await;

    assert!(matches!(error, Err(ReplayError::RecordIntoFolder { .. })), "{error:?}");
}

#[tokio::test]
async fn mode_once_records_a_missing_cassette_then_replays_it() {
    // Arrange
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("creates.json");
    let upstream = stand_in().await;

    // Act: the first run records, the second replays.
    let first = start(&path, RecordMode::Once, &upstream.uri()).await;
    let (recorded, _) = create(&first.uri(), "acme_sync", TOKEN).await;
    first.verify().await;
    drop(first);
    let second = start(&path, RecordMode::Once, &upstream.uri()).await;
    let (replayed, body) = create(&second.uri(), "acme_sync", TOKEN).await;

    // Assert
    assert_eq!((recorded, replayed), (200, 200), "a second live create would have answered 409");
    assert_eq!(body["zendesk_oauth_client"]["secret"], "<redacted>");
    assert!(!second.is_recording());
    assert_eq!(upstream.received_requests().await.len(), 1, "only the first run reached the upstream");
    second.verify().await;
}

#[tokio::test]
async fn recordings_leave_out_the_date_the_upstream_sent_and_replay_sends_a_fresh_one() {
    // Arrange: the stand-in (like any HTTP server) dates its answers.
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("creates.json");
    let upstream = stand_in().await;
    let recording = start(&path, RecordMode::Once, &upstream.uri()).await;

    // Act
    let live = reqwest::Client::new()
        .post(format!("{}/api/services/zis/registry/acme_sync", recording.uri()))
        .basic_auth(format!("{EMAIL}/token"), Some(TOKEN))
        .json(&json!({ "description": "example integration" }))
        .send()
        .await
        .unwrap();
    recording.verify().await;
    drop(recording);
    let replay = start(&path, RecordMode::None, &upstream.uri()).await;
    let replayed = reqwest::Client::new()
        .post(format!("{}/api/services/zis/registry/acme_sync", replay.uri()))
        .send()
        .await
        .unwrap();

    // Assert
    assert!(live.headers().contains_key("date"), "the upstream sent a date");
    let recorded = &Cassette::load(&path).unwrap().interactions[0].response;
    assert_eq!(recorded.headers.keys().collect::<Vec<_>>(), ["content-type"], "no date on disk");
    assert_eq!(replayed.status(), 200);
    assert_eq!(replayed.headers().get_all("date").iter().count(), 1, "the replay server's own");
    replay.verify().await;
}

#[tokio::test]
async fn mode_new_episodes_replays_what_matches_and_appends_the_rest() {
    // Arrange
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("creates.json");
    cassette_with_create(&path, "acme_sync", "from the cassette");
    let upstream = stand_in().await;

    // Act
    let server = start(&path, RecordMode::NewEpisodes, &upstream.uri()).await;
    let (_, replayed) = create(&server.uri(), "acme_sync", TOKEN).await;
    let (status, recorded) = create(&server.uri(), "acme_new", TOKEN).await;
    server.verify().await;

    // Assert
    assert_eq!(replayed["description"], "from the cassette");
    assert_eq!((status, recorded["zendesk_oauth_client"]["identifier"].as_str()), (200, Some("zis_acme_new")));
    let upstream_paths: Vec<String> =
        upstream.received_requests().await.into_iter().map(|request| request.path).collect();
    assert_eq!(upstream_paths, ["/api/services/zis/registry/acme_new"]);
    let cassette = Cassette::load(&path).unwrap();
    let names: Vec<&str> = cassette.interactions.iter().map(|interaction| interaction.name.as_str()).collect();
    assert_eq!(names, ["created", "post_acme_new_200"], "the old interaction is kept, the new one appended");
}

#[tokio::test]
async fn mode_all_records_everything_again_and_replaces_the_cassette() {
    // Arrange
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("creates.json");
    cassette_with_create(&path, "acme_sync", "from the old cassette");
    let upstream = stand_in().await;

    // Act
    let server = start(&path, RecordMode::All, &upstream.uri()).await;
    let (status, body) = create(&server.uri(), "acme_sync", TOKEN).await;
    server.verify().await;

    // Assert
    assert_eq!((status, body["description"].as_str()), (200, Some("example integration")), "answered live");
    assert_eq!(upstream.received_requests().await.len(), 1);
    let cassette = Cassette::load(&path).unwrap();
    assert_eq!(cassette.interactions.len(), 1);
    assert_eq!(cassette.interactions[0].name, "post_acme_sync_200");
    assert_eq!(cassette.interactions[0].source.kind, SourceKind::Recorded);
}

#[tokio::test]
async fn the_near_miss_shows_the_closest_recorded_request_and_how_it_differs() {
    // Arrange
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("creates.json");
    cassette_with_create(&path, "acme_sync", "from the cassette");
    let server = Cassette::open(&path).verify_on_drop(false).start().await.unwrap();

    // Act
    let (status, body) = create(&server.uri(), "acme_sink", TOKEN).await;

    // Assert
    let expected = format!(
        "zis-contract replay: no recorded interaction in {} matches POST /api/services/zis/registry/acme_sink \
         (matching on method, path)\n\
         the closest of 1 recorded request is interaction 1, \"created\":\n  \
         - path: recorded /api/services/zis/registry/acme_sync, received /api/services/zis/registry/acme_sink\n",
        path.display()
    );
    assert_eq!(status, NO_MATCH_STATUS);
    assert_eq!(body, Value::String(expected.clone()), "the answer carries the message");
    let report = server.check().await.unwrap_err();
    assert_eq!(report.failures(), [expected]);
}

#[tokio::test]
async fn the_near_miss_lists_body_and_header_differences_when_matching_on_them() {
    // Arrange
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("creates.json");
    cassette_with_create(&path, "acme_sync", "from the cassette");
    let matching = Matching::new().body().header("x-tenant");
    let server = Cassette::open(&path).matching(matching).verify_on_drop(false).start().await.unwrap();

    // Act
    let mut request = reqwest::Client::new()
        .put(format!("{}/api/services/zis/registry/acme_sync", server.uri()))
        .header("x-tenant", "blue")
        .json(&json!({ "description": "another", "extra": 1 }));
    request = request.basic_auth(format!("{EMAIL}/token"), Some(TOKEN));
    let response = request.send().await.unwrap();

    // Assert
    assert_eq!(response.status().as_u16(), NO_MATCH_STATUS);
    let message = response.text().await.unwrap();
    let differences: Vec<&str> = message.lines().skip(2).collect();
    assert_eq!(
        differences,
        [
            "  - method: recorded POST, received PUT",
            "  - body.description: recorded \"example integration\", received \"another\"",
            "  - body.extra: recorded nothing, received 1",
            "  - header x-tenant: recorded no such header, received \"blue\"",
        ]
    );
    assert!(message.contains("(matching on method, path, body, header x-tenant)"), "{message}");
}

#[tokio::test]
#[should_panic(expected = "no recorded interaction in")]
async fn dropping_a_server_that_missed_fails_the_test() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("creates.json");
    cassette_with_create(&path, "acme_sync", "from the cassette");
    let server = Cassette::open(&path).start().await.unwrap();

    let _ = create(&server.uri(), "acme_sink", TOKEN).await;
    drop(server);
}

#[tokio::test]
async fn matching_on_the_body_tells_same_path_requests_apart() {
    // Arrange: two recordings of one path with different bodies, the second one first.
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("bodies.json");
    let upstream = stand_in().await;
    let recorder = start(&path, RecordMode::Once, &upstream.uri()).await;
    for description in ["first", "second"] {
        reqwest::Client::new()
            .post(format!("{}/api/services/zis/registry/acme_{description}", recorder.uri()))
            .basic_auth(format!("{EMAIL}/token"), Some(TOKEN))
            .json(&json!({ "description": description }))
            .send()
            .await
            .unwrap();
    }
    drop(recorder);
    let mut cassette = Cassette::load(&path).unwrap();
    for interaction in &mut cassette.interactions {
        interaction.request.path = "/api/services/zis/registry/acme".into();
    }
    cassette.save(&path, Overwrite::Replace, &Secrets::new()).unwrap();

    // Act
    let server = Cassette::open(&path).matching(Matching::new().body()).start().await.unwrap();
    let mut answers = Vec::new();
    for description in ["second", "first"] {
        let response = reqwest::Client::new()
            .post(format!("{}/api/services/zis/registry/acme", server.uri()))
            .json(&json!({ "description": description }))
            .send()
            .await
            .unwrap();
        answers.push(response.json::<Value>().await.unwrap()["zendesk_oauth_client"]["identifier"].clone());
    }

    // Assert
    assert_eq!(answers, [json!("zis_acme_second"), json!("zis_acme_first")]);
    server.verify().await;
}

#[tokio::test]
async fn same_path_recordings_play_in_recorded_order_and_the_last_repeats() {
    // Arrange: the live stand-in answers 200, then 409 for the same name.
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("twice.json");
    let upstream = stand_in().await;
    let recorder = start(&path, RecordMode::Once, &upstream.uri()).await;
    create(&recorder.uri(), "acme_sync", TOKEN).await;
    create(&recorder.uri(), "acme_sync", TOKEN).await;
    drop(recorder);

    // Act
    let server = start(&path, RecordMode::None, &upstream.uri()).await;
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(create(&server.uri(), "acme_sync", TOKEN).await.0);
    }

    // Assert
    assert_eq!(statuses, [200, 409, 409]);
    server.verify().await;
}

#[tokio::test]
async fn a_recording_that_would_leak_fails_and_writes_nothing() {
    // Arrange: the authorization header redaction is turned off.
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("leaky.json");
    let upstream = stand_in().await;
    let server = Cassette::open(&path)
        .mode(RecordMode::Once)
        .upstream(upstream.uri())
        .redactions(Redactions::default().without_header("authorization"))
        .verify_on_drop(false)
        .start()
        .await
        .unwrap();

    // Act
    let (status, _) = create(&server.uri(), "acme_sync", TOKEN).await;

    // Assert: the client got its answer, the recording failed, nothing is on disk.
    assert_eq!(status, 200);
    let report = server.check().await.unwrap_err();
    let message = report.to_string();
    assert!(message.contains("refusing to write"), "{message}");
    assert!(
        message.contains(
            "the API token (base64, as in an Authorization header) at interactions[0].request.headers.authorization"
        ),
        "{message}"
    );
    assert!(!message.contains(TOKEN), "{message}");
    assert!(!path.exists(), "the leaking cassette was kept");
    assert_eq!(std::fs::read_dir(folder.path()).unwrap().count(), 0, "no temporary file is left behind");
}

#[tokio::test]
async fn user_redactions_and_control_headers_are_kept_off_disk() {
    // Arrange
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("custom.json");
    let upstream = stand_in().await;
    let redactions = Redactions::default().header("x-tenant").json_path("description");
    let server = Cassette::open(&path)
        .mode(RecordMode::Once)
        .upstream(upstream.uri())
        .redactions(redactions)
        .start()
        .await
        .unwrap();

    // Act: the scenario header makes the stand-in answer 429.
    let (status, _) =
        create_with(&server.uri(), "acme_sync", TOKEN, &[("x-tenant", "tenant-42"), (SCENARIO_HEADER, "rate_limited")])
            .await;
    server.verify().await;

    // Assert
    assert_eq!(status, 429);
    let cassette = Cassette::load(&path).unwrap();
    let request = &cassette.interactions[0].request;
    assert_eq!(request.headers["x-tenant"], "<redacted>");
    assert!(!request.headers.contains_key(SCENARIO_HEADER), "{:?}", request.headers);
    assert_eq!(request.body, zis_contract::Body::Json(json!({ "description": "<redacted>" })));
    assert_eq!(cassette.interactions[0].response.headers["retry-after"], "60");
}

#[tokio::test]
async fn an_unreachable_upstream_answers_502_and_fails_the_recording() {
    // Arrange: an upstream that was there a moment ago.
    let folder = tempfile::tempdir().unwrap();
    let gone = stand_in().await.uri();
    let server = Cassette::open(folder.path().join("c.json"))
        .mode(RecordMode::All)
        .upstream(gone)
        .verify_on_drop(false)
        .start()
        .await
        .unwrap();

    // Act
    let (status, body) = create(&server.uri(), "acme_sync", TOKEN).await;

    // Assert
    assert_eq!(status, 502);
    assert!(body.as_str().unwrap().starts_with("zis-contract record: cannot forward POST http://127.0.0.1:"), "{body}");
    assert!(server.check().await.is_err());
    assert!(!folder.path().join("c.json").exists());
}

#[tokio::test]
async fn credentials_known_to_the_recording_are_redacted_in_any_string() {
    // Arrange: the token also travels in a header the redactions do not name.
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("echo.json");
    let upstream = stand_in().await;
    let server = start(&path, RecordMode::Once, &upstream.uri()).await;

    // Act
    create_with(&server.uri(), "acme_sync", TOKEN, &[("x-debug-token", TOKEN)]).await;
    server.verify().await;

    // Assert
    let cassette = Cassette::load(&path).unwrap();
    assert_eq!(cassette.interactions[0].request.headers["x-debug-token"], "<redacted>");
}

#[tokio::test]
async fn the_example_cassette_replays_a_create_then_a_conflict() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/cassettes/creates_integration.json");
    let server = Cassette::open(path).start().await.unwrap();

    let first = create(&server.uri(), "acme_sync", TOKEN).await;
    let second = create(&server.uri(), "acme_sync", TOKEN).await;

    assert_eq!((first.0, second.0), (200, 409));
    assert_eq!(first.1["zendesk_oauth_client"]["identifier"], "zis_acme_sync");
    assert_eq!(first.1["zendesk_oauth_client"]["secret"], "<redacted>");
    server.verify().await;
}

#[tokio::test]
async fn a_folder_sink_writes_one_fixture_per_exchange_and_never_overwrites() {
    use zis_contract::record::{RecordingProxy, Sink};

    // Arrange: a file of the name the first recording would take exists already.
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join("post_acme_sync_200.json"), "kept").unwrap();
    let upstream = stand_in().await;
    let proxy = RecordingProxy::builder(upstream.uri().parse().unwrap(), Sink::Folder(folder.path().to_owned()))
        .start()
        .unwrap();

    // Act
    create(&proxy.uri(), "acme_sync", TOKEN).await;
    create(&proxy.uri(), "acme_sync", TOKEN).await;

    // Assert
    assert_eq!(proxy.recorded(), ["post_acme_sync_200_2", "post_acme_sync_409"]);
    assert_eq!(std::fs::read_to_string(folder.path().join("post_acme_sync_200.json")).unwrap(), "kept");
    let written = zis_contract::cassette::load_interactions(folder.path().join("post_acme_sync_409.json")).unwrap();
    assert_eq!(written[0].response.status, 409);
}

#[test]
fn the_upstream_host_naming_the_subdomain_is_redacted_wherever_it_appears() {
    // Arrange: a response that names the account's host in a header and in its body.
    let upstream: zis_contract::Upstream = "https://acme.zendesk.com".parse().unwrap();
    let mut interaction = zis_contract::fixtures::get("created").unwrap().clone();
    interaction
        .response
        .headers
        .insert("location".into(), "https://acme.zendesk.com/api/services/zis/registry/x".into());
    interaction.response.body = zis_contract::Body::Json(json!({ "url": "https://acme.zendesk.com/api/x" }));
    let mut secrets = Secrets::new();
    secrets.add_upstream(&upstream);

    // Act
    let redacted = Redactions::default().redact(&interaction, &mut secrets);

    // Assert
    assert_eq!(redacted.response.headers["location"], "https://<subdomain>.zendesk.com/api/services/zis/registry/x");
    assert_eq!(
        redacted.response.body,
        zis_contract::Body::Json(json!({ "url": "https://<subdomain>.zendesk.com/api/x" }))
    );
    assert!(secrets.leaks(&serde_json::to_value(&redacted).unwrap()).is_empty());
    let leaks = secrets.leaks(&serde_json::to_value(&interaction).unwrap());
    assert_eq!(leaks[0].to_string(), "the upstream host (the account's subdomain) at response.body.url");
}

#[test]
fn an_upstream_given_with_a_port_is_redacted_with_and_without_it() {
    // Arrange: the account's host, with the port in the upstream URL, in a header with the port
    // and in the body without.
    let upstream: zis_contract::Upstream = "https://acme.zendesk.com:443".parse().unwrap();
    let mut interaction = zis_contract::fixtures::get("created").unwrap().clone();
    interaction.response.headers.insert("location".into(), "https://acme.zendesk.com:443/api/x".into());
    interaction.response.body = zis_contract::Body::Json(json!({ "url": "https://acme.zendesk.com/api/x" }));
    let mut secrets = Secrets::new();
    secrets.add_upstream(&upstream);

    // Act
    let redacted = Redactions::default().redact(&interaction, &mut secrets);

    // Assert
    assert_eq!(upstream.subdomain(), Some("acme"));
    assert_eq!(upstream.redacted(), "https://<subdomain>.zendesk.com");
    assert_eq!(redacted.response.headers["location"], "https://<subdomain>.zendesk.com/api/x");
    assert_eq!(
        redacted.response.body,
        zis_contract::Body::Json(json!({ "url": "https://<subdomain>.zendesk.com/api/x" }))
    );
    let leaks = secrets.leaks(&serde_json::to_value(&interaction).unwrap());
    let places: std::collections::BTreeSet<String> =
        leaks.iter().map(|leak| leak.to_string().rsplit(" at ").next().unwrap().to_owned()).collect();
    assert_eq!(places, ["response.body.url".to_owned(), "response.headers.location".to_owned()].into());
}

/// Sends `POST {raw_path}` to `address` byte for byte (no client re-encodes it): the status and
/// the body.
async fn post_raw(address: std::net::SocketAddr, raw_path: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let authorization = base64::engine::general_purpose::STANDARD.encode(format!("{EMAIL}/token:{TOKEN}"));
    let body = r#"{"description":"example integration"}"#;
    let request = format!(
        "POST {raw_path} HTTP/1.1\r\nhost: {address}\r\nauthorization: Basic {authorization}\r\n\
         content-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer.split(' ').nth(1).and_then(|status| status.parse().ok()).unwrap_or(0);
    let body = answer.split_once("\r\n\r\n").map_or(String::new(), |(_, body)| body.to_owned());
    (status, body)
}

#[tokio::test]
async fn a_path_recorded_as_sent_replays_for_the_same_request() {
    // Arrange: record a create whose path holds `{`, `|` and `"` raw, an escaped space, an
    // escaped non-ASCII letter and an escaped `/`, exactly as the client sent it.
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("odd_path.json");
    let raw_path = r#"/api/services/zis/registry/a{b}|c"d%20e%C3%A9%2Ff"#;
    // The stand-in answers the invalid name 400, as asked; that is no failure of this test.
    let upstream = ZisServer::builder().user(&format!("{EMAIL}/token"), TOKEN).verify_on_drop(false).start().await;
    let recording = start(&path, RecordMode::Once, &upstream.uri()).await;
    let (recorded_status, _) = post_raw(recording.address(), raw_path).await;
    recording.verify().await;
    drop(recording);
    let stored = Cassette::load(&path).unwrap().interactions[0].request.path.clone();

    // Act: the same bytes again, to the replay.
    let replay = Cassette::open(&path).verify_on_drop(false).start().await.unwrap();
    let (replayed_status, body) = post_raw(replay.address(), raw_path).await;

    // Assert
    assert_eq!(stored, raw_path, "recording stores the path as sent");
    assert_ne!(replayed_status, NO_MATCH_STATUS, "{body}");
    assert_eq!(replayed_status, recorded_status);
    replay.verify().await;
}

#[tokio::test]
async fn a_path_written_unescaped_in_a_cassette_matches_the_escaped_request() {
    // Arrange: a hand-written cassette whose path holds a space, `{`, `|`, `"`, a non-ASCII
    // letter and `%2F`, none of them escaped but the last.
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("creates.json");
    let name = r#"a{b}|c"d eé%2Ff"#;
    cassette_with_create(&path, name, "from the cassette");
    let server = Cassette::open(&path).verify_on_drop(false).start().await.unwrap();

    // Act: reqwest escapes what needs escaping, as any client does.
    let (status, body) = create(&server.uri(), name, TOKEN).await;

    // Assert
    assert_eq!((status, &body["description"]), (200, &json!("from the cassette")), "{body}");
    server.verify().await;
}

#[tokio::test]
async fn a_replay_server_keeps_no_copy_of_the_requests_it_served() {
    // Arrange
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("creates.json");
    cassette_with_create(&path, "acme_sync", "from the cassette");
    let server = Cassette::open(&path).verify_on_drop(false).start().await.unwrap();
    let client = reqwest::Client::new();
    let large = json!({ "description": "x".repeat(20_000) });
    let (matched, missed) = (50, MAX_KEPT_FAILURES + 30);

    // Act: 20 KB posts, answered and missed (bounded in count).
    for index in 0..matched + missed {
        let name = if index < matched { "acme_sync".to_owned() } else { format!("acme_missing_{index}") };
        let status = client
            .post(format!("{}/api/services/zis/registry/{name}", server.uri()))
            .json(&large)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16();
        assert_eq!(status, if index < matched { 200 } else { NO_MATCH_STATUS });
    }

    // Assert
    assert_eq!(server.retained_requests().await, 0, "no request journal");
    let report = server.check().await.unwrap_err();
    assert_eq!(report.failures().len(), MAX_KEPT_FAILURES, "the first near misses are kept");
    assert_eq!(report.omitted(), 30, "the rest are counted");
    assert!(report.to_string().ends_with("… and 30 more failures, printed when they happened but not kept\n"));
}

#[tokio::test]
async fn recorded_headers_play_back_as_recorded_joined_or_repeated() {
    // Arrange: a repeated header joined when recorded, and in a hand-written file one header
    // under two spellings of its name.
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("creates.json");
    let mut cassette = Cassette::new("written by the test");
    let mut created = zis_contract::fixtures::get("created").unwrap().clone();
    created.response.headers.insert("vary".into(), "accept, accept-encoding".into());
    created.response.headers.insert("X-Trace".into(), "first".into());
    created.response.headers.insert("x-trace".into(), "second".into());
    cassette.interactions.push(created.clone());
    cassette.save(&path, Overwrite::Never, &Secrets::new()).unwrap();
    let server = Cassette::open(&path).start().await.unwrap();

    // Act
    let replayed = reqwest::Client::new()
        .post(format!("{}/api/services/zis/registry/my_integration", server.uri()))
        .send()
        .await
        .unwrap();
    let reply = zis_contract::Reply::from(&created.response);

    // Assert: the cassette's replay and the one conversion of recorded responses agree, and
    // lose nothing.
    let values = |headers: &http::HeaderMap, name: &str| -> Vec<String> {
        headers.get_all(name).iter().map(|value| value.to_str().unwrap().to_owned()).collect()
    };
    for (name, expected) in [
        ("vary", &["accept, accept-encoding"][..]),
        ("x-trace", &["first", "second"]),
        ("content-type", &["application/json"]),
    ] {
        assert_eq!(values(replayed.headers(), name), expected, "{name} replayed");
        assert_eq!(values(&reply.headers, name), expected, "{name} in the reply");
    }
    server.verify().await;
}

#[tokio::test]
async fn matching_on_the_authorization_header_compares_it_redacted_like_the_recording() {
    // Arrange: the fixture's request was recorded as `Basic <redacted>`.
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("creates.json");
    cassette_with_create(&path, "acme_sync", "from the cassette");
    let matching = Matching::new().header("authorization");
    let server = Cassette::open(&path).matching(matching).start().await.unwrap();

    // Act: a live request carries real credentials.
    let (status, body) = create(&server.uri(), "acme_sync", TOKEN).await;

    // Assert
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["description"], "from the cassette");
    server.verify().await;
}
