//! Over real HTTP, against one `ZisServer` per property: valid bodies are accepted and invalid
//! ones get a 400 with code 1010, whatever the name (the name is judged first).

use crate::support::{Answer, Http, config, regressions};
use proptest::prelude::*;
use std::cell::RefCell;
use std::collections::HashSet;
use zis_contract::strategy::{
    BodyFlaw, invalid_integration_name_with_reason, invalid_request_body, is_dot_segment, valid_integration_name,
    valid_request_body,
};
use zis_contract::{NameRejection, ZisServer};

const REGRESSIONS: &str = regressions!("bodies_over_http.txt");

/// A valid name (no rejection), or an invalid one a URL can carry, with its rejection.
fn any_name() -> impl Strategy<Value = (String, Option<NameRejection>)> {
    prop_oneof![
        valid_integration_name().prop_map(|name| (name, None)),
        invalid_integration_name_with_reason()
            .prop_filter("a URL cannot carry the name \".\" or \"..\"", |(name, _)| !is_dot_segment(name))
            .prop_map(|(name, reason)| (name, Some(reason))),
    ]
}

/// Asserts `answer` is the documented 400, and returns its one error's detail.
fn bad_request_detail(answer: &Answer) -> Result<String, TestCaseError> {
    prop_assert_eq!(answer.status, 400, "not a 400: {:?}", answer);
    let mut envelope = answer.error()?;
    prop_assert_eq!(envelope.errors.len(), 1);
    let error = envelope.errors.remove(0);
    prop_assert_eq!(error.code.as_str(), "1010");
    prop_assert_eq!(error.status.as_str(), "400");
    Ok(error.detail)
}

#[test]
fn valid_bodies_are_accepted_whatever_the_name() {
    // Arrange
    let http = Http::start(ZisServer::builder());
    let registered = RefCell::new(HashSet::new());

    proptest!(config(REGRESSIONS), |((name, rejection) in any_name(), body in valid_request_body())| {
        // Act
        let answer = http.create(&name, body.bytes.clone())?;
        let received = http.take_received();

        // Assert: the body itself never breaks the contract.
        prop_assert_eq!(received.len(), 1);
        let body_mismatches: Vec<_> =
            received[0].mismatches.iter().filter(|mismatch| mismatch.place.starts_with("body")).collect();
        prop_assert!(body_mismatches.is_empty(), "{:?} broke the contract: {:?}", body, body_mismatches);
        match rejection {
            Some(reason) => prop_assert_eq!(bad_request_detail(&answer)?, reason.to_string()),
            None if registered.borrow_mut().insert(name.clone()) => {
                prop_assert_eq!(answer.status, 200, "{:?} with {:?} was not created: {:?}", name, body, answer);
                let created = answer.integration()?;
                prop_assert_eq!(created.description, body.description.unwrap_or_default());
                prop_assert_eq!(created.zendesk_oauth_client.identifier, format!("zis_{name}"));
            }
            None => prop_assert_eq!(answer.status, 409, "{:?} was created twice: {:?}", name, answer),
        }
    });
}

#[test]
fn invalid_bodies_are_a_400_with_code_1010_whatever_the_name() {
    // Arrange
    let http = Http::start(ZisServer::builder());

    proptest!(config(REGRESSIONS), |((name, rejection) in any_name(), body in invalid_request_body())| {
        // Act
        let answer = http.create(&name, body.bytes.clone())?;
        http.take_received();

        // Assert: a bad name is named first; otherwise the detail says what is wrong with the body.
        let detail = bad_request_detail(&answer)?;
        if let Some(reason) = rejection {
            prop_assert_eq!(detail, reason.to_string());
            return Ok(());
        }
        let expected_start = format!("{}: expected ", body.flaw.place());
        prop_assert!(detail.starts_with(&expected_start), "{:?} for {:?}", detail, body);
        let expected_end = match body.flaw {
            BodyFlaw::Empty => "found an empty body".to_owned(),
            BodyFlaw::NotJson => ")".to_owned(),
            BodyFlaw::NotAnObject { found } | BodyFlaw::DescriptionNotString { found } => format!("found {found}"),
        };
        prop_assert!(detail.ends_with(&expected_end), "{:?} for {:?}", detail, body);
        if body.flaw == BodyFlaw::NotJson {
            prop_assert!(detail.contains("found invalid JSON ("), "{:?} for {:?}", detail, body);
        }
    });
}
