//! The checks of each volume source (`validateGitRepoVolumeSource`, `validateNFSVolumeSource`, ... and the downward
//! API and projected sources), after the server's defaulting.

use daemonset_rules::unique::{Chosen, one_of};
use std::collections::BTreeSet;

use daemonset_rules::field_ref;
use daemonset_rules::name;
use k8s_openapi::api::core::v1::{DownwardAPIVolumeFile, KeyToPath, Volume, VolumeProjection};

use super::common::{self, Errors, q, s};
use super::volume::{file_mode, key_to_paths, local_descending_path, local_non_reserved_path};
use super::{Path, Violation, env};

/// A disk partition (GCE PD, AWS EBS): 0 (the whole disk) to 255; the server's message is its
/// `pdPartitionErrorMsg`, `InclusiveRangeError(1, 255)`.
fn partition_in_range(partition: Option<i32>, source: &Path<'_>, errors: &mut Errors) {
    let partition = partition.unwrap_or(0);
    if !(0..=255).contains(&partition) {
        errors.push(Violation::invalid(
            source.child("partition"),
            partition.to_string(),
            name::inclusive_range_error(1, 255),
        ));
    }
}

/// Checks the one source `field` (the server's field name) of `volume`; `path` is the volume's path.
pub(super) fn validate(field: &str, volume: &Volume, path: &Path<'_>, errors: &mut Errors) {
    let p = path.child(field);
    match field {
        "gitRepo" => {
            if let Some(git) = &volume.git_repo {
                if git.repository.is_empty() {
                    errors.push(Violation::required(p.child("repository"), ""));
                }
                local_descending_path(s(&git.directory), &p.child("directory"), errors);
            }
        }
        "gcePersistentDisk" => {
            if let Some(pd) = &volume.gce_persistent_disk {
                // The server names this source `persistentDisk` in its paths.
                let p = path.child("persistentDisk");
                if pd.pd_name.is_empty() {
                    errors.push(Violation::required(p.child("pdName"), ""));
                }
                partition_in_range(pd.partition, &p, errors);
            }
        }
        "awsElasticBlockStore" => {
            if let Some(pd) = &volume.aws_elastic_block_store {
                if pd.volume_id.is_empty() {
                    errors.push(Violation::required(p.child("volumeID"), ""));
                }
                partition_in_range(pd.partition, &p, errors);
            }
        }
        "nfs" => {
            if let Some(nfs) = &volume.nfs {
                if nfs.server.is_empty() {
                    errors.push(Violation::required(p.child("server"), ""));
                }
                if nfs.path.is_empty() {
                    errors.push(Violation::required(p.child("path"), ""));
                }
                if !nfs.path.starts_with('/') {
                    errors.push(Violation::invalid(
                        p.child("path"),
                        q(&nfs.path),
                        "must be an absolute path",
                    ));
                }
            }
        }
        "iscsi" => {
            if let Some(iscsi) = &volume.iscsi {
                if iscsi.target_portal.is_empty() {
                    errors.push(Violation::required(p.child("targetPortal"), ""));
                }
                if iscsi.iqn.is_empty() {
                    errors.push(Violation::required(p.child("iqn"), ""));
                } else if let Some(message) = iscsi_name_error(&iscsi.iqn) {
                    errors.push(Violation::invalid(p.child("iqn"), q(&iscsi.iqn), message));
                }
                if !(0..=255).contains(&iscsi.lun) {
                    errors.push(Violation::invalid(
                        p.child("lun"),
                        iscsi.lun.to_string(),
                        name::inclusive_range_error(0, 255),
                    ));
                }
                if (iscsi.chap_auth_discovery == Some(true)
                    || iscsi.chap_auth_session == Some(true))
                    && iscsi.secret_ref.is_none()
                {
                    errors.push(Violation::required(p.child("secretRef"), ""));
                }
                if let Some(initiator) = &iscsi.initiator_name {
                    let prefixed = ["iqn", "eui", "naa"]
                        .iter()
                        .any(|prefix| initiator.starts_with(prefix));
                    if !prefixed {
                        errors.push(Violation::invalid(
                            p.child("initiatorname"),
                            q(initiator),
                            "must be valid format starting with iqn, eui, or naa",
                        ));
                    } else if iscsi_name_error(initiator).is_some() {
                        errors.push(Violation::invalid(
                            p.child("initiatorname"),
                            q(initiator),
                            "must be valid format",
                        ));
                    }
                    if volume.name.len() + 1 + iscsi.target_portal.len() > 64 {
                        errors.push(Violation::invalid(
                            p.child("name"),
                            q(&volume.name),
                            "Total length of <volume name>:<iscsi.targetPortal> must be under 64 characters if \
                             iscsi.initiatorName is specified.",
                        ));
                    }
                }
            }
        }
        "glusterfs" => {
            if let Some(gluster) = &volume.glusterfs {
                if gluster.endpoints.is_empty() {
                    errors.push(Violation::required(p.child("endpoints"), ""));
                }
                if gluster.path.is_empty() {
                    errors.push(Violation::required(p.child("path"), ""));
                }
            }
        }
        "flocker" => {
            if let Some(flocker) = &volume.flocker {
                let name = s(&flocker.dataset_name);
                let uuid = s(&flocker.dataset_uuid);
                if name.is_empty() && uuid.is_empty() {
                    errors.push(Violation::required(
                        p.clone(),
                        "one of datasetName and datasetUUID is required",
                    ));
                }
                if !name.is_empty() && !uuid.is_empty() {
                    errors.push(Violation::invalid(
                        p.clone(),
                        q("resource"),
                        "datasetName and datasetUUID can not be specified simultaneously",
                    ));
                }
                if name.contains('/') {
                    errors.push(Violation::invalid(
                        p.child("datasetName"),
                        q(name),
                        "must not contain '/'",
                    ));
                }
            }
        }
        "rbd" => {
            if let Some(rbd) = &volume.rbd {
                if rbd.monitors.is_empty() {
                    errors.push(Violation::required(p.child("monitors"), ""));
                }
                if rbd.image.is_empty() {
                    errors.push(Violation::required(p.child("image"), ""));
                }
            }
        }
        "cinder" => {
            if let Some(cinder) = &volume.cinder {
                if cinder.volume_id.is_empty() {
                    errors.push(Violation::required(p.child("volumeID"), ""));
                }
                if cinder
                    .secret_ref
                    .as_ref()
                    .is_some_and(|r| r.name.is_empty())
                {
                    errors.push(Violation::required(p.child("secretRef").child("name"), ""));
                }
            }
        }
        "cephFS" => {
            if let Some(ceph) = &volume.cephfs
                && ceph.monitors.is_empty()
            {
                // The server names this source `cephfs` in its paths.
                errors.push(Violation::required(
                    path.child("cephfs").child("monitors"),
                    "",
                ));
            }
        }
        "quobyte" => {
            if let Some(quobyte) = &volume.quobyte {
                if quobyte.registry.is_empty() {
                    errors.push(Violation::required(
                        p.child("registry"),
                        "must be a host:port pair or multiple pairs separated by commas",
                    ));
                } else if s(&quobyte.tenant).len() >= 65 {
                    errors.push(Violation::required(
                        p.child("tenant"),
                        "must be a UUID and may not exceed a length of 64 characters",
                    ));
                } else {
                    for pair in quobyte.registry.split(',') {
                        if !is_host_port(pair) {
                            errors.push(Violation::invalid(
                                p.child("registry"),
                                q(&quobyte.registry),
                                "must be a host:port pair or multiple pairs separated by commas",
                            ));
                        }
                    }
                }
                if quobyte.volume.is_empty() {
                    errors.push(Violation::required(p.child("volume"), ""));
                }
            }
        }
        "downwarAPI" => {
            if let Some(downward) = &volume.downward_api {
                // The server's path for the checks is `downwardAPI` (only the "more than 1" error has the typo).
                let p = path.child("downwardAPI");
                file_mode(downward.default_mode, &p.child("defaultMode"), errors);
                for file in downward.items.iter().flatten() {
                    downward_api_file(file, &p, errors);
                }
            }
        }
        "fc" => {
            if let Some(fc) = &volume.fc {
                let wwns = fc.target_wwns.as_deref().unwrap_or_default();
                let wwids = fc.wwids.as_deref().unwrap_or_default();
                if wwns.is_empty() && wwids.is_empty() {
                    errors.push(Violation::required(
                        p.child("targetWWNs"),
                        "must specify either targetWWNs or wwids, but not both",
                    ));
                }
                if !wwns.is_empty() && !wwids.is_empty() {
                    errors.push(Violation::invalid(
                        p.child("targetWWNs"),
                        common::list_json(wwns),
                        "targetWWNs and wwids can not be specified simultaneously",
                    ));
                }
                if !wwns.is_empty() {
                    match fc.lun {
                        None => errors.push(Violation::required(
                            p.child("lun"),
                            "lun is required if targetWWNs is specified",
                        )),
                        Some(lun) if !(0..=255).contains(&lun) => errors.push(Violation::invalid(
                            p.child("lun"),
                            lun.to_string(),
                            name::inclusive_range_error(0, 255),
                        )),
                        Some(_) => {}
                    }
                }
            }
        }
        "flexVolume" => {
            if let Some(flex) = &volume.flex_volume {
                if flex.driver.is_empty() {
                    errors.push(Violation::required(p.child("driver"), ""));
                }
                for key in flex.options.iter().flat_map(|o| o.keys()) {
                    let namespace = key.split_once('/').map_or(key.as_str(), |(ns, _)| ns);
                    let normalized = format!(".{}", namespace.to_lowercase());
                    if normalized.ends_with(".kubernetes.io") || normalized.ends_with(".k8s.io") {
                        errors.push(Violation::invalid(
                            p.child("options").key(key),
                            q(key),
                            "kubernetes.io and k8s.io namespaces are reserved",
                        ));
                    }
                }
            }
        }
        "azureFile" => {
            if let Some(azure) = &volume.azure_file {
                if azure.secret_name.is_empty() {
                    errors.push(Violation::required(p.child("secretName"), ""));
                }
                if azure.share_name.is_empty() {
                    errors.push(Violation::required(p.child("shareName"), ""));
                }
            }
        }
        "vsphereVolume" => {
            if let Some(vsphere) = &volume.vsphere_volume
                && vsphere.volume_path.is_empty()
            {
                errors.push(Violation::required(p.child("volumePath"), ""));
            }
        }
        "photonPersistentDisk" => {
            if let Some(photon) = &volume.photon_persistent_disk
                && photon.pd_id.is_empty()
            {
                errors.push(Violation::required(p.child("pdID"), ""));
            }
        }
        "portworxVolume" => {
            if let Some(portworx) = &volume.portworx_volume
                && portworx.volume_id.is_empty()
            {
                errors.push(Violation::required(p.child("volumeID"), ""));
            }
        }
        "azureDisk" => {
            if let Some(azure) = &volume.azure_disk {
                if azure.disk_name.is_empty() {
                    errors.push(Violation::required(p.child("diskName"), ""));
                }
                if azure.disk_uri.is_empty() {
                    errors.push(Violation::required(p.child("diskURI"), ""));
                }
                // Defaults: cachingMode ReadWrite, kind Shared.
                let caching = azure.caching_mode.as_deref().unwrap_or("ReadWrite");
                let caching_modes = ["None", "ReadOnly", "ReadWrite"];
                if !caching_modes.contains(&caching) {
                    errors.push(Violation::unsupported(
                        p.child("cachingMode"),
                        caching,
                        &caching_modes,
                    ));
                }
                let kind = azure.kind.as_deref().unwrap_or("Shared");
                let kinds = ["Dedicated", "Managed", "Shared"];
                if !kinds.contains(&kind) {
                    errors.push(Violation::unsupported(p.child("kind"), kind, &kinds));
                }
                if kind == "Managed" && !azure.disk_uri.starts_with("/subscriptions/") {
                    errors.push(Violation::unsupported(
                        p.child("diskURI"),
                        &azure.disk_uri,
                        &["/subscriptions/{sub-id}/resourcegroups/{group-name}/providers/microsoft.compute/disks/{disk-id}"],
                    ));
                }
                if kind != "Managed" && !azure.disk_uri.starts_with("https://") {
                    errors.push(Violation::unsupported(
                        p.child("diskURI"),
                        &azure.disk_uri,
                        &["https://{account-name}.blob.core.windows.net/{container-name}/{disk-name}.vhd"],
                    ));
                }
            }
        }
        "storageos" => {
            if let Some(storageos) = &volume.storageos {
                let volume_name = s(&storageos.volume_name);
                if volume_name.is_empty() {
                    errors.push(Violation::required(p.child("volumeName"), ""));
                } else {
                    common::dns_label(volume_name, &p.child("volumeName"), errors);
                }
                let namespace = s(&storageos.volume_namespace);
                if !namespace.is_empty() {
                    common::dns_label(namespace, &p.child("volumeNamespace"), errors);
                }
                if storageos
                    .secret_ref
                    .as_ref()
                    .is_some_and(|r| r.name.is_empty())
                {
                    errors.push(Violation::required(p.child("secretRef").child("name"), ""));
                }
            }
        }
        "projected" => {
            if let Some(projected) = &volume.projected {
                file_mode(projected.default_mode, &p.child("defaultMode"), errors);
                projection_sources(projected.sources.as_deref().unwrap_or_default(), &p, errors);
            }
        }
        "scaleIO" => {
            if let Some(scale_io) = &volume.scale_io {
                if scale_io.gateway.is_empty() {
                    errors.push(Violation::required(p.child("gateway"), ""));
                }
                if scale_io.system.is_empty() {
                    errors.push(Violation::required(p.child("system"), ""));
                }
                if s(&scale_io.volume_name).is_empty() {
                    errors.push(Violation::required(p.child("volumeName"), ""));
                }
            }
        }
        "csi" => {
            if let Some(csi) = &volume.csi {
                csi_driver_name(&csi.driver, &p.child("driver"), errors);
                if let Some(secret) = &csi.node_publish_secret_ref {
                    if secret.name.is_empty() {
                        errors.push(Violation::required(
                            p.child("nodePublishSecretRef").child("name"),
                            "",
                        ));
                    } else {
                        // The server names `csi.name` here, not the secret reference.
                        common::dns_subdomain(&secret.name, &p.child("name"), errors);
                    }
                }
            }
        }
        "ephemeral" => {
            if let Some(ephemeral) = &volume.ephemeral {
                super::claim::ephemeral(ephemeral, &p, errors);
            }
        }
        _ => {}
    }
}

