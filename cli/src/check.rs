//! `daemonset check`: validate existing manifests document by document (one held in memory at a time), and show
//! what the API server would warn about.

use daemonset::diagnostic::Diagnostic;
use daemonset::validate::{ErrorType, Violation};

use crate::cli::CheckArgs;
use crate::inputs;
use crate::output::{Category, FileResult, Finding, Format, Object, Report};
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

/// The violations and server warnings of one DaemonSet found in file `name`, each at the line and column of its
/// field (from the document's own index, so nothing but the document is needed).
pub fn findings(name: &str, found: &inputs::Found) -> Vec<Finding> {
    let object = Object::of(&found.object, found.line);
    let mut out = Vec::new();
    let violations: Vec<Violation> = match daemonset::validate(&found.object) {
        Ok(()) => Vec::new(),
        Err(errors) => errors.into_violations(),
    };
    for v in violations {
        let (line, column) = found.position_of(v.path.as_str());
        let rule = error_type(v.kind);
        let mut finding = Finding::new(
            Category::Violation,
            rule,
            Diagnostic::from(v).at(name, line, column),
        );
        finding.object = Some(object.clone());
        out.push(finding);
    }
    for warning in daemonset::lint::server_warnings(&found.object) {
        let (line, column) = found.position_of(&warning.path);
        let mut finding = Finding::new(
            Category::ServerWarning,
            "ServerWarning",
            Diagnostic::from(warning).at(name, line, column),
        );
        finding.object = Some(object.clone());
        out.push(finding);
    }
    out
}

/// Runs the command.
pub fn run(args: &CheckArgs) -> Outcome {
    let paths = match crate::cli::input_paths(&args.files, &args.inputs) {
        Ok(paths) => paths,
        Err(outcome) => return outcome,
    };
    let sources = match inputs::expand(&paths) {
        Ok(sources) => sources,
        Err(e) => {
            report::error(&e);
            return inputs::outcome(&e);
        }
    };
    let mut outcome = Outcome::Success;
    let mut out = Report::new("check");
    if args.format == Format::Text {
        out.stream_text();
    }
    for source in &sources {
        out.files.push(FileResult {
            file: source.name(),
            ..FileResult::default()
        });
        let streamed = daemonset::input::Documents::open(source).and_then(|documents| {
            // Reading and checking a document (its findings) run on every core, the rest in order here.
            let work = |name: &str, item: inputs::Item| {
                let found = match &item {
                    inputs::Item::Found(found) => findings(name, found),
                    _ => Vec::new(),
                };
                (item, found)
            };
            inputs::stream_manifest_with(documents, work, |_, (item, found_findings)| match item {
                inputs::Item::Skipped(note) => {
                    out.files.last_mut().expect("a file entry").skipped += 1;
                    eprintln!("note: {note}");
                }
                inputs::Item::Note(note) => eprintln!("note: {note}"),
                inputs::Item::Problems(problems) => {
                    for problem in problems {
                        out.add(Finding::parse_problem(problem));
                    }
                }
                inputs::Item::Found(found) => {
                    out.add_object(Object::of(&found.object, found.line));
                    for finding in found_findings {
                        out.add(finding);
                    }
                }
            })
        });
        if let Err(e) = streamed {
            report::error(&e);
            outcome = outcome.max(inputs::outcome(&e));
            out.add(Finding::input_error(e));
        }
    }
    if out.summary().error_findings > 0 {
        outcome = outcome.max(Outcome::Problems);
    }
    outcome = outcome.max(out.printed());
    outcome = outcome.max(report::print(&out.render(args.format)));
    if args.format == Format::Text {
        eprintln!("{}", out.summary_line());
    }
    outcome
}
