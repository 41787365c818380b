//! Throughput, latency, start-up and memory of `zis-contract serve` against bare wiremock-rs and a
//! bare hyper server, measured side by side in one run.
//!
//! `cargo bench --bench serve` (env: `ZIS_BENCH_SECONDS`, default 10; `ZIS_BENCH_ROUNDS`, default 3;
//! `ZIS_BENCH_CONNECTIONS`, default 16). Each server runs in its own process; one load generator in
//! this process keeps that many keep-alive connections busy with Create Integration requests
//! (each with a new name, so the contract answers 200 after checking everything) for the given
//! time, and reports requests per second, p50 and p99 latency, and the server's peak RSS.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The most requests one connection sends in one run, so that the loop is bounded in count too.
const MAX_REQUESTS_PER_CONNECTION: usize = 2_000_000;

fn main() {
    let mut args = std::env::args().skip(1).filter(|arg| arg != "--bench");
    match args.next().as_deref() {
        Some("--serve-wiremock") => serve_wiremock(),
        Some("--serve-hyper") => serve_hyper(),
        _ => compare(),
    }
}

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|value| value.parse().ok()).unwrap_or(default)
}

fn compare() {
    let seconds = setting("ZIS_BENCH_SECONDS", 10);
    let rounds = setting("ZIS_BENCH_ROUNDS", 3);
    let connections = setting("ZIS_BENCH_CONNECTIONS", 16) as usize;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    println!("{connections} keep-alive connections, {seconds} s a run, {rounds} rounds\n");
    println!("{:<34} {:>10} {:>8} {:>8} {:>10} {:>9}", "server", "req/s", "p50 ms", "p99 ms", "start ms", "peak MiB");

    // Per round, each server's req/s, in the order of SERVERS.
    let mut rates: Vec<[f64; 3]> = Vec::new();
    for round in 1..=rounds {
        let mut round_rates = [0.0; 3];
        for (slot, kind) in SERVERS.into_iter().enumerate() {
            let server = Server::spawn(kind);
            let run = runtime.block_on(load(&server.address, connections, Duration::from_secs(seconds)));
            println!(
                "{:<34} {:>10.0} {:>8.2} {:>8.2} {:>10.1} {:>9.1}",
                format!("round {round}: {}", kind.label()),
                run.per_second,
                run.p50_ms,
                run.p99_ms,
                server.start_ms,
                server.peak_rss_mib()
            );
            round_rates[slot] = run.per_second;
        }
        rates.push(round_rates);
    }

    println!("\nthroughput ratios, each from one round (min / median / max over {rounds} rounds):");
    for (slot, kind) in SERVERS.into_iter().enumerate().skip(1).filter(|_| rounds > 0) {
        let mut ratios: Vec<f64> = rates.iter().map(|round| round[0] / round[slot]).collect();
        ratios.sort_by(f64::total_cmp);
        println!(
            "  serve / {:<28} {:.2}x / {:.2}x / {:.2}x",
            kind.label(),
            ratios[0],
            ratios[ratios.len() / 2],
            ratios[ratios.len() - 1]
        );
    }

    println!("\nthe contract alone (Contract::respond, no HTTP), mean of 200,000 calls:");
    println!("  200 Created                     {:>8.2} µs", respond_micros(true));
    println!("  409 Conflict                    {:>8.2} µs", respond_micros(false));

    println!("\nin-process start-up (median of 30):");
    let zis = runtime.block_on(median_start(|| async { drop(zis_contract::ZisServer::start().await) }));
    let fresh = runtime.block_on(median_start(|| async { drop(wiremock::MockServer::builder().start().await) }));
    let pooled = runtime.block_on(median_start(|| async { drop(wiremock::MockServer::start().await) }));
    println!("  ZisServer::start()              {zis:>8.3} ms");
    println!("  MockServer::builder().start()   {fresh:>8.3} ms  (ZisServer / this = {:.2}x)", zis / fresh);
    println!("  MockServer::start()             {pooled:>8.3} ms  (reuses a pooled server after the first)");
}

