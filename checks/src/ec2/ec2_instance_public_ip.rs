use super::{instance_resource, instances, is_live};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// No EC2 instance (other than terminated ones) has a public IPv4 address
    /// (`PublicIpAddress` in DescribeInstances, whether auto-assigned or an Elastic IP).
    /// ## Why it matters
    /// An instance with a public address is one security group rule away from the internet,
    /// and bypasses the load balancers, WAF and NAT that are meant to stand in front of it.
    /// Instances belong in private subnets, reached through load balancers or Session Manager.
    /// ## Remediation
    /// Launch instances in subnets with `MapPublicIpOnLaunch` off
    /// (`aws ec2 modify-subnet-attribute --subnet-id <subnet> --no-map-public-ip-on-launch`),
    /// release or disassociate Elastic IPs (`aws ec2 disassociate-address --association-id <id>`),
    /// and replace instances that got an automatic public address.
    /// ## References
    /// - AWS Foundational Security Best Practices, control EC2.9
    /// - https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-instance-addressing.html
    pub static CHECK = {
        id: "ec2_instance_public_ip",
        title: "EC2 instances do not have a public IPv4 address",
        measure: Measure::Network,
        severity: Severity::Medium,
        reads: [Source::Instances],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    for (region, inv) in account.regions() {
        let Some(all) = instances(account, region, inv, out) else { continue };
        for instance in all.iter().filter(|i| is_live(i)) {
            let resource = instance_resource(account, region, &instance.instance_id);
            match instance.public_ip_address.as_deref().map(str::trim).filter(|ip| !ip.is_empty()) {
                Some(ip) => out.fail(resource, format!("public IPv4 address {ip}")),
                None => out.pass(resource, "no public IPv4 address"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::ec2::testing::*;
    use crate::finding::Status;
    use crate::inventory::ec2::Instance;
    use crate::testing::*;

    #[test]
    fn public_address_fails() {
        let mut account = ec2_account();
        let public = Instance { public_ip_address: Some("54.1.2.3".to_string()), ..instance("i-public") };
        let mut gone = Instance { public_ip_address: Some("54.1.2.4".to_string()), ..instance("i-gone") };
        gone.state = Some("terminated".to_string());
        set_instances(&mut account, vec![public, instance("i-private"), gone]);
        let found = run(&CHECK, &account);
        assert_eq!(found.len(), 2);
        assert_eq!(status_of(&found, "i-public"), Status::Fail);
        assert_eq!(found[0].message, "public IPv4 address 54.1.2.3");
        assert_eq!(status_of(&found, "i-private"), Status::Pass);
    }

    #[test]
    fn errors_when_instances_are_unreadable() {
        let mut account = ec2_account();
        region(&mut account).ec2.instances = denied();
        assert_eq!(status_of(&run(&CHECK, &account), &format!("{ACCOUNT}/{REGION}")), Status::Error);
    }
}
