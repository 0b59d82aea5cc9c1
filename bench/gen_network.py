#!/usr/bin/env python3
"""Write a synthetic Rampart snapshot of a large network, for the effective exposure benchmark.

Usage: gen_network.py OUT.json [--interfaces N]

Three regions; per region 20 VPCs with an internet gateway, 20 subnets each (half routed to
the gateway, half to a NAT gateway), a network ACL per subnet (24 inbound and 8 outbound
entries, denies before allows), a pool of security groups of 12 rules each (CIDRs, prefix
lists, references to other groups), and N interfaces over the subnets with one to three
groups, half with a public address; 50 internet-facing load balancers with two listeners and
a target group of 20 instances each.
"""
import argparse
import json
import random

ACCOUNT = "123456789012"
REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"]
NOW = "2026-11-26T12:00:00Z"


def known(v):
    return {"known": v}


def rule(protocol, start, end, cidrs=(), v6=(), lists=(), groups=()):
    return {"ip_protocol": protocol, "from_port": start, "to_port": end, "ip_ranges": list(cidrs),
            "ipv6_ranges": list(v6), "prefix_list_ids": list(lists), "referenced_group_ids": list(groups)}


def entry(n, protocol, action, egress, cidr, ports=None):
    return {"rule_number": n, "protocol": protocol, "rule_action": action, "egress": egress,
            "cidr_block": cidr if ":" not in cidr else None, "ipv6_cidr_block": cidr if ":" in cidr else None,
            "port_range": {"from": ports[0], "to": ports[1]} if ports else None}


def route(dest, **target):
    r = {"destination_cidr_block": dest if ":" not in dest else None,
         "destination_ipv6_cidr_block": dest if ":" in dest else None, "destination_prefix_list_id": None,
         "gateway_id": None, "vpc_peering_connection_id": None, "nat_gateway_id": None, "transit_gateway_id": None,
         "egress_only_internet_gateway_id": None, "state": "active"}
    r.update(target)
    return r


