//! `daemonset doctor`: why a DaemonSet is not healthy, and on which nodes; from the live cluster or a recorded state.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};
use daemonset::diagnostic::Diagnostic;
use daemonset::doctor::{self, Doctor, Health, Report, Scope, State};

use crate::cli::{ConnectArgs, Timeout};
use crate::cluster;
use crate::inputs;
use crate::report::{self, Outcome};

/// The output format of `doctor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DoctorFormat {
    /// The verdict, the causes with their nodes, and the nodes that are not fine.
    Text,
    /// JSON: the report (an array of reports with --all).
    Json,
}

/// `daemonset doctor`.
#[derive(Debug, Args)]
#[command(after_help = "\
Exit codes: 0 healthy (with --all: every DaemonSet), 1 not healthy or not found (with --watch: still not healthy
at --timeout), 3 the state file could not be read or written, 4 the cluster could not be used, 5 the cluster did
not answer within --timeout.

Examples:
  daemonset doctor node-exporter -n monitoring
  daemonset doctor --all -A
  daemonset doctor fluent-bit --watch --timeout 10m
  daemonset doctor agent --record state.yaml      # keep the live state for later (or a bug report)
  daemonset doctor agent --from-file state.yaml   # diagnose a recorded state offline")]
pub struct DoctorArgs {
    /// The DaemonSet (`NAME`, `daemonset/NAME` or `ds/NAME`).
    #[arg(value_name = "NAME", required_unless_present_any = ["all", "all_namespaces"])]
    pub name: Option<String>,
    /// Every DaemonSet of the namespace, one line each.
    #[arg(long, conflicts_with = "name")]
    pub all: bool,
    /// With --all: every namespace.
    #[arg(short = 'A', long, conflicts_with = "name")]
    pub all_namespaces: bool,
    /// The output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = DoctorFormat::Text)]
    pub format: DoctorFormat,
    /// Diagnose a recorded state instead of the live cluster: a YAML stream of Lists or objects of kinds DaemonSet,
    /// ControllerRevision, Node, Pod and Event (`kubectl get ds,controllerrevisions,pods,events -o yaml` and
    /// `kubectl get nodes -o yaml`, or a file written by --record).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["record", "watch"])]
    pub from_file: Option<PathBuf>,
    /// Also write the live state read (with the fetched logs) to FILE, for --from-file.
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
    /// Diagnose again every 2 seconds, printing the verdict when it changes, until healthy (exit 0) or --timeout
    /// (exit 1).
    #[arg(long, conflicts_with_all = ["all", "all_namespaces"])]
    pub watch: bool,
    /// One deadline for the whole command, connecting included; with --watch, how long to wait for health
    /// (`0`: no limit).
    #[arg(long, value_name = "DURATION", default_value = "5m")]
    pub timeout: Timeout,
    /// Where the cluster is.
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// Runs `daemonset doctor`.
pub fn run(args: &DoctorArgs) -> Outcome {
    let name = match args.name.as_deref().map(cluster::daemon_set_name) {
        Some(Ok(name)) => Some(name),
        Some(Err(outcome)) => return outcome,
        None => None,
    };
    if let Some(path) = &args.from_file {
        return offline(args, path, name);
    }
    let what = match name {
        Some(name) => format!("doctor of daemonset.apps/{name}"),
        None => "doctor".to_owned(),
    };
    // One deadline: the watch's own (exit 1, still not healthy) is the same instant as the whole command's.
    let deadline = cluster::deadline(args.timeout.0);
    cluster::run_within(args.timeout.0, &what, async {
        let connection = match cluster::connect(&cluster::options(&args.connect)).await {
            Ok(c) => c,
            Err(outcome) => return outcome,
        };
        let scope = match name {
            Some(name) => Scope::One(name),
            None if args.all_namespaces => Scope::AllNamespaces,
            None => Scope::Namespace,
        };
        if args.watch
            && let Some(name) = name
        {
            return watch(&connection, name, args, deadline).await;
        }
        let state = match doctor::gather(&connection, scope).await {
            Ok(state) => state,
            Err(e) => return cluster::fail(&e),
        };
        if let Some(path) = &args.record
            && let Err(e) = std::fs::write(path, state.to_yaml())
        {
            report::failure(Some(path), "cannot write", e);
            return Outcome::IoFailure;
        }
        let doctor = Doctor::new(&state);
        show(&doctor.all(), name.is_none(), args.format)
    })
}

fn offline(args: &DoctorArgs, path: &std::path::Path, name: Option<&str>) -> Outcome {
    let text = match inputs::read(&inputs::Source::File(path.to_path_buf())) {
        Ok(input) => input.text,
        Err(e) => {
            report::error(&e);
            return inputs::outcome(&e);
        }
    };
    let state = match State::from_yaml(&text) {
        Ok(state) => state,
        Err(e) => {
            let mut diagnostic = Diagnostic::from(e);
            diagnostic.location.file = Some(path.display().to_string());
            report::diagnostic(&diagnostic);
            return Outcome::Problems;
        }
    };
    let doctor = Doctor::new(&state);
    let wanted_namespace = args.connect.namespace.as_deref();
    let in_scope = |report: &Report| {
        args.all_namespaces || wanted_namespace.is_none_or(|ns| report.namespace == ns)
    };
    let reports: Vec<Report> = doctor
        .all()
        .into_iter()
        .filter(in_scope)
        .filter(|r| name.is_none_or(|n| r.name == n))
        .collect();
    if let Some(name) = name {
        match reports.len() {
            0 => {
                eprintln!(
                    "error: DaemonSet `{name}` not found in {}{}",
                    path.display(),
                    wanted_namespace
                        .map(|ns| format!(" (namespace `{ns}`)"))
                        .unwrap_or_default()
                );
                return Outcome::Problems;
            }
            1 => {}
            _ => {
                let namespaces: Vec<&str> = reports.iter().map(|r| r.namespace.as_str()).collect();
                eprintln!(
                    "error: DaemonSet `{name}` is in several namespaces ({}): pass -n NAMESPACE",
                    namespaces.join(", ")
                );
                return Outcome::Problems;
            }
        }
    }
    show(&reports, name.is_none(), args.format)
}

fn show(reports: &[Report], all: bool, format: DoctorFormat) -> Outcome {
    let text = match (format, all) {
        (DoctorFormat::Json, true) => {
            serde_json::to_string_pretty(reports).unwrap_or_default() + "\n"
        }
        (DoctorFormat::Json, false) => {
            serde_json::to_string_pretty(&reports[0]).unwrap_or_default() + "\n"
        }
        (DoctorFormat::Text, true) if reports.is_empty() => "no DaemonSet found\n".to_owned(),
        (DoctorFormat::Text, true) => reports.iter().map(|r| r.line() + "\n").collect(),
        (DoctorFormat::Text, false) => reports[0].to_string(),
    };
    let printed = report::print(&text);
    if printed != Outcome::Success {
        return printed;
    }
    if reports.iter().all(Report::is_healthy) {
        Outcome::Success
    } else {
        Outcome::Problems
    }
}

/// The pause between two diagnoses of --watch.
const PAUSE: Duration = Duration::from_secs(2);

async fn watch(
    connection: &daemonset::cluster::Cluster,
    name: &str,
    args: &DoctorArgs,
    deadline: Option<Instant>,
) -> Outcome {
    let mut last: Option<(Health, String)> = None;
    loop {
        let request = doctor::doctor(connection, name);
        let answer = match deadline {
            Some(d) => tokio::time::timeout_at(tokio::time::Instant::from_std(d), request).await,
            None => Ok(request.await),
        };
        let report = match answer {
            Ok(Ok(report)) => report,
            Ok(Err(e)) => return cluster::fail(&e),
            // The deadline came during a diagnosis: the last verdict stands.
            Err(_) => match &last {
                Some((health, _)) => {
                    eprintln!("error: `{name}` is still {health} after the timeout");
                    return Outcome::Problems;
                }
                // No verdict yet: the whole command's deadline says what did not finish.
                None => std::future::pending().await,
            },
        };
        let now = (report.health, report.summary.clone());
        if last.as_ref() != Some(&now) {
            let text = match args.format {
                DoctorFormat::Json => serde_json::to_string(&report).unwrap_or_default() + "\n",
                DoctorFormat::Text => report.line() + "\n",
            };
            let printed = report::print(&text);
            if printed != Outcome::Success {
                return printed;
            }
            last = Some(now);
        }
        if report.is_healthy() {
            return Outcome::Success;
        }
        let still = || {
            eprintln!(
                "error: `{name}` is still {} after the timeout",
                report.health
            );
            Outcome::Problems
        };
        let pause = match deadline {
            Some(d) if Instant::now() >= d => return still(),
            Some(d) => d.saturating_duration_since(Instant::now()).min(PAUSE),
            None => PAUSE,
        };
        tokio::time::sleep(pause).await;
        // At the deadline, the verdict stands without one more request (which the overall deadline would cut).
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return still();
        }
    }
}
