//! Synthetic CloudTrail events, shaped as CloudTrail writes them to CloudWatch Logs, that the
//! CIS monitoring filters are tested against.
//!
//! Each check names the events its filter must match and a few near misses it must not match;
//! every check also uses [`unrelated`], ordinary events no monitoring filter has any business
//! counting (a filter that matches them, such as `{ $.eventName = * }` or the empty pattern,
//! is vacuous).

use serde_json::{Map, Value, json};

/// One CloudTrail event and the short label findings use for it (`iam:CreatePolicy`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Event {
    pub label: String,
    pub json: Value,
}

fn service_of(source: &str) -> &str {
    source.split('.').next().unwrap_or(source)
}

/// A successful management API call by an IAM user.
pub(crate) fn api_call(source: &str, name: &str) -> Event {
    let json = json!({
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "IAMUser",
            "principalId": "AIDAEXAMPLEEXAMPLE001",
            "arn": "arn:aws:iam::111122223333:user/alice",
            "accountId": "111122223333",
            "accessKeyId": "AKIAEXAMPLEEXAMPLE01",
            "userName": "alice"
        },
        "eventTime": "2026-01-15T10:00:00Z",
        "eventSource": source,
        "eventName": name,
        "awsRegion": "us-east-1",
        "sourceIPAddress": "198.51.100.7",
        "userAgent": "aws-cli/2.15.0",
        "requestParameters": {},
        "responseElements": null,
        "requestID": "0f6b1b4a-0000-4000-8000-000000000001",
        "eventID": "0f6b1b4a-0000-4000-8000-000000000002",
        "readOnly": false,
        "eventType": "AwsApiCall",
        "managementEvent": true,
        "recipientAccountId": "111122223333",
        "eventCategory": "Management"
    });
    Event { label: format!("{}:{name}", service_of(source)), json }
}

/// A successful read-only call (`Describe*`, `Get*`, `List*`).
pub(crate) fn read_call(source: &str, name: &str) -> Event {
    api_call(source, name).set("readOnly", json!(true))
}

/// One successful write call per event name.
pub(crate) fn api_calls(source: &str, names: &[&str]) -> Vec<Event> {
    names.iter().map(|n| api_call(source, n)).collect()
}

/// A console sign-in by an IAM user, successful, with or without MFA.
pub(crate) fn console_login(mfa_used: bool) -> Event {
    let mfa = if mfa_used { "Yes" } else { "No" };
    api_call("signin.amazonaws.com", "ConsoleLogin")
        .set("eventType", json!("AwsConsoleSignIn"))
        .set("requestParameters", Value::Null)
        .set("responseElements", json!({ "ConsoleLogin": "Success" }))
        .set(
            "additionalEventData",
            json!({ "LoginTo": "https://console.aws.amazon.com/console/home", "MobileVersion": "No", "MFAUsed": mfa }),
        )
        .labelled(&format!("signin:ConsoleLogin (IAM user, success, MFAUsed={mfa})"))
}

/// A console sign-in that failed on the password.
pub(crate) fn failed_console_login() -> Event {
    console_login(false)
        .set("responseElements", json!({ "ConsoleLogin": "Failure" }))
        .set("errorMessage", json!("Failed authentication"))
        .labelled("signin:ConsoleLogin (Failed authentication)")
}

/// The same event made by the root user.
pub(crate) fn as_root(event: Event) -> Event {
    let label = format!("{} by root", event.label);
    event
        .set(
            "userIdentity",
            json!({
                "type": "Root",
                "principalId": "111122223333",
                "arn": "arn:aws:iam::111122223333:root",
                "accountId": "111122223333"
            }),
        )
        .labelled(&label)
}

/// Ordinary events that no CIS monitoring filter should count.
pub(crate) fn unrelated() -> Vec<Event> {
    vec![read_call("ec2.amazonaws.com", "DescribeInstances"), read_call("sts.amazonaws.com", "GetCallerIdentity")]
}

impl Event {
    /// Sets a field (dotted path; objects are created on the way).
    pub(crate) fn set(mut self, path: &str, value: Value) -> Self {
        let mut cur = &mut self.json;
        let mut keys = path.split('.').peekable();
        while let Some(key) = keys.next() {
            if !cur.is_object() {
                *cur = Value::Object(Map::new());
            }
            let Value::Object(map) = cur else { break };
            if keys.peek().is_none() {
                map.insert(key.to_string(), value);
                break;
            }
            cur = map.entry(key.to_string()).or_insert_with(|| Value::Object(Map::new()));
        }
        self
    }

    /// Renames the event in findings.
    pub(crate) fn labelled(mut self, label: &str) -> Self {
        self.label = label.to_string();
        self
    }

    /// Appends a detail to the label: `kms:Decrypt (AccessDeniedException)`.
    pub(crate) fn noted(mut self, note: &str) -> Self {
        self.label = format!("{} ({note})", self.label);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_creates_nested_objects_and_labels_follow_the_service() {
        let e = api_call("iam.amazonaws.com", "CreatePolicy")
            .set("userIdentity.invokedBy", json!("x"))
            .set("a.b.c", json!(1));
        assert_eq!(e.label, "iam:CreatePolicy");
        assert_eq!(e.json["userIdentity"]["invokedBy"], "x");
        assert_eq!(e.json["userIdentity"]["type"], "IAMUser");
        assert_eq!(e.json["a"]["b"]["c"], 1);
        let r = as_root(console_login(false));
        assert_eq!(r.json["userIdentity"]["type"], "Root");
        assert_eq!(r.json["eventType"], "AwsConsoleSignIn");
    }
}
