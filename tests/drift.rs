//! Drift: recorded response shapes against the canonical ones, per status.

use serde_json::json;
use zis_contract::drift::{self, Comparison};
use zis_contract::shape::ChangeKind;
use zis_contract::{Body, Interaction, fixtures};

/// A recorded 200 whose body is `body`.
fn recorded_200(name: &str, body: serde_json::Value) -> Interaction {
    let mut interaction = fixtures::get("created").unwrap().clone();
    interaction.name = name.to_owned();
    interaction.response.body = Body::Json(body);
    interaction
}

#[test]
fn the_embedded_fixtures_do_not_drift() {
    let report = drift::compare(fixtures::all());

    assert!(!report.has_drift(), "{report}");
    let statuses: Vec<u16> = report.statuses.iter().map(|status| status.status).collect();
    assert_eq!(statuses, [200, 400, 401, 403, 409, 429, 500, 503]);
}

#[test]
fn an_added_a_removed_and_a_retyped_field_are_drift() {
    // Arrange: `scopes` added, `jwt_public_key` removed, `id` a string.
    let recorded = recorded_200(
        "recorded_created",
        json!({
            "description": "zis-contract probe",
            "zendesk_oauth_client": { "id": "10066", "identifier": "zis_x", "secret": "<redacted>", "scopes": ["read"] },
        }),
    );

    // Act
    let report = drift::compare(&[recorded]);

    // Assert
    assert!(report.has_drift());
    let Comparison::Compared(changes) = &report.statuses[0].comparison else { panic!("200 has a canonical shape") };
    let kinds: Vec<(&str, &ChangeKind)> =
        changes.iter().map(|(change, _)| (change.path.as_str(), &change.kind)).collect();
    assert_eq!(
        kinds,
        [
            ("body.jwt_public_key", &ChangeKind::Removed("string")),
            (
                "body.zendesk_oauth_client.id",
                &ChangeKind::Retyped { expected: "integer".into(), found: "string".into() }
            ),
            ("body.zendesk_oauth_client.scopes", &ChangeKind::Added("array")),
        ]
    );
    assert_eq!(
        report.to_string(),
        "status 200 (1 response: recorded_created): drift\n  \
         body.jwt_public_key: removed (was string)\n  \
         body.zendesk_oauth_client.id: retyped from integer to string\n  \
         body.zendesk_oauth_client.scopes: added (array)\n"
    );
}

#[test]
fn a_change_seen_in_some_responses_of_a_status_names_them() {
    let same = recorded_200("a", fixtures::get("created").unwrap().response.body.json().unwrap().clone());
    let mut extra = fixtures::get("created").unwrap().response.body.json().unwrap().clone();
    extra["region"] = json!("eu");

    let report = drift::compare(&[same, recorded_200("b", extra)]);

    assert_eq!(report.to_string(), "status 200 (2 responses: a, b): drift\n  body.region: added (string) (in b)\n");
}

#[test]
fn a_body_that_is_not_json_where_json_is_expected_is_drift() {
    let mut recorded = fixtures::get("unauthorized").unwrap().clone();
    recorded.response.body = Body::Text("<html>Unauthorized</html>".into());

    let report = drift::compare(&[recorded]);

    assert!(report.has_drift());
    assert_eq!(
        report.to_string(),
        "status 401 (1 response: unauthorized): drift\n  body: retyped from object to text that is not JSON\n"
    );
}

#[test]
fn a_status_without_a_canonical_shape_is_drift() {
    // A 422 the contract never answers with: the API sent something new.
    let mut recorded = fixtures::get("created").unwrap().clone();
    recorded.response.status = 422;

    let report = drift::compare(&[recorded]);

    assert!(report.has_drift());
    assert_eq!(report.statuses[0].comparison, Comparison::NoCanonicalShape);
    assert_eq!(
        report.to_string(),
        "status 422 (1 response: created): drift: a new status, which the contract has no canonical shape for\n"
    );
}

#[test]
fn redacted_recordings_keep_their_shape() {
    // The redaction placeholders keep every field's type, so they never show as drift.
    let redacted = recorded_200(
        "recorded_created",
        json!({
            "description": "zis-contract probe",
            "jwt_public_key": "<redacted>",
            "zendesk_oauth_client": { "id": 7, "identifier": "zis_x", "secret": "<redacted>" },
        }),
    );

    assert!(!drift::compare(&[redacted]).has_drift());
}
