//! Security rules of a pod template: the pod security context (`validatePodSpecSecurityContext`: sysctls,
//! fsGroupChangePolicy, supplementalGroupsPolicy, seccomp, AppArmor, Windows options), the seccomp and AppArmor
//! annotations and their agreement with the fields, the OS-specific rules (`validateOS`, `validateLinux`,
//! `validateWindows`, `validateWindowsHostProcessPod`), `validateHostUsers` and `ValidateHostAliases`.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{
    AppArmorProfile, Container, HostAlias, PodSpec, SeccompProfile, SecurityContext,
    WindowsSecurityContextOptions,
};

use super::common::{self, Errors, q};
use super::volume::local_descending_path;
use super::{FieldPath, Path, Violation};

const SECCOMP_POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";
const SECCOMP_CONTAINER_PREFIX: &str = "container.seccomp.security.alpha.kubernetes.io/";
const APPARMOR_CONTAINER_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";

/// Every container of the spec with its path (`VisitContainersWithPath`: init containers first, then containers);
/// the path is built only when asked for (validation runs on every object, errors are rare).
fn containers_with_path<'a>(
    spec: &'a PodSpec,
    spec_path: &'a Path<'a>,
) -> impl Iterator<Item = (&'a Container, ContainerPath<'a>)> {
    let init = spec
        .init_containers
        .iter()
        .flatten()
        .enumerate()
        .map(move |(i, c)| (c, ContainerPath(spec_path, "initContainers", i)));
    let regular = spec
        .containers
        .iter()
        .enumerate()
        .map(move |(i, c)| (c, ContainerPath(spec_path, "containers", i)));
    init.chain(regular)
}

/// The path of one container, made on demand.
#[derive(Clone, Copy)]
struct ContainerPath<'a>(&'a Path<'a>, &'static str, usize);

impl ContainerPath<'_> {
    fn child(&self, name: &str) -> FieldPath {
        FieldPath::from(self.0.child(self.1).index(self.2).child(name))
    }
}

/// The rules of `validatePodSpecSecurityContext` beyond the ID ranges (checked in `pod.rs`).
pub(super) fn pod_security_context(spec: &PodSpec, path: &Path<'_>, errors: &mut Errors) {
    let Some(sc) = &spec.security_context else {
        return;
    };
    let sc_path = path.child("securityContext");
    let sysctls = sc.sysctls.as_deref().unwrap_or_default();
    let mut names = BTreeSet::new();
    let sysctls_path = sc_path.child("sysctls");
    for (i, sysctl) in sysctls.iter().enumerate() {
        let sysctl_path = sysctls_path.index(i);
        let name_path = sysctl_path.child("name");
        if sysctl.name.is_empty() {
            errors.push(Violation::required(name_path.clone(), ""));
        } else if !valid_sysctl_name(&sysctl.name) {
            errors.push(Violation::invalid(
                name_path.clone(),
                q(&sysctl.name),
                "must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$",
            ));
        } else if names.contains(sysctl.name.as_str()) {
            errors.push(Violation::duplicate(name_path.clone(), q(&sysctl.name)));
        }
        match sysctl_namespace(&sysctl.name) {
            Some("Net") if spec.host_network == Some(true) => errors.push(Violation::invalid(
                name_path,
                q(&sysctl.name),
                "may not be specified when 'hostNetwork' is true",
            )),
            Some("IPC") if spec.host_ipc == Some(true) => errors.push(Violation::invalid(
                name_path,
                q(&sysctl.name),
                "may not be specified when 'hostIPC' is true",
            )),
            _ => {}
        }
        names.insert(sysctl.name.as_str());
    }
    if let Some(policy) = &sc.fs_group_change_policy
        && !["Always", "OnRootMismatch"].contains(&policy.as_str())
    {
        errors.push(Violation::unsupported(
            sc_path.child("fsGroupChangePolicy"),
            policy,
            &["Always", "OnRootMismatch"],
        ));
    }
    seccomp_profile(
        sc.seccomp_profile.as_ref(),
        &sc_path.child("seccompProfile"),
        errors,
    );
    windows_options(
        sc.windows_options.as_ref(),
        &sc_path.child("windowsOptions"),
        errors,
    );
    app_armor_profile(
        sc.app_armor_profile.as_ref(),
        &sc_path.child("appArmorProfile"),
        errors,
    );
    if let Some(policy) = &sc.supplemental_groups_policy
        && !["Merge", "Strict"].contains(&policy.as_str())
    {
        errors.push(Violation::unsupported(
            sc_path.child("supplementalGroupsPolicy"),
            policy,
            &["Merge", "Strict"],
        ));
    }
    // Only `Recursive` while the SELinuxMount feature is off (the 1.34 default).
    if let Some(policy) = &sc.se_linux_change_policy
        && policy != "Recursive"
    {
        errors.push(Violation::unsupported(
            sc_path.child("seLinuxChangePolicy"),
            policy,
            &["Recursive"],
        ));
    }
}