/// `ValidateCSIDriverName`.
pub(super) fn csi_driver_name(driver: &str, path: &Path<'_>, errors: &mut Errors) {
    if driver.is_empty() {
        errors.push(Violation::required(path.clone(), ""));
    }
    if driver.len() > 63 {
        errors.push(Violation::too_long(path.clone(), 63));
    }
    common::invalid_each(
        name::dns1123_subdomain(&driver.to_lowercase()),
        path,
        driver,
        errors,
    );
}

/// Go's `net.SplitHostPort` succeeding (a `host:port` with at most one colon outside brackets).
fn is_host_port(pair: &str) -> bool {
    if let Some(rest) = pair.strip_prefix('[') {
        let Some((host, after)) = rest.split_once(']') else {
            return false;
        };
        return !host.contains('[') && after.starts_with(':') && !after[1..].contains(':');
    }
    let Some((host, port)) = pair.rsplit_once(':') else {
        return false;
    };
    !host.contains(':') && !host.contains('[') && !host.contains(']') && !port.contains(['[', ']'])
}

/// The server's iSCSI name regexes (`iscsiInitiatorIqnRegex`, `...EuiRegex`, `...NaaRegex`) for an `iqn` value:
/// `None` if valid, else the message.
fn iscsi_name_error(value: &str) -> Option<&'static str> {
    let alnum_run = |text: &str, n: usize| {
        text.chars().count() == n && text.chars().all(|c| c.is_ascii_alphanumeric())
    };
    let skip_one = |text: &str| {
        let mut chars = text.chars();
        chars.next().map(|_| chars.as_str().to_owned())
    };
    if value.starts_with("iqn") {
        (!iqn_matches(value)).then_some("must be valid format")
    } else if let Some(rest) = value.strip_prefix("eui") {
        (!skip_one(rest).is_some_and(|r| alnum_run(&r, 16))).then_some("must be valid format")
    } else if let Some(rest) = value.strip_prefix("naa") {
        (!skip_one(rest).is_some_and(|r| alnum_run(&r, 32))).then_some("must be valid format")
    } else {
        Some("must be valid format starting with iqn, eui, or naa")
    }
}

