//! The check catalogue in `docs/checks/`, generated from the registry.
//!
//! `cargo test` fails with a diff when the committed catalogue is stale; regenerate it with
//! `RAMPART_UPDATE_CATALOGUE=1 cargo test -p rampart-checks catalogue`.

use crate::finding::Measure;
use crate::frameworks::compliance_of;
use crate::inventory::{Scope, Source};
use crate::registry::{Check, all_checks};

/// The sections every check's documentation must have, in order.
pub const SECTIONS: [&str; 4] = ["What it checks", "Why it matters", "Remediation", "References"];

/// The page of one check, as `rampart explain` prints it and `docs/checks/<id>.md` holds it.
pub fn render_check(check: &Check) -> String {
    let mut out = format!("# {}\n\n{}\n\n", check.id, check.title);
    out.push_str(&format!("- Severity: {}\n- Measure: {}\n", check.severity, check.measure));
    let reads: Vec<&str> = check.reads.iter().map(|s| s.name()).collect();
    out.push_str(&format!("- Reads: {}\n", reads.join(", ")));
    for (framework, controls) in compliance_of(check.id) {
        out.push_str(&format!("- {framework}: {}\n", controls.join(", ")));
    }
    // Blank lines around the section headings, as Markdown wants them.
    for line in check.doc().trim().lines() {
        if line.starts_with("## ") {
            out.push('\n');
            out.push_str(line);
            out.push_str("\n\n");
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The catalogue index: every check by measure.
pub fn render_index() -> String {
    let checks = all_checks();
    let mut out = String::from("# Check catalogue\n\nGenerated from the registry; do not edit by hand.\n");
    for measure in Measure::ALL {
        let of: Vec<&&Check> = checks.iter().filter(|c| c.measure == measure).collect();
        out.push_str(&format!("\n## {measure}: {}\n\n", measure.description()));
        if of.is_empty() {
            out.push_str("No checks yet.\n");
            continue;
        }
        out.push_str("| id | severity | title | CIS 5.0 |\n|---|---|---|---|\n");
        for check in of {
            let cis = compliance_of(check.id).get("CIS-5.0").map(|c| c.join(", ")).unwrap_or_default();
            out.push_str(&format!("| [{id}]({id}.md) | {} | {} | {cis} |\n", check.severity, check.title, id = check.id));
        }
    }
    out.push_str(&render_reads(&checks));
    out
}

/// What Rampart reads: every source, by service, with its calls and how many checks read it.
fn render_reads(checks: &[&Check]) -> String {
    let mut out = String::from("\n## What Rampart reads\n\n");
    out.push_str("Every read, by service; a collection makes only the reads of the selected checks ");
    out.push_str("(and those they need first). The IAM actions they take are in `deploy/iam-policy.json`.\n\n");
    out.push_str("| service | read | where | calls | checks |\n|---|---|---|---|---|\n");
    for source in Source::ALL {
        let scope = match source.scope() {
            Scope::Global => "once per account",
            Scope::Regional => "every region",
        };
        let readers = checks.iter().filter(|c| c.reads.contains(source)).count();
        out.push_str(&format!(
            "| {} | {} | {scope} | {} | {readers} |\n",
            source.collector().service(),
            source.name(),
            source.calls().trim()
        ));
    }
    out
}

/// Every catalogue file as (file name, content).
pub fn files() -> Vec<(String, String)> {
    let mut files = vec![("README.md".to_string(), render_index())];
    files.extend(all_checks().into_iter().map(|c| (format!("{}.md", c.id), render_check(c))));
    files
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn ids_are_unique_and_snake_case() {
        let mut seen = HashSet::new();
        for check in all_checks() {
            assert!(seen.insert(check.id), "duplicate check id {}", check.id);
            let ok = !check.id.is_empty()
                && check.id.len() <= 100
                && check.id.starts_with(|c: char| c.is_ascii_lowercase())
                && check.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                && !check.id.contains("__")
                && !check.id.ends_with('_');
            assert!(ok, "check id '{}' is not snake_case", check.id);
            assert!(!check.title.is_empty() && !check.title.ends_with('.'), "{}: title", check.id);
        }
    }

    #[test]
    fn every_check_is_documented_with_every_section_in_order() {
        for check in all_checks() {
            let headings: Vec<String> = check
                .doc()
                .lines()
                .filter_map(|l| l.strip_prefix("## ").map(|h| h.trim().to_string()))
                .collect();
            assert_eq!(headings, SECTIONS.to_vec(), "{}: doc sections", check.id);
            for section in SECTIONS {
                let body = check.doc_section(section).unwrap();
                assert!(body.len() >= 20, "{}: section '{section}' is too short", check.id);
            }
        }
    }

    /// Checks that no framework's current version covers, and why they are kept.
    const IN_NO_FRAMEWORK: &[(&str, &str)] = &[
        (
            "s3_bucket_default_encryption",
            "FSBP retired S3.4 and CIS dropped the control once S3 began encrypting every new object; \
             a bucket without a configuration (very old, or behind an endpoint without the default) \
             may still store objects in clear",
        ),
        (
            "cloudtrail_logs_s3_bucket_is_not_publicly_accessible",
            "CloudTrail.6 is in CIS 1.2 and 1.4 only; a public trail bucket still exposes the account's audit log",
        ),
        (
            "iam_password_policy_expires_passwords_within_90_days_or_less",
            "CIS dropped password expiry after v1.2.0 (1.11) and FSBP IAM.7 leaves MaxPasswordAge unset by default; \
             where policy still requires expiry, this is the check that shows it",
        ),
        (
            "ecr_repositories_not_publicly_accessible",
            "no FSBP or CIS control judges ECR repository policies; a public one lets any account pull (or push)",
        ),
        ("ecr_repositories_kms_encryption_enabled", "Security Hub's ECR.5 asks for a customer managed key where this check accepts any KMS key, and is not in the FSBP list this mapping follows"),
        (
            "ecr_repositories_scan_vulnerabilities_in_latest_image",
            "FSBP and CIS judge that scanning is configured (ECR.1), not what the scans found",
        ),
        ("ecs_running_images_without_critical_findings", "no framework control judges the scan results of the images running"),
        ("ecs_task_definitions_resource_limits", "no FSBP or CIS control; CPU and memory limits are a container practice of the source documents"),
        (
            "ecs_task_definitions_images_from_trusted_registries",
            "no FSBP or CIS control; official and verified images are a container practice of the source documents",
        ),
        ("ecs_task_definitions_images_pinned", "no FSBP or CIS control; pinned images are how a verified image stays the one that runs"),
        ("eks_cluster_kms_cmk_encryption_in_secrets_enabled", "Security Hub's EKS.3 judges the same but is not in the FSBP list this mapping follows, nor in CIS AWS Foundations"),
        (
            "eks_cluster_vpc_cni_network_policy_enforced",
            "no FSBP or CIS AWS Foundations control; network policies are a Kubernetes practice of the source documents",
        ),
        ("eks_cluster_admin_access_only_roles", "no FSBP or CIS AWS Foundations control; RBAC is a Kubernetes practice of the source documents"),
        ("ec2_instance_port_ssh_exposed_to_internet", EXPOSURE_REASON),
        ("ec2_instance_port_rdp_exposed_to_internet", EXPOSURE_REASON),
        ("ec2_instance_port_telnet_exposed_to_internet", EXPOSURE_REASON),
        ("ec2_instance_port_ftp_exposed_to_internet", EXPOSURE_REASON),
        ("ec2_instance_port_kerberos_exposed_to_internet", EXPOSURE_REASON),
        ("ec2_instance_port_ldap_exposed_to_internet", EXPOSURE_REASON),
        ("ec2_instance_port_mysql_exposed_to_internet", EXPOSURE_REASON),
        ("ec2_instance_port_postgresql_exposed_to_internet", EXPOSURE_REASON),
        ("ec2_instance_port_sqlserver_exposed_to_internet", EXPOSURE_REASON),
        ("ec2_instance_port_oracle_exposed_to_internet", EXPOSURE_REASON),
        ("ec2_instance_port_mongodb_exposed_to_internet", EXPOSURE_REASON),
        ("ec2_instance_port_redis_exposed_to_internet", EXPOSURE_REASON),
        ("ec2_instance_port_memcached_exposed_to_internet", EXPOSURE_REASON),
        ("ec2_instance_port_cassandra_exposed_to_internet", EXPOSURE_REASON),
        ("ec2_instance_port_elasticsearch_kibana_exposed_to_internet", EXPOSURE_REASON),
        ("ec2_instance_port_kafka_exposed_to_internet", EXPOSURE_REASON),
        ("ec2_instance_port_rabbitmq_exposed_to_internet", EXPOSURE_REASON),
        ("ec2_networkinterface_reachable_from_internet", EXPOSURE_REASON),
    ];

    /// Why the effective exposure checks map to no control (CIFS does, to CIS 5.1.2).
    const EXPOSURE_REASON: &str = "CIS and FSBP judge security group and network ACL rules one by one (the ec2_securitygroup_* and \
         ec2_networkacl_* checks map to them); whether the internet actually reaches a port through every layer is judged by no control";

    #[test]
    fn every_check_maps_to_a_framework_control_or_says_why_not() {
        for check in all_checks() {
            // The frameworks are AWS's: a cluster's checks cite the CIS Kubernetes Benchmark in their references.
            let listed = IN_NO_FRAMEWORK.iter().any(|(id, _)| *id == check.id) || crate::kubernetes::is_cluster_check(check);
            let mapped = !compliance_of(check.id).is_empty();
            assert!(mapped != listed, "{}: mapped to a framework: {mapped}, listed in IN_NO_FRAMEWORK: {listed}", check.id);
        }
        for (id, _) in IN_NO_FRAMEWORK {
            assert!(all_checks().iter().any(|c| c.id == *id), "{id} is not a registered check");
        }
    }

    #[test]
    fn catalogue_is_up_to_date() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/checks");
        let expected = files();
        if std::env::var_os("RAMPART_UPDATE_CATALOGUE").is_some() {
            std::fs::create_dir_all(&dir).unwrap();
            for entry in std::fs::read_dir(&dir).unwrap() {
                std::fs::remove_file(entry.unwrap().path()).unwrap();
            }
            for (name, content) in &expected {
                std::fs::write(dir.join(name), content).unwrap();
            }
            return;
        }
        let mut problems = Vec::new();
        for (name, content) in &expected {
            match std::fs::read_to_string(dir.join(name)) {
                Err(_) => problems.push(format!("docs/checks/{name} is missing")),
                Ok(actual) if &actual != content => {
                    let diff: Vec<String> = content
                        .lines()
                        .zip(actual.lines().chain(std::iter::repeat("<end of file>")))
                        .filter(|(want, got)| want != got)
                        .take(3)
                        .map(|(want, got)| format!("    expected: {want}\n    found:    {got}"))
                        .collect();
                    problems.push(format!("docs/checks/{name} is stale:\n{}", diff.join("\n")));
                }
                Ok(_) => {}
            }
        }
        let names: HashSet<&str> = expected.iter().map(|(n, _)| n.as_str()).collect();
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().to_string();
                if !names.contains(name.as_str()) {
                    problems.push(format!("docs/checks/{name} names no registered check"));
                }
            }
        }
        assert!(
            problems.is_empty(),
            "the check catalogue is stale; run `RAMPART_UPDATE_CATALOGUE=1 cargo test -p rampart-checks catalogue`\n{}",
            problems.join("\n")
        );
    }
}
