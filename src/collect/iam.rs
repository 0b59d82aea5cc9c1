//! IAM collector: credential report, account summary, password policy, virtual MFA devices.
//!
//! Four independent reads run concurrently. Only identifiers, flags and dates are kept:
//! virtual MFA seeds and QR codes that ListVirtualMFADevices returns are dropped here.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_iam::Client;
use aws_sdk_iam::types::{AssignmentStatusType, ReportStateType};
use aws_sdk_iam::types::{AttachedPolicy, EntityType, PolicyDetail, PolicyScopeType};
use futures::StreamExt;
use rampart_checks::inventory::iam::{
    AuthorizationDetails, CredentialReport, GroupDetail, IamInventory, InlinePolicy, ManagedPolicyDetail, PasswordPolicy,
    RoleDetail, ServerCertificate, UserDetail, VirtualMfaDevice,
};
use rampart_checks::Collected;
use tokio::time::Instant;
use tracing::debug;

use rampart_checks::inventory::{Cause, Plan, Source, Unavailable};

use super::{read, to_chrono};
use crate::aws::read;

/// How long to wait for AWS to finish generating the credential report.
const REPORT_DEADLINE: Duration = Duration::from_secs(300);

/// The reads of `plan`'s IAM sources.
pub async fn collect(client: &Client, plan: &Plan) -> IamInventory {
    let (credential_report, account_summary, password_policy, virtual_mfa_devices, authorization_details, server_certificates) = tokio::join!(
        read(plan, Source::CredentialReport, credential_report(client)),
        read(plan, Source::AccountSummary, account_summary(client)),
        read(plan, Source::PasswordPolicy, password_policy(client)),
        read(plan, Source::VirtualMfaDevices, virtual_mfa_devices(client)),
        read(plan, Source::AuthorizationDetails, authorization_details(client)),
        read(plan, Source::ServerCertificates, server_certificates(client)),
    );
    let (saml_providers, oidc_providers) = tokio::join!(
        read(plan, Source::SamlProviders, saml_providers(client)),
        read(plan, Source::OidcProviders, oidc_providers(client))
    );
    IamInventory {
        credential_report,
        account_summary,
        password_policy,
        virtual_mfa_devices,
        authorization_details,
        server_certificates,
        saml_providers,
        oidc_providers,
    }
}

/// GenerateCredentialReport until it is COMPLETE, then GetCredentialReport.
async fn credential_report(client: &Client) -> Collected<CredentialReport> {
    let deadline = Instant::now() + REPORT_DEADLINE;
    let mut delay = Duration::from_millis(250);
    let generate_error = loop {
        match read::call("iam:GenerateCredentialReport", client.generate_credential_report().send()).await {
            Ok(out) if out.state() == Some(&ReportStateType::Complete) => break None,
            Ok(out) => debug!(state = ?out.state(), "credential report not ready"),
            // Without permission to generate, an existing report may still be readable.
            Err(why) => break Some(why),
        }
        if Instant::now() + delay > deadline {
            return Collected::unknown(
                Cause::TimedOut,
                format!("the credential report was not ready after {} s", REPORT_DEADLINE.as_secs()),
            );
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(5));
    };
    match read::call("iam:GetCredentialReport", client.get_credential_report().send()).await {
        Ok(out) => {
            let Some(content) = out.content() else {
                return Collected::unknown(Cause::Other, "iam:GetCredentialReport returned no content");
            };
            match CredentialReport::from_csv(content.as_ref()) {
                Ok(report) => Collected::Known(report),
                Err(e) => Collected::unknown(Cause::Other, e.to_string()),
            }
        }
        Err(get) => {
            Collected::Unknown(match generate_error {
                Some(generate) => Unavailable::new(get.cause, format!("{generate}; {get}")),
                None => get,
            })
        }
    }
}

async fn account_summary(client: &Client) -> Collected<BTreeMap<String, i64>> {
    read::value("iam:GetAccountSummary", client.get_account_summary().send(), |out| {
        out.summary_map().map(|m| m.iter().map(|(k, v)| (k.as_str().to_string(), i64::from(*v))).collect()).unwrap_or_default()
    })
    .await
}

