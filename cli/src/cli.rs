//! The command line, with clap's derive API.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Kubernetes DaemonSets that are correct by construction: render spec files to manifests, check and lint
/// existing manifests with the API server's rules.
#[derive(Debug, Parser)]
#[command(
    name = "daemonset",
    version,
    after_help = "\
Exit codes:
  0  success
  1  the inputs have problems (violations, spec or template errors, denied lint findings, drift),
     or the API server rejected them (invalid, field-manager conflict, immutable selector, not
     found, no such revision); `diff`: differences found
  2  usage error; `diff`: also the inputs have problems or were rejected (kubectl diff's way)
  3  a file could not be read or written
  4  cluster error: no or unusable kubeconfig, server unreachable, TLS failure, unauthorized,
     forbidden (RBAC), any other API error
  5  a cluster command (a rollout, connecting, any request) did not finish within --timeout
  141  the output pipe was closed (`| head`): the output ends quietly, as SIGPIPE ends other tools

Examples:
  daemonset render -f examples/specs --values examples/specs/values.yaml | kubectl apply -f -
  daemonset render -f examples/specs --values examples/specs/values.yaml --out deploy/ --prune
  daemonset render -f examples/specs --values examples/specs/values.yaml --out deploy/ --check
  daemonset check -f deploy/
  daemonset lint -f deploy/ --nodes 500 --deny warnings
  daemonset plan -f deploy/ --nodes nodes.yaml --pods pods.yaml
  daemonset import -f node-exporter.yaml --to rust
  daemonset apply -f deploy/ --wait --timeout 5m
  daemonset diff -f deploy/"
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render spec files (and manifests) to a YAML stream on stdout or to one file per object.
    ///
    /// Each spec file is a minijinja template rendered with the values, read strictly and built with the same
    /// validation as the Rust builder. Nothing is printed or written unless every input is valid.
    Render(RenderArgs),
    /// Validate existing Kubernetes YAML: every DaemonSet in every document, strictly (unknown fields are errors).
    ///
    /// Prints every problem as `file:line:column: path: message`; other kinds are skipped with a note.
    Check(CheckArgs),
    /// Best-practice warnings with stable rule ids, for spec files and manifests.
    ///
    /// A DaemonSet waives rules with the annotation `lint.daemonset.dev/allow: "DS005,DS006"`.
    Lint(LintArgs),
    /// Plan on which nodes DaemonSets run, and why not on the others (nodeSelector, affinity, taints, resources,
    /// host ports).
    ///
    /// Nodes come from `--nodes` (the output of `kubectl get nodes -o yaml`) or, without it, from the live cluster;
    /// pods bound to the nodes (for resources, host ports and pods already running) from `--pods` or the live
    /// cluster.
    Plan(PlanArgs),
    /// Server-side apply DaemonSets from manifests and spec files; validated locally first (nothing is sent when
    /// any input has a problem).
    #[cfg(feature = "cluster")]
    Apply(ApplyArgs),
    /// Show what `apply` would change: the live objects against the server's dry run, as a unified YAML diff.
    ///
    /// Exit 0 when nothing would change, 1 when something would, 2 or more on an error (kubectl's convention).
    #[cfg(feature = "cluster")]
    Diff(DiffArgs),
    /// Watch a rollout, list the revisions, or roll back to one.
    #[cfg(feature = "cluster")]
    #[command(subcommand)]
    Rollout(RolloutCommand),
    /// Why isn't it running? The verdict on a live DaemonSet (or a recorded state), each cause with its nodes.
    #[cfg(feature = "cluster")]
    Doctor(crate::doctor::DoctorArgs),
    /// Write existing DaemonSet manifests (kubectl, Helm or kustomize output) as builder code, a `daemonset!`
    /// block or a spec file.
    ///
    /// Typed forms wherever the front end has one (named volume handles, typed quantities, enums), no field the
    /// server fills in anyway; a field without a typed form is set in `customize` (builder, DSL) with a comment, and
    /// reported on stderr. Spec files cannot say such a field: it is left out and reported as an error (exit 1).
    /// Other kinds in the input are skipped with a note.
    Import(ImportArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish) on stdout.
    ///
    /// bash: `source <(daemonset completions bash)`; zsh: `daemonset completions zsh > "${fpath[1]}/_daemonset"`;
    /// fish: `daemonset completions fish > ~/.config/fish/completions/daemonset.fish`; PowerShell:
    /// `daemonset completions powershell | Out-String | Invoke-Expression`.
    Completions(CompletionsArgs),
    /// Print the man page (roff, section 1) on stdout: `daemonset man | man -l -`.
    Man,
}

