//! [`ZisServer`]: the contract-enforcing mock server, its builder, and what it received.

mod background;
mod http;
mod journal;

pub(crate) use self::background::Background;
#[cfg(feature = "record")]
pub(crate) use self::http::Handler;

pub use journal::ReceivedRequest;

use self::http::{Plan, Shared};
use crate::Scenario;
use crate::conformance::Report;
use crate::contract::Credentials;
use crate::respond::Contract;
use journal::Journal;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// A mock ZIS server on 127.0.0.1 that answers Create Integration the way the live API does
/// (or with the scenario you choose), and remembers what it received so that
/// [`verify`](ZisServer::verify) can say which requests broke the contract.
///
/// It runs on its own thread, so it serves whatever runtime (or none) the test uses. Dropping
/// it stops it and, like wiremock, verifies: a test that sent off-contract requests fails with
/// the report (unless the test is already panicking).
///
/// ```
/// use zis_contract::ZisServer;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let zis = ZisServer::start().await;
/// let response = reqwest::Client::new()
///     .post(format!("{}/api/services/zis/registry/my_integration", zis.uri()))
///     .basic_auth("admin@example.com/token", Some("abc"))
///     .json(&serde_json::json!({ "description": "example integration" }))
///     .send()
///     .await
///     .unwrap();
/// assert_eq!(response.status(), 200);
/// zis.verify().await;
/// # }
/// ```
#[derive(Debug)]
#[must_use = "the server stops when dropped"]
pub struct ZisServer {
    background: Background,
    shared: Arc<Shared>,
    verify_on_drop: bool,
}

/// Builds a [`ZisServer`]: who may call it, how it answers, on which port.
///
/// ```
/// use std::time::Duration;
/// use zis_contract::{Scenario, ZisServer};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let zis = ZisServer::builder()
///     .user("admin@example.com/token", "abc")
///     .non_admin("agent@example.com", "password")
///     .registered("taken_name")
///     .sequence([Scenario::ServerError, Scenario::Contract])
///     .delay(Duration::from_millis(10))
///     .start()
///     .await;
/// # }
/// ```
#[derive(Debug)]
#[must_use = "a builder does nothing until `start` or `run`"]
pub struct ZisServerBuilder {
    contract: Contract,
    steps: Vec<Scenario>,
    delay: Duration,
    port: u16,
    verify_on_drop: bool,
}

impl ZisServer {
    /// Starts a contract-enforcing server on 127.0.0.1, on a port the OS picks, that accepts any
    /// well-formed credentials.
    ///
    /// # Panics
    ///
    /// When no port can be bound; see [`ZisServerBuilder::try_start`].
    pub async fn start() -> Self {
        Self::builder().start().await
    }

    /// A builder for a server with users, scenarios, delays or a fixed port.
    pub fn builder() -> ZisServerBuilder {
        ZisServerBuilder {
            contract: Contract::new(),
            steps: Vec::new(),
            delay: Duration::ZERO,
            port: 0,
            verify_on_drop: true,
        }
    }

    /// The base URL, such as `http://127.0.0.1:40123`: point the client under test at it.
    pub fn uri(&self) -> String {
        format!("http://{}", self.address())
    }

    /// The address the server listens on.
    pub fn address(&self) -> SocketAddr {
        self.background.address()
    }

    /// Every request received so far, in order, with how it was judged and answered.
    pub async fn received_requests(&self) -> Vec<ReceivedRequest> {
        self.journal().snapshot()
    }

    /// Forgets the requests received so far (for example after sending off-contract requests on
    /// purpose), so that they no longer fail [`verify`](Self::verify).
    pub async fn forget_received_requests(&self) {
        self.journal().clear();
    }

    /// `Ok` when every request received so far conformed to the contract; otherwise the report of
    /// every request that did not, and how.
    pub async fn check(&self) -> Result<(), Report> {
        self.journal().report()
    }

    /// Asserts that every request received so far conformed to the contract.
    ///
    /// # Panics
    ///
    /// With the [`Report`] of every request that broke the contract: which request, which rule,
    /// what was expected and what was found.
    pub async fn verify(&self) {
        assert_clean(self.journal().report());
    }

    fn journal(&self) -> &Journal {
        self.shared.journal.as_ref().expect("a started ZisServer always keeps a journal")
    }
}

impl Drop for ZisServer {
    fn drop(&mut self) {
        self.background.stop();
        verify_on_drop(self.verify_on_drop, || self.journal().report());
    }
}

