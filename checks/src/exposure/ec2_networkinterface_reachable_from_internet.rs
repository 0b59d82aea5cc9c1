use super::{RegionView, admin_and_data_ports, blocked_note, describe_direct};
use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::net::Traffic;
use crate::net::exposure::Ask;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// Whether the internet reaches anything at all on each instance, network interface and
    /// internet-facing load balancer: every protocol and port, through the same layers as
    /// the service port checks (security groups, the subnet's network ACL both ways, a
    /// route to an internet gateway, a public address; a load balancer's listeners, and the
    /// targets whose groups admit it). FAIL lists every reachable protocol, port range and
    /// source range with its path. The severity of each finding follows what is reached:
    /// critical when an admin or data port of the service checks is reached directly, high
    /// for other ports reached directly, low when only web ports (TCP 80, 443) are reached
    /// or the interface is reached only through a load balancer on a web port, medium
    /// otherwise. PASS names the layer that closes the path; ERROR when something on the way
    /// could not be read.
    /// ## Why it matters
    /// This is the account's attack surface as the internet sees it, one finding per thing
    /// it can touch: rule-by-rule findings about security groups that no interface uses
    /// hide the few paths that are really open. A public web server is expected here
    /// (mute it with a reason); anything else is a door to close.
    /// ## Remediation
    /// For each path the finding lists, close the layer that should not let it through:
    /// revoke the security group rule, deny the ports in the subnet's network ACL, release
    /// the Elastic IP or turn off public IPv4 auto-assignment, or move the interface to a
    /// private subnet behind a load balancer.
    /// ## References
    /// - https://docs.aws.amazon.com/vpc/latest/userguide/infrastructure-security.html
    /// - How reachability is computed and what it does not model: [docs/exposure.md](../exposure.md)
    /// - https://docs.aws.amazon.com/vpc/latest/reachability/what-is-reachability-analyzer.html
    pub static CHECK = {
        id: "ec2_networkinterface_reachable_from_internet",
        title: "Instances, interfaces and load balancers the internet reaches, with the path",
        measure: Measure::Network,
        severity: Severity::High,
        reads: super::READS,
        eval: evaluate,
    }
}

/// TCP 80 and 443: what a public web service is expected to answer on.
fn is_web(traffic: Traffic) -> bool {
    matches!(traffic, Traffic::Tcp(80 | 443))
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    let admin: Vec<Traffic> = admin_and_data_ports().collect();
    for (region, inv) in account.regions() {
        let view = match RegionView::new(inv) {
            Ok(view) => view,
            Err(why) => {
                out.error(account.regional_resource(region, "AwsEc2NetworkInterface"), why);
                continue;
            }
        };
        for subject in view.subjects(account, region, true) {
            let a = view.assess(&subject, Ask::Everything);
            if a.reached() {
                let mut parts = Vec::new();
                if !a.direct.is_empty() {
                    parts.push(describe_direct(&a.direct, |r| r.traffic_label()));
                }
                for (listener, reached) in &a.listeners {
                    let sources: Vec<String> = reached.iter().map(|r| format!("from {} via {}", r.sources_label(), r.path.describe())).collect();
                    parts.push(format!("listener {listener} {}", sources.join(", ")));
                }
                parts.extend(a.behind.iter().map(|b| b.describe()));
                let direct_admin = a.direct.iter().any(|r| admin.iter().any(|&t| r.admits(t)));
                let direct_web_only = a.direct.iter().all(|r| r.ports.is_some_and(|p| (p.from == 80 && p.to == 80) || (p.from == 443 && p.to == 443)) && r.protocol == Some(crate::net::Protocol::Tcp));
                let listener_traffic: Vec<Traffic> = view
                    .fronts
                    .as_ref()
                    .ok()
                    .and_then(|fronts| subject.front.map(|i| fronts[i].reached().map(|l| l.traffic).collect()))
                    .unwrap_or_default();
                let severity = if direct_admin {
                    Severity::Critical
                } else if !a.direct.is_empty() && !direct_web_only {
                    Severity::High
                } else if listener_traffic.iter().any(|t| admin.contains(t)) || a.behind.iter().any(|b| admin.contains(&b.traffic)) {
                    Severity::High
                } else if listener_traffic.iter().all(|&t| is_web(t)) {
                    // Web ports only, directly or through a load balancer's web listeners.
                    if a.behind.iter().all(|b| b.listeners.iter().all(|l| l.ends_with(" 80") || l.ends_with(" 443"))) { Severity::Low } else { Severity::Medium }
                } else {
                    Severity::Medium
                };
                out.fail_at(severity, subject.resource, format!("{} is reachable from the internet: {}", subject.label, parts.join(" | ")));
                continue;
            }
            let unknown: Vec<&str> = a.problems.iter().chain(&a.lb_unknown).map(String::as_str).collect();
            if !unknown.is_empty() {
                out.error(subject.resource, format!("cannot tell whether the internet reaches {}: {}", subject.label, unknown.join("; ")));
                continue;
            }
            out.pass(subject.resource, format!("not reachable from the internet{}", blocked_note(a.blocked)));
        }
    }
}
