//! The upstream a recording forwards to: a scheme and a host, such as `https://acme.zendesk.com`.

use std::fmt;

/// Where recordings are forwarded: `http` or `https`, a host and an optional port, no path.
///
/// The host names the account (its subdomain), so recordings never hold it: they hold
/// [`Upstream::placeholder`] instead.
///
/// ```
/// use zis_contract::Upstream;
///
/// let upstream: Upstream = "https://acme.zendesk.com/".parse()?;
/// assert_eq!(upstream.url("/api/services/zis/registry/x"), "https://acme.zendesk.com/api/services/zis/registry/x");
/// assert_eq!(upstream.subdomain(), Some("acme"));
/// assert_eq!(upstream.redacted(), "https://<subdomain>.zendesk.com");
/// assert!("acme.zendesk.com".parse::<Upstream>().is_err(), "the scheme is required");
/// # Ok::<(), zis_contract::UpstreamError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upstream {
    scheme: String,
    /// The host with its port, if one was given: `acme.zendesk.com:443`.
    host: String,
    /// The host without its port: `acme.zendesk.com`.
    hostname: String,
}

/// What recordings hold instead of a Zendesk account's host.
pub(crate) const SUBDOMAIN_PLACEHOLDER: &str = "<subdomain>.zendesk.com";

/// What recordings hold instead of any other upstream host.
pub(crate) const UPSTREAM_PLACEHOLDER: &str = "<upstream>";

/// The suffix of Zendesk account hosts.
const ZENDESK_SUFFIX: &str = ".zendesk.com";

impl Upstream {
    /// Parses `scheme://host[:port]`, with at most a trailing `/`.
    pub fn parse(url: &str) -> Result<Self, UpstreamError> {
        let invalid =
            |why: &str| UpstreamError(format!("{why}: {url:?}; expected one like https://SUBDOMAIN.zendesk.com"));
        let uri: http::Uri = url.trim().parse().map_err(|_| invalid("not a URL"))?;
        let scheme = match uri.scheme_str() {
            Some(scheme @ ("http" | "https")) => scheme.to_owned(),
            Some(_) => return Err(invalid("the scheme must be http or https")),
            None => return Err(invalid("no scheme")),
        };
        let authority = uri.authority().filter(|authority| !authority.host().is_empty());
        let Some(authority) = authority else { return Err(invalid("no host")) };
        let (host, hostname) = (authority.as_str(), authority.host());
        if host.contains('@') {
            return Err(invalid("credentials do not belong in the URL (they come from the client or --token-env)"));
        }
        if !matches!(uri.path(), "" | "/") || uri.query().is_some() {
            return Err(invalid("the upstream takes no path or query"));
        }
        Ok(Self { scheme, host: host.to_ascii_lowercase(), hostname: hostname.to_ascii_lowercase() })
    }

    /// The full URL of `path_and_query` (which starts with `/`) on the upstream.
    pub fn url(&self, path_and_query: &str) -> String {
        format!("{}://{}{path_and_query}", self.scheme, self.host)
    }

    /// The host, with its port if one was given.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The host without its port.
    ///
    /// ```
    /// use zis_contract::Upstream;
    ///
    /// let upstream: Upstream = "https://acme.zendesk.com:443".parse()?;
    /// assert_eq!((upstream.host(), upstream.hostname()), ("acme.zendesk.com:443", "acme.zendesk.com"));
    /// assert_eq!(upstream.subdomain(), Some("acme"));
    /// # Ok::<(), zis_contract::UpstreamError>(())
    /// ```
    pub fn hostname(&self) -> &str {
        &self.hostname
    }

    /// The account's subdomain, for a host under `zendesk.com` (with or without a port).
    pub fn subdomain(&self) -> Option<&str> {
        self.hostname.strip_suffix(ZENDESK_SUFFIX).filter(|subdomain| !subdomain.is_empty())
    }

    /// What recordings hold instead of the host: `<subdomain>.zendesk.com` for a Zendesk host,
    /// `<upstream>` for any other.
    pub fn placeholder(&self) -> &'static str {
        if self.subdomain().is_some() { "<subdomain>.zendesk.com" } else { "<upstream>" }
    }

    /// The URL with the host replaced by its placeholder, as recordings name their source.
    pub fn redacted(&self) -> String {
        format!("{}://{}", self.scheme, self.placeholder())
    }
}

impl fmt::Display for Upstream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}", self.scheme, self.host)
    }
}

impl std::str::FromStr for Upstream {
    type Err = UpstreamError;

    fn from_str(url: &str) -> Result<Self, Self::Err> {
        Self::parse(url)
    }
}

/// An upstream URL that cannot be used, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamError(pub String);

impl fmt::Display for UpstreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "upstream {}", self.0)
    }
}

impl std::error::Error for UpstreamError {}
