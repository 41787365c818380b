//! The client against zis-contract: the four documented outcomes, the contract mode, and what a
//! client that breaks the contract is told.

use zis_client::{CreateError, ZisClient};
use zis_contract::{Scenario, ZisServer};

fn client_of(zis: &ZisServer) -> ZisClient {
    ZisClient::new(zis.uri(), "admin@example.com", "abc")
}

#[tokio::test]
async fn created_returns_the_documented_integration() {
    // Arrange
    let zis = ZisServer::builder().scenario(Scenario::Created).start().await;

    // Act
    let created = client_of(&zis).create_integration("my_integration", "example integration").await.unwrap();

    // Assert
    assert_eq!(created.description, "example integration");
    assert_eq!(created.jwt_public_key, "The RSA Public Key to be saved");
    assert_eq!(created.zendesk_oauth_client.id, 10066);
    assert_eq!(created.zendesk_oauth_client.identifier, "zis_my_integration");
    zis.verify().await;
}

#[tokio::test]
async fn bad_request_is_a_bad_request_error_with_the_detail() {
    let zis = ZisServer::builder().scenario(Scenario::BadRequest).start().await;

    let result = client_of(&zis).create_integration("acme_sync", "Acme").await;

    assert!(matches!(&result, Err(CreateError::BadRequest(detail)) if detail == "error message"), "{result:?}");
    zis.verify().await;
}

#[tokio::test]
async fn unauthorized_is_an_unauthorized_error_with_the_detail() {
    let zis = ZisServer::builder().scenario(Scenario::Unauthorized).start().await;

    let result = client_of(&zis).create_integration("acme_sync", "Acme").await;

    assert!(matches!(&result, Err(CreateError::Unauthorized(detail)) if detail == "error message"), "{result:?}");
    zis.verify().await;
}

#[tokio::test]
async fn server_error_is_a_server_error_with_status_and_detail() {
    let zis = ZisServer::builder().scenario(Scenario::ServerError).start().await;

    let result = client_of(&zis).create_integration("acme_sync", "Acme").await;

    assert!(
        matches!(&result, Err(CreateError::ServerError { status: 500, detail }) if detail == "error message"),
        "{result:?}"
    );
    zis.verify().await;
}

#[tokio::test]
async fn the_contract_creates_the_integration_and_every_request_conforms() {
    // Arrange
    let zis = ZisServer::builder().user("admin@example.com/token", "abc").start().await;

    // Act
    let created = client_of(&zis).create_integration("acme_sync", "Acme sync").await.unwrap();

    // Assert
    assert_eq!(created.description, "Acme sync");
    assert_eq!(created.zendesk_oauth_client.identifier, "zis_acme_sync");
    zis.verify().await;
}

#[tokio::test]
async fn the_contract_rejects_other_credentials_as_unauthorized() {
    let zis = ZisServer::builder().user("someone@example.com/token", "other").start().await;

    let result = client_of(&zis).create_integration("acme_sync", "Acme").await;

    assert!(matches!(result, Err(CreateError::Unauthorized(_))), "{result:?}");
    zis.verify().await;
}

#[tokio::test]
async fn a_status_the_client_does_not_handle_is_unexpected() {
    let zis = ZisServer::builder().scenario(Scenario::Conflict).start().await;

    let result = client_of(&zis).create_integration("acme_sync", "Acme").await;

    assert!(matches!(result, Err(CreateError::Unexpected(409))), "{result:?}");
    zis.verify().await;
}

/// A variant of the client that breaks the contract: a text body with a numeric description.
async fn create_integration_off_contract(base_url: &str, name: &str) {
    reqwest::Client::new()
        .post(format!("{base_url}/api/services/zis/registry/{name}"))
        .basic_auth("admin@example.com/token", Some("abc"))
        .header("content-type", "text/plain")
        .body(r#"{"description":7.5}"#)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn an_off_contract_client_is_told_what_it_broke() {
    // Arrange
    let zis = ZisServer::builder().verify_on_drop(false).start().await;

    // Act
    create_integration_off_contract(&zis.uri(), "acme_sync").await;
    let report = zis.check().await.unwrap_err().to_string();

    // Assert
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("off_contract_client_report", report);
    });
}
