//! Record and replay: a cassette served on 127.0.0.1 by a `wiremock::MockServer` (replaying),
//! or by a recording proxy to the upstream (recording), as the [`RecordMode`] says.
//!
//! | mode | cassette exists | cassette missing |
//! | --- | --- | --- |
//! | `none` | replay | error: record it first |
//! | `once` | replay | record through the upstream, write the cassette |
//! | `new_episodes` | replay what matches, record and append the rest | record |
//! | `all` | record everything, replace the cassette | record |
//!
//! Replay never touches the network. A request that no recorded interaction matches is
//! answered `501` with the [`NearMiss`] message as its body, the message is printed at once,
//! and [`CassetteServer::verify`] (or dropping the server) fails the test with it.

mod matching;
mod mode;

pub use matching::{Matching, NearMiss};
pub(crate) use matching::{Playback, received_request};
#[cfg(feature = "record")]
pub(crate) use matching::{is_transport_header, recorded_headers};
pub use mode::{RECORD_ENV, RecordMode, UnknownRecordMode};

use crate::cassette::{self, Cassette, CassetteError};
use crate::redact::Redactions;
use crate::upstream::{Upstream, UpstreamError};
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The status a replayed request that matches no recording is answered with: one the recorded
/// API never sends, so it cannot pass for a recorded answer.
pub const NO_MATCH_STATUS: u16 = 501;

impl Cassette {
    /// A cassette server for the cassette at `path` (or, for replay only, a folder of fixture
    /// files): configure it, then [`start`](CassetteBuilder::start) it.
    ///
    /// ```no_run
    /// use zis_contract::{Cassette, RecordMode};
    ///
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let zis = Cassette::open("fixtures/cassettes/creates_integration.json")
    ///     .mode(RecordMode::from_env()?) // ZIS_CONTRACT_RECORD=none|once|new_episodes|all
    ///     .upstream("https://acme.zendesk.com") // used only when recording
    ///     .start()
    ///     .await?;
    /// // Point the client under test at zis.uri().
    /// zis.verify().await;
    /// # Ok(()) }
    /// ```
    pub fn open(path: impl Into<PathBuf>) -> CassetteBuilder {
        CassetteBuilder {
            path: path.into(),
            mode: RecordMode::None,
            upstream: None,
            matching: Matching::new(),
            redactions: Redactions::new(),
            port: 0,
            verify_on_drop: true,
        }
    }
}

/// Configures a [`CassetteServer`]; made by [`Cassette::open`].
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `start`"]
pub struct CassetteBuilder {
    path: PathBuf,
    mode: RecordMode,
    upstream: Option<String>,
    matching: Matching,
    redactions: Redactions,
    port: u16,
    verify_on_drop: bool,
}

impl CassetteBuilder {
    /// The record mode (by default [`RecordMode::None`]: replay only).
    pub fn mode(mut self, mode: RecordMode) -> Self {
        self.mode = mode;
        self
    }

    /// The upstream to record from, such as `https://acme.zendesk.com`; used only when recording.
    pub fn upstream(mut self, url: impl Into<String>) -> Self {
        self.upstream = Some(url.into());
        self
    }

    /// What a request must share with a recording to be answered by it (by default method and
    /// path).
    pub fn matching(mut self, matching: Matching) -> Self {
        self.matching = matching;
        self
    }

    /// What recording redacts (by default [`Redactions::default`]).
    pub fn redactions(mut self, redactions: Redactions) -> Self {
        self.redactions = redactions;
        self
    }

    /// Listens on this port of 127.0.0.1 instead of one the OS picks.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Whether dropping the server verifies it (the default: yes).
    pub fn verify_on_drop(mut self, verify: bool) -> Self {
        self.verify_on_drop = verify;
        self
    }

    /// Starts replaying or recording, as the mode says.
    ///
    /// # Errors
    ///
    /// [`ReplayError`]: the cassette is missing (mode `none`) or unreadable, recording needs an
    /// upstream or the `record` feature, or the port cannot be bound.
    pub async fn start(self) -> Result<CassetteServer, ReplayError> {
        let exists = self.path.exists();
        let verify_on_drop = self.verify_on_drop;
        let record = match (self.mode, exists) {
            (RecordMode::None, false) => return Err(ReplayError::Missing { file: self.path }),
            (RecordMode::None | RecordMode::Once, true) => None,
            (RecordMode::NewEpisodes, true) => Some(cassette::load_interactions(&self.path)?),
            (RecordMode::Once | RecordMode::NewEpisodes | RecordMode::All, _) => Some(Vec::new()),
        };
        let failures = Arc::new(Failures::default());
        let backend = match record {
            None => {
                let interactions = cassette::load_interactions(&self.path)?;
                let label = self.path.display().to_string();
                let playback = Playback::new(label, interactions, self.matching, self.redactions);
                Backend::Replay(replay_server(playback, self.port, Arc::clone(&failures)).await?)
            }
            Some(_) if self.path.is_dir() => return Err(ReplayError::RecordIntoFolder { folder: self.path }),
            Some(kept) => {
                let Some(url) = &self.upstream else { return Err(ReplayError::NoUpstream { mode: self.mode }) };
                let upstream = Upstream::parse(url)?;
                self.record(upstream, kept, Arc::clone(&failures))?
            }
        };
        Ok(CassetteServer { backend, failures, verify_on_drop })
    }

