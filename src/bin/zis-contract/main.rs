//! `zis-contract`: the contract mock as a standalone server, for clients in any language.

mod args;

use args::{Command, ServeOptions};
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let command = match args::parse(std::env::args().skip(1)) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("zis-contract: {message}\n\n{}", args::USAGE);
            return ExitCode::from(2);
        }
    };
    match command {
        Command::Help => {
            println!("{}", args::USAGE);
            ExitCode::SUCCESS
        }
        Command::Serve(options) => serve(options),
    }
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
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("zis-contract: cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "http://{address}");
    let _ = stdout.flush();
    eprintln!("zis-contract: serving {} on http://{address} (Ctrl-C stops)", options.describe());
    match runtime.block_on(options.builder().run(listener)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("zis-contract: {err}");
            ExitCode::FAILURE
        }
    }
}
