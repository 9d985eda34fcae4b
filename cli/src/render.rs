//! `daemonset render`: spec files (and manifests) to a YAML/JSON stream or to a directory.

use std::io::{self, Seek, Write};

use daemonset::input;
use daemonset::k8s::api::apps::v1::DaemonSet;
use daemonset::render::{Format, StreamWriter};
use daemonset::spec::Values;
use daemonset::write::{self, Options};

use crate::cli::{OutputFormat, RenderArgs};
use crate::inputs;
use crate::report::{self, Outcome};

/// Prints what one step of reading the inputs gives (notes and problems) and returns its outcome.
fn report_loaded(loaded: &input::Loaded) -> Outcome {
    if let Some(note) = loaded.note() {
        eprintln!("note: {note}");
    }
    let mut outcome = Outcome::Success;
    if let input::Loaded::Problems(problems) = loaded {
        for problem in problems {
            report::diagnostic(problem);
            let this = problem
                .source_as::<inputs::InputError>()
                .map_or(Outcome::Problems, inputs::outcome);
            outcome = outcome.max(this);
        }
    }
    outcome
}

/// Reads the inputs (files, directories, `-`) document by document, printing every note and problem, and calls
/// `each` with every valid DaemonSet while no input has had a problem; the outcome of the inputs.
fn read_inputs(
    paths: &[std::path::PathBuf],
    values: &Values,
    mut each: impl FnMut(DaemonSet) -> Result<(), Outcome>,
) -> Outcome {
    let sources = match inputs::expand(paths) {
        Ok(sources) => sources,
        Err(e) => {
            report::error(&e);
            return inputs::outcome(&e);
        }
    };
    let mut outcome = Outcome::Success;
    for loaded in input::Objects::new(sources, values) {
        outcome = outcome.max(report_loaded(&loaded));
        if let input::Loaded::Object { object, .. } = loaded
            && outcome == Outcome::Success
            && let Err(failed) = each(*object)
        {
            return failed;
        }
    }
    outcome
}

/// Reads every input into DaemonSets, printing every problem; `Err` when any input has one.
pub fn load_all(paths: &[std::path::PathBuf], values: &Values) -> Result<Vec<DaemonSet>, Outcome> {
    let mut objects = Vec::new();
    match read_inputs(paths, values, |object| {
        objects.push(object);
        Ok(())
    }) {
        Outcome::Success => Ok(objects),
        outcome => Err(outcome),
    }
}

/// Runs the command.
pub fn run(args: &RenderArgs) -> Outcome {
    let format = match args.format {
        OutputFormat::Yaml => Format::Yaml,
        OutputFormat::Json => Format::Json,
    };
    let paths = match crate::cli::input_paths(&args.files, &args.inputs) {
        Ok(paths) => paths,
        Err(outcome) => return outcome,
    };
    let values = match inputs::values(&args.values) {
        Ok(values) => values,
        Err(outcome) => return outcome,
    };
    let Some(dir) = &args.out else {
        return stream(&paths, &values, format);
    };
    let objects = match load_all(&paths, &values) {
        Ok(objects) => objects,
        Err(outcome) => {
            eprintln!("error: nothing was written: fix the problems above");
            return outcome;
        }
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

fn nothing_rendered() {
    eprintln!("error: nothing was rendered: fix the problems above");
}

/// Renders to stdout holding one object at a time: each object is rendered as it is read into a temporary file,
/// which is copied to stdout once every input has been read without a problem (nothing is printed otherwise).
fn stream(paths: &[std::path::PathBuf], values: &Values, format: Format) -> Outcome {
    let spool = match tempfile::tempfile() {
        Ok(file) => file,
        Err(e) => {
            report::failure(None, "cannot create a temporary file for the output", e);
            return Outcome::IoFailure;
        }
    };
    let mut writer = StreamWriter::new(io::BufWriter::new(spool), format);
    let outcome = read_inputs(paths, values, |object| {
        writer.write(&object).map_err(|e| {
            report::failure(None, "cannot write the output to a temporary file", e);
            Outcome::IoFailure
        })
    });
    if outcome != Outcome::Success {
        nothing_rendered();
        return outcome;
    }
    let spooled = writer
        .finish()
        .map_err(io::Error::other)
        .and_then(|out| out.into_inner().map_err(io::IntoInnerError::into_error));
    let mut spool = match spooled {
        Ok(file) => file,
        Err(e) => {
            report::failure(None, "cannot write the output to a temporary file", e);
            return Outcome::IoFailure;
        }
    };
    let stdout = io::stdout().lock();
    let mut out = io::BufWriter::new(stdout);
    let copied = spool
        .seek(io::SeekFrom::Start(0))
        .and_then(|_| io::copy(&mut spool, &mut out))
        .and_then(|_| out.flush());
    match copied {
        Ok(()) => Outcome::Success,
        // A closed pipe (`| head`) ends the output quietly, as `println!` does elsewhere (see main.rs).
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
            std::process::exit(crate::CLOSED_PIPE_EXIT)
        }
        Err(e) => {
            report::failure(None, "cannot write to stdout", e);
            Outcome::IoFailure
        }
    }
}
