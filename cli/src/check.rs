//! `daemonset check`: validate existing manifests, document by document (one held in memory at a time).

use crate::cli::CheckArgs;
use crate::inputs;
use crate::report::{self, Outcome};

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
    let (mut checked, mut problems) = (0usize, 0usize);
    for source in &sources {
        let streamed = inputs::stream_manifest(source, |name, item| match item {
            inputs::Item::Note(note) => eprintln!("note: {note}"),
            inputs::Item::Problems(lines) => {
                for line in &lines {
                    println!("{line}");
                }
                problems += lines.len();
            }
            inputs::Item::Found(found) => {
                checked += 1;
                let lines = inputs::violations(name, &found);
                for line in &lines {
                    println!("{line}");
                }
                problems += lines.len();
            }
        });
        if let Err(e) = streamed {
            report::error(&e);
            outcome = outcome.max(e.outcome());
            problems += 1;
        }
    }
    if problems > 0 {
        outcome = outcome.max(Outcome::Problems);
    }
    let s = |n: usize| if n == 1 { "" } else { "s" };
    eprintln!(
        "checked {checked} DaemonSet{}: {problems} problem{}",
        s(checked),
        s(problems)
    );
    outcome
}
