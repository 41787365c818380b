//! Named scenarios: the documented answers, the observed ones, transport faults, and the
//! contract itself; each servable by [`ZisServer`](crate::ZisServer) and (but for the transport
//! faults) mountable on any `wiremock::MockServer`.

use crate::RequestParts;
use crate::conformance::{self, Mismatch};
use crate::fixtures;
use crate::respond::{Contract, Delivery, Reply};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// One way the mock answers Create Integration.
///
/// ```
/// use zis_contract::Scenario;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// // On a wiremock server of your own:
/// let server = wiremock::MockServer::start().await;
/// Scenario::Unauthorized.mount(&server).await;
///
/// let response = reqwest::Client::new()
///     .post(format!("{}/api/services/zis/registry/my_integration", server.uri()))
///     .send()
///     .await
///     .unwrap();
/// assert_eq!(response.status(), 401);
/// assert_eq!(response.bytes().await.unwrap(), Scenario::Unauthorized.reply().unwrap().body);
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scenario {
    /// Answer each request as the live API would (see [`Contract::respond`]).
    Contract,
    /// 200 with the documented body (documentation).
    Created,
    /// 400, code 1010, with the documented body whose message reads "Unauthorized"
    /// (documentation).
    BadRequest,
    /// 401, code 1001 (documentation).
    Unauthorized,
    /// 500, code 1050 (documentation).
    ServerError,
    /// 409: the account registered this name already (observed).
    Conflict,
    /// 403 "Only admin user is allowed" (observed).
    Forbidden,
    /// 400: another account owns the name (observed).
    NameUnavailable,
    /// 429 with `Retry-After`, `X-Rate-Limit` and `X-Rate-Limit-Remaining` (observed).
    RateLimited,
    /// 503 with `Retry-After` (observed).
    ServiceUnavailable,
    /// 200 with `content-type: application/json` and a body cut off mid-document (fault).
    MalformedJson,
    /// 200 whose `content-length` promises more than is sent before the connection closes
    /// (fault; not on wiremock).
    TruncatedBody,
    /// The connection is reset before any response (fault; not on wiremock).
    ConnectionReset,
}

impl Scenario {
    /// Every scenario, in the order of this enum.
    pub const ALL: [Scenario; 13] = [
        Self::Contract,
        Self::Created,
        Self::BadRequest,
        Self::Unauthorized,
        Self::ServerError,
        Self::Conflict,
        Self::Forbidden,
        Self::NameUnavailable,
        Self::RateLimited,
        Self::ServiceUnavailable,
        Self::MalformedJson,
        Self::TruncatedBody,
        Self::ConnectionReset,
    ];

