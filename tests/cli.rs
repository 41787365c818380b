//! The `record`, `replay` and `drift` subcommands of the built binary, against servers on
//! 127.0.0.1 that the tests start.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use zis_contract::{Interaction, SourceKind, ZisServer};

const EMAIL: &str = "admin@example.com";
const TOKEN: &str = "tok-71b0c4e9a3d2";
const TOKEN_ENV: &str = "ZIS_CONTRACT_TEST_TOKEN";

fn zis_contract(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_zis-contract"));
    command.args(args).env(TOKEN_ENV, TOKEN);
    command
}

fn run(args: &[&str]) -> Output {
    zis_contract(args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A server the binary runs, stopped (by its id) when dropped.
struct Running {
    child: Child,
    url: String,
}

impl Running {
    fn start(args: &[&str]) -> Self {
        let mut child = zis_contract(args).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
        let mut url = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut url).unwrap();
        assert!(url.starts_with("http://127.0.0.1:"), "expected the base URL first, got {url:?}");
        Self { child, url: url.trim().to_owned() }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn stand_in() -> ZisServer {
    // The probe set sends an invalid name on purpose, so the stand-in does not verify.
    ZisServer::builder().user(&format!("{EMAIL}/token"), TOKEN).verify_on_drop(false).start().await
}

/// Runs the probe set against `upstream`, writing into `out`, confirmed or not.
fn record_probes(upstream: &ZisServer, out: &Path, confirmed: bool) -> Output {
    let uri = upstream.uri();
    let mut args = vec!["record", "--upstream", &uri, "--email", EMAIL, "--token-env", TOKEN_ENV];
    args.extend(["--out", out.to_str().unwrap()]);
    if confirmed {
        args.push("--yes");
    }
    run(&args)
}

fn read_interaction(path: &Path) -> Interaction {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[tokio::test]
async fn record_without_yes_explains_and_sends_nothing() {
    // Arrange
    let upstream = stand_in().await;
    let folder = tempfile::tempdir().unwrap();
    let out = folder.path().join("recorded");

    // Act
    let output = record_probes(&upstream, &out, false);

    // Assert
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("not sending anything"), "{stderr}");
    assert!(stderr.contains("can never be deleted"), "{stderr}");
    assert!(stderr.contains("--yes"), "{stderr}");
    assert!(upstream.received_requests().await.is_empty());
    assert!(!out.exists());
}

#[tokio::test]
async fn record_with_yes_writes_the_probe_set_as_recorded_fixtures() {
    // Arrange
    let upstream = stand_in().await;
    let folder = tempfile::tempdir().unwrap();
    let out = folder.path().join("recorded");

    // Act
    let output = record_probes(&upstream, &out, true);

    // Assert
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    let statuses: Vec<&str> = stdout.lines().map(|line| line.split(' ').next().unwrap()).collect();
    assert_eq!(statuses, ["401", "400", "200"], "{stdout}");
    assert_eq!(upstream.received_requests().await.len(), 3);
    for (name, status) in [("recorded_bad_credentials", 401), ("recorded_invalid_name", 400), ("recorded_created", 200)]
    {
        let file = out.join(format!("{name}.json"));
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(!text.contains(TOKEN) && !text.contains(&upstream.address().to_string()), "{text}");
        let interaction = read_interaction(&file);
        assert_eq!(interaction.name, name);
        assert_eq!(interaction.response.status, status);
        assert_eq!(interaction.source.kind, SourceKind::Recorded);
        assert!(interaction.source.recorded_at.is_some());
        assert_eq!(interaction.request.headers["authorization"], "Basic <redacted>");
    }
    let created = read_interaction(&out.join("recorded_created.json"));
    assert!(
        created.request.path.starts_with("/api/services/zis/registry/zis_contract_probe_"),
        "{}",
        created.request.path
    );
    assert_eq!(created.response.body.json().unwrap()["zendesk_oauth_client"]["secret"], "<redacted>");
}

#[tokio::test]
async fn record_refuses_to_overwrite_a_fixture_before_sending_anything() {
    // Arrange
    let upstream = stand_in().await;
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join("recorded_created.json"), "kept").unwrap();

    // Act
    let output = record_probes(&upstream, folder.path(), true);

    // Assert
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("refusing to overwrite"), "{}", text(&output.stderr));
    assert!(upstream.received_requests().await.is_empty());
    assert_eq!(std::fs::read_to_string(folder.path().join("recorded_created.json")).unwrap(), "kept");
}

#[test]
fn record_takes_the_token_only_from_the_environment() {
    let on_argv = run(&["record", "--upstream", "https://acme.zendesk.com", "--email", EMAIL, "--token", TOKEN]);
    let unset = zis_contract(&[
        "record",
        "--upstream",
        "https://acme.zendesk.com",
        "--email",
        EMAIL,
        "--token-env",
        TOKEN_ENV,
        "--yes",
    ])
    .env_remove(TOKEN_ENV)
    .output()
    .unwrap();

    assert_eq!(on_argv.status.code(), Some(2));
    assert!(text(&on_argv.stderr).contains("--token is not taken"), "{}", text(&on_argv.stderr));
    assert_eq!(unset.status.code(), Some(2));
    assert!(
        text(&unset.stderr).contains(&format!("the environment variable {TOKEN_ENV} (--token-env) holds no API token")),
        "{}",
        text(&unset.stderr)
    );
}

#[tokio::test]
async fn record_proxy_forwards_any_client_and_writes_each_interaction() {
    // Arrange
    let upstream = stand_in().await;
    let folder = tempfile::tempdir().unwrap();
    let out = folder.path().join("proxied");
    let proxy = Running::start(&[
        "record",
        "--upstream",
        &upstream.uri(),
        "--proxy",
        "--port",
        "0",
        "--out",
        out.to_str().unwrap(),
    ]);

    // Act
    let response = reqwest::Client::new()
        .post(format!("{}/api/services/zis/registry/acme_sync", proxy.url))
        .basic_auth(format!("{EMAIL}/token"), Some(TOKEN))
        .json(&json!({ "description": "through the proxy" }))
        .send()
        .await
        .unwrap();

    // Assert: the live answer, and its redacted recording.
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["zendesk_oauth_client"]["secret"], "zis-contract-secret-10066");
    let recorded = read_interaction(&out.join("post_acme_sync_200.json"));
    assert_eq!(recorded.source.kind, SourceKind::Recorded);
    assert_eq!(recorded.request.headers["authorization"], "Basic <redacted>");
    assert_eq!(recorded.response.body.json().unwrap()["zendesk_oauth_client"]["secret"], "<redacted>");
    assert_eq!(upstream.received_requests().await.len(), 1);
}

