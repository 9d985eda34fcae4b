//! Writing DaemonSets into a directory: atomic, deterministic, prune-safe and safe in a directory others can write
//! to. `daemonset render --out` and build scripts use the same writer.
//!
//! - **Deterministic**: one file per object at `<name>.yaml`, or `<namespace>_<name>.yaml` when it has a namespace
//!   (`_` appears in no Kubernetes name, so an object without a namespace never gets the file of a namespaced one).
//!   A name too long for a file name (over 255 bytes with the extension) is cut and ends with `~` and a hash of the
//!   whole name. The content is the object rendered by [`crate::render`]. A file whose content is already right is
//!   not touched. Manifests of earlier versions, which named namespaced files `<namespace>.<name>.yaml`, still
//!   read: their files stay listed as ours and `prune` removes them.
//! - **Atomic**: everything is rendered before the first write; each file is written to a new temporary file in the
//!   same directory (created exclusively with a random name, so a link planted there is never followed), synced and
//!   renamed over the old one, so an interrupted run leaves every file old or new, never half written. Temporary
//!   files left by a killed run (`.daemonset-tmp-*`) are removed by the next one.
//! - **Exclusive**: a run holds an advisory lock on the directory, so concurrent runs (or build scripts) take
//!   turns and the manifest never loses an entry.
//! - **Prune-safe**: the files this writer wrote are listed in [`MANIFEST`] in the directory. With
//!   [`Options::prune`], files listed there that are no longer rendered are removed; nothing else ever is. A file
//!   the manifest does not list is never overwritten either (unless its content is already exactly right). Pruning
//!   with nothing rendered is refused, since it would remove every file.
//! - **No surprises in the directory**: a symbolic link, directory, FIFO or other special file where an output file
//!   (or the manifest) should be is refused before anything is written; nothing is read or written through a link.
//! - **Truthful**: when writing fails part way, [`WriteError::Partial`] says what was written and removed before,
//!   and the manifest is rewritten to list exactly the files of ours that are on disk.
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
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use k8s_openapi::api::apps::v1::DaemonSet;

use crate::render::{self, Format, RenderError};

/// The name of the manifest file that lists the files this writer wrote.
pub const MANIFEST: &str = ".daemonset-manifest";

/// How the temporary files of this writer begin; the rest of the name is random. Files with this prefix in an
/// output directory are leftovers of a killed run and are removed by the next one.
pub const TEMP_PREFIX: &str = ".daemonset-tmp-";

/// The longest file name written, in bytes (`NAME_MAX` of common file systems).
pub const MAX_FILE_NAME: usize = 255;

const MANIFEST_HEADER: &str = "# Files written by `daemonset` (render --out or a build script). `--prune` removes only files listed here.\n";

/// How to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    /// The file format (and extension).
    pub format: Format,
    /// Remove files listed in the manifest that are no longer rendered.
    pub prune: bool,
}

/// Why writing failed. The directory is unchanged unless the error is [`WriteError::Partial`].
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
    /// Something other than a regular file (a symbolic link, a directory, a FIFO, a device, a socket) is where
    /// an output file or the manifest should be.
    #[error("refusing to use `{}`: it is {what}, not a regular file (daemonset never follows links or opens special files in its output directory); move it away", .path.display())]
    NotRegular {
        /// The path.
        path: PathBuf,
        /// What it is (`a symbolic link`, `a directory`, `a FIFO`, ...).
        what: &'static str,
    },
    /// `prune` with nothing rendered would remove every file of the manifest.
    #[error("refusing to prune `{}`: nothing was rendered, so every one of the {listed} file{} listed in {MANIFEST} would be removed; remove them by hand if that is meant", .dir.display(), if *.listed == 1 { "" } else { "s" })]
    PruneEverything {
        /// The directory.
        dir: PathBuf,
        /// How many files the manifest lists.
        listed: usize,
    },
    /// The file system refused.
    #[error("cannot {action} `{}`", .path.display())]
    Io {
        /// What was being done (`create directory`, `write`, `rename`, `remove`, `read`, `lock`).
        action: &'static str,
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// Writing failed after some files were already written or removed: `done` says which. The manifest lists
    /// exactly the files of ours on disk, unless `manifest_updated` is `false` (then it may also list files that
    /// were about to be written).
    #[error("{source}")]
    Partial {
        /// What was done before the failure.
        done: Report,
        /// Whether the manifest could be brought up to date after the failure.
        manifest_updated: bool,
        /// The failure.
        #[source]
        source: Box<WriteError>,
    },
}

