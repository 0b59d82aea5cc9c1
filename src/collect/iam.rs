//! IAM collector: credential report, account summary, password policy, virtual MFA devices.
//!
//! Four independent reads run concurrently. Only identifiers, flags and dates are kept:
//! virtual MFA seeds and QR codes that ListVirtualMFADevices returns are dropped here.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_iam::Client;
use aws_sdk_iam::types::{AssignmentStatusType, ReportStateType};
use aws_sdk_iam::types::{AttachedPolicy, EntityType, PolicyDetail};
use rampart_checks::inventory::iam::{
    AuthorizationDetails, CredentialReport, GroupDetail, IamInventory, InlinePolicy, ManagedPolicyDetail, PasswordPolicy,
    RoleDetail, ServerCertificate, UserDetail, VirtualMfaDevice,
};
use rampart_checks::Collected;
use tokio::time::Instant;
use tracing::debug;

use rampart_checks::inventory::{Cause, Plan, Source, Unavailable};

use super::{read, to_chrono};
use crate::aws::error::describe;

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
        match client.generate_credential_report().send().await {
            Ok(out) if out.state() == Some(&ReportStateType::Complete) => break None,
            Ok(out) => debug!(state = ?out.state(), "credential report not ready"),
            // Without permission to generate, an existing report may still be readable.
            Err(e) => break Some(describe("iam:GenerateCredentialReport", &e)),
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
    match client.get_credential_report().send().await {
        Ok(out) => {
            let Some(content) = out.content() else {
                return Collected::unknown(Cause::Other, "iam:GetCredentialReport returned no content");
            };
            match CredentialReport::from_csv(content.as_ref()) {
                Ok(report) => Collected::Known(report),
                Err(e) => Collected::unknown(Cause::Other, e.to_string()),
            }
        }
        Err(e) => {
            let get = describe("iam:GetCredentialReport", &e);
            Collected::Unknown(match generate_error {
                Some(generate) => Unavailable::new(get.cause, format!("{generate}; {get}")),
                None => get,
            })
        }
    }
}

async fn account_summary(client: &Client) -> Collected<BTreeMap<String, i64>> {
    match client.get_account_summary().send().await {
        Ok(out) => Collected::Known(
            out.summary_map()
                .map(|m| m.iter().map(|(k, v)| (k.as_str().to_string(), i64::from(*v))).collect())
                .unwrap_or_default(),
        ),
        Err(e) => Collected::Unknown(describe("iam:GetAccountSummary", &e)),
    }
}

async fn password_policy(client: &Client) -> Collected<Option<PasswordPolicy>> {
    match client.get_account_password_policy().send().await {
        Ok(out) => Collected::Known(out.password_policy().map(|p| PasswordPolicy {
            minimum_password_length: p.minimum_password_length(),
            require_symbols: p.require_symbols(),
            require_numbers: p.require_numbers(),
            require_uppercase_characters: p.require_uppercase_characters(),
            require_lowercase_characters: p.require_lowercase_characters(),
            max_password_age: p.max_password_age(),
            password_reuse_prevention: p.password_reuse_prevention(),
        })),
        // No policy is data: the account uses IAM's defaults.
        Err(e) if e.as_service_error().is_some_and(|se| se.is_no_such_entity_exception()) => Collected::Known(None),
        Err(e) => Collected::Unknown(describe("iam:GetAccountPasswordPolicy", &e)),
    }
}

async fn virtual_mfa_devices(client: &Client) -> Collected<Vec<VirtualMfaDevice>> {
    let mut items = client
        .list_virtual_mfa_devices()
        .assignment_status(AssignmentStatusType::Assigned)
        .into_paginator()
        .items()
        .send();
    let mut devices = Vec::new();
    while let Some(item) = items.next().await {
        match item {
            Ok(d) => devices.push(VirtualMfaDevice {
                serial_number: d.serial_number().to_string(),
                user_arn: d.user().map(|u| u.arn().to_string()),
            }),
            Err(e) => return Collected::Unknown(describe("iam:ListVirtualMFADevices", &e)),
        }
    }
    Collected::Known(devices)
}

