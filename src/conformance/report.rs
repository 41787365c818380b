//! The report of every checked request that broke the contract: what
//! [`ZisServer::verify`](crate::ZisServer::verify) panics with, and what
//! [`check_wiremock_requests`](crate::check_wiremock_requests) returns.

use super::Mismatch;
use crate::contract::PATH_TEMPLATE;
use std::fmt;

/// Every checked request that broke the contract, with how: what
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
    /// `Ok` when no request broke the contract, otherwise the report. Each request is its method,
    /// its path as sent and its mismatches, in the order received.
    pub(crate) fn of<'a>(requests: impl IntoIterator<Item = (&'a str, &'a str, &'a [Mismatch])>) -> Result<(), Self> {
        let mut received = 0;
        let mut broken = Vec::new();
        for (index, (method, path, mismatches)) in requests.into_iter().enumerate() {
            received += 1;
            if !mismatches.is_empty() {
                broken.push((index + 1, format!("{method} {path}"), mismatches.to_vec()));
            }
        }
        if broken.is_empty() { Ok(()) } else { Err(Self { received, broken }) }
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