impl WriteError {
    /// Whether the directory was left as it was (nothing written, renamed or removed).
    pub fn left_unchanged(&self) -> bool {
        !matches!(self, WriteError::Partial { .. })
    }
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
    /// Leftover temporary files of an earlier, interrupted run that were removed.
    pub cleaned: Vec<String>,
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

/// The file name an object is written to: `<name>.<ext>`, `<namespace>_<name>.<ext>`, cut to
/// [`MAX_FILE_NAME`] bytes with a hash of the whole name when longer.
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
    let stem = match namespace {
        Some(ns) => format!("{ns}_{name}"),
        None => name.to_owned(),
    };
    Ok(bounded_name(&stem, format.extension()))
}

/// `stem.ext`, or when that is longer than [`MAX_FILE_NAME`], the stem cut short with `~` and a hash of the whole
/// stem (`~` appears in no Kubernetes name, so a cut name never equals a whole one).
fn bounded_name(stem: &str, extension: &str) -> String {
    let whole = format!("{stem}.{extension}");
    if whole.len() <= MAX_FILE_NAME {
        return whole;
    }
    // FNV-1a: stable across versions and platforms (the name must not change between runs).
    let hash = stem.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let keep = MAX_FILE_NAME - extension.len() - 1 - 17;
    // The stem is ASCII (checked by `file_name`), so any byte index is a char boundary.
    format!("{}~{hash:016x}.{extension}", &stem[..keep])
}

/// Writes `daemon_sets` as YAML into `dir` (created if missing), without pruning: the build-script entry point.
pub fn write_manifests(
    dir: impl AsRef<Path>,
    daemon_sets: &[DaemonSet],
) -> Result<Report, WriteError> {
    write(dir.as_ref(), daemon_sets, Options::default())
}

/// Renders every object to its file name and content, checking names first; nothing is written.
pub(crate) fn render_files(
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
    // A shared lock: a concurrent writer finishes before the directory is read.
    let _lock = if dir.is_dir() {
        Some(lock(dir, false)?)
    } else {
        None
    };
    let mut drift = Vec::new();
    for (name, content) in &files {
        match read_regular(&dir.join(name))? {
            None => drift.push((name.clone(), Drift::Missing)),
            Some(existing) if existing != content.as_bytes() => {
                drift.push((name.clone(), Drift::Changed))
            }
            Some(_) => {}
        }
    }
    if options.prune {
        for name in read_manifest(dir)? {
            if !files.contains_key(&name) && lstat(&dir.join(&name))?.is_some() {
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

/// What is at `path`, without following a link; `None` when nothing is.
fn lstat(path: &Path) -> Result<Option<fs::Metadata>, WriteError> {
    match fs::symlink_metadata(path) {
        Ok(meta) => Ok(Some(meta)),
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
            ) =>
        {
            Ok(None)
        }
        Err(e) => Err(io_error("inspect", path)(e)),
    }
}

fn describe(file_type: fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return "a device";
        }
    }
    if file_type.is_symlink() {
        "a symbolic link"
    } else if file_type.is_dir() {
        "a directory"
    } else {
        "a special file"
    }
}

/// Refuses anything but a regular file (or nothing) at `path`.
fn ensure_regular(path: &Path) -> Result<Option<fs::Metadata>, WriteError> {
    match lstat(path)? {
        Some(meta) if !meta.file_type().is_file() => Err(WriteError::NotRegular {
            path: path.to_owned(),
            what: describe(meta.file_type()),
        }),
        other => Ok(other),
    }
}

/// The content of the regular file at `path`, `None` when there is none; a link or special file is an error. The
/// file is opened without following links and without blocking, and checked again once open.
fn read_regular(path: &Path) -> Result<Option<Vec<u8>>, WriteError> {
    if ensure_regular(path)?.is_none() {
        return Ok(None);
    }
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let mut file = match options.open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        // Replaced by a link between the check and the open (O_NOFOLLOW: ELOOP).
        Err(e) if e.raw_os_error() == Some(libc_eloop()) => {
            return Err(WriteError::NotRegular {
                path: path.to_owned(),
                what: "a symbolic link",
            });
        }
        Err(e) => return Err(io_error("read", path)(e)),
    };
    let meta = file.metadata().map_err(io_error("read", path))?;
    if !meta.file_type().is_file() {
        return Err(WriteError::NotRegular {
            path: path.to_owned(),
            what: describe(meta.file_type()),
        });
    }
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)
        .map_err(io_error("read", path))?;
    Ok(Some(bytes))
}

