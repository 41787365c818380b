//! What a [`ZisServer`](crate::ZisServer) received.

use crate::conformance::{Mismatch, Report};
use bytes::Bytes;
use http::HeaderMap;
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
        let requests = self.lock();
        Report::of(
            requests.iter().map(|request| (request.method.as_str(), request.path.as_str(), &request.mismatches[..])),
        )
    }

    fn lock(&self) -> MutexGuard<'_, Vec<ReceivedRequest>> {
        // Pushing or clearing cannot leave the list half-changed, so a poisoned lock is still good.
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