/// Panics with the report, if there is one: what every server's `verify()` does.
pub(crate) fn assert_clean<R: std::fmt::Display>(result: Result<(), R>) {
    if let Err(report) = result {
        panic!("{report}");
    }
}

/// What a server checks when dropped: its report, unless verifying on drop is off or the thread
/// is already panicking (a second panic would abort the test run).
pub(crate) fn verify_on_drop<R: std::fmt::Display>(enabled: bool, report: impl FnOnce() -> Result<(), R>) {
    if enabled && !std::thread::panicking() {
        assert_clean(report());
    }
}

impl ZisServerBuilder {
    /// Accepts only these credentials (plus any [`non_admin`](Self::non_admin)); others get 401.
    /// `user` is an email, or `email/token` for an API token; `secret` the password or token.
    /// Without any, all well-formed credentials are accepted.
    ///
    /// # Panics
    ///
    /// When `user` or `secret` is empty, or `user` holds a `:`.
    #[track_caller]
    pub fn user(mut self, user: &str, secret: &str) -> Self {
        self.contract = self.contract.user(credentials("user", user, secret));
        self
    }

    /// Credentials of a user who is not an admin: requests with them get 403 "Only admin user is
    /// allowed". Same form as [`user`](Self::user).
    ///
    /// # Panics
    ///
    /// As [`user`](Self::user).
    #[track_caller]
    pub fn non_admin(mut self, user: &str, secret: &str) -> Self {
        self.contract = self.contract.non_admin(credentials("non_admin", user, secret));
        self
    }

    /// Marks `name` as registered by this account already: creating it answers 409.
    pub fn registered(self, name: &str) -> Self {
        self.contract.register(name);
        self
    }

    /// Answers every request with `scenario` instead of the contract.
    pub fn scenario(self, scenario: Scenario) -> Self {
        self.sequence([scenario])
    }

    /// Answers successive requests with successive scenarios; the last one answers every request
    /// after that. For example `[ServerError, ServerError, Contract]` fails twice, then follows
    /// the contract.
    pub fn sequence(mut self, scenarios: impl IntoIterator<Item = Scenario>) -> Self {
        self.steps = scenarios.into_iter().collect();
        self
    }

    /// Waits this long before the first byte of every answer.
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// Listens on this port of 127.0.0.1 instead of one the OS picks.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Whether dropping the server verifies what it received (the default: yes).
    pub fn verify_on_drop(mut self, verify: bool) -> Self {
        self.verify_on_drop = verify;
        self
    }

    /// Starts the server on its own thread.
    ///
    /// # Panics
    ///
    /// When the port cannot be bound; [`try_start`](Self::try_start) returns the error instead.
    pub async fn start(self) -> ZisServer {
        let port = self.port;
        self.try_start().await.unwrap_or_else(|err| panic!("zis-contract: cannot listen on 127.0.0.1:{port}: {err}"))
    }

    /// Starts the server on its own thread, or says why it cannot listen.
    pub async fn try_start(self) -> std::io::Result<ZisServer> {
        let port = self.port;
        let verify_on_drop = self.verify_on_drop;
        let shared = Arc::new(self.shared(Some(Journal::default())));
        let background = Background::start(port, Arc::clone(&shared))?;
        Ok(ZisServer { background, shared, verify_on_drop })
    }

    /// Serves on `listener` from the current tokio runtime until the returned future is dropped,
    /// keeping no journal of requests, so that memory stays flat however long it runs. This is
    /// what `zis-contract serve` runs.
    pub async fn run(self, listener: std::net::TcpListener) -> std::io::Result<()> {
        listener.set_nonblocking(true)?;
        let listener = tokio::net::TcpListener::from_std(listener)?;
        self::http::serve(listener, Arc::new(self.shared(None)), std::future::pending()).await;
        Ok(())
    }

    fn shared(self, journal: Option<Journal>) -> Shared {
        Shared { contract: self.contract, plan: Plan::new(self.steps), delay: self.delay, journal }
    }
}

#[track_caller]
fn credentials(method: &str, user: &str, secret: &str) -> Credentials {
    if user.contains(':') {
        panic!(
            "ZisServer::builder().{method}({user:?}, ..): the user may not hold ':'; pass the secret as the second argument"
        );
    }
    Credentials::parse_user_pass(&format!("{user}:{secret}"))
        .unwrap_or_else(|err| panic!("ZisServer::builder().{method}({user:?}, ..): {err}"))
}
