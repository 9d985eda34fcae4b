//! Environment variables of a container: literals, pod fields (downward API), resource fields, ConfigMap and
//! Secret keys, and whole ConfigMaps or Secrets (`envFrom`).

use std::fmt;

use daemonset_rules::field_ref::{ENV_FIELD_PATHS, EnvField, env_field, env_field_problem};

use k8s_openapi::api::core::v1::{
    ConfigMapEnvSource, ConfigMapKeySelector, EnvFromSource, EnvVar as K8sEnvVar, EnvVarSource,
    ObjectFieldSelector, ResourceFieldSelector, SecretEnvSource, SecretKeySelector,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;

/// A pod field an environment variable can read (`valueFrom.fieldRef.fieldPath`): only the paths the API server
/// accepts for env vars can be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PodField {
    /// `metadata.name`: the pod's name.
    Name,
    /// `metadata.namespace`.
    Namespace,
    /// `metadata.uid`.
    Uid,
    /// `spec.nodeName`: the node the pod runs on, the usual way a node agent learns where it is.
    NodeName,
    /// `spec.serviceAccountName`.
    ServiceAccountName,
    /// `status.hostIP`.
    HostIp,
    /// `status.hostIPs`.
    HostIps,
    /// `status.podIP`.
    PodIp,
    /// `status.podIPs`.
    PodIps,
    /// `metadata.labels['<key>']`: one label of the pod.
    Label(String),
    /// `metadata.annotations['<key>']`: one annotation of the pod.
    Annotation(String),
}

impl PodField {
    /// The fixed fields, in the order of their paths in `daemonset_rules::field_ref::ENV_FIELD_PATHS`.
    const FIXED: [PodField; 9] = [
        PodField::Name,
        PodField::Namespace,
        PodField::Uid,
        PodField::NodeName,
        PodField::ServiceAccountName,
        PodField::HostIp,
        PodField::HostIps,
        PodField::PodIp,
        PodField::PodIps,
    ];

    /// The field path as the API server spells it.
    pub fn path(&self) -> String {
        match self {
            PodField::Label(key) => format!("metadata.labels['{key}']"),
            PodField::Annotation(key) => format!("metadata.annotations['{key}']"),
            fixed => Self::FIXED
                .iter()
                .zip(ENV_FIELD_PATHS)
                .find(|(f, _)| *f == fixed)
                .map_or("", |(_, path)| *path)
                .to_owned(),
        }
    }

    /// Reads a field path as the API server does for env vars (`spec.nodeName`, `metadata.labels['app']`; the
    /// legacy `spec.host` is `spec.nodeName`): the rule spec files and the `daemonset!` macro read it with. The
    /// error says what is wrong, with the closest supported path.
    ///
    /// ```
    /// use daemonset::build::PodField;
    /// assert_eq!(PodField::parse("spec.host"), Ok(PodField::NodeName));
    /// assert_eq!(PodField::parse("metadata.labels['app']"), Ok(PodField::Label("app".into())));
    /// assert!(PodField::parse("spec.nodename").unwrap_err().contains("did you mean `spec.nodeName`?"));
    /// ```
    pub fn parse(path: &str) -> Result<PodField, String> {
        match env_field(path) {
            Ok(EnvField::Label(key)) => Ok(PodField::Label(key.to_owned())),
            Ok(EnvField::Annotation(key)) => Ok(PodField::Annotation(key.to_owned())),
            Ok(EnvField::Fixed(fixed)) => Ok(Self::FIXED
                .iter()
                .zip(ENV_FIELD_PATHS)
                .find(|(_, p)| **p == fixed)
                .map(|(f, _)| f.clone())
                .expect("a variant for every path")),
            Err(err) => Err(env_field_problem(path, &err)),
        }
    }
}

impl fmt::Display for PodField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path())
    }
}

pub use daemonset_rules::model::ResourceField;

/// One environment variable of a container.
///
/// ```
/// use daemonset::build::{EnvVar, PodField};
/// let node = EnvVar::field("NODE_NAME", PodField::NodeName);
/// let level = EnvVar::value("LOG_LEVEL", "info");
/// let token = EnvVar::secret_key("TOKEN", "agent-credentials", "token");
/// # let _ = (node, level, token);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct EnvVar {
    name: String,
    source: EnvSource,
}

#[derive(Debug, Clone, PartialEq)]
enum EnvSource {
    Value(String),
    Field(PodField),
    Resource {
        field: ResourceField,
        container: Option<String>,
        divisor: Option<String>,
    },
    ConfigMapKey {
        config_map: String,
        key: String,
        optional: bool,
    },
    SecretKey {
        secret: String,
        key: String,
        optional: bool,
    },
}

impl EnvVar {
    /// A literal value.
    pub fn value(name: impl Into<String>, value: impl Into<String>) -> EnvVar {
        EnvVar {
            name: name.into(),
            source: EnvSource::Value(value.into()),
        }
    }

    /// A field of the pod (downward API).
    pub fn field(name: impl Into<String>, field: PodField) -> EnvVar {
        EnvVar {
            name: name.into(),
            source: EnvSource::Field(field),
        }
    }

