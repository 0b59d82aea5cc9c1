#!/usr/bin/env python3
"""Build Rampart's deliberately misconfigured demo account in an AWS emulator.

Usage:
  seed.py --endpoint-url URL [--manifest FILE]
                                             plant the demo (both accounts, us-east-1 and
                                             eu-west-1); FILE gets every planted finding
                                             with the real resource ids
  seed.py --endpoint-url URL --credentials ACCOUNT
                                             print shell exports that audit ACCOUNT
  seed.py --endpoint-url URL --bulk-snapshots N --region REGION
                                             only add N EBS snapshots to the demo account in
                                             REGION (one in 200 public, half encrypted), the
                                             many backup snapshots of a large account

Two accounts are seeded. The demo account (the emulator's default account) gets every
planted failure and, where a check judges users one by one, a compliant twin beside it.
The twin account (111111111111, reached through sts:AssumeRole, which moto and LocalStack
both honour) gets the compliant twin of account-wide settings such as the password policy.

Only the emulator at --endpoint-url is ever contacted; the script refuses any other host.
"""

import argparse
import json
import os
import sys
from urllib.parse import urlparse

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

# S3 Control puts the account id in front of the host, which a loopback emulator cannot take.
LOCAL = Config(inject_host_prefix=False)

TWIN_ACCOUNT = "111111111111"
# A minimal SAML metadata document for the twin account's identity provider.
SAML_METADATA = ('<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com">'
                 '<IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
                 '<SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" '
                 'Location="https://idp.example.com/sso"/></IDPSSODescriptor>'
                 # IAM wants at least 1,000 characters of metadata.
                 '<!-- ' + 'demo identity provider metadata ' * 32 + '--></EntityDescriptor>')
DEMO_PASSWORD = "Demo-Only-Passw0rd!-Not-Secret"

# The planted IAM user findings, by account label; the infrastructure ones are added by
# plant() as resources are made, with their real ids. --manifest writes them all.
PLANTED = {
    "demo": [
        ("iam_user_mfa_enabled_console_access", "demo-console-no-mfa", "FAIL"),
        ("iam_user_mfa_enabled_console_access", "demo-console-mfa", "PASS"),
        ("iam_user_two_active_access_key", "demo-two-keys", "FAIL"),
        ("iam_user_two_active_access_key", "demo-one-key", "PASS"),
        ("iam_user_no_setup_initial_access_key", "demo-setup-key", "FAIL"),
        ("iam_user_no_setup_initial_access_key", "demo-console-mfa", "PASS"),
        ("iam_password_policy_minimum_length_14", "ACCOUNT", "FAIL"),
        ("iam_password_policy_reuse_24", "ACCOUNT", "FAIL"),
        ("iam_password_policy_uppercase", "ACCOUNT", "FAIL"),
        ("iam_password_policy_lowercase", "ACCOUNT", "FAIL"),
        ("iam_password_policy_number", "ACCOUNT", "FAIL"),
        ("iam_password_policy_symbol", "ACCOUNT", "FAIL"),
        ("iam_password_policy_expires_passwords_within_90_days_or_less", "ACCOUNT", "FAIL"),
    ],
    "twin": [
        ("iam_password_policy_minimum_length_14", "ACCOUNT", "PASS"),
        ("iam_password_policy_reuse_24", "ACCOUNT", "PASS"),
        ("iam_password_policy_uppercase", "ACCOUNT", "PASS"),
        ("iam_password_policy_lowercase", "ACCOUNT", "PASS"),
        ("iam_password_policy_number", "ACCOUNT", "PASS"),
        ("iam_password_policy_symbol", "ACCOUNT", "PASS"),
        ("iam_password_policy_expires_passwords_within_90_days_or_less", "ACCOUNT", "PASS"),
        ("iam_user_mfa_enabled_console_access", "twin-console-mfa", "PASS"),
    ],
}


# Findings planted with ids known only once the resources exist: (label, check, resource, status).
PLANTS = []


def plant(label, check, resource, status):
    PLANTS.append((label, check, resource, status))


def check_local(endpoint):
    host = urlparse(endpoint).hostname or ""
    if host not in ("localhost", "::1") and not host.startswith("127."):
        sys.exit(f"seed.py: refusing to seed {endpoint}: only loopback emulators are seeded")


def session_for(endpoint, region, account=None):
    base = dict(endpoint_url=endpoint, region_name=region, config=LOCAL)
    creds = dict(aws_access_key_id="test", aws_secret_access_key="test")
    if account is None:
        return lambda svc, r=region: boto3.client(svc, **{**base, "region_name": r}, **creds)
    sts = boto3.client("sts", **base, **creds)
    c = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/rampart-demo", RoleSessionName="rampart-seed")[
        "Credentials"
    ]
    assumed = dict(
        aws_access_key_id=c["AccessKeyId"],
        aws_secret_access_key=c["SecretAccessKey"],
        aws_session_token=c["SessionToken"],
    )
    return lambda svc, r=region: boto3.client(svc, **{**base, "region_name": r}, **assumed), assumed


def ignore_exists(fn, **kwargs):
    try:
        return fn(**kwargs)
    except ClientError as e:
        if e.response["Error"]["Code"] not in ("EntityAlreadyExists", "EntityAlreadyExistsException"):
            raise
        return None


def user(iam, name, console=False, mfa=False, keys=0):
    ignore_exists(iam.create_user, UserName=name, Tags=[{"Key": "rampart-demo", "Value": "true"}])
    if console:
        ignore_exists(iam.create_login_profile, UserName=name, Password=DEMO_PASSWORD)
    if mfa:
        existing = iam.list_mfa_devices(UserName=name)["MFADevices"]
        if not existing:
            device = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]
            iam.enable_mfa_device(
                UserName=name,
                SerialNumber=device["SerialNumber"],
                AuthenticationCode1="123456",
                AuthenticationCode2="654321",
            )
    have = len(iam.list_access_keys(UserName=name)["AccessKeyMetadata"])
    for _ in range(keys - have):
        iam.create_access_key(UserName=name)  # the secret is dropped: nothing uses it


def seed_demo(client):
    iam = client("iam")
    user(iam, "demo-console-no-mfa", console=True)
    user(iam, "demo-console-mfa", console=True, mfa=True)
    user(iam, "demo-two-keys", keys=2)
    user(iam, "demo-one-key", keys=1)
    user(iam, "demo-setup-key", console=True, mfa=True, keys=1)
    # Short, remembers few, no character types required, never expires.
    iam.update_account_password_policy(MinimumPasswordLength=8, PasswordReusePrevention=3)


