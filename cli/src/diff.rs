//! `daemonset diff`: live objects against the server's dry run of applying the inputs.

use std::process::ExitCode;

use daemonset::cluster::ApplyOptions;

use crate::cli::DiffArgs;
use crate::cluster;
use crate::report::Outcome;

/// kubectl diff's exit codes: 0 no differences, 1 differences, an error is never 1 (the inputs' problems and
/// rejections exit 2; others keep their codes).
fn exit(outcome: Outcome) -> ExitCode {
    match outcome {
        Outcome::Problems => ExitCode::from(2),
        other => other.exit_code(),
    }
}

/// Runs the command.
pub fn run(args: &DiffArgs) -> ExitCode {
    let objects = match cluster::load(&args.files, "compared") {
        Ok(objects) => objects,
        Err(outcome) => return exit(outcome),
    };
    let options = ApplyOptions {
        field_manager: args.field_manager.clone(),
        dry_run: true,
        force_conflicts: args.force_conflicts,
    };
    let mut code = ExitCode::SUCCESS;
    let outcome = cluster::run_within(args.timeout.0, "diff", async {
        let cluster = match cluster::connect(&cluster::options(&args.connect)).await {
            Ok(cluster) => cluster,
            Err(outcome) => return outcome,
        };
        let mut changed = 0usize;
        for object in &objects {
            match cluster.diff(object, &options).await {
                Ok(diff) => {
                    if diff.has_changes() {
                        changed += 1;
                        print!("{}", diff.unified);
                    }
                }
                Err(e) => return cluster::fail(&e),
            }
        }
        let s = |n: usize| if n == 1 { "" } else { "s" };
        eprintln!(
            "{changed} of {} DaemonSet{} would change",
            objects.len(),
            s(objects.len())
        );
        if changed > 0 {
            code = ExitCode::from(1);
        }
        Outcome::Success
    });
    match outcome {
        Outcome::Success => code,
        other => exit(other),
    }
}