    /// A resource request or limit of this container.
    pub fn resource(name: impl Into<String>, field: ResourceField) -> EnvVar {
        EnvVar {
            name: name.into(),
            source: EnvSource::Resource {
                field,
                container: None,
                divisor: None,
            },
        }
    }

    /// A key of a ConfigMap.
    pub fn config_map_key(
        name: impl Into<String>,
        config_map: impl Into<String>,
        key: impl Into<String>,
    ) -> EnvVar {
        EnvVar {
            name: name.into(),
            source: EnvSource::ConfigMapKey {
                config_map: config_map.into(),
                key: key.into(),
                optional: false,
            },
        }
    }

    /// A key of a Secret.
    pub fn secret_key(
        name: impl Into<String>,
        secret: impl Into<String>,
        key: impl Into<String>,
    ) -> EnvVar {
        EnvVar {
            name: name.into(),
            source: EnvSource::SecretKey {
                secret: secret.into(),
                key: key.into(),
                optional: false,
            },
        }
    }

    /// For a ConfigMap or Secret key: the container starts even when the key or object is missing.
    #[must_use]
    pub fn optional(mut self) -> EnvVar {
        match &mut self.source {
            EnvSource::ConfigMapKey { optional, .. } | EnvSource::SecretKey { optional, .. } => {
                *optional = true
            }
            _ => {}
        }
        self
    }

    /// For a resource field: the unit the value is divided by (`1m` for CPU in millicores, `1Mi` for memory).
    #[must_use]
    pub fn divisor(mut self, unit: impl Into<String>) -> EnvVar {
        if let EnvSource::Resource { divisor, .. } = &mut self.source {
            *divisor = Some(unit.into());
        }
        self
    }

    /// For a resource field: read another container's resources.
    #[must_use]
    pub fn of_container(mut self, name: impl Into<String>) -> EnvVar {
        if let EnvSource::Resource { container, .. } = &mut self.source {
            *container = Some(name.into());
        }
        self
    }

    /// The variable's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl From<EnvVar> for K8sEnvVar {
    fn from(var: EnvVar) -> K8sEnvVar {
        let from = |source: EnvVarSource| K8sEnvVar {
            name: var.name.clone(),
            value_from: Some(source),
            ..Default::default()
        };
        match var.source {
            EnvSource::Value(value) => K8sEnvVar {
                name: var.name,
                value: Some(value),
                ..Default::default()
            },
            EnvSource::Field(field) => from(EnvVarSource {
                field_ref: Some(ObjectFieldSelector {
                    field_path: field.path(),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            EnvSource::Resource {
                field,
                container,
                divisor,
            } => from(EnvVarSource {
                resource_field_ref: Some(ResourceFieldSelector {
                    resource: field.as_str().to_owned(),
                    container_name: container,
                    divisor: divisor.map(K8sQuantity),
                }),
                ..Default::default()
            }),
            EnvSource::ConfigMapKey {
                config_map,
                key,
                optional,
            } => from(EnvVarSource {
                config_map_key_ref: Some(ConfigMapKeySelector {
                    name: config_map,
                    key,
                    optional: optional.then_some(true),
                }),
                ..Default::default()
            }),
            EnvSource::SecretKey {
                secret,
                key,
                optional,
            } => from(EnvVarSource {
                secret_key_ref: Some(SecretKeySelector {
                    name: secret,
                    key,
                    optional: optional.then_some(true),
                }),
                ..Default::default()
            }),
        }
    }
}

/// All keys of a ConfigMap or Secret as environment variables (`envFrom`).
#[derive(Debug, Clone, PartialEq)]
pub struct EnvFrom {
    source: EnvFromSource,
}

impl EnvFrom {
    /// Every key of a ConfigMap.
    pub fn config_map(name: impl Into<String>) -> EnvFrom {
        EnvFrom {
            source: EnvFromSource {
                config_map_ref: Some(ConfigMapEnvSource {
                    name: name.into(),
                    optional: None,
                }),
                ..Default::default()
            },
        }
    }

    /// Every key of a Secret.
    pub fn secret(name: impl Into<String>) -> EnvFrom {
        EnvFrom {
            source: EnvFromSource {
                secret_ref: Some(SecretEnvSource {
                    name: name.into(),
                    optional: None,
                }),
                ..Default::default()
            },
        }
    }

    /// A prefix put before every variable name.
    #[must_use]
    pub fn prefix(mut self, prefix: impl Into<String>) -> EnvFrom {
        self.source.prefix = Some(prefix.into());
        self
    }

    /// The container starts even when the object is missing.
    #[must_use]
    pub fn optional(mut self) -> EnvFrom {
        if let Some(cm) = &mut self.source.config_map_ref {
            cm.optional = Some(true);
        }
        if let Some(secret) = &mut self.source.secret_ref {
            secret.optional = Some(true);
        }
        self
    }
}

impl From<EnvFrom> for EnvFromSource {
    fn from(value: EnvFrom) -> EnvFromSource {
        value.source
    }
}