def seed_network(client, region, account):
    """Security groups, NACLs, VPCs with and without flow logs, instances: each failure beside its twin."""
    ec2 = client("ec2", region)
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.1.0/24", AvailabilityZone=f"{region}a")["Subnet"]["SubnetId"]
    public_subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.2.0/24", AvailabilityZone=f"{region}a")["Subnet"]["SubnetId"]
    ec2.modify_subnet_attribute(SubnetId=public_subnet, MapPublicIpOnLaunch={"Value": True})

    def group(name, rules):
        gid = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
        if rules:
            ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=rules)
        return gid

    v4 = lambda *cidrs: [{"CidrIp": c} for c in cidrs]
    ssh_open = group("demo-ssh-open", [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": v4("0.0.0.0/0")}])
    rdp_halves = group("demo-rdp-halves", [{"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389,
                                             "IpRanges": v4("0.0.0.0/1", "128.0.0.0/1")}])
    all_v6 = group("demo-all-open-v6", [{"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}])
    cifs = group("demo-cifs-open", [{"IpProtocol": "tcp", "FromPort": 440, "ToPort": 450, "IpRanges": v4("0.0.0.0/0")}])
    office = group("demo-ssh-office", [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": v4("198.51.100.0/24", "10.0.0.0/8")}])
    sg = "ec2_securitygroup_allow_ingress_from_internet_to_"
    plant("demo", sg + "tcp_port_22", ssh_open, "FAIL")
    plant("demo", sg + "tcp_port_22", office, "PASS")
    plant("demo", sg + "tcp_port_3389", rdp_halves, "FAIL")
    plant("demo", sg + "tcp_port_3389", office, "PASS")
    plant("demo", sg + "all_ports", all_v6, "FAIL")
    plant("demo", sg + "all_ports", ssh_open, "PASS")
    plant("demo", sg + "high_risk_tcp_ports", cifs, "FAIL")
    plant("demo", sg + "high_risk_tcp_ports", office, "PASS")

    # Default security groups: the new VPC's keeps AWS's allow-all egress; another VPC's is emptied.
    default_of = lambda v: ec2.describe_security_groups(Filters=[
        {"Name": "vpc-id", "Values": [v]}, {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]
    locked = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    locked_default = default_of(locked)
    if locked_default["IpPermissionsEgress"]:
        ec2.revoke_security_group_egress(GroupId=locked_default["GroupId"], IpPermissions=locked_default["IpPermissionsEgress"])
    if locked_default["IpPermissions"]:
        ec2.revoke_security_group_ingress(GroupId=locked_default["GroupId"], IpPermissions=locked_default["IpPermissions"])
    plant("demo", "ec2_securitygroup_default_restrict_traffic", default_of(vpc)["GroupId"], "FAIL")
    plant("demo", "ec2_securitygroup_default_restrict_traffic", locked_default["GroupId"], "PASS")

    # NACLs: one open to SSH from anywhere, one whose lower-numbered denies close everything,
    # and the VPC's default NACL, which allows all traffic.
    open_acl = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    ec2.create_network_acl_entry(NetworkAclId=open_acl, RuleNumber=100, Protocol="6", RuleAction="allow", Egress=False,
                                 CidrBlock="0.0.0.0/0", PortRange={"From": 22, "To": 22})
    closed_acl = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    for n, cidr in ((10, "0.0.0.0/1"), (20, "128.0.0.0/1")):
        ec2.create_network_acl_entry(NetworkAclId=closed_acl, RuleNumber=n, Protocol="-1", RuleAction="deny", Egress=False,
                                     CidrBlock=cidr)
    ec2.create_network_acl_entry(NetworkAclId=closed_acl, RuleNumber=100, Protocol="6", RuleAction="allow", Egress=False,
                                 CidrBlock="0.0.0.0/0", PortRange={"From": 22, "To": 3389})
    default_acl = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                                     {"Name": "default", "Values": ["true"]}])["NetworkAcls"][0]["NetworkAclId"]
    plant("demo", "ec2_networkacl_allow_ingress_tcp_port_22", open_acl, "FAIL")
    plant("demo", "ec2_networkacl_allow_ingress_tcp_port_22", closed_acl, "PASS")
    plant("demo", "ec2_networkacl_allow_ingress_tcp_port_3389", default_acl, "FAIL")
    plant("demo", "ec2_networkacl_allow_ingress_tcp_port_3389", open_acl, "PASS")
    plant("demo", "ec2_networkacl_allow_ingress_any_port", open_acl, "FAIL")
    plant("demo", "ec2_networkacl_allow_ingress_any_port", closed_acl, "PASS")

    # Flow logs: the first VPC has none, a second one has.
    logged = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    ec2.create_flow_logs(ResourceIds=[logged], ResourceType="VPC", TrafficType="ALL", LogGroupName="demo-flow-logs",
                         DeliverLogsPermissionArn=f"arn:aws:iam::{account}:role/demo-flow-logs")
    plant("demo", "vpc_flow_logs_enabled", vpc, "FAIL")
    plant("demo", "vpc_flow_logs_enabled", logged, "PASS")

    # Peering: a route table that sends the whole internet through the peering, beside one
    # with no peering route and three judged against the peer VPC.
    pcx = ec2.create_vpc_peering_connection(VpcId=vpc, PeerVpcId=logged)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    wide = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=wide, DestinationCidrBlock="0.0.0.0/0", VpcPeeringConnectionId=pcx)
    plain_table = ec2.create_route_table(VpcId=logged)["RouteTable"]["RouteTableId"]
    # Compared with the peer VPC's block (10.30.0.0/16): one subnet of it, all of it, and a
    # block beside it.
    narrow = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=narrow, DestinationCidrBlock="10.30.4.0/24", VpcPeeringConnectionId=pcx)
    whole = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=whole, DestinationCidrBlock="10.30.0.0/16", VpcPeeringConnectionId=pcx)
    beside = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=beside, DestinationCidrBlock="10.31.0.0/24", VpcPeeringConnectionId=pcx)
    plant("demo", "vpc_peering_routing_tables_with_least_privilege", wide, "FAIL")
    plant("demo", "vpc_peering_routing_tables_with_least_privilege", beside, "FAIL")
    plant("demo", "vpc_peering_routing_tables_with_least_privilege", whole, "MANUAL")
    plant("demo", "vpc_peering_routing_tables_with_least_privilege", narrow, "PASS")
    plant("demo", "vpc_peering_routing_tables_with_least_privilege", plain_table, "PASS")

    # Instances need an image of our own (default AMIs are not loaded).
    image = ec2.register_image(Name=f"demo-image-{region}", RootDeviceName="/dev/xvda",
                               BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8}}])["ImageId"]
    iam = client("iam")
    profile = f"demo-instance-profile-{region}"
    ignore_exists(iam.create_instance_profile, InstanceProfileName=profile)

    def instance(name, subnet_id, groups, tokens, profile_name=None):
        extra = {"IamInstanceProfile": {"Name": profile_name}} if profile_name else {}
        out = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, SubnetId=subnet_id, SecurityGroupIds=groups,
                                MetadataOptions={"HttpTokens": tokens, "HttpEndpoint": "enabled"},
                                TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}],
                                **extra)
        return out["Instances"][0]["InstanceId"]

    # The public subnet really reaches the internet (an internet gateway route; the VPC's
    # default NACL allows everything), so its instance is exposed by more than its groups.
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    public_table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=public_table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=public_table, SubnetId=public_subnet)

    weak = instance("demo-imdsv1-cifs", public_subnet, [office, cifs], "optional")
    strong = instance("demo-imdsv2", subnet, [office], "required", profile)
    plant("demo", "ec2_instance_imdsv2_enabled", weak, "FAIL")
    plant("demo", "ec2_instance_imdsv2_enabled", strong, "PASS")
    plant("demo", "ec2_instance_port_cifs_exposed_to_internet", weak, "FAIL")
    plant("demo", "ec2_instance_port_cifs_exposed_to_internet", strong, "PASS")
    plant("demo", "ec2_instance_public_ip", weak, "FAIL")
    plant("demo", "ec2_instance_public_ip", strong, "PASS")
    plant("demo", "ec2_instance_profile_attached", weak, "FAIL")
    plant("demo", "ec2_instance_profile_attached", strong, "PASS")


