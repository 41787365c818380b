//! Over real HTTP, against one `ZisServer` per property: every valid name is created once and
//! then conflicts; every invalid name is a 400 with code 1010 that names the broken rule.

use crate::support::{Http, config, registry_path, regressions};
use bytes::Bytes;
use proptest::prelude::*;
use std::cell::RefCell;
use std::collections::HashSet;
use zis_contract::ZisServer;
use zis_contract::strategy::{invalid_integration_name_with_reason, is_dot_segment, valid_integration_name};

const REGRESSIONS: &str = regressions!("names_over_http.txt");

#[test]
fn every_valid_name_is_created_the_first_time_and_conflicts_after() {
    // Arrange: one server for every case, and the names it has registered (cases repeat names,
    // and shrinking sends a name again).
    let http = Http::start(ZisServer::builder());
    let registered = RefCell::new(HashSet::new());

    proptest!(config(REGRESSIONS), |(name in valid_integration_name())| {
        let first_time = registered.borrow_mut().insert(name.clone());

        // Act
        let first = http.create(&name, Bytes::from_static(b"{}"))?;
        let again = http.create(&name, Bytes::from_static(b"{}"))?;

        // Assert
        if first_time {
            prop_assert_eq!(first.status, 200, "{:?} was not created: {:?}", name, first);
            let created = first.integration()?;
            prop_assert_eq!(created.zendesk_oauth_client.identifier, format!("zis_{name}"));
        } else {
            prop_assert_eq!(first.status, 409, "{:?} was created twice: {:?}", name, first);
        }
        prop_assert_eq!(again.status, 409, "{:?} was created twice: {:?}", name, again);
    });

    // Every request the property sent conformed to the contract.
    http.verify();
}

#[test]
fn every_invalid_name_is_a_400_with_code_1010_naming_the_rule() {
    // Arrange
    let http = Http::start(ZisServer::builder());
    let names = invalid_integration_name_with_reason()
        .prop_filter("a URL cannot carry the name \".\" or \"..\"", |(name, _)| !is_dot_segment(name));

    proptest!(config(REGRESSIONS), |((name, reason) in names)| {
        // Act
        let answer = http.create(&name, Bytes::from_static(b"{}"))?;
        let received = http.take_received();

        // Assert: the name arrived as one segment, exactly as encoded (no client normalized it),
        // and the server judged it decoded (the detail names the character and its position).
        prop_assert_eq!(received.len(), 1);
        prop_assert_eq!(&received[0].path, &registry_path(&name));
        prop_assert_eq!(answer.status, 400, "{:?} was not rejected: {:?}", name, answer);
        let envelope = answer.error()?;
        prop_assert_eq!(envelope.errors.len(), 1);
        let error = &envelope.errors[0];
        prop_assert_eq!(error.code.as_str(), "1010");
        prop_assert_eq!(error.status.as_str(), "400");
        prop_assert_eq!(&error.detail, &reason.to_string());
    });
}

/// Why the properties leave out the names "." and "..": the client's URL parser removes such
/// segments, so the server sees another path, not the name.
#[test]
fn the_names_dot_and_dot_dot_never_reach_the_server_as_names() {
    // Arrange
    let http = Http::start(ZisServer::builder());

    // Act
    let dot = http.create(".", Bytes::from_static(b"{}")).unwrap();
    let dot_dot = http.create("..", Bytes::from_static(b"{}")).unwrap();
    let received = http.take_received();

    // Assert
    let paths: Vec<&str> = received.iter().map(|request| request.path.as_str()).collect();
    assert_eq!(paths, ["/api/services/zis/registry/", "/api/services/zis/"]);
    assert_eq!((dot.status, dot_dot.status), (400, 404));
}
