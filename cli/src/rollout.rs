//! `daemonset rollout status|history|undo`.

use std::io::IsTerminal;
use std::time::Duration;

use daemonset::cluster::{Cluster, ClusterError, RolloutState, RolloutStatus, UndoOutcome};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::{RolloutCommand, RolloutNameArgs, RolloutStatusArgs, RolloutUndoArgs};
use crate::cluster::{self, block_on};
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
    block_on(async {
        let cluster = match cluster::connect(&cluster::options(&args.connect)).await {
            Ok(cluster) => cluster,
            Err(outcome) => return outcome,
        };
        wait(&cluster, name, args.timeout.0).await
    })
}

/// Two bars on a terminal: pods updated and pods available, each of desired.
struct Bars {
    multi: MultiProgress,
    updated: ProgressBar,
    available: ProgressBar,
}

impl Bars {
    fn new(name: &str) -> Bars {
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template("{prefix:>10} [{bar:30.cyan/blue}] {pos}/{len} {msg}")
            .expect("a valid template")
            .progress_chars("=> ");
        let bar = |prefix: &'static str| {
            let bar = multi.add(ProgressBar::new(0));
            bar.set_style(style.clone());
            bar.set_prefix(prefix);
            bar
        };
        let updated = bar("updated");
        let available = bar("available");
        updated.set_message(format!("daemonset.apps/{name}"));
        Bars {
            multi,
            updated,
            available,
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
        self.available.set_message(state);
    }

    fn clear(&self) {
        self.updated.finish_and_clear();
        self.available.finish_and_clear();
        let _ = self.multi.clear();
    }
}

/// Waits for the rollout of `name` in the connection's namespace: a progress bar when stderr is a terminal, kubectl's
/// lines on stdout otherwise; the final status line on stdout either way.
pub async fn wait(cluster: &Cluster, name: &str, timeout: Option<Duration>) -> Outcome {
    let bars = std::io::stderr().is_terminal().then(|| Bars::new(name));
    let mut printed: Option<String> = None;
    let result = cluster
        .wait_for_rollout(name, timeout, |status| match &bars {
            Some(bars) => bars.show(status),
            None => {
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
        Err(ClusterError::Timeout {
            name,
            seconds,
            status,
        }) => {
            eprintln!("error: timed out after {seconds}s waiting for the rollout of daemonset.apps/{name}");
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
    block_on(async {
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
        let w1 = rows.iter().map(|r| r.1.len()).chain([12]).max().unwrap_or(12);
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
    block_on(async {
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
