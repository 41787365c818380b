//! The integration name: the one path parameter of Create Integration.

use std::fmt;

/// The longest integration name the API accepts, in characters.
pub const MAX_NAME_LENGTH: usize = 64;

/// A valid integration name: 1 to 64 characters of `a-z`, `0-9`, `-` and `_`.
///
/// The only way to get one is [`IntegrationName::parse`] (or [`str::parse`]), so holding an
/// `IntegrationName` proves the name obeys the documented rule.
///
/// ```
/// use zis_contract::{IntegrationName, NameRejection};
///
/// let name = IntegrationName::parse("acme_sync-2")?;
/// assert_eq!(name.oauth_identifier(), "zis_acme_sync-2");
///
/// let err = IntegrationName::parse("Acme").unwrap_err();
/// assert_eq!(err, NameRejection::UpperCase { character: 'A', position: 1 });
/// assert_eq!(
///     err.to_string(),
///     "integration name has upper-case 'A' at character 1; only lower-case letters are allowed (try 'a')"
/// );
/// # Ok::<(), NameRejection>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IntegrationName(String);

impl IntegrationName {
    /// Checks `name` against the documented rule and wraps it, or says why it is rejected.
    ///
    /// Characters are checked first (the first offending one is named), then the length.
    pub fn parse(name: impl Into<String>) -> Result<Self, NameRejection> {
        let name = name.into();
        match NameRejection::of(&name) {
            Some(rejection) => Err(rejection),
            None => Ok(Self(name)),
        }
    }

    /// The name as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The identifier of the OAuth client ZIS creates for this integration: `zis_` + name.
    pub fn oauth_identifier(&self) -> String {
        format!("zis_{}", self.0)
    }
}

impl fmt::Display for IntegrationName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for IntegrationName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for IntegrationName {
    type Err = NameRejection;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl From<IntegrationName> for String {
    fn from(name: IntegrationName) -> Self {
        name.0
    }
}

/// Why a string is not a valid integration name.
///
/// Positions count characters (not bytes) from 1, as a person reading the name would.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum NameRejection {
    /// The name is empty.
    Empty,
    /// The name holds an upper-case ASCII letter; the lower-case one would be allowed.
    UpperCase {
        /// The offending letter.
        character: char,
        /// Its position, counted in characters from 1.
        position: usize,
    },
    /// The name holds a character outside `a-z`, `0-9`, `-` and `_`.
    ForbiddenCharacter {
        /// The offending character.
        character: char,
        /// Its position, counted in characters from 1.
        position: usize,
    },
    /// The name is longer than [`MAX_NAME_LENGTH`] characters.
    TooLong {
        /// The name's length in characters.
        length: usize,
    },
}

impl NameRejection {
    /// The rejection of `name`, or `None` when it is a valid integration name.
    pub fn of(name: &str) -> Option<Self> {
        if name.is_empty() {
            return Some(Self::Empty);
        }
        let mut length = 0;
        for (index, character) in name.chars().enumerate() {
            let position = index + 1;
            length = position;
            if character.is_ascii_uppercase() {
                return Some(Self::UpperCase { character, position });
            }
            if !is_allowed(character) {
                return Some(Self::ForbiddenCharacter { character, position });
            }
        }
        (length > MAX_NAME_LENGTH).then_some(Self::TooLong { length })
    }

    /// A short name for the rule that was broken, stable enough to match on in reports.
    pub fn rule(&self) -> &'static str {
        match self {
            Self::Empty => "name must not be empty",
            Self::UpperCase { .. } => "name must be lower case",
            Self::ForbiddenCharacter { .. } => "name may only hold a-z, 0-9, '-' and '_'",
            Self::TooLong { .. } => "name must be at most 64 characters",
        }
    }
}

/// Whether `character` may appear in an integration name.
fn is_allowed(character: char) -> bool {
    matches!(character, 'a'..='z' | '0'..='9' | '-' | '_')
}

impl fmt::Display for NameRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => write!(
                f,
                "integration name is empty; it must be 1 to {MAX_NAME_LENGTH} characters of a-z, 0-9, '-' and '_'"
            ),
            Self::UpperCase { character, position } => write!(
                f,
                "integration name has upper-case {character:?} at character {position}; \
                 only lower-case letters are allowed (try {:?})",
                character.to_ascii_lowercase()
            ),
            Self::ForbiddenCharacter { character, position } => write!(
                f,
                "integration name has {character:?} at character {position}; \
                 only a-z, 0-9, '-' and '_' are allowed"
            ),
            Self::TooLong { length } => {
                write!(f, "integration name is {length} characters long; at most {MAX_NAME_LENGTH} are allowed")
            }
        }
    }
}

impl std::error::Error for NameRejection {}
