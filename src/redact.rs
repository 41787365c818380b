//! Secrets never reach disk: redaction of recorded interactions, and the leak check that scans a
//! written file for every secret the recording knows.
//!
//! [`Redactions`] says what to replace before writing: header values by name (by default
//! `authorization`, `cookie`, `set-cookie`) and JSON body fields by path (by default
//! `zendesk_oauth_client.secret` and `jwt_public_key`). [`Secrets`] is what the recording
//! knows to be secret: the password or API token (raw and base64, as the `Authorization` header
//! carries them), cookie values and the values at the sensitive paths (of 8 characters or more),
//! and the upstream host (which names the account's subdomain). The secrets are learnt from the default redactions whatever
//! the configured ones, so that turning a redaction off cannot hide a leak from the check.

use crate::contract::Credentials;
use crate::interaction::{Body, Interaction, RecordedRequest};
use crate::scenario::{DELAY_HEADER, SCENARIO_HEADER};
use crate::upstream::{SUBDOMAIN_PLACEHOLDER, UPSTREAM_PLACEHOLDER, Upstream};
use base64::Engine as _;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// What a redacted value reads on disk.
pub const PLACEHOLDER: &str = "<redacted>";

/// The shortest cookie or field value the leak check takes for a secret. Credentials count
/// whatever their length.
const MIN_OBSERVED_SECRET_CHARS: usize = 8;

/// What every placeholder holds: [`PLACEHOLDER`] and the upstream's (see
/// [`Upstream::placeholder`]).
const REDACTION_MARKS: [&str; 3] = [PLACEHOLDER, SUBDOMAIN_PLACEHOLDER, UPSTREAM_PLACEHOLDER];

/// The harness's own request headers, never recorded.
const CONTROL_HEADERS: [&str; 2] = [SCENARIO_HEADER, DELAY_HEADER];

/// What to replace in an interaction before it is written: header values by name and JSON body
/// fields by path.
///
/// A JSON path is a dotted list of field names relative to the body; `[]` stands for every
/// element of an array (`errors[].detail`). Redaction keeps the shape: a string becomes
/// `"<redacted>"`, a number `0`, a boolean `false`, and the leaves of an object or array are
/// redacted one by one, so that [drift](crate::drift) stays meaningful.
///
/// ```
/// use serde_json::json;
/// use zis_contract::{Body, Interaction, Redactions, Secrets};
///
/// let mut interaction: Interaction = serde_json::from_value(json!({
///     "name": "created",
///     "source": { "kind": "recorded" },
///     "request": { "method": "POST", "path": "/api/services/zis/registry/acme",
///                  "headers": { "authorization": "Basic YWRtaW5AZXhhbXBsZS5jb20vdG9rZW46YWJj",
///                               "x-request-id": "r-1" } },
///     "response": { "status": 200, "body": { "zendesk_oauth_client": { "id": 1, "secret": "s3cr3t" } } },
/// }))?;
/// let redactions = Redactions::default().header("x-request-id");
/// let mut secrets = Secrets::new();
/// let redacted = redactions.redact(&interaction, &mut secrets);
///
/// assert_eq!(redacted.request.headers["authorization"], "Basic <redacted>");
/// assert_eq!(redacted.request.headers["x-request-id"], "<redacted>");
/// assert_eq!(redacted.response.body, Body::Json(json!({ "zendesk_oauth_client": { "id": 1, "secret": "<redacted>" } })));
/// assert!(secrets.leaks(&serde_json::to_value(&redacted)?).is_empty());
/// assert!(!secrets.leaks(&serde_json::to_value(&interaction)?).is_empty(), "the raw interaction leaks");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redactions {
    headers: BTreeSet<String>,
    json_paths: BTreeSet<String>,
}

impl Default for Redactions {
    /// `authorization`, `cookie` and `set-cookie` headers; `zendesk_oauth_client.secret` and
    /// `jwt_public_key` in bodies.
    fn default() -> Self {
        Self {
            headers: ["authorization", "cookie", "set-cookie"].map(String::from).into(),
            json_paths: ["zendesk_oauth_client.secret", "jwt_public_key"].map(String::from).into(),
        }
    }
}

