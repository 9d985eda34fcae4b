//! Writing DaemonSets into a directory: atomic, deterministic and prune-safe. `daemonset render --out` and build
//! scripts use the same writer.
//!
//! - **Deterministic**: one file per object at `<name>.yaml`, or `<namespace>.<name>.yaml` when it has a namespace
//!   (a namespace cannot contain a dot, so the two never collide); the content is the object rendered by
//!   [`crate::render`]. A file whose content is already right is not touched.
//! - **Atomic**: everything is rendered before the first write; each file is written to a temporary file in the
//!   same directory, synced and renamed over the old one, so an interrupted run leaves every file old or new, never
//!   half written. A failure before writing leaves the directory as it was.
//! - **Prune-safe**: the files this writer wrote are listed in [`MANIFEST`] in the directory. With
//!   [`Options::prune`], files listed there that are no longer rendered are removed; nothing else ever is. A file
//!   the manifest does not list is never overwritten either (unless its content is already exactly right).
//!
//! In a build script:
//!
//! ```no_run
//! # fn daemon_sets() -> Vec<daemonset::k8s::api::apps::v1::DaemonSet> { Vec::new() }
//! let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("manifests");
//! let report = daemonset::write::write_manifests(&out, &daemon_sets()).expect("manifests written");
//! for file in &report.written {
//!     println!("cargo::warning=wrote {file}");
//! }
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use k8s_openapi::api::apps::v1::DaemonSet;

use crate::render::{self, Format, RenderError};

/// The name of the manifest file that lists the files this writer wrote.
pub const MANIFEST: &str = ".daemonset-manifest";

const MANIFEST_HEADER: &str = "# Files written by `daemonset` (render --out or a build script). `--prune` removes only files listed here.\n";

/// How to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    /// The file format (and extension).
    pub format: Format,
    /// Remove files listed in the manifest that are no longer rendered.
    pub prune: bool,
}

/// Why writing failed. The directory is unchanged unless the error says otherwise.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// An object has no name, or a name that is not a safe file name.
    #[error("cannot name a file after DaemonSet {name:?}: {reason}")]
    UnsafeName {
        /// The object's name (or namespace and name).
        name: String,
        /// Why it cannot be used.
        reason: &'static str,
    },
    /// Two objects would be written to the same file.
    #[error("two DaemonSets would be written to `{file}`")]
    Duplicate {
        /// The file name.
        file: String,
    },
    /// An object could not be rendered.
    #[error("cannot render `{file}`")]
    Render {
        /// The file it was meant for.
        file: String,
        /// The cause.
        #[source]
        source: RenderError,
    },
    /// A file exists that this writer did not write, with other content.
    #[error("refusing to overwrite `{}`: it was not written by daemonset (it is not listed in {MANIFEST}); move it away or choose another directory", .path.display())]
    NotOurs {
        /// The file.
        path: PathBuf,
    },
    /// The file system refused.
    #[error("cannot {action} `{}`", .path.display())]
    Io {
        /// What was being done (`create directory`, `write`, `rename`, `remove`, `read`).
        action: &'static str,
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
}

/// What a write did (file names are relative to the directory, sorted).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Files created or replaced.
    pub written: Vec<String>,
    /// Files whose content was already right.
    pub unchanged: Vec<String>,
    /// Files removed by pruning.
    pub pruned: Vec<String>,
}

/// How a file on disk differs from what would be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Drift {
    /// The file does not exist.
    Missing,
    /// The file has other content.
    Changed,
    /// The file was written before, is no longer rendered and would be pruned.
    Stale,
}

impl Drift {
    /// A word for it.
    pub fn as_str(self) -> &'static str {
        match self {
            Drift::Missing => "missing",
            Drift::Changed => "changed",
            Drift::Stale => "stale",
        }
    }
}