/// The container security context rules of `ValidateSecurityContext` on the profiles and Windows options.
pub(super) fn container_profiles(sc: &SecurityContext, path: &Path<'_>, errors: &mut Errors) {
    seccomp_profile(
        sc.seccomp_profile.as_ref(),
        &path.child("seccompProfile"),
        errors,
    );
    windows_options(
        sc.windows_options.as_ref(),
        &path.child("windowsOptions"),
        errors,
    );
    app_armor_profile(
        sc.app_armor_profile.as_ref(),
        &path.child("appArmorProfile"),
        errors,
    );
}

/// `IsValidSysctlName`.
fn valid_sysctl_name(name: &str) -> bool {
    if name.len() > 253 {
        return false;
    }
    let segment_ok = |seg: &str| {
        let b = seg.as_bytes();
        let alnum = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
        b.first().is_some_and(alnum)
            && b.last().is_some_and(alnum)
            && b.iter().all(|c| alnum(c) || *c == b'-' || *c == b'_')
    };
    name.split(['.', '/']).all(segment_ok)
}

/// `sysctl.GetNamespace`: `Net`, `IPC` or none.
fn sysctl_namespace(name: &str) -> Option<&'static str> {
    let normalized: String = match name.find(['.', '/']) {
        Some(i) if name.as_bytes()[i] == b'/' => name
            .chars()
            .map(|c| match c {
                '.' => '/',
                '/' => '.',
                c => c,
            })
            .collect(),
        _ => name.to_owned(),
    };
    let value = normalized.split('*').next().unwrap_or_default();
    const IPC_NAMES: &[&str] = &[
        "kernel.sem",
        "kernel.shmall",
        "kernel.shmmax",
        "kernel.shmmni",
        "kernel.shm_rmid_forced",
        "kernel.shm",
        "kernel.msgmax",
        "kernel.msgmnb",
        "kernel.msgmni",
        "kernel.msg",
    ];
    if IPC_NAMES.contains(&value) {
        Some("IPC")
    } else if value.starts_with("net.") {
        Some("Net")
    } else if value.starts_with("fs.mqueue.") {
        Some("IPC")
    } else {
        None
    }
}

/// `validateSeccompProfileField`.
pub(crate) fn seccomp_profile(
    profile: Option<&SeccompProfile>,
    path: &Path<'_>,
    errors: &mut Errors,
) {
    let Some(profile) = profile else { return };
    let kind = profile.type_.as_str();
    match kind {
        "Localhost" | "RuntimeDefault" | "Unconfined" => {}
        "" => errors.push(Violation::required(
            path.child("type"),
            "type is required when seccompProfile is set",
        )),
        other => errors.push(Violation::unsupported(
            path.child("type"),
            other,
            &["Localhost", "RuntimeDefault", "Unconfined"],
        )),
    }
    if kind == "Localhost" {
        match &profile.localhost_profile {
            None => errors.push(Violation::required(
                path.child("localhostProfile"),
                "must be set when seccomp type is Localhost",
            )),
            Some(local) => local_descending_path(local, &path.child("localhostProfile"), errors),
        }
    } else if profile.localhost_profile.is_some() {
        errors.push(Violation::invalid(
            path.child("localhostProfile"),
            serde_json::to_string(profile).unwrap_or_default(),
            "can only be set when seccomp type is Localhost",
        ));
    }
}

