//! Volumes (`ValidateVolumes`, `validateVolumeSource`) and volume mounts (`ValidateVolumeMounts`).

use daemonset_rules::model::{ClosedSet, HostPathType, MountPropagation};
use daemonset_rules::unique::{Chosen, Distinct, Names, one_of};
use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{Container, KeyToPath, Volume};

use super::common::{self, Errors, q, s};
use super::{Path, Violation, volume_source};

/// The volumes that passed validation, by name (mounts may only refer to these).
pub(super) struct Volumes<'a> {
    valid: BTreeSet<&'a str>,
    /// The valid volumes a block device may come from (a claim or a generic ephemeral volume).
    claims: BTreeSet<&'a str>,
    /// Image volumes, which the server drops (with their mounts) while the ImageVolume feature is off (1.34).
    dropped: BTreeSet<&'a str>,
}

const FILE_MODE: &str = "must be a number between 0 and 0777 (octal), both inclusive";

/// `ValidateVolumes`.
pub(super) fn validate_volumes<'a>(
    volumes: &'a [Volume],
    path: &Path<'_>,
    errors: &mut Errors,
) -> Volumes<'a> {
    let mut valid = BTreeSet::new();
    let mut claims = BTreeSet::new();
    let mut dropped = BTreeSet::new();
    let mut names = Names::new();
    let mut index = 0;
    for volume in volumes {
        if volume.image.is_some() {
            dropped.insert(volume.name.as_str());
            continue;
        }
        let volume_path = path.index(index);
        index += 1;
        let mut own = Vec::new();
        volume_source(volume, &volume_path, &mut own);
        let name_path = volume_path.child("name");
        if volume.name.is_empty() {
            own.push(Violation::required(name_path.clone(), ""));
        } else {
            common::dns_label(&volume.name, &name_path, &mut own);
        }
        // The names taken are those of the valid volumes before this one (the server's `allNames`).
        if names.first(&volume.name).is_some() {
            common::distinct(Distinct::VolumeName, &volume.name, &volume_path, &mut own);
        }
        if own.is_empty() {
            names.repeats(volume.name.as_str());
            valid.insert(volume.name.as_str());
            if volume.persistent_volume_claim.is_some() || volume.ephemeral.is_some() {
                claims.insert(volume.name.as_str());
            }
        } else {
            errors.append(&mut own);
        }
    }
    Volumes {
        valid,
        claims,
        dropped,
    }
}