/// `iqn\.\d{4}-\d{2}\.([[:alnum:]-.]+)(:[^,;*&$|\s]+)$`, unanchored at the start.
fn iqn_matches(value: &str) -> bool {
    value.match_indices("iqn.").any(|(at, _)| {
        let rest = &value[at + 4..];
        let b = rest.as_bytes();
        if b.len() < 8
            || !b[..4].iter().all(u8::is_ascii_digit)
            || b[4] != b'-'
            || !b[5..7].iter().all(u8::is_ascii_digit)
            || b[7] != b'.'
        {
            return false;
        }
        let rest = &rest[8..];
        // The name part cannot hold a colon, so the first colon ends it; a later one would not help.
        let Some((name_part, tail)) = rest.split_once(':') else {
            return false;
        };
        !name_part.is_empty()
            && name_part
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'.')
            && !tail.is_empty()
            && !tail
                .chars()
                .any(|c| ",;*&$|".contains(c) || c.is_whitespace())
    })
}

/// `validateDownwardAPIVolumeFile`; `path` is the source's path (items are not indexed by the server).
fn downward_api_file(file: &DownwardAPIVolumeFile, path: &Path<'_>, errors: &mut Errors) {
    if file.path.is_empty() {
        errors.push(Violation::required(path.child("path"), ""));
    }
    local_non_reserved_path(&file.path, &path.child("path"), errors);
    if let Some(field_ref) = &file.field_ref {
        env::object_field_selector(
            field_ref,
            field_ref::volume_field_path,
            &path.child("fieldRef"),
            errors,
        );
        if file.resource_field_ref.is_some() {
            errors.push(Violation::invalid(
                path.clone(),
                q("resource"),
                "fieldRef and resourceFieldRef can not be specified simultaneously",
            ));
        }
    } else if let Some(resource_ref) = &file.resource_field_ref {
        env::resource_field_selector(resource_ref, true, &path.child("resourceFieldRef"), errors);
    } else {
        errors.push(Violation::required(
            path.clone(),
            "one of fieldRef and resourceFieldRef is required",
        ));
    }
    file_mode(file.mode, &path.child("mode"), errors);
}

