//! The pod fields an environment variable may read through `fieldRef` (downward API, env form).

use crate::name::qualified_name;

/// The fixed paths accepted for env `fieldRef.fieldPath` (Kubernetes 1.34), besides the subscripted
/// `metadata.labels['<key>']` and `metadata.annotations['<key>']`. Sorted, as the server lists them.
pub const ENV_FIELD_PATHS: &[&str] = &[
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
];

/// The fixed paths accepted for a downward API volume file's `fieldRef.fieldPath` (Kubernetes 1.34), besides the
/// subscripted `metadata.labels['<key>']` and `metadata.annotations['<key>']`. Sorted, as the server lists them.
pub const VOLUME_FIELD_PATHS: &[&str] = &[
    "metadata.annotations",
    "metadata.labels",
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
];

/// The labels `ConvertDownwardAPIFieldLabel` knows for pods (v1): a path outside this list fails conversion with
/// `field label not supported`, one inside it but outside [`ENV_FIELD_PATHS`] is an `Unsupported value`.
const CONVERTIBLE_FIELD_LABELS: &[&str] = &[
    "metadata.annotations",
    "metadata.labels",
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.restartPolicy",
    "spec.serviceAccountName",
    "spec.schedulerName",
    "status.phase",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
];

/// Why a `fieldRef.fieldPath` is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldRefError {
    /// Not one of the supported paths: the API server answers `Unsupported value` (at `fieldRef.fieldPath`, the
    /// value being `path`) with this list.
    Unsupported {
        /// The path as the server prints it (after its conversion, e.g. `spec.host` reads as `spec.nodeName`).
        path: String,
        /// The paths the server lists as supported.
        supported: Vec<String>,
    },
    /// The path cannot be converted at all (`field label not supported: x`, or a subscript on a field that takes
    /// none): the server's `Invalid value` at `fieldRef.fieldPath`, the value being the path as written.
    Invalid {
        /// The server's messages.
        messages: Vec<String>,
    },
    /// A subscripted path whose key is not a qualified name: the server's `Invalid value` at `fieldRef` (not
    /// `fieldRef.fieldPath`), the value being the key (lower-cased for annotations).
    InvalidKey {
        /// The key as the server prints it.
        key: String,
        /// The server's messages.
        messages: Vec<String>,
    },
}

/// `fieldpath.SplitMaybeSubscriptedPath`: `metadata.labels['app']` -> (`metadata.labels`, `app`).
pub fn split_subscript(field_path: &str) -> Option<(&str, &str)> {
    let s = field_path.strip_suffix("']")?;
    let (path, key) = s.split_once("['")?;
    if path.is_empty() {
        None
    } else {
        Some((path, key))
    }
}

/// Checks an env `fieldRef.fieldPath` the way `validateObjectFieldSelector` does for env vars (API version `v1`).
/// An empty path is the caller's `Required value`.
pub fn env_field_path(path: &str) -> Result<(), FieldRefError> {
    field_path(path, ENV_FIELD_PATHS)
}

