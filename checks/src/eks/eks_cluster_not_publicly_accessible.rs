use super::each_cluster;
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::net::{Cidr, Family, internet_cover};
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Every EKS cluster's Kubernetes API endpoint (`DescribeCluster`,
    /// `resourcesVpcConfig`) is private (`endpointPublicAccess: false`), or public only to
    /// listed CIDRs (`publicAccessCidrs`). When the listed blocks together cover the IPv4
    /// internet — `0.0.0.0/0` among them, or its halves — the endpoint is public and fails; an
    /// empty list means AWS's default, `0.0.0.0/0`. A block that is not a CIDR is an ERROR.
    /// ## Why it matters
    /// A public API endpoint lets anyone on the internet try credentials and exploits against
    /// the control plane; RBAC and IAM are then the only barrier. Private access (or a short
    /// list of office and CI ranges) takes the endpoint off the internet.
    /// ## Remediation
    /// `aws eks update-cluster-config --name <name> --resources-vpc-config
    /// endpointPrivateAccess=true,endpointPublicAccess=false` (reach it through the VPC, a VPN
    /// or a bastion), or `publicAccessCidrs=<office>/32,<ci>/32`.
    /// ## References
    /// - AWS Security Hub, control EKS.1
    /// - https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
    pub static CHECK = {
        id: "eks_cluster_not_publicly_accessible",
        title: "EKS cluster endpoints are not open to the internet",
        measure: Measure::Network,
        severity: Severity::High,
        reads: [Source::EksClusters],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    each_cluster(account, out, |_, cluster, resource, out| {
        if !cluster.endpoint_public_access {
            out.pass(resource, "the API endpoint is private");
            return;
        }
        let listed: Vec<&str> = if cluster.public_access_cidrs.is_empty() { vec!["0.0.0.0/0"] } else { cluster.public_access_cidrs.iter().map(String::as_str).collect() };
        let mut cidrs = Vec::new();
        for text in &listed {
            match Cidr::parse(text) {
                Ok(c) => cidrs.push(c),
                Err(e) => {
                    out.error(resource, format!("public access CIDR {text:?}: {e}"));
                    return;
                }
            }
        }
        match internet_cover(Family::V4, &cidrs) {
            Some(cover) => out.fail(resource, format!("the API endpoint is public to the internet ({})", crate::net::addr::list(&cover, 4))),
            None => out.pass(resource, format!("the API endpoint is public only to {}", crate::net::addr::list(&cidrs, 4))),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::eks::testing::*;
    use crate::finding::Status;
    use crate::inventory::Collected;
    use crate::testing::*;

    #[test]
    fn pass_fail_error() {
        let mut account = account();
        let public = |cidrs: &[&str]| {
            let mut c = cluster(&format!("c{}", cidrs.len()));
            c.endpoint_public_access = true;
            c.public_access_cidrs = cidrs.iter().map(|s| s.to_string()).collect();
            c
        };
        for (c, status, words) in [
            (cluster("private"), Status::Pass, "private"),
            (public(&[]), Status::Fail, "0.0.0.0/0"),
            (public(&["203.0.113.0/24", "0.0.0.0/0"]), Status::Fail, "0.0.0.0/0"),
            (public(&["0.0.0.0/1", "128.0.0.0/1"]), Status::Fail, "0.0.0.0/1, 128.0.0.0/1"),
            (public(&["203.0.113.10/32", "198.51.100.0/24"]), Status::Pass, "only to 203.0.113.10/32"),
            (public(&["not-a-cidr"]), Status::Error, "not-a-cidr"),
        ] {
            region(&mut account).eks.clusters = Collected::Known(vec![c]);
            let (s, message) = verdict(&CHECK, &account);
            assert_eq!(s, status, "{message}");
            assert!(message.contains(words), "{message}");
        }
        region(&mut account).eks.clusters = denied();
        assert_eq!(verdict(&CHECK, &account).0, Status::Error);
    }
}
