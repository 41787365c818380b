//! The command line, parsed by hand: a few flags do not earn an argument-parsing dependency.

use std::path::PathBuf;
use std::time::Duration;
use zis_contract::{Credentials, Scenario, ZisServer, ZisServerBuilder};

/// The longest `--delay-ms`, as for the delay header: a typo cannot hang every request for ever.
const MAX_DELAY: Duration = Duration::from_secs(600);

/// The port `serve` listens on when `--port` is not given.
pub const DEFAULT_PORT: u16 = 4747;

pub const USAGE: &str = "\
usage: zis-contract serve [--port N] [--scenario NAME | --sequence NAME,NAME,...] [--user EMAIL:SECRET]...
                          [--non-admin EMAIL:SECRET]... [--delay-ms N]
       zis-contract record --upstream URL --email EMAIL --token-env VAR --yes [--out DIR] [REDACTIONS]
       zis-contract record --upstream URL --proxy [--port N] [--out DIR] [REDACTIONS]
       zis-contract replay PATH [--port N]
       zis-contract drift PATH
       zis-contract help

serve   Serves POST /api/services/zis/registry/{integration} on 127.0.0.1, answering as the
        live ZIS API would. Prints the base URL as the first line of stdout.
  --port N              port to listen on (default 4747; 0 lets the OS pick)
  --scenario NAME       answer every request with one scenario instead of the contract:
                        contract, created, bad_request, unauthorized, server_error, conflict,
                        forbidden, name_unavailable, rate_limited, service_unavailable,
                        malformed_json, truncated_body, connection_reset
  --sequence NAME,NAME,...
                        answer successive requests with successive scenarios; the last one
                        answers every request after that (e.g. server_error,server_error,contract)
  --user EMAIL:SECRET   accept only these credentials (repeatable); EMAIL/token:TOKEN for an
                        API token. Without it, any well-formed credentials are accepted
  --non-admin EMAIL:SECRET
                        a user who is not an admin and gets 403 (repeatable)
  --delay-ms N          wait N milliseconds before the first byte of every answer

A request can pick its own scenario with the header `x-zis-contract-scenario: NAME`, and its
own delay with `x-zis-contract-delay-ms: N`.

record  Records fixtures from a live account (needs the `record` feature:
        cargo run --features record -- record ...). Secrets are redacted before anything is
        written, and a file that would still hold one is not written.
  --upstream URL        the account, such as https://SUBDOMAIN.zendesk.com
  --email EMAIL         an admin's email (probe set)
  --token-env VAR       the environment variable holding that admin's API token (probe set)
  --yes                 confirms the probe set's valid create: it registers an integration
                        named zis_contract_probe_... that can never be deleted
  --proxy               instead of the probe set, listen on 127.0.0.1 and record whatever any
                        client sends through (prints the base URL as the first line of stdout)
  --port N              port for --proxy (default 4747; 0 lets the OS pick)
  --out DIR             folder for the recorded fixture files (default fixtures/recorded);
                        existing files are never overwritten
  REDACTIONS, besides the default ones (repeatable):
  --redact-header NAME  also replace the value of header NAME with <redacted>
  --redact-json PATH    also redact the field at PATH in request and response bodies: fields
                        separated by '.', [] for every item of an array (errors[].detail)

replay  Serves a cassette, or a folder of fixture files, on 127.0.0.1: each request gets the
        recorded response it matches (method and path); others get 501 with the closest
        recorded request. Prints the base URL as the first line of stdout.
  --port N              port to listen on (default 4747; 0 lets the OS pick)

drift   Compares the body shapes of the responses in a cassette or fixture folder with the
        contract's canonical shapes and prints the fields added, removed or retyped per status;
        a status the contract has no canonical shape for is drift too. Exit code 1 on drift,
        0 without, 2 when PATH cannot be read or holds no interactions.";

/// The folder `record` writes to when `--out` is not given.
pub const DEFAULT_RECORD_FOLDER: &str = "fixtures/recorded";

/// What the command line asks for.
#[derive(Debug)]
pub enum Command {
    Help,
    Serve(ServeOptions),
    Record(RecordOptions),
    Replay { path: PathBuf, port: u16 },
    Drift { path: PathBuf },
}

/// The flags of `record` (parsed in every build, so that usage errors read the same; used only
/// in a build with the `record` feature).
#[derive(Debug)]
#[cfg_attr(not(feature = "record"), allow(dead_code))]
pub struct RecordOptions {
    pub upstream: String,
    pub out: PathBuf,
    pub mode: RecordWhat,
    /// The default redactions, and those of `--redact-header` and `--redact-json`.
    pub redactions: zis_contract::Redactions,
}

