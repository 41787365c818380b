//! Drift: how the shapes of recorded responses differ from the canonical shapes the contract
//! answers with ([`canonical_body`]), per status.
//!
//! ```
//! use serde_json::json;
//! use zis_contract::{drift, fixtures};
//!
//! let mut recorded = fixtures::get("created").unwrap().clone();
//! recorded.response.body = zis_contract::Body::Json(json!({
//!     "description": "example integration",
//!     "jwt_public_key": "<redacted>",
//!     "zendesk_oauth_client": { "id": "10066", "identifier": "zis_x", "secret": "<redacted>", "scopes": [] },
//! }));
//! let report = drift::compare(&[recorded]);
//! assert!(report.has_drift());
//! assert_eq!(report.to_string(), "\
//! status 200 (1 response: created): drift
//!   body.zendesk_oauth_client.id: retyped from integer to string
//!   body.zendesk_oauth_client.scopes: added (array)
//! ");
//! ```

use crate::interaction::{Body, Interaction};
use crate::shape::{ChangeKind, Shape, ShapeChange, canonical_body};
use std::collections::BTreeMap;
use std::fmt;

/// The drift of every status among some recorded responses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriftReport {
    /// One entry per status, in status order.
    pub statuses: Vec<StatusDrift>,
}

/// The drift of the recorded responses of one status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusDrift {
    /// The status.
    pub status: u16,
    /// The names of the recorded interactions that answered with it.
    pub interactions: Vec<String>,
    /// How their bodies compare with the canonical shape.
    pub comparison: Comparison,
}

/// How the bodies of one status compare with the canonical shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Comparison {
    /// Every distinct change, with the interactions that show it (empty: no drift).
    Compared(Vec<(ShapeChange, Vec<String>)>),
    /// The contract never answers with this status (it has no canonical shape for it): a status
    /// the API did not send before, which is drift.
    NoCanonicalShape,
}

/// Compares the body shape of every response in `interactions` with the canonical shape of its
/// status.
pub fn compare(interactions: &[Interaction]) -> DriftReport {
    let mut by_status: BTreeMap<u16, Vec<&Interaction>> = BTreeMap::new();
    for interaction in interactions {
        by_status.entry(interaction.response.status).or_default().push(interaction);
    }
    let statuses = by_status
        .into_iter()
        .map(|(status, recorded)| {
            let interactions = recorded.iter().map(|interaction| interaction.name.clone()).collect();
            let comparison = match canonical_body(status) {
                None => Comparison::NoCanonicalShape,
                Some(canonical) => {
                    let mut changes: Vec<(ShapeChange, Vec<String>)> = Vec::new();
                    for interaction in recorded {
                        for change in body_changes(&canonical, &interaction.response.body) {
                            match changes.iter_mut().find(|(known, _)| *known == change) {
                                Some((_, names)) => names.push(interaction.name.clone()),
                                None => changes.push((change, vec![interaction.name.clone()])),
                            }
                        }
                    }
                    changes.sort_by(|(a, _), (b, _)| a.path.cmp(&b.path));
                    Comparison::Compared(changes)
                }
            };
            StatusDrift { status, interactions, comparison }
        })
        .collect();
    DriftReport { statuses }
}

fn body_changes(canonical: &Shape, body: &Body) -> Vec<ShapeChange> {
    let found = match body {
        Body::Json(value) => return canonical.diff(&Shape::of(value), "body"),
        Body::Text(_) => "text that is not JSON",
        Body::Empty => "no body",
    };
    vec![ShapeChange {
        path: "body".to_owned(),
        kind: ChangeKind::Retyped { expected: canonical.type_name().to_owned(), found: found.to_owned() },
    }]
}

impl DriftReport {
    /// Whether any response differs from its canonical shape, or has a status the contract has
    /// no canonical shape for.
    pub fn has_drift(&self) -> bool {
        self.statuses.iter().any(|status| match &status.comparison {
            Comparison::Compared(changes) => !changes.is_empty(),
            Comparison::NoCanonicalShape => true,
        })
    }
}

impl fmt::Display for DriftReport {
    /// One block per status: its responses, then each change (with the responses that show it,
    /// when not all of them do).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for status in &self.statuses {
            let noun = if status.interactions.len() == 1 { "response" } else { "responses" };
            let names = status.interactions.join(", ");
            write!(f, "status {} ({} {noun}: {names}): ", status.status, status.interactions.len())?;
            match &status.comparison {
                Comparison::NoCanonicalShape => {
                    writeln!(f, "drift: a new status, which the contract has no canonical shape for")?
                }
                Comparison::Compared(changes) if changes.is_empty() => writeln!(f, "no drift")?,
                Comparison::Compared(changes) => {
                    writeln!(f, "drift")?;
                    for (change, shown_by) in changes {
                        if shown_by.len() == status.interactions.len() {
                            writeln!(f, "  {change}")?;
                        } else {
                            writeln!(f, "  {change} (in {})", shown_by.join(", "))?;
                        }
                    }
                }
            }
        }
        Ok(())
    }
}
