use super::{each_repository, severe_findings};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::{AccountInventory, Collected};
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// The latest image pushed to each ECR repository (`DescribeImages`, by `imagePushedAt`)
    /// was scanned and its scan found no `CRITICAL` or `HIGH` vulnerability
    /// (`imageScanFindingsSummary`). An image never scanned, or whose scan failed or is not
    /// supported, fails: nothing vouches for it. Repositories without images are not judged;
    /// images that cannot be listed are an ERROR.
    /// ## Why it matters
    /// Regular image vulnerability scanning only helps when its results are acted on: the
    /// latest image is the one the next deployment pulls, and a critical vulnerability in it
    /// ships to production with the next task or pod.
    /// ## Remediation
    /// Rebuild the image on a patched base image (a minimal one — distroless, Alpine,
    /// `-slim` — has fewer packages to patch), update the vulnerable packages, push and
    /// redeploy. `aws ecr describe-image-scan-findings --repository-name <name> --image-id
    /// imageDigest=<digest>` lists the findings.
    /// ## References
    /// - https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html
    pub static CHECK = {
        id: "ecr_repositories_scan_vulnerabilities_in_latest_image",
        title: "The latest image of each ECR repository has no critical or high vulnerabilities",
        measure: Measure::Containers,
        severity: Severity::High,
        reads: [Source::EcrRepositories, Source::EcrImages],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    each_repository(account, out, |_, repo, resource, out| {
        let images = match &repo.images {
            Collected::Known(images) => images,
            Collected::Unknown(why) => {
                out.error(resource, format!("images could not be listed: {why}"));
                return;
            }
        };
        // The latest push; an image without a push time sorts first (oldest).
        let Some(latest) = images.iter().max_by(|a, b| a.pushed_at.cmp(&b.pushed_at).then_with(|| a.digest.cmp(&b.digest))) else {
            return;
        };
        let name = match latest.tags.first() {
            Some(tag) => format!("latest image {}:{tag} ({})", repo.name, latest.digest),
            None => format!("latest image {} (untagged)", latest.digest),
        };
        if !latest.scanned() {
            match latest.scan_status.as_deref() {
                None => out.fail(resource, format!("{name} was never scanned")),
                Some(status) => out.fail(resource, format!("{name} has no completed scan (status {status})")),
            }
        } else if let Some(severe) = severe_findings(latest) {
            out.fail(resource, format!("{name} has vulnerabilities: {severe}"));
        } else {
            out.pass(resource, format!("{name} has no critical or high vulnerability"));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::ecr::testing::*;
    use crate::finding::Status;
    use crate::inventory::Collected;
    use crate::testing::*;

    #[test]
    fn the_latest_image_decides() {
        let mut account = account();
        let mut fixed = repository("fixed");
        // The old image was vulnerable; the latest is clean.
        fixed.images = Collected::Known(vec![image("sha256:old", 1, &[("CRITICAL", 2)]), image("sha256:new", 9, &[("MEDIUM", 4)])]);
        let mut vulnerable = repository("vulnerable");
        vulnerable.images = Collected::Known(vec![image("sha256:a", 1, &[]), image("sha256:b", 5, &[("CRITICAL", 1), ("HIGH", 3)])]);
        let mut unscanned = repository("unscanned");
        let mut never = image("sha256:c", 2, &[]);
        never.scan_status = None;
        unscanned.images = Collected::Known(vec![never]);
        let mut failed = repository("failed");
        let mut f = image("sha256:d", 2, &[]);
        f.scan_status = Some("FAILED".into());
        failed.images = Collected::Known(vec![f]);
        let mut unreadable = repository("unreadable");
        unreadable.images = denied();
        region(&mut account).ecr.repositories =
            Collected::Known(vec![fixed, vulnerable, unscanned, failed, unreadable, repository("empty")]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "fixed"), Status::Pass);
        assert_eq!(status_of(&found, "vulnerable"), Status::Fail);
        assert!(found[1].message.contains("1 critical, 3 high"), "{}", found[1].message);
        assert_eq!(status_of(&found, "unscanned"), Status::Fail);
        assert!(found[2].message.contains("never scanned"));
        assert_eq!(status_of(&found, "failed"), Status::Fail);
        assert_eq!(status_of(&found, "unreadable"), Status::Error);
        assert!(!found.iter().any(|r| r.resource.id == "empty"), "no image, no verdict");
    }
}
