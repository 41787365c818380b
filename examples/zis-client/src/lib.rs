//! A small client of ZIS Create Integration, `POST /api/services/zis/registry/{integration}`,
//! written with reqwest. It is the example of a downstream crate: its tests prove it against
//! `zis-contract` the way any client crate would.
//!
//! ```no_run
//! # async fn run() -> Result<(), zis_client::CreateError> {
//! let client = zis_client::ZisClient::new("https://example.zendesk.com", "admin@example.com", "api-token");
//! let created = client.create_integration("acme_sync", "Acme sync").await?;
//! println!("OAuth client {}", created.zendesk_oauth_client.identifier);
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]

use serde::{Deserialize, Serialize};
use std::fmt;

/// A client for one Zendesk account, authenticating with an API token.
#[derive(Debug, Clone)]
pub struct ZisClient {
    http: reqwest::Client,
    base_url: String,
    email: String,
    api_token: String,
}

/// The integration ZIS registered.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Integration {
    /// The description sent.
    pub description: String,
    /// The public key of the JWT.
    pub jwt_public_key: String,
    /// The OAuth client ZIS created for the integration.
    pub zendesk_oauth_client: OAuthClient,
}

/// The OAuth client of an integration.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct OAuthClient {
    /// The numeric id.
    pub id: u64,
    /// `zis_` and the integration name.
    pub identifier: String,
    /// The client secret.
    pub secret: String,
}

/// Why an integration was not created.
#[derive(Debug)]
pub enum CreateError {
    /// 400: the name or the body was rejected.
    BadRequest(String),
    /// 401: the credentials were rejected.
    Unauthorized(String),
    /// 5xx: ZIS failed; worth retrying later.
    ServerError {
        /// The status.
        status: u16,
        /// The error detail, when the body had one.
        detail: String,
    },
    /// Any other status.
    Unexpected(u16),
    /// The request could not be sent, or the answer could not be read.
    Transport(reqwest::Error),
}

#[derive(Serialize)]
struct CreateBody<'a> {
    description: &'a str,
}

#[derive(Deserialize)]
struct ErrorBody {
    errors: Vec<ErrorItem>,
}

#[derive(Deserialize)]
struct ErrorItem {
    detail: String,
}

impl ZisClient {
    /// A client for the account at `base_url` (such as `https://example.zendesk.com`).
    pub fn new(base_url: impl Into<String>, email: impl Into<String>, api_token: impl Into<String>) -> Self {
        Self {
            http: reqwest::Client::new(),
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            email: email.into(),
            api_token: api_token.into(),
        }
    }

    /// Registers the integration `name` with `description`.
    pub async fn create_integration(&self, name: &str, description: &str) -> Result<Integration, CreateError> {
        let response = self
            .http
            .post(format!("{}/api/services/zis/registry/{name}", self.base_url))
            .basic_auth(format!("{}/token", self.email), Some(&self.api_token))
            .json(&CreateBody { description })
            .send()
            .await
            .map_err(CreateError::Transport)?;
        let status = response.status().as_u16();
        if status == 200 {
            return response.json().await.map_err(CreateError::Transport);
        }
        let detail = match response.json::<ErrorBody>().await {
            Ok(body) => body.errors.into_iter().map(|item| item.detail).collect::<Vec<_>>().join("; "),
            Err(_) => String::new(),
        };
        Err(match status {
            400 => CreateError::BadRequest(detail),
            401 => CreateError::Unauthorized(detail),
            500..=599 => CreateError::ServerError { status, detail },
            other => CreateError::Unexpected(other),
        })
    }
}

impl fmt::Display for CreateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadRequest(detail) => write!(f, "ZIS rejected the request: {detail}"),
            Self::Unauthorized(detail) => write!(f, "ZIS rejected the credentials: {detail}"),
            Self::ServerError { status, detail } => write!(f, "ZIS failed with {status}: {detail}"),
            Self::Unexpected(status) => write!(f, "ZIS answered with unexpected status {status}"),
            Self::Transport(err) => write!(f, "cannot reach ZIS: {err}"),
        }
    }
}

impl std::error::Error for CreateError {}
