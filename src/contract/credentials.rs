//! Credentials, as sent in the `Authorization` header.

use base64::Engine as _;
use std::fmt;

/// Basic-auth credentials: `email:password`, or `email/token:api_token` for an API token.
///
/// `Debug` and `Display` never show the secret.
///
/// ```
/// use zis_contract::{Credentials, SecretKind};
///
/// // "admin@example.com/token:abc", base64-encoded
/// let header = "Basic YWRtaW5AZXhhbXBsZS5jb20vdG9rZW46YWJj";
/// let credentials = Credentials::from_authorization(header.as_bytes())?;
/// assert_eq!(credentials.email(), "admin@example.com");
/// assert_eq!(credentials.kind(), SecretKind::ApiToken);
/// assert_eq!(credentials.to_string(), "admin@example.com/token:***");
/// # Ok::<(), zis_contract::CredentialsError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Credentials {
    email: String,
    kind: SecretKind,
    secret: String,
}

/// Whether the secret of [`Credentials`] is a password or an API token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecretKind {
    /// `email:password`.
    Password,
    /// `email/token:api_token`.
    ApiToken,
}

impl Credentials {
    /// Credentials for `email` with a password.
    pub fn password(email: impl Into<String>, password: impl Into<String>) -> Self {
        Self { email: email.into(), kind: SecretKind::Password, secret: password.into() }
    }

    /// Credentials for `email` with an API token.
    pub fn api_token(email: impl Into<String>, token: impl Into<String>) -> Self {
        Self { email: email.into(), kind: SecretKind::ApiToken, secret: token.into() }
    }

    /// Parses the basic-auth user part: `email:password` or `email/token:api_token`.
    ///
    /// This is also the form the `serve --user` flag takes.
    pub fn parse_user_pass(user_pass: &str) -> Result<Self, CredentialsError> {
        let (user, secret) = user_pass.split_once(':').ok_or(CredentialsError::NoColon)?;
        let (email, kind) = match user.strip_suffix("/token") {
            Some(email) => (email, SecretKind::ApiToken),
            None => (user, SecretKind::Password),
        };
        if email.is_empty() {
            return Err(CredentialsError::EmptyEmail);
        }
        if secret.is_empty() {
            return Err(CredentialsError::EmptySecret);
        }
        Ok(Self { email: email.to_owned(), kind, secret: secret.to_owned() })
    }

    /// Parses the raw value of an `Authorization` header: `Basic base64(user:secret)`.
    pub fn from_authorization(value: &[u8]) -> Result<Self, CredentialsError> {
        let value = std::str::from_utf8(value).map_err(|_| CredentialsError::NotUtf8)?.trim();
        // A value without a scheme may be a bare secret: it is never echoed back.
        let (scheme, encoded) = match value.split_once(' ') {
            Some(parts) => parts,
            None if value.eq_ignore_ascii_case("basic") => return Err(CredentialsError::NoCredentials),
            None => return Err(CredentialsError::NoScheme),
        };
        if !scheme.eq_ignore_ascii_case("basic") {
            let looks_like_a_scheme =
                scheme.len() <= 20 && scheme.bytes().all(|byte| byte.is_ascii_alphabetic() || byte == b'-');
            return Err(if looks_like_a_scheme {
                CredentialsError::UnknownScheme(scheme.to_owned())
            } else {
                CredentialsError::NoScheme
            });
        }
        let encoded = encoded.trim();
        if encoded.is_empty() {
            return Err(CredentialsError::NoCredentials);
        }
        let decoded =
            base64::engine::general_purpose::STANDARD.decode(encoded).map_err(|_| CredentialsError::NotBase64)?;
        let user_pass = String::from_utf8(decoded).map_err(|_| CredentialsError::NotUtf8)?;
        Self::parse_user_pass(&user_pass)
    }

    /// The `Authorization` header value a client sends for these credentials.
    pub fn authorization(&self) -> String {
        let encoded = base64::engine::general_purpose::STANDARD.encode(self.user_pass());
        format!("Basic {encoded}")
    }

    /// `email:password` or `email/token:api_token`.
    pub fn user_pass(&self) -> String {
        format!("{}{}:{}", self.email, self.kind.user_suffix(), self.secret)
    }

    /// The user's email address.
    pub fn email(&self) -> &str {
        &self.email
    }

    /// Whether the secret is a password or an API token.
    pub fn kind(&self) -> SecretKind {
        self.kind
    }

    /// The password or API token.
    pub fn secret(&self) -> &str {
        &self.secret
    }
}

impl SecretKind {
    fn user_suffix(self) -> &'static str {
        match self {
            Self::Password => "",
            Self::ApiToken => "/token",
        }
    }
}

impl fmt::Display for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}:***", self.email, self.kind.user_suffix())
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("email", &self.email)
            .field("kind", &self.kind)
            .field("secret", &"***")
            .finish()
    }
}

/// Why an `Authorization` header holds no usable credentials. Each is a 401 with code 1001.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialsError {
    /// No `Authorization` header.
    Missing,
    /// The header, or its decoded value, is not UTF-8.
    NotUtf8,
    /// The header has no `SCHEME credentials` form (its value is never echoed: it may be a bare
    /// secret).
    NoScheme,
    /// The scheme is not `Basic`, such as `Bearer`.
    UnknownScheme(String),
    /// `Basic` with nothing after it.
    NoCredentials,
    /// What follows `Basic` is not base64.
    NotBase64,
    /// The decoded value has no `:` between user and secret.
    NoColon,
    /// The email before the `:` (or before `/token`) is empty.
    EmptyEmail,
    /// The password or token after the `:` is empty.
    EmptySecret,
    /// Well-formed, but not one of the users the server was configured with.
    Unknown,
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing => {
                f.write_str("no Authorization header; send basic auth (email:password or email/token:api_token)")
            }
            Self::NotUtf8 => f.write_str("the Authorization header is not valid UTF-8"),
            Self::NoScheme => f.write_str(
                "the Authorization header is not \"Basic <base64 of email:password or email/token:api_token>\"",
            ),
            Self::UnknownScheme(scheme) => write!(f, "the Authorization scheme is {scheme:?}; expected \"Basic\""),
            Self::NoCredentials => f.write_str("the Authorization header says \"Basic\" and nothing after it"),
            Self::NotBase64 => f.write_str("the Basic credentials are not valid base64"),
            Self::NoColon => f.write_str("the Basic credentials have no ':' between user and secret"),
            Self::EmptyEmail => f.write_str("the Basic credentials have an empty email"),
            Self::EmptySecret => f.write_str("the Basic credentials have an empty password or token"),
            Self::Unknown => f.write_str("the credentials are not those of a known user"),
        }
    }
}

impl std::error::Error for CredentialsError {}
