//! Volumes and their mounts. Declaring a volume gives a [`Volume`] handle; a mount can only be made from a handle
//! ([`Volume::mount`]), and the DaemonSet collects the volumes of every mount, so a mount of an undeclared volume
//! cannot be written.

use k8s_openapi::api::core::v1::{
    CSIVolumeSource, ConfigMapProjection, ConfigMapVolumeSource, DownwardAPIProjection,
    DownwardAPIVolumeFile, DownwardAPIVolumeSource, EmptyDirVolumeSource, EphemeralVolumeSource,
    HostPathVolumeSource, KeyToPath, ObjectFieldSelector, PersistentVolumeClaimSpec,
    PersistentVolumeClaimTemplate, ProjectedVolumeSource, SecretProjection, SecretVolumeSource,
    ServiceAccountTokenProjection, Volume as K8sVolume, VolumeMount as K8sVolumeMount,
    VolumeProjection, VolumeResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;
use std::sync::Arc;

use super::{Memory, PodField};

pub use daemonset_rules::model::{HostPathType, MountPropagation};

/// A declared volume: the handle mounts are made from.
///
/// ```
/// use daemonset::build::{HostPathType, Volume};
/// let varlog = Volume::host_path("varlog", "/var/log");
/// let socket = Volume::host_path("containerd", "/run/containerd/containerd.sock").with_type(HostPathType::Socket);
/// let config = Volume::config_map("config", "agent-config");
/// let mount = varlog.mount("/var/log").read_only();
/// # let _ = (socket, config, mount);
/// ```
#[derive(Clone)]
pub struct Volume {
    /// Shared by the handle and its mounts: a mount does not copy the volume; changing a handle that is shared
    /// changes a copy.
    volume: Arc<Repr>,
}

/// A volume as declared: a hostPath volume (the usual one of node agents) by its three fields, made into the
/// k8s-openapi object (3 KiB, nearly all of it other sources) only when the DaemonSet is assembled; any other
/// volume as the k8s-openapi object.
#[derive(Clone, PartialEq)]
enum Repr {
    HostPath {
        name: String,
        path: String,
        kind: Option<String>,
    },
    Object(Box<K8sVolume>),
}

/// The k8s-openapi hostPath volume.
fn host_path_volume(name: String, path: String, kind: Option<String>) -> K8sVolume {
    K8sVolume {
        name,
        host_path: Some(HostPathVolumeSource { path, type_: kind }),
        ..Default::default()
    }
}

impl Repr {
    fn name(&self) -> &str {
        match self {
            Repr::HostPath { name, .. } => name,
            Repr::Object(volume) => &volume.name,
        }
    }

    fn to_k8s(&self) -> K8sVolume {
        match self {
            Repr::HostPath { name, path, kind } => {
                host_path_volume(name.clone(), path.clone(), kind.clone())
            }
            Repr::Object(volume) => (**volume).clone(),
        }
    }

    fn into_k8s(self) -> K8sVolume {
        match self {
            Repr::HostPath { name, path, kind } => host_path_volume(name, path, kind),
            Repr::Object(volume) => *volume,
        }
    }
}

impl PartialEq for Volume {
    /// Equal when the k8s-openapi volumes are.
    fn eq(&self, other: &Volume) -> bool {
        if Arc::ptr_eq(&self.volume, &other.volume) {
            return true;
        }
        match (&*self.volume, &*other.volume) {
            (a @ Repr::HostPath { .. }, b @ Repr::HostPath { .. })
            | (a @ Repr::Object(_), b @ Repr::Object(_)) => a == b,
            (a, b) => a.to_k8s() == b.to_k8s(),
        }
    }
}

impl std::fmt::Debug for Volume {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Volume")
            .field("volume", &self.volume.to_k8s())
            .finish()
    }
}

