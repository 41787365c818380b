//! The interactions in `fixtures/`, embedded at compile time so the crate works from any
//! directory.

use crate::interaction::Interaction;
use std::sync::OnceLock;

/// Every file of `fixtures/`, by name (the file name without `.json`).
const FILES: &[(&str, &str)] = &[
    ("bad_request", include_str!("../fixtures/bad_request.json")),
    ("conflict", include_str!("../fixtures/conflict.json")),
    ("created", include_str!("../fixtures/created.json")),
    ("forbidden", include_str!("../fixtures/forbidden.json")),
    ("name_unavailable", include_str!("../fixtures/name_unavailable.json")),
    ("rate_limited", include_str!("../fixtures/rate_limited.json")),
    ("server_error", include_str!("../fixtures/server_error.json")),
    ("service_unavailable", include_str!("../fixtures/service_unavailable.json")),
    ("unauthorized", include_str!("../fixtures/unauthorized.json")),
];

/// All embedded fixtures, in file-name order.
///
/// ```
/// use zis_contract::{fixtures, SourceKind};
///
/// let created = fixtures::get("created").unwrap();
/// assert_eq!(created.response.status, 200);
/// assert_eq!(created.source.kind, SourceKind::Documentation);
/// assert!(fixtures::all().iter().any(|fixture| fixture.source.kind == SourceKind::Observed));
/// ```
pub fn all() -> &'static [Interaction] {
    static PARSED: OnceLock<Vec<Interaction>> = OnceLock::new();
    PARSED.get_or_init(|| {
        FILES
            .iter()
            .map(|(name, text)| {
                let fixture: Interaction = serde_json::from_str(text)
                    .unwrap_or_else(|err| panic!("fixtures/{name}.json is not a valid interaction: {err}"));
                assert_eq!(&fixture.name, name, "fixtures/{name}.json names itself {:?}", fixture.name);
                fixture
            })
            .collect()
    })
}

/// The fixture named `name` (its file name without `.json`), if there is one.
pub fn get(name: &str) -> Option<&'static Interaction> {
    all().iter().find(|fixture| fixture.name == name)
}

/// The embedded text of every fixture file, by name, exactly as it is in `fixtures/`.
pub fn files() -> &'static [(&'static str, &'static str)] {
    FILES
}