/// What an env var's `fieldRef` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvField<'a> {
    /// A fixed field: its path in [`ENV_FIELD_PATHS`] (`spec.host` reads as `spec.nodeName`).
    Fixed(&'static str),
    /// `metadata.labels['<key>']`.
    Label(&'a str),
    /// `metadata.annotations['<key>']`.
    Annotation(&'a str),
}

/// Reads an env `fieldRef.fieldPath` as spec files and the macro write it, checked with [`env_field_path`] (so a
/// subscript's key is a qualified name, and `spec.host` reads as `spec.nodeName`, as on the server).
pub fn env_field(path: &str) -> Result<EnvField<'_>, FieldRefError> {
    env_field_path(path)?;
    if let Some((base, key)) = split_subscript(path) {
        return Ok(if base == "metadata.labels" {
            EnvField::Label(key)
        } else {
            EnvField::Annotation(key)
        });
    }
    let path = if path == "spec.host" {
        "spec.nodeName"
    } else {
        path
    };
    let fixed = ENV_FIELD_PATHS
        .iter()
        .find(|p| **p == path)
        .expect("checked by env_field_path");
    Ok(EnvField::Fixed(fixed))
}

/// The front ends' words for a path [`env_field`] refuses: the key's problems, or the closest supported path and
/// the list of them.
pub fn env_field_problem(path: &str, err: &FieldRefError) -> String {
    match err {
        FieldRefError::InvalidKey { key, messages } => format!(
            "invalid key {key:?} in fieldRef `{path}`: {}",
            messages.join("; ")
        ),
        FieldRefError::Unsupported { .. } | FieldRefError::Invalid { .. } => {
            let hint = crate::suggest::did_you_mean(path, ENV_FIELD_PATHS.iter().copied())
                .map(|best| format!("did you mean `{best}`? "))
                .unwrap_or_default();
            let supported: Vec<String> = ENV_FIELD_PATHS
                .iter()
                .copied()
                .chain(["metadata.labels['<key>']", "metadata.annotations['<key>']"])
                .map(|p| format!("`{p}`"))
                .collect();
            format!(
                "unknown fieldRef path `{path}`; {hint}supported: {}",
                supported.join(", ")
            )
        }
    }
}

/// Checks a downward API volume file's `fieldRef.fieldPath` (`validVolumeDownwardAPIFieldPathExpressions`).
pub fn volume_field_path(path: &str) -> Result<(), FieldRefError> {
    field_path(path, VOLUME_FIELD_PATHS)
}

/// `validateObjectFieldSelector` with the given set of supported (unsubscripted) paths.
fn field_path(path: &str, supported_paths: &[&str]) -> Result<(), FieldRefError> {
    if let Some((base, key)) = split_subscript(path) {
        return match base {
            "metadata.annotations" => check_key(&key.to_lowercase()),
            "metadata.labels" => check_key(key),
            _ => Err(FieldRefError::Invalid {
                messages: vec![format!(
                    "error converting fieldPath: field label does not support subscript: {path}"
                )],
            }),
        };
    }
    let converted = match path {
        "spec.host" => "spec.nodeName",
        p if CONVERTIBLE_FIELD_LABELS.contains(&p) => p,
        _ => {
            return Err(FieldRefError::Invalid {
                messages: vec![format!(
                    "error converting fieldPath: field label not supported: {path}"
                )],
            });
        }
    };
    if supported_paths.contains(&converted) {
        Ok(())
    } else {
        Err(FieldRefError::Unsupported {
            path: converted.to_owned(),
            supported: supported_paths.iter().map(|s| (*s).to_owned()).collect(),
        })
    }
}

fn check_key(key: &str) -> Result<(), FieldRefError> {
    let messages = qualified_name(key);
    if messages.is_empty() {
        Ok(())
    } else {
        Err(FieldRefError::InvalidKey {
            key: key.to_owned(),
            messages,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_env_paths() {
        for p in ENV_FIELD_PATHS {
            assert_eq!(env_field_path(p), Ok(()), "{p}");
        }
        assert_eq!(
            env_field_path("spec.host"),
            Ok(()),
            "legacy alias of spec.nodeName"
        );
        assert_eq!(env_field_path("metadata.labels['app']"), Ok(()));
        assert_eq!(
            env_field_path("metadata.labels['app.kubernetes.io/name']"),
            Ok(())
        );
        assert_eq!(
            env_field_path("metadata.annotations['Example.com/Key']"),
            Ok(()),
            "lower-cased first"
        );
    }

    #[test]
    fn known_but_unsupported_paths() {
        for p in [
            "status.phase",
            "metadata.labels",
            "metadata.annotations",
            "spec.schedulerName",
            "spec.restartPolicy",
        ] {
            match env_field_path(p) {
                Err(FieldRefError::Unsupported { path, supported }) => {
                    assert_eq!(path, p);
                    assert_eq!(supported.len(), 9);
                }
                other => panic!("{p}: {other:?}"),
            }
        }
    }

    #[test]
    fn unknown_paths_fail_conversion() {
        assert_eq!(
            env_field_path("spec.containers"),
            Err(FieldRefError::Invalid {
                messages: vec![
                    "error converting fieldPath: field label not supported: spec.containers"
                        .to_owned()
                ]
            })
        );
        assert_eq!(
            env_field_path("metadata.name['x']"),
            Err(FieldRefError::Invalid {
                messages: vec![
                    "error converting fieldPath: field label does not support subscript: metadata.name['x']".to_owned()
                ]
            })
        );
        // A bracket without the closing quote is not a subscript at all.
        assert!(matches!(
            env_field_path("metadata.labels['app]"),
            Err(FieldRefError::Invalid { .. })
        ));
    }

    #[test]
    fn subscript_keys_must_be_qualified_names() {
        match env_field_path("metadata.labels['-bad']") {
            Err(FieldRefError::InvalidKey { key, messages }) => {
                assert_eq!(key, "-bad");
                assert_eq!(messages.len(), 1);
            }
            other => panic!("{other:?}"),
        }
        match env_field_path("metadata.annotations['A/B/C']") {
            Err(FieldRefError::InvalidKey { key, .. }) => assert_eq!(key, "a/b/c"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            env_field_path("metadata.labels['']"),
            Err(FieldRefError::InvalidKey { .. })
        ));
    }

    #[test]
    fn volume_paths_take_whole_label_maps() {
        assert_eq!(volume_field_path("metadata.labels"), Ok(()));
        assert_eq!(volume_field_path("metadata.annotations['a']"), Ok(()));
        assert!(matches!(
            volume_field_path("spec.nodeName"),
            Err(FieldRefError::Unsupported { .. })
        ));
    }

    #[test]
    fn env_fields_read_as_the_server_reads_them() {
        for path in ENV_FIELD_PATHS {
            assert_eq!(env_field(path), Ok(EnvField::Fixed(path)));
        }
        assert_eq!(env_field("spec.host"), Ok(EnvField::Fixed("spec.nodeName")));
        assert_eq!(
            env_field("metadata.annotations['Example.com/Key']"),
            Ok(EnvField::Annotation("Example.com/Key"))
        );
        let err = env_field("spec.nodename").unwrap_err();
        assert!(
            env_field_problem("spec.nodename", &err).starts_with(
                "unknown fieldRef path `spec.nodename`; did you mean `spec.nodeName`?"
            )
        );
        let err = env_field("metadata.labels['-x']").unwrap_err();
        assert!(
            env_field_problem("metadata.labels['-x']", &err)
                .starts_with("invalid key \"-x\" in fieldRef `metadata.labels['-x']`: ")
        );
    }

    #[test]
    fn splits_subscripts() {
        assert_eq!(
            split_subscript("metadata.labels['a']"),
            Some(("metadata.labels", "a"))
        );
        assert_eq!(split_subscript("metadata.labels"), None);
        assert_eq!(split_subscript("['a']"), None);
        assert_eq!(split_subscript("x['a['b']"), Some(("x", "a['b")));
    }
}