    /// The scenario's name, as `serve --scenario` and the `x-zis-contract-scenario` header take it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Contract => "contract",
            Self::Created => "created",
            Self::BadRequest => "bad_request",
            Self::Unauthorized => "unauthorized",
            Self::ServerError => "server_error",
            Self::Conflict => "conflict",
            Self::Forbidden => "forbidden",
            Self::NameUnavailable => "name_unavailable",
            Self::RateLimited => "rate_limited",
            Self::ServiceUnavailable => "service_unavailable",
            Self::MalformedJson => "malformed_json",
            Self::TruncatedBody => "truncated_body",
            Self::ConnectionReset => "connection_reset",
        }
    }

    /// The fixture the scenario answers with, if it answers with one.
    pub fn fixture(self) -> Option<&'static crate::Interaction> {
        match self {
            Self::Contract | Self::MalformedJson | Self::ConnectionReset => None,
            Self::TruncatedBody => fixtures::get("created"),
            other => fixtures::get(other.name()),
        }
    }

    /// The fixed reply of the scenario, or `None` for [`Scenario::Contract`], whose reply depends
    /// on the request.
    pub fn reply(self) -> Option<Reply> {
        // Built once: `serve --scenario` answers every request with one of these.
        static REPLIES: std::sync::OnceLock<Vec<Option<Reply>>> = std::sync::OnceLock::new();
        let replies = REPLIES.get_or_init(|| Scenario::ALL.into_iter().map(Scenario::build_reply).collect());
        let index = Scenario::ALL.iter().position(|scenario| *scenario == self)?;
        replies[index].clone()
    }

    fn build_reply(self) -> Option<Reply> {
        let reply = match self {
            Self::Contract => return None,
            Self::MalformedJson => Reply::new(200, "application/json", MALFORMED_JSON),
            Self::ConnectionReset => Reply { delivery: Delivery::Reset, ..Reply::text(200, "") },
            Self::TruncatedBody => Reply { delivery: Delivery::Truncated, ..fixture_reply(self) },
            _ => fixture_reply(self),
        };
        Some(reply)
    }

    /// Whether wiremock can serve this scenario (it cannot break connections).
    pub fn works_on_wiremock(self) -> bool {
        !matches!(self, Self::TruncatedBody | Self::ConnectionReset)
    }

    /// A wiremock [`Mock`] answering Create Integration with this scenario. Fixed scenarios match
    /// `POST /api/services/zis/registry/{anything}`; [`Scenario::Contract`] matches every request,
    /// so that it can answer 404 and 405 itself.
    ///
    /// # Panics
    ///
    /// For [`Scenario::TruncatedBody`] and [`Scenario::ConnectionReset`]: wiremock always sends
    /// whole responses. Serve them with [`ZisServer`](crate::ZisServer) instead.
    pub fn mock(self) -> Mock {
        assert!(
            self.works_on_wiremock(),
            "wiremock cannot serve the {self} scenario: it always sends whole responses. \
             Use `ZisServer::builder().scenario(Scenario::{self:?}).start().await` instead."
        );
        match self.reply() {
            Some(reply) => Mock::given(method("POST"))
                .and(path_regex(r"^/api/services/zis/registry/[^/]+$"))
                .respond_with(template(&reply))
                .named(format!("zis-contract scenario {self}")),
            None => Mock::given(wiremock::matchers::any())
                .respond_with(ContractResponder::new(Contract::new()))
                .named("zis-contract contract"),
        }
    }

    /// Mounts [`Scenario::mock`] on `server`.
    ///
    /// # Panics
    ///
    /// As [`Scenario::mock`].
    pub async fn mount(self, server: &MockServer) {
        self.mock().mount(server).await;
    }

    /// Starts a wiremock server on 127.0.0.1 with this scenario mounted.
    ///
    /// # Panics
    ///
    /// As [`Scenario::mock`].
    pub async fn start(self) -> MockServer {
        let server = MockServer::start().await;
        self.mount(&server).await;
        server
    }
}

/// The request header that picks a [`Scenario`] for one request, by name
/// (`x-zis-contract-scenario: rate_limited`). It is not part of the contract: checks ignore it
/// and recordings drop it.
pub const SCENARIO_HEADER: &str = "x-zis-contract-scenario";

/// The request header that delays the answer to one request by a number of milliseconds before
/// the first byte (`x-zis-contract-delay-ms: 1500`).
pub const DELAY_HEADER: &str = "x-zis-contract-delay-ms";

/// The longest delay the delay header may ask for, so that a typo cannot hang a suite.
const MAX_HEADER_DELAY: Duration = Duration::from_secs(600);

/// The scenario and delay the request's own headers ask for, if they ask; or why they cannot be
/// had.
pub(crate) fn chosen_by_headers(parts: &RequestParts<'_>) -> Result<Option<(Scenario, Duration)>, Mismatch> {
    let scenario = parts.header(SCENARIO_HEADER);
    let delay = parts.header(DELAY_HEADER);
    if scenario.is_none() && delay.is_none() {
        return Ok(None);
    }
    let scenario = match scenario {
        None => Scenario::Contract,
        Some(name) => String::from_utf8_lossy(name).trim().parse::<Scenario>().map_err(|err| {
            let expected = format!("a scenario name ({})", err.known_names());
            conformance::control_header(SCENARIO_HEADER, &expected, name)
        })?,
    };
    let delay = match delay {
        None => Duration::ZERO,
        Some(millis) => String::from_utf8_lossy(millis)
            .trim()
            .parse::<u64>()
            .ok()
            .map(Duration::from_millis)
            .filter(|delay| *delay <= MAX_HEADER_DELAY)
            .ok_or_else(|| conformance::control_header(DELAY_HEADER, "whole milliseconds from 0 to 600000", millis))?,
    };
    Ok(Some((scenario, delay)))
}

