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
  1  the inputs have problems (violations, spec or template errors, denied lint findings, drift)
  2  usage error
  3  a file could not be read or written

Examples:
  daemonset render examples/specs --values examples/specs/values.yaml | kubectl apply -f -
  daemonset render examples/specs --values examples/specs/values.yaml --out deploy/ --prune
  daemonset render examples/specs --values examples/specs/values.yaml --out deploy/ --check
  daemonset check deploy/
  daemonset lint deploy/ --nodes 500 --deny warnings"
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
    /// Prints every problem as `file:line: path: message`; other kinds are skipped with a note.
    Check(CheckArgs),
    /// Best-practice warnings with stable rule ids, for spec files and manifests.
    ///
    /// A DaemonSet waives rules with the annotation `lint.daemonset.dev/allow: "DS005,DS006"`.
    Lint(LintArgs),
}

/// Template values, shared by `render` and `lint`.
#[derive(Debug, Args)]
pub struct ValueArgs {
    /// A YAML file of template values; repeatable, later files win (mappings merge key by key).
    #[arg(long = "values", short = 'f', value_name = "FILE")]
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
    /// Spec files or directories of them (`*.yaml`, `*.yml`; `values.yaml` and `*.values.yaml` are skipped).
    /// Kubernetes manifests (with `kind:`) are read strictly and re-rendered.
    #[arg(value_name = "SPEC_OR_DIR", required = true)]
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
    /// YAML files or directories of them; `-` reads stdin.
    #[arg(value_name = "FILE_OR_DIR", required = true)]
    pub inputs: Vec<PathBuf>,
}

/// What `--deny` turns into errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    /// Exit 1 when any warning is found (info findings never fail).
    Warnings,
}

/// `daemonset lint`.
#[derive(Debug, Args)]
pub struct LintArgs {
    /// Spec files, manifests, or directories of them; `-` reads a manifest from stdin.
    #[arg(value_name = "FILE_OR_DIR", required_unless_present = "list_rules")]
    pub inputs: Vec<PathBuf>,
    /// Exit 1 when findings of this kind are found.
    #[arg(long, value_enum)]
    pub deny: Option<Deny>,
    /// The number of nodes the DaemonSets run on, for rollout advice (DS010).
    #[arg(long, value_name = "N")]
    pub nodes: Option<u32>,
    /// Print the rules and exit.
    #[arg(long)]
    pub list_rules: bool,
    /// Template values for spec files.
    #[command(flatten)]
    pub values: ValueArgs,
}
