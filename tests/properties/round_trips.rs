//! Every contract type, and a recorded interaction, reads back from its JSON unchanged; and
//! credentials read back from the `Authorization` header they make.

use crate::support::{config, regressions};
use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt::Debug;
use zis_contract::strategy::{
    create_integration_request, credentials, error_envelope, integration, interaction, oauth_client,
    valid_integration_name,
};
use zis_contract::{Credentials, IntegrationName};

const REGRESSIONS: &str = regressions!("round_trips.txt");

/// Asserts `value` reads back unchanged from its compact and its pretty JSON.
fn assert_round_trips<T: Serialize + DeserializeOwned + PartialEq + Debug>(value: &T) -> Result<(), TestCaseError> {
    let compact = serde_json::to_string(value)?;
    prop_assert_eq!(&serde_json::from_str::<T>(&compact)?, value, "from {}", compact);
    let pretty = serde_json::to_string_pretty(value)?;
    prop_assert_eq!(&serde_json::from_str::<T>(&pretty)?, value, "from {}", pretty);
    Ok(())
}

#[test]
fn create_integration_requests_round_trip() {
    proptest!(config(REGRESSIONS), |(request in create_integration_request())| {
        assert_round_trips(&request)?;
    });
}

#[test]
fn integrations_round_trip() {
    proptest!(config(REGRESSIONS), |(created in integration())| {
        assert_round_trips(&created)?;
    });
}

#[test]
fn oauth_clients_round_trip() {
    proptest!(config(REGRESSIONS), |(client in oauth_client())| {
        assert_round_trips(&client)?;
    });
}

#[test]
fn error_envelopes_round_trip() {
    proptest!(config(REGRESSIONS), |(envelope in error_envelope())| {
        assert_round_trips(&envelope)?;
    });
}

#[test]
fn interactions_round_trip() {
    proptest!(config(REGRESSIONS), |(recorded in interaction())| {
        assert_round_trips(&recorded)?;
    });
}

#[test]
fn credentials_round_trip_through_the_authorization_header() {
    proptest!(config(REGRESSIONS), |(sent in credentials())| {
        let header = sent.authorization();
        prop_assert_eq!(Credentials::from_authorization(header.as_bytes())?, sent);
    });
}

#[test]
fn valid_names_round_trip_through_display() {
    proptest!(config(REGRESSIONS), |(name in valid_integration_name())| {
        let parsed = IntegrationName::parse(name.clone())?;
        prop_assert_eq!(parsed.to_string(), name.clone());
        prop_assert_eq!(parsed.to_string().parse::<IntegrationName>()?, parsed);
    });
}

/// The float the interactions property first found: without serde_json's `float_roundtrip`
/// feature it read back one unit in the last place off.
#[test]
fn a_recorded_float_reads_back_bit_for_bit() {
    // Arrange
    let json = r#"{"name":"","request":{"method":"POST","path":""},"response":{"body":[5.1762133567173585e-176],"status":200},"source":{"kind":"recorded"}}"#;

    // Act
    let recorded: zis_contract::Interaction = serde_json::from_str(json).unwrap();

    // Assert
    let read = recorded.response.body.json().unwrap()[0].as_f64().unwrap();
    assert_eq!(read.to_bits(), 5.1762133567173585e-176_f64.to_bits());
    assert_eq!(serde_json::to_string(&recorded).unwrap(), json);
}
