//! Cassettes on disk: the format, errors that name the file and line, atomic writes, no
//! overwriting, and the leak check.

use serde_json::json;
use std::path::Path;
use zis_contract::cassette::{load_interactions, write_json};
use zis_contract::{Cassette, CassetteError, Credentials, Overwrite, Secrets, SourceKind, fixtures};

fn example_cassette() -> Cassette {
    let mut cassette = Cassette::new("copied from the embedded fixtures");
    cassette.interactions.push(fixtures::get("created").unwrap().clone());
    cassette.interactions.push(fixtures::get("unauthorized").unwrap().clone());
    cassette
}

/// Every file in `folder`, by name.
fn files_in(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_saved_cassette_loads_back_equal() {
    // Arrange
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("nested/creates.json");
    let cassette = example_cassette();

    // Act
    cassette.save(&path, Overwrite::Never, &Secrets::new()).unwrap();

    // Assert
    assert_eq!(Cassette::load(&path).unwrap(), cassette);
}

#[test]
fn the_format_is_pretty_json_with_sorted_keys_json_bodies_and_metadata() {
    // Arrange
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("creates.json");

    // Act
    example_cassette().save(&path, Overwrite::Never, &Secrets::new()).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();

    // Assert
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let canonical = serde_json::to_string_pretty(&value).unwrap() + "\n";
    assert_eq!(text, canonical, "keys in sorted order, pretty-printed, one trailing newline");
    assert!(text.starts_with("{\n  \"interactions\": [\n"));
    assert_eq!(
        value["interactions"][0]["response"]["body"]["zendesk_oauth_client"]["id"],
        json!(10066),
        "JSON stays JSON"
    );
    assert_eq!(value["metadata"]["harness_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(value["metadata"]["source"], "copied from the embedded fixtures");
    let recorded_at = value["metadata"]["recorded_at"].as_str().unwrap();
    assert!(
        recorded_at.len() == 20 && recorded_at.ends_with('Z') && recorded_at.as_bytes()[10] == b'T',
        "RFC 3339 in UTC: {recorded_at}"
    );
}

#[test]
fn an_existing_cassette_is_never_overwritten_unless_allowed() {
    // Arrange
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("creates.json");
    std::fs::write(&path, "precious").unwrap();

    // Act
    let refused = example_cassette().save(&path, Overwrite::Never, &Secrets::new()).unwrap_err();

    // Assert
    assert!(matches!(refused, CassetteError::Exists { .. }), "{refused:?}");
    assert!(refused.to_string().contains("refusing to overwrite"), "{refused}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "precious");
    assert_eq!(files_in(folder.path()), ["creates.json"], "no temporary file is left behind");
}

#[test]
fn replace_overwrites_atomically_and_leaves_no_temporary_file() {
    // Arrange
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("creates.json");
    std::fs::write(&path, "old").unwrap();
    let cassette = example_cassette();

    // Act
    cassette.save(&path, Overwrite::Replace, &Secrets::new()).unwrap();

    // Assert
    assert_eq!(Cassette::load(&path).unwrap(), cassette);
    assert_eq!(files_in(folder.path()), ["creates.json"]);
}

#[test]
fn a_write_that_would_leak_changes_nothing_on_disk() {
    // Arrange: a good cassette on disk, and a new one holding a known token.
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("creates.json");
    std::fs::write(&path, "the good cassette").unwrap();
    let mut secrets = Secrets::new();
    secrets.add_credentials(&Credentials::api_token("admin@example.com", "tok-9f8e7d6c5b4a"));
    let mut leaking = example_cassette();
    leaking.interactions[0].response.headers.insert("x-echo".into(), "tok-9f8e7d6c5b4a".into());

    // Act
    let refused = leaking.save(&path, Overwrite::Replace, &secrets).unwrap_err();

    // Assert
    let CassetteError::Leak { leaks, .. } = &refused else { panic!("expected a leak, got {refused:?}") };
    assert_eq!(leaks[0].to_string(), "the API token at interactions[0].response.headers.x-echo");
    assert!(!refused.to_string().contains("tok-9f8e7d6c5b4a"), "the error never shows the secret: {refused}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "the good cassette");
    assert_eq!(files_in(folder.path()), ["creates.json"], "the leaking temporary file is removed");
}

#[test]
fn text_that_would_leak_never_reaches_the_disk_not_even_a_temporary_file() {
    // Arrange: a cassette holding a known token, for a folder that does not exist yet (writing
    // anything, a temporary file included, would create it).
    let folder = tempfile::tempdir().unwrap();
    let nested = folder.path().join("not/yet");
    let mut secrets = Secrets::new();
    secrets.add_credentials(&Credentials::api_token("admin@example.com", "tok-9f8e7d6c5b4a"));
    let mut leaking = example_cassette();
    leaking.interactions[0].response.headers.insert("x-echo".into(), "tok-9f8e7d6c5b4a".into());

    // Act
    let refused = leaking.save(nested.join("creates.json"), Overwrite::Never, &secrets).unwrap_err();

    // Assert
    assert!(matches!(refused, CassetteError::Leak { .. }), "{refused:?}");
    assert!(files_in(folder.path()).is_empty(), "the disk was touched: {:?}", files_in(folder.path()));
}

#[test]
fn the_leak_check_finds_credentials_in_base64() {
    // Arrange
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("leak.json");
    let credentials = Credentials::api_token("admin@example.com", "tok-9f8e7d6c5b4a");
    let mut secrets = Secrets::new();
    secrets.add_credentials(&credentials);

    // Act
    let refused =
        write_json(&path, &json!({ "authorization": credentials.authorization() }), Overwrite::Never, &secrets)
            .unwrap_err();

    // Assert
    assert!(
        refused.to_string().contains("the API token (base64, as in an Authorization header) at authorization"),
        "{refused}"
    );
    assert!(!path.exists());
}

#[test]
fn a_corrupt_cassette_is_an_error_naming_the_file_and_line() {
    // Arrange
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("corrupt.json");
    std::fs::write(&path, "{\n  \"interactions\": [\n    {\"name\": }\n  ]\n}\n").unwrap();

    // Act
    let error = Cassette::load(&path).unwrap_err();

    // Assert
    let CassetteError::Parse { line, .. } = &error else { panic!("expected a parse error, got {error:?}") };
    assert_eq!(*line, 3);
    assert!(error.to_string().starts_with(&format!("{}:3:", path.display())), "{error}");
}

#[test]
fn a_cassette_of_the_wrong_structure_names_the_line_too() {
    // Arrange: valid JSON, but a status that is not a number.
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("wrong.json");
    let mut value = serde_json::to_value(example_cassette()).unwrap();
    value["interactions"][1]["response"]["status"] = json!("401");
    std::fs::write(&path, serde_json::to_string_pretty(&value).unwrap()).unwrap();

    // Act
    let error = Cassette::load(&path).unwrap_err().to_string();

    // Assert
    // The response status is the last "401" of the file (after the body's error item).
    let text = serde_json::to_string_pretty(&value).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let status_line = lines.iter().rposition(|line| line.trim() == r#""status": "401""#).unwrap() + 1;
    assert!(error.starts_with(&format!("{}:{status_line}:", path.display())), "{error}");
    assert!(error.contains(r#"invalid type: string "401", expected an HTTP status from 100 to 999"#), "{error}");
}

#[test]
fn a_status_http_cannot_carry_is_an_error_naming_the_file_and_line() {
    // Arrange: a status with four digits, in a cassette and in a fixture file.
    let folder = tempfile::tempdir().unwrap();
    let (cassette_path, fixture_path) = (folder.path().join("cassette.json"), folder.path().join("fixture.json"));
    let mut value = serde_json::to_value(example_cassette()).unwrap();
    value["interactions"][1]["response"]["status"] = json!(1000);
    let text = serde_json::to_string_pretty(&value).unwrap();
    std::fs::write(&cassette_path, &text).unwrap();
    let mut fixture = serde_json::to_value(fixtures::get("conflict").unwrap()).unwrap();
    fixture["response"]["status"] = json!(99);
    std::fs::write(&fixture_path, serde_json::to_string_pretty(&fixture).unwrap()).unwrap();

    // Act
    let cassette_error = Cassette::load(&cassette_path).unwrap_err();
    let fixture_error = load_interactions(&fixture_path).unwrap_err().to_string();

    // Assert: the line of the second interaction's response, which serde reports at its end.
    let CassetteError::Parse { line, .. } = &cassette_error else {
        panic!("expected a parse error: {cassette_error:?}")
    };
    let status_line = text.lines().position(|line| line.trim() == r#""status": 1000"#).unwrap() + 1;
    assert!((status_line..=status_line + 1).contains(line), "line {line}, status on line {status_line}");
    let message = cassette_error.to_string();
    assert!(message.starts_with(&format!("{}:{line}:", cassette_path.display())), "{message}");
    assert!(message.contains("integer `1000`, expected an HTTP status from 100 to 999"), "{message}");
    assert!(fixture_error.starts_with(&format!("{}:", fixture_path.display())), "{fixture_error}");
    assert!(fixture_error.contains("integer `99`, expected an HTTP status from 100 to 999"), "{fixture_error}");
}

#[test]
fn a_missing_cassette_is_an_error_naming_the_file() {
    let error = Cassette::load("no/such/cassette.json").unwrap_err();

    assert!(matches!(error, CassetteError::Read { .. }));
    assert!(error.to_string().starts_with("cannot read no/such/cassette.json: "), "{error}");
}

#[test]
fn a_folder_of_fixture_files_loads_in_file_name_order() {
    // Act
    let interactions = load_interactions(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures")).unwrap();

    // Assert
    let names: Vec<&str> = interactions.iter().map(|interaction| interaction.name.as_str()).collect();
    let embedded: Vec<&str> = fixtures::all().iter().map(|fixture| fixture.name.as_str()).collect();
    assert_eq!(names, embedded);
}

#[test]
fn a_folder_may_mix_cassettes_and_interaction_files_and_names_a_bad_file() {
    // Arrange
    let folder = tempfile::tempdir().unwrap();
    example_cassette().save(folder.path().join("a.json"), Overwrite::Never, &Secrets::new()).unwrap();
    write_json(&folder.path().join("b.json"), fixtures::get("conflict").unwrap(), Overwrite::Never, &Secrets::new())
        .unwrap();

    // Act
    let interactions = load_interactions(folder.path()).unwrap();
    std::fs::write(folder.path().join("c.json"), "[1, 2").unwrap();
    let error = load_interactions(folder.path()).unwrap_err();

    // Assert
    let names: Vec<&str> = interactions.iter().map(|interaction| interaction.name.as_str()).collect();
    assert_eq!(names, ["created", "unauthorized", "conflict"]);
    assert!(interactions.iter().all(|interaction| interaction.source.kind != SourceKind::Recorded));
    assert!(error.to_string().starts_with(&format!("{}:1:", folder.path().join("c.json").display())), "{error}");
}

#[test]
fn an_empty_folder_is_an_error() {
    let folder = tempfile::tempdir().unwrap();

    let error = load_interactions(folder.path()).unwrap_err();

    assert!(matches!(error, CassetteError::Empty { .. }), "{error:?}");
}

#[test]
fn readers_never_see_a_half_written_cassette() {
    // Arrange: a cassette large enough that writing it takes many system calls.
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("big.json");
    let mut cassette = Cassette::new("large");
    for index in 0..400 {
        let mut interaction = fixtures::get("created").unwrap().clone();
        interaction.name = format!("created_{index}");
        cassette.interactions.push(interaction);
    }
    cassette.save(&path, Overwrite::Never, &Secrets::new()).unwrap();

    // Act: one thread rewrites it while another reads it, a bounded number of times each.
    let done = std::sync::atomic::AtomicBool::new(false);
    let reads = std::thread::scope(|scope| {
        let reader = scope.spawn(|| {
            let mut reads = Vec::new();
            while !done.load(std::sync::atomic::Ordering::Relaxed) && reads.len() < 10_000 {
                reads.push(Cassette::load(&path).map(|read| read.interactions.len()).map_err(|err| err.to_string()));
            }
            reads
        });
        for _ in 0..50 {
            cassette.save(&path, Overwrite::Replace, &Secrets::new()).unwrap();
        }
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        reader.join().unwrap()
    });

    // Assert
    assert!(!reads.is_empty());
    let failed: Vec<&String> = reads.iter().filter_map(|read| read.as_ref().err()).collect();
    assert!(
        failed.is_empty(),
        "{} of {} reads saw a broken file, such as: {:?}",
        failed.len(),
        reads.len(),
        failed.first()
    );
    assert_eq!(files_in(folder.path()), ["big.json"]);
}