async fn password_policy(client: &Client) -> Collected<Option<PasswordPolicy>> {
    // No policy is data: the account uses IAM's defaults.
    read::optional("iam:GetAccountPasswordPolicy", client.get_account_password_policy().send(), |out| {
        out.password_policy().map(|p| PasswordPolicy {
            minimum_password_length: p.minimum_password_length(),
            require_symbols: p.require_symbols(),
            require_numbers: p.require_numbers(),
            require_uppercase_characters: p.require_uppercase_characters(),
            require_lowercase_characters: p.require_lowercase_characters(),
            max_password_age: p.max_password_age(),
            password_reuse_prevention: p.password_reuse_prevention(),
        })
    })
    .await
}

async fn virtual_mfa_devices(client: &Client) -> Collected<Vec<VirtualMfaDevice>> {
    let devices = client.list_virtual_mfa_devices().assignment_status(AssignmentStatusType::Assigned).into_paginator().items().send();
    read::items("iam:ListVirtualMFADevices", devices, |d| VirtualMfaDevice {
        serial_number: d.serial_number().to_string(),
        user_arn: d.user().map(|u| u.arn().to_string()),
    })
    .await
}

/// Every user, group, role and managed policy, with the policy documents: the account's own
/// from GetAccountAuthorizationDetails (one paginated call), the AWS managed policies that
/// something in the account has attached from ListPolicies(Scope=AWS, OnlyAttached) and one
/// GetPolicyVersion each. (GetAccountAuthorizationDetails would give the AWS managed ones
/// too, but all of them, attached or not: over a thousand documents, several megabytes, in
/// every account.) A failed listing makes the details unknown; a policy whose document could
/// not be read keeps no document, which the checks report as ERROR.
async fn authorization_details(client: &Client) -> Collected<AuthorizationDetails> {
    let (details, aws_managed) = tokio::join!(account_authorization_details(client), attached_aws_managed_policies(client));
    read::collected(details.and_then(|mut details| {
        details.policies.extend(aws_managed?);
        Ok(details)
    }))
}

async fn account_authorization_details(client: &Client) -> Result<AuthorizationDetails, Unavailable> {
    let pages = client
        .get_account_authorization_details()
        .set_filter(Some(vec![EntityType::User, EntityType::Group, EntityType::Role, EntityType::LocalManagedPolicy]))
        .into_paginator()
        .send();
    read::fold("iam:GetAccountAuthorizationDetails", pages, AuthorizationDetails::default(), |details, page| {
        details.users.extend(page.user_detail_list().iter().map(|u| UserDetail {
            user_name: u.user_name().unwrap_or_default().to_string(),
            arn: u.arn().unwrap_or_default().to_string(),
            attached_managed_policies: attached(u.attached_managed_policies()),
            user_policies: inline(u.user_policy_list()),
            tags: u.tags().iter().map(|t| (t.key().to_string(), t.value().to_string())).collect(),
        }));
        details.groups.extend(page.group_detail_list().iter().map(|g| GroupDetail {
            group_name: g.group_name().unwrap_or_default().to_string(),
            arn: g.arn().unwrap_or_default().to_string(),
            attached_managed_policies: attached(g.attached_managed_policies()),
            group_policies: inline(g.group_policy_list()),
        }));
        details.roles.extend(page.role_detail_list().iter().map(|r| RoleDetail {
            role_name: r.role_name().unwrap_or_default().to_string(),
            arn: r.arn().unwrap_or_default().to_string(),
            attached_managed_policies: attached(r.attached_managed_policies()),
            role_policies: inline(r.role_policy_list()),
            tags: r.tags().iter().map(|t| (t.key().to_string(), t.value().to_string())).collect(),
        }));
        details.policies.extend(page.policies().iter().map(|p| ManagedPolicyDetail {
            policy_name: policy_name(p.policy_name(), p.arn()),
            arn: p.arn().unwrap_or_default().to_string(),
            attachment_count: p.attachment_count().unwrap_or(0),
            default_version_document: p
                .policy_version_list()
                .iter()
                .find(|v| v.is_default_version())
                .and_then(|v| v.document())
                .map(decode_document),
        }));
    })
    .await
}