impl Redactions {
    /// The default redactions.
    pub fn new() -> Self {
        Self::default()
    }

    /// Also redacts the value of header `name` (any case).
    pub fn header(mut self, name: &str) -> Self {
        self.headers.insert(name.to_ascii_lowercase());
        self
    }

    /// Also redacts the field at `path` in request and response bodies.
    pub fn json_path(mut self, path: &str) -> Self {
        self.json_paths.insert(path.to_owned());
        self
    }

    /// Stops redacting header `name`. The leak check still knows the secrets it carries, so a
    /// recording that would write them fails.
    pub fn without_header(mut self, name: &str) -> Self {
        self.headers.remove(&name.to_ascii_lowercase());
        self
    }

    /// Stops redacting the field at `path`. As with [`without_header`](Self::without_header), the
    /// leak check still knows the default paths' values.
    pub fn without_json_path(mut self, path: &str) -> Self {
        self.json_paths.remove(path);
        self
    }

    /// The interaction as it may be written: `secrets` first learns what `interaction` holds;
    /// then the harness's control headers are dropped, the redacted headers and fields are
    /// replaced, and every known secret left anywhere in a string is replaced by its
    /// placeholder.
    pub fn redact(&self, interaction: &Interaction, secrets: &mut Secrets) -> Interaction {
        let (request, response) = (&interaction.request, &interaction.response);
        secrets.observe([(&request.headers, &request.body), (&response.headers, &response.body)], self);
        let mut redacted = interaction.clone();
        self.redact_message(&mut redacted.request.headers, &mut redacted.request.body);
        self.redact_message(&mut redacted.response.headers, &mut redacted.response.body);
        secrets.replace_everywhere(redacted)
    }

    /// A request as recording would write it (learning only the secrets it holds itself), so that
    /// replay compares a live request with its recording like for like.
    pub(crate) fn redact_for_matching(&self, request: &RecordedRequest) -> RecordedRequest {
        let mut secrets = Secrets::new();
        secrets.observe([(&request.headers, &request.body)], self);
        let mut redacted = request.clone();
        self.redact_message(&mut redacted.headers, &mut redacted.body);
        secrets.replace_everywhere(redacted)
    }

    /// Drops the control headers, and replaces the redacted headers and body fields, of one
    /// request or response.
    fn redact_message(&self, headers: &mut BTreeMap<String, String>, body: &mut Body) {
        headers.retain(|name, _| !CONTROL_HEADERS.contains(&name.as_str()));
        for (name, value) in headers.iter_mut() {
            if self.headers.contains(name) {
                *value = redacted_header(name, value);
            }
        }
        if let Body::Json(value) = body {
            for path in &self.json_paths {
                at_path(value, &parse_path(path), &mut blank);
            }
        }
    }
}

/// `authorization: Basic <redacted>` keeps its scheme; any other header becomes `<redacted>`.
fn redacted_header(name: &str, value: &str) -> String {
    match value.split_once(' ') {
        Some((scheme, _)) if name.ends_with("authorization") => format!("{scheme} {PLACEHOLDER}"),
        _ => PLACEHOLDER.to_owned(),
    }
}

/// One step of a JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Field(String),
    Each,
}

fn parse_path(path: &str) -> Vec<Step> {
    let mut steps = Vec::new();
    for part in path.split('.').filter(|part| !part.is_empty()) {
        let mut field = part;
        let mut each = 0;
        while let Some(rest) = field.strip_suffix("[]") {
            field = rest;
            each += 1;
        }
        if !field.is_empty() {
            steps.push(Step::Field(field.to_owned()));
        }
        steps.extend(std::iter::repeat_n(Step::Each, each));
    }
    steps
}

/// Calls `visit` on every value at `steps` under `value`.
fn at_path(value: &mut Value, steps: &[Step], visit: &mut impl FnMut(&mut Value)) {
    match steps.split_first() {
        None => visit(value),
        Some((Step::Field(name), rest)) => {
            if let Some(field) = value.as_object_mut().and_then(|fields| fields.get_mut(name)) {
                at_path(field, rest, visit);
            }
        }
        Some((Step::Each, rest)) => {
            if let Some(items) = value.as_array_mut() {
                for item in items {
                    at_path(item, rest, visit);
                }
            }
        }
    }
}

