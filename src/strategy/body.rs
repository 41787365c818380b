//! Request bodies: valid ones with the description they carry, invalid ones with their flaw.

use super::any_text;
use super::json::{non_object, non_string};
use crate::contract::CreateIntegrationRequest;
use bytes::Bytes;
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use serde_json::{Value, json};
use std::fmt::{self, Write as _};

/// A valid Create Integration body: the bytes to send, and the description they carry.
///
/// `Debug` shows the bytes as text when they are UTF-8, so a counterexample reads as the JSON
/// that was sent.
#[derive(Clone, PartialEq, Eq)]
pub struct ValidBody {
    /// The bytes to send.
    pub bytes: Bytes,
    /// The `description` the bytes carry, if any.
    pub description: Option<String>,
}

impl ValidBody {
    /// The body, as the typed request it encodes.
    pub fn request(&self) -> CreateIntegrationRequest {
        CreateIntegrationRequest { description: self.description.clone() }
    }
}

/// An invalid Create Integration body: the bytes to send, and what is wrong with them.
#[derive(Clone, PartialEq, Eq)]
pub struct InvalidBody {
    /// The bytes to send.
    pub bytes: Bytes,
    /// What is wrong with them.
    pub flaw: BodyFlaw,
}

/// What is wrong with an [`InvalidBody`]. Types are named as
/// [`Shape::type_name`](crate::shape::Shape::type_name) names them: `null`, `boolean`,
/// `integer`, `number`, `string`, `array`, `object`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BodyFlaw {
    /// Nothing, or only whitespace.
    Empty,
    /// Not JSON at all: cut short, JavaScript rather than JSON, followed by more text, or text
    /// that is not JSON.
    NotJson,
    /// JSON, but not an object.
    NotAnObject {
        /// The JSON type found instead.
        found: &'static str,
    },
    /// An object whose `description` is not a string.
    DescriptionNotString {
        /// The JSON type of the description.
        found: &'static str,
    },
}

impl BodyFlaw {
    /// Where the flaw is, as the conformance report names the place: `body`, or
    /// `body.description`.
    ///
    /// ```
    /// use zis_contract::strategy::BodyFlaw;
    ///
    /// assert_eq!(BodyFlaw::DescriptionNotString { found: "integer" }.place(), "body.description");
    /// ```
    pub fn place(&self) -> &'static str {
        match self {
            Self::Empty | Self::NotJson | Self::NotAnObject { .. } => "body",
            Self::DescriptionNotString { .. } => "body.description",
        }
    }
}

impl fmt::Display for BodyFlaw {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("the body is empty"),
            Self::NotJson => f.write_str("the body is not JSON"),
            Self::NotAnObject { found } => write!(f, "the body is a JSON {found}, not an object"),
            Self::DescriptionNotString { found } => write!(f, "the description is a JSON {found}, not a string"),
        }
    }
}

/// A valid body: `{}` or `{"description": ...}` with any Unicode text (control characters,
/// quotes, backslashes, characters outside the Basic Multilingual Plane), written compact,
/// pretty, or with every character outside printable ASCII as a `\u` escape (surrogate pairs
/// included) and whitespace around. It shrinks to `{}`.
///
/// ```
/// use proptest::prelude::*;
/// use zis_contract::strategy::valid_request_body;
/// use zis_contract::CreateIntegrationRequest;
///
/// proptest!(ProptestConfig::with_cases(32), |(body in valid_request_body())| {
///     let parsed: CreateIntegrationRequest = serde_json::from_slice(&body.bytes)?;
///     prop_assert_eq!(parsed, body.request());
/// });
/// ```
pub fn valid_request_body() -> impl Strategy<Value = ValidBody> {
    (option::of(any_text(48)), select(&[Layout::Compact, Layout::Pretty, Layout::Escaped][..]))
        .prop_map(|(description, layout)| ValidBody { bytes: layout.write(description.as_deref()), description })
}

/// An invalid body, with its [`BodyFlaw`]: empty or whitespace; not JSON (a valid body cut
/// short, JavaScript-style objects, trailing text, bytes that are not even UTF-8); JSON that is
/// not an object (`null`, booleans, numbers, strings, arrays); or an object whose `description`
/// is not a string. It shrinks to the empty body.
///
/// ```
/// use proptest::prelude::*;
/// use zis_contract::strategy::invalid_request_body;
/// use zis_contract::{check_request, RequestParts};
///
/// proptest!(ProptestConfig::with_cases(32), |(body in invalid_request_body())| {
///     let headers = http::HeaderMap::new();
///     let parts = RequestParts::new("POST", "/api/services/zis/registry/acme", &headers, &body.bytes);
///     let mismatches = check_request(&parts).unwrap_err();
///     prop_assert!(mismatches.iter().any(|mismatch| mismatch.place == body.flaw.place()), "{:?}", body);
/// });
/// ```
pub fn invalid_request_body() -> impl Strategy<Value = InvalidBody> {
    prop_oneof![
        select(&["", " ", "\n", "\r\n\t "][..]).prop_map(|bytes| invalid(bytes, BodyFlaw::Empty)),
        not_json().prop_map(|bytes| invalid(bytes, BodyFlaw::NotJson)),
        non_object().prop_map(|(value, found)| invalid(compact(&value), BodyFlaw::NotAnObject { found })),
        non_string().prop_map(|(value, found)| {
            invalid(compact(&json!({ "description": value })), BodyFlaw::DescriptionNotString { found })
        }),
    ]
}