/// The AWS managed policies attached to something in the account, each with its default
/// version's document, a few at a time.
async fn attached_aws_managed_policies(client: &Client) -> Result<Vec<ManagedPolicyDetail>, Unavailable> {
    let listing = client.list_policies().scope(PolicyScopeType::Aws).only_attached(true).into_paginator().items().send();
    let listed = read::all("iam:ListPolicies", listing, |p| p).await?;
    let policies = futures::stream::iter(listed)
        .map(|p| async move {
            let arn = p.arn().unwrap_or_default().to_string();
            let document = match p.default_version_id() {
                Some(version) => {
                    let send = client.get_policy_version().policy_arn(&arn).version_id(version).send();
                    match read::call("iam:GetPolicyVersion", send).await {
                        Ok(out) => out.policy_version().and_then(|v| v.document()).map(decode_document),
                        Err(why) => {
                            tracing::warn!(policy = %arn, "{why}");
                            None
                        }
                    }
                }
                None => None,
            };
            ManagedPolicyDetail {
                policy_name: policy_name(p.policy_name(), p.arn()),
                attachment_count: p.attachment_count().unwrap_or(0),
                arn,
                default_version_document: document,
            }
        })
        .buffered(super::PER_RESOURCE_CONCURRENCY)
        .collect::<Vec<_>>()
        .await;
    Ok(policies)
}

/// A managed policy's name; some emulators omit it, and it is the last segment of the ARN.
fn policy_name(name: Option<&str>, arn: Option<&str>) -> String {
    name.filter(|n| !n.is_empty()).or_else(|| arn.and_then(|a| a.rsplit('/').next())).unwrap_or_default().to_string()
}

fn attached(policies: &[AttachedPolicy]) -> Vec<String> {
    policies.iter().filter_map(|p| p.policy_arn().map(str::to_string)).collect()
}

fn inline(policies: &[PolicyDetail]) -> Vec<InlinePolicy> {
    policies
        .iter()
        .map(|p| InlinePolicy {
            policy_name: p.policy_name().unwrap_or_default().to_string(),
            policy_document: p.policy_document().map(decode_document).unwrap_or_default(),
        })
        .collect()
}

/// IAM returns policy documents URL-encoded; emulators sometimes do not.
pub(crate) fn decode_document(raw: &str) -> String {
    if raw.trim_start().starts_with('{') {
        return raw.to_string();
    }
    percent_encoding::percent_decode_str(raw).decode_utf8_lossy().into_owned()
}

async fn saml_providers(client: &Client) -> Collected<Vec<String>> {
    read::value("iam:ListSAMLProviders", client.list_saml_providers().send(), |out| {
        out.saml_provider_list().iter().filter_map(|p| p.arn().map(str::to_string)).collect()
    })
    .await
}

async fn oidc_providers(client: &Client) -> Collected<Vec<String>> {
    read::value("iam:ListOpenIDConnectProviders", client.list_open_id_connect_providers().send(), |out| {
        out.open_id_connect_provider_list().iter().filter_map(|p| p.arn().map(str::to_string)).collect()
    })
    .await
}

async fn server_certificates(client: &Client) -> Collected<Vec<ServerCertificate>> {
    read::items("iam:ListServerCertificates", client.list_server_certificates().into_paginator().items().send(), |c| {
        ServerCertificate {
            server_certificate_name: c.server_certificate_name().to_string(),
            arn: c.arn().to_string(),
            expiration: c.expiration().and_then(to_chrono),
        }
    })
    .await
}