# The services of the ec2_instance_port_*_exposed_to_internet checks, and one port of each
# (protocol, port) that opens it (checks/src/exposure/).
SERVICE_CHECKS = ["ssh", "rdp", "telnet", "ftp", "cifs", "kerberos", "ldap", "mysql", "postgresql", "sqlserver",
                  "oracle", "mongodb", "redis", "memcached", "cassandra", "elasticsearch_kibana", "kafka", "rabbitmq"]
SERVICE_PORTS_OPENED = [("tcp", 22), ("tcp", 3389), ("tcp", 23), ("tcp", 21), ("tcp", 445), ("udp", 88), ("tcp", 636),
                        ("tcp", 3306), ("tcp", 5432), ("udp", 1434), ("tcp", 1521), ("tcp", 27017), ("tcp", 6379),
                        ("udp", 11211), ("tcp", 9042), ("tcp", 5601), ("tcp", 9092), ("tcp", 5672)]


def seed_exposure(client, region, account):
    """Effective network exposure in a VPC of its own (10.50.0.0/16, an internet gateway, an
    IPv6 block): instances whose security groups open SSH to the internet, reachable or not
    by their subnet's routes and NACL, their public address and the load balancer in front.
    Each instance's verdict is planted on its id."""
    ec2 = client("ec2", region)
    elbv2 = client("elbv2", region)
    image = ec2.describe_images(Owners=["self"], Filters=[{"Name": "name", "Values": [f"demo-image-{region}"]}])["Images"][0]["ImageId"]
    vpc_id = ec2.create_vpc(CidrBlock="10.50.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]["VpcId"]
    ipv6_block = ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)

    def subnet(name, cidr, zone="a", table=None, public_ip=False, **extra):
        sid = ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone=f"{region}{zone}",
                                TagSpecifications=[{"ResourceType": "subnet", "Tags": [{"Key": "Name", "Value": name}]}],
                                **extra)["Subnet"]["SubnetId"]
        if public_ip:
            ec2.modify_subnet_attribute(SubnetId=sid, MapPublicIpOnLaunch={"Value": True})
        if table:
            ec2.associate_route_table(RouteTableId=table, SubnetId=sid)
        return sid

    def route_table(**route):
        table = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
        if route:
            ec2.create_route(RouteTableId=table, **route)
        return table

    def group(name, rules):
        gid = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc_id)["GroupId"]
        if rules:
            ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=rules)
        return gid

    def tcp(port, *cidrs, v6=(), groups=()):
        return {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": c} for c in cidrs],
                "Ipv6Ranges": [{"CidrIpv6": c} for c in v6], "UserIdGroupPairs": [{"GroupId": g} for g in groups]}

    def nacl(subnet_id, entries):
        acl = ec2.create_network_acl(VpcId=vpc_id)["NetworkAcl"]["NetworkAclId"]
        for number, action, egress, cidr, ports in entries:
            extra = {"Protocol": "6", "PortRange": {"From": ports[0], "To": ports[1]}} if ports else {"Protocol": "-1"}
            ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=number, RuleAction=action, Egress=egress,
                                         CidrBlock=cidr, **extra)
        current = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [subnet_id]}])["NetworkAcls"][0]
        association = next(a["NetworkAclAssociationId"] for a in current["Associations"] if a["SubnetId"] == subnet_id)
        ec2.replace_network_acl_association(AssociationId=association, NetworkAclId=acl)
        return acl

    def instance(name, subnet_id, groups, public_ip=None, **extra):
        """An instance; `public_ip` True or False asks for a public address or none,
        whatever the subnet's default."""
        placement = {"SubnetId": subnet_id, "SecurityGroupIds": groups}
        if public_ip is not None:
            placement = {"NetworkInterfaces": [{"DeviceIndex": 0, "SubnetId": subnet_id, "Groups": groups,
                                                "AssociatePublicIpAddress": public_ip}]}
        out = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, **placement, **extra,
                                TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}])
        return out["Instances"][0]["InstanceId"]

    ssh_check = "ec2_instance_port_ssh_exposed_to_internet"
    reachable_check = "ec2_networkinterface_reachable_from_internet"

    def verdict(instance_id, status):
        plant("demo", ssh_check, instance_id, status)
        plant("demo", reachable_check, instance_id, status)

    to_internet = route_table(DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ssh = group("exposure-ssh-open", [tcp(22, "0.0.0.0/0")])

    # a. public: an internet gateway route, a public address at launch, the default NACL.
    public = subnet("exposure-public", "10.50.1.0/24", table=to_internet, public_ip=True)
    exposed = instance("exposure-public", public, [ssh])
    verdict(exposed, "FAIL")
    plant("demo", "ec2_instance_port_mysql_exposed_to_internet", exposed, "PASS")

    # b. private: the VPC's main table (the local route only), a public address all the same.
    private = subnet("exposure-private", "10.50.2.0/24")
    private_instance = instance("exposure-private", private, [ssh], public_ip=True)
    verdict(private_instance, "PASS")

    # Every service port open to the world: reached on the public instance, on none of the
    # private one (the same group, no route).
    services = group("exposure-services-open", [
        {"IpProtocol": protocol, "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
        for protocol, port in SERVICE_PORTS_OPENED])
    open_everywhere = instance("exposure-services", public, [services])
    walled = instance("exposure-services-private", private, [services], public_ip=True)
    for service in SERVICE_CHECKS:
        plant("demo", f"ec2_instance_port_{service}_exposed_to_internet", open_everywhere, "FAIL")
        plant("demo", f"ec2_instance_port_{service}_exposed_to_internet", walled, "PASS")
    plant("demo", reachable_check, open_everywhere, "FAIL")
    plant("demo", reachable_check, walled, "PASS")

    # c. nacl-deny-first: a lower-numbered NACL rule denies SSH before one allows everything.
    deny_first = subnet("exposure-nacl-deny-first", "10.50.3.0/24", table=to_internet, public_ip=True)
    nacl(deny_first, [(50, "deny", False, "0.0.0.0/0", (22, 22)), (100, "allow", False, "0.0.0.0/0", None),
                      (100, "allow", True, "0.0.0.0/0", None)])
    verdict(instance("exposure-nacl-deny-first", deny_first, [ssh]), "PASS")

    # d. no-return: everything comes in, but the answers may only go to the VPC.
    no_return = subnet("exposure-no-return", "10.50.4.0/24", table=to_internet, public_ip=True)
    nacl(no_return, [(100, "allow", False, "0.0.0.0/0", None), (100, "allow", True, "10.50.0.0/16", None)])
    verdict(instance("exposure-no-return", no_return, [ssh]), "PASS")

    # e. nat-only: the default route goes to a NAT gateway, which lets nothing in.
    nat_address = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=public, AllocationId=nat_address)["NatGateway"]["NatGatewayId"]
    nat_only = subnet("exposure-nat-only", "10.50.5.0/24", table=route_table(DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat))
    verdict(instance("exposure-nat-only", nat_only, [ssh], public_ip=True), "PASS")

    # f. eip: no public address at launch; an Elastic IP makes one instance reachable, not its twin.
    eip_subnet = subnet("exposure-eip", "10.50.6.0/24", table=to_internet)
    with_eip = instance("exposure-eip", eip_subnet, [ssh])
    address = ec2.allocate_address(Domain="vpc")["AllocationId"]
    ec2.associate_address(AllocationId=address, InstanceId=with_eip)
    verdict(with_eip, "FAIL")
    verdict(instance("exposure-eip-twin", eip_subnet, [ssh]), "PASS")

    # g. split-groups: MySQL open to the internet only by two groups together, each half of it.
    halves = [group("exposure-mysql-low-half", [tcp(3306, "0.0.0.0/1")]),
              group("exposure-mysql-high-half", [tcp(3306, "128.0.0.0/1")])]
    plant("demo", "ec2_instance_port_mysql_exposed_to_internet", instance("exposure-split-groups", public, halves), "FAIL")

    # h. behind-alb: an internet-facing ALB in two public subnets forwards 443 to port 8080 of
    # an instance in the private subnet, whose group admits the ALB's group only.
    second = subnet("exposure-public-b", "10.50.7.0/24", zone="b", table=to_internet)
    alb_group = group("exposure-alb", [tcp(443, "0.0.0.0/0")])
    backend_group = group("exposure-alb-backend", [tcp(8080, groups=[alb_group])])
    backend = instance("exposure-behind-alb", private, [backend_group])
    alb = elbv2.create_load_balancer(Name="exposure-alb", Subnets=[public, second], SecurityGroups=[alb_group],
                                     Scheme="internet-facing", Type="application")["LoadBalancers"][0]["LoadBalancerArn"]
    target_group = elbv2.create_target_group(Name="exposure-backend", Protocol="HTTP", Port=8080, VpcId=vpc_id,
                                             TargetType="instance")["TargetGroups"][0]["TargetGroupArn"]
    # moto takes an HTTPS listener without a certificate (AWS requires one).
    elbv2.create_listener(LoadBalancerArn=alb, Protocol="HTTPS", Port=443,
                          DefaultActions=[{"Type": "forward", "TargetGroupArn": target_group}])
    elbv2.register_targets(TargetGroupArn=target_group, Targets=[{"Id": backend}])
    plant("demo", reachable_check, backend, "FAIL")
    plant("demo", ssh_check, backend, "PASS")
    # The load balancer itself: its HTTPS listener is reached.
    plant("demo", reachable_check, "exposure-alb", "FAIL")

    # IPv6: SSH open to ::/0, but the only IPv6 route out is an egress-only gateway.
    eigw = ec2.create_egress_only_internet_gateway(VpcId=vpc_id)["EgressOnlyInternetGateway"]["EgressOnlyInternetGatewayId"]
    ipv6_subnet_block = ipv6_block.replace("::/56", "::/64")
    v6_only_out = subnet("exposure-ipv6-egress-only", "10.50.8.0/24", Ipv6CidrBlock=ipv6_subnet_block,
                         table=route_table(DestinationIpv6CidrBlock="::/0", EgressOnlyInternetGatewayId=eigw))
    ssh_v6 = group("exposure-ssh-open-v6", [tcp(22, v6=["::/0"])])
    verdict(instance("exposure-ipv6-egress-only", v6_only_out, [ssh_v6], Ipv6AddressCount=1), "PASS")


def seed_storage(client, region, account, encrypted_by_default):
    ec2 = client("ec2", region)
    if encrypted_by_default:
        ec2.enable_ebs_encryption_by_default()
    else:
        ec2.disable_ebs_encryption_by_default()
    plant("demo", "ec2_ebs_default_encryption", f"{account}/{region}", "PASS" if encrypted_by_default else "FAIL")
    az = f"{region}a"
    # A tag value a report must show as text: reports are tested for stored XSS with it.
    tags = [{"ResourceType": "volume", "Tags": [{"Key": "team", "Value": "data"}, {"Key": "Owner", "Value": "<img src=x onerror=alert(1)>"}]}]
    plain = ec2.create_volume(AvailabilityZone=az, Size=1, Encrypted=False, TagSpecifications=tags)["VolumeId"]
    sealed = ec2.create_volume(AvailabilityZone=az, Size=1, Encrypted=True)["VolumeId"]
    plant("demo", "ec2_ebs_volume_encryption", plain, "FAIL")
    plant("demo", "ec2_ebs_volume_encryption", sealed, "PASS")
    public = ec2.create_snapshot(VolumeId=plain, Description="demo-public-snapshot")["SnapshotId"]
    ec2.modify_snapshot_attribute(SnapshotId=public, Attribute="createVolumePermission", OperationType="add", GroupNames=["all"])
    private = ec2.create_snapshot(VolumeId=sealed, Description="demo-private-encrypted-snapshot")["SnapshotId"]
    plant("demo", "ec2_ebs_public_snapshot", public, "FAIL")
    plant("demo", "ec2_ebs_public_snapshot", private, "PASS")
    plant("demo", "ec2_ebs_snapshots_encrypted", public, "FAIL")
    plant("demo", "ec2_ebs_snapshots_encrypted", private, "PASS")

    kms = client("kms", region)
    rotated = kms.create_key(Description="demo-rotated")["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=rotated)
    unrotated = kms.create_key(Description="demo-not-rotated")["KeyMetadata"]["KeyId"]
    doomed = kms.create_key(Description="demo-pending-deletion")["KeyMetadata"]["KeyId"]
    kms.schedule_key_deletion(KeyId=doomed, PendingWindowInDays=7)
    public_policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "open", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*"}]})
    exposed = kms.create_key(Description="demo-public-key", Policy=public_policy)["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=exposed)
    plant("demo", "kms_cmk_rotation_enabled", unrotated, "FAIL")
    plant("demo", "kms_cmk_rotation_enabled", rotated, "PASS")
    plant("demo", "kms_cmk_not_deleted_unintentionally", doomed, "FAIL")
    plant("demo", "kms_cmk_not_deleted_unintentionally", rotated, "PASS")
    plant("demo", "kms_key_not_publicly_accessible", exposed, "FAIL")
    plant("demo", "kms_key_not_publicly_accessible", rotated, "PASS")

    rds = client("rds", region)
    for name, encrypted in ((f"demo-db-plain-{region}", False), (f"demo-db-encrypted-{region}", True)):
        rds.create_db_instance(DBInstanceIdentifier=name, DBInstanceClass="db.t3.micro", Engine="postgres",
                               MasterUsername="demo", MasterUserPassword=DEMO_PASSWORD, AllocatedStorage=20,
                               StorageEncrypted=encrypted, PubliclyAccessible=not encrypted,
                               AutoMinorVersionUpgrade=encrypted, MultiAZ=encrypted)
        status = "PASS" if encrypted else "FAIL"
        plant("demo", "rds_instance_storage_encrypted", name, status)
        plant("demo", "rds_instance_no_public_access", name, status)
        plant("demo", "rds_instance_minor_version_upgrade_enabled", name, status)
        plant("demo", "rds_instance_multi_az", name, status)
    efs = client("efs", region)
    for token, encrypted in ((f"demo-efs-plain-{region}", False), (f"demo-efs-encrypted-{region}", True)):
        fs = efs.create_file_system(CreationToken=token, Encrypted=encrypted)["FileSystemId"]
        plant("demo", "efs_encryption_at_rest_enabled", fs, "PASS" if encrypted else "FAIL")


def supported_eks_version():
    """A Kubernetes version in EKS standard support today by the release calendar the checks
    carry (checks/src/eks/calendar.rs), or one newer than the calendar once it is stale."""
    import datetime
    import re

    calendar = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "checks", "src", "eks", "calendar.rs")
    with open(calendar) as f:
        releases = re.findall(r'\("(\d+)\.(\d+)", "[\d-]+", "([\d-]+)", "[\d-]+"\)', f.read())
    today = datetime.date.today().isoformat()
    for major, minor, standard_end in releases:
        if today < standard_end:
            return f"{major}.{minor}"
    major, minor = max((int(a), int(b)) for a, b, _ in releases)
    return f"{major}.{minor + 1}"


def seed_containers(client, account):
    """ECR repositories, ECS task definitions and clusters, EKS clusters in eu-west-1: each
    check's violation beside its compliant twin where the emulator can hold both."""
    region = "eu-west-1"
    ecr = client("ecr", region)
    registry = f"{account}.dkr.ecr.{region}.amazonaws.com"
    hardened = ecr.create_repository(
        repositoryName="demo-hardened", imageTagMutability="IMMUTABLE",
        imageScanningConfiguration={"scanOnPush": True},
        encryptionConfiguration={"encryptionType": "KMS"})["repository"]["repositoryName"]
    ecr.put_lifecycle_policy(repositoryName=hardened, lifecyclePolicyText=json.dumps({"rules": [{
        "rulePriority": 1, "description": "expire untagged images after 14 days",
        "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 14},
        "action": {"type": "expire"}}]}))
    ecr.set_repository_policy(repositoryName=hardened, policyText=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "OrgPull", "Effect": "Allow", "Principal": "*", "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
        "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-demo12345"}}}]}))
    opened = ecr.create_repository(repositoryName="demo-open")["repository"]["repositoryName"]
    ecr.set_repository_policy(repositoryName=opened, policyText=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "PublicPull", "Effect": "Allow", "Principal": "*", "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}]}))
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                           "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 7023,
                                      "digest": "sha256:" + "a" * 64}, "layers": []})
    digest = None
    for repo in (hardened, opened):
        pushed = ecr.put_image(repositoryName=repo, imageManifest=manifest, imageTag="v1")["image"]["imageId"]
        digest = pushed["imageDigest"]
    for repo, ok in ((hardened, True), (opened, False)):
        status = "PASS" if ok else "FAIL"
        plant("demo", "ecr_repositories_tag_immutability", repo, status)
        plant("demo", "ecr_repositories_scan_images_on_push_enabled", repo, status)
        plant("demo", "ecr_repositories_lifecycle_policy_enabled", repo, status)
        plant("demo", "ecr_repositories_kms_encryption_enabled", repo, status)
        plant("demo", "ecr_repositories_not_publicly_accessible", repo, status)
        # The emulator keeps no scan results on images: never scanned, whatever the setting.
        plant("demo", "ecr_repositories_scan_vulnerabilities_in_latest_image", repo, "FAIL")
    plant("demo", "ecr_registry_scan_images_on_push_enabled", f"{account}/{region}", "FAIL")

    ecs = client("ecs", region)
    ecs.create_cluster(clusterName="demo-insights", settings=[{"name": "containerInsights", "value": "enhanced"}])
    ecs.create_cluster(clusterName="demo-dark", settings=[{"name": "containerInsights", "value": "disabled"}])
    plant("demo", "ecs_cluster_container_insights_enabled", "demo-insights", "PASS")
    plant("demo", "ecs_cluster_container_insights_enabled", "demo-dark", "FAIL")
    logs = {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/demo", "awslogs-region": region, "awslogs-stream-prefix": "web"}}
    # Revision 1 of the hardened family is the risky one: only the latest revision is judged.
    ecs.register_task_definition(family="demo-hardened", containerDefinitions=[{"name": "web", "image": "nginx", "privileged": True, "memory": 128}])
    ecs.register_task_definition(
        family="demo-hardened", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
        runtimePlatform={"operatingSystemFamily": "LINUX", "cpuArchitecture": "X86_64"},
        containerDefinitions=[{
            "name": "web", "image": f"{registry}/{hardened}@{digest}", "user": "1000:3000", "privileged": False,
            "readonlyRootFilesystem": True, "essential": True, "logConfiguration": logs, "memory": 512,
            "environment": [{"name": "LOG_LEVEL", "value": "info"}, {"name": "PORT", "value": "8080"}],
            "secrets": [{"name": "DB_PASSWORD", "valueFrom": f"arn:aws:secretsmanager:{region}:{account}:secret:demo-db"}],
        }])
    ecs.register_task_definition(
        family="demo-risky", networkMode="host", pidMode="host",
        containerDefinitions=[{
            "name": "app", "image": "nginx:latest", "privileged": True, "cpu": 256, "memoryReservation": 128, "essential": True,
            # Planted secrets: shaped like credentials, never real ones.
            "environment": [{"name": "DB_PASSWORD", "value": "demo-not-a-real-password"},
                            {"name": "AWS_ACCESS_KEY_ID", "value": "AKIAIOSFODNN7EXAMPLE"}],
        }, {
            "name": "tagged", "image": f"{registry}/{opened}:v1", "user": "root", "essential": False, "memoryReservation": 64,
            "logConfiguration": logs,
        }])
    for check in ("ecs_task_definitions_no_privileged_containers", "ecs_task_definitions_containers_non_root_user",
                  "ecs_task_definitions_containers_readonly_access", "ecs_task_definitions_resource_limits",
                  "ecs_task_definitions_no_host_network", "ecs_task_definitions_host_namespace_not_shared",
                  "ecs_task_definitions_no_environment_secrets", "ecs_task_definitions_logging_enabled",
                  "ecs_task_definitions_images_from_trusted_registries", "ecs_task_definitions_images_pinned"):
        plant("demo", check, "demo-hardened:2", "PASS")
        plant("demo", check, "demo-risky:1", "FAIL")

    eks = client("eks", region)
    role = f"arn:aws:iam::{account}:role/demo-eks-cluster"
    eks.create_cluster(
        name="demo-eks-private", roleArn=role, version=supported_eks_version(),
        resourcesVpcConfig={"subnetIds": [], "endpointPublicAccess": False, "endpointPrivateAccess": True},
        encryptionConfig=[{"resources": ["secrets"], "provider": {"keyArn": f"arn:aws:kms:{region}:{account}:key/demo-eks"}}],
        logging={"clusterLogging": [{"types": ["api", "audit", "authenticator"], "enabled": True}]})
    eks.create_cluster(
        name="demo-eks-public", roleArn=role, version="1.29",
        resourcesVpcConfig={"subnetIds": [], "endpointPublicAccess": True, "publicAccessCidrs": ["0.0.0.0/0"]},
        logging={"clusterLogging": [{"types": ["api"], "enabled": True}]})
    for cluster, ok in (("demo-eks-private", True), ("demo-eks-public", False)):
        status = "PASS" if ok else "FAIL"
        plant("demo", "eks_cluster_not_publicly_accessible", cluster, status)
        plant("demo", "eks_cluster_kms_cmk_encryption_in_secrets_enabled", cluster, status)
        plant("demo", "eks_control_plane_audit_logging_enabled", cluster, status)
        plant("demo", "eks_cluster_uses_a_supported_version", cluster, status)


def seed_buckets(client, account):
    s3 = client("s3", "us-east-1")
    tls = lambda b: json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{b}", f"arn:aws:s3:::{b}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})
    block = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}

    good = f"demo-compliant-{account}"
    s3.create_bucket(Bucket=good)
    s3.put_bucket_encryption(Bucket=good, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]})
    s3.put_bucket_policy(Bucket=good, Policy=tls(good))
    s3.put_public_access_block(Bucket=good, PublicAccessBlockConfiguration=block)

    bad = f"demo-public-{account}"
    s3.create_bucket(Bucket=bad)
    s3.put_bucket_policy(Bucket=bad, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bad}/*"}]}))
    access_logs = f"demo-access-logs-{account}"
    s3.create_bucket(Bucket=access_logs)
    s3.put_bucket_policy(Bucket=access_logs, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "S3ServerAccessLogs", "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
        "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{access_logs}/*"}]}))
    s3.put_bucket_logging(Bucket=bad, BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": access_logs, "TargetPrefix": "logs/"}})

    for check, good_status, bad_status in (
        ("s3_bucket_default_encryption", "PASS", "FAIL"),
        ("s3_bucket_secure_transport_policy", "PASS", "FAIL"),
        ("s3_bucket_level_public_access_block", "PASS", "FAIL"),
        ("s3_bucket_public_access", "PASS", "FAIL"),
    ):
        plant("demo", check, good, good_status)
        plant("demo", check, bad, bad_status)
    plant("demo", "s3_account_level_public_access_blocks", account, "FAIL")

    trail_bucket = f"demo-trail-logs-{account}"
    s3.create_bucket(Bucket=trail_bucket)
    return trail_bucket, bad


def seed_monitoring(client, account, trail_bucket, public_bucket):
    logs = client("logs", "us-east-1")
    group = "demo-cloudtrail"
    logs.create_log_group(logGroupName=group)
    group_arn = f"arn:aws:logs:us-east-1:{account}:log-group:{group}:*"
    ct = client("cloudtrail", "us-east-1")
    ct.create_trail(Name="demo-trail", S3BucketName=trail_bucket, IsMultiRegionTrail=True, EnableLogFileValidation=False,
                    CloudWatchLogsLogGroupArn=group_arn, CloudWatchLogsRoleArn=f"arn:aws:iam::{account}:role/demo-trail")
    ct.start_logging(Name="demo-trail")
    ct.put_event_selectors(TrailName="demo-trail", EventSelectors=[{
        "ReadWriteType": "All", "IncludeManagementEvents": True,
        "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}])
    key = client("kms", "us-east-1").create_key(Description="demo-trail-key")["KeyMetadata"]["Arn"]
    ct.create_trail(Name="demo-trail-validated", S3BucketName=public_bucket, EnableLogFileValidation=True, KmsKeyId=key)
    ct.start_logging(Name="demo-trail-validated")
    for check, first, second in (
        ("cloudtrail_log_file_validation_enabled", "FAIL", "PASS"),
        ("cloudtrail_kms_encryption_enabled", "FAIL", "PASS"),
        ("cloudtrail_cloudwatch_logging_enabled", "PASS", "FAIL"),
        ("cloudtrail_logs_s3_bucket_access_logging_enabled", "FAIL", "PASS"),
        ("cloudtrail_logs_s3_bucket_is_not_publicly_accessible", "PASS", "FAIL"),
    ):
        plant("demo", check, "demo-trail", first)
        plant("demo", check, "demo-trail-validated", second)
    for check in ("cloudtrail_multi_region_enabled", "cloudtrail_s3_dataevents_read_enabled", "cloudtrail_s3_dataevents_write_enabled"):
        plant("demo", check, account, "PASS")
        plant("twin", check, "ACCOUNT", "FAIL")

    sns = client("sns", "us-east-1")
    topic = sns.create_topic(Name="demo-security-alarms")["TopicArn"]
    # moto confirms e-mail subscriptions at once.
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="security@example.com")
    cw = client("cloudwatch", "us-east-1")
    filters = {
        "demo-unauthorized": ('{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
                              "cloudwatch_log_metric_filter_unauthorized_api_calls", "PASS"),
        # Vacuous: matches every event, so it must not count.
        "demo-vacuous-root": ('{ $.eventName = * }', "cloudwatch_log_metric_filter_root_usage", "FAIL"),
        "demo-security-groups": ('{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || '
                                 '($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || '
                                 '($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }',
                                 "cloudwatch_log_metric_filter_security_group_changes", "PASS"),
    }
    for name, (pattern, check, status) in filters.items():
        logs.put_metric_filter(logGroupName=group, filterName=name, filterPattern=pattern, metricTransformations=[
            {"metricName": name, "metricNamespace": "CISBenchmark", "metricValue": "1"}])
        cw.put_metric_alarm(AlarmName=f"{name}-alarm", MetricName=name, Namespace="CISBenchmark", Statistic="Sum",
                            Period=300, EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanOrEqualToThreshold",
                            AlarmActions=[topic])
        plant("demo", check, account, status)
    # A filter for policy changes whose alarm notifies a topic nobody subscribed to.
    lonely = sns.create_topic(Name="demo-unread-alarms")["TopicArn"]
    logs.put_metric_filter(logGroupName=group, filterName="demo-policy-changes", metricTransformations=[
        {"metricName": "demo-policy-changes", "metricNamespace": "CISBenchmark", "metricValue": "1"}],
        filterPattern="{ ($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || "
                      "($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || "
                      "($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || "
                      "($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || "
                      "($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || "
                      "($.eventName=DetachGroupPolicy) }")
    cw.put_metric_alarm(AlarmName="demo-policy-changes-alarm", MetricName="demo-policy-changes", Namespace="CISBenchmark",
                        Statistic="Sum", Period=300, EvaluationPeriods=1, Threshold=1,
                        ComparisonOperator="GreaterThanOrEqualToThreshold", AlarmActions=[lonely])
    plant("demo", "cloudwatch_log_metric_filter_policy_changes", account, "FAIL")
    # Every other CIS monitoring control has no filter at all in the demo account.
    planted = {check for _, check, _ in filters.values()} | {"cloudwatch_log_metric_filter_policy_changes"}
    for check in CIS_MONITORING_CHECKS:
        if check not in planted:
            plant("demo", check, account, "FAIL")

    config = client("config", "us-east-1")
    config.put_configuration_recorder(ConfigurationRecorder={
        "name": "default", "roleARN": f"arn:aws:iam::{account}:role/config",
        "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}})
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": trail_bucket})
    config.start_configuration_recorder(ConfigurationRecorderName="default")
    plant("demo", "config_recorder_all_regions_enabled", f"{account}/us-east-1", "PASS")
    plant("demo", "config_recorder_all_regions_enabled", f"{account}/eu-west-1", "FAIL")
    client("guardduty", "us-east-1").create_detector(Enable=True)
    # moto starts every region with a Macie session (whose timestamp the SDK cannot read, so
    # us-east-1 shows ERROR); turn it off in one.
    client("macie2", "eu-west-1").disable_macie()
    plant("demo", "macie_is_enabled", f"{account}/eu-west-1", "FAIL")
    plant("demo", "account_security_contact_information_is_registered", account, "FAIL")
    plant("demo", "iam_check_saml_providers_sts", account, "FAIL")
    plant("demo", "guardduty_is_enabled", f"{account}/us-east-1", "PASS")
    plant("demo", "guardduty_is_enabled", f"{account}/eu-west-1", "FAIL")


CIS_MONITORING_CHECKS = [
    "cloudwatch_log_metric_filter_unauthorized_api_calls",
    "cloudwatch_log_metric_filter_sign_in_without_mfa",
    "cloudwatch_log_metric_filter_root_usage",
    "cloudwatch_log_metric_filter_policy_changes",
    "cloudwatch_log_metric_filter_and_alarm_for_cloudtrail_configuration_changes_enabled",
    "cloudwatch_log_metric_filter_authentication_failures",
    "cloudwatch_log_metric_filter_disable_or_scheduled_deletion_of_kms_cmk",
    "cloudwatch_log_metric_filter_for_s3_bucket_policy_changes",
    "cloudwatch_log_metric_filter_and_alarm_for_aws_config_configuration_changes_enabled",
    "cloudwatch_log_metric_filter_security_group_changes",
    "cloudwatch_changes_to_network_acls_alarm_configured",
    "cloudwatch_changes_to_network_gateways_alarm_configured",
    "cloudwatch_changes_to_network_route_tables_alarm_configured",
    "cloudwatch_changes_to_vpcs_alarm_configured",
    "cloudwatch_log_metric_filter_aws_organizations_changes",
]


def seed_iam_policies(client, account):
    iam = client("iam")
    admin_doc = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    narrow_doc = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                                                                      "Resource": "arn:aws:s3:::demo/*"}]})
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                                                                 "Action": "sts:AssumeRole"}]})
    ignore_exists(iam.create_role, RoleName="demo-admin-role", AssumeRolePolicyDocument=trust)
    ignore_exists(iam.create_role, RoleName="demo-reader-role", AssumeRolePolicyDocument=trust)
    admin = iam.create_policy(PolicyName="demo-full-admin", PolicyDocument=admin_doc)["Policy"]["Arn"]
    narrow = iam.create_policy(PolicyName="demo-narrow", PolicyDocument=narrow_doc)["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="demo-admin-role", PolicyArn=admin)
    iam.attach_role_policy(RoleName="demo-reader-role", PolicyArn=narrow)
    plant("demo", "iam_customer_attached_policy_no_administrative_privileges", "demo-full-admin", "FAIL")
    plant("demo", "iam_customer_attached_policy_no_administrative_privileges", "demo-narrow", "PASS")
    aws_admin, aws_reader = "arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/ReadOnlyAccess"
    iam.attach_role_policy(RoleName="demo-admin-role", PolicyArn=aws_admin)
    iam.attach_role_policy(RoleName="demo-reader-role", PolicyArn=aws_reader)
    plant("demo", "iam_aws_attached_policy_no_administrative_privileges", "AdministratorAccess", "FAIL")
    plant("demo", "iam_aws_attached_policy_no_administrative_privileges", "ReadOnlyAccess", "PASS")
    plant("demo", "iam_inline_policy_no_administrative_privileges", "user/demo-direct-perms/demo-inline-admin", "FAIL")
    iam.put_role_policy(RoleName="demo-reader-role", PolicyName="demo-inline-narrow", PolicyDocument=narrow_doc)
    plant("demo", "iam_inline_policy_no_administrative_privileges", "role/demo-reader-role/demo-inline-narrow", "PASS")
    # A user with permissions of its own (attached and inline), and one that gets them from a group.
    user(iam, "demo-direct-perms")
    iam.attach_user_policy(UserName="demo-direct-perms", PolicyArn=narrow)
    iam.put_user_policy(UserName="demo-direct-perms", PolicyName="demo-inline-admin", PolicyDocument=admin_doc)
    iam.attach_user_policy(UserName="demo-direct-perms", PolicyArn="arn:aws:iam::aws:policy/AWSCloudShellFullAccess")
    ignore_exists(iam.create_group, GroupName="demo-readers")
    iam.attach_group_policy(GroupName="demo-readers", PolicyArn=narrow)
    user(iam, "demo-group-member")
    iam.add_user_to_group(GroupName="demo-readers", UserName="demo-group-member")
    plant("demo", "iam_policy_attached_only_to_group_or_roles", "demo-direct-perms", "FAIL")
    plant("demo", "iam_policy_attached_only_to_group_or_roles", "demo-group-member", "PASS")
    plant("demo", "iam_support_role_created", account, "FAIL")
    plant("twin", "iam_support_role_created", "ACCOUNT", "PASS")
    plant("demo", "iam_policy_cloudshell_admin_not_attached", "demo-direct-perms", "FAIL")
    plant("twin", "iam_policy_cloudshell_admin_not_attached", "ACCOUNT", "PASS")


def seed_infrastructure(client, account):
    for region, encrypted in (("us-east-1", True), ("eu-west-1", False)):
        seed_network(client, region, account)
        seed_storage(client, region, account, encrypted)
    seed_exposure(client, "us-east-1", account)
    trail_bucket, public_bucket = seed_buckets(client, account)
    seed_monitoring(client, account, trail_bucket, public_bucket)
    seed_iam_policies(client, account)
    seed_containers(client, account)


def s3control(client, account):
    """An S3 Control client whose requests reach the emulator's own host, not
    <account>.<host>, which does not resolve on loopback."""
    control = client("s3control", "us-east-1")

    def strip_account(request, **_):
        request.url = request.url.replace(f"//{account}.", "//", 1)

    control.meta.events.register("before-send.s3-control.*", strip_account)
    return control


def seed_twin(client, account):
    ecr = client("ecr", "eu-west-1")
    ecr.create_repository(repositoryName="twin-app", imageTagMutability="IMMUTABLE")
    ecr.put_registry_scanning_configuration(scanType="ENHANCED", rules=[
        {"scanFrequency": "CONTINUOUS_SCAN", "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}]}])
    plant("twin", "ecr_registry_scan_images_on_push_enabled", f"{account}/eu-west-1", "PASS")
    plant("twin", "ecr_repositories_scan_images_on_push_enabled", "twin-app", "PASS")
    s3control(client, account).put_public_access_block(AccountId=account, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    plant("twin", "s3_account_level_public_access_blocks", "ACCOUNT", "PASS")
    client("account", "us-east-1").put_alternate_contact(
        AlternateContactType="SECURITY", Name="Security Team", Title="Security", EmailAddress="security@example.com",
        PhoneNumber="+1-555-0100")
    plant("twin", "account_security_contact_information_is_registered", "ACCOUNT", "PASS")
    client("iam").create_saml_provider(Name="twin-idp", SAMLMetadataDocument=SAML_METADATA)
    plant("twin", "iam_check_saml_providers_sts", "ACCOUNT", "MANUAL")
    iam = client("iam")
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                                                                 "Action": "sts:AssumeRole"}]})
    ignore_exists(iam.create_role, RoleName="twin-support", AssumeRolePolicyDocument=trust)
    iam.attach_role_policy(RoleName="twin-support", PolicyArn="arn:aws:iam::aws:policy/AWSSupportAccess")
    user(iam, "twin-console-mfa", console=True, mfa=True)
    iam.update_account_password_policy(
        MinimumPasswordLength=14,
        PasswordReusePrevention=24,
        RequireSymbols=True,
        RequireNumbers=True,
        RequireUppercaseCharacters=True,
        RequireLowercaseCharacters=True,
        MaxPasswordAge=90,
    )


def seed_bulk_snapshots(client, region, count):
    """`count` snapshots of two volumes in `region`, a few at a time; every 200th public."""
    from concurrent.futures import ThreadPoolExecutor

    ec2 = client("ec2", region)
    zone = f"{region}a"
    plain = ec2.create_volume(AvailabilityZone=zone, Size=1)["VolumeId"]
    sealed = ec2.create_volume(AvailabilityZone=zone, Size=1, Encrypted=True)["VolumeId"]

    def one(i):
        snapshot = ec2.create_snapshot(VolumeId=sealed if i % 2 else plain, Description=f"bulk backup {i}")["SnapshotId"]
        if i % 200 == 0:
            ec2.modify_snapshot_attribute(
                SnapshotId=snapshot, Attribute="createVolumePermission", OperationType="add", GroupNames=["all"]
            )
        return snapshot

    with ThreadPoolExecutor(max_workers=4) as pool:
        made = list(pool.map(one, range(count)))
    public = (count + 199) // 200
    print(f"seeded {len(made)} snapshots in {region}, {public} of them public", file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--endpoint-url", required=True)
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--credentials", metavar="ACCOUNT", help="print exports for auditing ACCOUNT")
    parser.add_argument("--manifest", metavar="FILE", help="write every planted finding, with real resource ids, as JSON")
    parser.add_argument("--bulk-snapshots", metavar="N", type=int, help="only add N snapshots in --region")
    args = parser.parse_args()
    check_local(args.endpoint_url)

    if args.bulk_snapshots is not None:
        seed_bulk_snapshots(session_for(args.endpoint_url, args.region), args.region, args.bulk_snapshots)
        return

    if args.credentials:
        _, creds = session_for(args.endpoint_url, args.region, args.credentials)
        print(f"export AWS_ACCESS_KEY_ID={creds['aws_access_key_id']}")
        print(f"export AWS_SECRET_ACCESS_KEY={creds['aws_secret_access_key']}")
        print(f"export AWS_SESSION_TOKEN={creds['aws_session_token']}")
        return

    demo_client = session_for(args.endpoint_url, args.region)
    seed_demo(demo_client)
    twin_client, _ = session_for(args.endpoint_url, args.region, TWIN_ACCOUNT)
    seed_twin(twin_client, TWIN_ACCOUNT)
    demo_account = boto3.client(
        "sts", endpoint_url=args.endpoint_url, region_name=args.region,
        aws_access_key_id="test", aws_secret_access_key="test",
    ).get_caller_identity()["Account"]
    seed_infrastructure(demo_client, demo_account)
    if args.manifest:
        manifest = {label: [list(t) for t in triples] for label, triples in PLANTED.items()}
        for label, check, resource, status in PLANTS:
            manifest.setdefault(label, []).append([check, resource, status])
        with open(args.manifest, "w") as f:
            json.dump(manifest, f, indent=2)
    print(f"seeded demo account {demo_account}: users without MFA, two active keys, a never-used setup key, a weak password policy", file=sys.stderr)
    print(f"seeded twin account {TWIN_ACCOUNT}: a compliant password policy and an MFA user", file=sys.stderr)


if __name__ == "__main__":
    main()