/// `ValidateAppArmorProfileField`.
pub(crate) fn app_armor_profile(
    profile: Option<&AppArmorProfile>,
    path: &Path<'_>,
    errors: &mut Errors,
) {
    let Some(profile) = profile else { return };
    match profile.type_.as_str() {
        "Localhost" => match &profile.localhost_profile {
            None => errors.push(Violation::required(
                path.child("localhostProfile"),
                "must be set when AppArmor type is Localhost",
            )),
            Some(local) => {
                let trimmed = local.trim();
                if trimmed != local {
                    errors.push(Violation::invalid(
                        path.child("localhostProfile"),
                        q(local),
                        "must not be padded with whitespace",
                    ));
                } else if trimmed.is_empty() {
                    errors.push(Violation::required(
                        path.child("localhostProfile"),
                        "must be set when AppArmor type is Localhost",
                    ));
                }
                if local.len() > 4095 {
                    errors.push(Violation::too_long(path.child("localhostProfile"), 4095));
                }
            }
        },
        "RuntimeDefault" | "Unconfined" => {
            if let Some(local) = &profile.localhost_profile {
                errors.push(Violation::invalid(
                    path.child("localhostProfile"),
                    q(local),
                    "can only be set when AppArmor type is Localhost",
                ));
            }
        }
        "" => errors.push(Violation::required(
            path.child("type"),
            "type is required when appArmorProfile is set",
        )),
        other => errors.push(Violation::unsupported(
            path.child("type"),
            other,
            &["Localhost", "RuntimeDefault", "Unconfined"],
        )),
    }
}

/// `validateWindowsSecurityContextOptions`.
fn windows_options(
    options: Option<&WindowsSecurityContextOptions>,
    path: &Path<'_>,
    errors: &mut Errors,
) {
    let Some(options) = options else { return };
    if let Some(name) = &options.gmsa_credential_spec_name {
        common::dns_subdomain(name, &path.child("gmsaCredentialSpecName"), errors);
    }
    if let Some(spec) = &options.gmsa_credential_spec {
        if spec.is_empty() {
            errors.push(Violation::invalid(
                path.child("gmsaCredentialSpec"),
                q(spec),
                "gmsaCredentialSpec cannot be an empty string",
            ));
        } else if spec.len() > 64 * 1024 {
            errors.push(Violation::invalid(
                path.child("gmsaCredentialSpec"),
                q(spec),
                "gmsaCredentialSpec size must be under 64 KiB",
            ));
        }
    }
    let Some(user_name) = &options.run_as_user_name else {
        return;
    };
    let p = path.child("runAsUserName");
    let mut invalid =
        |message: &str| errors.push(Violation::invalid(p.clone(), q(user_name), message));
    if user_name.is_empty() {
        invalid("runAsUserName cannot be an empty string");
        return;
    }
    if user_name.chars().any(|c| c.is_ascii_control()) {
        invalid("runAsUserName cannot contain control characters");
        return;
    }
    let parts: Vec<&str> = user_name.split('\\').collect();
    if parts.len() > 2 {
        invalid("runAsUserName cannot contain more than one backslash");
        return;
    }
    let (domain, user) = if parts.len() == 1 {
        (None, parts[0])
    } else {
        (Some(parts[0]), parts[1])
    };
    let domain_text = domain.unwrap_or("");
    if domain_text.len() >= 256 {
        invalid("runAsUserName's Domain length must be under 256 characters");
    }
    if let Some(domain) = domain
        && !(netbios_domain(domain) || dns_domain(domain))
    {
        invalid("runAsUserName's Domain doesn't match the NetBios nor the DNS format");
    }
    if user.is_empty() {
        invalid("runAsUserName's User cannot be empty");
    } else if user.len() > 104 {
        invalid("runAsUserName's User length must not be longer than 104 characters");
    }
    if !user.is_empty() && user.chars().all(|c| c == '.' || c == ' ') {
        invalid("runAsUserName's User cannot contain only periods or spaces");
    }
    if user.chars().any(|c| "\"/\\:;|=,+*?<>@[]".contains(c)) {
        invalid("runAsUserName's User cannot contain the following characters: \"/\\:;|=,+*?<>@[]");
    }
}

