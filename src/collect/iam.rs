//! IAM collector: credential report, account summary, password policy, virtual MFA devices.
//!
//! Four independent reads run concurrently. Only identifiers, flags and dates are kept:
//! virtual MFA seeds and QR codes that ListVirtualMFADevices returns are dropped here.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_iam::Client;
use aws_sdk_iam::types::{AssignmentStatusType, ReportStateType};
use rampart_checks::inventory::iam::{CredentialReport, IamInventory, PasswordPolicy, VirtualMfaDevice};
use rampart_checks::Collected;
use tokio::time::Instant;
use tracing::debug;

use super::to_chrono;
use crate::aws::error::describe;

/// How long to wait for AWS to finish generating the credential report.
const REPORT_DEADLINE: Duration = Duration::from_secs(300);

pub async fn collect(client: &Client) -> IamInventory {
    let (credential_report, account_summary, password_policy, virtual_mfa_devices) = tokio::join!(
        credential_report(client),
        account_summary(client),
        password_policy(client),
        virtual_mfa_devices(client),
    );
    IamInventory { credential_report, account_summary, password_policy, virtual_mfa_devices }
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
            return Collected::Unknown(format!(
                "the credential report was not ready after {} s",
                REPORT_DEADLINE.as_secs()
            ));
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(5));
    };
    match client.get_credential_report().send().await {
        Ok(out) => {
            let Some(content) = out.content() else {
                return Collected::Unknown("iam:GetCredentialReport returned no content".into());
            };
            let generated_at = out.generated_time().and_then(to_chrono);
            match CredentialReport::from_csv(content.as_ref(), generated_at) {
                Ok(report) => Collected::Known(report),
                Err(e) => Collected::Unknown(e.to_string()),
            }
        }
        Err(e) => {
            let get = describe("iam:GetCredentialReport", &e);
            Collected::Unknown(match generate_error {
                Some(generate) => format!("{generate}; {get}"),
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
            allow_users_to_change_password: p.allow_users_to_change_password(),
            expire_passwords: p.expire_passwords(),
            max_password_age: p.max_password_age(),
            password_reuse_prevention: p.password_reuse_prevention(),
            hard_expiry: p.hard_expiry(),
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
                enable_date: d.enable_date().and_then(to_chrono),
            }),
            Err(e) => return Collected::Unknown(describe("iam:ListVirtualMFADevices", &e)),
        }
    }
    Collected::Known(devices)
}
