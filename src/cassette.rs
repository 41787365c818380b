//! Cassettes: recorded interactions on disk, loaded with errors that name the file and line,
//! written atomically, never overwritten by accident, and never holding a known secret.
//!
//! # The format
//!
//! A cassette is one pretty-printed JSON file. Keys are in a stable (alphabetical) order, so a
//! re-recording that changed nothing changes nothing on disk:
//!
//! ```json
//! {
//!   "interactions": [
//!     {
//!       "name": "post_acme_sync_200",
//!       "request": {
//!         "body": { "description": "example integration" },
//!         "headers": { "authorization": "Basic <redacted>", "content-type": "application/json" },
//!         "method": "POST",
//!         "path": "/api/services/zis/registry/acme_sync"
//!       },
//!       "response": {
//!         "body": { "description": "example integration", "jwt_public_key": "<redacted>", "...": "..." },
//!         "headers": { "content-type": "application/json" },
//!         "status": 200
//!       },
//!       "source": { "kind": "recorded", "recorded_at": "2026-12-04T20:07:05Z" }
//!     }
//!   ],
//!   "metadata": {
//!     "harness_version": "0.1.0",
//!     "recorded_at": "2026-12-04T20:07:05Z",
//!     "source": "recorded from https://<subdomain>.zendesk.com"
//!   }
//! }
//! ```
//!
//! Each entry of `interactions` is an [`Interaction`], the same unit as the files in
//! `fixtures/`: a JSON body is stored as JSON under `body`, any other body as text under
//! `body_text`, an empty body not at all. `metadata` says when the cassette was recorded (RFC
//! 3339, UTC), by which version of the harness, and from where (the upstream with its host
//! redacted).

use crate::interaction::Interaction;
use crate::redact::{Leak, Secrets};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Recorded interactions and where they came from: the content of one cassette file.
///
/// ```
/// use zis_contract::{fixtures, Cassette, Overwrite, Secrets};
///
/// let dir = std::env::temp_dir().join(format!("zis-contract-doc-{}", std::process::id()));
/// let path = dir.join("example.json");
/// let mut cassette = Cassette::new("copied from the embedded fixtures");
/// cassette.interactions.push(fixtures::get("created").unwrap().clone());
///
/// cassette.save(&path, Overwrite::Never, &Secrets::new())?;
/// assert_eq!(Cassette::load(&path)?, cassette);
/// assert!(cassette.save(&path, Overwrite::Never, &Secrets::new()).is_err(), "never overwritten by accident");
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), zis_contract::CassetteError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cassette {
    /// The interactions, in the order they were recorded.
    pub interactions: Vec<Interaction>,
    /// When, by what and from where.
    pub metadata: Metadata,
}

/// The metadata of a [`Cassette`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    /// The version of zis-contract that wrote the cassette.
    pub harness_version: String,
    /// When the cassette was (last) recorded, RFC 3339 in UTC.
    pub recorded_at: String,
    /// Where the interactions came from, such as `recorded from https://<subdomain>.zendesk.com`.
    pub source: String,
}

/// Whether writing may replace a file that exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Overwrite {
    /// Fail with [`CassetteError::Exists`] when the file exists.
    Never,
    /// Replace the file (atomically: readers see the old file or the new one, never half).
    Replace,
}

impl Cassette {
    /// An empty cassette recorded now by this version of the harness, from `source`.
    pub fn new(source: impl Into<String>) -> Self {
        Self {
            interactions: Vec::new(),
            metadata: Metadata {
                harness_version: env!("CARGO_PKG_VERSION").to_owned(),
                recorded_at: now_rfc3339(),
                source: source.into(),
            },
        }
    }

    /// Reads the cassette at `path`.
    ///
    /// # Errors
    ///
    /// [`CassetteError::Read`] when the file cannot be read, [`CassetteError::Parse`] (with the
    /// line and column) when it is not a cassette.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, CassetteError> {
        let path = path.as_ref();
        parse(path, &read(path)?)
    }

    /// Writes the cassette to `path` as pretty JSON: atomically, only over an existing file when
    /// `overwrite` allows, and only when the written text holds none of `secrets`.
    ///
    /// # Errors
    ///
    /// [`CassetteError::Exists`], [`CassetteError::Leak`] (nothing is written), or
    /// [`CassetteError::Write`].
    pub fn save(&self, path: impl AsRef<Path>, overwrite: Overwrite, secrets: &Secrets) -> Result<(), CassetteError> {
        write_json(path.as_ref(), self, overwrite, secrets)
    }
}