/// Redacts every leaf of `value`, keeping its shape.
fn blank(value: &mut Value) {
    match value {
        Value::String(text) => *text = PLACEHOLDER.to_owned(),
        Value::Number(number) if number.is_f64() => *value = serde_json::json!(0.0),
        Value::Number(_) => *value = Value::from(0),
        Value::Bool(flag) => *flag = false,
        Value::Array(items) => items.iter_mut().for_each(blank),
        Value::Object(fields) => fields.values_mut().for_each(blank),
        Value::Null => {}
    }
}

/// Every string leaf of `value` (a JSON value, not a redaction target), with its JSON path.
fn strings<'a>(value: &'a Value, path: &str, found: &mut Vec<(String, &'a str)>) {
    match value {
        Value::String(text) => found.push((path.to_owned(), text)),
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                strings(item, &format!("{path}[{index}]"), found);
            }
        }
        Value::Object(fields) => {
            for (key, item) in fields {
                let place = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                strings(item, &place, found);
            }
        }
        _ => {}
    }
}

/// The secrets a recording knows: what the leak check scans every written file for, and what
/// redaction replaces wherever it appears.
///
/// ```
/// use zis_contract::{Credentials, Secrets};
///
/// let mut secrets = Secrets::new();
/// secrets.add_credentials(&Credentials::api_token("admin@example.com", "tok_123456"));
/// let written = serde_json::json!({ "headers": { "authorization": "Basic YWRtaW5AZXhhbXBsZS5jb20vdG9rZW46dG9rXzEyMzQ1Ng==" } });
/// let leaks = secrets.leaks(&written);
/// assert_eq!(leaks[0].to_string(), "the API token (base64, as in an Authorization header) at headers.authorization");
/// ```
#[derive(Debug, Clone, Default)]
pub struct Secrets {
    known: Vec<Secret>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Secret {
    label: String,
    value: String,
    /// What redaction puts in its place, or `None` for an encoded form that only the leak check
    /// looks for (a header redaction, not a text replacement, keeps it off disk).
    placeholder: Option<String>,
    /// Whether the secret is too short to look for inside text (a password `zis` would turn
    /// every `zis` of every path and name into a placeholder): it is then replaced, and counted
    /// as a leak, only where it is a whole string value.
    whole_only: bool,
}

impl Secret {
    /// Whether `text` holds this secret.
    fn is_in(&self, text: &str) -> bool {
        if self.whole_only { text == self.value } else { text.contains(&self.value) }
    }
}

/// A secret found in a written file: which secret (never its value) and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leak {
    /// Which secret, in words, such as `the API token`.
    pub secret: String,
    /// The JSON path in the file where it was found.
    pub place: String,
}

impl fmt::Display for Leak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at {}", self.secret, self.place)
    }
}

impl Secrets {
    /// No known secrets.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many secret values (raw and encoded forms) are known.
    pub fn len(&self) -> usize {
        self.known.len()
    }

    /// Whether no secret is known.
    pub fn is_empty(&self) -> bool {
        self.known.is_empty()
    }

    /// Knows `value` as a secret described by `label` (such as `the session cookie`), replaced
    /// by `<redacted>` wherever it appears. Empty values are ignored.
    pub fn add(&mut self, label: &str, value: &str) {
        self.push(label, value, Some(PLACEHOLDER));
    }

    /// Knows the password or API token of `credentials`, raw and in the base64 forms a header
    /// carries.
    pub fn add_credentials(&mut self, credentials: &Credentials) {
        let label = match credentials.kind() {
            crate::SecretKind::Password => "the password",
            crate::SecretKind::ApiToken => "the API token",
        };
        self.add(label, credentials.secret());
        let encoded = format!("{label} (base64, as in an Authorization header)");
        let user_pass = credentials.user_pass();
        for engine in [
            &base64::engine::general_purpose::STANDARD,
            &base64::engine::general_purpose::STANDARD_NO_PAD,
            &base64::engine::general_purpose::URL_SAFE,
        ] {
            self.push(&encoded, &engine.encode(&user_pass), None);
        }
        self.push(
            &format!("{label} (base64)"),
            &base64::engine::general_purpose::STANDARD.encode(credentials.secret()),
            None,
        );
    }

