//! Findings of `check` and `lint` in one model, written as text (with a kubeconform-like summary line), JSON
//! (`schemas/findings-v1.json`), SARIF 2.1.0 or JUnit XML.

mod junit;
mod sarif;

use daemonset::diagnostic::Diagnostic;
use serde_json::{Value, json};

use clap::ValueEnum;

/// The version of the JSON output's schema (`schemas/findings-v1.json`): bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// The output format of `check` and `lint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `file:line:column: path: message` lines on stdout, notes and the summary line on stderr.
    Text,
    /// One JSON document (schema `schemas/findings-v1.json`, `"version": 1`).
    Json,
    /// SARIF 2.1.0, for code-scanning services.
    Sarif,
    /// JUnit XML: a test suite per file, a test case per DaemonSet.
    Junit,
}

pub use daemonset::diagnostic::Severity;

/// What kind of check produced a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// The file could not be read (or is not UTF-8).
    Input,
    /// A document could not be read as a DaemonSet (YAML syntax, strict parsing).
    Parse,
    /// A rule of the API server's validation (or beyond it).
    Violation,
    /// What the API server would warn about on create.
    ServerWarning,
    /// A lint rule.
    Lint,
}

impl Category {
    fn as_str(self) -> &'static str {
        match self {
            Category::Input => "input",
            Category::Parse => "parse",
            Category::Violation => "violation",
            Category::ServerWarning => "server-warning",
            Category::Lint => "lint",
        }
    }
}

/// The DaemonSet a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Object {
    /// Its namespace, when the manifest names one.
    pub namespace: Option<String>,
    /// Its name.
    pub name: String,
    /// The 1-based line where its document starts.
    pub line: usize,
}

impl Object {
    /// `namespace/name`, or `name`.
    pub fn display(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{ns}/{}", self.name),
            None => self.name.clone(),
        }
    }

    /// The object of a DaemonSet found in a document starting at `line`.
    pub fn of(ds: &daemonset::k8s::api::apps::v1::DaemonSet, line: usize) -> Object {
        Object {
            namespace: ds.metadata.namespace.clone(),
            name: ds.metadata.name.clone().unwrap_or_default(),
            line,
        }
    }
}

/// One finding: a diagnostic (its file, line, column and field path, its severity, its message and cause) and
/// what the report needs beside it.
#[derive(Debug, Clone)]
pub struct Finding {
    /// What, where, how much it matters, and the error underneath.
    pub diagnostic: Diagnostic,
    /// The DaemonSet, when the finding is about one.
    pub object: Option<Object>,
    /// The rule id (`DS001`) or error type (`FieldValueInvalid`, `ParseError`, `ServerWarning`, `InputError`).
    pub rule: String,
    /// The rule's kebab-case name, for lint rules.
    pub rule_name: Option<&'static str>,
    /// What produced it.
    pub category: Category,
}

impl Finding {
    /// A finding of `category` that is not a lint rule's.
    pub fn new(category: Category, rule: impl Into<String>, diagnostic: Diagnostic) -> Finding {
        Finding {
            diagnostic,
            object: None,
            rule: rule.into(),
            rule_name: None,
            category,
        }
    }

    /// A file that could not be read.
    pub fn input_error(error: crate::inputs::InputError) -> Finding {
        Finding::new(Category::Input, "InputError", error.into())
    }

    /// A document that could not be read as a DaemonSet.
    pub fn parse_problem(diagnostic: Diagnostic) -> Finding {
        Finding::new(Category::Parse, "ParseError", diagnostic)
    }

    /// A problem of a spec file (template, YAML, schema or validation).
    pub fn spec_problem(diagnostic: Diagnostic) -> Finding {
        Finding::new(Category::Parse, "SpecError", diagnostic)
    }

    /// The file as given (`<stdin>` for standard input).
    pub fn file(&self) -> &str {
        self.diagnostic.location.file.as_deref().unwrap_or_default()
    }

    /// The 1-based line, or 1.
    pub fn line(&self) -> usize {
        self.diagnostic.location.line.unwrap_or(1)
    }

    /// The 1-based column (characters) of the key on that line, or 1.
    pub fn column(&self) -> usize {
        self.diagnostic
            .location
            .column
            .filter(|_| self.diagnostic.location.line.is_some())
            .unwrap_or(1)
    }

    /// How much it matters.
    pub fn level(&self) -> Severity {
        self.diagnostic.severity
    }

    /// The message with its causes (`cannot read: No such file or directory`), for the JSON, SARIF and JUnit
    /// outputs.
    pub fn message(&self) -> String {
        crate::report::with_causes(&self.diagnostic)
    }

    /// The line of text mode: the diagnostic with the lint rule (`DS002 warning: `) or `warning: ` before the
    /// message (see [`crate::report::line`]).
    pub fn text(&self) -> String {
        let label = match self.category {
            Category::Lint => Some(format!("{} {}", self.rule, self.diagnostic.severity)),
            Category::ServerWarning => Some("warning".to_owned()),
            _ => None,
        };
        crate::report::line(&self.diagnostic, label.as_deref())
    }
}

