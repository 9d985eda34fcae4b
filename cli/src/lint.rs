//! `daemonset lint`: best-practice findings for spec files and manifests.

use daemonset::k8s::api::apps::v1::DaemonSet;
use daemonset::lint::{self, Options, RULES, Severity};
use daemonset::spec;

use crate::cli::{Deny, LintArgs};
use crate::inputs;
use crate::report::{self, Outcome};

/// Runs the command.
pub fn run(args: &LintArgs) -> Outcome {
    if args.list_rules {
        for rule in RULES {
            println!(
                "{}  {:<7}  {:<24} {}",
                rule.id, rule.severity, rule.name, rule.summary
            );
        }
        return Outcome::Success;
    }
    let values = match inputs::values(&args.values) {
        Ok(values) => values,
        Err(outcome) => return outcome,
    };
    let sources = match inputs::expand(&args.inputs) {
        Ok(sources) => sources,
        Err(e) => {
            report::error(&e);
            return e.outcome();
        }
    };
    let options = Options { nodes: args.nodes };
    let mut outcome = Outcome::Success;
    let (mut warnings, mut infos) = (0usize, 0usize);
    let mut emit = |name: &str, object: &DaemonSet, line_of: &dyn Fn(&str) -> usize| {
        for finding in lint::lint(object, &options) {
            println!("{name}:{}: {finding}", line_of(finding.path.as_str()));
            match finding.rule.severity {
                Severity::Warning => warnings += 1,
                Severity::Info => infos += 1,
            }
        }
    };
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
            for problem in &manifest.problems {
                eprintln!("error: {problem}");
                outcome = outcome.max(Outcome::Problems);
            }
            for found in &manifest.found {
                emit(&input.name, &found.object, &|path| found.line_of(path));
            }
        } else {
            let loaded = spec::render_template(&input.name, &input.text, &values)
                .and_then(|text| spec::from_str(&input.name, &text).map(|object| (text, object)));
            match loaded {
                Ok((text, object)) => emit(&input.name, &object, &|path| {
                    spec::line_of(&text, path).unwrap_or(1)
                }),
                Err(e) => {
                    for line in e.lines() {
                        eprintln!("error: {line}");
                    }
                    outcome = outcome.max(Outcome::Problems);
                }
            }
        }
    }
    let s = |n: usize| if n == 1 { "" } else { "s" };
    eprintln!("{warnings} warning{}, {infos} info", s(warnings));
    if args.deny == Some(Deny::Warnings) && warnings > 0 {
        eprintln!("error: warnings are denied (--deny warnings)");
        outcome = outcome.max(Outcome::Problems);
    }
    outcome
}
