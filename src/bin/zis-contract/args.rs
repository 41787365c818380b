//! The command line, parsed by hand: a few flags do not earn an argument-parsing dependency.

use std::time::Duration;
use zis_contract::{Credentials, Scenario, ZisServer, ZisServerBuilder};

/// The port `serve` listens on when `--port` is not given.
pub const DEFAULT_PORT: u16 = 4747;

pub const USAGE: &str = "\
usage: zis-contract serve [--port N] [--scenario NAME] [--user EMAIL:SECRET]... [--non-admin EMAIL:SECRET]...
                          [--delay-ms N]
       zis-contract help

serve   Serves POST /api/services/zis/registry/{integration} on 127.0.0.1, answering as the
        live ZIS API would. Prints the base URL as the first line of stdout.
  --port N              port to listen on (default 4747; 0 lets the OS pick)
  --scenario NAME       answer every request with one scenario instead of the contract:
                        contract, created, bad_request, unauthorized, server_error, conflict,
                        forbidden, name_unavailable, rate_limited, service_unavailable,
                        malformed_json, truncated_body, connection_reset
  --user EMAIL:SECRET   accept only these credentials (repeatable); EMAIL/token:TOKEN for an
                        API token. Without it, any well-formed credentials are accepted
  --non-admin EMAIL:SECRET
                        a user who is not an admin and gets 403 (repeatable)
  --delay-ms N          wait N milliseconds before the first byte of every answer

A request can pick its own scenario with the header `x-zis-contract-scenario: NAME`, and its
own delay with `x-zis-contract-delay-ms: N`.";

/// What the command line asks for.
#[derive(Debug)]
pub enum Command {
    Help,
    Serve(ServeOptions),
}

/// The flags of `serve`.
#[derive(Debug)]
pub struct ServeOptions {
    pub port: u16,
    scenario: Scenario,
    users: Vec<Credentials>,
    non_admins: Vec<Credentials>,
    delay: Duration,
}

impl ServeOptions {
    /// The server these options describe.
    pub fn builder(&self) -> ZisServerBuilder {
        let mut builder = ZisServer::builder().scenario(self.scenario).delay(self.delay);
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
        let mut text = format!("scenario {}", self.scenario);
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
        Some(other) => Err(format!("unknown command {other:?}")),
    }
}

fn parse_serve(mut args: impl Iterator<Item = String>) -> Result<ServeOptions, String> {
    let mut options = ServeOptions {
        port: DEFAULT_PORT,
        scenario: Scenario::Contract,
        users: Vec::new(),
        non_admins: Vec::new(),
        delay: Duration::ZERO,
    };
    while let Some(flag) = args.next() {
        let (flag, inline) = match flag.split_once('=') {
            Some((flag, value)) => (flag.to_owned(), Some(value.to_owned())),
            None => (flag, None),
        };
        let mut value = || inline.clone().or_else(|| args.next()).ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--port" => {
                let port = value()?;
                options.port =
                    port.parse().map_err(|_| format!("--port takes a number from 0 to 65535, not {port:?}"))?;
            }
            "--scenario" => options.scenario = value()?.parse().map_err(|err| format!("--scenario: {err}"))?,
            "--user" => options.users.push(parse_user("--user", &value()?)?),
            "--non-admin" => options.non_admins.push(parse_user("--non-admin", &value()?)?),
            "--delay-ms" => {
                let millis = value()?;
                let millis: u64 =
                    millis.parse().map_err(|_| format!("--delay-ms takes whole milliseconds, not {millis:?}"))?;
                options.delay = Duration::from_millis(millis);
            }
            other => return Err(format!("unknown flag {other:?} for serve")),
        }
    }
    Ok(options)
}

fn parse_user(flag: &str, value: &str) -> Result<Credentials, String> {
    Credentials::parse_user_pass(value).map_err(|err| format!("{flag} takes EMAIL:SECRET or EMAIL/token:TOKEN: {err}"))
}