/// What [`Scenario::MalformedJson`] sends: the documented 200 body, cut off.
const MALFORMED_JSON: &str = r#"{"description":"example integration","jwt_public_key":"The RSA Pub"#;

fn fixture_reply(scenario: Scenario) -> Reply {
    Reply::from(&scenario.fixture().expect("every fixed scenario has an embedded fixture").response)
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Scenario {
    type Err = UnknownScenario;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|scenario| scenario.name() == name).ok_or_else(|| UnknownScenario(name.to_owned()))
    }
}

/// A scenario name that names no [`Scenario`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownScenario(pub String);

impl UnknownScenario {
    /// The names of every scenario, separated by `, `.
    pub fn known_names(&self) -> String {
        let names: Vec<&str> = Scenario::ALL.iter().map(|scenario| scenario.name()).collect();
        names.join(", ")
    }
}

impl fmt::Display for UnknownScenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown scenario {:?}; the scenarios are: {}", self.0, self.known_names())
    }
}

impl std::error::Error for UnknownScenario {}

/// A wiremock responder that answers every request the way the contract does, for teams who
/// mount their own mocks.
///
/// ```
/// use zis_contract::{Contract, ContractResponder};
/// use wiremock::{matchers::any, Mock};
///
/// let mock = Mock::given(any()).respond_with(ContractResponder::new(Contract::new()));
/// ```
#[derive(Debug, Clone)]
pub struct ContractResponder(Arc<Contract>);

impl ContractResponder {
    /// A responder for `contract`.
    pub fn new(contract: Contract) -> Self {
        Self(Arc::new(contract))
    }
}

impl Respond for ContractResponder {
    /// The contract's answer, or the scenario and delay the request's
    /// [`SCENARIO_HEADER`] and [`DELAY_HEADER`] ask for, as on `ZisServer` (a transport fault,
    /// which wiremock cannot send, is answered 400).
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let parts = RequestParts::from_wiremock(request);
        let reply = match chosen_by_headers(&parts) {
            Err(mismatch) => Reply::text(400, format!("{mismatch}\n")),
            Ok(choice) => {
                let (scenario, delay) = choice.unwrap_or((Scenario::Contract, Duration::ZERO));
                let mut reply = match scenario.reply() {
                    None => self.0.respond(&parts).reply,
                    Some(reply) if scenario.works_on_wiremock() => reply,
                    Some(_) => Reply::text(
                        400,
                        format!(
                            "{SCENARIO_HEADER}: wiremock cannot serve the {scenario} scenario; use ZisServer or serve\n"
                        ),
                    ),
                };
                reply.delay = delay;
                reply
            }
        };
        template(&reply)
    }
}

/// The wiremock template of a whole reply; a status HTTP cannot carry is answered `500` with a
/// message that says so (wiremock would panic on it).
pub(crate) fn template(reply: &Reply) -> ResponseTemplate {
    let Ok(status) = http::StatusCode::from_u16(reply.status) else {
        return ResponseTemplate::new(http::StatusCode::INTERNAL_SERVER_ERROR)
            .insert_header("content-type", "text/plain; charset=utf-8")
            .set_body_string(format!("zis-contract: {} is not an HTTP status (100 to 999)\n", reply.status));
    };
    let mut template = ResponseTemplate::new(status).set_body_bytes(reply.body.to_vec());
    for (name, value) in &reply.headers {
        template = template.append_header(name.clone(), value.clone());
    }
    if !reply.delay.is_zero() {
        template = template.set_delay(reply.delay);
    }
    template
}