    /// Knows the upstream's host (which names the account's subdomain), with its port and
    /// without, replaced by [`Upstream::placeholder`].
    pub fn add_upstream(&mut self, upstream: &Upstream) {
        for host in [upstream.host(), upstream.hostname()] {
            self.push("the upstream host (the account's subdomain)", host, Some(upstream.placeholder()));
        }
    }

    /// Knows `value`, seen in a cookie or at a redacted path, unless it is too short to tell apart
    /// from ordinary text (a `consent=1` cookie would otherwise redact every `1`).
    fn add_observed(&mut self, label: &str, value: &str) {
        if value.chars().count() >= MIN_OBSERVED_SECRET_CHARS {
            self.add(label, value);
        }
    }

    fn push(&mut self, label: &str, value: &str, placeholder: Option<&str>) {
        // A value redacted already (a fixture's `Basic <redacted>`) is no secret: taking it for
        // one would make every placeholder a leak.
        let redacted_already = REDACTION_MARKS.iter().any(|mark| value.contains(mark));
        if value.is_empty() || redacted_already || self.known.iter().any(|secret| secret.value == value) {
            return;
        }
        self.known.push(Secret {
            label: label.to_owned(),
            value: value.to_owned(),
            placeholder: placeholder.map(String::from),
            whole_only: value.chars().count() < MIN_OBSERVED_SECRET_CHARS,
        });
        // Longer secrets first, so that a secret holding another is replaced whole.
        self.known.sort_by_key(|secret| std::cmp::Reverse(secret.value.len()));
    }

