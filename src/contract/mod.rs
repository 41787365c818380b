//! The typed contract of Create Integration: the path's name rule, the JSON bodies and the
//! credentials.
//!
//! Everything here is plain data and parsing: no HTTP, no I/O.

mod credentials;
mod model;
mod name;

pub use credentials::{Credentials, CredentialsError, SecretKind};
pub use model::{CreateIntegrationRequest, ErrorEnvelope, ErrorItem, Integration, OAuthClient, code};
pub use name::{IntegrationName, MAX_NAME_LENGTH, NameRejection};

/// The path prefix of the integration registry; the name follows it.
pub const REGISTRY_PATH: &str = "/api/services/zis/registry/";
/// The path template of Create Integration.
pub const PATH_TEMPLATE: &str = "/api/services/zis/registry/{integration}";