impl Volume {
    /// A k8s-openapi volume with only its name set (its source set by the constructor).
    fn named(name: impl Into<String>) -> Volume {
        Volume::raw(K8sVolume {
            name: name.into(),
            ..Default::default()
        })
    }

    /// The volume, to change (copied first if a mount or another handle shares it).
    fn inner(&mut self) -> &mut K8sVolume {
        let repr = Arc::make_mut(&mut self.volume);
        if let Repr::HostPath { name, path, kind } = repr {
            let volume = host_path_volume(std::mem::take(name), std::mem::take(path), kind.take());
            *repr = Repr::Object(Box::new(volume));
        }
        match repr {
            Repr::Object(volume) => volume,
            Repr::HostPath { .. } => unreachable!("made an object above"),
        }
    }

    /// A file or directory of the node.
    pub fn host_path(name: impl Into<String>, path: impl Into<String>) -> Volume {
        Volume {
            volume: Arc::new(Repr::HostPath {
                name: name.into(),
                path: path.into(),
                kind: None,
            }),
        }
    }

    /// For a hostPath volume: what the path must be on the node.
    #[must_use]
    pub fn with_type(mut self, kind: HostPathType) -> Volume {
        let kind = Some(kind.as_str().to_owned());
        match Arc::make_mut(&mut self.volume) {
            Repr::HostPath { kind: k, .. } => *k = kind,
            Repr::Object(volume) => {
                if let Some(host_path) = &mut volume.host_path {
                    host_path.type_ = kind;
                }
            }
        }
        self
    }

    /// The keys of a ConfigMap as files.
    pub fn config_map(name: impl Into<String>, config_map: impl Into<String>) -> Volume {
        let mut volume = Volume::named(name);
        let v = volume.inner();
        v.config_map = Some(ConfigMapVolumeSource {
            name: config_map.into(),
            ..Default::default()
        });
        volume
    }

    /// The keys of a Secret as files.
    pub fn secret(name: impl Into<String>, secret: impl Into<String>) -> Volume {
        let mut volume = Volume::named(name);
        let v = volume.inner();
        v.secret = Some(SecretVolumeSource {
            secret_name: Some(secret.into()),
            ..Default::default()
        });
        volume
    }

    /// An empty directory that lives as long as the pod.
    pub fn empty_dir(name: impl Into<String>) -> Volume {
        let mut volume = Volume::named(name);
        let v = volume.inner();
        v.empty_dir = Some(EmptyDirVolumeSource::default());
        volume
    }

    /// An empty directory in memory (tmpfs), limited in size.
    pub fn memory_dir(name: impl Into<String>, size_limit: Memory) -> Volume {
        let mut volume = Volume::named(name);
        let v = volume.inner();
        v.empty_dir = Some(EmptyDirVolumeSource {
            medium: Some("Memory".into()),
            size_limit: Some(K8sQuantity(size_limit.as_str().to_owned())),
        });
        volume
    }

    /// For an emptyDir volume: keep it in memory (tmpfs; it counts against the containers' memory limits).
    #[must_use]
    pub fn in_memory(mut self) -> Volume {
        if let Some(dir) = &mut self.inner().empty_dir {
            dir.medium = Some("Memory".into());
        }
        self
    }

    /// For an emptyDir volume: the most it may hold.
    #[must_use]
    pub fn size_limit(mut self, limit: Memory) -> Volume {
        if let Some(dir) = &mut self.inner().empty_dir {
            dir.size_limit = Some(K8sQuantity(limit.as_str().to_owned()));
        }
        self
    }

    /// A volume from a CSI driver that supports inline (ephemeral) volumes, e.g. `secrets-store.csi.k8s.io`.
    pub fn csi(name: impl Into<String>, driver: impl Into<String>) -> Volume {
        let mut volume = Volume::named(name);
        let v = volume.inner();
        v.csi = Some(CSIVolumeSource {
            driver: driver.into(),
            ..Default::default()
        });
        volume
    }