#[tokio::test]
async fn record_proxy_redacts_the_headers_and_fields_given_on_the_command_line() {
    // Arrange
    let upstream = stand_in().await;
    let folder = tempfile::tempdir().unwrap();
    let out = folder.path().join("proxied");
    let uri = upstream.uri();
    let mut args = vec!["record", "--upstream", &uri, "--proxy", "--port", "0", "--out", out.to_str().unwrap()];
    args.extend(["--redact-header", "X-Api-Key", "--redact-json", "zendesk_oauth_client.identifier"]);
    let proxy = Running::start(&args);

    // Act
    let response = reqwest::Client::new()
        .post(format!("{}/api/services/zis/registry/acme_sync", proxy.url))
        .basic_auth(format!("{EMAIL}/token"), Some(TOKEN))
        .header("x-api-key", "key-4f1d9c2e7a")
        .header("x-tenant", "blue")
        .json(&json!({ "description": "through the proxy" }))
        .send()
        .await
        .unwrap();

    // Assert: the client sees the live answer; the file holds neither value.
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["zendesk_oauth_client"]["identifier"], "zis_acme_sync");
    let written = std::fs::read_to_string(out.join("post_acme_sync_200.json")).unwrap();
    let recorded: Interaction = serde_json::from_str(&written).unwrap();
    assert_eq!(recorded.request.headers["x-api-key"], "<redacted>");
    assert_eq!(recorded.request.headers["x-tenant"], "blue", "other headers are kept");
    assert_eq!(recorded.response.body.json().unwrap()["zendesk_oauth_client"]["identifier"], "<redacted>");
    assert!(!written.contains("key-4f1d9c2e7a") && !written.contains("zis_acme_sync"), "{written}");
}

#[test]
fn record_refuses_a_redaction_that_is_no_header_name_or_json_path() {
    for (flag, value) in [("--redact-header", "x api key"), ("--redact-json", ""), ("--redact-json", "a..b")] {
        let output = run(&["record", "--upstream", "http://127.0.0.1:9", "--proxy", flag, value]);

        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{flag} {value:?}: {stderr}");
        assert!(stderr.starts_with(&format!("zis-contract: {flag} takes a")), "{stderr}");
    }
}