/// `validateVolumeSource`: exactly one source (none means `emptyDir`, the server's default), each checked.
fn volume_source(volume: &Volume, path: &Path<'_>, errors: &mut Errors) {
    // In the server's order, with the server's path names (including its `downwarAPI` typo).
    let sources: [(&str, bool); 29] = [
        ("emptyDir", volume.empty_dir.is_some()),
        ("hostPath", volume.host_path.is_some()),
        ("gitRepo", volume.git_repo.is_some()),
        ("gcePersistentDisk", volume.gce_persistent_disk.is_some()),
        (
            "awsElasticBlockStore",
            volume.aws_elastic_block_store.is_some(),
        ),
        ("secret", volume.secret.is_some()),
        ("nfs", volume.nfs.is_some()),
        ("iscsi", volume.iscsi.is_some()),
        ("glusterfs", volume.glusterfs.is_some()),
        ("flocker", volume.flocker.is_some()),
        (
            "persistentVolumeClaim",
            volume.persistent_volume_claim.is_some(),
        ),
        ("rbd", volume.rbd.is_some()),
        ("cinder", volume.cinder.is_some()),
        ("cephFS", volume.cephfs.is_some()),
        ("quobyte", volume.quobyte.is_some()),
        ("downwarAPI", volume.downward_api.is_some()),
        ("fc", volume.fc.is_some()),
        ("flexVolume", volume.flex_volume.is_some()),
        ("configMap", volume.config_map.is_some()),
        ("azureFile", volume.azure_file.is_some()),
        ("vsphereVolume", volume.vsphere_volume.is_some()),
        (
            "photonPersistentDisk",
            volume.photon_persistent_disk.is_some(),
        ),
        ("portworxVolume", volume.portworx_volume.is_some()),
        ("azureDisk", volume.azure_disk.is_some()),
        ("storageos", volume.storageos.is_some()),
        ("projected", volume.projected.is_some()),
        ("scaleIO", volume.scale_io.is_some()),
        ("csi", volume.csi.is_some()),
        ("ephemeral", volume.ephemeral.is_some()),
    ];
    let chosen = one_of(&sources);
    if let Chosen::Many(_, extra) = &chosen {
        for field in extra {
            errors.push(Violation::forbidden(
                path.child(field),
                "may not specify more than 1 volume type",
            ));
        }
    }
    match chosen.first() {
        Some("emptyDir") => {
            if let Some(limit) = volume
                .empty_dir
                .as_ref()
                .and_then(|e| e.size_limit.as_ref())
            {
                let empty_dir_path = path.child("emptyDir");
                let limit_path = empty_dir_path.child("sizeLimit");
                if let Some(parsed) = common::quantity(limit, &limit_path, errors)
                    && parsed.is_negative()
                {
                    errors.push(Violation::forbidden(
                        limit_path,
                        "SizeLimit field must be a valid resource quantity",
                    ));
                }
            }
        }
        Some("hostPath") => {
            if let Some(host_path) = &volume.host_path {
                let hp_path = path.child("hostPath");
                if host_path.path.is_empty() {
                    errors.push(Violation::required(hp_path.child("path"), ""));
                } else {
                    no_backsteps(&host_path.path, &hp_path.child("path"), errors);
                    let kind = s(&host_path.type_);
                    if !kind.is_empty() && HostPathType::parse(kind).is_err() {
                        errors.push(Violation::unsupported(
                            hp_path.child("type"),
                            kind,
                            HostPathType::SUPPORTED,
                        ));
                    }
                }
            }
        }
        Some("secret") => {
            if let Some(secret) = &volume.secret {
                let secret_path = path.child("secret");
                if s(&secret.secret_name).is_empty() {
                    errors.push(Violation::required(secret_path.child("secretName"), ""));
                }
                file_mode(
                    secret.default_mode,
                    &secret_path.child("defaultMode"),
                    errors,
                );
                key_to_paths(
                    secret.items.as_deref().unwrap_or_default(),
                    &secret_path.child("items"),
                    errors,
                );
            }
        }
        Some("configMap") => {
            if let Some(config_map) = &volume.config_map {
                let cm_path = path.child("configMap");
                if config_map.name.is_empty() {
                    errors.push(Violation::required(cm_path.child("name"), ""));
                }
                file_mode(
                    config_map.default_mode,
                    &cm_path.child("defaultMode"),
                    errors,
                );
                key_to_paths(
                    config_map.items.as_deref().unwrap_or_default(),
                    &cm_path.child("items"),
                    errors,
                );
            }
        }
        Some("persistentVolumeClaim") => {
            if let Some(claim) = &volume.persistent_volume_claim
                && claim.claim_name.is_empty()
            {
                errors.push(Violation::required(
                    path.child("persistentVolumeClaim").child("claimName"),
                    "",
                ));
            }
        }
        Some(other) => volume_source::validate(other, volume, path, errors),
        None => {}
    }
}

pub(super) fn file_mode(mode: Option<i32>, path: &Path<'_>, errors: &mut Errors) {
    if let Some(mode) = mode
        && !(0..=0o777).contains(&mode)
    {
        errors.push(Violation::invalid(
            path.clone(),
            mode.to_string(),
            FILE_MODE,
        ));
    }
}