/// Text that looks like JSON but is not.
const LOOKS_LIKE_JSON: &[&str] = &[
    "{'description': 'x'}",
    "{description: \"x\"}",
    "{\"description\": \"x\",}",
    "{\"description\" \"x\"}",
    "{\"description\": \"x\"",
    "{\"description\": \"a\u{1}b\"}",
    "{\"description\": \"\\x\"}",
    "{\"description\": 01}",
    "{\"a\":1}{\"b\":2}",
    "\u{feff}{}",
    "NaN",
    "undefined",
    "description=example+integration",
];

/// Bytes no JSON text starts with (JSON starts with whitespace, `{`, `[`, `"`, `-`, a digit, or
/// the first letter of `true`, `false` or `null`).
const NOT_JSON_STARTS: &[u8] = b"<='x;#)\x80\xfe\xff";

/// What may follow a complete JSON object to make the whole not JSON.
const TRAILERS: &[&str] = &["}", " x", ",", "{}", "]", "\0"];

fn not_json() -> impl Strategy<Value = Bytes> {
    prop_oneof![
        select(LOOKS_LIKE_JSON).prop_map(|text| Bytes::from_static(text.as_bytes())),
        select(TRAILERS).prop_map(|trailer| Bytes::from(format!("{{}}{trailer}"))),
        (select(NOT_JSON_STARTS), vec(any::<u8>(), 0..=16)).prop_map(|(start, rest)| {
            let mut bytes = vec![start];
            bytes.extend(rest);
            Bytes::from(bytes)
        }),
        // A compact object ends with its only `}` outside a string, so every shorter prefix is
        // an unclosed object (or, cut inside a character, not even UTF-8).
        (option::of(any_text(16)), any::<Index>()).prop_map(|(description, cut)| {
            let whole = Layout::Compact.write(description.as_deref());
            whole.slice(..1 + cut.index(whole.len() - 1))
        }),
    ]
}

fn invalid(bytes: impl Into<Bytes>, flaw: BodyFlaw) -> InvalidBody {
    InvalidBody { bytes: bytes.into(), flaw }
}

fn compact(value: &Value) -> Bytes {
    Bytes::from(value.to_string())
}

/// How a valid body is written.
#[derive(Debug, Clone, Copy)]
enum Layout {
    /// `{"description":"..."}`.
    Compact,
    /// Indented over several lines.
    Pretty,
    /// Whitespace around, and every character outside printable ASCII (and `"`, `\`, `/`) as a
    /// `\u` escape, even in the key: `{ "\u0064escription" : "\u00e9" }`.
    Escaped,
}

impl Layout {
    fn write(self, description: Option<&str>) -> Bytes {
        let value = match description {
            Some(description) => json!({ "description": description }),
            None => json!({}),
        };
        match self {
            Self::Compact => compact(&value),
            Self::Pretty => Bytes::from(serde_json::to_string_pretty(&value).expect("a JSON value always serializes")),
            Self::Escaped => Bytes::from(match description {
                Some(description) => format!(" \r\n{{ \"\\u0064escription\" : {} }}\n\t", escaped(description)),
                None => " {\n}\t".to_owned(),
            }),
        }
    }
}

/// `text` as a JSON string with every character outside printable ASCII, and `"`, `\` and `/`,
/// written as `\uXXXX` (two escapes, a surrogate pair, beyond the Basic Multilingual Plane).
fn escaped(text: &str) -> String {
    let mut json = String::from("\"");
    for character in text.chars() {
        if matches!(character, ' '..='~') && !matches!(character, '"' | '\\' | '/') {
            json.push(character);
        } else {
            for unit in character.encode_utf16(&mut [0; 2]) {
                let _ = write!(json, "\\u{unit:04x}");
            }
        }
    }
    json.push('"');
    json
}

impl fmt::Debug for ValidBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ValidBody")
            .field("bytes", &AsText(&self.bytes))
            .field("description", &self.description)
            .finish()
    }
}

impl fmt::Debug for InvalidBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InvalidBody").field("bytes", &AsText(&self.bytes)).field("flaw", &self.flaw).finish()
    }
}

/// Bytes shown as a string when they are UTF-8, as `b"..."` otherwise.
struct AsText<'a>(&'a Bytes);

impl fmt::Debug for AsText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match std::str::from_utf8(self.0) {
            Ok(text) => fmt::Debug::fmt(text, f),
            Err(_) => fmt::Debug::fmt(self.0, f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_writes_surrogate_pairs_and_keeps_printable_ascii() {
        assert_eq!(escaped("a/\"é😀"), r#""a\u002f\u0022\u00e9\ud83d\ude00""#);
    }

    #[test]
    fn every_layout_reads_back_as_the_same_object() {
        for layout in [Layout::Compact, Layout::Pretty, Layout::Escaped] {
            for description in [None, Some("x\u{0}\"\\/é😀\u{2028}")] {
                let value: Value = serde_json::from_slice(&layout.write(description)).unwrap();
                let expected = description.map_or(json!({}), |text| json!({ "description": text }));
                assert_eq!(value, expected, "{layout:?}");
            }
        }
    }

    #[test]
    fn nothing_that_looks_like_json_is_json() {
        let lookalikes = LOOKS_LIKE_JSON.iter().map(|text| text.to_string());
        let trailed = TRAILERS.iter().map(|trailer| format!("{{}}{trailer}"));
        for text in lookalikes.chain(trailed) {
            assert!(serde_json::from_str::<Value>(&text).is_err(), "{text:?} is JSON");
        }
    }
}