/// `validateProjectionSources` (the ClusterTrustBundle and PodCertificate projections are dropped by the server
/// while their features are off, the 1.34 default, so they count as absent).
fn projection_sources(sources: &[VolumeProjection], path: &Path<'_>, errors: &mut Errors) {
    let mut all_paths = BTreeSet::new();
    let duplicate =
        |all_paths: &mut BTreeSet<String>, p: &str, value: &str, errors: &mut Errors| {
            if !all_paths.insert(p.to_owned()) {
                errors.push(Violation::invalid(
                    path.clone(),
                    q(value),
                    "conflicting duplicate paths",
                ));
            }
        };
    let items = |all_paths: &mut BTreeSet<String>,
                 name: &str,
                 items: &[KeyToPath],
                 p: &Path<'_>,
                 errors: &mut Errors| {
        if name.is_empty() {
            errors.push(Violation::required(p.child("name"), ""));
        }
        key_to_paths(items, &p.child("items"), errors);
        for item in items {
            if !item.path.is_empty() {
                duplicate(all_paths, &item.path, name, errors);
            }
        }
    };
    for (i, source) in sources.iter().enumerate() {
        let chosen = one_of(&[
            ("secret", source.secret.is_some()),
            ("configMap", source.config_map.is_some()),
            ("downwardAPI", source.downward_api.is_some()),
            (
                "serviceAccountToken",
                source.service_account_token.is_some(),
            ),
        ]);
        let sources_path = path.child("sources");
        let src_path = sources_path.index(i);
        if let Some(secret) = &source.secret {
            items(
                &mut all_paths,
                &secret.name,
                secret.items.as_deref().unwrap_or_default(),
                &src_path.child("secret"),
                errors,
            );
        }
        if let Some(config_map) = &source.config_map {
            items(
                &mut all_paths,
                &config_map.name,
                config_map.items.as_deref().unwrap_or_default(),
                &src_path.child("configMap"),
                errors,
            );
        }
        if let Some(downward) = &source.downward_api {
            let p = src_path.child("downwardAPI");
            for file in downward.items.iter().flatten() {
                downward_api_file(file, &p, errors);
                if !file.path.is_empty() {
                    duplicate(&mut all_paths, &file.path, &file.path, errors);
                }
            }
        }
        if let Some(token) = &source.service_account_token {
            let p = src_path.child("serviceAccountToken");
            let seconds = token.expiration_seconds.unwrap_or(3600);
            if seconds < 600 {
                errors.push(Violation::invalid(
                    p.child("expirationSeconds"),
                    seconds.to_string(),
                    "may not specify a duration less than 10 minutes",
                ));
            }
            if seconds > 1 << 32 {
                errors.push(Violation::invalid(
                    p.child("expirationSeconds"),
                    seconds.to_string(),
                    "may not specify a duration larger than 2^32 seconds",
                ));
            }
            if token.path.is_empty() {
                errors.push(Violation::required(path.child("path"), ""));
            } else {
                local_non_reserved_path(&token.path, &path.child("path"), errors);
            }
        }
        if matches!(chosen, Chosen::Many(..)) {
            errors.push(Violation::forbidden(
                src_path,
                "may not specify more than 1 volume type per source",
            ));
        }
    }
}