/// What `record` records.
#[derive(Debug)]
#[cfg_attr(not(feature = "record"), allow(dead_code))]
pub enum RecordWhat {
    /// The probe set, with an admin's credentials; `confirmed` by `--yes`.
    Probes { email: String, token_env: String, confirmed: bool },
    /// Whatever clients send through a proxy on this port.
    Proxy { port: u16 },
}

/// The flags of `serve`.
#[derive(Debug)]
pub struct ServeOptions {
    pub port: u16,
    scenarios: Vec<Scenario>,
    users: Vec<Credentials>,
    non_admins: Vec<Credentials>,
    delay: Duration,
}

impl ServeOptions {
    /// The server these options describe.
    pub fn builder(&self) -> ZisServerBuilder {
        let mut builder = ZisServer::builder().sequence(self.scenarios.iter().copied()).delay(self.delay);
        for user in &self.users {
            builder = builder.user(&user_part(user), user.secret());
        }
        for user in &self.non_admins {
            builder = builder.non_admin(&user_part(user), user.secret());
        }
        builder
    }

    /// One line on what is served, for the operator.
    pub fn describe(&self) -> String {
        let names: Vec<&str> = self.scenarios.iter().map(|scenario| scenario.name()).collect();
        let mut text = format!("scenario {}", names.join(", then "));
        if !self.users.is_empty() {
            let users: Vec<String> = self.users.iter().map(ToString::to_string).collect();
            text.push_str(&format!(", users {}", users.join(" ")));
        }
        text
    }
}

fn user_part(credentials: &Credentials) -> String {
    match credentials.kind() {
        zis_contract::SecretKind::Password => credentials.email().to_owned(),
        zis_contract::SecretKind::ApiToken => format!("{}/token", credentials.email()),
    }
}

/// Parses the arguments after the program name.
pub fn parse(mut args: impl Iterator<Item = String>) -> Result<Command, String> {
    match args.next().as_deref() {
        None | Some("help" | "--help" | "-h") => Ok(Command::Help),
        Some("serve") => parse_serve(args).map(Command::Serve),
        Some("record") => parse_record(args).map(Command::Record),
        Some("replay") => parse_path_command("replay", args, true).map(|(path, port)| Command::Replay { path, port }),
        Some("drift") => parse_path_command("drift", args, false).map(|(path, _)| Command::Drift { path }),
        Some(other) => Err(format!("unknown command {other:?}")),
    }
}

fn parse_serve(args: impl Iterator<Item = String>) -> Result<ServeOptions, String> {
    let mut options = ServeOptions {
        port: DEFAULT_PORT,
        scenarios: vec![Scenario::Contract],
        users: Vec::new(),
        non_admins: Vec::new(),
        delay: Duration::ZERO,
    };
    let mut answers_chosen = false;
    let mut flags = Flags(args);
    while let Some((flag, inline)) = flags.next_flag() {
        let mut value = || flags.value(&flag, inline.clone());
        match flag.as_str() {
            "--port" => options.port = parse_port(&value()?)?,
            "--scenario" | "--sequence" if answers_chosen => {
                return Err("give either --scenario or --sequence, once".into());
            }
            "--scenario" => {
                options.scenarios = vec![value()?.parse().map_err(|err| format!("--scenario: {err}"))?];
                answers_chosen = true;
            }
            "--sequence" => {
                answers_chosen = true;
                let names = value()?;
                options.scenarios = names
                    .split(',')
                    .map(|name| name.trim().parse::<Scenario>())
                    .collect::<Result<_, _>>()
                    .map_err(|err| format!("--sequence: {err}"))?;
            }
            "--user" => options.users.push(parse_user("--user", &value()?)?),
            "--non-admin" => options.non_admins.push(parse_user("--non-admin", &value()?)?),
            "--delay-ms" => {
                let millis = value()?;
                options.delay =
                    millis.parse().ok().map(Duration::from_millis).filter(|delay| *delay <= MAX_DELAY).ok_or_else(
                        || format!("--delay-ms takes whole milliseconds from 0 to 600000, not {millis:?}"),
                    )?;
            }
            other => return Err(format!("unknown flag {other:?} for serve")),
        }
    }
    Ok(options)
}

/// A flag that takes no value: `--yes=no` is an error, not a yes.
fn switch(flag: &str, inline: Option<&str>) -> Result<bool, String> {
    match inline {
        None => Ok(true),
        Some(value) => Err(format!("{flag} takes no value (found {flag}={value})")),
    }
}

fn parse_port(port: &str) -> Result<u16, String> {
    port.parse().map_err(|_| format!("--port takes a number from 0 to 65535, not {port:?}"))
}

/// The flags of one command: `--flag value`, `--flag=value`, or a bare `--switch`.
struct Flags<I>(I);