    /// A generic ephemeral volume: a PersistentVolumeClaim of `size` from `storage_class`, created with the pod
    /// and deleted with it (access mode `ReadWriteOnce`).
    pub fn ephemeral(
        name: impl Into<String>,
        storage_class: impl Into<String>,
        size: Memory,
    ) -> Volume {
        let mut volume = Volume::named(name);
        let v = volume.inner();
        v.ephemeral = Some(EphemeralVolumeSource {
            volume_claim_template: Some(PersistentVolumeClaimTemplate {
                metadata: None,
                spec: PersistentVolumeClaimSpec {
                    access_modes: Some(vec!["ReadWriteOnce".to_owned()]),
                    storage_class_name: Some(storage_class.into()),
                    resources: Some(VolumeResourceRequirements {
                        requests: Some(
                            [("storage".to_owned(), K8sQuantity(size.as_str().to_owned()))].into(),
                        ),
                        limits: None,
                    }),
                    ..Default::default()
                },
            }),
        });
        volume
    }

    /// For a CSI volume: a driver-specific attribute.
    #[must_use]
    pub fn attribute(mut self, key: impl Into<String>, value: impl Into<String>) -> Volume {
        if let Some(csi) = &mut self.inner().csi {
            csi.volume_attributes
                .get_or_insert_with(Default::default)
                .insert(key.into(), value.into());
        }
        self
    }

    /// For configMap and secret volumes: the pod starts even when the object (or a listed key) does not exist.
    #[must_use]
    pub fn optional(mut self) -> Volume {
        if let Some(s) = &mut self.inner().config_map {
            s.optional = Some(true);
        }
        if let Some(s) = &mut self.inner().secret {
            s.optional = Some(true);
        }
        self
    }

    /// Pod fields as files (downward API): `(file path, field)`.
    pub fn downward_api<P: Into<String>>(
        name: impl Into<String>,
        files: impl IntoIterator<Item = (P, PodField)>,
    ) -> Volume {
        let mut volume = Volume::named(name);
        let v = volume.inner();
        v.downward_api = Some(DownwardAPIVolumeSource {
            items: Some(downward_files(files)),
            ..Default::default()
        });
        volume
    }

    /// Several sources projected into one directory.
    pub fn projected(
        name: impl Into<String>,
        sources: impl IntoIterator<Item = Projection>,
    ) -> Volume {
        let mut volume = Volume::named(name);
        let v = volume.inner();
        v.projected = Some(ProjectedVolumeSource {
            sources: Some(sources.into_iter().map(|p| p.0).collect()),
            ..Default::default()
        });
        volume
    }

    /// Any other volume source, given as the raw k8s-openapi object (validated like the others).
    pub fn raw(volume: K8sVolume) -> Volume {
        Volume {
            volume: Arc::new(Repr::Object(Box::new(volume))),
        }
    }

    /// For configMap, secret, downwardAPI and projected volumes: the file mode (e.g. `0o440`).
    #[must_use]
    pub fn default_mode(mut self, mode: i32) -> Volume {
        if let Some(s) = &mut self.inner().config_map {
            s.default_mode = Some(mode);
        }
        if let Some(s) = &mut self.inner().secret {
            s.default_mode = Some(mode);
        }
        if let Some(s) = &mut self.inner().downward_api {
            s.default_mode = Some(mode);
        }
        if let Some(s) = &mut self.inner().projected {
            s.default_mode = Some(mode);
        }
        self
    }

    /// For configMap and secret volumes: only these keys, each at a relative path.
    #[must_use]
    pub fn items<K: Into<String>, P: Into<String>>(
        mut self,
        items: impl IntoIterator<Item = (K, P)>,
    ) -> Volume {
        let items: Vec<KeyToPath> = items
            .into_iter()
            .map(|(key, path)| KeyToPath {
                key: key.into(),
                path: path.into(),
                mode: None,
            })
            .collect();
        if let Some(s) = &mut self.inner().config_map {
            s.items = Some(items);
        } else if let Some(s) = &mut self.inner().secret {
            s.items = Some(items);
        }
        self
    }

