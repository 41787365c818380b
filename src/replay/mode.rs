//! Record modes: whether a cassette is replayed, recorded, or both.

use std::fmt;

/// The environment variable [`RecordMode::from_env`] reads.
pub const RECORD_ENV: &str = "ZIS_CONTRACT_RECORD";

/// Whether a [cassette](crate::Cassette) is replayed, recorded, or both.
///
/// ```
/// use zis_contract::RecordMode;
///
/// assert_eq!("new_episodes".parse::<RecordMode>()?, RecordMode::NewEpisodes);
/// assert_eq!(
///     "sometimes".parse::<RecordMode>().unwrap_err().to_string(),
///     "ZIS_CONTRACT_RECORD=\"sometimes\" is not a record mode; use none, once, new_episodes or all"
/// );
/// # Ok::<(), zis_contract::UnknownRecordMode>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum RecordMode {
    /// Replay only; never touch the network. A request the cassette lacks fails with a near
    /// miss. The default, and what CI runs.
    #[default]
    None,
    /// Record when the cassette does not exist; replay it when it does.
    Once,
    /// Replay what the cassette holds and record (and append) the rest.
    NewEpisodes,
    /// Record everything again, replacing the cassette.
    All,
}

impl RecordMode {
    /// Every mode.
    pub const ALL: [RecordMode; 4] = [Self::None, Self::Once, Self::NewEpisodes, Self::All];

    /// The mode named by `ZIS_CONTRACT_RECORD`: [`RecordMode::None`] when it is unset or empty.
    ///
    /// # Errors
    ///
    /// [`UnknownRecordMode`] when it names no mode (a typo never silently replays or records).
    pub fn from_env() -> Result<Self, UnknownRecordMode> {
        match std::env::var(RECORD_ENV) {
            Ok(value) if !value.trim().is_empty() => value.trim().parse(),
            Ok(_) | Err(std::env::VarError::NotPresent) => Ok(Self::None),
            Err(std::env::VarError::NotUnicode(value)) => Err(UnknownRecordMode(value.to_string_lossy().into_owned())),
        }
    }

    /// The mode's name, as `ZIS_CONTRACT_RECORD` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Once => "once",
            Self::NewEpisodes => "new_episodes",
            Self::All => "all",
        }
    }
}

impl fmt::Display for RecordMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for RecordMode {
    type Err = UnknownRecordMode;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|mode| mode.name() == name).ok_or_else(|| UnknownRecordMode(name.to_owned()))
    }
}

/// A record mode name that names no [`RecordMode`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownRecordMode(pub String);

impl fmt::Display for UnknownRecordMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{RECORD_ENV}={:?} is not a record mode; use none, once, new_episodes or all", self.0)
    }
}

impl std::error::Error for UnknownRecordMode {}
