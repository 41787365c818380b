//! Which recorded interaction answers a request: matching (method and path by default; body
//! and chosen headers on request), playback in recorded order, and the near-miss message when
//! nothing matches.

use crate::interaction::{Body, Interaction, RecordedRequest, RecordedResponse};
use crate::redact::Redactions;
use http::HeaderMap;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// What a request must share with a recording to be answered by it: method and path (with
/// query) always; the body and chosen headers when asked.
///
/// Requests are compared after the same redaction recording applies, so an `authorization`
/// header matches `Basic <redacted>` when the scheme is the same.
///
/// ```
/// use zis_contract::Matching;
///
/// let matching = Matching::new().body().header("content-type");
/// assert_eq!(matching.to_string(), "method, path, body, header content-type");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Matching {
    body: bool,
    headers: BTreeSet<String>,
}

impl Matching {
    /// Method and path.
    pub fn new() -> Self {
        Self::default()
    }

    /// Also the body: JSON compared as JSON (key order does not matter), text as text.
    pub fn body(mut self) -> Self {
        self.body = true;
        self
    }

    /// Also header `name` (any case): present with the same value, or absent in both.
    pub fn header(mut self, name: &str) -> Self {
        self.headers.insert(name.to_ascii_lowercase());
        self
    }

    /// Whether `received` matches `recorded`.
    pub fn matches(&self, recorded: &RecordedRequest, received: &RecordedRequest) -> bool {
        recorded.method.eq_ignore_ascii_case(&received.method)
            && recorded.path == received.path
            && (!self.body || recorded.body == received.body)
            && self.headers.iter().all(|name| recorded.headers.get(name) == received.headers.get(name))
    }

    /// Every way `received` differs from `recorded`, in method, path, body and the chosen
    /// headers; each says whether it is matched on.
    fn differences(&self, recorded: &RecordedRequest, received: &RecordedRequest) -> Vec<Difference> {
        let mut differences = Vec::new();
        if !recorded.method.eq_ignore_ascii_case(&received.method) {
            differences.push(Difference::new("method", &recorded.method, &received.method, true));
        }
        if recorded.path != received.path {
            differences.push(Difference::new("path", &recorded.path, &received.path, true));
        }
        body_differences(&recorded.body, &received.body, self.body, &mut differences);
        for name in &self.headers {
            let (recorded, received) = (recorded.headers.get(name), received.headers.get(name));
            if recorded != received {
                let show =
                    |value: Option<&String>| value.map_or_else(|| "no such header".to_owned(), |v| format!("{v:?}"));
                differences.push(Difference::new(&format!("header {name}"), &show(recorded), &show(received), true));
            }
        }
        differences
    }
}

impl fmt::Display for Matching {
    /// What is matched on: `method, path, body, header content-type`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("method, path")?;
        if self.body {
            f.write_str(", body")?;
        }
        for name in &self.headers {
            write!(f, ", header {name}")?;
        }
        Ok(())
    }
}

/// One way a request differs from a recording.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Difference {
    place: String,
    recorded: String,
    received: String,
    matched_on: bool,
}

impl Difference {
    fn new(place: &str, recorded: &str, received: &str, matched_on: bool) -> Self {
        Self { place: place.to_owned(), recorded: recorded.to_owned(), received: received.to_owned(), matched_on }
    }
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: recorded {}, received {}", self.place, self.recorded, self.received)?;
        if !self.matched_on {
            f.write_str(" (not matched on)")?;
        }
        Ok(())
    }
}

/// How many body differences a near miss lists before it says how many more there are.
const MAX_BODY_DIFFERENCES: usize = 5;

fn body_differences(recorded: &Body, received: &Body, matched_on: bool, differences: &mut Vec<Difference>) {
    let mut found = Vec::new();
    match (recorded, received) {
        (Body::Json(recorded), Body::Json(received)) => json_differences(recorded, received, "body", &mut found),
        (recorded, received) if recorded != received => {
            found.push(Difference::new("body", &describe_body(recorded), &describe_body(received), matched_on))
        }
        _ => {}
    }
    let more = found.len().saturating_sub(MAX_BODY_DIFFERENCES);
    for mut difference in found.into_iter().take(MAX_BODY_DIFFERENCES) {
        difference.matched_on = matched_on;
        differences.push(difference);
    }
    if more > 0 {
        differences.push(Difference::new("body", "…", &format!("{more} more differences"), matched_on));
    }
}

fn describe_body(body: &Body) -> String {
    match body {
        Body::Empty => "no body".to_owned(),
        Body::Json(value) => value.to_string(),
        Body::Text(text) => format!("text {text:?}"),
    }
}

fn json_differences(recorded: &Value, received: &Value, path: &str, found: &mut Vec<Difference>) {
    match (recorded, received) {
        (Value::Object(recorded), Value::Object(received)) => {
            let keys: BTreeSet<&String> = recorded.keys().chain(received.keys()).collect();
            for key in keys {
                let place = format!("{path}.{key}");
                match (recorded.get(key), received.get(key)) {
                    (Some(recorded), Some(received)) => json_differences(recorded, received, &place, found),
                    (Some(recorded), None) => {
                        found.push(Difference::new(&place, &recorded.to_string(), "nothing", true))
                    }
                    (None, Some(received)) => {
                        found.push(Difference::new(&place, "nothing", &received.to_string(), true))
                    }
                    (None, None) => {}
                }
            }
        }
        (recorded, received) if recorded != received => {
            found.push(Difference::new(path, &recorded.to_string(), &received.to_string(), true))
        }
        _ => {}
    }
}