def region(name, interfaces, rnd):
    groups, acls, tables, igws, enis, lbs, tgs = [], [], [], [], [], [], []
    subnets_of = {}
    for v in range(20):
        vpc = f"vpc-{name}-{v}"
        igw = f"igw-{name}-{v}"
        igws.append({"internet_gateway_id": igw, "attached_vpc_ids": [vpc]})
        tables.append({"route_table_id": f"rtb-{name}-{v}-main", "vpc_id": vpc, "main": True, "associated_subnet_ids": [],
                       "routes": [route(f"10.{v}.0.0/16", gateway_id="local")]})
        for s in range(20):
            subnet = f"subnet-{name}-{v}-{s}"
            subnets_of.setdefault(vpc, []).append(subnet)
            public = s % 2 == 0
            routes = [route(f"10.{v}.0.0/16", gateway_id="local")]
            routes += [route("0.0.0.0/0", gateway_id=igw), route("::/0", gateway_id=igw)] if public else \
                [route("0.0.0.0/0", nat_gateway_id=f"nat-{name}-{v}")]
            routes += [route(f"172.{16 + i}.0.0/16", transit_gateway_id="tgw-1") for i in range(4)]
            tables.append({"route_table_id": f"rtb-{subnet}", "vpc_id": vpc, "main": False,
                           "associated_subnet_ids": [subnet], "routes": routes})
            entries = []
            for i in range(20):
                entries.append(entry(10 + i, "6", "deny", False, f"{rnd.randrange(1, 223)}.{rnd.randrange(256)}.0.0/16",
                                     (rnd.choice([22, 3389, 445, 0]), 1024)))
            entries += [entry(100, "6", "allow", False, "0.0.0.0/0", (0, 65535)), entry(110, "17", "allow", False, "0.0.0.0/0", (53, 53)),
                        entry(120, "-1", "allow", False, "::/0"), entry(32767, "-1", "deny", False, "0.0.0.0/0")]
            entries += [entry(100, "6", "allow", True, "0.0.0.0/0", (1024, 65535)), entry(110, "6", "allow", True, "0.0.0.0/0", (443, 443)),
                        entry(120, "17", "allow", True, "0.0.0.0/0", (1024, 65535)), entry(130, "-1", "allow", True, "::/0")]
            entries += [entry(140 + i, "6", "deny", True, f"198.18.{i}.0/24", (0, 65535)) for i in range(3)]
            entries.append(entry(32767, "-1", "deny", True, "0.0.0.0/0"))
            acls.append({"network_acl_id": f"acl-{subnet}", "entries": entries, "associated_subnet_ids": [subnet]})
    vpcs = list(subnets_of)
    pool = []
    for g in range(max(50, interfaces // 4)):
        vpc = vpcs[g % len(vpcs)]
        gid = f"sg-{name}-{g}"
        rules = []
        for _ in range(12):
            kind = rnd.random()
            port = rnd.choice([22, 80, 443, 3306, 5432, 6379, 8080, 9200, 27017, 3389])
            if kind < 0.3:
                rules.append(rule("tcp", port, port, cidrs=[rnd.choice(["0.0.0.0/0", "10.0.0.0/8", f"{rnd.randrange(1, 223)}.{rnd.randrange(256)}.0.0/16"])]))
            elif kind < 0.5:
                rules.append(rule("tcp", port, port + rnd.randrange(0, 1000), cidrs=["0.0.0.0/1", "128.0.0.0/1"]))
            elif kind < 0.7:
                rules.append(rule("tcp", port, port, lists=["pl-office"]))
            elif kind < 0.9:
                rules.append(rule("tcp", port, port, groups=[f"sg-{name}-{rnd.randrange(g + 1)}"]))
            else:
                rules.append(rule("udp", 0, 65535, v6=["::/0"]))
        groups.append({"group_id": gid, "group_name": gid, "vpc_id": vpc, "ip_permissions": rules, "ip_permissions_egress": []})
        pool.append((vpc, gid))
    by_vpc = {}
    for vpc, gid in pool:
        by_vpc.setdefault(vpc, []).append(gid)
    for i in range(interfaces):
        vpc = vpcs[i % len(vpcs)]
        subnet = rnd.choice(subnets_of[vpc])
        public = i % 2 == 0
        enis.append({"network_interface_id": f"eni-{name}-{i}", "subnet_id": subnet, "vpc_id": vpc, "interface_type": "interface",
                     "description": "Primary network interface", "status": "in-use", "attached_instance_id": f"i-{name}-{i}",
                     "device_index": 0, "security_group_ids": rnd.sample(by_vpc[vpc], rnd.randrange(1, 4)),
                     "private_ip_addresses": [f"10.{i % 20}.{(i // 250) % 256}.{i % 250 + 4}"],
                     "public_ips": [{"public_ip": f"54.{i % 200}.{(i // 200) % 256}.{i % 250 + 1}", "private_ip": None,
                                     "allocation_id": None, "ip_owner_id": "amazon"}] if public else [],
                     "ipv6_addresses": [f"2600:1f18:{i % 65536:x}::5"] if i % 5 == 0 else []})
    for b in range(50):
        vpc = vpcs[b % len(vpcs)]
        arn = f"arn:aws:elasticloadbalancing:{name}:{ACCOUNT}:loadbalancer/app/lb-{b}/{b:016x}"
        lbs.append({"arn": arn, "name": f"lb-{b}", "kind": "application", "scheme": "internet-facing", "vpc_id": vpc,
                    "subnet_ids": subnets_of[vpc][0:4:2], "security_group_ids": [by_vpc[vpc][0]], "ip_address_type": "ipv4",
                    "listeners": known([{"arn": f"{arn}/l{p}", "protocol": "HTTPS", "port": p} for p in (443, 8443)])})
        members = [e for e in enis if e["vpc_id"] == vpc][:20]
        tgs.append({"arn": f"arn:aws:elasticloadbalancing:{name}:{ACCOUNT}:targetgroup/tg-{b}/{b:016x}", "name": f"tg-{b}",
                    "protocol": "HTTP", "port": 8080, "target_type": "instance", "vpc_id": vpc, "load_balancer_arns": [arn],
                    "targets": known([{"id": e["attached_instance_id"], "port": 8080} for e in members])})
    return {"ec2": {"security_groups": known(groups), "network_acls": known(acls), "route_tables": known(tables),
                    "internet_gateways": known(igws), "network_interfaces": known(enis),
                    "managed_prefix_lists": known([{"prefix_list_id": "pl-office", "entries": known(["81.2.69.0/24", "198.51.100.0/24"])}])},
            "elb": {"load_balancers": known(lbs), "target_groups": known(tgs), "classic_load_balancers": known([])}}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--interfaces", type=int, default=30_000, help="network interfaces in all (split over the regions)")
    a = p.parse_args()
    rnd = random.Random(14)
    per = a.interfaces // len(REGIONS)
    snapshot = {"snapshot_version": 3, "collected_at": NOW, "accounts": [{
        "account_id": ACCOUNT, "partition": "aws", "regions": REGIONS,
        "regional": {r: region(r, per, rnd) for r in REGIONS}}]}
    with open(a.out, "w") as f:
        json.dump(snapshot, f)


if __name__ == "__main__":
    main()