#[cfg(unix)]
fn libc_eloop() -> i32 {
    libc::ELOOP
}

#[cfg(not(unix))]
fn libc_eloop() -> i32 {
    -1
}

fn read_manifest(dir: &Path) -> Result<BTreeSet<String>, WriteError> {
    let path = dir.join(MANIFEST);
    let Some(bytes) = read_regular(&path)? else {
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

/// Takes the advisory lock of `dir` (exclusive to write, shared to read), waiting for other runs; released when
/// the returned handle is dropped.
fn lock(dir: &Path, exclusive: bool) -> Result<File, WriteError> {
    let handle = File::open(dir).map_err(io_error("open", dir))?;
    let locked = if exclusive {
        handle.lock()
    } else {
        handle.lock_shared()
    };
    match locked {
        Ok(()) => {}
        // A file system without locks (some network ones): go on unlocked rather than refuse to work.
        Err(e) if e.kind() == io::ErrorKind::Unsupported => {}
        Err(e) => return Err(io_error("lock", dir)(e)),
    }
    Ok(handle)
}

/// Writes `content` to `dir/name` atomically: a new temporary file in the same directory (created exclusively,
/// with a random name), synced, renamed over `name`. A failure removes the temporary file.
fn write_atomic(dir: &Path, name: &str, content: &[u8]) -> Result<(), WriteError> {
    let path = dir.join(name);
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX).rand_bytes(12);
    // Readable as a file made with `File::create` would be (0o666 less the umask), not only by the owner.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let mut temp = builder
        .tempfile_in(dir)
        .map_err(io_error("create a temporary file in", dir))?;
    let temp_path = temp.path().to_owned();
    temp.write_all(content)
        .map_err(io_error("write", &temp_path))?;
    temp.as_file()
        .sync_all()
        .map_err(io_error("sync", &temp_path))?;
    temp.persist(&path)
        .map_err(|e| io_error("rename a temporary file to", &path)(e.error))?;
    Ok(())
}

fn sync_dir(dir: &Path) {
    // Makes the renames durable where the platform supports syncing a directory; best effort elsewhere.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Removes what interrupted runs left: `.daemonset-tmp-*` files, and the temporary files of earlier versions
/// (`.<file>.tmp-<pid>`) of files this writer knows. Links are removed, never followed; directories are left.
fn clean_leftovers(dir: &Path, known: &BTreeSet<String>) -> Result<Vec<String>, WriteError> {
    let mut cleaned = Vec::new();
    let entries = fs::read_dir(dir).map_err(io_error("list", dir))?;
    for entry in entries {
        let entry = entry.map_err(io_error("list", dir))?;
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        let legacy = name
            .strip_prefix('.')
            .and_then(|n| n.rsplit_once(".tmp-"))
            .is_some_and(|(file, pid)| {
                !pid.is_empty()
                    && pid.bytes().all(|b| b.is_ascii_digit())
                    && (known.contains(file) || file == MANIFEST)
            });
        if !name.starts_with(TEMP_PREFIX) && !legacy {
            continue;
        }
        let file_type = entry
            .file_type()
            .map_err(io_error("inspect", &entry.path()))?;
        if file_type.is_dir() {
            continue;
        }
        match fs::remove_file(entry.path()) {
            Ok(()) => cleaned.push(name),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_error("remove", &entry.path())(e)),
        }
    }
    cleaned.sort();
    Ok(cleaned)
}

/// Writes already rendered files (name to content) into `dir`; see the module docs for the guarantees.
pub(crate) fn write_files(
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
    if let Some(name) = files.keys().find(|n| n.len() > MAX_FILE_NAME) {
        return Err(WriteError::UnsafeName {
            name: name.clone(),
            reason: "the file name is longer than 255 bytes",
        });
    }
    fs::create_dir_all(dir).map_err(io_error("create directory", dir))?;
    let _lock = lock(dir, true)?;
    let recorded = read_manifest(dir)?;
    if prune && files.is_empty() && !recorded.is_empty() {
        return Err(WriteError::PruneEverything {
            dir: dir.to_owned(),
            listed: recorded.len(),
        });
    }
    let mut report = Report::default();
    // Decide everything before changing anything.
    let mut to_write = Vec::new();
    for (name, content) in files {
        let path = dir.join(name);
        match read_regular(&path)? {
            Some(existing) if existing == content.as_bytes() => report.unchanged.push(name.clone()),
            Some(_) if !recorded.contains(name) => return Err(WriteError::NotOurs { path }),
            _ => to_write.push((name, content)),
        }
    }
    let mut stale = Vec::new();
    if prune {
        for name in recorded.iter().filter(|n| !files.contains_key(*n)) {
            match lstat(&dir.join(name))? {
                None => {}
                Some(meta) if meta.file_type().is_dir() => {
                    return Err(WriteError::NotRegular {
                        path: dir.join(name),
                        what: "a directory",
                    });
                }
                Some(_) => stale.push(name.clone()),
            }
        }
    }
    let ours: BTreeSet<String> = files.keys().cloned().collect();
    let final_manifest: BTreeSet<String> = if prune {
        ours.clone()
    } else {
        ours.union(&recorded).cloned().collect()
    };
    // Every check passed: from here on the directory changes, starting with what a killed run left.
    let known: BTreeSet<String> = recorded.iter().chain(files.keys()).cloned().collect();
    report.cleaned = clean_leftovers(dir, &known)?;
    if to_write.is_empty()
        && stale.is_empty()
        && final_manifest == recorded
        && ensure_regular(&dir.join(MANIFEST))?.is_some()
    {
        return Ok(report);
    }

    // First record every file about to be written, so a crash never leaves a file of ours unrecorded.
    let before: BTreeSet<String> = ours.union(&recorded).cloned().collect();
    write_atomic(dir, MANIFEST, manifest_text(&before).as_bytes())?;
    let mut progress = || -> Result<(), WriteError> {
        for (name, content) in &to_write {
            write_atomic(dir, name, content.as_bytes())?;
            report.written.push((*name).clone());
        }
        for name in &stale {
            let path = dir.join(name);
            match fs::remove_file(&path) {
                Ok(()) => report.pruned.push(name.clone()),
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(io_error("remove", &path)(e)),
            }
        }
        Ok(())
    };
    if let Err(error) = progress() {
        // The truth: what was listed, plus what was written, minus what was removed.
        let mut truth: BTreeSet<String> = recorded.union(&ours).cloned().collect();
        truth.retain(|n| {
            recorded.contains(n) || report.written.contains(n) || report.unchanged.contains(n)
        });
        for name in &report.pruned {
            truth.remove(name);
        }
        let manifest_updated =
            write_atomic(dir, MANIFEST, manifest_text(&truth).as_bytes()).is_ok();
        sync_dir(dir);
        if report.written.is_empty() && report.pruned.is_empty() && truth == recorded {
            // Only the manifest was touched, and it says again what it said.
            if manifest_updated {
                return Err(error);
            }
        }
        return Err(WriteError::Partial {
            done: report,
            manifest_updated,
            source: Box::new(error),
        });
    }
    if final_manifest != before
        && let Err(error) = write_atomic(dir, MANIFEST, manifest_text(&final_manifest).as_bytes())
    {
        sync_dir(dir);
        return Err(WriteError::Partial {
            done: report,
            manifest_updated: false,
            source: Box::new(error),
        });
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
            "kube-system_agent.json"
        );
    }

    fn named(namespace: Option<&str>, name: &str) -> DaemonSet {
        let mut ds = DaemonSet::default();
        ds.metadata.name = Some(name.into());
        ds.metadata.namespace = namespace.map(Into::into);
        ds
    }

    #[test]
    fn a_dotted_name_never_takes_the_file_of_a_namespaced_one() {
        let plain = file_name(&named(None, "c.a.b"), Format::Yaml).unwrap();
        let namespaced = file_name(&named(Some("c"), "a.b"), Format::Yaml).unwrap();
        assert_ne!(plain, namespaced);
        let files = render_files(
            &[named(None, "c.a.b"), named(Some("c"), "a.b")],
            Format::Yaml,
        )
        .unwrap();
        assert_eq!(files.len(), 2);
    }

    #[test]
    fn names_up_to_253_characters_are_written() {
        let dir = tempfile::tempdir().unwrap();
        let mut objects = Vec::new();
        for len in [240, 250, 253] {
            let name = format!("{}{}", "a".repeat(len - 1), len % 10);
            objects.push(named(None, &name));
            objects.push(named(Some(&"n".repeat(63)), &name));
        }
        let report = write(dir.path(), &objects, Options::default()).unwrap();
        assert_eq!(report.written.len(), 6);
        for name in &report.written {
            assert!(name.len() <= MAX_FILE_NAME, "{name}");
            assert!(dir.path().join(name).is_file());
        }
        // The same names again: all unchanged, so the cut names are stable.
        let again = write(dir.path(), &objects, Options::default()).unwrap();
        assert_eq!(again.unchanged.len(), 6);
        assert!(again.written.is_empty());
        // Two names that differ only past the cut get different files.
        let long = "b".repeat(252);
        let files = render_files(
            &[
                named(None, &format!("{long}1")),
                named(None, &format!("{long}2")),
            ],
            Format::Yaml,
        )
        .unwrap();
        assert_eq!(files.len(), 2);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_at_the_old_temporary_name_is_not_followed() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("out");
        fs::create_dir(&dir).unwrap();
        let outside = parent.path().join("outside");
        fs::write(&outside, "precious\n").unwrap();
        for name in ["a.yaml", MANIFEST] {
            std::os::unix::fs::symlink(
                &outside,
                dir.join(format!(".{name}.tmp-{}", std::process::id())),
            )
            .unwrap();
        }
        let report = write_files(&dir, &files(&[("a.yaml", "a\n")]), false).unwrap();
        assert_eq!(report.written, ["a.yaml"]);
        assert_eq!(fs::read_to_string(&outside).unwrap(), "precious\n");
        assert!(
            !fs::symlink_metadata(dir.join("a.yaml"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(dir.join("a.yaml")).unwrap(), "a\n");
        let names: Vec<String> = listing(&dir).into_iter().map(|(n, _)| n).collect();
        assert_eq!(
            names,
            [MANIFEST, "a.yaml"],
            "the planted links were removed"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_link_at_an_output_name_is_refused() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("out");
        fs::create_dir(&dir).unwrap();
        let outside = parent.path().join("outside");
        fs::write(&outside, "precious\n").unwrap();
        fs::write(dir.join(MANIFEST), "a.yaml\n").unwrap();
        std::os::unix::fs::symlink(&outside, dir.join("a.yaml")).unwrap();
        let err = write_files(&dir, &files(&[("a.yaml", "a\n")]), false).unwrap_err();
        assert!(
            matches!(
                err,
                WriteError::NotRegular {
                    what: "a symbolic link",
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.left_unchanged());
        assert_eq!(fs::read_to_string(&outside).unwrap(), "precious\n");
        // Nor is a link at the manifest's name read or replaced.
        fs::remove_file(dir.join("a.yaml")).unwrap();
        fs::remove_file(dir.join(MANIFEST)).unwrap();
        std::os::unix::fs::symlink(&outside, dir.join(MANIFEST)).unwrap();
        let err = write_files(&dir, &files(&[("a.yaml", "a\n")]), false).unwrap_err();
        assert!(matches!(err, WriteError::NotRegular { .. }), "{err}");
        assert_eq!(fs::read_to_string(&outside).unwrap(), "precious\n");
    }

    #[cfg(unix)]
    #[test]
    fn written_files_get_the_mode_of_a_created_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        write_files(dir.path(), &files(&[("a.yaml", "a\n")]), false).unwrap();
        File::create(dir.path().join("plain")).unwrap();
        let mode = |name: &str| {
            fs::metadata(dir.path().join(name))
                .unwrap()
                .permissions()
                .mode()
        };
        assert_eq!(mode("a.yaml"), mode("plain"));
        assert_eq!(mode(MANIFEST), mode("plain"));
    }

    #[test]
    fn leftover_temporary_files_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        write_files(dir.path(), &files(&[("a.yaml", "a\n")]), false).unwrap();
        fs::write(dir.path().join(format!("{TEMP_PREFIX}x1y2z3")), "half").unwrap();
        fs::write(dir.path().join(".a.yaml.tmp-4242"), "half").unwrap();
        fs::write(dir.path().join(".notes.tmp-1"), "not ours").unwrap();
        let report = write_files(dir.path(), &files(&[("a.yaml", "a\n")]), false).unwrap();
        assert_eq!(
            report.cleaned,
            [
                ".a.yaml.tmp-4242".to_owned(),
                format!("{TEMP_PREFIX}x1y2z3")
            ]
        );
        let names: Vec<String> = listing(dir.path()).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, [MANIFEST, ".notes.tmp-1", "a.yaml"]);
    }

    #[test]
    fn pruning_with_nothing_rendered_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        write_files(dir.path(), &files(&[("a.yaml", "a\n")]), false).unwrap();
        let err = write_files(dir.path(), &BTreeMap::new(), true).unwrap_err();
        assert!(
            matches!(err, WriteError::PruneEverything { listed: 1, .. }),
            "{err}"
        );
        assert!(dir.path().join("a.yaml").exists());
    }

    #[test]
    fn a_listed_name_that_is_a_directory_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        write_files(
            dir.path(),
            &files(&[("a.yaml", "a\n"), ("b.yaml", "b\n")]),
            false,
        )
        .unwrap();
        fs::remove_file(dir.path().join("b.yaml")).unwrap();
        fs::create_dir(dir.path().join("b.yaml")).unwrap();
        fs::write(dir.path().join("b.yaml/keep"), "k").unwrap();
        let before = fs::read_to_string(dir.path().join(MANIFEST)).unwrap();
        for (wanted, prune) in [
            (files(&[("a.yaml", "A\n"), ("b.yaml", "B\n")]), false),
            (files(&[("a.yaml", "A\n")]), true),
        ] {
            let err = write_files(dir.path(), &wanted, prune).unwrap_err();
            assert!(
                matches!(
                    err,
                    WriteError::NotRegular {
                        what: "a directory",
                        ..
                    }
                ),
                "{err}"
            );
            assert!(err.left_unchanged());
            assert_eq!(
                fs::read_to_string(dir.path().join("a.yaml")).unwrap(),
                "a\n"
            );
            assert_eq!(
                fs::read_to_string(dir.path().join(MANIFEST)).unwrap(),
                before
            );
        }
    }

    #[test]
    fn an_over_long_file_name_is_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        write_files(dir.path(), &files(&[("a.yaml", "a\n")]), false).unwrap();
        let long = format!("{}.yaml", "x".repeat(300));
        let err = write_files(
            dir.path(),
            &files(&[("a.yaml", "A\n"), (&long, "x\n")]),
            false,
        )
        .unwrap_err();
        assert!(err.left_unchanged(), "{err}");
        assert_eq!(
            fs::read_to_string(dir.path().join("a.yaml")).unwrap(),
            "a\n"
        );
    }
}