/// The file name an object is written to.
pub fn file_name(daemon_set: &DaemonSet, format: Format) -> Result<String, WriteError> {
    let name = daemon_set.metadata.name.as_deref().unwrap_or_default();
    let namespace = daemon_set.metadata.namespace.as_deref();
    let label = namespace.map_or_else(|| name.to_owned(), |ns| format!("{ns}/{name}"));
    let unsafe_name = |reason| WriteError::UnsafeName {
        name: label.clone(),
        reason,
    };
    if name.is_empty() {
        return Err(unsafe_name("it has no name"));
    }
    let safe = |s: &str| {
        !s.starts_with('.')
            && s.len() <= 253
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
    };
    if !safe(name) || namespace.is_some_and(|ns| ns.is_empty() || ns.contains('.') || !safe(ns)) {
        return Err(unsafe_name(
            "names must be lowercase letters, digits, '-' and '.', not starting with '.'",
        ));
    }
    Ok(match namespace {
        Some(ns) => format!("{ns}.{name}.{}", format.extension()),
        None => format!("{name}.{}", format.extension()),
    })
}

/// Writes `daemon_sets` as YAML into `dir` (created if missing), without pruning: the build-script entry point.
pub fn write_manifests(
    dir: impl AsRef<Path>,
    daemon_sets: &[DaemonSet],
) -> Result<Report, WriteError> {
    write(dir.as_ref(), daemon_sets, Options::default())
}

/// Renders every object to its file name and content, checking names first; nothing is written.
pub fn render_files(
    daemon_sets: &[DaemonSet],
    format: Format,
) -> Result<BTreeMap<String, String>, WriteError> {
    let mut files = BTreeMap::new();
    for ds in daemon_sets {
        let file = file_name(ds, format)?;
        let content = render::to_string(ds, format).map_err(|source| WriteError::Render {
            file: file.clone(),
            source,
        })?;
        if files.insert(file.clone(), content).is_some() {
            return Err(WriteError::Duplicate { file });
        }
    }
    Ok(files)
}

/// Writes `daemon_sets` into `dir` with `options`.
pub fn write(
    dir: &Path,
    daemon_sets: &[DaemonSet],
    options: Options,
) -> Result<Report, WriteError> {
    let files = render_files(daemon_sets, options.format)?;
    write_files(dir, &files, options.prune)
}

/// Compares `dir` with what [`write()`] would do: every file that would change, with how. Nothing is written.
pub fn check(
    dir: &Path,
    daemon_sets: &[DaemonSet],
    options: Options,
) -> Result<Vec<(String, Drift)>, WriteError> {
    let files = render_files(daemon_sets, options.format)?;
    let mut drift = Vec::new();
    for (name, content) in &files {
        match read_if_exists(&dir.join(name))? {
            None => drift.push((name.clone(), Drift::Missing)),
            Some(existing) if existing != content.as_bytes() => {
                drift.push((name.clone(), Drift::Changed))
            }
            Some(_) => {}
        }
    }
    if options.prune {
        for name in read_manifest(dir)? {
            if !files.contains_key(&name) && dir.join(&name).exists() {
                drift.push((name, Drift::Stale));
            }
        }
    }
    drift.sort();
    Ok(drift)
}

fn io_error(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> WriteError + use<> {
    let path = path.to_owned();
    move |source| WriteError::Io {
        action,
        path,
        source,
    }
}

fn read_if_exists(path: &Path) -> Result<Option<Vec<u8>>, WriteError> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
            ) =>
        {
            Ok(None)
        }
        Err(e) => Err(io_error("read", path)(e)),
    }
}

fn read_manifest(dir: &Path) -> Result<BTreeSet<String>, WriteError> {
    let path = dir.join(MANIFEST);
    let Some(bytes) = read_if_exists(&path)? else {
        return Ok(BTreeSet::new());
    };
    let text = String::from_utf8_lossy(&bytes);
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        // Only plain file names in this directory, whatever the manifest says.
        .filter(|l| {
            !l.contains('/') && !l.contains('\\') && *l != "." && *l != ".." && *l != MANIFEST
        })
        .map(str::to_owned)
        .collect())
}

fn manifest_text(names: &BTreeSet<String>) -> String {
    let mut text = MANIFEST_HEADER.to_owned();
    for name in names {
        text.push_str(name);
        text.push('\n');
    }
    text
}