/// The form `import` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportForm {
    /// Builder code: a function returning the built DaemonSet.
    Rust,
    /// A `daemonset!` block in such a function.
    Dsl,
    /// A spec file.
    Spec,
}

/// `daemonset import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Manifests or directories of them; `-` reads stdin.
    #[arg(value_name = "FILE_OR_DIR")]
    pub inputs: Vec<PathBuf>,
    /// A manifest, directory or `-` (as kubectl's `-f`; may be repeated).
    #[arg(short = 'f', long = "filename", value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The form to write.
    #[arg(long, value_enum)]
    pub to: ImportForm,
    /// Write one file per DaemonSet (`<name>.rs`, `<name>.yaml`) into this directory instead of stdout.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Exit 1 also when a field needed the escape hatch (`customize`).
    #[arg(long)]
    pub strict: bool,
}

/// `daemonset completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// The name kubectl gives a plugin binary for `kubectl daemonset`.
pub const PLUGIN_BINARY: &str = "kubectl-daemonset";

/// Whether this process was started as the kubectl plugin (`kubectl-daemonset`, directly or through kubectl).
pub fn invoked_as_plugin() -> bool {
    std::env::args_os()
        .next()
        .map(std::path::PathBuf::from)
        .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .is_some_and(|name| name == PLUGIN_BINARY)
}

/// The command line definition, named `kubectl daemonset` when run as the kubectl plugin.
pub fn command() -> clap::Command {
    use clap::CommandFactory as _;
    let command = Cli::command();
    if invoked_as_plugin() {
        let examples = command
            .get_after_help()
            .map(|help| {
                help.to_string()
                    .replace("\n  daemonset ", "\n  kubectl daemonset ")
            })
            .unwrap_or_default();
        command
            .name("kubectl daemonset")
            .bin_name("kubectl daemonset")
            .display_name("kubectl daemonset")
            .after_help(examples)
    } else {
        command
    }
}

/// Parses the command line (exits on usage errors, `--help` and `--version`, as clap does).
pub fn parse() -> Cli {
    use clap::FromArgMatches as _;
    let matches = command().get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

/// Template values of spec files (`--values`; `-f` is the input file, as in kubectl).
#[derive(Debug, Clone, Args)]
pub struct ValueArgs {
    /// A YAML file of template values for spec files; repeatable, later files win (mappings merge key by key).
    #[arg(long = "values", value_name = "FILE")]
    pub values: Vec<PathBuf>,
    /// A template value as `dotted.key=value` (always a string); applied after the values files.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
}

/// The output format of `render`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// YAML (a `---` separated stream on stdout).
    Yaml,
    /// Pretty JSON, one document per object.
    Json,
}

/// `daemonset render`.
#[derive(Debug, Args)]
pub struct RenderArgs {
    /// A spec file, a manifest, or a directory of them (`*.yaml`, `*.yml`; `values.yaml` and `*.values.yaml` are
    /// skipped); `-` reads stdin. Repeatable. Kubernetes manifests (with `kind:`) are read strictly and re-rendered.
    #[arg(short = 'f', long = "filename", value_name = "FILE|DIR|-")]
    pub files: Vec<PathBuf>,
    /// More inputs, as -f takes them.
    #[arg(value_name = "SPEC_OR_DIR")]
    pub inputs: Vec<PathBuf>,
    /// Write one file per object into this directory (atomically; `.daemonset-manifest` records them).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// With --out: remove files this tool wrote before that are no longer rendered (never any other file).
    #[arg(long, requires = "out")]
    pub prune: bool,
    /// With --out: write nothing; exit 1 and list the files that differ from what would be written.
    #[arg(long, requires = "out")]
    pub check: bool,
    /// The output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = OutputFormat::Yaml)]
    pub format: OutputFormat,
    /// Template values.
    #[command(flatten)]
    pub values: ValueArgs,
}

/// `daemonset check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// A YAML file or a directory of them (`*.yaml`, `*.yml`); `-` reads stdin. Repeatable.
    #[arg(short = 'f', long = "filename", value_name = "FILE|DIR|-")]
    pub files: Vec<PathBuf>,
    /// More inputs, as -f takes them.
    #[arg(value_name = "FILE_OR_DIR")]
    pub inputs: Vec<PathBuf>,
    /// The output format: `text` lines and a summary line, `json` (schemas/findings-v1.json), `sarif` (SARIF
    /// 2.1.0) or `junit` (JUnit XML).
    #[arg(short = 'o', long = "output", value_enum, default_value_t = crate::output::Format::Text)]
    pub format: crate::output::Format,
}

