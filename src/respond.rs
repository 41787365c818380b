//! The contract's answer to one request: a pure function of the request's parts (and of the
//! names registered so far) to a [`Reply`]. No HTTP server, no I/O: every front end calls it.

use crate::conformance::{self, Inspection, Mismatch, Rule};
use crate::contract::{Credentials, CredentialsError, ErrorEnvelope, code};
use crate::request::RequestParts;
use bytes::Bytes;
use http::{HeaderMap, HeaderValue};
use std::collections::{HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What to send back for one request.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
    /// How long to wait before the first byte.
    pub delay: Duration,
    /// How the reply reaches the client: whole, or broken on purpose.
    pub delivery: Delivery,
}

/// How a [`Reply`] is delivered: the transport faults a client must survive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Delivery {
    /// Status, headers and the whole body.
    Whole,
    /// Status and headers with a `content-length` larger than the body sent; then the
    /// connection closes (the client sees a short read).
    Truncated,
    /// No response: the connection is reset (the client sees a connection error).
    Reset,
}

impl Reply {
    /// A reply with a JSON body.
    pub fn json(status: u16, body: &impl serde::Serialize) -> Self {
        // Room for a 200 body with its public key, so that serializing it never reallocates.
        let mut bytes = Vec::with_capacity(1024);
        serde_json::to_writer(&mut bytes, body).expect("contract types always serialize");
        Self::new(status, "application/json", bytes)
    }

    /// A reply with a plain-text body, for plain HTTP errors (404, 405, 413).
    pub fn text(status: u16, body: impl Into<String>) -> Self {
        Self::new(status, "text/plain; charset=utf-8", body.into())
    }

    /// A reply with the given content type and body.
    pub fn new(status: u16, content_type: &'static str, body: impl Into<Bytes>) -> Self {
        let mut headers = HeaderMap::new();
        headers.insert(http::header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        Self { status, headers, body: body.into(), delay: Duration::ZERO, delivery: Delivery::Whole }
    }

    /// An error answer in the documented envelope.
    pub fn error(status: u16, code: &str, message: &str, detail: impl Into<String>) -> Self {
        Self::json(status, &ErrorEnvelope::single(status, code, message, detail))
    }
}

impl From<&crate::RecordedResponse> for Reply {
    /// The reply that plays a recorded response back (a fixture or a cassette's): its status,
    /// body, and each recorded header as one header line with the value as recorded. Repeated
    /// headers were joined with `, ` when recorded, and stay joined (splitting them again would
    /// break values holding `, `, such as a cookie's `Expires`); names that differ only in case
    /// (a hand-written file) are each sent, none replacing another. A name or value HTTP cannot
    /// carry is left out.
    ///
    /// ```
    /// use zis_contract::{fixtures, Reply};
    ///
    /// let mut recorded = fixtures::get("rate_limited").unwrap().response.clone();
    /// recorded.headers.insert("vary".into(), "accept, accept-encoding".into());
    /// let reply = Reply::from(&recorded);
    /// assert_eq!(reply.status, 429);
    /// assert_eq!(reply.headers.get_all("vary").iter().collect::<Vec<_>>(), ["accept, accept-encoding"]);
    /// ```
    fn from(response: &crate::RecordedResponse) -> Self {
        let mut headers = HeaderMap::new();
        for (name, value) in &response.headers {
            if let (Ok(name), Ok(value)) =
                (http::HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_bytes(value.as_bytes()))
            {
                headers.append(name, value);
            }
        }
        Self {
            status: response.status,
            headers,
            body: Bytes::from(response.body.to_bytes()),
            delay: Duration::ZERO,
            delivery: Delivery::Whole,
        }
    }
}

/// The contract's answer to one request, with every way the request broke the contract.
#[derive(Debug, Clone)]
pub struct Answer {
    /// What to send back.
    pub reply: Reply,
    /// Every break of the contract the request holds (empty when it conforms). Some breaks are
    /// answered with an error, others (a wrong content type, an unknown field) are accepted the
    /// way the live API accepts them.
    pub mismatches: Vec<Mismatch>,
}

/// How many names a [`Contract`] remembers before it forgets the oldest, so that a long-running
/// server's memory stays flat.
pub const REGISTRY_CAPACITY: usize = 50_000;

/// The first OAuth client id handed out (the documentation's example id).
const FIRST_CLIENT_ID: u64 = 10066;

/// A PEM-looking public key (not a real key) for 200 answers.
const JWT_PUBLIC_KEY: &str = "-----BEGIN PUBLIC KEY-----\n\
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAzisContractMockKeyNotReal0\n\
AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywtLi8wMTIz\n\
NDU2Nzg5Ojs8PT4/QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl9gYWJjZGVm\n\
Z2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoOEhYaHiImKi4yNjo+QkZKTlJWWl5iZ\n\
mpucnZ6foKGio6SlpqeoqaqrrK2ur7CxsrO0tba3uLm6u7y9vr/AwcLDxMXGx8jJysvM\n\
zc7P0NHS09TV1tfY2drb3N3e3+Dh4uPk5ebn6Onq6+zt7u/w8fLz9PX29/j5+vv8/f7/\n\
IDAQAB\n\
-----END PUBLIC KEY-----\n";

/// The JSON of `,"jwt_public_key":<JWT_PUBLIC_KEY>`, escaped once rather than on every answer.
static JWT_FIELD: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let key = serde_json::to_string(JWT_PUBLIC_KEY).expect("a string always serializes");
    format!(",\"jwt_public_key\":{key}")
});

