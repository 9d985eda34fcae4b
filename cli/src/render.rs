//! `daemonset render`: spec files (and manifests) to a YAML/JSON stream or to a directory.

use std::io::{self, Write};

use daemonset::k8s::api::apps::v1::DaemonSet;
use daemonset::render::{Format, StreamWriter};
use daemonset::spec::{self, Values};
use daemonset::write::{self, Options};

use crate::cli::{OutputFormat, RenderArgs};
use crate::inputs;
use crate::report::{self, Outcome};

/// Reads every input into DaemonSets, printing every problem; `Err` when any input has one.
pub fn load_all(paths: &[std::path::PathBuf], values: &Values) -> Result<Vec<DaemonSet>, Outcome> {
    let sources = inputs::expand(paths).map_err(|e| {
        report::error(&e);
        e.outcome()
    })?;
    let mut objects = Vec::new();
    let mut outcome = Outcome::Success;
    for source in &sources {
        let input = match inputs::read(source) {
            Ok(input) => input,
            Err(e) => {
                report::error(&e);
                outcome = outcome.max(e.outcome());
                continue;
            }
        };
        if inputs::is_manifest(&input.text) {
            let manifest = inputs::manifest(&input);
            for note in &manifest.notes {
                eprintln!("note: {note}");
            }
            let mut problems = manifest.problems;
            for found in manifest.found {
                let violations = inputs::violations(&input.name, &found);
                if violations.is_empty() {
                    objects.push(found.object);
                }
                problems.extend(violations);
            }
            for problem in &problems {
                eprintln!("error: {problem}");
            }
            if !problems.is_empty() {
                outcome = outcome.max(Outcome::Problems);
            }
        } else {
            match spec::load(&input.name, &input.text, values) {
                Ok(object) => objects.push(object),
                Err(e) => {
                    for line in e.lines() {
                        eprintln!("error: {line}");
                    }
                    outcome = outcome.max(Outcome::Problems);
                }
            }
        }
    }
    if outcome == Outcome::Success {
        Ok(objects)
    } else {
        Err(outcome)
    }
}

/// Runs the command.
pub fn run(args: &RenderArgs) -> Outcome {
    let format = match args.format {
        OutputFormat::Yaml => Format::Yaml,
        OutputFormat::Json => Format::Json,
    };
    let values = match inputs::values(&args.values) {
        Ok(values) => values,
        Err(outcome) => return outcome,
    };
    let objects = match load_all(&args.inputs, &values) {
        Ok(objects) => objects,
        Err(outcome) => {
            eprintln!(
                "error: nothing was {}: fix the problems above",
                if args.out.is_some() {
                    "written"
                } else {
                    "rendered"
                }
            );
            return outcome;
        }
    };
    let Some(dir) = &args.out else {
        return stream(&objects, format);
    };
    let options = Options {
        format,
        prune: args.prune,
    };
    if args.check {
        return match write::check(dir, &objects, options) {
            Ok(drift) if drift.is_empty() => {
                eprintln!(
                    "{}: {} file{} up to date",
                    dir.display(),
                    objects.len(),
                    if objects.len() == 1 { "" } else { "s" }
                );
                Outcome::Success
            }
            Ok(drift) => {
                for (file, how) in &drift {
                    println!("{:<8} {}", how.as_str(), dir.join(file).display());
                }
                eprintln!(
                    "error: {} file{} in {} differ from the rendered specs; run without --check to update",
                    drift.len(),
                    if drift.len() == 1 { "" } else { "s" },
                    dir.display()
                );
                Outcome::Problems
            }
            Err(e) => {
                report::error(&e);
                outcome_of(&e)
            }
        };
    }
    match write::write(dir, &objects, options) {
        Ok(report) => {
            print_report(dir, &report);
            Outcome::Success
        }
        Err(write::WriteError::Partial {
            done,
            manifest_updated,
            source,
        }) => {
            print_report(dir, &done);
            report::error(&*source);
            let s = |n: usize| if n == 1 { "" } else { "s" };
            eprintln!(
                "error: {} stopped part way: {} file{} written and {} removed before the failure (listed above); \
                 the other files were left as they were",
                dir.display(),
                done.written.len(),
                s(done.written.len()),
                done.pruned.len(),
            );
            if !manifest_updated {
                eprintln!(
                    "  note: {} could not be updated: it may also list files that were about to be written",
                    write::MANIFEST
                );
            }
            outcome_of(&source)
        }
        Err(e) => {
            report::error(&e);
            eprintln!(
                "error: nothing was written: {} was left as it was",
                dir.display()
            );
            outcome_of(&e)
        }
    }
}

fn outcome_of(error: &write::WriteError) -> Outcome {
    match error {
        write::WriteError::Io { .. } => Outcome::IoFailure,
        _ => Outcome::Problems,
    }
}

fn print_report(dir: &std::path::Path, report: &write::Report) {
    for (what, files) in [
        ("written", &report.written),
        ("unchanged", &report.unchanged),
        ("pruned", &report.pruned),
    ] {
        for file in files {
            println!("{what:<9} {}", dir.join(file).display());
        }
    }
    for file in &report.cleaned {
        eprintln!(
            "note: removed {}, a temporary file left by an interrupted run",
            dir.join(file).display()
        );
    }
}

fn is_broken_pipe(error: &daemonset::render::RenderError) -> bool {
    matches!(error, daemonset::render::RenderError::Io(e) if e.kind() == io::ErrorKind::BrokenPipe)
}

fn stream(objects: &[DaemonSet], format: Format) -> Outcome {
    let stdout = io::stdout().lock();
    let mut writer = StreamWriter::new(io::BufWriter::new(stdout), format);
    let result = objects
        .iter()
        .try_for_each(|o| writer.write(o))
        .and_then(|()| {
            let mut out = writer.finish()?;
            out.flush()?;
            Ok(())
        });
    match result {
        Ok(()) => Outcome::Success,
        // A closed pipe (`| head`) ends the output quietly, as `println!` does elsewhere (see main.rs).
        Err(e) if is_broken_pipe(&e) => std::process::exit(crate::CLOSED_PIPE_EXIT),
        Err(e) => {
            report::error(&e);
            Outcome::IoFailure
        }
    }
}
