//! The fixture files: all embedded, canonical, sourced, and in the documented envelope.

use zis_contract::{ErrorEnvelope, Integration, Interaction, SourceKind, fixtures};

#[test]
fn every_fixture_file_is_embedded_exactly_as_it_is_on_disk() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();

    let embedded: Vec<String> = fixtures::files().iter().map(|(name, _)| name.to_string()).collect();

    assert_eq!(embedded, on_disk, "src/fixtures.rs embeds every file of fixtures/");
    for (name, text) in fixtures::files() {
        let file = std::fs::read_to_string(dir.join(format!("{name}.json"))).unwrap();
        assert_eq!(*text, file, "{name}");
    }
}

#[test]
fn every_fixture_is_in_canonical_form() {
    for (name, text) in fixtures::files() {
        let interaction: Interaction = serde_json::from_str(text).unwrap();

        let canonical = serde_json::to_string_pretty(&interaction).unwrap() + "\n";

        assert_eq!(&canonical, text, "fixtures/{name}.json is not in canonical form");
    }
}

#[test]
fn the_documented_examples_are_sourced_to_the_documentation_and_the_rest_to_observation() {
    let kind = |name: &str| fixtures::get(name).unwrap().source.kind;
    for name in ["created", "bad_request", "unauthorized", "server_error"] {
        assert_eq!(kind(name), SourceKind::Documentation, "{name}");
    }
    for name in ["conflict", "forbidden", "name_unavailable", "rate_limited", "service_unavailable"] {
        assert_eq!(kind(name), SourceKind::Observed, "{name}");
    }
    assert!(fixtures::all().iter().all(|fixture| !fixture.source.note.is_empty()));
    let bad_request = fixtures::get("bad_request").unwrap();
    assert!(bad_request.source.note.contains("\"Unauthorized\""), "the note says the 400's message is kept verbatim");
}

#[test]
fn every_body_parses_as_its_contract_type_and_error_items_repeat_the_status() {
    for fixture in fixtures::all() {
        let body = fixture.response.body.json().unwrap().clone();
        if fixture.response.status == 200 {
            serde_json::from_value::<Integration>(body).unwrap();
            continue;
        }
        let envelope: ErrorEnvelope = serde_json::from_value(body).unwrap();
        assert_eq!(envelope.errors.len(), 1, "{}", fixture.name);
        assert_eq!(envelope.errors[0].status, fixture.response.status.to_string(), "{}", fixture.name);
    }
}

#[test]
fn the_observed_behaviours_carry_what_was_observed() {
    let header = |name: &str, header: &str| fixtures::get(name).unwrap().response.headers.get(header).cloned();
    let detail = |name: &str| {
        let body = fixtures::get(name).unwrap().response.body.json().unwrap().clone();
        serde_json::from_value::<ErrorEnvelope>(body).unwrap().errors[0].detail.clone()
    };

    assert_eq!(fixtures::get("conflict").unwrap().response.status, 409);
    assert_eq!(detail("forbidden"), "Only admin user is allowed");
    assert!(detail("name_unavailable").contains("is not available for upsert by this account"));
    for name in ["rate_limited", "service_unavailable"] {
        let retry_after = header(name, "retry-after").unwrap();
        assert!(retry_after.parse::<u32>().is_ok(), "{name}: Retry-After is an integer, found {retry_after}");
    }
    assert_eq!(header("rate_limited", "x-rate-limit-remaining").as_deref(), Some("0"));
}
