//! What a [`ZisServer`](crate::ZisServer) received, and the report of what broke the contract.

use crate::conformance::Mismatch;
use crate::contract::PATH_TEMPLATE;
use bytes::Bytes;
use http::HeaderMap;
use std::fmt;
use std::sync::{Mutex, MutexGuard};

/// One request a [`ZisServer`](crate::ZisServer) received, with how it was judged and answered.
#[derive(Debug, Clone)]
pub struct ReceivedRequest {
    /// The method.
    pub method: String,
    /// The path as sent, with any query.
    pub path: String,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
    /// The status it was answered with (0 when the connection was reset on purpose).
    pub status: u16,
    /// Every way the request broke the contract (empty when it conforms).
    pub mismatches: Vec<Mismatch>,
}

impl ReceivedRequest {
    /// The body as JSON, if it is JSON.
    pub fn body_json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// The requests a server received, in order.
#[derive(Debug, Default)]
pub(crate) struct Journal(Mutex<Vec<ReceivedRequest>>);

impl Journal {
    pub(crate) fn push(&self, request: ReceivedRequest) {
        self.lock().push(request);
    }

    pub(crate) fn snapshot(&self) -> Vec<ReceivedRequest> {
        self.lock().clone()
    }

    pub(crate) fn clear(&self) {
        self.lock().clear();
    }

    pub(crate) fn report(&self) -> Result<(), Report> {
        Report::of(&self.lock())
    }

    fn lock(&self) -> MutexGuard<'_, Vec<ReceivedRequest>> {
        // Pushing or clearing cannot leave the list half-changed, so a poisoned lock is still good.
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Every received request that broke the contract, with how: what
/// [`ZisServer::verify`](crate::ZisServer::verify) panics with.
///
/// ```text
/// zis-contract: 1 of 2 requests did not conform to POST /api/services/zis/registry/{integration}
///
/// request 2 of 2 (POST /api/services/zis/registry/acme_sync) does not conform:
///   - header content-type: expected application/json, found text/plain
///   - body.description: expected string, found number
/// ```
#[derive(Debug, Clone)]
pub struct Report {
    received: usize,
    broken: Vec<(usize, String, Vec<Mismatch>)>,
}

impl Report {
    fn of(requests: &[ReceivedRequest]) -> Result<(), Self> {
        let broken: Vec<_> = requests
            .iter()
            .enumerate()
            .filter(|(_, request)| !request.mismatches.is_empty())
            .map(|(index, request)| {
                (index + 1, format!("{} {}", request.method, request.path), request.mismatches.clone())
            })
            .collect();
        if broken.is_empty() {
            Ok(())
        } else {
            Err(Self { received: requests.len(), broken })
        }
    }

    /// The mismatches, each with the 1-based number of its request.
    pub fn mismatches(&self) -> impl Iterator<Item = (usize, &Mismatch)> {
        self.broken
            .iter()
            .flat_map(|(number, _, mismatches)| mismatches.iter().map(move |mismatch| (*number, mismatch)))
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let noun = if self.received == 1 { "request" } else { "requests" };
        writeln!(
            f,
            "zis-contract: {} of {} {noun} did not conform to POST {PATH_TEMPLATE}",
            self.broken.len(),
            self.received
        )?;
        for (number, request, mismatches) in &self.broken {
            writeln!(f)?;
            writeln!(f, "request {number} of {} ({request}) does not conform:", self.received)?;
            for mismatch in mismatches {
                writeln!(f, "  - {mismatch}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for Report {}