/// `^[^\\/:\*\?"<>|\.][^\\/:\*\?"<>|]{0,14}$`.
fn netbios_domain(domain: &str) -> bool {
    let bad = |c: char| "\\/:*?\"<>|".contains(c);
    let mut chars = domain.chars();
    match chars.next() {
        Some(first) if !bad(first) && first != '.' => {
            let rest: Vec<char> = chars.collect();
            rest.len() <= 14 && !rest.iter().any(|c| bad(*c))
        }
        _ => false,
    }
}

/// `^label(\.label)*$` with `[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?` labels.
fn dns_domain(domain: &str) -> bool {
    domain.split('.').all(|label| {
        let b = label.as_bytes();
        !b.is_empty()
            && b.len() <= 63
            && b[0].is_ascii_alphanumeric()
            && b[b.len() - 1].is_ascii_alphanumeric()
            && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
    })
}

/// `ValidateSeccompPodAnnotations` and `ValidateAppArmorPodAnnotations`; `path` is the annotations' path.
pub(super) fn annotations(
    annotations: &BTreeMap<String, String>,
    spec: &PodSpec,
    path: &Path<'_>,
    errors: &mut Errors,
) {
    if let Some(profile) = annotations.get(SECCOMP_POD_ANNOTATION) {
        seccomp_annotation(profile, &path.child(SECCOMP_POD_ANNOTATION), errors);
    }
    for (key, profile) in annotations {
        if key.starts_with(SECCOMP_CONTAINER_PREFIX) {
            seccomp_annotation(profile, &path.child(key), errors);
        }
    }
    for (key, profile) in annotations {
        let Some(container) = key.strip_prefix(APPARMOR_CONTAINER_PREFIX) else {
            continue;
        };
        let has_container = spec
            .init_containers
            .iter()
            .flatten()
            .chain(spec.containers.iter())
            .any(|c| c.name == container);
        if !has_container {
            errors.push(Violation::invalid(
                path.key(key),
                q(container),
                "container not found",
            ));
        }
        if !(profile.is_empty()
            || profile == "runtime/default"
            || profile == "unconfined"
            || profile.starts_with("localhost/"))
        {
            errors.push(Violation::invalid(
                path.key(key),
                q(profile),
                format!("invalid AppArmor profile name: {}", q(profile)),
            ));
        }
    }
}

/// `ValidateSeccompProfile` (annotation form).
fn seccomp_annotation(profile: &str, path: &Path<'_>, errors: &mut Errors) {
    if ["runtime/default", "docker/default", "unconfined"].contains(&profile) {
        return;
    }
    if let Some(local) = profile.strip_prefix("localhost/") {
        local_descending_path(local, path, errors);
        return;
    }
    errors.push(Violation::invalid(
        path.clone(),
        q(profile),
        "must be a valid seccomp profile",
    ));
}

