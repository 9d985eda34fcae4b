//! Best-practice checks: what the API server accepts but an operator would regret. Each rule has a stable id
//! (`DS001`...), a severity and a documentation string; each finding names the field path.
//!
//! Lint works on any [`DaemonSet`], built with the builder, read from a spec file or parsed from YAML:
//!
//! ```
//! use daemonset::build::{Container, NodeAgent};
//! use daemonset::lint::{self, Options};
//!
//! let ds = NodeAgent::builder()
//!     .name("agent")
//!     .selector_label("app", "agent")
//!     .container(Container::builder().name("agent").image("agent:latest").build())
//!     .build()?;
//! let findings = lint::lint(&ds, &Options::default());
//! let ids: Vec<&str> = findings.iter().map(|f| f.rule.id).collect();
//! assert_eq!(ids, ["DS001", "DS002", "DS003"]);
//! assert_eq!(findings[1].to_string(), "spec.template.spec.containers[0].image: DS002 warning: image \"agent:latest\" uses the `latest` tag; pin a version (or a digest) so every node runs the same code");
//! # Ok::<(), daemonset::ValidationErrors>(())
//! ```
//!
//! A DaemonSet can waive rules it breaks on purpose with the annotation [`ALLOW_ANNOTATION`]
//! (`lint.daemonset.dev/allow: "DS005,DS006"`).

mod rules;
mod warnings;

use std::fmt;

use k8s_openapi::api::apps::v1::DaemonSet;

use crate::validate::FieldPath;

pub use rules::RULES;
pub use warnings::{ServerWarning, server_warnings};

/// The annotation that waives rules for one DaemonSet: a comma-separated list of rule ids.
pub const ALLOW_ANNOTATION: &str = "lint.daemonset.dev/allow";

/// How much a finding matters: a rule is [`Severity::Info`] (worth knowing; never fails `--deny warnings`) or
/// [`Severity::Warning`] (likely to hurt in production; fails `daemonset lint --deny warnings`). The severity of every
/// [`Diagnostic`](crate::diagnostic::Diagnostic).
pub use crate::diagnostic::Severity;

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
    /// Whether the rule runs only when enabled by id (`--enable DS015`): rules that would fire on most node agents
    /// by their nature (running as root, a writable root filesystem) are off unless asked for.
    pub opt_in: bool,
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
            "{}: {} {}: {}",
            self.path, self.rule.id, self.rule.severity, self.message
        )
    }
}

impl From<Finding> for crate::diagnostic::Diagnostic {
    /// A diagnostic of the rule's severity at the finding's field path (locate it with
    /// [`Diagnostic::at`](crate::diagnostic::Diagnostic::at)); the rule id stays with the finding.
    fn from(finding: Finding) -> Self {
        let location = crate::diagnostic::Location {
            path: Some(finding.path.as_str().to_owned()),
            ..Default::default()
        };
        crate::diagnostic::Diagnostic::new(finding.rule.severity, location, finding.message)
    }
}

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id.eq_ignore_ascii_case(id))
}

/// Which rules run: the default set (every rule that is not [`Rule::opt_in`]), plus `enable`, minus `disable`,
/// keeping only rules of at least `min_severity` (`daemonset lint --enable DS015 --disable DS006 --severity
/// warning`, or a `.daemonset.toml`).
///
/// ```
/// use daemonset::lint::{Selection, Severity, rule};
///
/// let selection = Selection {
///     enable: vec!["DS015".into()],
///     disable: vec!["DS006".into()],
///     min_severity: Severity::Info,
/// };
/// assert!(selection.selects(rule("DS015").unwrap()));
/// assert!(!selection.selects(rule("DS006").unwrap()));
/// assert!(!Selection::default().selects(rule("DS015").unwrap()));
/// assert!(selection.unknown_ids().is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selection {
    /// Rule ids to run beyond the default set (opt-in rules); `all` enables every rule.
    pub enable: Vec<String>,
    /// Rule ids not to run (`all` disables every rule not in `enable`); wins over the default set, loses to
    /// an explicit `enable` of the same id.
    pub disable: Vec<String>,
    /// Only rules of this severity or above run.
    pub min_severity: Severity,
}

fn listed(list: &[String], rule: &Rule) -> bool {
    list.iter()
        .any(|id| id.eq_ignore_ascii_case(rule.id) || id.eq_ignore_ascii_case(rule.name))
}

fn is_all(list: &[String]) -> bool {
    list.iter().any(|id| id.eq_ignore_ascii_case("all"))
}

impl Selection {
    /// Whether `rule` runs under this selection (ids or names, any case).
    pub fn selects(&self, rule: &Rule) -> bool {
        if rule.severity < self.min_severity {
            return false;
        }
        if listed(&self.enable, rule) {
            return true;
        }
        if listed(&self.disable, rule) || is_all(&self.disable) {
            return false;
        }
        is_all(&self.enable) || !rule.opt_in
    }

    /// The entries of `enable` and `disable` that name no rule (neither an id, a name nor `all`).
    pub fn unknown_ids(&self) -> Vec<String> {
        self.enable
            .iter()
            .chain(&self.disable)
            .filter(|id| {
                !id.eq_ignore_ascii_case("all")
                    && !RULES
                        .iter()
                        .any(|r| r.id.eq_ignore_ascii_case(id) || r.name.eq_ignore_ascii_case(id))
            })
            .cloned()
            .collect()
    }
}

/// Every finding of the default rules for `daemon_set`, by rule id, then in field order; rules waived by
/// [`ALLOW_ANNOTATION`] are skipped.
pub fn lint(daemon_set: &DaemonSet, options: &Options) -> Vec<Finding> {
    lint_selected(daemon_set, options, &Selection::default())
}

/// [`lint`] with the rules of `selection`; rules waived by [`ALLOW_ANNOTATION`] are still skipped.
pub fn lint_selected(
    daemon_set: &DaemonSet,
    options: &Options,
    selection: &Selection,
) -> Vec<Finding> {
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
        if !selection.selects(rule) || allowed.iter().any(|a| a == rule.id) {
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

#[cfg(test)]
mod tests;
