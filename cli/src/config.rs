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

use daemonset::diagnostic::{Diagnostic, Location};
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
    /// The file cannot be read.
    Io(PathBuf, std::io::Error),
    /// The file is not TOML, has an unknown key, or a value it may not have: at its line and column when TOML
    /// says, else at its key (`lint.severity`).
    Invalid(Box<Diagnostic>),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Io(path, _) => write!(f, "{}: cannot read", path.display()),
            ConfigError::Invalid(diagnostic) => write!(f, "{diagnostic}"),
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConfigError::Io(_, e) => Some(e),
            ConfigError::Invalid(diagnostic) => diagnostic.source(),
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
    let at = |key: Option<&str>| Location {
        file: Some(path.display().to_string()),
        path: key.map(str::to_owned),
        ..Location::default()
    };
    let config: Config = toml::from_str(&text).map_err(|e| {
        let mut location = at(None);
        if let Some(span) = e.span() {
            let before = text.get(..span.start).unwrap_or(&text);
            location.line = Some(before.matches('\n').count() + 1);
            location.column = Some(before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1);
        }
        ConfigError::Invalid(Box::new(Diagnostic::error(
            location,
            e.message().trim_end(),
        )))
    })?;
    if let Some(severity) = &config.lint.severity
        && !matches!(
            daemonset::lint::Severity::parse(severity),
            Some(daemonset::lint::Severity::Info | daemonset::lint::Severity::Warning)
        )
    {
        return Err(ConfigError::Invalid(Box::new(Diagnostic::error(
            at(Some("lint.severity")),
            format!("`{severity}` is not one of `info`, `warning`"),
        ))));
    }
    if let Some(deny) = &config.lint.deny
        && deny != "warnings"
    {
        return Err(ConfigError::Invalid(Box::new(Diagnostic::error(
            at(Some("lint.deny")),
            format!("`{deny}` is not `warnings`"),
        ))));
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_bad_file_is_an_error_at_its_line_and_column_or_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(super::FILE_NAME);
        let name = path.display().to_string();
        for (text, expected) in [
            (
                "[lint]\nenable = [\"DS015\"]\nseverty = \"x\"\n",
                ":3:1: unknown field `severty`, expected one of",
            ),
            ("[lint\n", ":1:6: unclosed table, expected `]`"),
            (
                "[lint]\nseverity = \"error\"\n",
                ": lint.severity: `error` is not one of `info`, `warning`",
            ),
        ] {
            std::fs::write(&path, text).unwrap();
            let error = super::load(&path).unwrap_err().to_string();
            assert!(error.starts_with(&format!("{name}{expected}")), "{error}");
        }
    }
}
