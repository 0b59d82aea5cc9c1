//! ECR checks: image scanning, tag immutability, encryption, repository policies, lifecycle
//! policies and the vulnerabilities of the images in use.

use crate::finding::Resource;
use crate::inventory::ecr::{Image, Repository};
use crate::inventory::{AccountInventory, Collected, RegionInventory};
use crate::registry::{Check, Findings};

mod ecr_registry_scan_images_on_push_enabled;
mod ecr_repositories_kms_encryption_enabled;
mod ecr_repositories_lifecycle_policy_enabled;
mod ecr_repositories_not_publicly_accessible;
mod ecr_repositories_scan_images_on_push_enabled;
mod ecr_repositories_scan_vulnerabilities_in_latest_image;
mod ecr_repositories_tag_immutability;
mod ecs_running_images_without_critical_findings;
mod scanning;

#[cfg(test)]
pub(crate) mod testing;

/// The checks of this service, one line each.
pub(crate) const CHECKS: &[&Check] = &[
    &ecr_registry_scan_images_on_push_enabled::CHECK,
    &ecr_repositories_scan_images_on_push_enabled::CHECK,
    &ecr_repositories_scan_vulnerabilities_in_latest_image::CHECK,
    &ecs_running_images_without_critical_findings::CHECK,
    &ecr_repositories_tag_immutability::CHECK,
    &ecr_repositories_not_publicly_accessible::CHECK,
    &ecr_repositories_lifecycle_policy_enabled::CHECK,
    &ecr_repositories_kms_encryption_enabled::CHECK,
];

fn repository_resource(region: &str, repo: &Repository) -> Resource {
    Resource { id: repo.name.clone(), arn: Some(repo.arn.clone()), kind: "AwsEcrRepository", region: Some(region.to_string()) }
}

/// The repositories of one region, or an ERROR finding for the region when they could not
/// be listed.
fn repositories<'a>(account: &AccountInventory, region: &str, inv: &'a RegionInventory, out: &mut Findings) -> Option<&'a [Repository]> {
    match &inv.ecr.repositories {
        Collected::Known(r) => Some(r),
        Collected::Unknown(why) => {
            out.error(account.regional_resource(region, "AwsEcrRepository"), format!("ECR repositories could not be listed: {why}"));
            None
        }
    }
}

/// Calls `judge` for every repository of every region with the region's inventory and the
/// repository's resource; an ERROR for a region whose repositories could not be listed.
fn each_repository(account: &AccountInventory, out: &mut Findings, mut judge: impl FnMut(&RegionInventory, &Repository, Resource, &mut Findings)) {
    for (region, inv) in account.regions() {
        let Some(repositories) = repositories(account, region, inv, out) else { continue };
        for repo in repositories {
            judge(inv, repo, repository_resource(region, repo), out);
        }
    }
}

/// The critical and high findings of a scanned image, as words ("2 critical, 5 high").
fn severe_findings(image: &Image) -> Option<String> {
    let (critical, high) = (image.findings_of("CRITICAL"), image.findings_of("HIGH"));
    match (critical, high) {
        (0, 0) => None,
        (c, 0) => Some(format!("{c} critical")),
        (0, h) => Some(format!("{h} high")),
        (c, h) => Some(format!("{c} critical, {h} high")),
    }
}