/// `validateSeccompAnnotationsAndFields` and `validateAppArmorAnnotationsAndFieldsMatchOnCreate`; `spec_path` is
/// the template's `spec`.
pub(super) fn annotations_match_fields(
    annotations: &BTreeMap<String, String>,
    spec: &PodSpec,
    spec_path: &Path<'_>,
    errors: &mut Errors,
) {
    let pod_sc = spec.security_context.as_ref();
    if let Some(field) = pod_sc.and_then(|sc| sc.seccomp_profile.as_ref())
        && let Some(annotation) = annotations.get(SECCOMP_POD_ANNOTATION)
    {
        seccomp_match(
            annotation,
            field,
            &spec_path.child("securityContext").child("seccompProfile"),
            errors,
        );
    }
    for (c, c_path) in containers_with_path(spec, spec_path) {
        let Some(field) = c
            .security_context
            .as_ref()
            .and_then(|sc| sc.seccomp_profile.as_ref())
        else {
            continue;
        };
        if let Some(annotation) = annotations.get(&format!("{SECCOMP_CONTAINER_PREFIX}{}", c.name))
        {
            seccomp_match(
                annotation,
                field,
                &Path::from(&c_path.child("securityContext").child("seccompProfile")),
                errors,
            );
        }
    }
    if spec.os.as_ref().is_some_and(|os| os.name == "windows") {
        return;
    }
    let pod_profile = pod_sc.and_then(|sc| sc.app_armor_profile.as_ref());
    for (c, c_path) in containers_with_path(spec, spec_path) {
        let profile = c
            .security_context
            .as_ref()
            .and_then(|sc| sc.app_armor_profile.as_ref())
            .or(pod_profile);
        let Some(profile) = profile else { continue };
        let Some(annotation) = annotations.get(&format!("{APPARMOR_CONTAINER_PREFIX}{}", c.name))
        else {
            continue;
        };
        let p = c_path.child("securityContext").child("appArmorProfile");
        let type_mismatch = || {
            Violation::forbidden(
                p.child("type"),
                "apparmor type in annotation and field must match",
            )
        };
        match profile.type_.as_str() {
            "Unconfined" if annotation != "unconfined" => errors.push(type_mismatch()),
            "RuntimeDefault" if annotation != "runtime/default" => errors.push(type_mismatch()),
            "Localhost" => match annotation.strip_prefix("localhost/") {
                None => errors.push(type_mismatch()),
                Some(local) if profile.localhost_profile.as_deref() != Some(local) => {
                    errors.push(Violation::forbidden(
                        p.child("localhostProfile"),
                        "apparmor profile in annotation and field must match",
                    ))
                }
                Some(_) => {}
            },
            _ => {}
        }
    }
}

/// `validateSeccompAnnotationsAndFieldsMatch`.
fn seccomp_match(annotation: &str, field: &SeccompProfile, path: &Path<'_>, errors: &mut Errors) {
    let type_mismatch = || {
        Violation::forbidden(
            path.child("type"),
            "seccomp type in annotation and field must match",
        )
    };
    match field.type_.as_str() {
        "Unconfined" if annotation != "unconfined" => errors.push(type_mismatch()),
        "RuntimeDefault" if annotation != "runtime/default" && annotation != "docker/default" => {
            errors.push(type_mismatch())
        }
        "Localhost" => match annotation.strip_prefix("localhost/") {
            None => errors.push(type_mismatch()),
            Some(local) if field.localhost_profile.as_deref() != Some(local) => {
                errors.push(Violation::forbidden(
                    path.child("localhostProfile"),
                    "seccomp profile in annotation and field must match",
                ))
            }
            Some(_) => {}
        },
        _ => {}
    }
}

/// `validateWindowsHostProcessPod`.
pub(super) fn windows_host_process(spec: &PodSpec, path: &Path<'_>, errors: &mut Errors) {
    let pod_host_process = spec
        .security_context
        .as_ref()
        .and_then(|sc| sc.windows_options.as_ref())
        .and_then(|w| w.host_process);
    let mut count = 0;
    let mut host_process_count = 0;
    for (c, c_path) in containers_with_path(spec, path) {
        count += 1;
        let container_host_process = c
            .security_context
            .as_ref()
            .and_then(|sc| sc.windows_options.as_ref())
            .and_then(|w| w.host_process);
        if let (Some(pod), Some(ctr)) = (pod_host_process, container_host_process)
            && pod != ctr
        {
            errors.push(Violation::invalid(
                c_path
                    .child("securityContext")
                    .child("windowsOptions")
                    .child("hostProcess"),
                ctr.to_string(),
                format!("pod hostProcess value must be identical if both are specified, was {pod}"),
            ));
        }
        if container_host_process == Some(true)
            || (container_host_process.is_none() && pod_host_process == Some(true))
        {
            host_process_count += 1;
        }
    }
    if host_process_count > 0 {
        if host_process_count != count {
            errors.push(Violation::invalid(
                path.clone(),
                q(""),
                "If pod contains any hostProcess containers then all containers must be HostProcess containers",
            ));
        }
        if spec.host_network != Some(true) {
            errors.push(Violation::invalid(
                path.child("hostNetwork"),
                "false",
                "hostNetwork must be true if pod contains any hostProcess containers",
            ));
        }
    }
}