#[tokio::test]
async fn replay_serves_a_folder_of_fixture_files() {
    // Arrange
    let replay = Running::start(&["replay", concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures"), "--port", "0"]);

    // Act: every fixture records the same request, so they answer in file-name order.
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let response = reqwest::Client::new()
            .post(format!("{}/api/services/zis/registry/my_integration", replay.url))
            .json(&json!({ "description": "example integration" }))
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    let missed = reqwest::get(format!("{}/elsewhere", replay.url)).await.unwrap();

    // Assert
    assert_eq!(statuses, [400, 409, 200], "bad_request, conflict, created");
    assert_eq!(missed.status().as_u16(), zis_contract::NO_MATCH_STATUS);
    assert!(missed.text().await.unwrap().contains("no recorded interaction in"));
}

#[test]
fn replay_of_a_corrupt_cassette_names_the_file_and_line() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("corrupt.json");
    std::fs::write(&path, "{\n  \"interactions\": [,]\n}\n").unwrap();

    let output = run(&["replay", path.to_str().unwrap(), "--port", "0"]);

    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).starts_with(&format!("zis-contract: {}:2:", path.display())),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn drift_exits_0_without_drift_1_with_and_2_when_unreadable() {
    // Arrange
    let folder = tempfile::tempdir().unwrap();
    let mut drifted = zis_contract::fixtures::get("created").unwrap().clone();
    drifted.response.body = zis_contract::Body::Json(json!({ "description": "x", "jwt_public_key": 1 }));
    std::fs::write(folder.path().join("drifted.json"), serde_json::to_string_pretty(&drifted).unwrap()).unwrap();

    // Act
    let clean = run(&["drift", concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures")]);
    let found = run(&["drift", folder.path().to_str().unwrap()]);
    let missing = run(&["drift", "no/such/folder"]);

    // Assert
    assert_eq!(clean.status.code(), Some(0), "{}", text(&clean.stdout));
    assert!(text(&clean.stdout).contains("status 200 (1 response: created): no drift"));
    assert_eq!(found.status.code(), Some(1));
    assert_eq!(
        text(&found.stdout),
        "status 200 (1 response: created): drift\n  \
         body.jwt_public_key: retyped from string to integer\n  \
         body.zendesk_oauth_client: removed (was object)\n"
    );
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("cannot read no/such/folder"), "{}", text(&missing.stderr));
}

#[test]
fn replay_and_drift_refuse_a_status_http_cannot_carry() {
    // Arrange: a fixture answering status 1000, which wiremock cannot send.
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("impossible.json");
    let mut fixture = serde_json::to_value(zis_contract::fixtures::get("conflict").unwrap()).unwrap();
    fixture["response"]["status"] = json!(1000);
    std::fs::write(&path, serde_json::to_string_pretty(&fixture).unwrap()).unwrap();

    // Act: a replay that starts serving prints its URL first; one that refuses exits.
    let mut child = zis_contract(&["replay", path.to_str().unwrap(), "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut url = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut url).unwrap();
    if !url.is_empty() {
        let _ = child.kill();
        let _ = child.wait();
        panic!("replay started serving at {} instead of refusing the file", url.trim());
    }
    let replay = child.wait_with_output().unwrap();
    let drift = run(&["drift", path.to_str().unwrap()]);

    // Assert
    for (command, output) in [("replay", &replay), ("drift", &drift)] {
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{command}: {stderr}");
        assert!(stderr.starts_with(&format!("zis-contract: {}:", path.display())), "{command}: {stderr}");
        assert!(stderr.contains("expected an HTTP status from 100 to 999"), "{command}: {stderr}");
    }
}

#[test]
fn drift_counts_a_new_status_as_drift() {
    // Arrange: a 422, which the contract never answers with.
    let folder = tempfile::tempdir().unwrap();
    let mut unprocessable = zis_contract::fixtures::get("bad_request").unwrap().clone();
    unprocessable.response.status = 422;
    std::fs::write(folder.path().join("new.json"), serde_json::to_string_pretty(&unprocessable).unwrap()).unwrap();

    // Act
    let output = run(&["drift", folder.path().to_str().unwrap()]);

    // Assert
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stdout));
    assert_eq!(
        text(&output.stdout),
        "status 422 (1 response: bad_request): drift: a new status, which the contract has no canonical shape for\n"
    );
}

#[test]
fn drift_of_nothing_is_an_error() {
    // Arrange: an empty folder, a cassette without interactions, and a folder holding only it.
    let (empty, holding_empty) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let cassette = holding_empty.path().join("empty.json");
    zis_contract::Cassette::new("nothing yet")
        .save(&cassette, zis_contract::Overwrite::Never, &Default::default())
        .unwrap();

    // Act and assert
    for path in [empty.path(), cassette.as_path(), holding_empty.path()] {
        let output = run(&["drift", path.to_str().unwrap()]);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{}: {stderr}", path.display());
        assert!(stderr.starts_with(&format!("zis-contract: {} holds no interactions", path.display())), "{stderr}");
        assert!(stderr.trim_end().ends_with("nothing to compare"), "{stderr}");
        assert!(output.stdout.is_empty(), "{}", text(&output.stdout));
    }
}

#[test]
fn usage_errors_exit_2() {
    for args in [&["drift"][..], &["replay", "a", "b"], &["record", "--proxy"], &["replay", "x", "--frobnicate"]] {
        let output = run(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(text(&output.stderr).contains("usage: zis-contract"), "{args:?}");
    }
}
