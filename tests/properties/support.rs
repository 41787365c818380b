//! What the properties share: proptest's configuration, and one server with one client and one
//! runtime for every case of a property.

use bytes::Bytes;
use proptest::test_runner::{Config, FileFailurePersistence, TestCaseError};
use std::time::Duration;
use zis_contract::{
    Credentials, ErrorEnvelope, Integration, ReceivedRequest, ZisServer, ZisServerBuilder, percent_encode_segment,
};

/// The registry path, before the name.
pub const REGISTRY_PATH: &str = "/api/services/zis/registry/";

/// proptest's default configuration (so `PROPTEST_CASES` and the other `PROPTEST_*` variables
/// apply), with failures persisted to `regressions`, a path under `proptest-regressions/`.
pub fn config(regressions: &'static str) -> Config {
    Config { failure_persistence: Some(Box::new(FileFailurePersistence::Direct(regressions))), ..Config::default() }
}

/// The path of a regressions file under the crate's `proptest-regressions/`.
macro_rules! regressions {
    ($file:literal) => {
        concat!(env!("CARGO_MANIFEST_DIR"), "/proptest-regressions/", $file)
    };
}
pub(crate) use regressions;

/// A `ZisServer` with the client and runtime that drive it: started once per property, used by
/// every case.
pub struct Http {
    runtime: tokio::runtime::Runtime,
    client: reqwest::Client,
    credentials: Credentials,
    zis: ZisServer,
}

/// The status and body of one answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Bytes,
}

impl Http {
    pub fn start(server: ZisServerBuilder) -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
        let zis = runtime.block_on(server.start());
        let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().expect("a reqwest client");
        Self { runtime, client, credentials: Credentials::api_token("admin@example.com", "abc"), zis }
    }

    /// `POST`s `body` to the registry path of `name`, percent-encoded, as an admin with
    /// `content-type: application/json`.
    pub fn create(&self, name: &str, body: Bytes) -> Result<Answer, TestCaseError> {
        let url = format!("{}{}", self.zis.uri(), registry_path(name));
        self.runtime.block_on(async {
            let response = self
                .client
                .post(url)
                .header("authorization", self.credentials.authorization())
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await?;
            let status = response.status().as_u16();
            Ok(Answer { status, body: response.bytes().await? })
        })
    }

    /// The requests received since the last call, which are then forgotten (so that requests
    /// off the contract on purpose do not fail the server's verification on drop).
    pub fn take_received(&self) -> Vec<ReceivedRequest> {
        self.runtime.block_on(async {
            let received = self.zis.received_requests().await;
            self.zis.forget_received_requests().await;
            received
        })
    }

    /// Asserts that every request received so far conformed to the contract.
    pub fn verify(&self) {
        self.runtime.block_on(self.zis.verify());
    }
}

/// The registry path of `name`, with the name percent-encoded as one segment.
pub fn registry_path(name: &str) -> String {
    format!("{REGISTRY_PATH}{}", percent_encode_segment(name))
}

impl Answer {
    pub fn integration(&self) -> Result<Integration, TestCaseError> {
        self.json()
    }

    pub fn error(&self) -> Result<ErrorEnvelope, TestCaseError> {
        self.json()
    }

    fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, TestCaseError> {
        serde_json::from_slice(&self.body).map_err(|err| {
            let body = String::from_utf8_lossy(&self.body);
            TestCaseError::fail(format!("status {} with a body that does not parse ({err}): {body}", self.status))
        })
    }
}