/// What `--deny` turns into errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    /// Exit 1 when any warning is found (info findings never fail).
    Warnings,
}

/// A lint severity threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    /// Every finding.
    Info,
    /// Warnings only.
    Warning,
}

/// `daemonset lint`.
#[derive(Debug, Args)]
pub struct LintArgs {
    /// A spec file, a manifest, or a directory of them; `-` reads stdin. Repeatable.
    #[arg(short = 'f', long = "filename", value_name = "FILE|DIR|-")]
    pub files: Vec<PathBuf>,
    /// More inputs, as -f takes them.
    #[arg(value_name = "FILE_OR_DIR")]
    pub inputs: Vec<PathBuf>,
    /// Exit 1 when findings of this kind are found.
    #[arg(long, value_enum)]
    pub deny: Option<Deny>,
    /// The number of nodes the DaemonSets run on, for rollout advice (DS010).
    #[arg(long, value_name = "N")]
    pub nodes: Option<u32>,
    /// Print the rules and exit (with the rule selection: opt-in rules are marked).
    #[arg(long)]
    pub list_rules: bool,
    /// The output format: `text` lines and a summary line, `json` (schemas/findings-v1.json), `sarif` (SARIF
    /// 2.1.0) or `junit` (JUnit XML).
    #[arg(short = 'o', long = "output", value_enum, default_value_t = crate::output::Format::Text)]
    pub format: crate::output::Format,
    /// Run these rules too (ids or names, comma-separated or repeated; `all` for every rule): the opt-in rules
    /// are off otherwise.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub enable: Vec<String>,
    /// Do not run these rules (ids or names, comma-separated or repeated; `all` for every rule not enabled).
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub disable: Vec<String>,
    /// Report only findings of rules of this severity or above.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub severity: Option<SeverityArg>,
    /// The configuration file (else the nearest `.daemonset.toml` from the current directory up).
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore any `.daemonset.toml`.
    #[arg(long)]
    pub no_config: bool,
    /// Template values for spec files.
    #[command(flatten)]
    pub values: ValueArgs,
}

/// The output format of `plan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// A table (node, verdict, reasons), the summary line and the rollout estimate.
    Table,
    /// JSON: one object per DaemonSet (an array when there are several).
    Json,
}

/// `daemonset plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// A spec file, a manifest, or a directory of them; `-` reads stdin. Repeatable.
    #[arg(short = 'f', long = "filename", value_name = "FILE|DIR|-")]
    pub files: Vec<PathBuf>,
    /// More inputs, as -f takes them.
    #[arg(value_name = "SPEC_OR_FILE")]
    pub inputs: Vec<PathBuf>,
    /// The nodes: `kubectl get nodes -o yaml` (a List), a `---` stream of Node documents, or a single Node.
    #[cfg_attr(
        feature = "cluster",
        doc = "Without it, the nodes are read from the live cluster (--kubeconfig, --context)."
    )]
    #[arg(long, value_name = "FILE", required = cfg!(not(feature = "cluster")))]
    pub nodes: Option<PathBuf>,
    /// The pods bound to the nodes (`kubectl get pods -A -o yaml`): what they request, their host ports, and the
    /// DaemonSet's pods already running.
    #[cfg_attr(
        feature = "cluster",
        doc = "Without it, read from the live cluster when --nodes is absent; none otherwise."
    )]
    #[cfg_attr(
        not(feature = "cluster"),
        doc = "Without it, no pods are taken into account."
    )]
    #[arg(long, value_name = "FILE")]
    pub pods: Option<PathBuf>,
    /// The output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = PlanFormat::Table)]
    pub format: PlanFormat,
    /// Show the full reasoning for one node instead: labels compared, each toleration tried against each taint,
    /// resources and host ports.
    #[arg(long, value_name = "NODE", conflicts_with = "format")]
    pub explain: Option<String>,
    /// The kubeconfig to read the live cluster with (else $KUBECONFIG, else ~/.kube/config).
    #[cfg(feature = "cluster")]
    #[arg(long, value_name = "FILE", conflicts_with = "nodes")]
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context to use (else its current context).
    #[cfg(feature = "cluster")]
    #[arg(long, value_name = "NAME", conflicts_with = "nodes")]
    pub context: Option<String>,
    /// One deadline for reading the live cluster, connecting included (`0`: no limit); past it, exit 5.
    #[cfg(feature = "cluster")]
    #[arg(long, value_name = "DURATION", default_value = "5m")]
    pub timeout: Timeout,
    /// Template values for spec files.
    #[command(flatten)]
    pub values: ValueArgs,
}