/// The recorded interactions of one cassette (or fixture folder), answered in recorded order:
/// among the interactions that match a request, the first not yet played answers it, and the
/// last one keeps answering once all were played (as [`ZisServerBuilder::sequence`]
/// does).
///
/// [`ZisServerBuilder::sequence`]: crate::ZisServerBuilder::sequence
#[derive(Debug)]
pub(crate) struct Playback {
    label: String,
    interactions: Vec<Interaction>,
    played: Vec<bool>,
    matching: Matching,
    redactions: Redactions,
}

impl Playback {
    pub(crate) fn new(
        label: String,
        interactions: Vec<Interaction>,
        matching: Matching,
        redactions: Redactions,
    ) -> Self {
        let mut interactions = interactions;
        for interaction in &mut interactions {
            interaction.request.path = canonical_path(&interaction.request.path);
        }
        let played = vec![false; interactions.len()];
        Self { label, interactions, played, matching, redactions }
    }

    /// The recorded response to `received` (a request as received, not yet redacted), or the
    /// near miss that says why none matches.
    pub(crate) fn answer(&mut self, received: &RecordedRequest) -> Result<&RecordedResponse, Box<NearMiss>> {
        let mut received = self.redactions.redact_for_matching(received);
        received.path = canonical_path(&received.path);
        let candidates: Vec<usize> = (0..self.interactions.len())
            .filter(|&index| self.matching.matches(&self.interactions[index].request, &received))
            .collect();
        let Some(&last) = candidates.last() else { return Err(Box::new(self.near_miss(received))) };
        let index = candidates.into_iter().find(|&index| !self.played[index]).unwrap_or(last);
        self.played[index] = true;
        Ok(&self.interactions[index].response)
    }

    fn near_miss(&self, received: RecordedRequest) -> NearMiss {
        let closest = self
            .interactions
            .iter()
            .enumerate()
            .map(|(index, interaction)| (index, self.matching.differences(&interaction.request, &received)))
            .min_by_key(|(index, differences)| {
                let matched_on = differences.iter().filter(|difference| difference.matched_on).count();
                let shared_path = common_prefix(&self.interactions[*index].request.path, &received.path);
                (matched_on, differences.len(), std::cmp::Reverse(shared_path), *index)
            })
            .map(|(index, differences)| Closest {
                name: self.interactions[index].name.clone(),
                number: index + 1,
                differences,
            });
        NearMiss {
            label: self.label.clone(),
            method: received.method,
            path: received.path,
            matching: self.matching.clone(),
            recorded: self.interactions.len(),
            closest,
        }
    }
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(a, b)| a == b).count()
}

/// A request no recorded interaction matches, with the closest recorded request and how it
/// differs.
///
/// ```text
/// zis-contract replay: no recorded interaction in tests/cassettes/create.json matches POST /api/services/zis/registry/acme_sink (matching on method, path)
/// the closest of 2 recorded requests is interaction 1, "post_acme_sync_200":
///   - path: recorded /api/services/zis/registry/acme_sync, received /api/services/zis/registry/acme_sink
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NearMiss {
    label: String,
    method: String,
    path: String,
    matching: Matching,
    recorded: usize,
    closest: Option<Closest>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Closest {
    name: String,
    number: usize,
    differences: Vec<Difference>,
}

impl fmt::Display for NearMiss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "zis-contract replay: no recorded interaction in {} matches {} {} (matching on {})",
            self.label, self.method, self.path, self.matching
        )?;
        match &self.closest {
            None => writeln!(f, "it holds no interactions"),
            Some(closest) => {
                let noun = if self.recorded == 1 { "request" } else { "requests" };
                writeln!(
                    f,
                    "the closest of {} recorded {noun} is interaction {}, {:?}:",
                    self.recorded, closest.number, closest.name
                )?;
                for difference in &closest.differences {
                    writeln!(f, "  - {difference}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for NearMiss {}

/// Transport headers: they describe one connection, not the exchange, and are neither
/// recorded, matched nor forwarded.
const TRANSPORT_HEADERS: [&str; 11] = [
    "connection",
    "content-length",
    "host",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    // Recordings hold bodies as sent, so they are asked for without compression.
    "accept-encoding",
    "content-encoding",
];

/// Whether header `name` describes the connection rather than the exchange.
pub(crate) fn is_transport_header(name: &str) -> bool {
    TRANSPORT_HEADERS.contains(&name)
}

/// The headers worth recording, lower case, repeated ones joined with `, `.
pub(crate) fn recorded_headers(headers: &HeaderMap) -> BTreeMap<String, String> {
    let mut recorded: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in headers {
        if is_transport_header(name.as_str()) {
            continue;
        }
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        recorded
            .entry(name.as_str().to_owned())
            .and_modify(|joined| *joined = format!("{joined}, {value}"))
            .or_insert(value);
    }
    recorded
}

/// `path_and_query` in the one form requests are compared in: as the `url` crate (which wiremock
/// parses every request with) writes it. A recorded path holds the bytes as a client sent them
/// (`/a{b}`), or as someone typed it into a cassette (`/a b`); the replay server sees the
/// same request as `/a%7Bb%7D` or `/a%20b`. Percent-escapes already there (`%2F`) stay as they
/// are. A path the `url` crate cannot read is compared as it is.
pub(crate) fn canonical_path(path_and_query: &str) -> String {
    if !path_and_query.starts_with('/') {
        return path_and_query.to_owned();
    }
    match url::Url::parse(&format!("http://localhost{path_and_query}")) {
        Ok(url) => match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        },
        Err(_) => path_and_query.to_owned(),
    }
}

/// A request as received, in recorded form.
pub(crate) fn received_request(method: &str, path: &str, headers: &HeaderMap, body: &[u8]) -> RecordedRequest {
    RecordedRequest {
        body: Body::from_bytes(body),
        headers: recorded_headers(headers),
        method: method.to_owned(),
        path: path.to_owned(),
    }
}