/// The DaemonSets of one file, for the summary and the JUnit test cases.
#[derive(Debug, Clone, Default)]
pub struct FileResult {
    /// The file as given.
    pub file: String,
    /// The DaemonSets read from it.
    pub objects: Vec<Object>,
    /// Documents of other kinds that were skipped.
    pub skipped: usize,
}

/// Everything a `check` or `lint` run found.
#[derive(Debug, Clone)]
pub struct Report {
    /// `check` or `lint`.
    pub command: &'static str,
    /// The files, in input order.
    pub files: Vec<FileResult>,
    /// The findings, in input order.
    pub findings: Vec<Finding>,
    /// The lint rules of the run (for SARIF's rule table), or none for `check`.
    pub rules: Vec<&'static daemonset::lint::Rule>,
    /// Text mode ([`Report::stream_text`]): the findings are printed as they are added and only counted, so a
    /// stream of any length holds no finding.
    live: Option<Tally>,
}

/// What a streamed text report keeps of its findings: the counts, and the lines not yet printed.
#[derive(Debug, Clone, Default)]
struct Tally {
    error_findings: usize,
    warnings: usize,
    infos: usize,
    /// Files with an input or parse error.
    unread: std::collections::HashSet<String>,
    /// The DaemonSets found.
    objects: usize,
    /// Those with a finding at the failing level, the current one aside.
    invalid: usize,
    /// The DaemonSet whose findings are being added (they come right after it), and whether it fails.
    current: Option<(Object, bool)>,
    /// Finding lines not printed yet.
    pending: String,
    /// The worst outcome of printing.
    printed: Option<crate::report::Outcome>,
}

/// The counts of the summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Files read (or tried).
    pub files: usize,
    /// DaemonSets found.
    pub objects: usize,
    /// DaemonSets without an error (check) or without a warning (lint).
    pub valid: usize,
    /// DaemonSets with an error (check) or a warning (lint).
    pub invalid: usize,
    /// Files that could not be read in full (a read error, or a document or spec file with a parse error).
    pub errors: usize,
    /// Documents of other kinds.
    pub skipped: usize,
    /// Findings of level error.
    pub error_findings: usize,
    /// Findings of level warning.
    pub warnings: usize,
    /// Findings of level info.
    pub infos: usize,
}

impl Report {
    /// A report with no file yet.
    pub fn new(command: &'static str) -> Report {
        Report {
            command,
            files: Vec::new(),
            findings: Vec::new(),
            rules: Vec::new(),
            live: None,
        }
    }

    /// Text mode: each finding's line is printed when it is added (in batches) and the finding is only counted.
    pub fn stream_text(&mut self) {
        self.live = Some(Tally::default());
    }

    /// Whether a finding has a line in text mode (`check`: violations, parse errors and server warnings; `lint`:
    /// lint findings).
    fn in_text(&self, f: &Finding) -> bool {
        match self.command {
            "lint" => f.category == Category::Lint,
            _ => f.category != Category::Input,
        }
    }

    /// Adds a finding (printed and counted in text mode, see [`Report::stream_text`]).
    pub fn add(&mut self, f: Finding) {
        let failing = self.failing();
        let text = self.in_text(&f);
        let Some(tally) = &mut self.live else {
            self.findings.push(f);
            return;
        };
        match f.level() {
            Severity::Error => tally.error_findings += 1,
            Severity::Warning => tally.warnings += 1,
            Severity::Info => tally.infos += 1,
        }
        if f.object.is_none() && matches!(f.category, Category::Input | Category::Parse) {
            tally.unread.insert(f.file().to_owned());
        }
        if text {
            tally.pending.push_str(&f.text());
            tally.pending.push('\n');
        }
        if f.level() >= failing
            && let (Some(object), Some((current, fails))) = (&f.object, &mut tally.current)
            && object == current
        {
            *fails = true;
        }
        if tally.pending.len() >= 1 << 16 {
            let printed = crate::report::print(&tally.pending);
            tally.pending.clear();
            tally.printed = tally.printed.max(Some(printed));
        }
    }

    /// Adds a DaemonSet of the last file; its findings follow. Text mode only counts it.
    pub fn add_object(&mut self, object: Object) {
        match &mut self.live {
            Some(tally) => {
                if let Some((_, true)) = tally.current {
                    tally.invalid += 1;
                }
                tally.objects += 1;
                tally.current = Some((object, false));
            }
            None => self
                .files
                .last_mut()
                .expect("a file entry before its objects")
                .objects
                .push(object),
        }
    }

    /// The worst outcome of printing the streamed lines so far (success when nothing was streamed).
    pub fn printed(&self) -> crate::report::Outcome {
        self.live
            .as_ref()
            .and_then(|t| t.printed)
            .unwrap_or(crate::report::Outcome::Success)
    }

    /// The level that makes an object count as invalid: error for `check`, warning for `lint`.
    fn failing(&self) -> Severity {
        if self.command == "lint" {
            Severity::Warning
        } else {
            Severity::Error
        }
    }

