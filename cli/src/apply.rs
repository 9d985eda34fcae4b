//! `daemonset apply`: server-side apply, after local validation; `--wait` follows the rollouts.

use std::time::Instant;

use daemonset::cluster::ApplyOptions;

use crate::cli::{ApplyArgs, DryRun};
use crate::cluster::{self, block_on};
use crate::report::Outcome;
use crate::rollout;

/// Runs the command.
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
    block_on(async {
        let cluster = match cluster::connect(&connect).await {
            Ok(cluster) => cluster,
            Err(outcome) => return outcome,
        };
        let applied = match cluster.apply_all(&objects, &options).await {
            Ok(applied) => applied,
            Err((done, e)) => {
                for applied in &done {
                    println!("{}", applied.summary());
                }
                let outcome = cluster::fail(&e);
                if objects.len() == 1 {
                    return outcome;
                }
                let failed = objects
                    .get(done.len())
                    .and_then(|o| o.metadata.name.as_deref())
                    .unwrap_or_default();
                eprintln!(
                    "error: applying daemonset.apps/{failed} failed: {} of {} DaemonSet{} applied, {} not sent; \
                     running again is safe (server-side apply converges)",
                    done.len(),
                    objects.len(),
                    if objects.len() == 1 { "" } else { "s" },
                    objects.len() - done.len() - 1,
                );
                return outcome;
            }
        };
        for applied in &applied {
            println!("{}", applied.summary());
        }
        if !args.wait {
            return Outcome::Success;
        }
        if options.dry_run {
            eprintln!("note: --wait skipped: a server dry run starts no rollout");
            return Outcome::Success;
        }
        let deadline = args.timeout.0.map(|limit| Instant::now() + limit);
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
