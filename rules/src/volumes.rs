//! The volumes of a pod and the mounts of its containers as plain data, which spec files and the `daemonset!` macro
//! fill from what they read (each item with `at`: where its user wrote it, a spec path or macro tokens), and the
//! cross-field rules of that part, run once on it ([`Storage::check`]): each volume has exactly one source and its
//! own name, each mount names a declared volume, and the mounts of a container have their own paths.
//!
//! The validator checks the same rules on a built object with the same functions ([`crate::unique`],
//! [`crate::check::mounted_volume`]), in the server's words; the builder cannot write most of these mistakes (it
//! mounts volume handles).

use crate::check;
use crate::unique::{Distinct, Names, exactly_one};

/// A declared volume.
#[derive(Debug, Clone)]
pub struct VolumeDecl<At> {
    /// Its name.
    pub name: String,
    /// The source fields the front end knows, in its spelling, each with whether it is written (a macro volume is
    /// one call: one source).
    pub sources: Vec<(&'static str, bool)>,
    /// Where it is written.
    pub at: At,
}

/// A mount of a container.
#[derive(Debug, Clone)]
pub struct MountDecl<At> {
    /// The volume it mounts.
    pub volume: String,
    /// The path it mounts at, when known (`None`: a Rust expression in the macro).
    pub path: Option<String>,
    /// Where it is written.
    pub at: At,
}

/// The volumes of a pod, and the mounts of each of its containers and init containers (one list a container).
#[derive(Debug, Clone)]
pub struct Storage<At> {
    /// The volumes, in the order declared.
    pub volumes: Vec<VolumeDecl<At>>,
    /// The mounts of each container.
    pub mounts: Vec<Vec<MountDecl<At>>>,
}

/// The field of an item a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// A volume's name.
    VolumeName,
    /// A volume's sources (the volume itself).
    VolumeSource,
    /// The volume a mount names.
    MountVolume,
    /// The path of a mount.
    MountPath,
}

/// A broken rule, at the item it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem<'s, At> {
    /// Where the item is written.
    pub at: &'s At,
    /// Its field the problem is about.
    pub field: Field,
    /// What is wrong, in the words of the front ends.
    pub message: String,
}

impl<At> Storage<At> {
    /// Every broken rule, in the order of the items: the volumes (sources, then name), then each container's mounts
    /// (volume, then path). A volume counts as declared once its name is taken, even with a broken source, so that
    /// its mounts do not add errors.
    pub fn check(&self) -> Vec<Problem<'_, At>> {
        let mut out = Vec::new();
        let mut names = Names::new();
        let mut declared: Vec<&str> = Vec::new();
        for v in &self.volumes {
            if let Err(message) = exactly_one(&format!("volume `{}`", v.name), &v.sources) {
                out.push(Problem {
                    at: &v.at,
                    field: Field::VolumeSource,
                    message,
                });
            }
            if names.repeats(v.name.as_str()).is_some() {
                out.push(Problem {
                    at: &v.at,
                    field: Field::VolumeName,
                    message: Distinct::VolumeName.explain(&v.name),
                });
            } else {
                declared.push(&v.name);
            }
        }
        for mounts in &self.mounts {
            let mut paths = Names::new();
            for m in mounts {
                if let Some(f) = check::mounted_volume(&m.volume, &declared) {
                    out.push(Problem {
                        at: &m.at,
                        field: Field::MountVolume,
                        message: f.message(),
                    });
                }
                match &m.path {
                    Some(path) if paths.repeats(path.as_str()).is_some() => out.push(Problem {
                        at: &m.at,
                        field: Field::MountPath,
                        message: Distinct::MountPath.explain(path),
                    }),
                    Some(_) => {}
                    None => paths.skip(),
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn volume(name: &str, sources: usize, at: u32) -> VolumeDecl<u32> {
        VolumeDecl {
            name: name.to_owned(),
            sources: vec![("hostPath", sources > 0), ("emptyDir", sources > 1)],
            at,
        }
    }

    fn mount(volume: &str, path: Option<&str>, at: u32) -> MountDecl<u32> {
        MountDecl {
            volume: volume.to_owned(),
            path: path.map(str::to_owned),
            at,
        }
    }

    #[test]
    fn every_rule_of_the_part_reports_at_its_item() {
        let storage = Storage {
            volumes: vec![
                volume("data", 1, 0),
                volume("logs", 2, 1),
                volume("data", 1, 2),
                volume("run", 0, 3),
            ],
            mounts: vec![
                vec![
                    mount("data", Some("/a"), 10),
                    mount("logs", Some("/a"), 11),
                    mount("cache", None, 12),
                ],
                vec![mount("run", Some("/a"), 20)],
            ],
        };
        let found: Vec<(u32, Field)> = storage.check().iter().map(|p| (*p.at, p.field)).collect();
        assert_eq!(
            found,
            [
                (1, Field::VolumeSource),
                (2, Field::VolumeName),
                (3, Field::VolumeSource),
                (11, Field::MountPath),
                (12, Field::MountVolume),
            ]
        );
        let problems = storage.check();
        assert_eq!(
            problems[0].message,
            "volume `logs` needs exactly one of `hostPath`, `emptyDir`; `hostPath` and `emptyDir` are given"
        );
        assert!(
            problems[4]
                .message
                .starts_with("Not found: \"cache\": no volume `cache` is declared"),
            "{}",
            problems[4].message
        );
    }
}
