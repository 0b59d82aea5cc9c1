//! The ASFF report of a live audit, and `--security-hub`.
//!
//! Against a loopback stub (no emulator): where findings go, and how failures and
//! throttling of the import are answered.

mod common;

use common::stub::{self, access_denied, caller_identity};
use common::{rampart, run};
use serde_json::Value;

fn with_keys(cmd: &mut assert_cmd::Command) -> &mut assert_cmd::Command {
    cmd.env("AWS_ACCESS_KEY_ID", "test").env("AWS_SECRET_ACCESS_KEY", "test")
}

/// Every finding's ProductArn and resource regions.
fn regions_of(asff: &Value) -> Vec<(String, String)> {
    asff.as_array()
        .unwrap()
        .iter()
        .map(|f| (f["ProductArn"].as_str().unwrap().to_string(), f["Resources"][0]["Region"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn the_home_region_is_the_first_region_named_else_the_configured_one() {
    let (url, _seen) = stub::serve(|r| match r.action.as_str() {
        "GetCallerIdentity" => caller_identity(),
        "DescribeRegions" => (
            "200 OK",
            "text/xml",
            "<DescribeRegionsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>1</requestId><regionInfo>\
<item><regionName>eu-west-1</regionName><regionEndpoint>ec2.eu-west-1.amazonaws.com</regionEndpoint><optInStatus>opt-in-not-required</optInStatus></item>\
<item><regionName>us-east-1</regionName><regionEndpoint>ec2.us-east-1.amazonaws.com</regionEndpoint><optInStatus>opt-in-not-required</optInStatus></item>\
</regionInfo></DescribeRegionsResponse>"
                .to_string(),
        ),
        other => access_denied(other),
    });
    let audit = |regions: &[&str], env_region: &str| {
        let mut cmd = rampart();
        let (code, out, err) = run(with_keys(&mut cmd)
            .env("AWS_REGION", env_region)
            .args(["audit", "--format", "asff", "--endpoint-url", &url, "--checks", "iam_root_mfa_enabled"])
            .args(regions.iter().flat_map(|r| ["--region", r])));
        assert_eq!(code, 4, "denied reads are ERROR: {err}");
        let asff: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
        assert_eq!(asff[0]["Compliance"]["Status"], "NOT_AVAILABLE");
        regions_of(&asff)
    };
    let arn = |region: &str| format!("arn:aws:securityhub:{region}:123456789012:product/123456789012/default");
    // Named regions: the first as given, not in alphabetical order.
    for (product_arn, region) in audit(&["us-east-1", "eu-west-1"], "ap-south-1") {
        assert_eq!((product_arn, region.as_str()), (arn("us-east-1"), "us-east-1"), "a global resource is in the home region");
    }
    for (product_arn, _) in audit(&["eu-west-1", "us-east-1"], "ap-south-1") {
        assert_eq!(product_arn, arn("eu-west-1"));
    }
    // No region named: the configured region, even when it is not audited.
    for (product_arn, region) in audit(&[], "ap-south-1") {
        assert_eq!((product_arn, region.as_str()), (arn("ap-south-1"), "ap-south-1"));
    }
}