/// The input files of a command: `-f` (repeatable, kubectl's convention) and then the arguments, as given.
///
/// A `-f` naming a values file (`values.yaml`, `*.values.yaml`) is refused with a hint: `-f` gave template values to
/// `render` and `lint` before it named the input, as it does in kubectl.
pub fn input_paths(
    files: &[PathBuf],
    args: &[PathBuf],
) -> Result<Vec<PathBuf>, crate::report::Outcome> {
    for file in files {
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
        if name
            .as_deref()
            .is_some_and(daemonset::input::is_values_file)
            && file.is_file()
        {
            eprintln!(
                "error: `-f {}` names an input file (kubectl's convention); give template values with `--values {}`",
                file.display(),
                file.display()
            );
            return Err(crate::report::Outcome::Usage);
        }
    }
    let paths: Vec<PathBuf> = files.iter().chain(args).cloned().collect();
    if paths.is_empty() {
        eprintln!(
            "error: no input: name files or directories with -f FILE (or as arguments); -f - reads stdin"
        );
        return Err(crate::report::Outcome::Usage);
    }
    Ok(paths)
}

/// How to reach the cluster, like kubectl.
#[cfg(feature = "cluster")]
#[derive(Debug, Args)]
pub struct ConnectArgs {
    /// The kubeconfig file (else $KUBECONFIG, else ~/.kube/config).
    #[arg(long, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context to use (else its current context).
    #[arg(long, value_name = "NAME")]
    pub context: Option<String>,
    /// The namespace (else the context's, else `default`); a manifest that names its own namespace keeps it.
    #[arg(short = 'n', long, value_name = "NAMESPACE")]
    pub namespace: Option<String>,
}

/// The inputs of `apply` and `diff`: files and template values (`-f` is the file here, as in kubectl).
#[cfg(feature = "cluster")]
#[derive(Debug, Args)]
pub struct FileArgs {
    /// A manifest, a spec file, or a directory of them; `-` reads stdin. Repeatable.
    #[arg(
        short = 'f',
        long = "filename",
        value_name = "FILE|DIR|-",
        required = true
    )]
    pub files: Vec<PathBuf>,
    /// Template values for spec files.
    #[command(flatten)]
    pub values: ValueArgs,
}

/// `--dry-run`.
#[cfg(feature = "cluster")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DryRun {
    /// Send and store.
    None,
    /// The server runs every check and admission step and stores nothing.
    Server,
}

/// A duration such as `90s`, `5m`, `1h30m`, `500ms` (a bare number is seconds); `0` waits without limit.
#[cfg(feature = "cluster")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeout(pub Option<std::time::Duration>);

#[cfg(feature = "cluster")]
impl std::str::FromStr for Timeout {
    type Err = String;

    fn from_str(text: &str) -> Result<Timeout, String> {
        use std::time::Duration;
        let bad = || {
            format!("`{text}` is not a duration: use e.g. 90s, 5m, 1h30m (0 waits without limit)")
        };
        let text = text.trim();
        if text.is_empty() {
            return Err(bad());
        }
        if let Ok(seconds) = text.parse::<u64>() {
            return Ok(Timeout((seconds > 0).then(|| Duration::from_secs(seconds))));
        }
        let mut total = Duration::ZERO;
        let mut rest = text;
        while !rest.is_empty() {
            let digits = rest.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
            if digits == 0 {
                return Err(bad());
            }
            let number: u64 = rest[..digits].parse().map_err(|_| bad())?;
            rest = &rest[digits..];
            let unit_len = rest
                .find(|c: char| c.is_ascii_digit())
                .unwrap_or(rest.len());
            let unit = match &rest[..unit_len] {
                "ms" => Duration::from_millis(number),
                "s" => Duration::from_secs(number),
                "m" => Duration::from_secs(number.saturating_mul(60)),
                "h" => Duration::from_secs(number.saturating_mul(3600)),
                _ => return Err(bad()),
            };
            total = total.saturating_add(unit);
            rest = &rest[unit_len..];
        }
        Ok(Timeout((!total.is_zero()).then_some(total)))
    }
}

