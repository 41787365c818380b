//! Faults, sequences and per-request scenarios: what a client's retries, timeouts and back-off
//! are tested against.

mod common;

use common::{create, status_and_json};
use std::time::Duration;
use zis_contract::{DELAY_HEADER, Rule, SCENARIO_HEADER, Scenario, ZisServer};

/// Whether an I/O error of `kind` is among the causes of `err`.
fn caused_by(err: &(dyn std::error::Error + 'static), kind: std::io::ErrorKind) -> bool {
    let mut cause = Some(err);
    while let Some(err) = cause {
        if err.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == kind) {
            return true;
        }
        cause = err.source();
    }
    false
}

#[tokio::test]
async fn a_connection_reset_reaches_the_client_as_a_connection_error() {
    let zis = ZisServer::builder().scenario(Scenario::ConnectionReset).start().await;

    let err = create(&zis.uri(), "acme").send().await.unwrap_err();

    assert!(caused_by(&err, std::io::ErrorKind::ConnectionReset), "{err:?}");
    assert_eq!(zis.received_requests().await[0].status, 0, "journaled as answered with no status");
}

#[tokio::test]
async fn a_truncated_body_reaches_the_client_as_a_short_read() {
    let zis = ZisServer::builder().scenario(Scenario::TruncatedBody).start().await;

    let response = create(&zis.uri(), "acme").send().await.unwrap();
    let declared: usize = response.headers()["content-length"].to_str().unwrap().parse().unwrap();
    let err = response.bytes().await.unwrap_err();

    assert_eq!(declared, Scenario::Created.reply().unwrap().body.len());
    assert!(err.is_body() || err.is_decode(), "{err:?}");
}

#[tokio::test]
async fn malformed_json_arrives_whole_with_status_200_and_does_not_parse() {
    let zis = ZisServer::builder().scenario(Scenario::MalformedJson).start().await;

    let response = create(&zis.uri(), "acme").send().await.unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let body = response.bytes().await.unwrap();
    assert!(serde_json::from_slice::<zis_contract::Integration>(&body).is_err());
}

#[tokio::test]
async fn a_delay_before_the_first_byte_trips_a_client_timeout() {
    let zis = ZisServer::builder().delay(Duration::from_secs(5)).start().await;

    let err = create(&zis.uri(), "acme").timeout(Duration::from_millis(100)).send().await.unwrap_err();

    assert!(err.is_timeout(), "{err:?}");
}

#[tokio::test]
async fn a_delayed_answer_still_arrives_whole() {
    let zis = ZisServer::builder().delay(Duration::from_millis(50)).start().await;

    let (status, body) = status_and_json(create(&zis.uri(), "acme")).await;

    assert_eq!(status, 200);
    assert_eq!(body["zendesk_oauth_client"]["identifier"], "zis_acme");
}

#[tokio::test]
async fn rate_limiting_and_unavailability_say_when_to_retry() {
    for (scenario, status, retry_after) in
        [(Scenario::RateLimited, 429, "60"), (Scenario::ServiceUnavailable, 503, "30")]
    {
        let zis = ZisServer::builder().scenario(scenario).start().await;

        let response = create(&zis.uri(), "acme").send().await.unwrap();

        assert_eq!(response.status(), status);
        assert_eq!(response.headers()["retry-after"], retry_after);
        if status == 429 {
            assert_eq!(response.headers()["x-rate-limit"], "700");
            assert_eq!(response.headers()["x-rate-limit-remaining"], "0");
        }
    }
}

/// A client that retries 5xx and 429 answers up to `attempts` times and stops at the first other.
async fn create_with_retries(base: &str, name: &str, attempts: usize) -> u16 {
    let mut status = 0;
    for _ in 0..attempts {
        status = create(base, name).send().await.unwrap().status().as_u16();
        if status != 429 && status < 500 {
            break;
        }
    }
    status
}

#[tokio::test]
async fn a_sequence_fails_twice_then_follows_the_contract_and_the_client_stops_after_success() {
    let zis =
        ZisServer::builder().sequence([Scenario::ServerError, Scenario::ServerError, Scenario::Contract]).start().await;

    let status = create_with_retries(&zis.uri(), "acme", 10).await;

    assert_eq!(status, 200);
    let answered: Vec<u16> = zis.received_requests().await.iter().map(|request| request.status).collect();
    assert_eq!(answered, [500, 500, 200], "three requests, none after the success");
}