    /// The volume's name.
    pub fn name(&self) -> &str {
        self.volume.name()
    }

    /// A mount of this volume at `path` in the container.
    pub fn mount(&self, path: impl Into<String>) -> Mount {
        Mount {
            volume: self.clone(),
            mount: K8sVolumeMount {
                name: self.name().to_owned(),
                mount_path: path.into(),
                ..Default::default()
            },
        }
    }
}

impl Volume {
    /// Whether `other` is the same volume (the same handle, or an equal one).
    pub(crate) fn same_as(&self, other: &Volume) -> bool {
        self == other
    }
}

impl From<Volume> for K8sVolume {
    fn from(value: Volume) -> K8sVolume {
        match Arc::try_unwrap(value.volume) {
            Ok(repr) => repr.into_k8s(),
            Err(shared) => shared.to_k8s(),
        }
    }
}

fn downward_files<P: Into<String>>(
    files: impl IntoIterator<Item = (P, PodField)>,
) -> Vec<DownwardAPIVolumeFile> {
    files
        .into_iter()
        .map(|(path, field)| DownwardAPIVolumeFile {
            path: path.into(),
            field_ref: Some(ObjectFieldSelector {
                field_path: field.path(),
                ..Default::default()
            }),
            ..Default::default()
        })
        .collect()
}

/// One source of a projected volume.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection(VolumeProjection);

impl Projection {
    /// All keys of a ConfigMap.
    pub fn config_map(name: impl Into<String>) -> Projection {
        Projection(VolumeProjection {
            config_map: Some(ConfigMapProjection {
                name: name.into(),
                ..Default::default()
            }),
            ..Default::default()
        })
    }

    /// All keys of a Secret.
    pub fn secret(name: impl Into<String>) -> Projection {
        Projection(VolumeProjection {
            secret: Some(SecretProjection {
                name: name.into(),
                ..Default::default()
            }),
            ..Default::default()
        })
    }

    /// A service account token for an audience, at a relative path.
    pub fn service_account_token(
        path: impl Into<String>,
        audience: Option<String>,
        expiration_seconds: Option<i64>,
    ) -> Projection {
        Projection(VolumeProjection {
            service_account_token: Some(ServiceAccountTokenProjection {
                path: path.into(),
                audience,
                expiration_seconds,
            }),
            ..Default::default()
        })
    }

    /// Pod fields as files.
    pub fn downward_api<P: Into<String>>(
        files: impl IntoIterator<Item = (P, PodField)>,
    ) -> Projection {
        Projection(VolumeProjection {
            downward_api: Some(DownwardAPIProjection {
                items: Some(downward_files(files)),
            }),
            ..Default::default()
        })
    }
}

/// A mount of a declared volume into a container; made with [`Volume::mount`].
#[derive(Debug, Clone, PartialEq)]
pub struct Mount {
    volume: Volume,
    mount: K8sVolumeMount,
}

impl Mount {
    /// Mounted read-only.
    #[must_use]
    pub fn read_only(mut self) -> Mount {
        self.mount.read_only = Some(true);
        self
    }

    /// Only this relative path of the volume.
    #[must_use]
    pub fn sub_path(mut self, path: impl Into<String>) -> Mount {
        self.mount.sub_path = Some(path.into());
        self
    }

    /// How mounts propagate between host and container.
    #[must_use]
    pub fn propagation(mut self, propagation: MountPropagation) -> Mount {
        self.mount.mount_propagation = Some(propagation.as_str().to_owned());
        self
    }

    /// The volume this mount comes from.
    pub fn volume(&self) -> &Volume {
        &self.volume
    }

    pub(crate) fn into_parts(self) -> (Volume, K8sVolumeMount) {
        (self.volume, self.mount)
    }
}