/// The 200 body for a new integration, written directly: byte for byte what serializing the
/// [`Integration`](crate::Integration) would give (a test holds the two equal), without copying and escaping the
/// public key on every answer. `name` has passed the name rule, so it needs no escaping.
fn created_body(description: &str, id: u64, name: &str) -> Vec<u8> {
    use std::io::Write as _;
    let mut body = Vec::with_capacity(1024);
    body.extend_from_slice(b"{\"description\":");
    serde_json::to_writer(&mut body, description).expect("a string always serializes");
    body.extend_from_slice(JWT_FIELD.as_bytes());
    write!(
        body,
        r#","zendesk_oauth_client":{{"id":{id},"identifier":"zis_{name}","secret":"zis-contract-secret-{id}"}}}}"#
    )
    .expect("writing to a Vec cannot fail");
    body
}

/// The live API's behaviour for Create Integration, with the state it needs: the users it knows
/// and the names registered so far.
///
/// ```
/// use zis_contract::{Contract, Credentials, RequestParts};
///
/// let contract = Contract::new();
/// let mut headers = http::HeaderMap::new();
/// let credentials = Credentials::api_token("admin@example.com", "abc");
/// headers.insert("authorization", credentials.authorization().parse().unwrap());
/// headers.insert("content-type", "application/json".parse().unwrap());
/// let parts = RequestParts::new("POST", "/api/services/zis/registry/acme", &headers, b"{}");
///
/// assert_eq!(contract.respond(&parts).reply.status, 200);
/// assert_eq!(contract.respond(&parts).reply.status, 409, "a name is registered once");
/// ```
#[derive(Debug, Default)]
pub struct Contract {
    users: Vec<Credentials>,
    non_admins: Vec<Credentials>,
    registry: Mutex<Registry>,
    issued: AtomicU64,
}

#[derive(Debug, Default)]
struct Registry {
    names: HashSet<Arc<str>>,
    order: VecDeque<Arc<str>>,
}

impl Registry {
    /// Registers `name`; false when it was registered already.
    fn insert(&mut self, name: &str) -> bool {
        if self.names.contains(name) {
            return false;
        }
        if self.order.len() == REGISTRY_CAPACITY {
            if let Some(oldest) = self.order.pop_front() {
                self.names.remove(&oldest);
            }
        }
        let name: Arc<str> = name.into();
        self.names.insert(Arc::clone(&name));
        self.order.push_back(name);
        true
    }
}

impl Contract {
    /// A contract that accepts any well-formed credentials as an admin's.
    pub fn new() -> Self {
        Self::default()
    }

    /// Accepts only these admin credentials (and any [`Contract::non_admin`]); others get 401.
    pub fn user(mut self, credentials: Credentials) -> Self {
        self.users.push(credentials);
        self
    }

    /// Credentials of a user who is not an admin: they get 403.
    pub fn non_admin(mut self, credentials: Credentials) -> Self {
        self.non_admins.push(credentials);
        self
    }

    /// Marks `name` as registered already, so that creating it answers 409.
    pub fn register(&self, name: &str) {
        self.lock_registry().insert(name);
    }

    /// Answers one request the way the live API would.
    ///
    /// In order: a wrong path is 404, a wrong method 405; missing or malformed credentials 401
    /// (and credentials the contract does not know, when users are configured); a non-admin 403;
    /// a bad name or body 400 with code 1010; a name registered already 409; otherwise 200.
    pub fn respond(&self, parts: &RequestParts<'_>) -> Answer {
        let inspection = conformance::inspect(parts);
        let reply = self.reply(parts, &inspection);
        Answer { reply, mismatches: inspection.mismatches }
    }

