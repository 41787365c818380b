//! Recording from a live upstream (feature `record`): the forwarding client, the recording
//! proxy, and the probe set `zis-contract record` sends.
//!
//! Everything recorded is redacted ([`Redactions`]) before it is written, and every written file
//! is scanned for the secrets the recording knows ([`Secrets`]); a file that would hold one is
//! not written.

use crate::cassette::{self, Cassette, CassetteError, Overwrite};
use crate::contract::Credentials;
use crate::interaction::{Body, Interaction, RecordedRequest, RecordedResponse, Source, SourceKind};
use crate::redact::{Redactions, Secrets};
use crate::replay::{Failures, Playback, is_transport_header, received_request};
use crate::respond::Reply;
use crate::server::{Background, Handler};
use crate::upstream::Upstream;
use crate::{RequestParts, percent_encode_segment};
use std::collections::BTreeSet;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// How long one forwarded request may take, so that a hung upstream cannot hang a recording.
const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(60);

/// Response headers that describe when the answer was sent rather than the answer: not recorded,
/// so that a replay sends its own (the replay server adds a fresh `date`) and recording the
/// same exchange again writes the same file. Only `date` is that plainly; identifiers such as
/// `x-request-id` are kept, as the upstream sent them.
const PER_SENDING_HEADERS: [&str; 1] = ["date"];

/// The prefix of the throwaway integration names the probe set creates.
pub const PROBE_PREFIX: &str = "zis_contract_probe_";

/// Where a [`RecordingProxy`] writes what it records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sink {
    /// One cassette file, rewritten (atomically) after each recorded interaction.
    Cassette(PathBuf),
    /// A folder with one interaction file per recorded interaction, like those in `fixtures/`;
    /// existing files are never overwritten.
    Folder(PathBuf),
}

/// A client for the upstream: sends one request and reads the whole answer.
#[derive(Debug, Clone)]
pub struct UpstreamClient {
    upstream: Upstream,
    client: reqwest::Client,
}

/// Why recording failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum RecordError {
    /// The upstream could not be reached, or did not answer in time.
    Upstream {
        /// The request, such as `POST https://acme.zendesk.com/api/...`.
        request: String,
        /// Why.
        message: String,
    },
    /// A recording could not be written (a file exists, a secret would leak, or the disk failed).
    Cassette(CassetteError),
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Upstream { request, message } => write!(f, "cannot forward {request}: {message}"),
            Self::Cassette(err) => err.fmt(f),
        }
    }
}

impl std::error::Error for RecordError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Cassette(err) => Some(err),
            Self::Upstream { .. } => None,
        }
    }
}

impl From<CassetteError> for RecordError {
    fn from(err: CassetteError) -> Self {
        Self::Cassette(err)
    }
}

impl UpstreamClient {
    /// A client for `upstream` (HTTPS through rustls, or plain HTTP), following no redirects.
    ///
    /// # Errors
    ///
    /// [`RecordError::Upstream`] when no TLS client can be set up.
    pub fn new(upstream: Upstream) -> Result<Self, RecordError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(UPSTREAM_TIMEOUT)
            .build()
            .map_err(|err| RecordError::Upstream { request: upstream.redacted(), message: err.to_string() })?;
        Ok(Self { upstream, client })
    }

    /// The upstream.
    pub fn upstream(&self) -> &Upstream {
        &self.upstream
    }

    /// Sends `parts` to the upstream (without transport headers) and reads the whole response.
    ///
    /// # Errors
    ///
    /// [`RecordError::Upstream`] when the upstream cannot be reached or does not answer.
    pub async fn send(&self, parts: &RequestParts<'_>) -> Result<RecordedResponse, RecordError> {
        let url = self.upstream.url(parts.path);
        let failed = |err: reqwest::Error| RecordError::Upstream {
            request: format!("{} {url}", parts.method),
            message: err.without_url().to_string(),
        };
        let method = reqwest::Method::from_bytes(parts.method.as_bytes()).unwrap_or(reqwest::Method::GET);
        let mut headers = parts.headers.clone();
        let transport: Vec<_> = headers.keys().filter(|name| is_transport_header(name.as_str())).cloned().collect();
        for name in transport {
            headers.remove(name);
        }
        let response = self
            .client
            .request(method, &url)
            .headers(headers)
            .body(parts.body.to_vec())
            .send()
            .await
            .map_err(failed)?;
        let status = response.status().as_u16();
        let mut headers = crate::replay::recorded_headers(response.headers());
        headers.retain(|name, _| !PER_SENDING_HEADERS.contains(&name.as_str()));
        let body = response.bytes().await.map_err(failed)?;
        Ok(RecordedResponse { body: Body::from_bytes(&body), headers, status })
    }
}