/// `validateKeyToPath`.
pub(super) fn key_to_paths(items: &[KeyToPath], path: &Path<'_>, errors: &mut Errors) {
    for (i, item) in items.iter().enumerate() {
        let item_path = path.index(i);
        if item.key.is_empty() {
            errors.push(Violation::required(item_path.child("key"), ""));
        }
        if item.path.is_empty() {
            errors.push(Violation::required(item_path.child("path"), ""));
        }
        local_non_reserved_path(&item.path, &item_path.child("path"), errors);
        file_mode(item.mode, &item_path.child("mode"), errors);
    }
}

/// `validatePathNoBacksteps`: no `..` element.
fn no_backsteps(target: &str, path: &Path<'_>, errors: &mut Errors) {
    if target.contains('.') && target.split('/').any(|part| part == "..") {
        errors.push(Violation::invalid(
            path.clone(),
            q(target),
            "must not contain '..'",
        ));
    }
}

/// `validateLocalDescendingPath`: relative, no `..` element.
pub(super) fn local_descending_path(target: &str, path: &Path<'_>, errors: &mut Errors) {
    if target.starts_with('/') {
        errors.push(Violation::invalid(
            path.clone(),
            q(target),
            "must be a relative path",
        ));
    }
    no_backsteps(target, path, errors);
}

/// `ValidateLocalNonReservedPath`: also must not start with `..`.
pub(super) fn local_non_reserved_path(target: &str, path: &Path<'_>, errors: &mut Errors) {
    local_descending_path(target, path, errors);
    if target.starts_with("..") && !target.starts_with("../") {
        errors.push(Violation::invalid(
            path.clone(),
            q(target),
            "must not start with '..'",
        ));
    }
}

/// `ValidateVolumeMounts` for one container.
pub(super) fn volume_mounts(
    ctr: &Container,
    volumes: &Volumes<'_>,
    path: &Path<'_>,
    errors: &mut Errors,
) {
    let mut mount_points = Names::new();
    let devices: BTreeMap<&str, &str> = ctr
        .volume_devices
        .iter()
        .flatten()
        .map(|d| (d.name.as_str(), d.device_path.as_str()))
        .collect();
    let privileged = ctr.security_context.as_ref().and_then(|sc| sc.privileged) == Some(true);
    let mounts = ctr
        .volume_mounts
        .iter()
        .flatten()
        .filter(|m| !volumes.dropped.contains(m.name.as_str()));
    for (i, mount) in mounts.enumerate() {
        let mount_path = path.index(i);
        if mount.name.is_empty() {
            errors.push(Violation::required(mount_path.child("name"), ""));
        }
        if !volumes.valid.contains(mount.name.as_str()) {
            errors.push(Violation::not_found(
                mount_path.child("name"),
                q(&mount.name),
            ));
        }
        if mount.mount_path.is_empty() {
            errors.push(Violation::required(mount_path.child("mountPath"), ""));
        }
        if mount_points.repeats(mount.mount_path.as_str()).is_some() {
            common::distinct(Distinct::MountPath, &mount.mount_path, &mount_path, errors);
        }
        if devices.contains_key(mount.name.as_str()) {
            errors.push(Violation::invalid(
                mount_path.child("name"),
                q(&mount.name),
                "must not already exist in volumeDevices",
            ));
        }
        if devices.values().any(|p| *p == mount.mount_path) {
            errors.push(Violation::invalid(
                mount_path.child("mountPath"),
                q(&mount.mount_path),
                "must not already exist as a path in volumeDevices",
            ));
        }
        let sub_path = s(&mount.sub_path);
        if !sub_path.is_empty() {
            // The server names the list, not the item, here.
            local_descending_path(sub_path, &path.child("subPath"), errors);
        }
        let sub_path_expr = s(&mount.sub_path_expr);
        if !sub_path_expr.is_empty() {
            if !sub_path.is_empty() {
                errors.push(Violation::invalid(
                    mount_path.child("subPathExpr"),
                    q(sub_path_expr),
                    "subPathExpr and subPath are mutually exclusive",
                ));
            }
            local_descending_path(sub_path_expr, &path.child("subPathExpr"), errors);
        }
        let propagation = mount.mount_propagation.as_deref();
        if let Some(mode) = propagation {
            let propagation_path = path.child("mountPropagation");
            if MountPropagation::parse(mode).is_err() {
                errors.push(Violation::unsupported(
                    propagation_path.clone(),
                    mode,
                    MountPropagation::SUPPORTED,
                ));
            }
            if mode == "Bidirectional" && !privileged {
                errors.push(Violation::forbidden(
                    propagation_path,
                    "Bidirectional mount propagation is available only to privileged containers",
                ));
            }
        }
        if let Some(rro) = mount.recursive_read_only.as_deref() {
            let rro_path = path.child("recursiveReadOnly");
            match rro {
                "Disabled" => {}
                "Enabled" | "IfPossible" => {
                    if mount.read_only != Some(true) {
                        errors.push(Violation::forbidden(
                            rro_path.clone(),
                            "may only be specified when readOnly is true",
                        ));
                    }
                    if propagation.is_some_and(|p| p != "None") {
                        errors.push(Violation::forbidden(
                            rro_path,
                            "may only be specified when mountPropagation is None or not specified",
                        ));
                    }
                }
                other => {
                    errors.push(Violation::unsupported(
                        rro_path,
                        other,
                        &["Disabled", "Enabled", "IfPossible"],
                    ));
                }
            }
        }
    }
}

