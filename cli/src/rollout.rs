//! `daemonset rollout status|history|undo`.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use daemonset::cluster::{Cluster, ClusterError, RolloutState, RolloutStatus, UndoOutcome};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::{RolloutCommand, RolloutNameArgs, RolloutStatusArgs, RolloutUndoArgs};
use crate::cluster;
use crate::report::Outcome;

/// Runs a `rollout` subcommand.
pub fn run(command: &RolloutCommand) -> Outcome {
    match command {
        RolloutCommand::Status(args) => status(args),
        RolloutCommand::History(args) => history(args),
        RolloutCommand::Undo(args) => undo(args),
    }
}

fn status(args: &RolloutStatusArgs) -> Outcome {
    let name = match cluster::daemon_set_name(&args.name) {
        Ok(name) => name,
        Err(outcome) => return outcome,
    };
    let deadline = cluster::deadline(args.timeout.0);
    let what = format!("rollout status of daemonset.apps/{name}");
    cluster::run_within(args.timeout.0, &what, async {
        let cluster = match cluster::connect(&cluster::options(&args.connect)).await {
            Ok(cluster) => cluster,
            Err(outcome) => return outcome,
        };
        wait(&cluster, name, deadline, args.timeout.0).await
    })
}

/// Two bars on a terminal: pods updated and pods available, each of desired.
struct Bars {
    multi: MultiProgress,
    updated: ProgressBar,
    available: ProgressBar,
    name: String,
}

impl Bars {
    fn new(name: &str, first: &RolloutStatus) -> Bars {
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
        let style =
            ProgressStyle::with_template("{prefix:>9} [{bar:30.cyan/blue}] {pos}/{len} {msg}")
                .expect("a valid template")
                .progress_chars("=> ");
        let desired = u64::try_from(first.desired).unwrap_or(0);
        // Configured before it is added, so that nothing half-set is ever drawn.
        let bar = |prefix: &'static str, value: i32| {
            multi.add(
                ProgressBar::new(desired)
                    .with_style(style.clone())
                    .with_prefix(prefix)
                    .with_position(u64::try_from(value).unwrap_or(0)),
            )
        };
        let updated = bar("updated", first.updated);
        let available = bar("available", first.available);
        Bars {
            multi,
            updated,
            available,
            name: name.to_owned(),
        }
    }

    fn show(&self, status: &RolloutStatus) {
        let desired = u64::try_from(status.desired).unwrap_or(0);
        for (bar, value) in [
            (&self.updated, status.updated),
            (&self.available, status.available),
        ] {
            bar.set_length(desired);
            bar.set_position(u64::try_from(value).unwrap_or(0));
        }
        let state = match status.state {
            RolloutState::WaitingForObservation => "waiting for the controller",
            RolloutState::Updating => "updating",
            RolloutState::WaitingForAvailability => "waiting for availability",
            RolloutState::Complete => "complete",
            RolloutState::OnDelete { .. } => "OnDelete",
        };
        self.updated
            .set_message(format!("daemonset.apps/{}: {state}", self.name));
    }

    fn clear(&self) {
        self.updated.finish_and_clear();
        self.available.finish_and_clear();
        let _ = self.multi.clear();
    }
}

/// Waits for the rollout of `name` in the connection's namespace until `deadline` (`timeout` is the limit the user
/// gave, for the message): a progress bar when stderr is a terminal, kubectl's lines on stdout otherwise; the final
/// status line on stdout either way.
pub async fn wait(
    cluster: &Cluster,
    name: &str,
    deadline: Option<Instant>,
    timeout: Option<Duration>,
) -> Outcome {
    let terminal = std::io::stderr().is_terminal();
    let mut bars: Option<Bars> = None;
    let mut printed: Option<String> = None;
    // With a deadline, the time left (zero when it has passed: the wait then times out at once).
    let remaining = deadline.map(|d| d.saturating_duration_since(Instant::now()));
    let result = cluster
        .wait_for_rollout(name, remaining, |status| {
            if terminal {
                bars.get_or_insert_with(|| Bars::new(name, status))
                    .show(status);
            } else {
                let line = status.message();
                if printed.as_deref() != Some(line.as_str()) {
                    println!("{line}");
                    printed = Some(line);
                }
            }
        })
        .await;
    if let Some(bars) = &bars {
        bars.clear();
    }
    match result {
        Ok(status) => {
            let line = status.message();
            if printed.as_deref() != Some(line.as_str()) {
                println!("{line}");
            }
            Outcome::Success
        }
        Err(ClusterError::Timeout { name, status, .. }) => {
            eprintln!(
                "error: timed out after {} waiting for the rollout of daemonset.apps/{name}",
                timeout.map_or_else(|| "?".to_owned(), cluster::human)
            );
            eprintln!("  last status: {status}");
            // The counts as they are now, when the cluster still answers.
            if let Ok(now) = cluster.rollout_status(&name).await {
                eprintln!(
                    "  desired {}, updated {}, ready {}, available {}",
                    now.desired, now.updated, now.ready, now.available
                );
            }
            Outcome::Timeout
        }
        Err(e) => cluster::fail(&e),
    }
}

fn history(args: &RolloutNameArgs) -> Outcome {
    let name = match cluster::daemon_set_name(&args.name) {
        Ok(name) => name,
        Err(outcome) => return outcome,
    };
    let what = format!("rollout history of daemonset.apps/{name}");
    cluster::run_within(args.timeout.0, &what, async {
        let cluster = match cluster::connect(&cluster::options(&args.connect)).await {
            Ok(cluster) => cluster,
            Err(outcome) => return outcome,
        };
        let revisions = match cluster.rollout_history(name).await {
            Ok(revisions) => revisions,
            Err(e) => return cluster::fail(&e),
        };
        println!("daemonset.apps/{name}");
        let rows: Vec<(String, String, String)> = revisions
            .iter()
            .map(|r| {
                (
                    r.revision.to_string(),
                    r.change_cause.clone().unwrap_or_else(|| "<none>".into()),
                    if r.images.is_empty() {
                        "<none>".into()
                    } else {
                        r.images.join(",")
                    },
                )
            })
            .collect();
        let w0 = rows.iter().map(|r| r.0.len()).chain([8]).max().unwrap_or(8);
        let w1 = rows
            .iter()
            .map(|r| r.1.len())
            .chain([12])
            .max()
            .unwrap_or(12);
        println!("{:<w0$}  {:<w1$}  IMAGES", "REVISION", "CHANGE-CAUSE");
        for (revision, cause, images) in &rows {
            println!("{revision:<w0$}  {cause:<w1$}  {images}");
        }
        Outcome::Success
    })
}

fn undo(args: &RolloutUndoArgs) -> Outcome {
    let name = match cluster::daemon_set_name(&args.name) {
        Ok(name) => name,
        Err(outcome) => return outcome,
    };
    let what = format!("rollout undo of daemonset.apps/{name}");
    cluster::run_within(args.timeout.0, &what, async {
        let cluster = match cluster::connect(&cluster::options(&args.connect)).await {
            Ok(cluster) => cluster,
            Err(outcome) => return outcome,
        };
        match cluster.rollout_undo(name, args.to_revision).await {
            Ok(UndoOutcome::RolledBack { .. }) => {
                println!("daemonset.apps/{name} rolled back");
                Outcome::Success
            }
            Ok(UndoOutcome::AlreadyMatches { revision }) => {
                println!(
                    "daemonset.apps/{name} skipped rollback (current template already matches revision {revision})"
                );
                Outcome::Success
            }
            Err(e) => cluster::fail(&e),
        }
    })
}
