//! `daemonset check`: validate existing manifests, and show what the API server would warn about.

use daemonset::validate::{ErrorType, Violation};

use crate::cli::CheckArgs;
use crate::inputs;
use crate::output::{Category, FileLines, FileResult, Finding, Format, Level, Object, Report};
use crate::report::{self, Outcome};

/// apimachinery's `field.ErrorType` string of a violation (`FieldValueInvalid`).
fn error_type(kind: ErrorType) -> &'static str {
    match kind {
        ErrorType::Required => "FieldValueRequired",
        ErrorType::Unsupported => "FieldValueNotSupported",
        ErrorType::Forbidden => "FieldValueForbidden",
        ErrorType::Duplicate => "FieldValueDuplicate",
        ErrorType::NotFound => "FieldValueNotFound",
        ErrorType::TooLong => "FieldValueTooLong",
        _ => "FieldValueInvalid",
    }
}

/// The violations and server warnings of one DaemonSet found in file `name`, whose lines are `lines`.
pub fn findings(name: &str, found: &inputs::Found, lines: &FileLines<'_>) -> Vec<Finding> {
    let object = Object::of(&found.object, found.line);
    let column = |line: usize| lines.column(line);
    let mut out = Vec::new();
    let violations: Vec<Violation> = match daemonset::validate(&found.object) {
        Ok(()) => Vec::new(),
        Err(errors) => errors.into_violations(),
    };
    for v in violations {
        let line = found.line_of(v.path.as_str());
        let text = v.to_string();
        let message = text
            .strip_prefix(&format!("{}: ", v.path))
            .unwrap_or(&text)
            .to_owned();
        out.push(Finding {
            file: name.to_owned(),
            line,
            column: column(line),
            object: Some(object.clone()),
            path: Some(v.path.as_str().to_owned()),
            rule: error_type(v.kind).to_owned(),
            rule_name: None,
            category: Category::Violation,
            level: Level::Error,
            message,
            text,
        });
    }
    for warning in daemonset::lint::server_warnings(&found.object) {
        let line = found.line_of(&warning.path);
        out.push(Finding {
            file: name.to_owned(),
            line,
            column: column(line),
            object: Some(object.clone()),
            path: Some(warning.path.clone()),
            rule: "ServerWarning".into(),
            rule_name: None,
            category: Category::ServerWarning,
            level: Level::Warning,
            text: format!("warning: {warning}"),
            message: warning.message,
        });
    }
    out
}

/// Runs the command.
pub fn run(args: &CheckArgs) -> Outcome {
    let sources = match inputs::expand(&args.inputs) {
        Ok(sources) => sources,
        Err(e) => {
            report::error(&e);
            return e.outcome();
        }
    };
    let mut outcome = Outcome::Success;
    let mut out = Report::new("check");
    for source in &sources {
        let input = match inputs::read(source) {
            Ok(input) => input,
            Err(e) => {
                report::error(&e);
                outcome = outcome.max(e.outcome());
                let name = crate::lint::source_name(source);
                out.files.push(FileResult {
                    file: name.clone(),
                    ..FileResult::default()
                });
                out.findings.push(Finding::input_error(name, &e));
                continue;
            }
        };
        let manifest = inputs::manifest(&input);
        for note in &manifest.notes {
            eprintln!("note: {note}");
        }
        out.files.push(FileResult {
            file: input.name.clone(),
            objects: Vec::new(),
            skipped: manifest
                .notes
                .iter()
                .filter(|n| n.contains(": skipping "))
                .count(),
        });
        for problem in &manifest.problems {
            out.findings
                .push(Finding::parse_problem(&input.name, &input.text, problem));
        }
        let lines = FileLines::new(&input.text);
        for found in &manifest.found {
            out.files
                .last_mut()
                .expect("a file entry")
                .objects
                .push(Object::of(&found.object, found.line));
            out.findings.extend(findings(&input.name, found, &lines));
        }
    }
    if out.summary().error_findings > 0 {
        outcome = outcome.max(Outcome::Problems);
    }
    outcome = outcome.max(report::print(&out.render(args.format)));
    if args.format == Format::Text {
        eprintln!("{}", out.summary_line());
    }
    outcome
}