/// Redacts, names and writes recorded interactions, remembering every secret seen so far.
#[derive(Debug)]
struct Recorder {
    sink: Sink,
    redactions: Redactions,
    state: Mutex<RecorderState>,
}

#[derive(Debug)]
struct RecorderState {
    /// Everything written so far (for a cassette, with the interactions it kept).
    cassette: Cassette,
    secrets: Secrets,
    overwrite: Overwrite,
}

impl Recorder {
    /// Redacts `interaction` and writes it; the name it was written under.
    fn record(&self, mut interaction: Interaction) -> Result<String, CassetteError> {
        let state = &mut *self.lock();
        let taken: BTreeSet<&str> = state.cassette.interactions.iter().map(|kept| kept.name.as_str()).collect();
        interaction.name = unique_name(&interaction.name, |name| {
            taken.contains(name)
                || matches!(&self.sink, Sink::Folder(folder) if folder.join(format!("{name}.json")).exists())
        });
        let redacted = self.redactions.redact(&interaction, &mut state.secrets);
        let name = redacted.name.clone();
        match &self.sink {
            Sink::Folder(folder) => {
                let file = folder.join(format!("{name}.json"));
                cassette::write_json(&file, &redacted, Overwrite::Never, &state.secrets)?;
                state.cassette.interactions.push(redacted);
            }
            Sink::Cassette(file) => {
                state.cassette.interactions.push(redacted);
                if let Err(err) = state.cassette.save(file, state.overwrite, &state.secrets) {
                    state.cassette.interactions.pop();
                    return Err(err);
                }
                // The file is this recording's own now.
                state.overwrite = Overwrite::Replace;
            }
        }
        Ok(name)
    }

    fn lock(&self) -> MutexGuard<'_, RecorderState> {
        // A failed write leaves the state as it was, so a poisoned lock is still good.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// `base`, or `base_2`, `base_3`… the first that is not `taken`.
fn unique_name(base: &str, taken: impl Fn(&str) -> bool) -> String {
    (1..)
        .map(|n| if n == 1 { base.to_owned() } else { format!("{base}_{n}") })
        .find(|name| !taken(name))
        .unwrap_or_else(|| base.to_owned())
}

/// A name for a recorded exchange: method, last path segment and status, in fixture-name
/// characters (`post_acme_sync_200`).
fn name_of(request: &RecordedRequest, status: u16) -> String {
    let segment = request.path.split('?').next().unwrap_or_default().rsplit('/').find(|part| !part.is_empty());
    let mut name = request.method.to_ascii_lowercase();
    if let Some(segment) = segment {
        name.push('_');
        name.extend(
            segment.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).take(64),
        );
    }
    format!("{name}_{status}")
}

/// A recording proxy on 127.0.0.1: forwards every request to the upstream, answers with the
/// upstream's answer, and writes each exchange, redacted, to its [`Sink`].
///
/// ```no_run
/// use zis_contract::record::{RecordingProxy, Sink};
///
/// # fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let proxy = RecordingProxy::builder("https://acme.zendesk.com".parse()?, Sink::Folder("recorded".into())).start()?;
/// println!("point the client at {}", proxy.uri());
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct RecordingProxy {
    background: Background,
    proxy: Arc<Proxy>,
}

/// Configures a [`RecordingProxy`].
#[derive(Debug)]
#[must_use = "a builder does nothing until `start`"]
pub struct RecordingProxyBuilder {
    upstream: Upstream,
    sink: Sink,
    redactions: Redactions,
    port: u16,
    overwrite: Overwrite,
    kept: Vec<Interaction>,
    playback: Option<Playback>,
    failures: Arc<Failures>,
}