/// The table's entry: the IAM reads the plan holds.
pub(super) fn global<'a>(session: &'a crate::aws::Session, plan: &'a Plan) -> super::GlobalRead<'a> {
    Box::pin(async move {
        let read = crate::progress::track(collect(&session.iam(), plan)).await;
        Box::new(move |account: &mut rampart_checks::inventory::AccountInventory| account.iam = read) as super::Apply<_>
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use rampart_checks::inventory::iam::{
        GroupDetail, InlinePolicy, ManagedPolicyDetail, PasswordPolicy, ServerCertificate, UserDetail, VirtualMfaDevice,
    };
    use rampart_checks::inventory::{Cause, Plan, Source};

    use super::{decode_document, global};
    use crate::collect::testing::{Answer, Protocol, Request, Stub, known, plan, query, unknown};

    #[test]
    fn documents_are_url_decoded_once() {
        assert_eq!(decode_document("%7B%22Version%22%3A%222012-10-17%22%7D"), r#"{"Version":"2012-10-17"}"#);
        let plain = r#"{"Condition":{"StringLike":{"s3:prefix":"100%"}}}"#;
        assert_eq!(decode_document(plain), plain);
    }

    const REPORT: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,\
mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,\
access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,\
access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated
<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2024-01-01T00:00:00+00:00,not_supported,\
not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
";

    const DOCUMENT: &str = "%7B%22Version%22%3A%222012-10-17%22%7D";
    /// `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, URL-encoded.
    const ADMIN: &str = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D";

    /// Every IAM read answered, GetAccountAuthorizationDetails in two pages.
    fn answer(r: &Request) -> Answer {
        match r.action.as_str() {
            "GenerateCredentialReport" => query("GenerateCredentialReport", "<State>COMPLETE</State>"),
            "GetCredentialReport" => query(
                "GetCredentialReport",
                &format!(
                    "<Content>{}</Content><ReportFormat>text/csv</ReportFormat><GeneratedTime>2024-05-06T07:08:09Z</GeneratedTime>",
                    aws_smithy_types::base64::encode(REPORT)
                ),
            ),
            "GetAccountSummary" => query(
                "GetAccountSummary",
                "<SummaryMap><entry><key>AccountMFAEnabled</key><value>1</value></entry>\
                 <entry><key>AccountAccessKeysPresent</key><value>0</value></entry></SummaryMap>",
            ),
            "GetAccountPasswordPolicy" => query(
                "GetAccountPasswordPolicy",
                "<PasswordPolicy><MinimumPasswordLength>14</MinimumPasswordLength><RequireSymbols>true</RequireSymbols>\
                 <RequireNumbers>true</RequireNumbers><RequireUppercaseCharacters>false</RequireUppercaseCharacters>\
                 <RequireLowercaseCharacters>true</RequireLowercaseCharacters><AllowUsersToChangePassword>true</AllowUsersToChangePassword>\
                 <ExpirePasswords>true</ExpirePasswords><MaxPasswordAge>90</MaxPasswordAge><PasswordReusePrevention>24</PasswordReusePrevention>\
                 <HardExpiry>false</HardExpiry></PasswordPolicy>",
            ),
            "ListVirtualMFADevices" => {
                assert!(r.body.contains("AssignmentStatus=Assigned"), "{}", r.body);
                query(
                    "ListVirtualMFADevices",
                    "<VirtualMFADevices><member><SerialNumber>arn:aws:iam::123456789012:mfa/root-account-mfa-device</SerialNumber>\
                     <Base32StringSeed>U0VFRA==</Base32StringSeed><QRCodePNG>UE5H</QRCodePNG>\
                     <User><Path>/</Path><UserName>root</UserName><UserId>123456789012</UserId><Arn>arn:aws:iam::123456789012:root</Arn>\
                     <CreateDate>2020-01-01T00:00:00Z</CreateDate></User><EnableDate>2021-02-03T04:05:06Z</EnableDate></member>\
                     </VirtualMFADevices><IsTruncated>false</IsTruncated>",
                )
            }
            "GetAccountAuthorizationDetails" if r.body.contains("Marker=page-2") => query(
                "GetAccountAuthorizationDetails",
                &format!(
                    "<UserDetailList/><GroupDetailList><member><GroupName>admins</GroupName><Arn>arn:aws:iam::123456789012:group/admins</Arn>\
                     <AttachedManagedPolicies><member><PolicyName>AdministratorAccess</PolicyName>\
                     <PolicyArn>arn:aws:iam::aws:policy/AdministratorAccess</PolicyArn></member></AttachedManagedPolicies></member></GroupDetailList>\
                     <RoleDetailList/><Policies>\
                     <member><Arn>arn:aws:iam::123456789012:policy/deploy</Arn><AttachmentCount>0</AttachmentCount><PolicyVersionList>\
                     <member><Document>old</Document><VersionId>v1</VersionId><IsDefaultVersion>false</IsDefaultVersion></member>\
                     <member><Document>{DOCUMENT}</Document><VersionId>v2</VersionId><IsDefaultVersion>true</IsDefaultVersion></member>\
                     </PolicyVersionList></member></Policies><IsTruncated>false</IsTruncated>"
                ),
            ),
            "ListPolicies" => {
                assert!(r.body.contains("Scope=AWS") && r.body.contains("OnlyAttached=true"), "{}", r.body);
                query(
                    "ListPolicies",
                    "<Policies><member><PolicyName>AdministratorAccess</PolicyName><Arn>arn:aws:iam::aws:policy/AdministratorAccess</Arn>\
                     <DefaultVersionId>v3</DefaultVersionId><AttachmentCount>1</AttachmentCount></member></Policies><IsTruncated>false</IsTruncated>",
                )
            }
            "GetPolicyVersion" => {
                assert!(r.body.contains("VersionId=v3") && r.body.contains("AdministratorAccess"), "{}", r.body);
                query(
                    "GetPolicyVersion",
                    &format!("<PolicyVersion><Document>{ADMIN}</Document><VersionId>v3</VersionId><IsDefaultVersion>true</IsDefaultVersion></PolicyVersion>"),
                )
            }
            "GetAccountAuthorizationDetails" => query(
                "GetAccountAuthorizationDetails",
                &format!(
                    "<UserDetailList><member><UserName>alice</UserName><Arn>arn:aws:iam::123456789012:user/alice</Arn>\
                     <UserPolicyList><member><PolicyName>inline</PolicyName><PolicyDocument>{DOCUMENT}</PolicyDocument></member></UserPolicyList>\
                     <GroupList><member>admins</member></GroupList><Tags><member><Key>team</Key><Value>data</Value></member></Tags></member></UserDetailList>\
                     <GroupDetailList/><RoleDetailList/><Policies/><IsTruncated>true</IsTruncated><Marker>page-2</Marker>"
                ),
            ),
            "ListServerCertificates" => query(
                "ListServerCertificates",
                "<ServerCertificateMetadataList><member><Path>/</Path><ServerCertificateName>web</ServerCertificateName>\
                 <ServerCertificateId>ASCA1</ServerCertificateId><Arn>arn:aws:iam::123456789012:server-certificate/web</Arn>\
                 <Expiration>2030-01-01T00:00:00Z</Expiration></member></ServerCertificateMetadataList><IsTruncated>false</IsTruncated>",
            ),
            "ListSAMLProviders" => query(
                "ListSAMLProviders",
                "<SAMLProviderList><member><Arn>arn:aws:iam::123456789012:saml-provider/okta</Arn></member></SAMLProviderList>",
            ),
            "ListOpenIDConnectProviders" => query(
                "ListOpenIDConnectProviders",
                "<OpenIDConnectProviderList><member><Arn>arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com</Arn>\
                 </member></OpenIDConnectProviderList>",
            ),
            other => panic!("unexpected {other}"),
        }
    }

    fn denied(r: &Request) -> Answer {
        Protocol::Query.denied(&format!("iam:{}", r.action))
    }

    #[tokio::test]
    async fn every_iam_source_is_read() {
        let stub = Stub::start(answer).await;
        let iam = stub.global(global, &Plan::everything()).await.iam;

        let report = known(&iam.credential_report);
        assert_eq!(report.rows.len(), 1);
        assert_eq!((report.rows[0].user.as_str(), report.rows[0].mfa_active), ("<root_account>", true));

        assert_eq!(known(&iam.account_summary), &BTreeMap::from([
            ("AccountAccessKeysPresent".to_string(), 0),
            ("AccountMFAEnabled".to_string(), 1)
        ]));
        assert_eq!(known(&iam.password_policy), &Some(PasswordPolicy {
            minimum_password_length: Some(14),
            require_symbols: true,
            require_numbers: true,
            require_uppercase_characters: false,
            require_lowercase_characters: true,
            max_password_age: Some(90),
            password_reuse_prevention: Some(24),
        }));
        assert_eq!(known(&iam.virtual_mfa_devices), &[VirtualMfaDevice {
            serial_number: "arn:aws:iam::123456789012:mfa/root-account-mfa-device".into(),
            user_arn: Some("arn:aws:iam::123456789012:root".into()),
        }]);

        // Both pages, documents decoded, unused AWS managed policies left out, a missing
        // policy name taken from the ARN.
        let details = known(&iam.authorization_details);
        let document = r#"{"Version":"2012-10-17"}"#.to_string();
        assert_eq!(details.users, [UserDetail {
            user_name: "alice".into(),
            arn: "arn:aws:iam::123456789012:user/alice".into(),
            attached_managed_policies: vec![],
            user_policies: vec![InlinePolicy { policy_name: "inline".into(), policy_document: document.clone() }],
            tags: vec![("team".into(), "data".into())],
        }]);
        assert_eq!(details.groups, [GroupDetail {
            group_name: "admins".into(),
            arn: "arn:aws:iam::123456789012:group/admins".into(),
            attached_managed_policies: vec!["arn:aws:iam::aws:policy/AdministratorAccess".into()],
            group_policies: vec![],
        }]);
        assert!(details.roles.is_empty());
        // The account's own policies from the details; the AWS managed ones attached, from
        // their listing, each with its default version's document.
        assert_eq!(details.policies, [
            ManagedPolicyDetail {
                policy_name: "deploy".into(),
                arn: "arn:aws:iam::123456789012:policy/deploy".into(),
                attachment_count: 0,
                default_version_document: Some(document),
            },
            ManagedPolicyDetail {
                policy_name: "AdministratorAccess".into(),
                arn: "arn:aws:iam::aws:policy/AdministratorAccess".into(),
                attachment_count: 1,
                default_version_document: Some(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#.into()),
            },
        ]);
        // The details leave the AWS managed policies out: all of them, attached or not.
        let details_requests: Vec<String> =
            stub.requests().into_iter().filter(|r| r.action == "GetAccountAuthorizationDetails").map(|r| r.body).collect();
        assert!(details_requests.iter().all(|b| b.contains("LocalManagedPolicy") && !b.contains("AWSManagedPolicy")), "{details_requests:?}");

        assert_eq!(known(&iam.server_certificates), &[ServerCertificate {
            server_certificate_name: "web".into(),
            arn: "arn:aws:iam::123456789012:server-certificate/web".into(),
            expiration: "2030-01-01T00:00:00Z".parse().ok(),
        }]);
        assert_eq!(known(&iam.saml_providers), &["arn:aws:iam::123456789012:saml-provider/okta"]);
        assert_eq!(known(&iam.oidc_providers), &["arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"]);
    }

    #[tokio::test]
    async fn denied_reads_are_unknown_with_the_reason() {
        let stub = Stub::start(denied).await;
        let iam = stub.global(global, &Plan::everything()).await.iam;
        let reason = |action: &str| format!("iam:{action} access denied: AccessDenied: not authorized to perform: iam:{action}");
        assert_eq!(unknown(&iam.credential_report), (
            Cause::Denied,
            format!("{}; {}", reason("GenerateCredentialReport"), reason("GetCredentialReport")).as_str()
        ));
        assert_eq!(unknown(&iam.account_summary), (Cause::Denied, reason("GetAccountSummary").as_str()));
        assert_eq!(unknown(&iam.password_policy), (Cause::Denied, reason("GetAccountPasswordPolicy").as_str()));
        assert_eq!(unknown(&iam.virtual_mfa_devices), (Cause::Denied, reason("ListVirtualMFADevices").as_str()));
        assert_eq!(unknown(&iam.authorization_details), (Cause::Denied, reason("GetAccountAuthorizationDetails").as_str()));
        assert_eq!(unknown(&iam.server_certificates), (Cause::Denied, reason("ListServerCertificates").as_str()));
        assert_eq!(unknown(&iam.saml_providers), (Cause::Denied, reason("ListSAMLProviders").as_str()));
        assert_eq!(unknown(&iam.oidc_providers), (Cause::Denied, reason("ListOpenIDConnectProviders").as_str()));
    }

    #[tokio::test]
    async fn no_password_policy_is_none() {
        let stub = Stub::start(|_| {
            Protocol::Query.error("404 Not Found", "NoSuchEntity", "The Password Policy with domain name 123456789012 cannot be found.")
        })
        .await;
        let iam = stub.global(global, &plan(&[Source::PasswordPolicy])).await.iam;
        assert_eq!(known(&iam.password_policy), &None);
        // Only the planned read was sent; the others stay not collected.
        assert_eq!(stub.actions(), ["GetAccountPasswordPolicy"]);
        assert_eq!(unknown(&iam.account_summary).0, Cause::NotCollected);
    }

    #[tokio::test]
    async fn no_such_entity_elsewhere_is_a_failure() {
        let stub = Stub::start(|_| Protocol::Query.error("404 Not Found", "NoSuchEntity", "gone")).await;
        let iam = stub.global(global, &plan(&[Source::AccountSummary])).await.iam;
        assert_eq!(unknown(&iam.account_summary), (
            Cause::Unsupported,
            "iam:GetAccountSummary not supported by this endpoint: NoSuchEntity: gone"
        ));
    }

    #[tokio::test]
    async fn the_credential_report_is_polled_until_complete() {
        let generated = AtomicUsize::new(0);
        let stub = Stub::start(move |r| {
            if r.action == "GenerateCredentialReport" && generated.fetch_add(1, Ordering::SeqCst) == 0 {
                query("GenerateCredentialReport", "<State>STARTED</State>")
            } else {
                answer(r)
            }
        })
        .await;
        let iam = stub.global(global, &plan(&[Source::CredentialReport])).await.iam;
        assert_eq!(known(&iam.credential_report).rows.len(), 1);
        assert_eq!(stub.actions(), ["GenerateCredentialReport", "GenerateCredentialReport", "GetCredentialReport"]);
    }

    #[tokio::test]
    async fn an_existing_report_is_read_without_permission_to_generate_one() {
        let stub = Stub::start(|r| if r.action == "GenerateCredentialReport" { denied(r) } else { answer(r) }).await;
        let iam = stub.global(global, &plan(&[Source::CredentialReport])).await.iam;
        assert_eq!(known(&iam.credential_report).rows.len(), 1);
    }

    #[tokio::test]
    async fn a_throttled_second_page_makes_the_details_unknown() {
        let stub = Stub::start(|r| if r.body.contains("Marker=page-2") { Protocol::Query.throttled() } else { answer(r) }).await;
        let iam = stub.global(global, &plan(&[Source::AuthorizationDetails])).await.iam;
        assert_eq!(unknown(&iam.authorization_details), (
            Cause::Throttled,
            "iam:GetAccountAuthorizationDetails throttled after every retry: Throttling: Rate exceeded"
        ));
    }

    #[tokio::test]
    async fn the_aws_managed_policies_fail_as_their_own_reads_do() {
        // Their listing denied: the details are unknown (which AWS policies are attached is not
        // known), with that reason.
        let stub = Stub::start(|r| if r.action == "ListPolicies" { denied(r) } else { answer(r) }).await;
        let iam = stub.global(global, &plan(&[Source::AuthorizationDetails])).await.iam;
        assert_eq!(unknown(&iam.authorization_details).1, "iam:ListPolicies access denied: AccessDenied: not authorized to perform: iam:ListPolicies");
        // One document denied: that policy stays, without a document (its checks are ERROR).
        let stub = Stub::start(|r| if r.action == "GetPolicyVersion" { denied(r) } else { answer(r) }).await;
        let iam = stub.global(global, &plan(&[Source::AuthorizationDetails])).await.iam;
        let details = known(&iam.authorization_details);
        let admin = details.policies.iter().find(|p| p.policy_name == "AdministratorAccess").unwrap();
        assert_eq!((admin.attachment_count, admin.default_version_document.as_deref()), (1, None));
        assert_eq!(details.users.len(), 1);
    }
}