/// Writes `content` to `path` atomically: a temporary file in the same directory, synced, renamed over `path`.
fn write_atomic(dir: &Path, name: &str, content: &[u8]) -> Result<(), WriteError> {
    let path = dir.join(name);
    let temp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut file = File::create(&temp).map_err(io_error("create", &temp))?;
        file.write_all(content).map_err(io_error("write", &temp))?;
        file.sync_all().map_err(io_error("sync", &temp))?;
        fs::rename(&temp, &path).map_err(io_error("rename", &path))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

fn sync_dir(dir: &Path) {
    // Makes the renames durable where the platform supports syncing a directory; best effort elsewhere.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Writes already rendered files (name to content) into `dir`; see the module docs for the guarantees.
pub fn write_files(
    dir: &Path,
    files: &BTreeMap<String, String>,
    prune: bool,
) -> Result<Report, WriteError> {
    if dir.exists() && !dir.is_dir() {
        return Err(WriteError::Io {
            action: "use as output directory",
            path: dir.to_owned(),
            source: io::Error::new(
                io::ErrorKind::AlreadyExists,
                "it exists and is not a directory",
            ),
        });
    }
    let recorded = read_manifest(dir)?;
    // Decide everything before changing anything.
    let mut report = Report::default();
    let mut to_write = Vec::new();
    for (name, content) in files {
        let path = dir.join(name);
        match read_if_exists(&path)? {
            Some(existing) if existing == content.as_bytes() => report.unchanged.push(name.clone()),
            Some(_) if !recorded.contains(name) => return Err(WriteError::NotOurs { path }),
            _ => to_write.push((name, content)),
        }
    }
    let stale: Vec<String> = if prune {
        recorded
            .iter()
            .filter(|n| !files.contains_key(*n))
            .cloned()
            .collect()
    } else {
        Vec::new()
    };
    let ours: BTreeSet<String> = files.keys().cloned().collect();
    let final_manifest: BTreeSet<String> = if prune {
        ours.clone()
    } else {
        ours.union(&recorded).cloned().collect()
    };
    if to_write.is_empty()
        && stale.is_empty()
        && final_manifest == recorded
        && dir.join(MANIFEST).exists()
    {
        return Ok(report);
    }

    fs::create_dir_all(dir).map_err(io_error("create directory", dir))?;
    // First record every file about to be written, so a crash never leaves a file of ours unrecorded.
    let before: BTreeSet<String> = ours.union(&recorded).cloned().collect();
    write_atomic(dir, MANIFEST, manifest_text(&before).as_bytes())?;
    for (name, content) in to_write {
        write_atomic(dir, name, content.as_bytes())?;
        report.written.push(name.clone());
    }
    for name in stale {
        let path = dir.join(&name);
        match fs::remove_file(&path) {
            Ok(()) => report.pruned.push(name),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_error("remove", &path)(e)),
        }
    }
    if final_manifest != before {
        write_atomic(dir, MANIFEST, manifest_text(&final_manifest).as_bytes())?;
    }
    sync_dir(dir);
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn listing(dir: &Path) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    fs::read_to_string(e.path()).unwrap(),
                )
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn writes_records_and_skips_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let report = write_files(
            dir.path(),
            &files(&[("a.yaml", "a\n"), ("b.yaml", "b\n")]),
            false,
        )
        .unwrap();
        assert_eq!(report.written, ["a.yaml", "b.yaml"]);
        let manifest = fs::read_to_string(dir.path().join(MANIFEST)).unwrap();
        assert!(manifest.ends_with("a.yaml\nb.yaml\n"), "{manifest}");
        let report = write_files(
            dir.path(),
            &files(&[("a.yaml", "a\n"), ("b.yaml", "B\n")]),
            false,
        )
        .unwrap();
        assert_eq!(report.written, ["b.yaml"]);
        assert_eq!(report.unchanged, ["a.yaml"]);
        assert_eq!(
            fs::read_to_string(dir.path().join("b.yaml")).unwrap(),
            "B\n"
        );
        assert!(
            listing(dir.path())
                .iter()
                .all(|(n, _)| !n.contains(".tmp-")),
            "no temporary file is left"
        );
    }

    #[test]
    fn prune_removes_only_recorded_files() {
        let dir = tempfile::tempdir().unwrap();
        write_files(
            dir.path(),
            &files(&[("a.yaml", "a\n"), ("b.yaml", "b\n")]),
            false,
        )
        .unwrap();
        fs::write(dir.path().join("mine.yaml"), "keep me\n").unwrap();
        let report = write_files(dir.path(), &files(&[("a.yaml", "a\n")]), true).unwrap();
        assert_eq!(report.pruned, ["b.yaml"]);
        let names: Vec<String> = listing(dir.path()).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, [MANIFEST, "a.yaml", "mine.yaml"]);
    }

    #[test]
    fn without_prune_old_files_stay_recorded() {
        let dir = tempfile::tempdir().unwrap();
        write_files(
            dir.path(),
            &files(&[("a.yaml", "a\n"), ("b.yaml", "b\n")]),
            false,
        )
        .unwrap();
        write_files(dir.path(), &files(&[("a.yaml", "a\n")]), false).unwrap();
        assert!(dir.path().join("b.yaml").exists());
        let report = write_files(dir.path(), &files(&[("a.yaml", "a\n")]), true).unwrap();
        assert_eq!(
            report.pruned,
            ["b.yaml"],
            "a later prune still knows b.yaml is ours"
        );
    }

    #[test]
    fn refuses_to_overwrite_a_file_it_did_not_write() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.yaml"), "someone else's\n").unwrap();
        let err = write_files(
            dir.path(),
            &files(&[("a.yaml", "a\n"), ("b.yaml", "b\n")]),
            true,
        )
        .unwrap_err();
        assert!(matches!(err, WriteError::NotOurs { .. }), "{err}");
        assert_eq!(
            listing(dir.path()),
            [("a.yaml".to_owned(), "someone else's\n".to_owned())],
            "nothing changed"
        );
    }

    #[test]
    fn a_manifest_cannot_make_prune_leave_the_directory() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("out");
        fs::create_dir(&dir).unwrap();
        fs::write(parent.path().join("precious"), "x").unwrap();
        fs::write(dir.join(MANIFEST), "../precious\n/etc/passwd\n.\n").unwrap();
        write_files(&dir, &files(&[("a.yaml", "a\n")]), true).unwrap();
        assert!(parent.path().join("precious").exists());
    }

    #[test]
    fn output_path_that_is_a_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        fs::write(&file, "x").unwrap();
        let err = write_files(&file, &files(&[("a.yaml", "a\n")]), false).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("cannot use as output directory"),
            "{err}"
        );
        let err = write_files(&file.join("sub"), &files(&[("a.yaml", "a\n")]), false).unwrap_err();
        assert!(
            err.to_string().starts_with("cannot create directory"),
            "{err}"
        );
        assert_eq!(fs::read_to_string(&file).unwrap(), "x");
    }

    #[test]
    fn check_reports_drift() {
        let dir = tempfile::tempdir().unwrap();
        write_files(
            dir.path(),
            &files(&[("a.yaml", "a\n"), ("b.yaml", "b\n")]),
            false,
        )
        .unwrap();
        fs::write(dir.path().join("a.yaml"), "edited\n").unwrap();
        let ds = |name: &str| DaemonSet {
            metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
                name: Some(name.into()),
                ..Default::default()
            },
            ..Default::default()
        };
        let drift = check(
            dir.path(),
            &[ds("a"), ds("c")],
            Options {
                prune: true,
                ..Options::default()
            },
        )
        .unwrap();
        assert_eq!(
            drift,
            [
                ("a.yaml".to_owned(), Drift::Changed),
                ("b.yaml".to_owned(), Drift::Stale),
                ("c.yaml".to_owned(), Drift::Missing)
            ]
        );
    }

    #[test]
    fn unsafe_names_are_refused() {
        let mut ds = DaemonSet::default();
        ds.metadata.name = Some("../x".into());
        assert!(matches!(
            file_name(&ds, Format::Yaml),
            Err(WriteError::UnsafeName { .. })
        ));
        ds.metadata.name = Some("agent".into());
        ds.metadata.namespace = Some("kube-system".into());
        assert_eq!(
            file_name(&ds, Format::Json).unwrap(),
            "kube-system.agent.json"
        );
    }
}