impl RecordingProxy {
    /// A proxy to `upstream` writing to `sink`.
    pub fn builder(upstream: Upstream, sink: Sink) -> RecordingProxyBuilder {
        RecordingProxyBuilder {
            upstream,
            sink,
            redactions: Redactions::new(),
            port: 0,
            overwrite: Overwrite::Never,
            kept: Vec::new(),
            playback: None,
            failures: Arc::default(),
        }
    }

    /// The base URL, such as `http://127.0.0.1:40123`.
    pub fn uri(&self) -> String {
        format!("http://{}", self.address())
    }

    /// The address it listens on.
    pub fn address(&self) -> SocketAddr {
        self.background.address()
    }

    /// The names of the interactions written so far (for a cassette, including those it kept).
    pub fn recorded(&self) -> Vec<String> {
        self.proxy.recorder.lock().cassette.interactions.iter().map(|interaction| interaction.name.clone()).collect()
    }
}

impl RecordingProxyBuilder {
    /// What to redact (by default [`Redactions::default`]).
    pub fn redactions(mut self, redactions: Redactions) -> Self {
        self.redactions = redactions;
        self
    }

    /// Listens on this port of 127.0.0.1 instead of one the OS picks.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Whether the first write may replace an existing cassette (by default
    /// [`Overwrite::Never`]). Folder sinks never overwrite.
    pub fn overwrite(mut self, overwrite: Overwrite) -> Self {
        self.overwrite = overwrite;
        self
    }

    /// Interactions the cassette keeps ahead of the new ones, and the playback that answers the
    /// requests they match (mode `new_episodes`).
    pub(crate) fn keep(mut self, kept: Vec<Interaction>, playback: Option<Playback>) -> Self {
        self.kept = kept;
        self.playback = playback;
        self
    }

    pub(crate) fn failures(mut self, failures: Arc<Failures>) -> Self {
        self.failures = failures;
        self
    }

    /// Starts the proxy on its own thread.
    ///
    /// # Errors
    ///
    /// When the port cannot be bound, or no HTTP client can be set up.
    pub fn start(self) -> std::io::Result<RecordingProxy> {
        let mut secrets = Secrets::new();
        secrets.add_upstream(&self.upstream);
        let mut cassette = Cassette::new(format!("recorded from {}", self.upstream.redacted()));
        cassette.interactions = self.kept;
        let recorder = Recorder {
            sink: self.sink,
            redactions: self.redactions,
            state: Mutex::new(RecorderState { cassette, secrets, overwrite: self.overwrite }),
        };
        let proxy = Arc::new(Proxy {
            client: UpstreamClient::new(self.upstream).map_err(std::io::Error::other)?,
            recorder,
            playback: self.playback.map(Mutex::new),
            failures: self.failures,
        });
        let background = Background::start(self.port, Arc::clone(&proxy))?;
        Ok(RecordingProxy { background, proxy })
    }
}

#[derive(Debug)]
struct Proxy {
    client: UpstreamClient,
    recorder: Recorder,
    playback: Option<Mutex<Playback>>,
    failures: Arc<Failures>,
}

impl Handler for Proxy {
    async fn reply(&self, parts: RequestParts<'_>) -> Reply {
        let request = received_request(parts.method, parts.path, parts.headers, parts.body);
        if let Some(playback) = &self.playback {
            let mut playback = playback.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            if let Ok(response) = playback.answer(&request) {
                return Reply::from(response);
            }
        }
        let response = match self.client.send(&parts).await {
            Ok(response) => response,
            Err(err) => {
                let message = format!("zis-contract record: {err}");
                self.failures.push(message.clone());
                return Reply::text(502, message + "\n");
            }
        };
        let reply = Reply::from(&response);
        let interaction = Interaction {
            name: name_of(&request, response.status),
            request,
            response,
            source: recorded_source(String::new()),
        };
        if let Err(err) = self.recorder.record(interaction) {
            self.failures.push(format!("zis-contract record: {err}"));
        }
        reply
    }
}

