//! `daemonset check`: validate existing manifests.

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
        let input = match inputs::read(source) {
            Ok(input) => input,
            Err(e) => {
                report::error(&e);
                outcome = outcome.max(e.outcome());
                problems += 1;
                continue;
            }
        };
        let manifest = inputs::manifest(&input);
        for note in &manifest.notes {
            eprintln!("note: {note}");
        }
        let mut lines = manifest.problems;
        for found in &manifest.found {
            checked += 1;
            lines.extend(inputs::violations(&input.name, found));
        }
        for line in &lines {
            println!("{line}");
        }
        problems += lines.len();
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
