//! The contract's types, and the recorded interactions built from them, for round-trip
//! properties and for clients that parse what the API sends.

use super::any_text;
use super::json::json_value;
use super::name::valid_integration_name;
use crate::contract::{CreateIntegrationRequest, Credentials, ErrorEnvelope, ErrorItem, Integration, OAuthClient};
use crate::interaction::{Body, Interaction, RecordedRequest, RecordedResponse, Source, SourceKind};
use proptest::char::range;
use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;

/// A Create Integration request: with or without a description of any Unicode text.
///
/// ```
/// use proptest::prelude::*;
/// use zis_contract::strategy::create_integration_request;
/// use zis_contract::CreateIntegrationRequest;
///
/// proptest!(ProptestConfig::with_cases(32), |(request in create_integration_request())| {
///     let json = serde_json::to_string(&request)?;
///     prop_assert_eq!(serde_json::from_str::<CreateIntegrationRequest>(&json)?, request);
/// });
/// ```
pub fn create_integration_request() -> impl Strategy<Value = CreateIntegrationRequest> {
    option::of(any_text(48)).prop_map(|description| CreateIntegrationRequest { description })
}

/// A 200 body: any description and key, and an [`oauth_client`].
pub fn integration() -> impl Strategy<Value = Integration> {
    (any_text(48), any_text(48), oauth_client()).prop_map(|(description, jwt_public_key, zendesk_oauth_client)| {
        Integration { description, jwt_public_key, zendesk_oauth_client }
    })
}

/// An OAuth client: any id and secret, and `zis_` followed by a valid integration name as its
/// identifier, as the API makes it.
pub fn oauth_client() -> impl Strategy<Value = OAuthClient> {
    (any::<u64>(), valid_integration_name(), any_text(32)).prop_map(|(id, name, secret)| OAuthClient {
        id,
        identifier: format!("zis_{name}"),
        secret,
    })
}

/// An error body with one to three [`error_item`]s and any message.
pub fn error_envelope() -> impl Strategy<Value = ErrorEnvelope> {
    (vec(error_item(), 1..=3), any_text(32)).prop_map(|(errors, message)| ErrorEnvelope { errors, message })
}

/// An error item: a documented code with its status, or any other strings, and any detail.
pub fn error_item() -> impl Strategy<Value = ErrorItem> {
    let documented = select(&[("1010", "400"), ("1001", "401"), ("1050", "500")][..])
        .prop_map(|(code, status)| (code.to_owned(), status.to_owned()));
    let code_and_status = prop_oneof![documented, (any_text(6), any_text(4))];
    (code_and_status, any_text(48)).prop_map(|((code, status), detail)| ErrorItem { code, detail, status })
}

/// Basic-auth credentials: an email address and a password or API token of any text.
///
/// Emails hold no `:` and do not end in `/token`, which the `email:secret` and
/// `email/token:secret` forms could not tell apart.
///
/// ```
/// use proptest::prelude::*;
/// use zis_contract::strategy::credentials;
/// use zis_contract::Credentials;
///
/// proptest!(ProptestConfig::with_cases(32), |(credentials in credentials())| {
///     let header = credentials.authorization();
///     prop_assert_eq!(Credentials::from_authorization(header.as_bytes())?, credentials);
/// });
/// ```
pub fn credentials() -> impl Strategy<Value = Credentials> {
    let secret = vec(any::<char>(), 1..=32).prop_map(String::from_iter);
    (email(), secret, any::<bool>()).prop_map(|(email, secret, api_token)| {
        if api_token { Credentials::api_token(email, secret) } else { Credentials::password(email, secret) }
    })
}

fn email() -> impl Strategy<Value = String> {
    let local = prop_oneof![4 => range('a', 'z'), 1 => range('0', '9'), 1 => select(&['.', '+', '_', '-'][..])];
    let label = prop_oneof![4 => range('a', 'z'), 1 => range('0', '9'), 1 => Just('-')];
    (vec(local, 1..=16), vec(label, 1..=12), vec(range('a', 'z'), 2..=6)).prop_map(|(local, domain, top)| {
        format!("{}@{}.{}", String::from_iter(local), String::from_iter(domain), String::from_iter(top))
    })
}

/// A recorded interaction of any content: any method, path, headers and text, and bodies that
/// are empty, any JSON value (`null` included) or any text.
pub fn interaction() -> impl Strategy<Value = Interaction> {
    let request = (body(), headers(), method(), any_text(32))
        .prop_map(|(body, headers, method, path)| RecordedRequest { body, headers, method, path });
    let response = (body(), headers(), 100..=599u16).prop_map(|(body, headers, status)| RecordedResponse {
        body,
        headers,
        status,
    });
    let kind = select(&[SourceKind::Documentation, SourceKind::Observed, SourceKind::Recorded][..]);
    let source = (kind, any_text(32), option::of(any_text(24))).prop_map(|(kind, note, recorded_at)| Source {
        kind,
        note,
        recorded_at,
    });
    (any_text(24), request, response, source).prop_map(|(name, request, response, source)| Interaction {
        name,
        request,
        response,
        source,
    })
}

fn body() -> impl Strategy<Value = Body> {
    prop_oneof![Just(Body::Empty), json_value().prop_map(Body::Json), any_text(48).prop_map(Body::Text)]
}

fn headers() -> impl Strategy<Value = std::collections::BTreeMap<String, String>> {
    let header_name = vec(prop_oneof![range('a', 'z'), Just('-')], 1..=16).prop_map(String::from_iter);
    btree_map(header_name, any_text(24), 0..=4)
}

fn method() -> impl Strategy<Value = String> {
    prop_oneof![
        select(&["POST", "GET", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"][..]).prop_map(String::from),
        any_text(8),
    ]
}
