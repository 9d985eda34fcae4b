//! Dynamic resource allocation: `validatePodResourceClaims` and the `resources.claims` of every container
//! (`validateResourceClaimNames`).

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::{Container, PodSpec};

use super::common::{self, Errors, q};
use super::{Path, Violation};

/// The pod's `resourceClaims`, then the claims of each container and init container.
pub(super) fn pod_resource_claims(spec: &PodSpec, path: &Path<'_>, errors: &mut Errors) {
    let claims = spec.resource_claims.as_deref().unwrap_or_default();
    let pod_claim_names: BTreeSet<&str> = claims
        .iter()
        .map(|c| c.name.as_str())
        .filter(|n| !n.is_empty())
        .collect();
    let mut seen = BTreeSet::new();
    let claims_path = path.child("resourceClaims");
    for (i, claim) in claims.iter().enumerate() {
        let p = claims_path.index(i);
        if claim.name.is_empty() {
            errors.push(Violation::required(p.child("name"), ""));
        } else if seen.contains(claim.name.as_str()) {
            errors.push(Violation::duplicate(p.child("name"), q(&claim.name)));
        } else {
            common::dns_label(&claim.name, &p.child("name"), errors);
            seen.insert(claim.name.as_str());
        }
        let value = || serde_json::to_string(claim).unwrap_or_default();
        match (&claim.resource_claim_name, &claim.resource_claim_template_name) {
            (Some(_), Some(_)) => errors.push(Violation::invalid(
                p.clone(),
                value(),
                "at most one of `resourceClaimName` or `resourceClaimTemplateName` may be specified",
            )),
            (None, None) => errors.push(Violation::invalid(
                p.clone(),
                value(),
                "must specify one of: `resourceClaimName`, `resourceClaimTemplateName`",
            )),
            _ => {}
        }
        if let Some(name) = &claim.resource_claim_name {
            common::dns_subdomain(name, &p.child("resourceClaimName"), errors);
        }
        if let Some(name) = &claim.resource_claim_template_name {
            common::dns_subdomain(name, &p.child("resourceClaimTemplateName"), errors);
        }
    }
    let groups: [(&str, &[Container]); 2] = [
        ("containers", &spec.containers),
        (
            "initContainers",
            spec.init_containers.as_deref().unwrap_or_default(),
        ),
    ];
    for (field, containers) in groups {
        for (i, ctr) in containers.iter().enumerate() {
            let claims = ctr
                .resources
                .as_ref()
                .and_then(|r| r.claims.as_deref())
                .unwrap_or_default();
            if claims.is_empty() {
                continue;
            }
            container_claims(
                claims
                    .iter()
                    .map(|c| (c.name.as_str(), c.request.as_deref().unwrap_or(""))),
                &pod_claim_names,
                &path
                    .child(field)
                    .index(i)
                    .child("resources")
                    .child("claims"),
                errors,
            );
        }
    }
}

/// `validateResourceClaimNames`.
fn container_claims<'a>(
    claims: impl Iterator<Item = (&'a str, &'a str)>,
    pod_claim_names: &BTreeSet<&str>,
    path: &Path<'_>,
    errors: &mut Errors,
) {
    let mut names: BTreeSet<String> = BTreeSet::new();
    for (i, (name, request)) in claims.enumerate() {
        let p = path.index(i);
        if name.is_empty() {
            errors.push(Violation::required(p, ""));
            continue;
        }
        if names.contains(name) {
            errors.push(Violation::duplicate(p.clone(), q(name)));
        } else {
            let mut key = name.to_owned();
            if !request.is_empty() {
                common::dns_label(request, &p.child("request"), errors);
                key = format!("{name}/{request}");
            }
            if names.contains(&key) {
                errors.push(Violation::duplicate(p.clone(), q(&key)));
            } else if request.is_empty() {
                for existing in &names {
                    if existing
                        .split_once('/')
                        .is_some_and(|(claim, _)| claim == name)
                    {
                        errors.push(Violation::duplicate(p.clone(), q(name)));
                    }
                }
            }
            names.insert(key);
        }
        if !pod_claim_names.contains(name) {
            errors.push(Violation::not_found(p, q(name)));
        }
    }
}