/// The interactions at `path`: a cassette file, a single interaction file (like those in
/// `fixtures/`), or a folder whose `*.json` files are either (in file-name order; subfolders are
/// not read).
///
/// # Errors
///
/// As [`Cassette::load`], for the first file that cannot be read; [`CassetteError::Empty`] for a
/// folder without interactions.
pub fn load_interactions(path: impl AsRef<Path>) -> Result<Vec<Interaction>, CassetteError> {
    let path = path.as_ref();
    if !path.is_dir() {
        return load_file(path);
    }
    let entries = std::fs::read_dir(path).map_err(|source| CassetteError::Read { file: path.to_owned(), source })?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| CassetteError::Read { file: path.to_owned(), source })?;
        let file = entry.path();
        if file.is_file() && file.extension().is_some_and(|extension| extension == "json") {
            files.push(file);
        }
    }
    files.sort();
    let mut interactions = Vec::new();
    for file in files {
        interactions.extend(load_file(&file)?);
    }
    if interactions.is_empty() {
        return Err(CassetteError::Empty { file: path.to_owned() });
    }
    Ok(interactions)
}

fn load_file(path: &Path) -> Result<Vec<Interaction>, CassetteError> {
    let text = read(path)?;
    let is_cassette = serde_json::from_str::<serde_json::Value>(&text)
        .map_err(|err| parse_error(path, &err))?
        .get("interactions")
        .is_some();
    if is_cassette {
        return Ok(parse(path, &text)?.interactions);
    }
    serde_json::from_str::<Interaction>(&text)
        .map(|interaction| vec![interaction])
        .map_err(|err| parse_error(path, &err))
}

fn read(path: &Path) -> Result<String, CassetteError> {
    std::fs::read_to_string(path).map_err(|source| CassetteError::Read { file: path.to_owned(), source })
}

fn parse(path: &Path, text: &str) -> Result<Cassette, CassetteError> {
    serde_json::from_str(text).map_err(|err| parse_error(path, &err))
}

fn parse_error(path: &Path, err: &serde_json::Error) -> CassetteError {
    CassetteError::Parse { file: path.to_owned(), line: err.line(), column: err.column(), message: err.to_string() }
}

/// Writes `value` to `path` as pretty JSON, atomically: the text is scanned for every one of
/// `secrets` before anything is written (text that would leak is never written, not even to a
/// temporary file); then it goes to a temporary file in the same folder, which is read back and
/// scanned again, and only then renamed over (or, with [`Overwrite::Never`], linked to) `path`.
///
/// # Errors
///
/// [`CassetteError::Exists`], [`CassetteError::Leak`], or [`CassetteError::Write`]; in each
/// case `path` is as it was.
pub fn write_json(
    path: &Path,
    value: &impl Serialize,
    overwrite: Overwrite,
    secrets: &Secrets,
) -> Result<(), CassetteError> {
    let write_error = |source| CassetteError::Write { file: path.to_owned(), source };
    if overwrite == Overwrite::Never && path.exists() {
        return Err(CassetteError::Exists { file: path.to_owned() });
    }
    let mut text = serde_json::to_string_pretty(value).map_err(|err| write_error(std::io::Error::other(err)))?;
    text.push('\n');
    // The text is scanned before anything touches the disk, so that no file (not even a
    // temporary one a killed process would leave behind) ever holds a secret.
    check_for_leaks(path, &text, secrets)?;
    let folder = match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(folder).map_err(write_error)?;
    let temporary = TemporaryFile::create(folder, path, &text).map_err(write_error)?;
    // And what reached the disk is read back and scanned again before it takes the file's name.
    let written = std::fs::read_to_string(&temporary.0).map_err(write_error)?;
    check_for_leaks(path, &written, secrets)?;
    temporary.persist(path, overwrite)
}

/// [`CassetteError::Leak`] when `text`, to be written to `path`, holds one of `secrets`.
fn check_for_leaks(path: &Path, text: &str, secrets: &Secrets) -> Result<(), CassetteError> {
    let document = serde_json::from_str(text)
        .map_err(|err| CassetteError::Write { file: path.to_owned(), source: std::io::Error::other(err) })?;
    let leaks = secrets.leaks(&document);
    if leaks.is_empty() { Ok(()) } else { Err(CassetteError::Leak { file: path.to_owned(), leaks }) }
}

