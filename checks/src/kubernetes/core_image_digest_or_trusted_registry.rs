use crate::declare_check;
use crate::images::{ImageRef, trusted_by};
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every container of a workload runs an image pinned by digest (`…@sha256:…`) or pulled
    /// from a trusted registry: the audited AWS account's own ECR (when the cluster is an EKS
    /// cluster of that account), or an entry of `[containers] trusted_registries` in the
    /// configuration file — a registry host (`registry.k8s.io`, `*.dkr.ecr.*.amazonaws.com`)
    /// or a path prefix ending at a component (`docker.io/library/`, Docker Hub's official
    /// images, which a short name such as `nginx` stands for), the same matching as the ECS
    /// image checks. `registry.k8s.io` does not trust `registry.k8s.io.example.com`. With no
    /// entry configured, only digests and the account's ECR pass; an image reference that
    /// cannot be read fails, named.
    /// ## Why it matters
    /// Practice served: trusted, official images. A tag is a pointer that whoever controls
    /// the repository can move: a mutable tag from an arbitrary public registry runs whatever
    /// was pushed last, typosquatted and compromised images included. A digest names exactly
    /// the image that was reviewed; a registry the organization controls (or an official one
    /// it trusts) names who could have pushed it.
    /// ## Remediation
    /// Mirror the images into a registry you control (Amazon ECR, with pull-through cache for
    /// public images) and reference them from there, or pin them by digest
    /// (`image: nginx@sha256:…`); list your registries under `[containers] trusted_registries`
    /// in the configuration. Admission policies (Kyverno, Gatekeeper, ECR signing with Notation)
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
    let trusted = &ctx.config.containers.trusted_registries;
    super::judge_containers(account, ctx, out, "every image is pinned by digest or from a trusted registry", |_, c| {
        match ImageRef::parse(c.image.trim()) {
            Err(why) => Some(format!("runs an image that cannot be read ({}): {why}", c.image.escape_debug())),
            Ok(image) if image.digest.is_some() => None,
            Ok(image) if image.ecr().is_some_and(|(owner, _)| owner == account.account_id) => None,
            Ok(image) if trusted_by(&image, trusted).is_some() => None,
            Ok(_) => Some(format!("runs {} by tag, from a registry not in trusted_registries", c.image.escape_debug())),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::CHECK;
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
        let mut config = Config::default();
        config.containers.trusted_registries = vec!["123456789012.dkr.ecr.eu-west-1.amazonaws.com".into(), "registry.k8s.io".into()];
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
}
