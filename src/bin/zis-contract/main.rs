//! `zis-contract`: the contract mock as a standalone server, for clients in any language; and
//! recording, replay and drift of fixtures and cassettes.

mod args;
mod record;

use args::{Command, ServeOptions};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use zis_contract::{Cassette, ReplayError, cassette, drift};

fn main() -> ExitCode {
    let command = match args::parse(std::env::args().skip(1)) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("zis-contract: {message}\n\n{}", args::USAGE);
            return ExitCode::from(USAGE_ERROR);
        }
    };
    match command {
        Command::Help => {
            println!("{}", args::USAGE);
            ExitCode::SUCCESS
        }
        Command::Serve(options) => serve(options),
        Command::Record(options) => record::run(options),
        Command::Replay { path, port } => replay(&path, port),
        Command::Drift { path } => drift(&path),
    }
}

/// The exit code of usage errors and of input that cannot be read.
const USAGE_ERROR: u8 = 2;

/// A multi-threaded runtime, or the reason there is none.
fn runtime() -> Result<tokio::runtime::Runtime, ExitCode> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|err| {
        eprintln!("zis-contract: cannot start the runtime: {err}");
        ExitCode::FAILURE
    })
}

/// Prints the base URL as the first line of stdout, for scripts that start the program.
fn announce(url: &str) {
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "{url}");
    let _ = stdout.flush();
}

fn replay(path: &Path, port: u16) -> ExitCode {
    let runtime = match runtime() {
        Ok(runtime) => runtime,
        Err(code) => return code,
    };
    runtime.block_on(async {
        let server = match Cassette::open(path).port(port).verify_on_drop(false).start().await {
            Ok(server) => server,
            Err(err @ ReplayError::Listen(_)) => {
                eprintln!("zis-contract: {err}");
                return ExitCode::FAILURE;
            }
            Err(err) => {
                eprintln!("zis-contract: {err}");
                return ExitCode::from(USAGE_ERROR);
            }
        };
        announce(&server.uri());
        eprintln!("zis-contract: replaying {} on {} (Ctrl-C stops)", path.display(), server.uri());
        std::future::pending::<ExitCode>().await
    })
}

fn drift(path: &Path) -> ExitCode {
    let interactions = match cassette::load_interactions(path) {
        Ok(interactions) if interactions.is_empty() => {
            eprintln!("zis-contract: {} holds no interactions; nothing to compare", path.display());
            return ExitCode::from(USAGE_ERROR);
        }
        Ok(interactions) => interactions,
        Err(err @ cassette::CassetteError::Empty { .. }) => {
            eprintln!("zis-contract: {err}; nothing to compare");
            return ExitCode::from(USAGE_ERROR);
        }
        Err(err) => {
            eprintln!("zis-contract: {err}");
            return ExitCode::from(USAGE_ERROR);
        }
    };
    let report = drift::compare(&interactions);
    print!("{report}");
    if report.has_drift() { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

fn serve(options: ServeOptions) -> ExitCode {
    let listener = match std::net::TcpListener::bind(("127.0.0.1", options.port)) {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("zis-contract: cannot listen on 127.0.0.1:{}: {err}", options.port);
            return ExitCode::FAILURE;
        }
    };
    let address = match listener.local_addr() {
        Ok(address) => address,
        Err(err) => {
            eprintln!("zis-contract: cannot read the listening address: {err}");
            return ExitCode::FAILURE;
        }
    };
    let runtime = match runtime() {
        Ok(runtime) => runtime,
        Err(code) => return code,
    };
    announce(&format!("http://{address}"));
    eprintln!("zis-contract: serving {} on http://{address} (Ctrl-C stops)", options.describe());
    match runtime.block_on(options.builder().run(listener)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("zis-contract: {err}");
            ExitCode::FAILURE
        }
    }
}
