//! `zis-contract serve`: the standalone contract mock, driven over real sockets.

mod common;

use common::{code_and_detail, create, create_as, status_and_json};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};

/// A running `zis-contract serve`, killed when dropped.
struct Served {
    child: Child,
    uri: String,
}

impl Served {
    fn start(args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_zis-contract"))
            .args(["serve", "--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut first_line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut first_line).unwrap();
        Self { child, uri: first_line.trim().to_owned() }
    }

    fn address(&self) -> String {
        self.uri.trim_start_matches("http://").to_owned()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn run(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_zis-contract")).args(args).output().unwrap()
}

#[tokio::test]
async fn serve_prints_its_url_first_and_enforces_the_contract() {
    let served = Served::start(&[]);

    assert!(served.uri.starts_with("http://127.0.0.1:"), "{}", served.uri);
    let (created, body) = status_and_json(create(&served.uri, "acme")).await;
    let (again, _) = status_and_json(create(&served.uri, "acme")).await;
    let (bad_name, _) = status_and_json(create(&served.uri, "ACME")).await;

    assert_eq!((created, again, bad_name), (200, 409, 400));
    assert_eq!(body["zendesk_oauth_client"]["identifier"], "zis_acme");
}

#[tokio::test]
async fn serve_answers_every_request_with_the_chosen_scenario() {
    let served = Served::start(&["--scenario", "rate_limited"]);

    let response = create(&served.uri, "acme").send().await.unwrap();

    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "60");
}

#[tokio::test]
async fn serve_answers_successive_requests_with_a_sequence_whose_last_step_repeats() {
    let served = Served::start(&["--sequence", "server_error,rate_limited,contract"]);

    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(create(&served.uri, "acme").send().await.unwrap().status().as_u16());
    }

    assert_eq!(statuses, [500, 429, 200, 409]);
}

#[tokio::test]
async fn serve_restricts_credentials_to_its_users_and_forbids_non_admins() {
    let served = Served::start(&["--user", "admin@example.com/token:abc", "--non-admin=agent@example.com:pw"]);

    let (admin, _) = status_and_json(create(&served.uri, "acme")).await;
    let (stranger, body) = status_and_json(create_as(&served.uri, "other", "mallory@example.com", "x")).await;
    let (agent, _) = status_and_json(create_as(&served.uri, "other", "agent@example.com", "pw")).await;

    assert_eq!((admin, stranger, agent), (200, 401, 403));
    assert_eq!(code_and_detail(&body).0, "1001");
}

#[test]
fn bad_command_lines_exit_2_with_a_specific_message_and_the_usage() {
    let cases: [(&[&str], &str); 11] = [
        (&["serve", "--scenario", "created", "--sequence", "contract"], "give either --scenario or --sequence, once"),
        (&["serve", "--delay-ms", "600001"], "--delay-ms takes whole milliseconds from 0 to 600000, not \"600001\""),
        (
            &["record", "--upstream", "http://127.0.0.1:9", "--email", "a@example.com", "--token-env", "T", "--yes=no"],
            "--yes takes no value (found --yes=no)",
        ),
        (&["record", "--upstream", "http://127.0.0.1:9", "--proxy", "--yes"], "--yes confirms the probe set"),
        (&["serve", "--sequence", "server_error,,contract"], "--sequence: unknown scenario \"\"; the scenarios are:"),
        (&["serve", "--scenario", "teapot"], "--scenario: unknown scenario \"teapot\"; the scenarios are: contract,"),
        (&["serve", "--port", "http"], "--port takes a number from 0 to 65535, not \"http\""),
        (&["serve", "--user", "admin@example.com"], "--user takes EMAIL:SECRET or EMAIL/token:TOKEN"),
        (&["serve", "--delay-ms"], "--delay-ms needs a value"),
        (&["serve", "--verbose"], "unknown flag \"--verbose\" for serve"),
        (&["start"], "unknown command \"start\""),
    ];
    for (args, message) in cases {
        let output = run(args);

        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(stderr.contains("usage: zis-contract serve"), "{args:?}: {stderr}");
    }
}

#[test]
fn help_prints_the_usage() {
    let output = run(&["help"]);

    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("--scenario NAME"));
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();

    let output = run(&["serve", "--port", &port]);

    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains(&format!("cannot listen on 127.0.0.1:{port}")));
}

/// Sends raw bytes on a fresh connection and returns whatever comes back before the server closes
/// or answers.
fn raw_exchange(address: &str, bytes: &[u8]) -> String {
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(std::time::Duration::from_secs(5))).unwrap();
    let _ = stream.write_all(bytes);
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn odd_requests_get_plain_errors_and_the_server_keeps_serving() {
    let served = Served::start(&[]);
    let address = served.address();
    let odd: [&[u8]; 7] = [
        b"\x00\x01\x02garbage\r\n\r\n",
        b"POST /api/services/zis/registry/acme HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n",
        b"POST /api/services/zis/registry/acme HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n",
        b"POST /api/services/zis/registry/%ff%fe HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}",
        b"BREW /api/services/zis/registry/acme HTTP/1.1\r\nHost: x\r\n\r\n",
        b"POST /api/services/zis/registry/acme HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{\"desc",
        b"POST /api/services/zis/registry/acme HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ];
    let mut answers = Vec::new();
    for bytes in odd {
        answers.push(tokio::task::spawn_blocking({
            let address = address.clone();
            move || raw_exchange(&address, bytes)
        }));
    }
    let mut statuses = Vec::new();
    for answer in answers {
        statuses.push(answer.await.unwrap().split(' ').nth(1).unwrap_or("closed").to_owned());
    }

    let (status, _) = status_and_json(create(&served.uri, "still_serving")).await;

    assert_eq!(statuses[0], "400", "bytes that are not HTTP");
    assert_eq!(statuses[1], "400", "a content-length that is not a number");
    assert_eq!(statuses[2], "413", "an oversized declared length");
    assert_eq!(statuses[3], "401", "a name that is not UTF-8 is judged after credentials");
    assert_eq!(statuses[4], "405", "an unknown method on the registry");
    assert_eq!(&statuses[5..], ["closed", "closed"], "a body cut short, a broken chunk: nothing to answer");
    assert_eq!(status, 200, "the server still serves after {statuses:?}");
}