/// `daemonset apply`.
#[cfg(feature = "cluster")]
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// What to apply.
    #[command(flatten)]
    pub files: FileArgs,
    /// `server`: the API server runs every check (validation, admission, conflicts) and stores nothing.
    #[arg(long, value_enum, value_name = "STRATEGY", default_value_t = DryRun::None)]
    pub dry_run: DryRun,
    /// Take over fields owned by other field managers instead of failing with the list of conflicts.
    #[arg(long)]
    pub force_conflicts: bool,
    /// The field manager named in managedFields.
    #[arg(long, value_name = "NAME", default_value = daemonset::cluster::DEFAULT_FIELD_MANAGER)]
    pub field_manager: String,
    /// After applying, wait until every rollout is done (as `rollout status` does).
    #[arg(long)]
    pub wait: bool,
    /// One deadline for the whole command: connecting, applying and, with --wait, every rollout (`0`: no limit).
    #[arg(long, value_name = "DURATION", default_value = "5m")]
    pub timeout: Timeout,
    /// Where the cluster is.
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// `daemonset diff`.
#[cfg(feature = "cluster")]
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// What to compare with the live objects.
    #[command(flatten)]
    pub files: FileArgs,
    /// Show the result of taking over fields owned by other field managers (else a conflict is an error).
    #[arg(long)]
    pub force_conflicts: bool,
    /// The field manager the dry run applies as.
    #[arg(long, value_name = "NAME", default_value = daemonset::cluster::DEFAULT_FIELD_MANAGER)]
    pub field_manager: String,
    /// One deadline for the whole command, connecting included (`0`: no limit).
    #[arg(long, value_name = "DURATION", default_value = "5m")]
    pub timeout: Timeout,
    /// Where the cluster is.
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// `daemonset rollout ...`.
#[cfg(feature = "cluster")]
#[derive(Debug, Subcommand)]
pub enum RolloutCommand {
    /// Wait for a rollout to finish, with a watch: a progress bar (updated and available of desired) on a
    /// terminal, kubectl's lines otherwise.
    ///
    /// With the OnDelete strategy nothing happens until pods are deleted: the command says how many pods still run
    /// an old revision and returns.
    Status(RolloutStatusArgs),
    /// The revisions (ControllerRevisions) with their change-cause and images.
    History(RolloutNameArgs),
    /// Restore the pod template of a revision (the previous one unless --to-revision), like kubectl.
    Undo(RolloutUndoArgs),
}

/// `daemonset rollout status`.
#[cfg(feature = "cluster")]
#[derive(Debug, Args)]
pub struct RolloutStatusArgs {
    /// The DaemonSet (`NAME`, `daemonset/NAME` or `ds/NAME`).
    #[arg(value_name = "NAME")]
    pub name: String,
    /// How long to wait, connecting included (`0`: no limit); on timeout, exit 5 with the last status.
    #[arg(long, value_name = "DURATION", default_value = "5m")]
    pub timeout: Timeout,
    /// Where the cluster is.
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// `daemonset rollout history`.
#[cfg(feature = "cluster")]
#[derive(Debug, Args)]
pub struct RolloutNameArgs {
    /// The DaemonSet (`NAME`, `daemonset/NAME` or `ds/NAME`).
    #[arg(value_name = "NAME")]
    pub name: String,
    /// One deadline for the whole command, connecting included (`0`: no limit).
    #[arg(long, value_name = "DURATION", default_value = "5m")]
    pub timeout: Timeout,
    /// Where the cluster is.
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// `daemonset rollout undo`.
#[cfg(feature = "cluster")]
#[derive(Debug, Args)]
pub struct RolloutUndoArgs {
    /// The DaemonSet (`NAME`, `daemonset/NAME` or `ds/NAME`).
    #[arg(value_name = "NAME")]
    pub name: String,
    /// The revision to restore (see `rollout history`); the previous one when absent or 0.
    #[arg(long, value_name = "N")]
    pub to_revision: Option<i64>,
    /// One deadline for the whole command, connecting included (`0`: no limit).
    #[arg(long, value_name = "DURATION", default_value = "5m")]
    pub timeout: Timeout,
    /// Where the cluster is.
    #[command(flatten)]
    pub connect: ConnectArgs,
}
