//! Verification reports every request that broke the contract, in plain words, and runs on drop.

mod common;

use common::{create, create_with, send_one_good_and_one_bad};
use zis_contract::ZisServer;

#[tokio::test]
async fn the_report_names_each_broken_request_and_each_rule() {
    let zis = ZisServer::builder().verify_on_drop(false).start().await;
    send_one_good_and_one_bad(&zis.uri()).await;

    let report = zis.check().await.unwrap_err().to_string();

    assert_eq!(
        report,
        "zis-contract: 1 of 2 requests did not conform to POST /api/services/zis/registry/{integration}\n\
         \n\
         request 2 of 2 (POST /api/services/zis/registry/acme_sync) does not conform:\n  \
         - header content-type: expected application/json, found text/plain\n  \
         - body.description: expected string, found number\n"
    );
}

#[tokio::test]
async fn the_report_covers_credentials_names_and_routes_together() {
    let zis = ZisServer::builder().verify_on_drop(false).start().await;
    create_with(&zis.uri(), "Acme", "application/json").send().await.unwrap();
    reqwest::Client::new().delete(format!("{}/api/services/zis/registry/acme", zis.uri())).send().await.unwrap();

    let report = zis.check().await.unwrap_err().to_string();

    assert_eq!(
        report,
        "zis-contract: 2 of 2 requests did not conform to POST /api/services/zis/registry/{integration}\n\
         \n\
         request 1 of 2 (POST /api/services/zis/registry/Acme) does not conform:\n  \
         - header authorization: expected basic credentials (email:password or email/token:api_token), \
         found no Authorization header; send basic auth (email:password or email/token:api_token)\n  \
         - path {integration}: expected 1 to 64 characters of a-z, 0-9, '-' and '_', found \"Acme\" \
         (integration name has upper-case 'A' at character 1; only lower-case letters are allowed (try 'a'))\n\
         \n\
         request 2 of 2 (DELETE /api/services/zis/registry/acme) does not conform:\n  \
         - method: expected POST (integrations cannot be changed or deleted), found DELETE\n"
    );
}

#[tokio::test]
#[should_panic(expected = "request 2 of 2 (POST /api/services/zis/registry/acme_sync) does not conform:\n  \
                           - header content-type: expected application/json, found text/plain")]
async fn verify_panics_with_the_report() {
    let zis = ZisServer::builder().verify_on_drop(false).start().await;
    send_one_good_and_one_bad(&zis.uri()).await;

    zis.verify().await;
}

#[tokio::test]
#[should_panic(expected = "zis-contract: 1 of 2 requests did not conform")]
async fn dropping_the_server_verifies() {
    let zis = ZisServer::start().await;
    send_one_good_and_one_bad(&zis.uri()).await;

    drop(zis);
}

#[tokio::test]
#[should_panic(expected = "the test's own failure")]
async fn a_test_that_is_already_panicking_gets_its_own_message_not_a_double_panic() {
    let zis = ZisServer::start().await;
    send_one_good_and_one_bad(&zis.uri()).await;

    // The server is dropped while this panic unwinds; a second panic would abort the process.
    panic!("the test's own failure");
}

#[tokio::test]
async fn conforming_traffic_verifies_and_forgotten_requests_no_longer_count() {
    let zis = ZisServer::start().await;
    send_one_good_and_one_bad(&zis.uri()).await;
    assert!(zis.check().await.is_err());

    zis.forget_received_requests().await;
    create(&zis.uri(), "other").send().await.unwrap();

    assert!(zis.check().await.is_ok());
    assert_eq!(zis.received_requests().await.len(), 1);
}

#[tokio::test]
async fn received_requests_keep_what_was_sent_and_how_it_was_answered() {
    let zis = ZisServer::start().await;

    create(&zis.uri(), "acme").send().await.unwrap();
    create(&zis.uri(), "acme").send().await.unwrap();

    let received = zis.received_requests().await;
    assert_eq!(received.len(), 2);
    assert_eq!(received[0].method, "POST");
    assert_eq!(received[0].path, "/api/services/zis/registry/acme");
    assert_eq!(received[0].headers["content-type"], "application/json");
    assert_eq!(received[0].body_json().unwrap()["description"], "example integration");
    assert_eq!((received[0].status, received[1].status), (200, 409));
    assert!(received.iter().all(|request| request.mismatches.is_empty()));
}

#[tokio::test]
async fn the_server_answers_clients_on_a_current_thread_runtime_and_stops_when_dropped() {
    let zis = ZisServer::start().await;
    let address = zis.address();
    create(&zis.uri(), "acme").send().await.unwrap();

    drop(zis);

    assert!(tokio::net::TcpStream::connect(address).await.is_err(), "the port is closed after drop");
}
