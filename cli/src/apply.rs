//! `daemonset apply`: server-side apply, after local validation; `--wait` follows the rollouts.

use daemonset::cluster::{ApplyOptions, ApplyOutcome};

use crate::cli::{ApplyArgs, DryRun};
use crate::cluster;
use crate::report::Outcome;
use crate::rollout;

/// Runs the command: every object is sent (16 in flight) whatever happens to the others; each gets its own line,
/// in input order (kubectl's `daemonset.apps/NAME created|configured|unchanged`, or an `error:` line with the
/// server's reason), then the counts when more than one object was sent.
pub fn run(args: &ApplyArgs) -> Outcome {
    let objects = match cluster::load(&args.files, "applied") {
        Ok(objects) => objects,
        Err(outcome) => return outcome,
    };
    let options = ApplyOptions {
        field_manager: args.field_manager.clone(),
        dry_run: args.dry_run == DryRun::Server,
        force_conflicts: args.force_conflicts,
    };
    let connect = cluster::options(&args.connect);
    let deadline = cluster::deadline(args.timeout.0);
    cluster::run_within(args.timeout.0, "apply", async {
        let cluster = match cluster::connect(&connect).await {
            Ok(cluster) => cluster,
            Err(outcome) => return outcome,
        };
        let results = match cluster.apply_each(&objects, &options).await {
            Ok(results) => results,
            Err(e) => {
                let outcome = cluster::fail(&e);
                eprintln!("error: nothing was applied");
                return outcome;
            }
        };
        let mut worst = Outcome::Success;
        let (mut created, mut configured, mut unchanged, mut rejected) = (0, 0, 0, 0);
        let mut applied = Vec::new();
        for (object, result) in objects.iter().zip(results) {
            match result {
                Ok(done) => {
                    println!("{}", done.summary());
                    match done.outcome {
                        ApplyOutcome::Created => created += 1,
                        ApplyOutcome::Configured => configured += 1,
                        ApplyOutcome::Unchanged => unchanged += 1,
                    }
                    applied.push(done);
                }
                Err(e) => {
                    rejected += 1;
                    let name = object.metadata.name.as_deref().unwrap_or_default();
                    let namespace = object
                        .metadata
                        .namespace
                        .as_deref()
                        .unwrap_or(cluster.namespace());
                    if objects.len() > 1 {
                        eprintln!(
                            "error: daemonset.apps/{name} (namespace {namespace}) was not applied:"
                        );
                    }
                    worst = worst.max(cluster::fail(&e));
                }
            }
        }
        if objects.len() > 1 {
            let s = |n: usize| if n == 1 { "" } else { "s" };
            let total = objects.len();
            let line = format!(
                "{} of {total} DaemonSet{} applied ({created} created, {configured} configured, {unchanged} \
                 unchanged), {rejected} failed{}",
                total - rejected,
                s(total),
                if options.dry_run {
                    " (server dry run)"
                } else {
                    ""
                }
            );
            if rejected > 0 {
                eprintln!(
                    "error: {line}; every object was sent, and running again is safe (server-side apply converges)"
                );
            } else {
                eprintln!("{line}");
            }
        }
        if worst != Outcome::Success {
            return worst;
        }
        if !args.wait {
            return Outcome::Success;
        }
        if options.dry_run {
            eprintln!("note: --wait skipped: a server dry run starts no rollout");
            return Outcome::Success;
        }
        for applied in &applied {
            let name = applied.object.metadata.name.as_deref().unwrap_or_default();
            let namespace = applied
                .object
                .metadata
                .namespace
                .clone()
                .unwrap_or_else(|| cluster.namespace().to_owned());
            let here = if namespace == cluster.namespace() {
                cluster.clone()
            } else {
                match cluster::connect_in(&connect, &namespace).await {
                    Ok(cluster) => cluster,
                    Err(outcome) => return outcome,
                }
            };
            let outcome = rollout::wait(&here, name, deadline, args.timeout.0).await;
            if outcome != Outcome::Success {
                return outcome;
            }
        }
        Outcome::Success
    })
}