impl<I: Iterator<Item = String>> Flags<I> {
    /// The next argument, split at its first `=`.
    fn next_flag(&mut self) -> Option<(String, Option<String>)> {
        let flag = self.0.next()?;
        Some(match flag.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag.to_owned(), Some(value.to_owned())),
            _ => (flag, None),
        })
    }

    /// The value of `flag`: the part after `=`, or the next argument.
    fn value(&mut self, flag: &str, inline: Option<String>) -> Result<String, String> {
        inline.or_else(|| self.0.next()).ok_or_else(|| format!("{flag} needs a value"))
    }
}

fn parse_record(args: impl Iterator<Item = String>) -> Result<RecordOptions, String> {
    let (mut upstream, mut email, mut token_env, mut out) = (None, None, None, None);
    let (mut confirmed, mut proxy, mut port) = (false, false, None);
    let mut redactions = zis_contract::Redactions::new();
    let mut flags = Flags(args);
    while let Some((flag, inline)) = flags.next_flag() {
        let mut value = || flags.value(&flag, inline.clone());
        match flag.as_str() {
            "--upstream" => upstream = Some(value()?),
            "--email" => email = Some(value()?),
            "--token-env" => token_env = Some(value()?),
            "--out" => out = Some(PathBuf::from(value()?)),
            "--port" => port = Some(parse_port(&value()?)?),
            "--redact-header" => redactions = redactions.header(&parse_header_name(&value()?)?),
            "--redact-json" => redactions = redactions.json_path(&parse_json_path(&value()?)?),
            "--yes" => confirmed = switch(&flag, inline.as_deref())?,
            "--proxy" => proxy = switch(&flag, inline.as_deref())?,
            "--token" | "--password" => {
                return Err(format!(
                    "{flag} is not taken: a secret on the command line ends up in shell history and process \
                     lists; put it in an environment variable and pass its name with --token-env"
                ));
            }
            other => return Err(format!("unknown flag {other:?} for record")),
        }
    }
    let upstream = upstream.ok_or("record needs --upstream URL, such as https://SUBDOMAIN.zendesk.com")?;
    let out = out.unwrap_or_else(|| PathBuf::from(DEFAULT_RECORD_FOLDER));
    let mode = if proxy {
        if confirmed {
            return Err("--yes confirms the probe set; record --proxy creates only what its clients send".into());
        }
        if email.is_some() || token_env.is_some() {
            return Err("record --proxy forwards each client's own credentials; drop --email and --token-env".into());
        }
        RecordWhat::Proxy { port: port.unwrap_or(DEFAULT_PORT) }
    } else {
        if port.is_some() {
            return Err("--port is for record --proxy".into());
        }
        let email = email.ok_or("record needs --email EMAIL (an admin's) for the probe set, or --proxy")?;
        let token_env =
            token_env.ok_or("record needs --token-env VAR, the environment variable holding the API token")?;
        RecordWhat::Probes { email, token_env, confirmed }
    };
    Ok(RecordOptions { upstream, out, mode, redactions })
}

/// A header name for `--redact-header`.
fn parse_header_name(value: &str) -> Result<String, String> {
    http::HeaderName::from_bytes(value.as_bytes())
        .map(|name| name.as_str().to_owned())
        .map_err(|_| format!("--redact-header takes a header name, such as x-api-key; {value:?} is none"))
}

/// A JSON path for `--redact-json`: fields separated by `.`, `[]` for every item of an array.
fn parse_json_path(value: &str) -> Result<String, String> {
    let well_formed = !value.is_empty()
        && value.split('.').all(|part| !part.is_empty() && !part.trim_end_matches("[]").contains(['[', ']']));
    if well_formed {
        Ok(value.to_owned())
    } else {
        Err(format!(
            "--redact-json takes a JSON path, fields separated by '.' and [] for every item of an array              (such as errors[].detail); {value:?} is none"
        ))
    }
}

/// `COMMAND PATH [--port N]`: the path, and the port (when `takes_port`).
fn parse_path_command(
    command: &str,
    args: impl Iterator<Item = String>,
    takes_port: bool,
) -> Result<(PathBuf, u16), String> {
    let (mut path, mut port) = (None, DEFAULT_PORT);
    let mut flags = Flags(args);
    while let Some((flag, inline)) = flags.next_flag() {
        match flag.as_str() {
            "--port" if takes_port => port = parse_port(&flags.value(&flag, inline)?)?,
            other if other.starts_with("--") => return Err(format!("unknown flag {other:?} for {command}")),
            _ if path.is_some() => return Err(format!("{command} takes one PATH")),
            _ => path = Some(PathBuf::from(flag)),
        }
    }
    let path = path.ok_or_else(|| format!("{command} needs a PATH: a cassette file or a folder of fixture files"))?;
    Ok((path, port))
}

fn parse_user(flag: &str, value: &str) -> Result<Credentials, String> {
    Credentials::parse_user_pass(value).map_err(|err| format!("{flag} takes EMAIL:SECRET or EMAIL/token:TOKEN: {err}"))
}
