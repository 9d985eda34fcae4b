//! `daemonset import`: existing DaemonSet manifests (kubectl, Helm or kustomize output) as builder code, a
//! `daemonset!` block or a spec file (`daemonset::import`).

use std::path::Path;

use daemonset::diagnostic::{Diagnostic, Location, Severity};
use daemonset::import::{self, Form, Imported};
use daemonset::parse::{self, Document};

use crate::cli::{ImportArgs, ImportForm};
use crate::inputs;
use crate::report::{self, Outcome};

/// Line `line` of `file`.
fn at(file: &str, line: usize) -> Location {
    Location {
        file: Some(file.to_owned()),
        line: Some(line),
        ..Location::default()
    }
}

fn form(f: ImportForm) -> Form {
    match f {
        ImportForm::Rust => Form::Rust,
        ImportForm::Dsl => Form::Dsl,
        ImportForm::Spec => Form::Spec,
    }
}

/// Runs the command: every DaemonSet of every input, imported in order; other kinds are skipped with a note. Fields
/// without a typed form are reported on stderr (`warning:` when the output still sets them through the escape
/// hatch, `error:` when a spec file has to leave them out, which makes the exit code 1).
pub fn run(args: &ImportArgs) -> Outcome {
    let mut paths = args.inputs.clone();
    paths.extend(args.files.iter().cloned());
    if paths.is_empty() {
        eprintln!("error: no input: give FILE, DIR, `-` or `-f FILE`");
        return Outcome::Usage;
    }
    let sources = match inputs::expand(&paths) {
        Ok(sources) => sources,
        Err(e) => {
            report::error(&e);
            return inputs::outcome(&e);
        }
    };
    let form = form(args.to);
    let mut outcome = Outcome::Success;
    let mut outputs: Vec<Imported> = Vec::new();
    for source in &sources {
        let input = match inputs::read(source) {
            Ok(input) => input,
            Err(e) => {
                report::error(&e);
                outcome = outcome.max(inputs::outcome(&e));
                continue;
            }
        };
        for document in parse::documents(&input.text) {
            match document {
                Document::DaemonSet { object, line, .. } => {
                    let imported = match import::import(&object, form) {
                        Ok(imported) => imported,
                        Err(e) => {
                            let message = format!("cannot import: {e}");
                            report::diagnostic(
                                &Diagnostic::error(at(&input.name, line), message).with_source(e),
                            );
                            outcome = outcome.max(Outcome::Problems);
                            continue;
                        }
                    };
                    for u in &imported.untyped {
                        if u.expressed {
                            report::diagnostic(&Diagnostic::new(
                                Severity::Warning,
                                at(&input.name, line),
                                format!(
                                    "{}: `{}` has no typed form; set in `customize`",
                                    imported.name, u.path
                                ),
                            ));
                        } else {
                            report::diagnostic(&Diagnostic::error(
                                at(&input.name, line),
                                format!(
                                    "{}: `{}` has no typed form in spec files; left out",
                                    imported.name, u.path
                                ),
                            ));
                            outcome = outcome.max(Outcome::Problems);
                        }
                    }
                    if args.strict && imported.untyped.iter().any(|u| u.expressed) {
                        outcome = outcome.max(Outcome::Problems);
                    }
                    for note in &imported.notes {
                        eprintln!("note: {}:{line}: {}: {note}", input.name, imported.name);
                    }
                    outputs.push(imported);
                }
                Document::Other { kind, line, .. } => {
                    eprintln!(
                        "note: {}:{line}: skipped {kind} (not a DaemonSet)",
                        input.name
                    );
                }
                Document::Invalid { errors, line } => {
                    for e in errors {
                        report::diagnostic(&Diagnostic::from(e).at(&input.name, line, None));
                    }
                    outcome = outcome.max(Outcome::Problems);
                }
                _ => {}
            }
        }
    }
    if let Some(dir) = &args.out {
        return outcome.max(write_files(dir, &outputs));
    }
    let separator = if form == Form::Spec { "---\n" } else { "\n" };
    let text = outputs
        .iter()
        .map(|i| i.text.as_str())
        .collect::<Vec<_>>()
        .join(separator);
    outcome.max(report::print(&text))
}

/// One file per DaemonSet: `<name>.rs` or `<name>.yaml` in `dir`.
fn write_files(dir: &Path, outputs: &[Imported]) -> Outcome {
    if let Err(e) = std::fs::create_dir_all(dir) {
        report::failure(Some(dir), "cannot create the directory", e);
        return Outcome::IoFailure;
    }
    let mut used = std::collections::BTreeSet::new();
    for i in outputs {
        // DaemonSets of one name in several namespaces: the later ones get the namespace in their file name.
        let mut stem = i.name.clone();
        if used.contains(&stem)
            && let Some(ns) = &i.namespace
        {
            stem = format!("{ns}-{}", i.name);
        }
        let mut n = 2;
        while used.contains(&stem) {
            stem = format!("{}-{n}", i.name);
            n += 1;
        }
        used.insert(stem.clone());
        let path = dir.join(format!("{stem}.{}", i.form.extension()));
        if let Err(e) = std::fs::write(&path, &i.text) {
            report::failure(Some(&path), "cannot write", e);
            return Outcome::IoFailure;
        }
        eprintln!("wrote {}", path.display());
    }
    Outcome::Success
}
