//! The JSON bodies of Create Integration, as documented.

use serde::{Deserialize, Serialize};

/// The request body of Create Integration: a JSON object whose only documented field is an optional
/// `description`.
///
/// ```
/// use zis_contract::CreateIntegrationRequest;
///
/// let body: CreateIntegrationRequest = serde_json::from_str(r#"{"description":"example integration"}"#)?;
/// assert_eq!(body.description.as_deref(), Some("example integration"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateIntegrationRequest {
    /// The description of the integration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// The 200 body of Create Integration: the integration ZIS registered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Integration {
    /// The description of the integration.
    pub description: String,
    /// The public key of the JWT (an RSA public key in PEM form on the live API).
    pub jwt_public_key: String,
    /// The OAuth client ZIS creates for the integration.
    pub zendesk_oauth_client: OAuthClient,
}

/// The OAuth client ZIS creates for a new integration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthClient {
    /// The client's numeric id.
    pub id: u64,
    /// `zis_` followed by the integration name.
    pub identifier: String,
    /// The client secret.
    pub secret: String,
}

/// The body of every error answer: `{"errors":[{"code","detail","status"}],"message"}`.
///
/// ```
/// use zis_contract::ErrorEnvelope;
///
/// let body = ErrorEnvelope::single(401, "1001", "Unauthorized", "bad credentials");
/// assert_eq!(
///     serde_json::to_string(&body)?,
///     r#"{"errors":[{"code":"1001","detail":"bad credentials","status":"401"}],"message":"Unauthorized"}"#
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorEnvelope {
    /// One item per error; the API sends one.
    pub errors: Vec<ErrorItem>,
    /// A summary of the error.
    pub message: String,
}

impl ErrorEnvelope {
    /// An envelope holding one error item.
    pub fn single(status: u16, code: impl Into<String>, message: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            errors: vec![ErrorItem { code: code.into(), detail: detail.into(), status: status.to_string() }],
            message: message.into(),
        }
    }
}

/// One error of an [`ErrorEnvelope`]. All three fields are strings, `status` too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorItem {
    /// The documented error code: `1010` (400), `1001` (401), `1050` (500).
    pub code: String,
    /// What went wrong, in words.
    pub detail: String,
    /// The HTTP status, as a string.
    pub status: String,
}

/// The documented error codes.
pub mod code {
    /// 400 Bad Request.
    pub const BAD_REQUEST: &str = "1010";
    /// 401 Unauthorized.
    pub const UNAUTHORIZED: &str = "1001";
    /// 500 Internal Server Error.
    pub const SERVER_ERROR: &str = "1050";
}