/// `validateHostUsers`.
pub(super) fn host_users(spec: &PodSpec, path: &Path<'_>, errors: &mut Errors) {
    if spec.host_users != Some(false) {
        return;
    }
    let forbidden =
        |field: &str| Violation::forbidden(path.child(field), "when `hostUsers` is false");
    if spec.host_network == Some(true) {
        errors.push(forbidden("hostNetwork"));
    }
    if spec.host_pid == Some(true) {
        errors.push(forbidden("HostPID"));
    }
    if spec.host_ipc == Some(true) {
        errors.push(forbidden("HostIPC"));
    }
    for (c, c_path) in containers_with_path(spec, path) {
        if c.volume_devices.as_ref().is_some_and(|d| !d.is_empty()) {
            errors.push(Violation::forbidden(
                c_path.child("volumeDevices"),
                "when `hostUsers` is false",
            ));
        }
    }
    for (i, c) in spec.ephemeral_containers.iter().flatten().enumerate() {
        if c.volume_devices.as_ref().is_some_and(|d| !d.is_empty()) {
            errors.push(Violation::forbidden(
                path.child("ephemeralContainers")
                    .index(i)
                    .child("volumeDevices"),
                "when `hostUsers` is false",
            ));
        }
    }
}

/// `validateOS` followed by `validateLinux` or `validateWindows`.
pub(super) fn os(spec: &PodSpec, path: &Path<'_>, errors: &mut Errors) {
    let Some(os) = &spec.os else { return };
    let os_path = path.child("os");
    if os.name.is_empty() {
        errors.push(Violation::required(os_path.child("name"), ""));
        return;
    }
    match os.name.as_str() {
        "linux" => linux(spec, path, errors),
        "windows" => windows(spec, path, errors),
        other => errors.push(Violation::unsupported(
            os_path,
            other,
            &["linux", "windows"],
        )),
    }
}

fn linux(spec: &PodSpec, path: &Path<'_>, errors: &mut Errors) {
    const MESSAGE: &str = "windows options cannot be set for a linux pod";
    if spec
        .security_context
        .as_ref()
        .is_some_and(|sc| sc.windows_options.is_some())
    {
        errors.push(Violation::forbidden(
            path.child("securityContext").child("windowsOptions"),
            MESSAGE,
        ));
    }
    for (c, c_path) in containers_with_path(spec, path) {
        if c.security_context
            .as_ref()
            .is_some_and(|sc| sc.windows_options.is_some())
        {
            errors.push(Violation::forbidden(
                c_path.child("securityContext").child("windowsOptions"),
                MESSAGE,
            ));
        }
    }
}