fn recorded_source(note: String) -> Source {
    Source { kind: SourceKind::Recorded, note, recorded_at: Some(cassette::now_rfc3339()) }
}

/// One request of the probe set, and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeOutcome {
    /// The fixture's name (its file name without `.json`).
    pub name: String,
    /// The status the upstream answered.
    pub status: u16,
    /// The file written.
    pub file: PathBuf,
}

/// The probe set: a create with bad credentials, a create with an invalid name, and a valid
/// create under a throwaway name (`zis_contract_probe_…`), which registers an integration that
/// can never be deleted.
#[derive(Debug, Clone)]
pub struct Probes {
    credentials: Credentials,
    throwaway: String,
}

impl Probes {
    /// The fixture names, in the order they are sent.
    pub const NAMES: [&'static str; 3] = ["recorded_bad_credentials", "recorded_invalid_name", "recorded_created"];

    /// The probe set for an admin's `credentials`, with a fresh throwaway name.
    pub fn new(credentials: Credentials) -> Self {
        let stamp: String = cassette::now_rfc3339().chars().filter(char::is_ascii_digit).collect();
        let throwaway = format!("{PROBE_PREFIX}{stamp}_{:x}", std::process::id());
        Self { credentials, throwaway }
    }

    /// The throwaway name the valid create registers.
    pub fn throwaway_name(&self) -> &str {
        &self.throwaway
    }

    /// Sends the probe set to `upstream` and writes one recorded fixture per probe into
    /// `folder`. Before sending anything, it checks that none of the files exists.
    ///
    /// # Errors
    ///
    /// [`RecordError::Cassette`] when a fixture file exists (nothing is sent) or cannot be
    /// written, or would hold a secret (that file is not written); [`RecordError::Upstream`]
    /// when the upstream cannot be reached.
    pub async fn record(
        &self,
        upstream: &Upstream,
        folder: &Path,
        redactions: &Redactions,
    ) -> Result<Vec<ProbeOutcome>, RecordError> {
        let files: Vec<PathBuf> = Self::NAMES.iter().map(|name| folder.join(format!("{name}.json"))).collect();
        if let Some(existing) = files.iter().find(|file| file.exists()) {
            return Err(CassetteError::Exists { file: existing.clone() }.into());
        }
        let client = UpstreamClient::new(upstream.clone())?;
        let mut secrets = Secrets::new();
        secrets.add_upstream(upstream);
        secrets.add_credentials(&self.credentials);
        let wrong = Credentials::api_token(self.credentials.email(), "zis-contract-wrong-token");
        let probes = [
            (&wrong, self.throwaway.clone(), "probe: bad credentials (a made-up API token)"),
            (&self.credentials, format!("{}_Invalid!", self.throwaway), "probe: an invalid name (upper case and '!')"),
            (&self.credentials, self.throwaway.clone(), "probe: a valid create under a throwaway name"),
        ];
        let mut outcomes = Vec::new();
        for ((credentials, name, note), (fixture, file)) in probes.into_iter().zip(Self::NAMES.into_iter().zip(files)) {
            let mut headers = http::HeaderMap::new();
            let authorization = credentials.authorization().parse().map_err(|_| RecordError::Upstream {
                request: format!("POST {}", upstream.redacted()),
                message: "the credentials do not fit in an Authorization header".to_owned(),
            })?;
            headers.insert(http::header::AUTHORIZATION, authorization);
            headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/json"));
            let body = br#"{"description":"zis-contract probe; safe to ignore"}"#;
            let path = format!("{}{}", crate::contract::REGISTRY_PATH, percent_encode_segment(&name));
            let parts = RequestParts::new("POST", &path, &headers, body);
            let response = client.send(&parts).await?;
            let interaction = Interaction {
                name: fixture.to_owned(),
                request: received_request("POST", &path, &headers, body),
                response,
                source: recorded_source(note.to_owned()),
            };
            let redacted = redactions.redact(&interaction, &mut secrets);
            cassette::write_json(&file, &redacted, Overwrite::Never, &secrets)?;
            outcomes.push(ProbeOutcome { name: fixture.to_owned(), status: redacted.response.status, file });
        }
        Ok(outcomes)
    }
}
