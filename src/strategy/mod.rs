//! [proptest](https://docs.rs/proptest) strategies for Create Integration: integration names
//! (valid ones, and invalid ones with the reason they are invalid), request bodies (valid ones,
//! and invalid ones with their flaw) and the contract's types.
//!
//! Reuse them in your own property tests, so that your client is tested against the whole space
//! the API accepts and every way a request can be wrong:
//!
//! ```
//! use proptest::prelude::*;
//! use zis_contract::strategy::{invalid_integration_name_with_reason, valid_integration_name};
//! use zis_contract::{IntegrationName, NameRejection};
//!
//! proptest! {
//!     # #![proptest_config(ProptestConfig::with_cases(16))]
//!     // In a test file, mark each fn `#[test]`.
//!     fn valid_names_parse(name in valid_integration_name()) {
//!         prop_assert_eq!(IntegrationName::parse(name.clone())?.to_string(), name);
//!     }
//!
//!     fn invalid_names_are_rejected_for_their_reason((name, reason) in invalid_integration_name_with_reason()) {
//!         prop_assert_eq!(NameRejection::of(&name), Some(reason));
//!     }
//! }
//! # valid_names_parse();
//! # invalid_names_are_rejected_for_their_reason();
//! ```
//!
//! Every strategy knows what it generates *by construction*: an invalid name is built from a
//! valid prefix, one offending character at a known position and any suffix, so its
//! [`NameRejection`](crate::NameRejection) is computed by the strategy, never by asking the
//! validator it is meant to test. The same holds for the [`BodyFlaw`] of an invalid body.
//!
//! Every strategy shrinks to a short, readable counterexample: the empty name, one offending
//! character, `{}`.
//!
//! # Names in URLs
//!
//! Send a generated name in a URL with [`percent_encode_segment`](crate::percent_encode_segment),
//! so that a name holding `/`, `?`, `#` or `%` stays one path segment. Invalid names can be
//! exactly `"."` or `".."`: URL parsers treat those segments as "this directory" and "the parent
//! directory" and remove them before a request is sent, so such a name never reaches a server
//! as a name. Filter them out of properties that go over HTTP (names that merely hold `..`, such
//! as `a..b`, are sent as they are):
//!
//! ```
//! use proptest::prelude::*;
//! use zis_contract::strategy::{invalid_integration_name, is_dot_segment};
//!
//! let sendable = invalid_integration_name()
//!     .prop_filter("a dot segment is removed from a URL", |name| !is_dot_segment(name));
//! ```

mod body;
mod json;
mod model;
mod name;

pub use body::{BodyFlaw, InvalidBody, ValidBody, invalid_request_body, valid_request_body};
pub use model::{
    create_integration_request, credentials, error_envelope, error_item, integration, interaction, oauth_client,
};
pub use name::{
    invalid_integration_name, invalid_integration_name_with_reason, is_dot_segment, valid_integration_name,
};

use proptest::collection::vec;
use proptest::prelude::*;

/// Any Unicode text of up to `max_chars` characters: control characters, quotes, backslashes,
/// characters outside the Basic Multilingual Plane and all (proptest's `any::<char>()` favours
/// the characters that break things).
fn any_text(max_chars: usize) -> impl Strategy<Value = String> {
    vec(any::<char>(), 0..=max_chars).prop_map(String::from_iter)
}