fn windows(spec: &PodSpec, path: &Path<'_>, errors: &mut Errors) {
    const MESSAGE: &str = "cannot be set for a windows pod";
    let sc_path = path.child("securityContext");
    let mut forbid = |p: FieldPath| errors.push(Violation::forbidden(p, MESSAGE));
    if let Some(sc) = &spec.security_context {
        if sc.app_armor_profile.is_some() {
            forbid(sc_path.child("appArmorProfile").into());
        }
        if sc.se_linux_options.is_some() {
            forbid(sc_path.child("seLinuxOptions").into());
        }
    }
    if spec.host_users.is_some() {
        forbid(path.child("hostUsers").into());
    }
    if spec.host_pid == Some(true) {
        forbid(path.child("hostPID").into());
    }
    if spec.host_ipc == Some(true) {
        forbid(path.child("hostIPC").into());
    }
    if let Some(sc) = &spec.security_context {
        if sc.seccomp_profile.is_some() {
            forbid(sc_path.child("seccompProfile").into());
        }
        if sc.fs_group.is_some() {
            forbid(sc_path.child("fsGroup").into());
        }
        if sc.fs_group_change_policy.is_some() {
            forbid(sc_path.child("fsGroupChangePolicy").into());
        }
        if sc.sysctls.as_ref().is_some_and(|s| !s.is_empty()) {
            forbid(sc_path.child("sysctls").into());
        }
    }
    if spec.share_process_namespace.is_some() {
        forbid(path.child("shareProcessNamespace").into());
    }
    if let Some(sc) = &spec.security_context {
        if sc.run_as_user.is_some() {
            forbid(sc_path.child("runAsUser").into());
        }
        if sc.run_as_group.is_some() {
            forbid(sc_path.child("runAsGroup").into());
        }
        if sc.supplemental_groups.is_some() {
            forbid(sc_path.child("supplementalGroups").into());
        }
        if sc.supplemental_groups_policy.is_some() {
            forbid(sc_path.child("supplementalGroupsPolicy").into());
        }
        if sc.se_linux_change_policy.is_some() {
            forbid(sc_path.child("seLinuxChangePolicy").into());
        }
    }
    for (c, c_path) in containers_with_path(spec, path) {
        let Some(sc) = &c.security_context else {
            continue;
        };
        let p = c_path.child("securityContext");
        for (field, set) in [
            ("appArmorProfile", sc.app_armor_profile.is_some()),
            ("seLinuxOptions", sc.se_linux_options.is_some()),
            ("seccompProfile", sc.seccomp_profile.is_some()),
            ("capabilities", sc.capabilities.is_some()),
            (
                "readOnlyRootFilesystem",
                sc.read_only_root_filesystem.is_some(),
            ),
            ("privileged", sc.privileged.is_some()),
            (
                "allowPrivilegeEscalation",
                sc.allow_privilege_escalation.is_some(),
            ),
            ("procMount", sc.proc_mount.is_some()),
            ("runAsUser", sc.run_as_user.is_some()),
            ("runAsGroup", sc.run_as_group.is_some()),
        ] {
            if set {
                forbid(p.child(field));
            }
        }
    }
}

/// `ValidateHostAliases`: IPs parsed as the server parses legacy fields, hostnames DNS subdomains.
pub(super) fn host_aliases(aliases: &[HostAlias], path: &Path<'_>, errors: &mut Errors) {
    for (i, alias) in aliases.iter().enumerate() {
        let p = path.index(i);
        let ip = alias.ip.as_str();
        if !is_legacy_ip(ip) {
            errors.push(Violation::invalid(
                p.child("ip"),
                q(ip),
                "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
            ));
        }
        for (j, hostname) in alias.hostnames.iter().flatten().enumerate() {
            common::dns_subdomain(hostname, &p.child("hostnames").index(j), errors);
        }
    }
}

/// `netutils.ParseIPSloppy` succeeding: an IPv6 address, or an IPv4 address whose parts may have leading zeros.
pub(super) fn is_legacy_ip(ip: &str) -> bool {
    if ip.contains(':') {
        return ip.parse::<std::net::Ipv6Addr>().is_ok();
    }
    let parts: Vec<&str> = ip.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 3
                && p.bytes().all(|b| b.is_ascii_digit())
                && p.parse::<u16>().is_ok_and(|n| n <= 255)
        })
}

/// `ValidateSecurityContext`: `procMount: Unmasked` needs `hostUsers: false`.
pub(super) fn unmasked_proc_mount(spec: &PodSpec, path: &Path<'_>, errors: &mut Errors) {
    if spec.host_users == Some(false) {
        return;
    }
    for (c, c_path) in containers_with_path(spec, path) {
        if let Some(sc) = &c.security_context
            && sc.proc_mount.as_deref() == Some("Unmasked")
        {
            errors.push(Violation::invalid(
                c_path.child("securityContext").child("procMount"),
                q("Unmasked"),
                "`hostUsers` must be false to use `Unmasked`",
            ));
        }
    }
}
