//! `daemonset lint`: best-practice findings for spec files and manifests.

use daemonset::diagnostic::Diagnostic;
use daemonset::k8s::api::apps::v1::DaemonSet;
use daemonset::lint::{self, Options, RULES, Selection, Severity};
use daemonset::{input, spec};

use crate::cli::{Deny, LintArgs, SeverityArg};
use crate::config;
use crate::inputs;
use crate::output::{Category, FileResult, Finding, Format, Object, Report};
use crate::report::{self, Outcome};

/// The rule selection and options of a run: the command line over the `.daemonset.toml`.
struct Settings {
    selection: Selection,
    nodes: Option<u32>,
    deny: bool,
}

fn settings(args: &LintArgs) -> Result<Settings, Outcome> {
    let path = if args.no_config {
        None
    } else if let Some(path) = &args.config {
        Some(path.clone())
    } else {
        std::env::current_dir()
            .ok()
            .and_then(|dir| config::discover(&dir))
    };
    let file = match &path {
        Some(path) => config::load(path).map_err(|e| {
            report::error(&e);
            Outcome::Problems
        })?,
        None => config::Config::default(),
    };
    let lint = file.lint;
    let mut enable: Vec<String> = lint
        .enable
        .into_iter()
        .filter(|id| !args.disable.iter().any(|d| d.eq_ignore_ascii_case(id)))
        .collect();
    enable.extend(args.enable.iter().cloned());
    let mut disable: Vec<String> = lint
        .disable
        .into_iter()
        .filter(|id| !args.enable.iter().any(|e| e.eq_ignore_ascii_case(id)))
        .collect();
    disable.extend(args.disable.iter().cloned());
    let min_severity = match args.severity {
        Some(SeverityArg::Info) => Severity::Info,
        Some(SeverityArg::Warning) => Severity::Warning,
        None => lint
            .severity
            .as_deref()
            .and_then(Severity::parse)
            .unwrap_or_default(),
    };
    let selection = Selection {
        enable,
        disable,
        min_severity,
    };
    let unknown = selection.unknown_ids();
    if !unknown.is_empty() {
        let from = path
            .as_ref()
            .map(|p| format!(" (command line or `{}`)", p.display()))
            .unwrap_or_default();
        eprintln!(
            "error: no lint rule named {}{from}; `daemonset lint --list-rules` lists them",
            unknown
                .iter()
                .map(|id| format!("`{id}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        return Err(Outcome::Usage);
    }
    Ok(Settings {
        selection,
        nodes: args.nodes.or(lint.nodes),
        deny: args.deny == Some(Deny::Warnings) || lint.deny.as_deref() == Some("warnings"),
    })
}

/// Runs the command.
pub fn run(args: &LintArgs) -> Outcome {
    let settings = match settings(args) {
        Ok(settings) => settings,
        Err(outcome) => return outcome,
    };
    if args.list_rules {
        let mut text = String::new();
        for rule in RULES {
            let state = if settings.selection.selects(rule) {
                "on "
            } else if rule.opt_in {
                "opt"
            } else {
                "off"
            };
            text.push_str(&format!(
                "{}  {:<7}  {state}  {:<26} {}\n",
                rule.id, rule.severity, rule.name, rule.summary
            ));
        }
        return report::print(&text);
    }
    let values = match inputs::values(&args.values) {
        Ok(values) => values,
        Err(outcome) => return outcome,
    };
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
    let options = Options {
        nodes: settings.nodes,
    };
    let mut outcome = Outcome::Success;
    let mut out = Report::new("lint");
    if args.format == Format::Text {
        out.stream_text();
    }
    out.rules = RULES
        .iter()
        .filter(|r| settings.selection.selects(r))
        .collect();
    let text_mode = args.format == Format::Text;
    let lint_one = |out: &mut Report,
                    name: &str,
                    object: &DaemonSet,
                    start: usize,
                    position_of: &dyn Fn(&str) -> (usize, Option<usize>)| {
        let subject = Object::of(object, start);
        out.add_object(subject.clone());
        for finding in lint::lint_selected(object, &options, &settings.selection) {
            let (line, column) = position_of(finding.path.as_str());
            let rule = finding.rule;
            out.add(Finding {
                diagnostic: Diagnostic::from(finding).at(name, line, column),
                object: Some(subject.clone()),
                rule: rule.id.to_owned(),
                rule_name: Some(rule.name),
                category: Category::Lint,
            });
        }
    };
    for source in &sources {
        out.files.push(FileResult {
            file: source.name(),
            ..FileResult::default()
        });
        let opened = match input::open(source) {
            Ok(opened) => opened,
            Err(e) => {
                report::error(&e);
                outcome = outcome.max(inputs::outcome(&e));
                out.add(Finding::input_error(e));
                continue;
            }
        };
        match opened {
            // A manifest is read and linted document by document: one object held at a time.
            input::Opened::Manifest(documents) => {
                let streamed = inputs::stream_manifest(documents, |name, item| match item {
                    inputs::Item::Skipped(note) => {
                        out.files.last_mut().expect("a file entry").skipped += 1;
                        eprintln!("note: {note}");
                    }
                    inputs::Item::Note(note) => eprintln!("note: {note}"),
                    inputs::Item::Problems(problems) => {
                        for problem in problems {
                            if text_mode {
                                report::diagnostic(&problem);
                            }
                            out.add(Finding::parse_problem(problem));
                            outcome = outcome.max(Outcome::Problems);
                        }
                    }
                    inputs::Item::Found(found) => {
                        lint_one(&mut out, name, &found.object, found.line, &|path| {
                            found.position_of(path)
                        });
                    }
                });
                if let Err(e) = streamed {
                    report::error(&e);
                    outcome = outcome.max(inputs::outcome(&e));
                    out.add(Finding::input_error(e));
                }
            }
            input::Opened::Spec(input) => {
                let loaded =
                    spec::render_template(&input.name, &input.text, &values).and_then(|text| {
                        spec::from_str(&input.name, &text).map(|object| (text, object))
                    });
                match loaded {
                    Ok((text, object)) => {
                        // One index of the rendered text for every finding (not one parse per finding).
                        let lines = spec::SpecLines::of(&text);
                        lint_one(&mut out, &input.name, &object, 1, &|path| {
                            lines
                                .position_of(path)
                                .map_or((1, None), |(line, column)| (line, Some(column)))
                        });
                    }
                    Err(e) => {
                        for problem in e.problems() {
                            if text_mode {
                                report::diagnostic(problem);
                            }
                            out.add(Finding::spec_problem(problem.clone()));
                        }
                        outcome = outcome.max(Outcome::Problems);
                    }
                }
            }
        }
    }
    outcome = outcome.max(out.printed());
    let printed = report::print(&out.render(args.format));
    outcome = outcome.max(printed);
    if text_mode {
        eprintln!("{}", out.summary_line());
    }
    if settings.deny && out.summary().warnings > 0 {
        eprintln!("error: warnings are denied (--deny warnings)");
        outcome = outcome.max(Outcome::Problems);
    }
    outcome
}
