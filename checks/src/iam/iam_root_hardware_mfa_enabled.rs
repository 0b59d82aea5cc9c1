use crate::declare_check;
use crate::finding::{Measure, Severity};
use crate::inventory::AccountInventory;
use crate::inventory::iam::summary_flag;
use crate::registry::{Context, Findings};

declare_check! {
    /// ## What it checks
    /// The root user's MFA device is a hardware device: root MFA is enabled
    /// (`AccountMFAEnabled` of GetAccountSummary) and no *virtual* MFA device assigned in the
    /// account belongs to root (ListVirtualMFADevices with `AssignmentStatus=Assigned`).
    /// ## Why it matters
    /// A virtual MFA lives on a phone or laptop that can be lost, cloned or compromised along
    /// with the password. A hardware key kept offline protects the most powerful identity.
    /// ## Remediation
    /// Sign in as the root user, remove the virtual MFA device and assign a FIDO security
    /// key or hardware TOTP token under **Security credentials → Multi-factor authentication**.
    /// ## References
    /// - CIS AWS Foundations Benchmark v5.0.0, control 1.5
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable_physical.html
    pub static CHECK = {
        id: "iam_root_hardware_mfa_enabled",
        title: "Root user has a hardware MFA device",
        measure: Measure::Access,
        severity: Severity::Critical,
        reads: [Source::AccountSummary, Source::CredentialReport, Source::VirtualMfaDevices],
        eval: evaluate,
    }
}

fn evaluate(account: &AccountInventory, _ctx: &Context<'_>, out: &mut Findings) {
    let enabled = account
        .iam
        .account_summary
        .as_result()
        .map_err(|e| e.to_string())
        .and_then(|s| summary_flag(s, "AccountMFAEnabled"))
        .or_else(|why| {
            account
                .iam
                .credential_report
                .known()
                .and_then(|r| r.root())
                .map(|root| root.mfa_active)
                .ok_or(why)
        });
    let enabled = match enabled {
        Ok(v) => v,
        Err(why) => {
            out.error(account.resource(), format!("root MFA status unknown: {why}"));
            return;
        }
    };
    if !enabled {
        out.fail(account.resource(), "the root user has no MFA device at all");
        return;
    }
    match account.iam.virtual_mfa_devices.as_result() {
        Err(why) => out.error(account.resource(), format!("virtual MFA devices could not be listed: {why}")),
        Ok(devices) => match devices.iter().find(|d| d.is_root()) {
            Some(device) => out.fail(
                account.resource(),
                format!("the root user's MFA is a virtual device ({})", device.serial_number),
            ),
            None => out.pass(account.resource(), "the root user's MFA is a hardware device"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::finding::Status;
    use crate::iam::testing::*;
    use crate::inventory::Collected;
    use crate::inventory::iam::VirtualMfaDevice;
    use crate::testing::*;

    #[test]
    fn pass_when_mfa_on_and_no_root_virtual_device() {
        let mut account = account_with_report(&[]);
        account.iam.virtual_mfa_devices = Collected::Known(vec![VirtualMfaDevice {
            serial_number: format!("arn:aws:iam::{ACCOUNT}:mfa/alice"),
            user_arn: Some(format!("arn:aws:iam::{ACCOUNT}:user/alice")),
        }]);
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Pass);
    }

    #[test]
    fn fail_when_root_device_is_virtual() {
        let mut account = account_with_report(&[]);
        account.iam.virtual_mfa_devices = Collected::Known(vec![root_virtual()]);
        let found = run(&CHECK, &account);
        assert_eq!(status_of(&found, ACCOUNT), Status::Fail);
        assert!(found[0].message.contains("virtual"));
    }

    #[test]
    fn fail_when_no_mfa_at_all() {
        let mut account = account_with_report(&[]);
        set_summary(&mut account, false, false);
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Fail);
    }

    #[test]
    fn error_when_devices_cannot_be_listed() {
        let mut account = account_with_report(&[]);
        account.iam.virtual_mfa_devices = denied();
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Error);
    }

    #[test]
    fn error_when_mfa_status_unknown() {
        let mut account = account_with_report(&[]);
        account.iam.account_summary = denied();
        assert_eq!(status_of(&run(&CHECK, &account), ACCOUNT), Status::Error);
    }
}
