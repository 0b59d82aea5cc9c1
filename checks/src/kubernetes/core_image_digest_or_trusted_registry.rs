use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every container of a workload runs an image pinned by digest (`…@sha256:…`) or pulled
    /// from a trusted registry: one whose reference (with Docker Hub's implicit
    /// `docker.io/` and `docker.io/library/` written out) begins with an entry of
    /// `trusted_registries` in the configuration file, such as
    /// `123456789012.dkr.ecr.eu-west-1.amazonaws.com` or `registry.k8s.io`. An entry matches
    /// at a `/` boundary: `registry.k8s.io` does not trust `registry.k8s.io.example.com`.
    /// With no entry configured, only digests pass.
    /// ## Why it matters
    /// Practice served: trusted, official images. A tag is a pointer that whoever controls
    /// the repository can move: a mutable tag from an arbitrary public registry runs whatever
    /// was pushed last, typosquatted and compromised images included. A digest names exactly
    /// the image that was reviewed; a registry the organization controls (or an official one
    /// it trusts) names who could have pushed it.
    /// ## Remediation
    /// Mirror the images into a registry you control (Amazon ECR, with pull-through cache for
    /// public images) and reference them from there, or pin them by digest
    /// (`image: nginx@sha256:…`); list your registries under `trusted_registries` in the
    /// configuration. Admission policies (Kyverno, Gatekeeper, ECR signing with Notation)
    /// keep new workloads to them.
    /// ## References
    /// - Prowler, check core_image_tag_fixed (related: a fixed tag rather than `latest`)
    /// - https://kubernetes.io/docs/concepts/containers/images/#image-names
    /// - https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html
    pub static CHECK = {
        id: "core_image_digest_or_trusted_registry",
        title: "Kubernetes workloads run images pinned by digest or from trusted registries",
        measure: Measure::Containers,
        severity: Severity::Medium,
        reads: [Source::KubernetesPods, Source::KubernetesReplicaSets, Source::KubernetesJobs],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, ctx: &Context<'_>, out: &mut Findings) {
    let trusted = &ctx.config.trusted_registries;
    super::judge_containers(account, ctx, out, "every image is pinned by digest or from a trusted registry", |_, c| {
        let image = c.image.trim();
        if image.contains("@sha256:") {
            return None;
        }
        let full = qualified(image);
        if trusted.iter().any(|prefix| trusts(prefix, &full)) {
            return None;
        }
        Some(format!("runs {} by tag, from a registry not in trusted_registries", image.escape_debug()))
    });
}

/// The image reference with Docker Hub's implicit parts written out: `nginx:1` →
/// `docker.io/library/nginx:1`, `bitnami/redis` → `docker.io/bitnami/redis`.
fn qualified(image: &str) -> String {
    match image.split_once('/') {
        Some((host, _)) if host.contains('.') || host.contains(':') || host == "localhost" => image.to_string(),
        Some(_) => format!("docker.io/{image}"),
        None => format!("docker.io/library/{image}"),
    }
}

/// Whether `prefix` (a registry host, or a host and a path) covers `image`, at a `/`
/// boundary.
fn trusts(prefix: &str, image: &str) -> bool {
    let prefix = prefix.trim();
    if prefix.is_empty() {
        return false;
    }
    match image.strip_prefix(prefix) {
        None => false,
        Some(rest) => prefix.ends_with('/') || rest.starts_with('/'),
    }
}

#[cfg(test)]
mod tests {
    use super::{CHECK, qualified, trusts};
    use crate::config_file::Config;
    use crate::finding::Status;
    use crate::kubernetes::testing::*;
    use crate::testing::*;

    #[test]
    fn pass_fail_error() {
        let image = |name: &str, image: &str| {
            let mut pod = good_pod("shop", name);
            pod.containers[0].image = image.into();
            pod
        };
        let pods = vec![
            good_pod("shop", "digest"),
            image("ecr", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web:1.4"),
            image("hub", "nginx:latest"),
            image("lookalike", "registry.k8s.io.example.com/pause:3.9"),
            image("official", "registry.k8s.io/pause:3.9"),
        ];
        let account = with_pods(cluster(), pods);
        let config = Config {
            trusted_registries: vec!["123456789012.dkr.ecr.eu-west-1.amazonaws.com".into(), "registry.k8s.io".into()],
            ..Config::default()
        };
        let found = run_with(&CHECK, &account, &config);
        assert_eq!(status_of(&found, "test/shop/Pod/digest"), Status::Pass);
        assert_eq!(status_of(&found, "test/shop/Pod/ecr"), Status::Pass);
        assert_eq!(status_of(&found, "test/shop/Pod/official"), Status::Pass);
        assert_eq!(status_of(&found, "test/shop/Pod/hub"), Status::Fail);
        assert_eq!(status_of(&found, "test/shop/Pod/lookalike"), Status::Fail);
        // With no trusted registry, only the digest passes.
        let found = run(&CHECK, &account);
        assert_eq!(found.iter().filter(|f| f.status == Status::Pass).count(), 1);
        assert_eq!(verdict(&CHECK, &pods_denied()).0, Status::Error);
    }

    #[test]
    fn docker_hub_names_are_written_out() {
        assert_eq!(qualified("nginx"), "docker.io/library/nginx");
        assert_eq!(qualified("bitnami/redis:7"), "docker.io/bitnami/redis:7");
        assert_eq!(qualified("localhost/x"), "localhost/x");
        assert_eq!(qualified("host:5000/x"), "host:5000/x");
        assert!(trusts("docker.io/library/", "docker.io/library/nginx"));
        assert!(trusts("docker.io/library", "docker.io/library/nginx"));
        assert!(!trusts("docker.io/lib", "docker.io/library/nginx"));
        assert!(!trusts("", "docker.io/library/nginx"));
    }
}
