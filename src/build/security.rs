//! Security profiles shared by the pod and its containers (seccomp, AppArmor, Windows options), and the pod-level
//! security context.

use k8s_openapi::api::core::v1::{
    AppArmorProfile as K8sAppArmorProfile, PodSecurityContext as K8sPodSecurityContext,
    SELinuxOptions, SeccompProfile as K8sSeccompProfile, Sysctl, WindowsSecurityContextOptions,
};
use typed_builder::TypedBuilder;

use super::container::non_empty;

/// The seccomp profile of a pod or container.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SeccompProfile {
    /// The container runtime's default profile (what restricted Pod Security asks for).
    RuntimeDefault,
    /// No seccomp filtering.
    Unconfined,
    /// A profile file on the node, relative to the kubelet's seccomp directory.
    Localhost(String),
}

impl From<SeccompProfile> for K8sSeccompProfile {
    fn from(profile: SeccompProfile) -> K8sSeccompProfile {
        let (type_, localhost_profile) = match profile {
            SeccompProfile::RuntimeDefault => ("RuntimeDefault", None),
            SeccompProfile::Unconfined => ("Unconfined", None),
            SeccompProfile::Localhost(path) => ("Localhost", Some(path)),
        };
        K8sSeccompProfile {
            type_: type_.to_owned(),
            localhost_profile,
        }
    }
}

/// The AppArmor profile of a pod or container.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AppArmorProfile {
    /// The container runtime's default profile.
    RuntimeDefault,
    /// No AppArmor confinement.
    Unconfined,
    /// A profile loaded on the node, by name.
    Localhost(String),
}

impl From<AppArmorProfile> for K8sAppArmorProfile {
    fn from(profile: AppArmorProfile) -> K8sAppArmorProfile {
        let (type_, localhost_profile) = match profile {
            AppArmorProfile::RuntimeDefault => ("RuntimeDefault", None),
            AppArmorProfile::Unconfined => ("Unconfined", None),
            AppArmorProfile::Localhost(name) => ("Localhost", Some(name)),
        };
        K8sAppArmorProfile {
            type_: type_.to_owned(),
            localhost_profile,
        }
    }
}

/// The SELinux context of a pod or container (`type: spc_t` lets an agent reach the host's files).
///
/// ```
/// use daemonset::build::SeLinux;
/// let super_privileged = SeLinux::type_("spc_t");
/// let with_level = SeLinux::default().level("s0:c123,c456");
/// # let _ = (super_privileged, with_level);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SeLinux(SELinuxOptions);

impl SeLinux {
    /// The SELinux type.
    pub fn type_(selinux_type: impl Into<String>) -> SeLinux {
        SeLinux(SELinuxOptions {
            type_: Some(selinux_type.into()),
            ..Default::default()
        })
    }

    /// The SELinux user.
    #[must_use]
    pub fn user(mut self, user: impl Into<String>) -> SeLinux {
        self.0.user = Some(user.into());
        self
    }

    /// The SELinux role.
    #[must_use]
    pub fn role(mut self, role: impl Into<String>) -> SeLinux {
        self.0.role = Some(role.into());
        self
    }

    /// The SELinux level (MCS label).
    #[must_use]
    pub fn level(mut self, level: impl Into<String>) -> SeLinux {
        self.0.level = Some(level.into());
        self
    }
}

impl From<SeLinux> for SELinuxOptions {
    fn from(options: SeLinux) -> SELinuxOptions {
        options.0
    }
}

/// Windows-specific settings of a pod or container (Windows host agents run as `HostProcess` containers).
///
/// ```
/// use daemonset::build::WindowsOptions;
/// let host = WindowsOptions::host_process("NT AUTHORITY\\SYSTEM");
/// # let _ = host;
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WindowsOptions(WindowsSecurityContextOptions);

impl WindowsOptions {
    /// A `HostProcess` container (it needs `hostNetwork`) running as `user`.
    pub fn host_process(user: impl Into<String>) -> WindowsOptions {
        WindowsOptions(WindowsSecurityContextOptions {
            host_process: Some(true),
            run_as_user_name: Some(user.into()),
            ..Default::default()
        })
    }