    /// Learns the secrets `interaction` holds: credentials in its `authorization` header,
    /// cookies, and the values at the JSON paths of the default redactions and of `redactions`.
    fn observe<'a>(
        &mut self,
        messages: impl IntoIterator<Item = (&'a BTreeMap<String, String>, &'a Body)> + Clone,
        redactions: &Redactions,
    ) {
        for (name, value) in messages.clone().into_iter().flat_map(|(headers, _)| headers) {
            match name.as_str() {
                "authorization" | "proxy-authorization" => match Credentials::from_authorization(value.as_bytes()) {
                    Ok(credentials) => self.add_credentials(&credentials),
                    Err(_) => {
                        let token = value.split_once(' ').map_or(value.as_str(), |(_, token)| token).trim();
                        self.add(&format!("the {name} header"), token);
                    }
                },
                // `name=value; name=value`; and for set-cookie, repeated headers joined with `, `,
                // each `name=value; attributes` (an `Expires` date holds `, ` too, and no `=`
                // before its first `;`).
                "cookie" | "set-cookie" => {
                    let pairs = value.split(if name == "cookie" { ";" } else { ", " });
                    for pair in pairs.map(|cookie| cookie.split(';').next().unwrap_or_default()) {
                        if let Some((_, value)) = pair.split_once('=') {
                            self.add_observed("a cookie", value.trim());
                        }
                    }
                }
                _ => {}
            }
        }
        let defaults = Redactions::default();
        let paths: BTreeSet<&String> = defaults.json_paths.iter().chain(&redactions.json_paths).collect();
        for (_, body) in messages {
            let Body::Json(value) = body else { continue };
            for path in &paths {
                let mut value = value.clone();
                let mut found = Vec::new();
                at_path(&mut value, &parse_path(path), &mut |field| found.push(field.clone()));
                for field in &found {
                    let mut leaves = Vec::new();
                    strings(field, "", &mut leaves);
                    for (_, leaf) in leaves {
                        self.add_observed(&format!("the value of {path}"), leaf);
                    }
                }
            }
        }
    }

    /// `message` with every known secret in every string replaced by its placeholder.
    fn replace_everywhere<T: serde::Serialize + serde::de::DeserializeOwned>(&self, message: T) -> T {
        let Ok(mut value) = serde_json::to_value(&message) else { return message };
        self.replace_in(&mut value);
        // Replacing text inside strings keeps the structure, so the value reads back.
        serde_json::from_value(value).unwrap_or(message)
    }

    /// Replaces every known secret in every string of `value` by its placeholder.
    fn replace_in(&self, value: &mut Value) {
        match value {
            Value::String(text) => {
                for secret in &self.known {
                    if let Some(placeholder) = &secret.placeholder {
                        if secret.is_in(text) {
                            *text = text.replace(&secret.value, placeholder);
                        }
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|item| self.replace_in(item)),
            Value::Object(fields) => fields.values_mut().for_each(|item| self.replace_in(item)),
            _ => {}
        }
    }

    /// Every known secret found in a string value of `document` (object keys are structure, not
    /// data, and are not scanned), with where.
    pub fn leaks(&self, document: &Value) -> Vec<Leak> {
        let mut found = Vec::new();
        strings(document, "", &mut found);
        let mut leaks = Vec::new();
        for (place, text) in found {
            for secret in &self.known {
                if secret.is_in(text) {
                    leaks.push(Leak { secret: secret.label.clone(), place: place.clone() });
                }
            }
        }
        leaks
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_parse_fields_and_array_steps() {
        assert_eq!(
            parse_path("errors[].detail"),
            [Step::Field("errors".into()), Step::Each, Step::Field("detail".into())]
        );
        assert_eq!(parse_path("[][]"), [Step::Each, Step::Each]);
    }

    #[test]
    fn cookies_are_secrets_unless_too_short_to_be_one() {
        let mut interaction = crate::fixtures::get("created").unwrap().clone();
        interaction.request.headers.insert("cookie".into(), "consent=1; _session=s3ss10n-abcdef".into());
        interaction.response.headers.insert(
            "set-cookie".into(),
            "_zendesk_shared=z3nd3sk-123456; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/, lang=en".into(),
        );
        let mut secrets = Secrets::new();

        let redacted = Redactions::default().redact(&interaction, &mut secrets);

        let values: Vec<&str> = secrets.known.iter().map(|secret| secret.value.as_str()).collect();
        assert!(values.contains(&"s3ss10n-abcdef") && values.contains(&"z3nd3sk-123456"), "{values:?}");
        assert!(!values.iter().any(|value| ["1", "en", "21 Oct 2026 07:28:00 GMT"].contains(value)), "{values:?}");
        assert_eq!(redacted.request.headers["cookie"], PLACEHOLDER);
        assert_eq!(redacted.request.path, interaction.request.path, "no short value redacts ordinary text");
    }

    #[test]
    fn a_short_password_is_replaced_where_it_stands_alone_and_nowhere_else() {
        let mut interaction = crate::fixtures::get("created").unwrap().clone();
        let credentials = Credentials::password("admin@example.com", "zis");
        interaction.request.headers.insert("authorization".into(), credentials.authorization());
        interaction.request.body = Body::Json(serde_json::json!({ "description": "zis" }));
        interaction.response.body = Body::Json(serde_json::json!({ "detail": "the zis integration" }));
        let mut secrets = Secrets::new();

        let redacted = Redactions::default().redact(&interaction, &mut secrets);

        assert_eq!(redacted.request.path, interaction.request.path, "the registry path keeps its zis");
        assert_eq!(redacted.request.body.json().unwrap()["description"], PLACEHOLDER);
        assert_eq!(redacted.response.body.json().unwrap()["detail"], "the zis integration");
        let written = serde_json::to_value(&redacted).unwrap();
        assert_eq!(secrets.leaks(&written), [], "no placeholder or ordinary text counts as a leak");
        let leaking = serde_json::json!({ "note": "zis" });
        assert_eq!(secrets.leaks(&leaking).len(), 1, "the password standing alone is still a leak");
    }

    #[test]
    fn blanking_keeps_the_shape() {
        let mut value = serde_json::json!({ "a": "x", "b": 7, "c": 1.5, "d": [true, null], "e": {} });
        let before = crate::shape::Shape::of(&value);
        blank(&mut value);
        assert_eq!(crate::shape::Shape::of(&value), before);
        assert_eq!(value["a"], PLACEHOLDER);
    }
}