/// GetAccountAuthorizationDetails: every user, group, role and managed policy, with the
/// policy documents, in one paginated call.
async fn authorization_details(client: &Client) -> Collected<AuthorizationDetails> {
    let mut pages = client
        .get_account_authorization_details()
        .set_filter(Some(vec![
            EntityType::User,
            EntityType::Group,
            EntityType::Role,
            EntityType::LocalManagedPolicy,
            EntityType::AwsManagedPolicy,
        ]))
        .into_paginator()
        .send();
    let mut details = AuthorizationDetails::default();
    while let Some(page) = pages.next().await {
        let page = match page {
            Ok(p) => p,
            Err(e) => return Collected::Unknown(describe("iam:GetAccountAuthorizationDetails", &e)),
        };
        details.users.extend(page.user_detail_list().iter().map(|u| UserDetail {
            user_name: u.user_name().unwrap_or_default().to_string(),
            arn: u.arn().unwrap_or_default().to_string(),
            attached_managed_policies: attached(u.attached_managed_policies()),
            user_policies: inline(u.user_policy_list()),
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
        }));
        // AWS managed policies that nothing uses are AWS's business, not the account's:
        // keep only attached ones (hundreds of documents otherwise).
        let in_use = |p: &&aws_sdk_iam::types::ManagedPolicyDetail| {
            !p.arn().is_some_and(|a| a.contains(":iam::aws:policy/")) || p.attachment_count().unwrap_or(0) > 0
        };
        details.policies.extend(page.policies().iter().filter(in_use).map(|p| ManagedPolicyDetail {
            // Some emulators omit the name; it is the last segment of the ARN.
            policy_name: p
                .policy_name()
                .filter(|n| !n.is_empty())
                .or_else(|| p.arn().and_then(|a| a.rsplit('/').next()))
                .unwrap_or_default()
                .to_string(),
            arn: p.arn().unwrap_or_default().to_string(),
            attachment_count: p.attachment_count().unwrap_or(0),
            default_version_document: p
                .policy_version_list()
                .iter()
                .find(|v| v.is_default_version())
                .and_then(|v| v.document())
                .map(decode_document),
        }));
    }
    Collected::Known(details)
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
    match client.list_saml_providers().send().await {
        Ok(out) => Collected::Known(out.saml_provider_list().iter().filter_map(|p| p.arn().map(str::to_string)).collect()),
        Err(e) => Collected::Unknown(describe("iam:ListSAMLProviders", &e)),
    }
}

async fn oidc_providers(client: &Client) -> Collected<Vec<String>> {
    match client.list_open_id_connect_providers().send().await {
        Ok(out) => Collected::Known(out.open_id_connect_provider_list().iter().filter_map(|p| p.arn().map(str::to_string)).collect()),
        Err(e) => Collected::Unknown(describe("iam:ListOpenIDConnectProviders", &e)),
    }
}

async fn server_certificates(client: &Client) -> Collected<Vec<ServerCertificate>> {
    let mut items = client.list_server_certificates().into_paginator().items().send();
    let mut certificates = Vec::new();
    while let Some(item) = items.next().await {
        match item {
            Ok(c) => certificates.push(ServerCertificate {
                server_certificate_name: c.server_certificate_name().to_string(),
                arn: c.arn().to_string(),
                expiration: c.expiration().and_then(to_chrono),
            }),
            Err(e) => return Collected::Unknown(describe("iam:ListServerCertificates", &e)),
        }
    }
    Collected::Known(certificates)
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
    use super::decode_document;

    #[test]
    fn documents_are_url_decoded_once() {
        assert_eq!(decode_document("%7B%22Version%22%3A%222012-10-17%22%7D"), r#"{"Version":"2012-10-17"}"#);
        let plain = r#"{"Condition":{"StringLike":{"s3:prefix":"100%"}}}"#;
        assert_eq!(decode_document(plain), plain);
    }
}
