//! An AWS Organization in the emulator: a management account of its own (a fresh id each
//! time, so that a reused emulator is no obstacle), three members, one of them with a strong
//! password policy, and a report bucket.

use serde_json::Value;

use super::root;

pub fn endpoint() -> String {
    std::env::var("RAMPART_TEST_ENDPOINT")
        .expect("RAMPART_TEST_ENDPOINT is not set: run the tests with scripts/test.sh, which starts the emulator")
}

/// The organization: created in a management account of its own (a fresh id each run, so
/// that a reused emulator is no obstacle); its credentials, accounts and report bucket.
pub struct Organization {
    pub key: String,
    pub secret: String,
    pub token: String,
    pub management: String,
    pub accounts: Vec<String>,
    pub bucket: String,
    /// A KMS key of the management account, for SSE-KMS.
    pub kms_key: String,
    pub strong_member: String,
}

impl Organization {
    pub fn create() -> Organization {
        let management = format!("9{:011}", std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() % 100_000_000_000);
        let script = format!(
            r#"
import boto3, json
sts = boto3.client('sts')
c = sts.assume_role(RoleArn='arn:aws:iam::{management}:role/Management', RoleSessionName='fanout')['Credentials']
s = boto3.Session(aws_access_key_id=c['AccessKeyId'], aws_secret_access_key=c['SecretAccessKey'], aws_session_token=c['SessionToken'], region_name='us-east-1')
org = s.client('organizations')
org.create_organization(FeatureSet='ALL')
members = [org.create_account(Email=f'm{{i}}-{management}@example.com', AccountName=f'm{{i}}')['CreateAccountStatus']['AccountId'] for i in range(3)]
m = s.client('sts').assume_role(RoleArn=f'arn:aws:iam::{{members[0]}}:role/OrganizationAccountAccessRole', RoleSessionName='seed')['Credentials']
member = boto3.Session(aws_access_key_id=m['AccessKeyId'], aws_secret_access_key=m['SecretAccessKey'], aws_session_token=m['SessionToken'], region_name='us-east-1')
member.client('iam').update_account_password_policy(MinimumPasswordLength=16, RequireSymbols=True, RequireNumbers=True, RequireUppercaseCharacters=True, RequireLowercaseCharacters=True, PasswordReusePrevention=24, MaxPasswordAge=90)
bucket = 'fanout-{management}'
s.client('s3').create_bucket(Bucket=bucket)
kms_key = s.client('kms').create_key()['KeyMetadata']['Arn']
accounts = sorted(a['Id'] for a in org.list_accounts()['Accounts'] if a['State'] == 'ACTIVE')
print(json.dumps(dict(key=c['AccessKeyId'], secret=c['SecretAccessKey'], token=c['SessionToken'], accounts=accounts, bucket=bucket, kms_key=kms_key, strong=members[0])))
"#
        );
        let out = std::process::Command::new(root().join("localstack/.venv/bin/python"))
            .args(["-c", &script])
            .env("AWS_ENDPOINT_URL", endpoint())
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .output()
            .expect("run python");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let text = |k: &str| v[k].as_str().unwrap().to_string();
        Organization {
            key: text("key"),
            secret: text("secret"),
            token: text("token"),
            accounts: v["accounts"].as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_string()).collect(),
            bucket: text("bucket"),
            kms_key: text("kms_key"),
            strong_member: text("strong"),
            management,
        }
    }

    /// Runs Python (the emulator's venv, with boto3) as the management account; returns stdout.
    pub fn python(&self, script: &str) -> String {
        let out = std::process::Command::new(root().join("localstack/.venv/bin/python"))
            .args(["-c", script])
            .env("AWS_ENDPOINT_URL", endpoint())
            .env("AWS_ACCESS_KEY_ID", &self.key)
            .env("AWS_SECRET_ACCESS_KEY", &self.secret)
            .env("AWS_SESSION_TOKEN", &self.token)
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .output()
            .expect("run python");
        assert!(out.status.success(), "{script}\n{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }
}