    fn reply(&self, parts: &RequestParts<'_>, inspection: &Inspection) -> Reply {
        // Who is asking is settled before what is asked: a stranger or a non-admin learns
        // nothing about the name or body.
        let rejected = |rule: fn(&Rule) -> bool| inspection.mismatches.iter().find(|mismatch| rule(&mismatch.rule));
        let before_credentials = |rule: &Rule| matches!(rule, Rule::Path | Rule::Method | Rule::BodyTooLarge);
        if let Some(mismatch) =
            rejected(before_credentials).or_else(|| rejected(|rule| matches!(rule, Rule::Credentials(_))))
        {
            return rejection(parts, mismatch);
        }
        if let Some(credentials) = &inspection.credentials {
            if self.non_admins.contains(credentials) {
                return Reply::error(403, "1003", "Forbidden", "Only admin user is allowed");
            }
            if !self.users.is_empty() && !self.users.contains(credentials) {
                let detail = CredentialsError::Unknown.to_string();
                return Reply::error(401, code::UNAUTHORIZED, "Unauthorized", detail);
            }
        }
        if let Some(mismatch) = rejected(|rule| rule.status().is_some()) {
            return rejection(parts, mismatch);
        }
        // Without a rejection, the request is a Create Integration with well-formed credentials.
        let (Some(name), Some(_)) = (&inspection.name, &inspection.credentials) else {
            return Reply::text(500, "zis-contract: a request passed the rules without a name or credentials\n");
        };
        if !self.lock_registry().insert(name) {
            return Reply::error(409, "1011", "Conflict", format!("the integration: {name} already exists"));
        }
        let id = FIRST_CLIENT_ID + self.issued.fetch_add(1, Ordering::Relaxed);
        let description = inspection.description.as_deref().unwrap_or_default();
        Reply::new(200, "application/json", created_body(description, id, name))
    }

    fn lock_registry(&self) -> std::sync::MutexGuard<'_, Registry> {
        // A panic while holding the lock cannot leave the registry half-changed, so a poisoned
        // lock is still good.
        self.registry.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The plain 413 for a body over [`MAX_BODY_BYTES`](crate::MAX_BODY_BYTES). The connection is
/// closed after it, since the rest of the body was not read.
pub(crate) fn too_large() -> Reply {
    let mut reply = Reply::text(413, format!("request body larger than {} bytes\n", crate::MAX_BODY_BYTES));
    reply.headers.insert(http::header::CONNECTION, HeaderValue::from_static("close"));
    reply
}

/// The answer to a request that breaks a rule the live API enforces.
fn rejection(parts: &RequestParts<'_>, mismatch: &Mismatch) -> Reply {
    match &mismatch.rule {
        Rule::Path => Reply::text(404, format!("no such endpoint: {} {}\n", parts.method, parts.path_only())),
        Rule::Method => {
            let mut reply = Reply::text(
                405,
                format!(
                    "{} is not allowed on {}: the registry only creates integrations with POST; \
                     integrations cannot be deleted (uninstall the job spec instead)\n",
                    parts.method,
                    parts.path_only()
                ),
            );
            reply.headers.insert(http::header::ALLOW, HeaderValue::from_static("POST"));
            reply
        }
        Rule::BodyTooLarge => too_large(),
        Rule::Credentials(err) => Reply::error(401, code::UNAUTHORIZED, "Unauthorized", err.to_string()),
        Rule::Name(rejection) => Reply::error(400, code::BAD_REQUEST, "Bad Request", rejection.to_string()),
        Rule::Body
        | Rule::ControlHeader
        | Rule::ContentType
        | Rule::UnknownField
        | Rule::ResponseStatus
        | Rule::ResponseBody
        | Rule::MissingField
        | Rule::FieldType => Reply::error(400, code::BAD_REQUEST, "Bad Request", mismatch.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::{Integration, OAuthClient};

    #[test]
    fn the_created_body_is_exactly_the_serialized_integration() {
        for (description, name) in
            [("", "a"), ("example integration", "my_integration"), ("\"quoted\"\n\u{1f600}", "x-_9")]
        {
            let integration = Integration {
                description: description.to_owned(),
                jwt_public_key: JWT_PUBLIC_KEY.to_owned(),
                zendesk_oauth_client: OAuthClient {
                    id: 10070,
                    identifier: format!("zis_{name}"),
                    secret: "zis-contract-secret-10070".to_owned(),
                },
            };

            let written = created_body(description, 10070, name);

            assert_eq!(String::from_utf8(written).unwrap(), serde_json::to_string(&integration).unwrap());
        }
    }

    #[test]
    fn the_registry_forgets_the_oldest_name_once_full_and_stays_at_capacity() {
        let mut registry = Registry::default();
        for index in 0..REGISTRY_CAPACITY {
            assert!(registry.insert(&format!("name_{index}")));
        }
        assert!(!registry.insert("name_0"), "a remembered name is a conflict");

        assert!(registry.insert("one_more"));

        assert_eq!((registry.names.len(), registry.order.len()), (REGISTRY_CAPACITY, REGISTRY_CAPACITY));
        assert!(registry.insert("name_0"), "the oldest name was forgotten");
        assert!(!registry.insert("name_2"), "newer names are still remembered");
    }
}