    /// Runs as this Windows user name.
    pub fn run_as(user: impl Into<String>) -> WindowsOptions {
        WindowsOptions(WindowsSecurityContextOptions {
            run_as_user_name: Some(user.into()),
            ..Default::default()
        })
    }

    /// With this GMSA credential spec (the name of a GMSACredentialSpec resource).
    #[must_use]
    pub fn gmsa_credential_spec_name(mut self, name: impl Into<String>) -> WindowsOptions {
        self.0.gmsa_credential_spec_name = Some(name.into());
        self
    }
}

impl From<WindowsOptions> for WindowsSecurityContextOptions {
    fn from(options: WindowsOptions) -> WindowsSecurityContextOptions {
        options.0
    }
}

pub use daemonset_rules::model::FsGroupChangePolicy;

/// The security settings of the whole pod (its containers inherit user, group and profiles).
///
/// ```
/// use daemonset::build::{PodSecurityContext, SeccompProfile};
/// let restricted = PodSecurityContext::builder()
///     .run_as_non_root(true)
///     .run_as_user(65534)
///     .fs_group(65534)
///     .seccomp_profile(SeccompProfile::RuntimeDefault)
///     .sysctl("net.ipv4.ip_unprivileged_port_start", "0")
///     .build();
/// # let _ = restricted;
/// ```
#[derive(Debug, Clone, Default, PartialEq, TypedBuilder)]
#[builder(field_defaults(default, setter(strip_option(fallback_suffix = "_opt"))))]
pub struct PodSecurityContext {
    /// Refuses to start containers as UID 0.
    pub run_as_non_root: Option<bool>,
    /// The UID containers run as.
    pub run_as_user: Option<i64>,
    /// The GID containers run as.
    pub run_as_group: Option<i64>,
    /// The group that owns volumes and is added to every container's processes.
    pub fs_group: Option<i64>,
    /// When volume ownership is changed to `fs_group`.
    pub fs_group_change_policy: Option<FsGroupChangePolicy>,
    /// Further groups of every container's first process.
    #[builder(via_mutators, mutators(
        /// Adds a supplemental group.
        pub fn supplemental_group(&mut self, gid: i64) {
            self.supplemental_groups.push(gid);
        }
    ))]
    pub supplemental_groups: Vec<i64>,
    /// The seccomp profile of every container.
    pub seccomp_profile: Option<SeccompProfile>,
    /// The AppArmor profile of every container.
    pub app_armor_profile: Option<AppArmorProfile>,
    /// Windows settings of every container.
    pub windows: Option<WindowsOptions>,
    /// The SELinux context of every container.
    pub se_linux: Option<SeLinux>,
    /// Namespaced kernel parameters, `(name, value)`.
    #[builder(via_mutators, mutators(
        /// Sets a namespaced sysctl (`net.ipv4.ip_local_port_range`).
        pub fn sysctl(&mut self, name: impl Into<String>, value: impl Into<String>) {
            self.sysctls.push((name.into(), value.into()));
        }
    ))]
    pub sysctls: Vec<(String, String)>,
}

impl From<PodSecurityContext> for K8sPodSecurityContext {
    fn from(s: PodSecurityContext) -> K8sPodSecurityContext {
        K8sPodSecurityContext {
            run_as_non_root: s.run_as_non_root,
            run_as_user: s.run_as_user,
            run_as_group: s.run_as_group,
            fs_group: s.fs_group,
            fs_group_change_policy: s.fs_group_change_policy.map(|p| p.as_str().to_owned()),
            supplemental_groups: non_empty(s.supplemental_groups),
            seccomp_profile: s.seccomp_profile.map(Into::into),
            app_armor_profile: s.app_armor_profile.map(Into::into),
            windows_options: s.windows.map(Into::into),
            se_linux_options: s.se_linux.map(Into::into),
            sysctls: non_empty(
                s.sysctls
                    .into_iter()
                    .map(|(name, value)| Sysctl { name, value })
                    .collect(),
            ),
            ..Default::default()
        }
    }
}