/// The mean time of one `Contract::respond` call, with a new name each call (200) or always the
/// same one (409).
fn respond_micros(new_names: bool) -> f64 {
    const CALLS: usize = 200_000;
    let contract = zis_contract::Contract::new();
    let mut headers = http::HeaderMap::new();
    headers.insert("authorization", http::HeaderValue::from_static("Basic YWRtaW5AZXhhbXBsZS5jb20vdG9rZW46YWJj"));
    headers.insert("content-type", http::HeaderValue::from_static("application/json"));
    let paths: Vec<String> = (0..CALLS)
        .map(|call| format!("/api/services/zis/registry/bench_{}", if new_names { call } else { 0 }))
        .collect();
    let began = Instant::now();
    for path in &paths {
        let parts = zis_contract::RequestParts::new("POST", path, &headers, br#"{"description":"bench integration"}"#);
        std::hint::black_box(contract.respond(&parts));
    }
    began.elapsed().as_secs_f64() * 1e6 / CALLS as f64
}

async fn median_start<F, Fut>(start: F) -> f64
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut times = Vec::new();
    for _ in 0..30 {
        let began = Instant::now();
        start().await;
        times.push(began.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// The servers compared, `serve` first: ratios are `serve` over each of the others.
const SERVERS: [ServerKind; 3] = [ServerKind::Serve, ServerKind::Wiremock, ServerKind::Hyper];

#[derive(Clone, Copy)]
enum ServerKind {
    Serve,
    Wiremock,
    Hyper,
}

impl ServerKind {
    fn label(self) -> &'static str {
        match self {
            Self::Serve => "zis-contract serve (contract)",
            Self::Wiremock => "wiremock-rs, static stub",
            Self::Hyper => "bare hyper, static body",
        }
    }
}

/// A server process, killed when dropped.
struct Server {
    child: Child,
    address: String,
    start_ms: f64,
}

impl Server {
    fn spawn(kind: ServerKind) -> Self {
        let began = Instant::now();
        let mut command = match kind {
            ServerKind::Serve => {
                let mut command = Command::new(env!("CARGO_BIN_EXE_zis-contract"));
                command.args(["serve", "--port", "0"]);
                command
            }
            ServerKind::Wiremock | ServerKind::Hyper => {
                let mut command = Command::new(std::env::current_exe().unwrap());
                command.arg(if matches!(kind, ServerKind::Wiremock) { "--serve-wiremock" } else { "--serve-hyper" });
                command
            }
        };
        let mut child = command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let start_ms = began.elapsed().as_secs_f64() * 1000.0;
        Self { child, address: line.trim().trim_start_matches("http://").to_owned(), start_ms }
    }

    /// The process's peak resident set (VmHWM), in MiB.
    fn peak_rss_mib(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        let kib: f64 = status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(f64::NAN);
        kib / 1024.0
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Run {
    per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
}

async fn load(address: &str, connections: usize, duration: Duration) -> Run {
    let deadline = Instant::now() + duration;
    let address: Arc<str> = address.into();
    let began = Instant::now();
    let tasks: Vec<_> = (0..connections)
        .map(|connection| tokio::spawn(connection_loop(Arc::clone(&address), connection, deadline)))
        .collect();
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.unwrap());
    }
    let elapsed = began.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let quantile =
        |q: f64| latencies.get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)));
    Run {
        per_second: latencies.len() as f64 / elapsed,
        p50_ms: quantile(0.50).map_or(f64::NAN, |micros| *micros as f64 / 1000.0),
        p99_ms: quantile(0.99).map_or(f64::NAN, |micros| *micros as f64 / 1000.0),
    }
}

