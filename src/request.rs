//! A request in plain parts, and where its path leads.

use crate::contract::REGISTRY_PATH;
use http::HeaderMap;

/// One HTTP request in plain parts, as every check and the contract's answer see it.
///
/// Build it from anything: a [`wiremock::Request`] ([`RequestParts::from_wiremock`]), a hyper
/// request, or by hand.
///
/// ```
/// use zis_contract::RequestParts;
///
/// let headers = http::HeaderMap::new();
/// let parts = RequestParts::new("POST", "/api/services/zis/registry/acme", &headers, b"{}");
/// assert_eq!(parts.method, "POST");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct RequestParts<'a> {
    /// The method, such as `POST`.
    pub method: &'a str,
    /// The path as sent, percent-encoded, optionally followed by `?query`.
    pub path: &'a str,
    /// The request headers.
    pub headers: &'a HeaderMap,
    /// The body bytes.
    pub body: &'a [u8],
}

impl<'a> RequestParts<'a> {
    /// Plain parts from their pieces.
    pub fn new(method: &'a str, path: &'a str, headers: &'a HeaderMap, body: &'a [u8]) -> Self {
        Self { method, path, headers, body }
    }

    /// The parts of a request a wiremock server received.
    ///
    /// wiremock hands over the path as the `url` crate normalised it: dot segments (`x/../y`,
    /// `%2E%2E`) are already resolved, so a check of these parts cannot see them, where
    /// [`ZisServer`](crate::ZisServer) and `serve` judge the path exactly as sent.
    pub fn from_wiremock(request: &'a wiremock::Request) -> Self {
        Self {
            method: request.method.as_str(),
            path: request.url.path(),
            headers: &request.headers,
            body: &request.body,
        }
    }

    /// The path without its query.
    pub fn path_only(&self) -> &'a str {
        self.path.split_once('?').map_or(self.path, |(path, _)| path)
    }

    /// The raw bytes of header `name`, if present (the first value, for a repeated header).
    pub fn header(&self, name: &str) -> Option<&'a [u8]> {
        self.headers.get(name).map(|value| value.as_bytes())
    }
}

/// Where a request's path and method lead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    /// `POST /api/services/zis/registry/{integration}`, with the name percent-decoded (not yet
    /// validated).
    CreateIntegration { name: String },
    /// The registry path with another method.
    WrongMethod,
    /// Any other path.
    NotFound,
}

impl Route {
    pub(crate) fn of(parts: &RequestParts<'_>) -> Self {
        let Some(segment) = parts.path_only().strip_prefix(REGISTRY_PATH) else {
            return Self::NotFound;
        };
        if segment.contains('/') {
            return Self::NotFound;
        }
        if parts.method != "POST" {
            return Self::WrongMethod;
        }
        Self::CreateIntegration { name: percent_decode(segment) }
    }
}

/// Decodes `%XX` escapes; a `%` not followed by two hex digits stays as it is. Bytes that do not
/// form UTF-8 become U+FFFD, which the name rule then rejects.
pub(crate) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let escaped = (bytes[index] == b'%')
            .then(|| bytes.get(index + 1..index + 3))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                decoded.push(byte);
                index += 3;
            }
            None => {
                decoded.push(bytes[index]);
                index += 1;
            }
        }
    }
    String::from_utf8(decoded).unwrap_or_else(|err| String::from_utf8_lossy(err.as_bytes()).into_owned())
}

/// Encodes every byte outside `a-z A-Z 0-9 - _ . ~` as `%XX`, so that any string is one path
/// segment.
pub fn percent_encode_segment(segment: &str) -> String {
    let mut encoded = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding_round_trips_any_segment() {
        for text in ["a/b?c#d%e", "é", "..", "%zz", "\u{0}"] {
            assert_eq!(percent_decode(&percent_encode_segment(text)), text);
        }
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%ff"), "\u{fffd}");
    }
}
