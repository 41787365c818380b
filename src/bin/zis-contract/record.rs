//! `zis-contract record`: the probe set, or a recording proxy (feature `record`).

use crate::args::RecordOptions;
#[cfg(feature = "record")]
use crate::args::RecordWhat;
use std::process::ExitCode;

/// What a build without the `record` feature says instead of recording.
#[cfg(not(feature = "record"))]
pub fn run(_options: RecordOptions) -> ExitCode {
    eprintln!(
        "zis-contract: this build has no recording; build it with the `record` feature:\n\
         \n    cargo run --features record -- record ...\n    cargo install zis-contract --features record"
    );
    ExitCode::from(crate::USAGE_ERROR)
}

/// Why the probe set needs `--yes`.
#[cfg(feature = "record")]
const CONFIRMATION: &str = "\
zis-contract: not sending anything. The probe set creates an integration on the live account,
named zis_contract_probe_<timestamp>, and an integration can never be deleted (its job spec
can only be uninstalled). Run again with --yes to record it anyway.";

#[cfg(feature = "record")]
pub fn run(options: RecordOptions) -> ExitCode {
    use zis_contract::Upstream;

    let upstream = match Upstream::parse(&options.upstream) {
        Ok(upstream) => upstream,
        Err(err) => {
            eprintln!("zis-contract: {err}");
            return ExitCode::from(crate::USAGE_ERROR);
        }
    };
    match options.mode {
        RecordWhat::Probes { confirmed: false, .. } => {
            eprintln!("{CONFIRMATION}");
            ExitCode::from(crate::USAGE_ERROR)
        }
        RecordWhat::Probes { email, token_env, confirmed: true } => {
            let token = match std::env::var(&token_env) {
                Ok(token) if !token.is_empty() => token,
                _ => {
                    eprintln!("zis-contract: the environment variable {token_env} (--token-env) holds no API token");
                    return ExitCode::from(crate::USAGE_ERROR);
                }
            };
            let credentials = zis_contract::Credentials::api_token(email, token);
            probes(&upstream, credentials, &options.out, &options.redactions)
        }
        RecordWhat::Proxy { port } => proxy(upstream, port, options.out, options.redactions),
    }
}

#[cfg(feature = "record")]
fn probes(
    upstream: &zis_contract::Upstream,
    credentials: zis_contract::Credentials,
    out: &std::path::Path,
    redactions: &zis_contract::Redactions,
) -> ExitCode {
    use zis_contract::record::Probes;

    let runtime = match crate::runtime() {
        Ok(runtime) => runtime,
        Err(code) => return code,
    };
    let probes = Probes::new(credentials);
    eprintln!(
        "zis-contract: sending the probe set to {upstream}; the valid create registers {}",
        probes.throwaway_name()
    );
    match runtime.block_on(probes.record(upstream, out, redactions)) {
        Ok(outcomes) => {
            for outcome in outcomes {
                println!("{} {}: wrote {}", outcome.status, outcome.name, outcome.file.display());
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("zis-contract: {err}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(feature = "record")]
fn proxy(
    upstream: zis_contract::Upstream,
    port: u16,
    out: std::path::PathBuf,
    redactions: zis_contract::Redactions,
) -> ExitCode {
    use zis_contract::record::{RecordingProxy, Sink};

    let shown = upstream.to_string();
    let proxy =
        match RecordingProxy::builder(upstream, Sink::Folder(out.clone())).port(port).redactions(redactions).start() {
            Ok(proxy) => proxy,
            Err(err) => {
                eprintln!("zis-contract: cannot listen on 127.0.0.1:{port}: {err}");
                return ExitCode::FAILURE;
            }
        };
    crate::announce(&proxy.uri());
    eprintln!("zis-contract: recording {shown} through {} into {} (Ctrl-C stops)", proxy.uri(), out.display());
    // The proxy serves from its own thread until the process ends.
    loop {
        std::thread::park();
    }
}