/// `ValidateVolumeDevices` for one container.
pub(super) fn volume_devices(
    ctr: &Container,
    volumes: &Volumes<'_>,
    path: &Path<'_>,
    errors: &mut Errors,
) {
    if ctr.volume_devices.as_ref().is_none_or(Vec::is_empty) {
        return;
    }
    let mounts: BTreeMap<&str, &str> = ctr
        .volume_mounts
        .iter()
        .flatten()
        .map(|m| (m.name.as_str(), m.mount_path.as_str()))
        .collect();
    let mut device_paths = BTreeSet::new();
    let mut device_names = BTreeSet::new();
    for (i, device) in ctr.volume_devices.iter().flatten().enumerate() {
        let p = path.index(i);
        let name = device.name.as_str();
        let device_path = device.device_path.as_str();
        if name.is_empty() {
            errors.push(Violation::required(p.child("name"), ""));
        }
        if device_names.contains(name) {
            errors.push(Violation::invalid(
                p.child("name"),
                q(name),
                "must be unique",
            ));
        }
        let matched = volumes.valid.contains(name);
        if matched && !volumes.claims.contains(name) {
            errors.push(Violation::invalid(
                p.child("name"),
                q(name),
                "can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode",
            ));
        }
        if !matched {
            errors.push(Violation::not_found(p.child("name"), q(name)));
        }
        if device_path.is_empty() {
            errors.push(Violation::required(p.child("devicePath"), ""));
        }
        if device_paths.contains(device_path) {
            errors.push(Violation::invalid(
                p.child("devicePath"),
                q(device_path),
                "must be unique",
            ));
        }
        if !device_path.is_empty() && device_path.split('/').any(|part| part == "..") {
            errors.push(Violation::invalid(
                p.child("devicePath"),
                q(device_path),
                "can not contain backsteps ('..')",
            ));
        } else {
            device_paths.insert(device_path);
        }
        if mounts.contains_key(name) {
            errors.push(Violation::invalid(
                p.child("name"),
                q(name),
                "must not already exist in volumeMounts",
            ));
        }
        if mounts.values().any(|m| *m == device_path) {
            errors.push(Violation::invalid(
                p.child("devicePath"),
                q(device_path),
                "must not already exist as a path in volumeMounts",
            ));
        }
        if !name.is_empty() {
            device_names.insert(name);
        }
    }
}