    /// The objects (with their files) that have a finding at the failing level, in one pass over the findings (a
    /// stream of 10,000 objects with 50,000 findings is not 10,000 scans of the findings).
    fn failing_objects(&self) -> std::collections::HashSet<(&str, &Object)> {
        let failing = self.failing();
        self.findings
            .iter()
            .filter(|f| f.level() >= failing)
            .filter_map(|f| f.object.as_ref().map(|o| (f.file(), o)))
            .collect()
    }

    /// The counts.
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            files: self.files.len(),
            ..Summary::default()
        };
        if let Some(tally) = &self.live {
            s.error_findings = tally.error_findings;
            s.warnings = tally.warnings;
            s.infos = tally.infos;
            s.errors = tally.unread.len();
            s.skipped = self.files.iter().map(|f| f.skipped).sum();
            s.objects = tally.objects;
            s.invalid = tally.invalid + usize::from(matches!(tally.current, Some((_, true))));
            s.valid = s.objects - s.invalid;
            return s;
        }
        let failing = self.failing_objects();
        for file in &self.files {
            s.objects += file.objects.len();
            s.skipped += file.skipped;
            for object in &file.objects {
                if failing.contains(&(file.file.as_str(), object)) {
                    s.invalid += 1;
                } else {
                    s.valid += 1;
                }
            }
        }
        let mut unread: Vec<&str> = Vec::new();
        for f in &self.findings {
            match f.level() {
                Severity::Error => s.error_findings += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Info => s.infos += 1,
            }
            if f.object.is_none()
                && matches!(f.category, Category::Input | Category::Parse)
                && !unread.contains(&f.file())
            {
                unread.push(f.file());
            }
        }
        s.errors = unread.len();
        s
    }

    /// The summary line of text mode, kubeconform's way.
    pub fn summary_line(&self) -> String {
        let s = self.summary();
        let plural = |n: usize, word: &str| {
            if n == 1 {
                format!("{n} {word}")
            } else {
                format!("{n} {word}s")
            }
        };
        let head = format!(
            "Summary: {} found in {}",
            plural(s.objects, "DaemonSet"),
            plural(s.files, "file")
        );
        if self.command == "lint" {
            format!(
                "{head} - Clean: {}, With warnings: {}, Errors: {}, Skipped: {} - Warnings: {}, Info: {}",
                s.valid, s.invalid, s.errors, s.skipped, s.warnings, s.infos
            )
        } else {
            format!(
                "{head} - Valid: {}, Invalid: {}, Errors: {}, Skipped: {} - Warnings: {}",
                s.valid, s.invalid, s.errors, s.skipped, s.warnings
            )
        }
    }

    /// The JSON document (schema `schemas/findings-v1.json`).
    pub fn to_json(&self) -> Value {
        let s = self.summary();
        let findings: Vec<Value> = self
            .findings
            .iter()
            .map(|f| {
                json!({
                    "file": f.file(),
                    "line": f.line(),
                    "column": f.column(),
                    "object": f.object.as_ref().map(|o| json!({
                        "kind": "DaemonSet",
                        "namespace": o.namespace,
                        "name": o.name,
                        "line": o.line,
                    })),
                    "path": f.diagnostic.location.path,
                    "rule": f.rule,
                    "ruleName": f.rule_name,
                    "category": f.category.as_str(),
                    "severity": f.level().as_str(),
                    "message": f.message(),
                })
            })
            .collect();
        json!({
            "version": SCHEMA_VERSION,
            "tool": {"name": "daemonset", "version": env!("CARGO_PKG_VERSION")},
            "command": self.command,
            "findings": findings,
            "summary": {
                "files": s.files,
                "daemonSets": s.objects,
                "valid": s.valid,
                "invalid": s.invalid,
                "errors": s.errors,
                "skipped": s.skipped,
                "findings": {"error": s.error_findings, "warning": s.warnings, "info": s.infos},
            },
        })
    }

    /// The SARIF 2.1.0 log.
    pub fn to_sarif(&self) -> Value {
        sarif::log(self)
    }

    /// The JUnit XML document.
    pub fn to_junit(&self) -> String {
        junit::document(self)
    }

    /// The output of `format` for stdout. Text mode: the finding lines (`check`: violations, parse errors and
    /// server warnings; `lint`: lint findings), while input errors (and lint's spec errors) go to stderr as
    /// `error: ...` lines and the summary line to stderr.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Text if self.live.is_some() => self
                .live
                .as_ref()
                .map(|t| t.pending.clone())
                .unwrap_or_default(),
            Format::Text => self
                .findings
                .iter()
                .filter(|f| self.in_text(f))
                .map(|f| f.text() + "\n")
                .collect(),
            Format::Json => pretty(&self.to_json()),
            Format::Sarif => pretty(&self.to_sarif()),
            Format::Junit => self.to_junit(),
        }
    }
}

fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("JSON values serialize");
    text.push('\n');
    text
}