/// A temporary file next to its target, removed on drop unless persisted.
struct TemporaryFile(PathBuf);

impl TemporaryFile {
    fn create(folder: &Path, target: &Path, text: &str) -> std::io::Result<Self> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let name = target.file_name().map_or_else(|| "cassette".into(), |name| name.to_string_lossy());
        let unique = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = folder.join(format!(".{name}.{}.{unique}.tmp", std::process::id()));
        let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&path)?;
        let temporary = Self(path);
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        Ok(temporary)
    }

    fn persist(self, target: &Path, overwrite: Overwrite) -> Result<(), CassetteError> {
        let write_error = |source| CassetteError::Write { file: target.to_owned(), source };
        match overwrite {
            Overwrite::Replace => std::fs::rename(&self.0, target).map_err(write_error),
            // A hard link fails when the target exists, so no file created meanwhile is lost.
            Overwrite::Never => match std::fs::hard_link(&self.0, target) {
                Ok(()) => Ok(()),
                Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
                    Err(CassetteError::Exists { file: target.to_owned() })
                }
                // A file system without hard links: check, then rename.
                Err(_) if target.exists() => Err(CassetteError::Exists { file: target.to_owned() }),
                Err(_) => std::fs::rename(&self.0, target).map_err(write_error),
            },
        }
    }
}

impl Drop for TemporaryFile {
    fn drop(&mut self) {
        // Gone already after a rename; otherwise it must not stay behind.
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Why a cassette or fixture file could not be read or written.
#[derive(Debug)]
#[non_exhaustive]
pub enum CassetteError {
    /// The file (or folder) cannot be read.
    Read {
        /// The file.
        file: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid JSON, or not a cassette or interaction.
    Parse {
        /// The file.
        file: PathBuf,
        /// The line (1-based) where reading stopped.
        line: usize,
        /// The column (1-based).
        column: usize,
        /// What is wrong there.
        message: String,
    },
    /// A folder holds no interactions: no interaction file, and no cassette holding any.
    Empty {
        /// The folder.
        file: PathBuf,
    },
    /// The file exists, and the mode does not allow replacing it.
    Exists {
        /// The file.
        file: PathBuf,
    },
    /// The text to write holds known secrets; nothing was written.
    Leak {
        /// The file that was not written.
        file: PathBuf,
        /// Each secret found, and where.
        leaks: Vec<Leak>,
    },
    /// The file cannot be written.
    Write {
        /// The file.
        file: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl fmt::Display for CassetteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Read { file, source } => write!(f, "cannot read {}: {source}", file.display()),
            Self::Parse { file, line, column, message } => {
                // serde_json ends its messages with " at line L column C", which the prefix says.
                let message = message.split(" at line ").next().unwrap_or(message);
                write!(f, "{}:{line}:{column}: not a cassette or interaction: {message}", file.display())
            }
            Self::Empty { file } => {
                write!(
                    f,
                    "{} holds no interactions (no *.json interaction file, nor a cassette with any)",
                    file.display()
                )
            }
            Self::Exists { file } => write!(
                f,
                "{} exists; refusing to overwrite it (re-record with ZIS_CONTRACT_RECORD=all, or remove it first)",
                file.display()
            ),
            Self::Leak { file, leaks } => {
                write!(f, "refusing to write {}: it would hold ", file.display())?;
                let leaks: Vec<String> = leaks.iter().map(ToString::to_string).collect();
                write!(f, "{}; nothing was written (add a redaction for it)", leaks.join(", "))
            }
            Self::Write { file, source } => write!(f, "cannot write {}: {source}", file.display()),
        }
    }
}

impl std::error::Error for CassetteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Read { source, .. } | Self::Write { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// The current time as RFC 3339 in UTC, to the second: `2026-12-04T20:07:05Z`.
pub(crate) fn now_rfc3339() -> String {
    let seconds = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |since| since.as_secs());
    rfc3339(seconds)
}

/// `seconds` since the Unix epoch as RFC 3339 in UTC (the civil-from-days algorithm).
fn rfc3339(seconds: u64) -> String {
    let days = (seconds / 86_400) as i64;
    let time = seconds % 86_400;
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 { month_index + 3 } else { month_index - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", time / 3600, time % 3600 / 60, time % 60)
}

#[cfg(test)]
mod tests {
    use super::rfc3339;

    #[test]
    fn timestamps_are_rfc3339_in_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_796_242_025), "2026-12-02T20:07:05Z");
    }
}