    #[cfg(feature = "record")]
    fn record(
        self,
        upstream: Upstream,
        kept: Vec<crate::Interaction>,
        failures: Arc<Failures>,
    ) -> Result<Backend, ReplayError> {
        use crate::cassette::Overwrite;
        use crate::record::{RecordingProxy, Sink};
        let label = self.path.display().to_string();
        let overwrite = if self.mode == RecordMode::Once { Overwrite::Never } else { Overwrite::Replace };
        let playback = (self.mode == RecordMode::NewEpisodes)
            .then(|| Playback::new(label, kept.clone(), self.matching, self.redactions.clone()));
        let proxy = RecordingProxy::builder(upstream, Sink::Cassette(self.path))
            .redactions(self.redactions)
            .port(self.port)
            .overwrite(overwrite)
            .keep(kept, playback)
            .failures(failures)
            .start()
            .map_err(ReplayError::Listen)?;
        Ok(Backend::Record(proxy))
    }

    #[cfg(not(feature = "record"))]
    fn record(
        self,
        _upstream: Upstream,
        _kept: Vec<crate::Interaction>,
        _failures: Arc<Failures>,
    ) -> Result<Backend, ReplayError> {
        Err(ReplayError::RecordingUnavailable { mode: self.mode })
    }
}

/// A cassette being replayed (by a `wiremock::MockServer`) or recorded (through a recording
/// proxy) on 127.0.0.1.
///
/// Dropping it verifies, like wiremock: a test during which a request matched no recording, or
/// a recording could not be written, fails with every such message (unless it is already
/// panicking).
#[derive(Debug)]
#[must_use = "the server stops when dropped"]
pub struct CassetteServer {
    backend: Backend,
    failures: Arc<Failures>,
    verify_on_drop: bool,
}

#[derive(Debug)]
enum Backend {
    Replay(MockServer),
    #[cfg(feature = "record")]
    Record(crate::record::RecordingProxy),
}

impl CassetteServer {
    /// The base URL, such as `http://127.0.0.1:40123`: point the client under test at it.
    pub fn uri(&self) -> String {
        format!("http://{}", self.address())
    }

    /// The address it listens on.
    pub fn address(&self) -> SocketAddr {
        match &self.backend {
            Backend::Replay(server) => *server.address(),
            #[cfg(feature = "record")]
            Backend::Record(proxy) => proxy.address(),
        }
    }

    /// Whether it records (through the upstream) rather than only replaying.
    pub fn is_recording(&self) -> bool {
        !matches!(self.backend, Backend::Replay(_))
    }

    /// `Ok` when every request so far was answered from the cassette or recorded into it;
    /// otherwise every near miss and recording failure.
    pub async fn check(&self) -> Result<(), ReplayReport> {
        self.report()
    }

    fn report(&self) -> Result<(), ReplayReport> {
        let kept = self.failures.lock();
        let (failures, omitted) = (kept.messages.clone(), kept.omitted);
        if failures.is_empty() { Ok(()) } else { Err(ReplayReport { failures, omitted }) }
    }

    /// How many requests the server holds a copy of. None: replay answers each request and
    /// keeps only the near misses' messages (at most [`MAX_KEPT_FAILURES`]), and recording
    /// keeps only what it writes, so a long-running server does not grow with its traffic.
    pub async fn retained_requests(&self) -> usize {
        match &self.backend {
            Backend::Replay(server) => server.received_requests().await.map_or(0, |requests| requests.len()),
            #[cfg(feature = "record")]
            Backend::Record(_) => 0,
        }
    }

    /// Asserts that every request so far was answered from the cassette or recorded into it.
    ///
    /// # Panics
    ///
    /// With the [`ReplayReport`]: each near miss, with the closest recorded request and how it
    /// differs, and each recording that could not be written.
    pub async fn verify(&self) {
        crate::server::assert_clean(self.report());
    }
}

impl Drop for CassetteServer {
    fn drop(&mut self) {
        crate::server::verify_on_drop(self.verify_on_drop, || self.report());
    }
}

/// What went wrong while a [`CassetteServer`] ran: near misses and recordings that could not be
/// written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayReport {
    failures: Vec<String>,
    omitted: usize,
}

impl ReplayReport {
    /// Each failure's message, in order: the first [`MAX_KEPT_FAILURES`].
    pub fn failures(&self) -> &[String] {
        &self.failures
    }

    /// How many failures came after the first [`MAX_KEPT_FAILURES`] (each was printed when it
    /// happened, but not kept).
    pub fn omitted(&self) -> usize {
        self.omitted
    }
}

impl fmt::Display for ReplayReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, failure) in self.failures.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            writeln!(f, "{}", failure.trim_end())?;
        }
        if self.omitted > 0 {
            writeln!(f, "\n… and {} more failures, printed when they happened but not kept", self.omitted)?;
        }
        Ok(())
    }
}

