//! Contract tests for clients of the Zendesk ZIS Integrations API, without Zendesk.
//!
//! `zis-contract` serves `POST /api/services/zis/registry/{integration}` (Create Integration) on
//! 127.0.0.1 exactly as the documentation and the live API answer it, and tells your test, in
//! plain words, where the requests your client sent broke the contract.
//!
//! ```toml
//! [dev-dependencies]
//! zis-contract = "0.1"
//! ```
//!
//! # Getting started
//!
//! ```
//! use zis_contract::ZisServer;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! // A contract-enforcing mock on 127.0.0.1, on a port the OS picks.
//! let zis = ZisServer::start().await;
//!
//! // Your client, pointed at zis.uri(), creates an integration.
//! let created: zis_contract::Integration = reqwest::Client::new()
//!     .post(format!("{}/api/services/zis/registry/my_integration", zis.uri()))
//!     .basic_auth("admin@example.com/token", Some("abc"))
//!     .json(&serde_json::json!({ "description": "example integration" }))
//!     .send()
//!     .await
//!     .unwrap()
//!     .json()
//!     .await
//!     .unwrap();
//! assert_eq!(created.zendesk_oauth_client.identifier, "zis_my_integration");
//!
//! // Every request conformed, or a readable report of those that did not.
//! zis.verify().await;
//! # }
//! ```
//!
//! # The contract
//!
//! [`Contract`] answers like the live API: 404 for another path, 405 for another method
//! (integrations cannot be deleted), 401 with code 1001 for missing or malformed credentials,
//! 403 for a user who is not an admin, 400 with code 1010 for a bad name or body, 409 for a name
//! registered already, and otherwise 200 with `identifier = "zis_" + name`. The typed model of
//! the bodies and of [`IntegrationName`] lives in [`contract`].
//!
//! # Scenarios
//!
//! Each [`Scenario`] answers with one documented or observed response, or a transport fault.
//! Serve one with [`ZisServerBuilder::scenario`], a series with [`ZisServerBuilder::sequence`],
//! or mount one on your own `wiremock::MockServer` with [`Scenario::mount`]. Clients in other
//! languages pick one per request with the [`SCENARIO_HEADER`].
//!
//! # Conformance
//!
//! [`check_request`] checks any request's parts against every rule and names each break;
//! [`ZisServer::verify`] does it for everything the server received, and
//! [`check_wiremock_requests`] for everything a `wiremock::MockServer` received.
//! [`check_response`] checks that a response (one your client parses, or one your own mock
//! sends) has exactly the documented fields of its status. The shapes these checks expect are in
//! [`shape`], and their reviewed copies are the insta snapshots in the crate's `snapshots/`.
//!
//! # Property testing
//!
//! With the `strategy` feature (on by default), [`strategy`] holds proptest strategies for
//! valid and invalid integration names (each invalid one with its [`NameRejection`]), valid and
//! invalid request bodies, and the contract's types, for your own property tests.

//!
//! # Record and replay
//!
//! A [`Cassette`] holds recorded interactions on disk. [`Cassette::open`] replays one through
//! a wiremock server, or (with the `record` feature, as [`RecordMode`] says) records it
//! through a proxy to a live account, redacting secrets ([`Redactions`]) and refusing to write
//! a file that still holds one. [`drift`] compares recorded shapes with the canonical ones.

#![deny(missing_docs)]

pub mod cassette;
mod conformance;
pub mod contract;
pub mod drift;
pub mod fixtures;
mod interaction;
#[cfg(feature = "record")]
pub mod record;
mod redact;
mod replay;
mod request;
mod respond;
mod scenario;
mod server;
pub mod shape;
#[cfg(feature = "strategy")]
pub mod strategy;
mod upstream;

pub use cassette::{Cassette, CassetteError, Metadata, Overwrite};
pub use conformance::{
    MAX_BODY_BYTES, Mismatch, Report, Rule, check_recorded_response, check_request, check_response,
    check_wiremock_request, check_wiremock_requests,
};
pub use contract::{
    CreateIntegrationRequest, Credentials, CredentialsError, ErrorEnvelope, ErrorItem, Integration, IntegrationName,
    NameRejection, OAuthClient, SecretKind,
};
pub use interaction::{Body, Interaction, RecordedRequest, RecordedResponse, Source, SourceKind};
pub use redact::{Leak, PLACEHOLDER, Redactions, Secrets};
pub use replay::{
    CassetteBuilder, CassetteServer, MAX_KEPT_FAILURES, Matching, NO_MATCH_STATUS, NearMiss, RECORD_ENV, RecordMode,
    ReplayError, ReplayReport, UnknownRecordMode,
};
pub use request::{RequestParts, percent_encode_segment};
pub use respond::{Answer, Contract, Delivery, REGISTRY_CAPACITY, Reply};
pub use scenario::{ContractResponder, DELAY_HEADER, SCENARIO_HEADER, Scenario, UnknownScenario};
pub use server::{ReceivedRequest, ZisServer, ZisServerBuilder};
pub use upstream::{Upstream, UpstreamError};
