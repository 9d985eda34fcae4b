//! `.daemonset.toml`: lint settings for a repository, found like `.cargo/config.toml` by walking up from the
//! current directory (the nearest file wins; no merging of several files).
//!
//! ```toml
//! [lint]
//! enable = ["DS015", "low-user-id"]   # opt-in rules to run
//! disable = ["DS006"]                 # rules not to run
//! severity = "warning"                # report only warnings
//! nodes = 500                         # --nodes
//! deny = "warnings"                   # --deny warnings
//! ```
//!
//! Command-line flags win: `--enable X` runs X even if the file disables it, `--disable X` stops X even if the file
//! enables it, `--severity`, `--nodes` and `--deny` replace the file's values.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The name looked for in the current directory and its ancestors.
pub const FILE_NAME: &str = ".daemonset.toml";

/// The file's contents.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The `[lint]` table.
    #[serde(default)]
    pub lint: LintConfig,
}

/// The `[lint]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LintConfig {
    /// Rule ids or names to run beyond the default set.
    #[serde(default)]
    pub enable: Vec<String>,
    /// Rule ids or names not to run.
    #[serde(default)]
    pub disable: Vec<String>,
    /// `info` or `warning`.
    pub severity: Option<String>,
    /// The node count for rollout advice.
    pub nodes: Option<u32>,
    /// `warnings`: exit 1 on any warning.
    pub deny: Option<String>,
}

/// Why the configuration could not be used.
#[derive(Debug)]
pub enum ConfigError {
    /// The file could not be read.
    Io(PathBuf, std::io::Error),
    /// The file is not valid TOML of this shape.
    Invalid(PathBuf, String),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Io(path, _) => write!(f, "cannot read `{}`", path.display()),
            ConfigError::Invalid(path, message) => write!(f, "{}: {message}", path.display()),
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConfigError::Io(_, e) => Some(e),
            ConfigError::Invalid(..) => None,
        }
    }
}

/// The nearest `.daemonset.toml` in `start` or one of its ancestors.
pub fn discover(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

/// Reads and checks a configuration file.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Io(path.to_owned(), e))?;
    let config: Config = toml::from_str(&text)
        .map_err(|e| ConfigError::Invalid(path.to_owned(), e.to_string().trim_end().to_owned()))?;
    if let Some(severity) = &config.lint.severity
        && !matches!(
            daemonset::lint::Severity::parse(severity),
            Some(daemonset::lint::Severity::Info | daemonset::lint::Severity::Warning)
        )
    {
        return Err(ConfigError::Invalid(
            path.to_owned(),
            format!("lint.severity: `{severity}` is not one of `info`, `warning`"),
        ));
    }
    if let Some(deny) = &config.lint.deny
        && deny != "warnings"
    {
        return Err(ConfigError::Invalid(
            path.to_owned(),
            format!("lint.deny: `{deny}` is not `warnings`"),
        ));
    }
    Ok(config)
}
