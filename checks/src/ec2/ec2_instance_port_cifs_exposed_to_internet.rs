use super::{NamedPort, instance_resource, instances, is_live, open_ports, port_names, security_groups};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::inventory::ec2::SecurityGroup;
use crate::net::PrefixLists;
use crate::registry::{Context, Findings};

const CIFS: &[NamedPort] =
    &[NamedPort { port: 139, name: "NetBIOS session" }, NamedPort { port: 445, name: "SMB/CIFS" }];

declare_check! {
    /// ## What it checks
    /// No EC2 instance (other than terminated ones) can be reached from the internet on TCP
    /// port 139 or 445 (CIFS/SMB) through its security groups. The rules of all the groups of
    /// the instance count together, as AWS applies them: sources of `tcp` rules containing
    /// the port, `-1` rules and resolved prefix lists must not cover the whole public IPv4 or
    /// IPv6 space. A group of the instance that is missing from the collected groups makes the
    /// instance ERROR unless it is already exposed through the others.
    /// ## Why it matters
    /// SMB exposed to the internet is how WannaCry and NotPetya spread, and file shares leak
    /// data and credentials (NTLM hashes) to anyone who connects. CIFS should only be reached
    /// from trusted networks.
    /// ## Remediation
    /// Revoke the rules that open 139 and 445 to `0.0.0.0/0` or `::/0` on the instance's
    /// groups (`aws ec2 revoke-security-group-ingress --group-id <sg> --protocol tcp --port 445 --cidr 0.0.0.0/0`)
    /// and allow only the networks that need the share; reach it over a VPN or Direct Connect.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 5.1.2
    /// - https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-group-rules.html
    pub static CHECK = {
        id: "ec2_instance_port_cifs_exposed_to_internet",
        title: "EC2 instances do not expose CIFS (TCP 139, 445) to the internet",
        measure: Measure::Network,
        severity: Severity::High,
        reads: [Source::Instances, Source::SecurityGroups, Source::ManagedPrefixLists],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    for (region, inv) in account.regions() {
        let Some(all_instances) = instances(account, region, inv, out) else { continue };
        let Some(groups) = security_groups(account, region, inv, out) else { continue };
        let lists = PrefixLists::new(&inv.ec2.managed_prefix_lists);
        let names = port_names(CIFS);
        for instance in all_instances.iter().filter(|i| is_live(i)) {
            let mut mine: Vec<&SecurityGroup> = Vec::new();
            let mut missing = Vec::new();
            for id in &instance.security_group_ids {
                match groups.iter().find(|g| &g.group_id == id) {
                    Some(group) => mine.push(group),
                    None => missing.push(format!("security group {id} is not among the groups collected")),
                }
            }
            let mut outcome = open_ports(&mine, lists, CIFS);
            outcome.problems.extend(missing);
            outcome.record(out, instance_resource(account, region, &instance.instance_id), &names);
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

    fn with_groups(id: &str, groups: &[&str]) -> Instance {
        Instance { security_group_ids: groups.iter().map(|g| g.to_string()).collect(), ..instance(id) }
    }

    #[test]
    fn groups_of_an_instance_count_together() {
        let mut account = ec2_account();
        set_groups(
            &mut account,
            vec![
                sg("sg-low", vec![tcp(445, 445, &["0.0.0.0/1"])]),
                sg("sg-high", vec![tcp(400, 500, &["128.0.0.0/1"])]),
                sg("sg-netbios", vec![tcp(137, 139, &["::/0"])]),
                sg("sg-office", vec![tcp(445, 445, &["81.2.69.0/24"])]),
            ],
        );
        let mut gone = with_groups("i-terminated", &["sg-netbios"]);
        gone.state = Some("terminated".to_string());
        set_instances(
            &mut account,
            vec![
                with_groups("i-both-halves", &["sg-low", "sg-high"]),
                with_groups("i-one-half", &["sg-low", "sg-office"]),
                with_groups("i-netbios", &["sg-netbios"]),
                with_groups("i-no-groups", &[]),
                gone,
            ],
        );
        let found = run(&CHECK, &account);
        assert_eq!(found.len(), 4, "terminated instances are skipped: {found:#?}");
        assert_eq!(status_of(&found, "i-both-halves"), Status::Fail);
        assert_eq!(status_of(&found, "i-one-half"), Status::Pass);
        assert_eq!(status_of(&found, "i-netbios"), Status::Fail);
        assert_eq!(status_of(&found, "i-no-groups"), Status::Pass);
        assert_eq!(
            found[0].message,
            "open to the internet: TCP 445 (SMB/CIFS) from 0.0.0.0/1 (sg-low tcp 445), 128.0.0.0/1 (sg-high tcp 400-500)"
        );
        assert_eq!(found[0].resource.arn.as_deref(), Some(arn("instance/i-both-halves").as_str()));
        assert_eq!(found[0].resource.kind, "AwsEc2Instance");
    }

    #[test]
    fn errors_on_missing_groups_and_unreadable_lists() {
        let mut account = ec2_account();
        set_groups(&mut account, vec![sg("sg-open", vec![tcp(445, 445, &["0.0.0.0/0"])])]);
        set_instances(
            &mut account,
            vec![
                with_groups("i-unknown-group", &["sg-gone"]),
                with_groups("i-open-and-unknown", &["sg-open", "sg-gone"]),
            ],
        );
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, "i-unknown-group"), Status::Error);
        assert_eq!(status_of(&found, "i-open-and-unknown"), Status::Fail);

        region(&mut account).ec2.security_groups = denied();
        assert_eq!(status_of(&run(&CHECK, &account), &format!("{ACCOUNT}/{REGION}")), Status::Error);
        let mut account = ec2_account();
        region(&mut account).ec2.instances = denied();
        assert_eq!(status_of(&run(&CHECK, &account), &format!("{ACCOUNT}/{REGION}")), Status::Error);
    }
}