#[tokio::test]
async fn the_last_step_of_a_sequence_repeats() {
    let zis = ZisServer::builder().sequence([Scenario::RateLimited, Scenario::Created]).start().await;

    for _ in 0..4 {
        create(&zis.uri(), "acme").send().await.unwrap();
    }

    let answered: Vec<u16> = zis.received_requests().await.iter().map(|request| request.status).collect();
    assert_eq!(answered, [429, 200, 200, 200]);
}

#[tokio::test]
async fn a_header_picks_the_scenario_of_one_request_only() {
    let zis = ZisServer::start().await;

    let picked = create(&zis.uri(), "acme").header(SCENARIO_HEADER, "rate_limited").send().await.unwrap();
    let (next, _) = status_and_json(create(&zis.uri(), "acme")).await;

    assert_eq!(picked.status(), 429);
    assert_eq!(next, 200, "the next request without the header follows the contract");
    assert!(
        zis.received_requests().await.iter().all(|request| request.mismatches.is_empty()),
        "the header is no mismatch"
    );
}

#[tokio::test]
async fn a_header_picks_a_fault_and_a_delay_for_one_request() {
    let zis = ZisServer::start().await;

    let reset = create(&zis.uri(), "acme").header(SCENARIO_HEADER, "connection_reset").send().await;
    let slow = create(&zis.uri(), "acme").header(DELAY_HEADER, "5000").timeout(Duration::from_millis(100)).send().await;

    assert!(caused_by(&reset.unwrap_err(), std::io::ErrorKind::ConnectionReset));
    assert!(slow.unwrap_err().is_timeout());
}

#[tokio::test]
async fn a_header_naming_no_scenario_is_a_400_listing_the_scenarios_and_fails_verification() {
    let zis = ZisServer::builder().verify_on_drop(false).start().await;

    let unknown = create(&zis.uri(), "acme").header(SCENARIO_HEADER, "teapot").send().await.unwrap();
    let bad_delay = create(&zis.uri(), "acme").header(DELAY_HEADER, "soon").send().await.unwrap();
    let too_long = create(&zis.uri(), "acme").header(DELAY_HEADER, "600001").send().await.unwrap();

    assert_eq!(unknown.status(), 400);
    assert!(
        unknown
            .text()
            .await
            .unwrap()
            .starts_with("header x-zis-contract-scenario: expected a scenario name (contract, created, bad_request,")
    );
    assert_eq!(bad_delay.status(), 400);
    assert_eq!(
        bad_delay.text().await.unwrap(),
        "header x-zis-contract-delay-ms: expected whole milliseconds from 0 to 600000, found \"soon\"\n"
    );
    assert_eq!(too_long.status(), 400, "a delay over ten minutes is refused, not waited for");
    let received = zis.received_requests().await;
    assert_eq!(received.iter().map(|request| request.status).collect::<Vec<_>>(), [400, 400, 400]);
    assert!(received.iter().all(|request| request.mismatches[0].rule == Rule::ControlHeader));
    assert!(zis.check().await.is_err(), "a mistaken control header fails the test");
}

#[tokio::test]
async fn fixed_scenarios_answer_create_integration_only_and_other_routes_use_up_no_step() {
    let zis =
        ZisServer::builder().sequence([Scenario::ServerError, Scenario::Created]).verify_on_drop(false).start().await;
    let client = reqwest::Client::new();

    let health_probe = client.get(format!("{}/health", zis.uri())).send().await.unwrap().status();
    let delete = client.delete(format!("{}/api/services/zis/registry/acme", zis.uri())).send().await.unwrap().status();
    let first = create(&zis.uri(), "acme").send().await.unwrap().status();
    let second = create(&zis.uri(), "acme").send().await.unwrap().status();

    assert_eq!((health_probe.as_u16(), delete.as_u16()), (404, 405));
    assert_eq!((first.as_u16(), second.as_u16()), (500, 200), "the sequence starts at the first create");
}

#[tokio::test]
async fn the_scenario_header_works_on_a_wiremock_server_with_the_contract_mounted() {
    let server = Scenario::Contract.start().await;

    let picked = create(&server.uri(), "acme").header(SCENARIO_HEADER, "rate_limited").send().await.unwrap();
    let fault = create(&server.uri(), "acme").header(SCENARIO_HEADER, "connection_reset").send().await.unwrap();
    let (next, _) = status_and_json(create(&server.uri(), "acme")).await;

    assert_eq!(picked.status(), 429);
    assert_eq!(picked.headers()["retry-after"], "60");
    assert_eq!(fault.status(), 400);
    assert!(fault.text().await.unwrap().contains("wiremock cannot serve the connection_reset scenario"));
    assert_eq!(next, 200);
}