/// Sends requests one after another on one keep-alive connection until the deadline; returns the
/// latency of each in microseconds.
async fn connection_loop(address: Arc<str>, connection: usize, deadline: Instant) -> Vec<u32> {
    let mut stream = TcpStream::connect(&*address).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let mut latencies = Vec::new();
    let mut buffer = Vec::with_capacity(4096);
    let body = r#"{"description":"bench integration"}"#;
    for sent in 0..MAX_REQUESTS_PER_CONNECTION {
        if Instant::now() >= deadline {
            break;
        }
        let request = format!(
            "POST /api/services/zis/registry/bench_{connection}_{sent} HTTP/1.1\r\nhost: {address}\r\n\
             authorization: Basic YWRtaW5AZXhhbXBsZS5jb20vdG9rZW46YWJj\r\ncontent-type: application/json\r\n\
             content-length: {}\r\n\r\n{body}",
            body.len()
        );
        let began = Instant::now();
        stream.write_all(request.as_bytes()).await.unwrap();
        read_response(&mut stream, &mut buffer).await;
        latencies.push(began.elapsed().as_micros().min(u32::MAX as u128) as u32);
    }
    latencies
}

/// Reads one response with a content-length body, and asserts it is a 200.
async fn read_response(stream: &mut TcpStream, buffer: &mut Vec<u8>) {
    buffer.clear();
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(end) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
            let head = std::str::from_utf8(&buffer[..end]).unwrap().to_ascii_lowercase();
            assert!(head.starts_with("http/1.1 200"), "expected a 200, got {head}");
            let length: usize = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .map(|value| value.trim().parse().unwrap())
                .unwrap_or(0);
            while buffer.len() < end + 4 + length {
                let read = stream.read(&mut chunk).await.unwrap();
                assert!(read > 0, "the server closed the connection mid-response");
                buffer.extend_from_slice(&chunk[..read]);
            }
            return;
        }
        let read = stream.read(&mut chunk).await.unwrap();
        assert!(read > 0, "the server closed the connection");
        buffer.extend_from_slice(&chunk[..read]);
    }
}

/// The body the static servers answer with: the documented 200.
fn static_body() -> Vec<u8> {
    zis_contract::Scenario::Created.reply().unwrap().body.to_vec()
}

/// Serves the static 200 with bare wiremock until stdin closes.
fn serve_wiremock() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        use wiremock::matchers::{method, path_regex};
        let server = wiremock::MockServer::start().await;
        wiremock::Mock::given(method("POST"))
            .and(path_regex("^/api/services/zis/registry/[^/]+$"))
            .respond_with(wiremock::ResponseTemplate::new(200).set_body_raw(static_body(), "application/json"))
            .mount(&server)
            .await;
        println!("{}", server.uri());
        wait_for_stdin_to_close().await;
    });
}

/// Serves the static 200 with bare hyper until stdin closes.
fn serve_hyper() {
    use http_body_util::Full;
    use hyper::service::service_fn;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        println!("http://{}", listener.local_addr().unwrap());
        let body = bytes::Bytes::from(static_body());
        let accept = async move {
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                let _ = stream.set_nodelay(true);
                let body = body.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |_request| {
                        let mut response = hyper::Response::new(Full::new(body.clone()));
                        response
                            .headers_mut()
                            .insert("content-type", http::HeaderValue::from_static("application/json"));
                        async move { Ok::<_, std::convert::Infallible>(response) }
                    });
                    let io = hyper_util::rt::TokioIo::new(stream);
                    let _ = hyper::server::conn::http1::Builder::new().serve_connection(io, service).await;
                });
            }
        };
        tokio::select! {
            () = accept => {}
            () = wait_for_stdin_to_close() => {}
        }
    });
}

async fn wait_for_stdin_to_close() {
    let mut stdin = tokio::io::stdin();
    let mut sink = [0u8; 64];
    while stdin.read(&mut sink).await.is_ok_and(|read| read > 0) {}
}