impl std::error::Error for ReplayReport {}

/// How many failure messages a [`CassetteServer`] keeps for its [`ReplayReport`]; later ones are
/// printed and counted, so that a long-running server missing every request does not grow.
pub const MAX_KEPT_FAILURES: usize = 100;

/// The failures of one running server, printed as they happen so that they show beside the
/// test's own output; the first [`MAX_KEPT_FAILURES`] kept, the rest counted.
#[derive(Debug, Default)]
pub(crate) struct Failures(Mutex<KeptFailures>);

#[derive(Debug, Default)]
struct KeptFailures {
    messages: Vec<String>,
    omitted: usize,
}

impl Failures {
    pub(crate) fn push(&self, message: String) {
        eprintln!("{}", message.trim_end());
        let mut kept = self.lock();
        if kept.messages.len() < MAX_KEPT_FAILURES {
            kept.messages.push(message);
        } else {
            kept.omitted += 1;
        }
    }

    fn lock(&self) -> MutexGuard<'_, KeptFailures> {
        // Pushing cannot leave the list half-changed, so a poisoned lock is still good.
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A wiremock server on 127.0.0.1:`port` answering from `playback`.
async fn replay_server(playback: Playback, port: u16, failures: Arc<Failures>) -> Result<MockServer, ReplayError> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", port)).map_err(ReplayError::Listen)?;
    // No request journal: the playback keeps what verification needs, and a long-running
    // replay must not keep every request it served.
    let server = MockServer::builder().listener(listener).disable_request_recording().start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(PlaybackResponder { playback: Mutex::new(playback), failures })
        .named("zis-contract cassette replay")
        .mount(&server)
        .await;
    Ok(server)
}

/// Answers each request with its recorded response, or `501` with the near miss.
struct PlaybackResponder {
    playback: Mutex<Playback>,
    failures: Arc<Failures>,
}

impl Respond for PlaybackResponder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let path = match request.url.query() {
            Some(query) => format!("{}?{query}", request.url.path()),
            None => request.url.path().to_owned(),
        };
        let received = received_request(request.method.as_str(), &path, &request.headers, &request.body);
        let mut playback = self.playback.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        match playback.answer(&received) {
            Ok(response) => crate::scenario::template(&crate::Reply::from(response)),
            Err(near_miss) => {
                let message = near_miss.to_string();
                self.failures.push(message.clone());
                ResponseTemplate::new(NO_MATCH_STATUS)
                    .insert_header("content-type", "text/plain; charset=utf-8")
                    .set_body_string(message)
            }
        }
    }
}

/// Why a [`CassetteServer`] cannot start.
#[derive(Debug)]
#[non_exhaustive]
pub enum ReplayError {
    /// Mode `none` and no cassette: there is nothing to replay.
    Missing {
        /// The cassette that does not exist.
        file: PathBuf,
    },
    /// The cassette cannot be read.
    Cassette(CassetteError),
    /// A recording mode without [`CassetteBuilder::upstream`].
    NoUpstream {
        /// The mode.
        mode: RecordMode,
    },
    /// The upstream URL cannot be used.
    Upstream(UpstreamError),
    /// A recording mode on a folder: recording writes one cassette file.
    RecordIntoFolder {
        /// The folder.
        folder: PathBuf,
    },
    /// A recording mode in a build without the `record` feature.
    RecordingUnavailable {
        /// The mode.
        mode: RecordMode,
    },
    /// The port cannot be bound.
    Listen(std::io::Error),
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing { file } => write!(
                f,
                "cassette {} does not exist, and {RECORD_ENV}=none only replays; record it once with {RECORD_ENV}=once",
                file.display(),
            ),
            Self::Cassette(err) => err.fmt(f),
            Self::NoUpstream { mode } => {
                write!(f, "{RECORD_ENV}={mode} records, which needs .upstream(\"https://SUBDOMAIN.zendesk.com\")")
            }
            Self::Upstream(err) => err.fmt(f),
            Self::RecordIntoFolder { folder } => write!(
                f,
                "{} is a folder; {RECORD_ENV} modes other than none record into one cassette file",
                folder.display()
            ),
            Self::RecordingUnavailable { mode } => write!(
                f,
                "{RECORD_ENV}={mode} records, which needs the `record` feature: add \
                 features = [\"record\"] to the zis-contract dev-dependency"
            ),
            Self::Listen(err) => write!(f, "cannot listen on 127.0.0.1: {err}"),
        }
    }
}

impl std::error::Error for ReplayError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Cassette(err) => Some(err),
            Self::Upstream(err) => Some(err),
            Self::Listen(err) => Some(err),
            _ => None,
        }
    }
}

impl From<CassetteError> for ReplayError {
    fn from(err: CassetteError) -> Self {
        Self::Cassette(err)
    }
}

impl From<UpstreamError> for ReplayError {
    fn from(err: UpstreamError) -> Self {
        Self::Upstream(err)
    }
}
