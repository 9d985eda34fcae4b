//! Best-practice checks: what the API server accepts but an operator would regret. Each rule has a stable id
//! (`DS001`...), a severity and a documentation string; each finding names the field path.
//!
//! Lint works on any [`DaemonSet`], built with the builder, read from a spec file or parsed from YAML:
//!
//! ```
//! use daemonset::build::{Container, DaemonSet};
//! use daemonset::lint::{self, Options};
//!
//! let ds = DaemonSet::builder()
//!     .name("agent")
//!     .selector_label("app", "agent")
//!     .container(Container::builder().name("agent").image("agent:latest").build())
//!     .build()?;
//! let findings = lint::lint(&ds, &Options::default());
//! let ids: Vec<&str> = findings.iter().map(|f| f.rule.id).collect();
//! assert_eq!(ids, ["DS001", "DS002", "DS003"]);
//! assert_eq!(findings[1].to_string(), "DS002 warning: spec.template.spec.containers[0].image: image \"agent:latest\" uses the `latest` tag; pin a version (or a digest) so every node runs the same code");
//! # Ok::<(), daemonset::ValidationErrors>(())
//! ```
//!
//! A DaemonSet can waive rules it breaks on purpose with the annotation [`ALLOW_ANNOTATION`]
//! (`lint.daemonset.dev/allow: "DS005,DS006"`).

mod rules;

use std::fmt;

use k8s_openapi::api::apps::v1::DaemonSet;

use crate::validate::FieldPath;

pub use rules::RULES;

/// The annotation that waives rules for one DaemonSet: a comma-separated list of rule ids.
pub const ALLOW_ANNOTATION: &str = "lint.daemonset.dev/allow";

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing; never fails `--deny warnings`.
    Info,
    /// Likely to hurt in production; fails `daemonset lint --deny warnings`.
    Warning,
}

impl Severity {
    /// `info` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// A lint rule.
#[derive(Debug)]
pub struct Rule {
    /// The stable id (`DS001`).
    pub id: &'static str,
    /// A short kebab-case name (`missing-resources`).
    pub name: &'static str,
    /// How much a finding matters.
    pub severity: Severity,
    /// One line: what the rule checks.
    pub summary: &'static str,
    /// Why it matters and how to fix it.
    pub doc: &'static str,
    check: fn(&DaemonSet, &Options, &mut Vec<(FieldPath, String)>),
}

/// What lint knows beyond the object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    /// The number of nodes the DaemonSet runs on, for rollout advice (`daemonset lint --nodes N`).
    pub nodes: Option<u32>,
}

/// One finding: a rule, where, and what.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The rule.
    pub rule: &'static Rule,
    /// The field path.
    pub path: FieldPath,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: {}: {}",
            self.rule.id, self.rule.severity, self.path, self.message
        )
    }
}

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id.eq_ignore_ascii_case(id))
}

/// Every finding for `daemon_set`, by rule id, then in field order; rules waived by [`ALLOW_ANNOTATION`] are
/// skipped.
pub fn lint(daemon_set: &DaemonSet, options: &Options) -> Vec<Finding> {
    let allowed: Vec<String> = daemon_set
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(ALLOW_ANNOTATION))
        .map(|list| {
            list.split(',')
                .map(|s| s.trim().to_ascii_uppercase())
                .collect()
        })
        .unwrap_or_default();
    let mut findings = Vec::new();
    for rule in RULES {
        if allowed.iter().any(|a| a == rule.id) {
            continue;
        }
        let mut found = Vec::new();
        (rule.check)(daemon_set, options, &mut found);
        findings.extend(found.into_iter().map(|(path, message)| Finding {
            rule,
            path,
            message,
        }));
    }
    findings
}

/// The number of rollout waves for `nodes` nodes when `budget` pods may be replaced at once.
///
/// ```
/// assert_eq!(daemonset::lint::rollout_waves(500, 1), 500);
/// assert_eq!(daemonset::lint::rollout_waves(500, 50), 10);
/// assert_eq!(daemonset::lint::rollout_waves(7, 3), 3);
/// ```
pub fn rollout_waves(nodes: u32, budget: u32) -> u32 {
    if budget == 0 {
        0
    } else {
        nodes.div_ceil(budget)
    }
}

#[cfg(test)]
mod tests;
